#pragma once

// Packed BCD helpers of the codec. Internal to terminal_api/iso8583: no other folder includes
// this header.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace yika::iso8583::detail {

constexpr bool isDigit(char c) { return c >= '0' && c <= '9'; }

constexpr bool isAllDigits(std::string_view text) {
    for (const char c : text) {
        if (!isDigit(c)) {
            return false;
        }
    }
    return true;
}

// Nibble of a character of an n or z value: 0-9, and 0xD for the track 2 separator '='.
constexpr std::uint8_t nibbleOf(char c) {
    return c == '=' ? std::uint8_t{0xD} : static_cast<std::uint8_t>(c - '0');
}

// Appends `digits` packed two per byte. An odd count gets a pad nibble 0 first (pad_first) or
// last. Precondition: every character is a digit, or '=' (nibble 0xD) when allow_separator.
void appendBcd(std::string_view digits, bool pad_first, bool allow_separator,
               std::vector<std::uint8_t>& out);

enum class BcdStatus : std::uint8_t { Ok, BadNibble, BadPad };

// Unpacks the out.size() digits packed in `in`, which must hold exactly (out.size() + 1) / 2
// bytes, as ASCII into `out`. Nibble 0xD becomes '=' when allow_separator; any other nibble above
// 9 is BadNibble; a pad nibble other than 0 is BadPad. On failure `out` holds a partial value.
BcdStatus unpackBcd(std::span<const std::uint8_t> in, bool pad_first, bool allow_separator,
                    std::span<char> out);

// Reads a packed BCD number of 1-4 bytes (up to 8 digits) into `value`; false, leaving
// `value` alone, if any nibble is above 9. Used for lengths, the MTI and the header.
bool readBcdNumber(std::span<const std::uint8_t> in, std::uint32_t& value);

// Appends `value` as `byte_count` bytes of packed BCD, leading zeros included.
// Precondition: value < 10^(2 * byte_count).
void appendBcdNumber(std::uint32_t value, std::size_t byte_count, std::vector<std::uint8_t>& out);

}  // namespace yika::iso8583::detail
