#include "card_core/domain/clearing.h"

#include "card_core/domain/postings.h"

#include <map>

namespace yika {

std::string clearingEventKey(Date date, MerchantId merchant) {
    return "clearing:" + date.toIso() + ":" + std::to_string(merchant);
}

Result<ClearingRecord> clearMerchantDay(Date date, const Merchant& merchant,
                                        const MerchantDayTotals& totals, Money carried_in) {
    YIKA_ASSERT(carried_in.minor() <= 0);
    YIKA_ASSERT(merchant.fee_bps >= 0 && merchant.fee_bps <= 10000);
    ClearingRecord r;
    r.date = date;
    r.merchant_id = merchant.id;
    r.purchases = totals.credits;
    r.purchase_count = totals.credit_count;
    r.refunds = totals.debits;
    r.refund_count = totals.debit_count;
    r.carried_in = carried_in;
    r.fee_bps = merchant.fee_bps;
    r.fee_mode = merchant.fee_mode;
    Currency currency = totals.credits.currency();
    auto day_net = totals.credits.minus(totals.debits);
    auto net = day_net ? day_net->plus(carried_in) : std::nullopt;
    if (!net) return makeError(ErrorCode::InvalidAmount, "clearing amounts overflow");
    r.net = *net;
    r.fee = Money::zero(currency);
    r.payable = Money::zero(currency);
    r.carried_out = Money::zero(currency);
    if (!r.net.isPositive()) {
        r.carried_out = r.net;
        return r;
    }
    // Half-up, once per merchant per day, on the net (design section 2).
    auto fee = r.net.feeBasisPoints(merchant.fee_bps);
    if (!fee) return makeError(ErrorCode::InvalidAmount, "fee overflows");
    r.fee = *fee;
    r.payable = merchant.fee_mode == FeeMode::Net ? *r.net.minus(r.fee) : r.net;
    return r;
}

Result<std::optional<JournalEntry>> clearingEntry(const ClearingRecord& r, TimestampMs at_ms) {
    if (!r.net.isPositive()) return std::optional<JournalEntry>{};
    EntryBuilder b("clearing", clearingEventKey(r.date, r.merchant_id), r.date, at_ms);
    b.debit(merchantPending(r.merchant_id), r.net);
    if (r.fee_mode == FeeMode::Net) {
        b.credit(merchantPayable(r.merchant_id), *r.net.minus(r.fee));
        b.credit(account(AccountCode::FeeIncome), r.fee);
    } else {
        b.debit(account(AccountCode::FeeReceivable), r.fee);
        b.credit(merchantPayable(r.merchant_id), r.net);
        b.credit(account(AccountCode::FeeIncome), r.fee);
    }
    b.memo(r.fee_mode == FeeMode::Net ? "clearing, fee deducted (内扣)"
                                      : "clearing, fee billed (外收)");
    auto built = b.build();
    if (!built) return built.error();
    return std::optional<JournalEntry>(std::move(*built));
}

Result<std::int64_t> runClearing(StoreTx& tx, Date date,
                                 const std::vector<MerchantDayTotals>& totals, TimestampMs at_ms) {
    DayStoreTx& days = tx.days();
    std::map<MerchantId, MerchantDayTotals> by_merchant;
    for (const MerchantDayTotals& t : totals) by_merchant.emplace(t.merchant_id, t);
    std::map<MerchantId, Money> carries;
    for (const auto& [merchant, carry] : days.merchantCarries()) carries.emplace(merchant, carry);
    std::int64_t records = 0;
    for (const Merchant& merchant : days.merchants()) {
        auto moved = by_merchant.find(merchant.id);
        auto carried = carries.find(merchant.id);
        if (moved == by_merchant.end() && carried == carries.end()) continue;
        MerchantDayTotals t;
        t.merchant_id = merchant.id;
        Currency currency = carried != carries.end() ? carried->second.currency() : Currency::Cny;
        t.credits = t.debits = Money::zero(currency);
        if (moved != by_merchant.end()) t = moved->second;
        Money carry_in = carried != carries.end() ? carried->second : Money::zero(currency);
        auto record = clearMerchantDay(date, merchant, t, carry_in);
        if (!record) return record.error();
        auto entry = clearingEntry(*record, at_ms);
        if (!entry) return entry.error();
        if (*entry) {
            auto posted = post(tx, **entry);
            if (!posted) return posted.error();
            record->entry_id = *posted;
        }
        days.insertClearing(*record);
        if (record->carried_out.isNegative()) {
            days.setMerchantCarry(merchant.id, record->carried_out);
        } else if (carried != carries.end()) {
            days.setMerchantCarry(merchant.id, std::nullopt);
        }
        by_merchant.erase(merchant.id);
        ++records;
    }
    // 2202 lines always name a merchant the store knows; anything else is a broken ledger.
    if (!by_merchant.empty()) {
        return makeError(ErrorCode::NotFound, "2202 lines of an unknown merchant " +
                                                  std::to_string(by_merchant.begin()->first));
    }
    return records;
}

}  // namespace yika
