#pragma once

// Field 39 response codes the host sends (design section 6). They follow ISO 8583 usage as
// UnionPay POS terminals know it; A0 is UnionPay's "MAC failure". The mapping from the domain's
// ErrorCode to these codes lives in one place in terminal_api (style guide section 4), not here.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace yika::iso8583 {

enum class ResponseCode : std::uint8_t {
    Approved,            // 00
    DoNotHonor,          // 05
    InvalidTransaction,  // 12
    InvalidAmount,       // 13
    InvalidCard,         // 14
    OriginalNotFound,    // 25
    FormatError,         // 30
    InsufficientFunds,   // 51
    ExpiredCard,         // 54
    WrongPin,            // 55
    NotPermittedToCard,  // 57
    OverAmountLimit,     // 61
    RestrictedCard,      // 62 frozen, or outside the card's acceptance scope
    OverCountLimit,      // 65
    PinTriesExceeded,    // 75
    Duplicate,           // 94
    ReconcileError,      // 95
    SystemError,         // 96
    MacFailure,          // A0
};

// Every response code, in the order above.
inline constexpr std::array<ResponseCode, 19> kResponseCodes = {
    ResponseCode::Approved,           ResponseCode::DoNotHonor,
    ResponseCode::InvalidTransaction, ResponseCode::InvalidAmount,
    ResponseCode::InvalidCard,        ResponseCode::OriginalNotFound,
    ResponseCode::FormatError,        ResponseCode::InsufficientFunds,
    ResponseCode::ExpiredCard,        ResponseCode::WrongPin,
    ResponseCode::NotPermittedToCard, ResponseCode::OverAmountLimit,
    ResponseCode::RestrictedCard,     ResponseCode::OverCountLimit,
    ResponseCode::PinTriesExceeded,   ResponseCode::Duplicate,
    ResponseCode::ReconcileError,     ResponseCode::SystemError,
    ResponseCode::MacFailure,
};

// The two characters of field 39: "00", "A0".
std::string_view wireCode(ResponseCode code);

// The code whose wireCode() is `text`; empty for anything else (including codes other hosts
// use that we never send, such as "98").
std::optional<ResponseCode> parseResponseCode(std::string_view text);

// A short English description for logs and the protocol document ("insufficient funds").
std::string_view describe(ResponseCode code);

}  // namespace yika::iso8583
