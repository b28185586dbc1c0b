#pragma once

// StoreTest plus the business-day helpers of issue 5: merchants with chosen fee terms, cut-off,
// closing through the real StoreTxRunner, and a text dump of everything a close produces (to
// compare an interrupted and resumed close with an uninterrupted one).

#include "card_core/domain/business_day.h"
#include "card_core/domain/day_close.h"
#include "card_core/store/store_tx_runner.h"
#include "card_core/testing/store_fixture.h"

#include <string>

namespace yika::test {

class DayTest : public StoreTest {
  protected:
    MerchantId addMerchantWith(std::string mid, std::int64_t fee_bps, FeeMode mode,
                               int settle_days = 1);
    // Cuts off the current business date at a new tick; returns the date cut off.
    Date cutOffNow();
    DayCloseOptions closeOptions() const;
    Result<DayCloseOutcome> closeDate(Date date);
    // Every row a close writes or changes, one line each, in a stable order.
    std::string dumpCloseResults(store::Database& db);
};

}  // namespace yika::test
