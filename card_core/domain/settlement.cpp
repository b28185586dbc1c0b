#include "card_core/domain/settlement.h"

#include "card_core/domain/postings.h"

#include <set>

namespace yika {

Result<std::int64_t> createPayouts(StoreTx& tx, Date date) {
    DayStoreTx& days = tx.days();
    std::int64_t made = 0;
    for (const ClearingRecord& c : days.clearings(date)) {
        if (!c.payable.isPositive()) continue;
        auto merchant = tx.merchant(c.merchant_id);
        YIKA_ASSERT(merchant.has_value());
        Payout p;
        p.business_date = date;
        p.value_date = date.plusDays(merchant->settle_days);
        p.merchant_id = merchant->id;
        p.mid = merchant->mid;
        p.merchant_name = merchant->name;
        p.bank_name = merchant->bank_name;
        p.bank_account = merchant->bank_account;
        p.amount = c.payable;
        days.insertPayout(p);
        ++made;
    }
    return made;
}

std::string_view payoutFileHeader() {
    return "reference,business_date,value_date,mid,merchant_name,bank_name,bank_account,amount,"
           "currency";
}

std::string payoutFileCsv(const std::vector<Payout>& payouts) {
    std::string out(payoutFileHeader());
    out += '\n';
    for (const Payout& p : payouts) {
        out += csvLine({payoutReference(p.id), p.business_date.toIso(), p.value_date.toIso(), p.mid,
                        p.merchant_name, p.bank_name, p.bank_account, p.amount.toDecimal(),
                        std::string(currencyAlpha(p.amount.currency()))});
    }
    return out;
}

std::string_view payoutResultHeader() { return "reference,status,amount,bank_reference,reason"; }

Result<std::vector<PayoutResultLine>> parsePayoutResults(std::string_view csv,
                                                         const CsvLimits& limits) {
    auto rows = parseCsv(csv, payoutResultHeader(), limits);
    if (!rows) return rows.error();
    std::vector<PayoutResultLine> out;
    std::set<PayoutId> seen;
    for (const CsvRow& row : *rows) {
        PayoutResultLine l;
        l.line_no = row.line_no;
        auto id = payoutIdFromReference(row.fields[0]);
        if (!id)
            return csvError(row.line_no,
                            "reference '" + row.fields[0] + "' is not YKP + 10 digits");
        if (!seen.insert(*id).second) {
            return csvError(row.line_no, "payout " + row.fields[0] + " appears twice");
        }
        l.payout_id = *id;
        if (row.fields[1] == "PAID") {
            l.outcome = PayoutOutcome::Paid;
        } else if (row.fields[1] == "FAILED") {
            l.outcome = PayoutOutcome::Failed;
        } else {
            return csvError(row.line_no, "status must be PAID or FAILED");
        }
        auto amount = Money::parseDecimal(row.fields[2], Currency::Cny);
        if (!amount || !amount->isPositive()) {
            return csvError(row.line_no, "amount must be a positive yuan amount like 1234.56");
        }
        l.amount = *amount;
        l.bank_reference = row.fields[3];
        l.reason = row.fields[4];
        if (l.outcome == PayoutOutcome::Paid && l.bank_reference.empty()) {
            return csvError(row.line_no, "a PAID line needs the bank's reference");
        }
        if (l.outcome == PayoutOutcome::Failed && l.reason.empty()) {
            return csvError(row.line_no, "a FAILED line needs a reason");
        }
        out.push_back(std::move(l));
    }
    return out;
}

namespace {

void exception(StoreTx& tx, PayoutImportSummary& s, const PayoutResultLine& l,
               const std::string& detail, TimestampMs now_ms) {
    std::string note = "line " + std::to_string(l.line_no) + ": " + detail;
    tx.insertReconException("payout_result", payoutReference(l.payout_id), note, now_ms);
    s.notes.push_back(note);
    ++s.exceptions;
}

Status payOut(StoreTx& tx, Payout& p, const PayoutResultLine& l, TimestampMs now_ms) {
    auto entry = EntryBuilder("payout", "payout:" + std::to_string(p.id), tx.businessDate(), now_ms)
                     .debit(merchantPayable(p.merchant_id), p.amount)
                     .credit(account(AccountCode::ReserveFund), p.amount)
                     .memo("settlement paid " + l.bank_reference)
                     .build();
    if (!entry) return entry.error();
    auto posted = post(tx, *entry);
    if (!posted) return posted.error();
    p.state = PayoutState::Paid;
    p.bank_reference = l.bank_reference;
    p.failure_reason.clear();
    p.result_at_ms = now_ms;
    p.entry_id = *posted;
    tx.days().updatePayout(p);
    return Ok{};
}

}  // namespace

Result<PayoutImportSummary> applyPayoutResults(StoreTx& tx,
                                               const std::vector<PayoutResultLine>& lines,
                                               TimestampMs now_ms) {
    PayoutImportSummary s;
    for (const PayoutResultLine& l : lines) {
        auto p = tx.days().payout(l.payout_id);
        if (!p) {
            exception(tx, s, l, "no payout " + payoutReference(l.payout_id), now_ms);
            continue;
        }
        if (p->amount != l.amount) {
            exception(tx, s, l,
                      "amount " + l.amount.toDecimal() + " differs from the instruction's " +
                          p->amount.toDecimal(),
                      now_ms);
            continue;
        }
        if (l.outcome == PayoutOutcome::Paid) {
            if (p->state == PayoutState::Paid) {
                ++s.already;
                continue;
            }
            YIKA_TRY(payOut(tx, *p, l, now_ms));
            ++s.paid;
            s.paid_total = *s.paid_total.plus(p->amount);
            continue;
        }
        if (p->state == PayoutState::Paid) {
            exception(tx, s, l, "FAILED for a payout already PAID; the bank must return it",
                      now_ms);
            continue;
        }
        if (p->state == PayoutState::Failed && p->failure_reason == l.reason) {
            ++s.already;
            continue;
        }
        p->state = PayoutState::Failed;
        p->failure_reason = l.reason;
        p->result_at_ms = now_ms;
        tx.days().updatePayout(*p);
        ++s.failed;
        s.notes.push_back("line " + std::to_string(l.line_no) + ": " + payoutReference(p->id) +
                          " " + p->mid + " failed (" + l.reason + "); it stays payable");
    }
    return s;
}

}  // namespace yika
