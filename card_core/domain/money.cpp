#include "card_core/domain/money.h"

#include "card_core/domain/assert.h"

#include <limits>

namespace yika {

std::string_view currencyAlpha(Currency currency) {
    switch (currency) {
        case Currency::Cny:
            return "CNY";
        case Currency::Usd:
            return "USD";
    }
    return "???";
}

std::optional<Currency> currencyFromAlpha(std::string_view alpha) {
    if (alpha == "CNY") return Currency::Cny;
    if (alpha == "USD") return Currency::Usd;
    return std::nullopt;
}

std::optional<Currency> currencyFromNumeric(std::uint16_t numeric) {
    if (numeric == 156) return Currency::Cny;
    if (numeric == 840) return Currency::Usd;
    return std::nullopt;
}

std::optional<Money> Money::parseDecimal(std::string_view text, Currency currency) {
    // Bounded: at most 15 integer digits keeps yuan * 100 far inside int64.
    constexpr std::size_t kIntegerDigitsMax = 15;
    std::size_t dot = text.find('.');
    std::string_view whole = text.substr(0, dot);
    std::string_view frac =
        dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    if (whole.empty() || whole.size() > kIntegerDigitsMax) return std::nullopt;
    if (dot != std::string_view::npos && (frac.empty() || frac.size() > 2)) return std::nullopt;
    std::int64_t minor = 0;
    for (char c : whole) {
        if (c < '0' || c > '9') return std::nullopt;
        minor = minor * 10 + (c - '0');
    }
    std::int64_t cents = 0;
    for (std::size_t i = 0; i < 2; ++i) {
        char c = i < frac.size() ? frac[i] : '0';
        if (c < '0' || c > '9') return std::nullopt;
        cents = cents * 10 + (c - '0');
    }
    return Money(minor * 100 + cents, currency);
}

std::optional<Money> Money::plus(Money other) const {
    if (currency_ != other.currency_) return std::nullopt;
    std::int64_t out = 0;
    if (__builtin_add_overflow(minor_, other.minor_, &out)) return std::nullopt;
    return Money(out, currency_);
}

std::optional<Money> Money::minus(Money other) const {
    if (currency_ != other.currency_) return std::nullopt;
    std::int64_t out = 0;
    if (__builtin_sub_overflow(minor_, other.minor_, &out)) return std::nullopt;
    return Money(out, currency_);
}

std::optional<Money> Money::times(std::int64_t count) const {
    std::int64_t out = 0;
    if (__builtin_mul_overflow(minor_, count, &out)) return std::nullopt;
    return Money(out, currency_);
}

std::optional<Money> Money::feeBasisPoints(std::int64_t bps) const {
    YIKA_ASSERT(bps >= 0 && bps <= 10000);
    // 128-bit intermediate: |minor| * bps cannot overflow, and the half-up rounding is exact.
    __int128 magnitude = minor_ < 0 ? -static_cast<__int128>(minor_) : minor_;
    __int128 fee = (magnitude * bps + 5000) / 10000;
    if (fee > std::numeric_limits<std::int64_t>::max()) return std::nullopt;
    auto fee64 = static_cast<std::int64_t>(fee);
    return Money(minor_ < 0 ? -fee64 : fee64, currency_);
}

std::string Money::toDecimal() const {
    // Work on the unsigned magnitude so INT64_MIN formats correctly.
    std::uint64_t magnitude =
        minor_ < 0 ? 0 - static_cast<std::uint64_t>(minor_) : static_cast<std::uint64_t>(minor_);
    std::string out = std::to_string(magnitude / 100);
    std::uint64_t cents = magnitude % 100;
    out += '.';
    out += static_cast<char>('0' + cents / 10);
    out += static_cast<char>('0' + cents % 10);
    return minor_ < 0 ? "-" + out : out;
}

bool lessThan(Money a, Money b) {
    YIKA_ASSERT(a.currency() == b.currency());
    return a.minor() < b.minor();
}

}  // namespace yika
