#include "card_core/domain/error.h"

namespace yika {

std::string_view toString(ErrorCode code) {
    switch (code) {
        case ErrorCode::InvalidArgument:
            return "invalid_argument";
        case ErrorCode::InvalidAmount:
            return "invalid_amount";
        case ErrorCode::CurrencyMismatch:
            return "currency_mismatch";
        case ErrorCode::NotFound:
            return "not_found";
        case ErrorCode::CardNotFound:
            return "card_not_found";
        case ErrorCode::InvalidCardNumber:
            return "invalid_card_number";
        case ErrorCode::CardNotActive:
            return "card_not_active";
        case ErrorCode::CardFrozen:
            return "card_frozen";
        case ErrorCode::CardExpired:
            return "card_expired";
        case ErrorCode::InsufficientFunds:
            return "insufficient_funds";
        case ErrorCode::OverCardCap:
            return "over_card_cap";
        case ErrorCode::OverPurchaseLimit:
            return "over_purchase_limit";
        case ErrorCode::OverDailyLimit:
            return "over_daily_limit";
        case ErrorCode::OverCountLimit:
            return "over_count_limit";
        case ErrorCode::PinRequired:
            return "pin_required";
        case ErrorCode::WrongPin:
            return "wrong_pin";
        case ErrorCode::PinLocked:
            return "pin_locked";
        case ErrorCode::OutOfScope:
            return "out_of_scope";
        case ErrorCode::NotPermitted:
            return "not_permitted";
        case ErrorCode::IllegalTransition:
            return "illegal_transition";
        case ErrorCode::MakerCheckerViolation:
            return "maker_checker_violation";
        case ErrorCode::RuleViolation:
            return "rule_violation";
        case ErrorCode::Duplicate:
            return "duplicate";
        case ErrorCode::OriginalNotFound:
            return "original_not_found";
        case ErrorCode::StorageUnavailable:
            return "storage_unavailable";
        case ErrorCode::StorageFull:
            return "storage_full";
    }
    return "unknown";
}

}  // namespace yika
