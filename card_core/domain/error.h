#pragma once

// Errors the outside world causes are values: an ErrorCode and a detail string. Each code maps
// to one ISO 8583 response code and one HTTP status, in one place each (terminal_api/).

#include <cstdint>
#include <string>
#include <string_view>

namespace yika {

enum class ErrorCode : std::uint16_t {
    InvalidArgument,        // malformed or out-of-range input
    InvalidAmount,          // zero, negative, overflowing or not an allowed load amount
    CurrencyMismatch,       // money of two currencies combined
    NotFound,               // an entity other than a card does not exist
    CardNotFound,           // unknown card (never say whether number or PIN was wrong)
    InvalidCardNumber,      // bad Luhn, length or BIN
    CardNotActive,          // card is not in a state that allows the operation
    CardFrozen,             // frozen (reported lost) card
    CardExpired,            // past its expiry date
    InsufficientFunds,      // available balance too low
    OverCardCap,            // balance would exceed the product's maximum balance
    OverPurchaseLimit,      // single amount above the product's per-purchase maximum
    OverDailyLimit,         // daily spend limit reached
    OverCountLimit,         // daily transaction count limit reached
    PinRequired,            // PIN needed for this amount and none was given
    WrongPin,               // PIN did not verify
    PinLocked,              // too many consecutive wrong PINs
    OutOfScope,             // card not accepted at this merchant (acceptance scope)
    NotPermitted,           // operation not allowed for this card or product
    IllegalTransition,      // state machine refuses the transition
    MakerCheckerViolation,  // the requester tried to approve their own request
    RuleViolation,          // a sales / regulatory rule (PBOC 2012) refused the request
    Duplicate,              // an entity with this key already exists
    OriginalNotFound,       // referenced original transaction does not exist
    StorageUnavailable,     // the database failed; nothing was changed
    StorageFull,            // the disk is full; nothing was changed
};

std::string_view toString(ErrorCode code);

struct Error {
    ErrorCode code;
    std::string detail;  // human-readable; never contains a PIN, key or full card number
};

}  // namespace yika
