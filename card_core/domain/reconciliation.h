#pragma once

// Reconciliation (对账, design section 8). Three sources of exceptions, one table:
//   - terminal batch totals against host totals: written by the batch settlement (issue 3),
//     kind "batch_mismatch" / "batch_upload";
//   - the reserve account's bank statement against recorded sale payments (credits) and paid
//     payouts (debits): importBankStatement, kinds "bank_unmatched", "payment_not_in_statement",
//     "payout_not_in_statement";
//   - internal: every approved transaction has exactly one entry and every entry its event,
//     per business date: reconcileLedger, kind "internal".
// Nothing is dropped silently: an operator resolves each exception with a comment.
//
// Bank statement file (UTF-8 CSV, docs/day-close.md):
//   bank_txn_id,value_date,direction,amount,currency,counterparty_name,counterparty_account,reference
// direction CR (into the reserve account) or DR (out of it).

#include "card_core/domain/csv.h"
#include "card_core/domain/day_store.h"
#include "card_core/domain/store.h"

#include <string>
#include <string_view>
#include <vector>

namespace yika {

std::string_view bankStatementHeader();
// Every line or nothing (InvalidArgument "line N: reason"): bad date, direction, amount,
// currency, an empty or repeated bank_txn_id.
Result<std::vector<BankStatementLine>> parseBankStatement(std::string_view csv,
                                                          const CsvLimits& limits = {});

struct BankImportSummary {
    std::int64_t lines = 0;
    std::int64_t already = 0;  // bank ids imported before (a file imported twice)
    std::int64_t matched_payments = 0;
    std::int64_t matched_payouts = 0;
    std::int64_t unmatched_bank = 0;    // exceptions for lines nothing recorded explains
    std::int64_t unmatched_system = 0;  // exceptions for recorded items the bank lacks
};

struct BankMatchLimits {
    std::int64_t candidates_max = 100'000;  // unmatched payments / payouts considered
    int payout_lag_days_max = 31;           // a payout debited up to this long after value date
};

// Imports and matches in one transaction. A credit matches an unmatched non-cash payment with
// the same amount and reference, else the same amount and payer account; a debit matches the
// PAID payout its reference names with the same amount. Unmatched lines, and payments / paid
// payouts dated within the statement's dates that no line matched, become exceptions (once).
Result<BankImportSummary> importBankStatement(StoreTx& tx, std::vector<BankStatementLine> lines,
                                              const BankMatchLimits& limits, TimestampMs now_ms);

// Internal reconciliation of `date`: one exception per mismatch (once); returns how many are
// open for the date.
Result<std::int64_t> reconcileLedger(StoreTx& tx, Date date, std::int64_t limit,
                                     TimestampMs now_ms);

// An operator resolves an OPEN exception; the comment (1-500 bytes) is required.
Status resolveReconException(StoreTx& tx, std::int64_t id, std::string_view by,
                             std::string_view comment, TimestampMs now_ms);

}  // namespace yika
