#pragma once

// Clearing (清分, design sections 2 and 7): per merchant per business day, purchases - refunds
// from the day's 2202 journal lines (the hot account is never kept as a balance row on the
// purchase path), the fee in basis points rounded half-up once on that net, and one entry:
//
//   内扣 (FeeMode::Net):   Dr 2202/merchant N            Cr 2203/merchant N - f, Cr 6001 f
//   外收 (FeeMode::Gross): Dr 2202/merchant N, Dr 1131 f  Cr 2203/merchant N,     Cr 6001 f
//
// A day whose refunds exceed its purchases (net < 0) posts nothing: the negative net stays in
// 2202 as a debit balance and is carried into the merchant's next clearing (carried_in), so
// refunds are netted against later sales and the fee is charged on the net across those days.

#include "card_core/domain/day_store.h"
#include "card_core/domain/store.h"

#include <optional>
#include <string>
#include <vector>

namespace yika {

// "clearing:<date>:<merchant id>".
std::string clearingEventKey(Date date, MerchantId merchant);

// The clearing of one merchant's day (pure). `carried_in` <= 0.
Result<ClearingRecord> clearMerchantDay(Date date, const Merchant& merchant,
                                        const MerchantDayTotals& totals, Money carried_in);

// The entry of a clearing record (event "clearing"); empty when its net is not positive.
Result<std::optional<JournalEntry>> clearingEntry(const ClearingRecord& record, TimestampMs at_ms);

// Clears every merchant with movements on `date` or a carried negative net: stores one
// clearing record each, posts its entry, updates the carries. `totals` come from
// DayStoreTx::merchantDayTotals(date) (read on a snapshot by the caller, so the writer is not
// held by the scan). Returns the number of records. Runs in one transaction.
Result<std::int64_t> runClearing(StoreTx& tx, Date date,
                                 const std::vector<MerchantDayTotals>& totals, TimestampMs at_ms);

}  // namespace yika
