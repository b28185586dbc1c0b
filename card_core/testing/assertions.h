#pragma once

// GoogleTest helpers for the domain's value types: readable failure output (PrintTo found by
// argument-dependent lookup) and assertions on Result / Status.

#include "card_core/domain/batch.h"
#include "card_core/domain/card.h"
#include "card_core/domain/error.h"
#include "card_core/domain/money.h"
#include "card_core/domain/result.h"
#include "card_core/domain/time.h"
#include "card_core/domain/txn.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace yika {

inline void PrintTo(const Date& date, std::ostream* os) { *os << date.toIso(); }
inline void PrintTo(const Money& money, std::ostream* os) {
    *os << money.toDecimal() << ' ' << currencyAlpha(money.currency());
}
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << toString(code); }
inline void PrintTo(CardState state, std::ostream* os) { *os << toString(state); }
inline void PrintTo(BatchState state, std::ostream* os) { *os << toString(state); }
inline void PrintTo(TxnState state, std::ostream* os) { *os << toString(state); }

namespace test {

// "ok" or "<code>: <detail>", for failure messages.
template <typename R>
std::string describe(const R& result) {
    if (result.ok()) return "ok";
    return std::string(toString(result.code())) + ": " + result.error().detail;
}

// Predicate-formatters behind EXPECT_OK / EXPECT_ERROR (so that they accept << messages).
template <typename R>
::testing::AssertionResult isOk(const char* expr_text, const R& result) {
    if (result.ok()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << expr_text << " failed with " << describe(result);
}

template <typename R>
::testing::AssertionResult isError(const char* expr_text, const char* /*code_text*/,
                                   const R& result, ErrorCode code) {
    if (result.ok()) {
        return ::testing::AssertionFailure()
               << expr_text << " succeeded; expected " << toString(code);
    }
    if (result.code() != code) {
        return ::testing::AssertionFailure() << expr_text << " failed with " << describe(result)
                                             << "; expected " << toString(code);
    }
    return ::testing::AssertionSuccess();
}

}  // namespace test
}  // namespace yika

// The expression (a Result or Status) succeeded.
#define EXPECT_OK(expr) EXPECT_PRED_FORMAT1(::yika::test::isOk, expr)
#define ASSERT_OK(expr) ASSERT_PRED_FORMAT1(::yika::test::isOk, expr)
// The expression (a Result or Status) failed with `error_code`.
#define EXPECT_ERROR(expr, error_code) EXPECT_PRED_FORMAT2(::yika::test::isError, expr, error_code)
#define ASSERT_ERROR(expr, error_code) ASSERT_PRED_FORMAT2(::yika::test::isError, expr, error_code)
