#pragma once

// Every business limit the domain applies, in one place. Each field is a system setting
// (server/config) with the default the design and the regulation give.

#include "card_core/domain/batch.h"
#include "card_core/domain/product.h"
#include "card_core/domain/sale.h"
#include "card_core/domain/time.h"

#include <cstdint>

namespace yika {

struct PinPolicy {
    int failures_max = 5;                      // consecutive wrong PINs before the lock
    TimestampMs lock_ms = 24LL * 3600 * 1000;  // how long PIN use stays locked
};

struct BreakagePolicy {
    bool enabled = false;  // breakage is recognised only by explicit policy
    int months_after_expiry = 24;
};

struct Policies {
    ProductPolicy product;
    SaleRules sale;
    PinPolicy pin;
    BreakagePolicy breakage;
    std::int64_t batch_cards_max = kBatchCardsMaxDefault;
    int card_shelf_months = 24;  // printed expiry = production + validity + shelf life
};

}  // namespace yika
