#pragma once

// Result<T>: a value or an Error, for expected outcomes (declines, unknown cards, rule
// violations). std::expected arrives with C++23; until then this small wrapper over
// std::variant keeps call sites the same shape.

#include "card_core/domain/assert.h"
#include "card_core/domain/error.h"

#include <utility>
#include <variant>

namespace yika {

template <typename T>
class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
    Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    bool ok() const { return std::holds_alternative<T>(v_); }
    explicit operator bool() const { return ok(); }

    T& value() & {
        YIKA_ASSERT(ok());
        return std::get<T>(v_);
    }
    const T& value() const& {
        YIKA_ASSERT(ok());
        return std::get<T>(v_);
    }
    T&& value() && {
        YIKA_ASSERT(ok());
        return std::get<T>(std::move(v_));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const {
        YIKA_ASSERT(!ok());
        return std::get<Error>(v_);
    }
    ErrorCode code() const { return error().code; }

  private:
    std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
struct Ok {};
template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Ok) {}                                  // NOLINT(google-explicit-constructor)
    Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
    bool ok() const { return std::holds_alternative<Ok>(v_); }
    explicit operator bool() const { return ok(); }
    const Error& error() const {
        YIKA_ASSERT(!ok());
        return std::get<Error>(v_);
    }
    ErrorCode code() const { return error().code; }

  private:
    std::variant<Ok, Error> v_;
};

using Status = Result<void>;

inline Error makeError(ErrorCode code, std::string detail = {}) {
    return Error{code, std::move(detail)};
}

}  // namespace yika

// Propagate an error from an expression that yields a Result; bind its value otherwise.
#define YIKA_TRY(expr)                                          \
    do {                                                        \
        auto yika_try_result_ = (expr);                         \
        if (!yika_try_result_) return yika_try_result_.error(); \
    } while (false)
