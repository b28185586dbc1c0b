#pragma once

// Card products (卡种): what a card can hold and where it can be spent (design section 3).

#include "card_core/domain/money.h"
#include "card_core/domain/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace yika {

using ProductId = std::int64_t;
using MerchantGroupId = std::int64_t;

struct CardProduct {
    ProductId id = 0;
    std::string code;  // short unique code, e.g. "GIFT500"
    std::string name;
    std::string bin;              // 6-8 digits
    std::size_t pan_length = 16;  // 16-19 including the Luhn digit
    bool named = true;            // 记名 (true) or 不记名 (false)
    Currency currency = Currency::Cny;
    Money max_balance = Money::zero(Currency::Cny);  // cap on a card's balance
    bool reloadable = true;
    int validity_months = 0;          // 0: never expires (named); anonymous: at least 36
    std::vector<Money> load_amounts;  // allowed face values at sale/reload; empty = any
    Money purchase_max = Money::zero(Currency::Cny);     // per purchase
    Money daily_spend_max = Money::zero(Currency::Cny);  // per card per business day
    int daily_count_max = 0;                             // purchases per card per day
    // A terminal purchase needs the PIN once the day's spend including it exceeds this.
    Money pin_threshold_daily = Money::zero(Currency::Cny);
    // Acceptance scope: nullopt = the whole merchant network, else one merchant group (a
    // single-purpose program is a group holding one merchant).
    std::optional<MerchantGroupId> scope_group;
};

// Regulatory ceilings and defaults that products are checked against (PBOC 2012). Each is a
// system setting with these defaults.
struct ProductPolicy {
    Money named_cap_max = Money::fromMinor(500000, Currency::Cny);      // 5,000.00
    Money anonymous_cap_max = Money::fromMinor(100000, Currency::Cny);  // 1,000.00
    int anonymous_validity_months_min = 36;
};

// Fills the design's defaults for a new product of the given kind (caps, validity, limits).
CardProduct defaultProduct(bool named, const ProductPolicy& policy);

// Every rule a product must satisfy; InvalidArgument / RuleViolation naming the field.
Status validateProduct(const CardProduct& product, const ProductPolicy& policy);

bool isAllowedLoadAmount(const CardProduct& product, Money amount);

}  // namespace yika
