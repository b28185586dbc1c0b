#include "card_core/domain/product.h"

#include "card_core/domain/card_number.h"

#include <algorithm>

namespace yika {

CardProduct defaultProduct(bool named, const ProductPolicy& policy) {
    CardProduct p;
    p.named = named;
    p.max_balance = named ? policy.named_cap_max : policy.anonymous_cap_max;
    p.reloadable = named;
    p.validity_months = named ? 0 : policy.anonymous_validity_months_min;
    p.purchase_max = p.max_balance;
    p.daily_spend_max = p.max_balance;
    p.daily_count_max = 50;
    p.pin_threshold_daily = Money::fromMinor(100000, Currency::Cny);  // 1,000.00
    return p;
}

namespace {
Error invalid(std::string detail) {
    return makeError(ErrorCode::InvalidArgument, std::move(detail));
}
Error rule(std::string detail) { return makeError(ErrorCode::RuleViolation, std::move(detail)); }
}  // namespace

Status validateProduct(const CardProduct& p, const ProductPolicy& policy) {
    constexpr std::size_t kCodeBytesMax = 32;
    constexpr std::size_t kNameBytesMax = 200;
    if (p.code.empty() || p.code.size() > kCodeBytesMax) return invalid("code: 1-32 characters");
    for (char c : p.code) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return invalid("code: use A-Z, 0-9, '-' and '_'");
    }
    if (p.name.empty() || p.name.size() > kNameBytesMax) return invalid("name: 1-200 bytes");
    if (!isAllDigits(p.bin) || p.bin.size() < kBinLengthMin || p.bin.size() > kBinLengthMax) {
        return invalid("bin: 6-8 digits");
    }
    if (p.pan_length < kPanLengthMin || p.pan_length > kPanLengthMax) {
        return invalid("pan_length: 16-19");
    }
    for (Money m : {p.max_balance, p.purchase_max, p.daily_spend_max, p.pin_threshold_daily}) {
        if (m.currency() != p.currency) return invalid("amounts must be in the product currency");
    }
    if (!p.max_balance.isPositive()) return invalid("max_balance: must be positive");
    Money ceiling = p.named ? policy.named_cap_max : policy.anonymous_cap_max;
    if (p.currency == ceiling.currency() && p.max_balance.minor() > ceiling.minor()) {
        return rule(p.named
                        ? "max_balance: a named card holds at most " + ceiling.toDecimal()
                        : "max_balance: an anonymous card holds at most " + ceiling.toDecimal());
    }
    if (!p.named && p.reloadable) return rule("reloadable: anonymous cards are not reloadable");
    if (p.named && p.validity_months != 0) return rule("validity_months: named cards never expire");
    if (!p.named && p.validity_months < policy.anonymous_validity_months_min) {
        return rule("validity_months: anonymous cards are valid at least " +
                    std::to_string(policy.anonymous_validity_months_min) + " months");
    }
    if (p.validity_months < 0 || p.validity_months > 1200)
        return invalid("validity_months: 0-1200");
    constexpr std::size_t kLoadAmountsMax = 64;
    if (p.load_amounts.size() > kLoadAmountsMax) return invalid("load_amounts: at most 64");
    for (Money m : p.load_amounts) {
        if (m.currency() != p.currency || !m.isPositive() || m.minor() > p.max_balance.minor()) {
            return invalid("load_amounts: each positive and at most max_balance");
        }
    }
    if (!p.purchase_max.isPositive()) return invalid("purchase_max: must be positive");
    if (!p.daily_spend_max.isPositive()) return invalid("daily_spend_max: must be positive");
    if (p.daily_count_max <= 0 || p.daily_count_max > 100000)
        return invalid("daily_count_max: 1-100000");
    if (p.pin_threshold_daily.isNegative()) return invalid("pin_threshold_daily: not negative");
    return Ok{};
}

bool isAllowedLoadAmount(const CardProduct& product, Money amount) {
    if (product.load_amounts.empty()) return true;
    return std::find(product.load_amounts.begin(), product.load_amounts.end(), amount) !=
           product.load_amounts.end();
}

}  // namespace yika
