#include "card_core/domain/reconciliation.h"

#include <algorithm>
#include <set>

namespace yika {

std::string_view bankStatementHeader() {
    return "bank_txn_id,value_date,direction,amount,currency,counterparty_name,"
           "counterparty_account,reference";
}

Result<std::vector<BankStatementLine>> parseBankStatement(std::string_view csv,
                                                          const CsvLimits& limits) {
    auto rows = parseCsv(csv, bankStatementHeader(), limits);
    if (!rows) return rows.error();
    std::vector<BankStatementLine> out;
    std::set<std::string> ids;
    for (const CsvRow& row : *rows) {
        const auto& f = row.fields;
        BankStatementLine l;
        if (f[0].empty()) return csvError(row.line_no, "bank_txn_id is empty");
        if (!ids.insert(f[0]).second) {
            return csvError(row.line_no, "bank_txn_id " + f[0] + " appears twice");
        }
        l.bank_txn_id = f[0];
        auto date = Date::parseIso(f[1]);
        if (!date) return csvError(row.line_no, "value_date must be YYYY-MM-DD");
        l.value_date = *date;
        if (f[2] == "CR") {
            l.direction = BankDirection::Credit;
        } else if (f[2] == "DR") {
            l.direction = BankDirection::Debit;
        } else {
            return csvError(row.line_no, "direction must be CR or DR");
        }
        auto currency = currencyFromAlpha(f[4]);
        if (!currency) return csvError(row.line_no, "unknown currency '" + f[4] + "'");
        auto amount = Money::parseDecimal(f[3], *currency);
        if (!amount || !amount->isPositive()) {
            return csvError(row.line_no, "amount must be a positive amount like 1234.56");
        }
        l.amount = *amount;
        l.counterparty_name = f[5];
        l.counterparty_account = f[6];
        l.reference = f[7];
        out.push_back(std::move(l));
    }
    return out;
}

namespace {

void raise(StoreTx& tx, std::int64_t& counter, std::string_view kind, const std::string& reference,
           const std::string& detail, TimestampMs now_ms) {
    if (tx.days().openReconExceptionExists(kind, reference)) return;
    tx.insertReconException(kind, reference, detail, now_ms);
    ++counter;
}

bool matchCredit(BankStatementLine& l, std::vector<RecordedPayment>& payments) {
    auto take = [&](auto pred) {
        auto it = std::find_if(payments.begin(), payments.end(), pred);
        if (it == payments.end()) return false;
        l.matched_kind = "payment";
        l.matched_id = it->id;
        payments.erase(it);
        return true;
    };
    if (!l.reference.empty() && take([&](const RecordedPayment& p) {
            return p.amount == l.amount && p.reference == l.reference;
        })) {
        return true;
    }
    return !l.counterparty_account.empty() && take([&](const RecordedPayment& p) {
        return p.amount == l.amount && p.payer_account == l.counterparty_account;
    });
}

bool matchDebit(BankStatementLine& l, std::vector<Payout>& payouts) {
    auto id = payoutIdFromReference(l.reference);
    if (!id) return false;
    auto it = std::find_if(payouts.begin(), payouts.end(),
                           [&](const Payout& p) { return p.id == *id && p.amount == l.amount; });
    if (it == payouts.end()) return false;
    l.matched_kind = "payout";
    l.matched_id = it->id;
    payouts.erase(it);
    return true;
}

}  // namespace

Result<BankImportSummary> importBankStatement(StoreTx& tx, std::vector<BankStatementLine> lines,
                                              const BankMatchLimits& limits, TimestampMs now_ms) {
    BankImportSummary s;
    if (lines.empty()) return s;
    auto [lo, hi] = std::minmax_element(
        lines.begin(), lines.end(),
        [](const auto& a, const auto& b) { return a.value_date < b.value_date; });
    Date first = lo->value_date;
    Date last = hi->value_date;
    DayStoreTx& days = tx.days();
    auto payments = days.unmatchedPayments(last, limits.candidates_max);
    auto payouts = days.unmatchedPaidPayouts(first.plusDays(-limits.payout_lag_days_max), last,
                                             limits.candidates_max);
    for (BankStatementLine& l : lines) {
        ++s.lines;
        if (days.bankLineExists(l.bank_txn_id)) {
            ++s.already;
            continue;
        }
        bool matched = l.direction == BankDirection::Credit ? matchCredit(l, payments)
                                                            : matchDebit(l, payouts);
        days.insertBankLine(l, now_ms);
        if (matched) {
            ++(l.matched_kind == "payment" ? s.matched_payments : s.matched_payouts);
            continue;
        }
        raise(tx, s.unmatched_bank, "bank_unmatched", "bank:" + l.bank_txn_id,
              std::string(l.direction == BankDirection::Credit ? "credit " : "debit ") +
                  l.amount.toDecimal() + " on " + l.value_date.toIso() + " from '" +
                  l.counterparty_name + "' ref '" + l.reference + "' matches nothing recorded",
              now_ms);
    }
    for (const RecordedPayment& p : payments) {
        if (p.date < first || p.date > last) continue;
        raise(tx, s.unmatched_system, "payment_not_in_statement", "payment:" + std::to_string(p.id),
              "order " + std::to_string(p.order_id) + " payment " + p.amount.toDecimal() + " (" +
                  p.method + ") on " + p.date.toIso() + " is not on the bank statement",
              now_ms);
    }
    for (const Payout& p : payouts) {
        if (p.value_date < first || p.value_date > last) continue;
        raise(tx, s.unmatched_system, "payout_not_in_statement", "payout:" + std::to_string(p.id),
              payoutReference(p.id) + " " + p.mid + " " + p.amount.toDecimal() +
                  " marked PAID, value date " + p.value_date.toIso() +
                  ", is not on the bank statement",
              now_ms);
    }
    return s;
}

Result<std::int64_t> reconcileLedger(StoreTx& tx, Date date, std::int64_t limit,
                                     TimestampMs now_ms) {
    std::int64_t raised = 0;
    auto mismatches = tx.days().ledgerMismatches(date, limit);
    for (const auto& [reference, detail] : mismatches) {
        raise(tx, raised, "internal", reference, date.toIso() + ": " + detail, now_ms);
    }
    return static_cast<std::int64_t>(mismatches.size());
}

Status resolveReconException(StoreTx& tx, std::int64_t id, std::string_view by,
                             std::string_view comment, TimestampMs now_ms) {
    constexpr std::size_t kCommentBytesMax = 500;
    if (comment.empty() || comment.size() > kCommentBytesMax) {
        return makeError(ErrorCode::InvalidArgument, "a comment of 1-500 bytes is required");
    }
    if (by.empty()) return makeError(ErrorCode::InvalidArgument, "the operator is required");
    auto e = tx.days().reconException(id);
    if (!e) return makeError(ErrorCode::NotFound, "no exception " + std::to_string(id));
    if (e->state != "OPEN") {
        return makeError(ErrorCode::IllegalTransition,
                         "exception " + std::to_string(id) + " is already resolved");
    }
    tx.days().resolveReconException(id, by, comment, now_ms);
    return Ok{};
}

}  // namespace yika
