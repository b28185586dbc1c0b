#include "terminal_api/http/http_status.h"

namespace yika::http {

int toHttpStatus(ErrorCode code) {
    switch (code) {
        case ErrorCode::InvalidArgument:
        case ErrorCode::InvalidAmount:
        case ErrorCode::CurrencyMismatch:
        case ErrorCode::InvalidCardNumber:
            return 400;
        case ErrorCode::CardNotFound:
        case ErrorCode::CardNotActive:
        case ErrorCode::CardFrozen:
        case ErrorCode::CardExpired:
        case ErrorCode::InsufficientFunds:
        case ErrorCode::OverCardCap:
        case ErrorCode::OverPurchaseLimit:
        case ErrorCode::OverDailyLimit:
        case ErrorCode::OverCountLimit:
        case ErrorCode::PinRequired:
        case ErrorCode::WrongPin:
        case ErrorCode::PinLocked:
        case ErrorCode::OutOfScope:
            return 402;
        case ErrorCode::MakerCheckerViolation:
            return 403;
        case ErrorCode::NotFound:
        case ErrorCode::OriginalNotFound:
            return 404;
        case ErrorCode::Duplicate:
        case ErrorCode::IllegalTransition:
            return 409;
        case ErrorCode::NotPermitted:
        case ErrorCode::RuleViolation:
            return 422;
        case ErrorCode::StorageUnavailable:
        case ErrorCode::StorageFull:
            return 503;
    }
    return 500;
}

int toHttpStatus(HttpError error) {
    switch (error) {
        case HttpError::Unauthenticated:
        case HttpError::BadSignature:
        case HttpError::StaleTimestamp:
        case HttpError::ReplayedNonce:
        case HttpError::UnknownTerminal:
            return 401;
        case HttpError::TerminalDisabled:
            return 403;
        case HttpError::RouteNotFound:
            return 404;
        case HttpError::MethodNotAllowed:
            return 405;
        case HttpError::RequestTimeout:
            return 408;
        case HttpError::IdempotencyConflict:
            return 409;
        case HttpError::LengthRequired:
            return 411;
        case HttpError::PayloadTooLarge:
            return 413;
        case HttpError::UnsupportedMediaType:
            return 415;
        case HttpError::HeadersTooLarge:
            return 431;
        case HttpError::Internal:
            return 500;
        case HttpError::Overloaded:
            return 503;
    }
    return 500;
}

std::string_view wireCode(HttpError error) {
    switch (error) {
        case HttpError::Unauthenticated:
            return "unauthenticated";
        case HttpError::BadSignature:
            return "bad_signature";
        case HttpError::StaleTimestamp:
            return "stale_timestamp";
        case HttpError::ReplayedNonce:
            return "replayed_nonce";
        case HttpError::UnknownTerminal:
            return "unknown_terminal";
        case HttpError::TerminalDisabled:
            return "terminal_disabled";
        case HttpError::RouteNotFound:
            return "unknown_endpoint";
        case HttpError::MethodNotAllowed:
            return "method_not_allowed";
        case HttpError::LengthRequired:
            return "length_required";
        case HttpError::RequestTimeout:
            return "request_timeout";
        case HttpError::PayloadTooLarge:
            return "payload_too_large";
        case HttpError::UnsupportedMediaType:
            return "unsupported_media_type";
        case HttpError::HeadersTooLarge:
            return "headers_too_large";
        case HttpError::IdempotencyConflict:
            return "idempotency_conflict";
        case HttpError::Overloaded:
            return "overloaded";
        case HttpError::Internal:
            return "internal_error";
    }
    return "internal_error";
}

bool isDecline(ErrorCode code) { return toHttpStatus(code) == 402; }

std::string_view declineMessage(ErrorCode code) {
    switch (code) {
        case ErrorCode::CardNotFound:
            return "unknown card";
        case ErrorCode::CardNotActive:
            return "card is not active";
        case ErrorCode::CardFrozen:
            return "card is frozen";
        case ErrorCode::CardExpired:
            return "card has expired";
        case ErrorCode::InsufficientFunds:
            return "insufficient funds";
        case ErrorCode::OverCardCap:
            return "the card would exceed its maximum balance";
        case ErrorCode::OverPurchaseLimit:
            return "over the per-purchase limit";
        case ErrorCode::OverDailyLimit:
            return "over the daily spend limit";
        case ErrorCode::OverCountLimit:
            return "over the daily purchase count";
        case ErrorCode::PinRequired:
            return "PIN required for this amount";
        case ErrorCode::WrongPin:
            return "wrong PIN";
        case ErrorCode::PinLocked:
            return "PIN tries exceeded; try again later";
        case ErrorCode::OutOfScope:
            return "card is not accepted at this merchant";
        case ErrorCode::InvalidAmount:
            return "invalid amount for this card";
        case ErrorCode::Duplicate:
            return "the request was reversed before it arrived";
        default:
            return toString(code);
    }
}

Problem problemOf(const Error& error) {
    std::string message =
        error.detail.empty() ? std::string(declineMessage(error.code)) : error.detail;
    return Problem{toHttpStatus(error.code), std::string(toString(error.code)), std::move(message)};
}

Problem problemOf(HttpError error, std::string message) {
    return Problem{toHttpStatus(error), std::string(wireCode(error)), std::move(message)};
}

}  // namespace yika::http
