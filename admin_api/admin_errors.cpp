// The one place where the admin API turns domain errors into HTTP statuses (style guide
// section 4). Its rule differs from the terminal API's (terminal_api/http/http_status.h) on
// purpose: that one answers a card decline with 402 so a payment integration can never take it
// for a success; a back-office operator is told instead what kind of problem it is:
//   400  the request is malformed (a field missing, mistyped, out of range; bad JSON)
//   401  not logged in, or the session expired or is unknown
//   403  the role may not do this, or the operator would approve their own request
//   404  the thing named does not exist
//   409  it exists but its state forbids this now (a frozen card, a decided request, a duplicate)
//   422  well-formed, but a business rule refuses it (PBOC sale rules, limits, funds)
//   503  storage or capacity; nothing was changed; retry after Retry-After seconds

#include "admin_api/admin_http.h"

namespace yika::admin {

int adminStatus(ErrorCode code) {
    switch (code) {
        case ErrorCode::InvalidArgument:
        case ErrorCode::InvalidAmount:
        case ErrorCode::CurrencyMismatch:
        case ErrorCode::InvalidCardNumber:
            return 400;
        case ErrorCode::MakerCheckerViolation:
            return 403;
        case ErrorCode::NotFound:
        case ErrorCode::CardNotFound:
        case ErrorCode::OriginalNotFound:
            return 404;
        case ErrorCode::Duplicate:
        case ErrorCode::IllegalTransition:
        case ErrorCode::CardNotActive:
        case ErrorCode::CardFrozen:
        case ErrorCode::CardExpired:
        case ErrorCode::PinLocked:
            return 409;
        case ErrorCode::InsufficientFunds:
        case ErrorCode::OverCardCap:
        case ErrorCode::OverPurchaseLimit:
        case ErrorCode::OverDailyLimit:
        case ErrorCode::OverCountLimit:
        case ErrorCode::PinRequired:
        case ErrorCode::WrongPin:
        case ErrorCode::OutOfScope:
        case ErrorCode::NotPermitted:
        case ErrorCode::RuleViolation:
            return 422;
        case ErrorCode::StorageUnavailable:
        case ErrorCode::StorageFull:
            return 503;
    }
    return 500;
}

namespace {

// The field a message is about: its leading "path: " when the path looks like one
// ("lines[0].load_each_minor", "buyer.id_number"), else empty.
std::string fieldOf(std::string_view message) {
    auto colon = message.find(": ");
    if (colon == std::string_view::npos || colon == 0 || colon > 64) return {};
    for (char c : message.substr(0, colon)) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
                  c == '[' || c == ']';
        if (!ok) return {};
    }
    return std::string(message.substr(0, colon));
}

}  // namespace

AdminReply errorReply(int status, std::string_view code, std::string_view message) {
    AdminReply r;
    r.status = status;
    r.code = std::string(code);
    JsonOut error;
    error.str("code", code).str("message", message);
    if (std::string field = fieldOf(message); !field.empty()) error.str("field", field);
    r.body = JsonOut().raw("error", error.done()).done();
    if (status == 503) r.headers.emplace_back("Retry-After", "1");
    return r;
}

AdminReply errorReply(const Error& error) {
    std::string message = error.detail.empty() ? std::string(toString(error.code)) : error.detail;
    return errorReply(adminStatus(error.code), toString(error.code), message);
}

AdminReply jsonReply(int status, std::string body) {
    AdminReply r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

}  // namespace yika::admin
