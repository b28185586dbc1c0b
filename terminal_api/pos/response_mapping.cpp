#include "terminal_api/pos/response_mapping.h"

namespace yika::pos {

iso8583::ResponseCode toResponseCode(ErrorCode code) {
    using R = iso8583::ResponseCode;
    switch (code) {
        case ErrorCode::InvalidArgument:
            return R::FormatError;
        case ErrorCode::InvalidAmount:
        case ErrorCode::CurrencyMismatch:
            return R::InvalidAmount;
        case ErrorCode::NotFound:
            return R::DoNotHonor;  // unknown merchant or terminal
        case ErrorCode::CardNotFound:
        case ErrorCode::InvalidCardNumber:
            return R::InvalidCard;
        case ErrorCode::CardNotActive:
        case ErrorCode::CardFrozen:
        case ErrorCode::OutOfScope:
            return R::RestrictedCard;
        case ErrorCode::CardExpired:
            return R::ExpiredCard;
        case ErrorCode::InsufficientFunds:
            return R::InsufficientFunds;
        case ErrorCode::OverCardCap:
        case ErrorCode::OverPurchaseLimit:
        case ErrorCode::OverDailyLimit:
            return R::OverAmountLimit;
        case ErrorCode::OverCountLimit:
            return R::OverCountLimit;
        case ErrorCode::PinRequired:
        case ErrorCode::WrongPin:
            return R::WrongPin;
        case ErrorCode::PinLocked:
            return R::PinTriesExceeded;
        case ErrorCode::NotPermitted:
        case ErrorCode::RuleViolation:
            return R::NotPermittedToCard;
        case ErrorCode::IllegalTransition:
        case ErrorCode::MakerCheckerViolation:
            return R::InvalidTransaction;
        case ErrorCode::Duplicate:
            return R::Duplicate;
        case ErrorCode::OriginalNotFound:
            return R::OriginalNotFound;
        case ErrorCode::StorageUnavailable:
        case ErrorCode::StorageFull:
            return R::SystemError;
    }
    return R::SystemError;
}

}  // namespace yika::pos
