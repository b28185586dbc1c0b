#pragma once

// Settlement (design section 8): the day's clearing becomes payout instructions, one per
// merchant with a positive payable, written to the bank as a CSV payout file; the bank's result
// file posts each paid payout (Dr 2203/merchant, Cr 1001) and marks failed ones, which stay
// payable (2203 keeps the amount) and are reported until paid.
//
//   PENDING ──result PAID──▶ PAID (entry "payout:<id>")
//      └────result FAILED──▶ FAILED ──result PAID (the bank paid on a retry)──▶ PAID
//
// Payout file (UTF-8 CSV, docs/day-close.md):
//   reference,business_date,value_date,mid,merchant_name,bank_name,bank_account,amount,currency
// Payout result file from the bank:
//   reference,status,amount,bank_reference,reason        (status PAID or FAILED)

#include "card_core/domain/csv.h"
#include "card_core/domain/day_store.h"
#include "card_core/domain/store.h"

#include <string>
#include <string_view>
#include <vector>

namespace yika {

// One payout per clearing record of `date` with a positive payable; returns how many.
Result<std::int64_t> createPayouts(StoreTx& tx, Date date);

std::string_view payoutFileHeader();
// The payout file of `payouts` (header and one line each, in the order given).
std::string payoutFileCsv(const std::vector<Payout>& payouts);

enum class PayoutOutcome : std::uint8_t { Paid, Failed };

struct PayoutResultLine {
    int line_no = 0;
    PayoutId payout_id = 0;
    PayoutOutcome outcome = PayoutOutcome::Paid;
    Money amount = Money::zero(Currency::Cny);
    std::string bank_reference;
    std::string reason;
};

std::string_view payoutResultHeader();
// Every line or nothing: InvalidArgument "line N: reason" for the first malformed line (bad
// reference, status, amount, a FAILED line without a reason, a payout named twice).
Result<std::vector<PayoutResultLine>> parsePayoutResults(std::string_view csv,
                                                         const CsvLimits& limits = {});

struct PayoutImportSummary {
    std::int64_t paid = 0;
    Money paid_total = Money::zero(Currency::Cny);
    std::int64_t failed = 0;
    std::int64_t already = 0;        // the line repeats a result already recorded
    std::int64_t exceptions = 0;     // unknown payout, amount differs, PAID then FAILED
    std::vector<std::string> notes;  // one per failed line or exception, for the operator
};

// Applies parsed results in one transaction. Unknown payouts, amounts that differ from the
// instruction and a FAILED result for a PAID payout change nothing and become
// reconciliation exceptions (kind "payout_result").
Result<PayoutImportSummary> applyPayoutResults(StoreTx& tx,
                                               const std::vector<PayoutResultLine>& lines,
                                               TimestampMs now_ms);

}  // namespace yika
