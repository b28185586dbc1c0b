#pragma once

// Sample messages shared by the tests, the benchmark and (as hex) docs/terminal-protocol.md
// section 14. Test-only: the library does not include this header.

#include "card_core/domain/assert.h"
#include "terminal_api/iso8583/codec.h"
#include "terminal_api/iso8583/message.h"

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace yika::iso8583::testing {

inline constexpr Tpdu kTerminalTpdu{0x0003, 0x0000};
inline constexpr std::string_view kTerminalId = "10000001";
inline constexpr std::string_view kMerchantId = "898310048140001";
inline constexpr std::string_view kPan = "6288880000000000016";
inline constexpr std::string_view kTrack2 = "6288880000000000016=2812101";

inline void setOrDie(Message& message, Field field, std::string_view value) {
    const Status status = message.set(field, value);
    YIKA_ASSERT(status.ok());
}

inline std::string bytesText(std::initializer_list<std::uint8_t> bytes) {
    return std::string(bytes.begin(), bytes.end());
}

inline Message signOnRequest() {
    Message message(Mti::NetworkRequest);
    message.setTpdu(kTerminalTpdu);
    setOrDie(message, Field::Trace, "000001");
    setOrDie(message, Field::TerminalId, kTerminalId);
    setOrDie(message, Field::MerchantId, kMerchantId);
    setOrDie(message, Field::Reserved60, "00000001003");
    setOrDie(message, Field::Reserved63, "001");
    return message;
}

inline Message purchaseRequest() {
    Message message(Mti::FinancialRequest);
    message.setTpdu(kTerminalTpdu);
    setOrDie(message, Field::ProcessingCode, "000000");
    setOrDie(message, Field::Amount, "000000001250");
    setOrDie(message, Field::Trace, "000002");
    setOrDie(message, Field::PosEntryMode, "021");
    setOrDie(message, Field::ConditionCode, "00");
    setOrDie(message, Field::PinCaptureCode, "06");
    setOrDie(message, Field::Track2, kTrack2);
    setOrDie(message, Field::TerminalId, kTerminalId);
    setOrDie(message, Field::MerchantId, kMerchantId);
    setOrDie(message, Field::Currency, "156");
    setOrDie(message, Field::PinData, bytesText({0x4D, 0x8A, 0x2F, 0x6B, 0x1C, 0x93, 0xE0, 0x57}));
    setOrDie(message, Field::SecurityControl, "2600000000000000");
    setOrDie(message, Field::Reserved60, "22000001000");
    setOrDie(message, Field::Mac, bytesText({0x8C, 0x3F, 0x5A, 0x19, 0xD2, 0x07, 0xB4, 0x6E}));
    return message;
}

inline Message reversalRequest() {
    Message message(Mti::ReversalAdvice);
    message.setTpdu(kTerminalTpdu);
    setOrDie(message, Field::Pan, kPan);
    setOrDie(message, Field::ProcessingCode, "000000");
    setOrDie(message, Field::Amount, "000000001250");
    setOrDie(message, Field::Trace, "000002");
    setOrDie(message, Field::Expiry, "2812");
    setOrDie(message, Field::PosEntryMode, "021");
    setOrDie(message, Field::ConditionCode, "00");
    setOrDie(message, Field::ResponseCode, "98");
    setOrDie(message, Field::TerminalId, kTerminalId);
    setOrDie(message, Field::MerchantId, kMerchantId);
    setOrDie(message, Field::Currency, "156");
    setOrDie(message, Field::Reserved60, "22000001000");
    setOrDie(message, Field::Mac, bytesText({0x5E, 0x21, 0x9B, 0x70, 0x4A, 0xC6, 0x13, 0xF8}));
    return message;
}

// Frame bodies (no length prefix) of the three messages above, written out by hand from
// docs/terminal-protocol.md, one line per element.
inline constexpr std::string_view kSignOnHex =
    "6000030000"                      // TPDU
    "603100000000"                    // header
    "0800"                            // MTI
    "0020000000C00012"                // bitmap: 11 41 42 60 63
    "000001"                          // 11
    "3130303030303031"                // 41
    "383938333130303438313430303031"  // 42
    "0011"                            // 60: length prefix
    "000000010030"                    // 60: 11 digits, left-aligned
    "0003"                            // 63: length prefix
    "303031";                         // 63

inline constexpr std::string_view kPurchaseHex =
    "6000030000"
    "603100000000"
    "0200"
    "302004C020C09811"                // bitmap: 3 4 11 22 25 26 35 41 42 49 52 53 60 64
    "000000"                          // 3
    "000000001250"                    // 4
    "000002"                          // 11
    "0210"                            // 22: n3 left-aligned
    "00"                              // 25
    "06"                              // 26
    "27"                              // 35: length prefix
    "6288880000000000016D28121010"    // 35: 27 characters, '=' as D, pad 0
    "3130303030303031"                // 41
    "383938333130303438313430303031"  // 42
    "313536"                          // 49
    "4D8A2F6B1C93E057"                // 52
    "2600000000000000"                // 53
    "0011"                            // 60: length prefix
    "220000010000"                    // 60
    "8C3F5A19D207B46E";               // 64

inline constexpr std::string_view kReversalHex =
    "6000030000"
    "603100000000"
    "0400"
    "70240480"
    "02C08011"                        // bitmap: 2 3 4 11 14 22 25 39 41 42 49 60 64
    "19"                              // 2: length prefix
    "62888800000000000160"            // 2: 19 digits, left-aligned, pad 0
    "000000"                          // 3
    "000000001250"                    // 4
    "000002"                          // 11: the original's trace
    "2812"                            // 14
    "0210"                            // 22
    "00"                              // 25
    "3938"                            // 39: reason 98
    "3130303030303031"                // 41
    "383938333130303438313430303031"  // 42
    "313536"                          // 49
    "0011"                            // 60: length prefix
    "220000010000"                    // 60
    "5E219B704AC613F8";               // 64

// Bytes of a hex string (upper or lower case). Precondition: even length, hex digits only.
inline std::vector<std::uint8_t> fromHex(std::string_view hex) {
    YIKA_ASSERT(hex.size() % 2 == 0);
    auto nibble = [](char c) -> std::uint8_t {
        if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
        if (c >= 'A' && c <= 'F') return static_cast<std::uint8_t>(c - 'A' + 10);
        YIKA_ASSERT(c >= 'a' && c <= 'f');
        return static_cast<std::uint8_t>(c - 'a' + 10);
    };
    std::vector<std::uint8_t> bytes;
    bytes.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        bytes.push_back(static_cast<std::uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
    }
    return bytes;
}

inline std::string toHex(std::span<const std::uint8_t> bytes) {
    constexpr std::string_view kDigits = "0123456789ABCDEF";
    std::string hex;
    hex.reserve(bytes.size() * 2);
    for (const std::uint8_t byte : bytes) {
        hex.push_back(kDigits[byte >> 4]);
        hex.push_back(kDigits[byte & 0x0F]);
    }
    return hex;
}

}  // namespace yika::iso8583::testing
