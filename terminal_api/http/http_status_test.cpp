#include "terminal_api/http/http_status.h"

#include "card_core/domain/result.h"
#include "terminal_api/http/openapi_document.h"

#include <gtest/gtest.h>

#include <set>

namespace yika::http {
namespace {

constexpr ErrorCode kAllCodes[] = {
    ErrorCode::InvalidArgument,    ErrorCode::InvalidAmount,     ErrorCode::CurrencyMismatch,
    ErrorCode::NotFound,           ErrorCode::CardNotFound,      ErrorCode::InvalidCardNumber,
    ErrorCode::CardNotActive,      ErrorCode::CardFrozen,        ErrorCode::CardExpired,
    ErrorCode::InsufficientFunds,  ErrorCode::OverCardCap,       ErrorCode::OverPurchaseLimit,
    ErrorCode::OverDailyLimit,     ErrorCode::OverCountLimit,    ErrorCode::PinRequired,
    ErrorCode::WrongPin,           ErrorCode::PinLocked,         ErrorCode::OutOfScope,
    ErrorCode::NotPermitted,       ErrorCode::IllegalTransition, ErrorCode::MakerCheckerViolation,
    ErrorCode::RuleViolation,      ErrorCode::Duplicate,         ErrorCode::OriginalNotFound,
    ErrorCode::StorageUnavailable, ErrorCode::StorageFull,
};

constexpr HttpError kAllHttpErrors[] = {
    HttpError::Unauthenticated, HttpError::BadSignature,        HttpError::StaleTimestamp,
    HttpError::ReplayedNonce,   HttpError::UnknownTerminal,     HttpError::TerminalDisabled,
    HttpError::RouteNotFound,   HttpError::MethodNotAllowed,    HttpError::LengthRequired,
    HttpError::RequestTimeout,  HttpError::PayloadTooLarge,     HttpError::UnsupportedMediaType,
    HttpError::HeadersTooLarge, HttpError::IdempotencyConflict, HttpError::Overloaded,
    HttpError::Internal,
};

TEST(HttpStatus, EveryDomainErrorHasADeliberateStatus) {
    for (ErrorCode code : kAllCodes) {
        int status = toHttpStatus(code);
        EXPECT_TRUE(status == 400 || status == 402 || status == 403 || status == 404 ||
                    status == 409 || status == 422 || status == 503)
            << toString(code) << " -> " << status;
        EXPECT_NE(toString(code), "unknown");
    }
}

TEST(HttpStatus, TheTableOfTheDocument) {
    EXPECT_EQ(toHttpStatus(ErrorCode::InvalidArgument), 400);
    EXPECT_EQ(toHttpStatus(ErrorCode::InvalidAmount), 400);
    EXPECT_EQ(toHttpStatus(ErrorCode::InsufficientFunds), 402);
    EXPECT_EQ(toHttpStatus(ErrorCode::CardNotFound), 402);
    EXPECT_EQ(toHttpStatus(ErrorCode::WrongPin), 402);
    EXPECT_EQ(toHttpStatus(ErrorCode::CardFrozen), 402);
    EXPECT_EQ(toHttpStatus(ErrorCode::OverPurchaseLimit), 402);
    EXPECT_EQ(toHttpStatus(ErrorCode::OriginalNotFound), 404);
    EXPECT_EQ(toHttpStatus(ErrorCode::Duplicate), 409);
    EXPECT_EQ(toHttpStatus(ErrorCode::NotPermitted), 422);
    EXPECT_EQ(toHttpStatus(ErrorCode::StorageUnavailable), 503);
    EXPECT_EQ(toHttpStatus(ErrorCode::StorageFull), 503);
    EXPECT_EQ(toHttpStatus(HttpError::BadSignature), 401);
    EXPECT_EQ(toHttpStatus(HttpError::StaleTimestamp), 401);
    EXPECT_EQ(toHttpStatus(HttpError::ReplayedNonce), 401);
    EXPECT_EQ(toHttpStatus(HttpError::UnknownTerminal), 401);
    EXPECT_EQ(toHttpStatus(HttpError::PayloadTooLarge), 413);
    EXPECT_EQ(toHttpStatus(HttpError::IdempotencyConflict), 409);
    EXPECT_EQ(toHttpStatus(HttpError::Overloaded), 503);
}

TEST(HttpStatus, DeclinesAreExactly402) {
    for (ErrorCode code : kAllCodes) EXPECT_EQ(isDecline(code), toHttpStatus(code) == 402);
}

TEST(HttpStatus, WireCodesAreUniqueSnakeCase) {
    std::set<std::string> seen;
    for (ErrorCode code : kAllCodes) EXPECT_TRUE(seen.insert(std::string(toString(code))).second);
    for (HttpError e : kAllHttpErrors) {
        std::string code(wireCode(e));
        EXPECT_TRUE(seen.insert(code).second) << code;
        for (char c : code) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << code;
        int status = toHttpStatus(e);
        EXPECT_TRUE(status >= 400 && status < 600);
    }
}

TEST(HttpStatus, ProblemsKeepTheDomainDetailOrAFixedText) {
    Problem p = problemOf(makeError(ErrorCode::InvalidArgument, "amount_minor: must be in 1..9"));
    EXPECT_EQ(p.status, 400);
    EXPECT_EQ(p.code, "invalid_argument");
    EXPECT_EQ(p.message, "amount_minor: must be in 1..9");
    Problem d = problemOf(makeError(ErrorCode::InsufficientFunds));
    EXPECT_EQ(d.message, "insufficient funds");
}

TEST(HttpStatus, EveryWireCodeIsInTheOpenApiDocument) {
    std::string_view doc = openApiYaml();
    auto listed = [&](std::string_view code) {
        return doc.find("        - " + std::string(code) + "\n") != std::string_view::npos;
    };
    for (ErrorCode code : kAllCodes) EXPECT_TRUE(listed(toString(code))) << toString(code);
    for (HttpError e : kAllHttpErrors) EXPECT_TRUE(listed(wireCode(e))) << wireCode(e);
}

}  // namespace
}  // namespace yika::http
