#pragma once

// Money: integer minor units (fen) with an ISO 4217 currency. No floating point, no implicit
// conversion, no mixing of currencies, no silent overflow. Decimal strings ("12.50") are
// parsed and formatted only here and in adapters, never computed with.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yika {

enum class Currency : std::uint16_t { Cny = 156, Usd = 840 };  // ISO 4217 numeric

std::string_view currencyAlpha(Currency currency);  // "CNY"
std::optional<Currency> currencyFromAlpha(std::string_view alpha);
std::optional<Currency> currencyFromNumeric(std::uint16_t numeric);

class Money {
  public:
    static constexpr Money fromMinor(std::int64_t minor, Currency currency) {
        return Money(minor, currency);
    }
    static constexpr Money zero(Currency currency) { return Money(0, currency); }
    // Parses "1234", "1234.5" or "1234.56" (yuan with up to two decimals); empty on anything
    // else, including signs, exponents and overflow.
    static std::optional<Money> parseDecimal(std::string_view text, Currency currency);

    constexpr std::int64_t minor() const { return minor_; }
    constexpr Currency currency() const { return currency_; }
    constexpr bool isPositive() const { return minor_ > 0; }
    constexpr bool isNegative() const { return minor_ < 0; }
    constexpr bool isZero() const { return minor_ == 0; }

    // Empty on currency mismatch or int64 overflow; never wraps.
    [[nodiscard]] std::optional<Money> plus(Money other) const;
    [[nodiscard]] std::optional<Money> minus(Money other) const;
    // Multiplies by a count (number of cards); empty on overflow.
    [[nodiscard]] std::optional<Money> times(std::int64_t count) const;
    // Fee = round_half_up(|amount| * bps / 10000), carrying the sign of the amount.
    // Used once per merchant per business day (design section 2), never per transaction.
    [[nodiscard]] std::optional<Money> feeBasisPoints(std::int64_t bps) const;

    // "1234.56" (no currency, no grouping); negative amounts get a leading '-'.
    std::string toDecimal() const;

    friend constexpr bool operator==(Money a, Money b) = default;

  private:
    constexpr Money(std::int64_t minor, Currency currency) : minor_(minor), currency_(currency) {}
    std::int64_t minor_;
    Currency currency_;
};
static_assert(sizeof(Money) <= 16, "Money is passed by value");

// Ordering only within one currency: the caller asserts same currency.
bool lessThan(Money a, Money b);

}  // namespace yika
