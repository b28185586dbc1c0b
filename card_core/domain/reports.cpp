#include "card_core/domain/reports.h"

#include <algorithm>
#include <map>

namespace yika {

namespace {

Money add(Money a, Money b) {
    auto sum = a.plus(b);
    YIKA_ASSERT(sum.has_value());  // sums of stored fen amounts stay far below 2^63
    return *sum;
}
Money sub(Money a, Money b) {
    auto diff = a.minus(b);
    YIKA_ASSERT(diff.has_value());
    return *diff;
}
Money zero() { return Money::zero(Currency::Cny); }

}  // namespace

TrialBalance makeTrialBalance(Date date, std::vector<TrialBalanceRow> rows) {
    TrialBalance tb;
    tb.date = date;
    std::map<AccountCode, TrialBalanceRow> by_account;
    for (const TrialBalanceRow& r : rows) by_account[r.account] = r;
    tb.balanced = true;
    for (AccountCode code : chartOfAccounts()) {
        TrialBalanceRow r;
        r.account = code;
        if (auto it = by_account.find(code); it != by_account.end()) r = it->second;
        if (r.closing != sub(add(r.opening, r.debits), r.credits)) tb.balanced = false;
        (r.opening.isNegative() ? tb.opening_credit : tb.opening_debit) =
            add(r.opening.isNegative() ? tb.opening_credit : tb.opening_debit,
                r.opening.isNegative() ? sub(zero(), r.opening) : r.opening);
        (r.closing.isNegative() ? tb.closing_credit : tb.closing_debit) =
            add(r.closing.isNegative() ? tb.closing_credit : tb.closing_debit,
                r.closing.isNegative() ? sub(zero(), r.closing) : r.closing);
        tb.debits = add(tb.debits, r.debits);
        tb.credits = add(tb.credits, r.credits);
        tb.rows.push_back(r);
    }
    tb.balanced = tb.balanced && tb.opening_debit == tb.opening_credit && tb.debits == tb.credits &&
                  tb.closing_debit == tb.closing_credit;
    return tb;
}

TrialBalance computeTrialBalance(StoreTx& tx, Date date) {
    DayStoreTx& days = tx.days();
    std::map<AccountCode, TrialBalanceRow> rows;
    auto previous = days.latestTrialBalanceBefore(date);
    if (previous) {
        for (const TrialBalanceRow& r : days.trialBalance(*previous)) {
            rows[r.account].account = r.account;
            rows[r.account].opening = r.closing;
        }
    }
    // Entries dated after the previous trial balance and before `date` (none when every day
    // closes in turn): part of the opening.
    if (!previous || *previous < date.plusDays(-1)) {
        for (const AccountMovement& m : days.accountMovements(previous, date.plusDays(-1))) {
            TrialBalanceRow& r = rows[m.account];
            r.account = m.account;
            r.opening = sub(add(r.opening, m.debits), m.credits);
        }
    }
    for (const AccountMovement& m : days.accountMovements(date.plusDays(-1), date)) {
        TrialBalanceRow& r = rows[m.account];
        r.account = m.account;
        r.debits = add(r.debits, m.debits);
        r.credits = add(r.credits, m.credits);
    }
    std::vector<TrialBalanceRow> out;
    for (auto& [code, r] : rows) {
        r.closing = sub(add(r.opening, r.debits), r.credits);
        out.push_back(r);
    }
    return makeTrialBalance(date, std::move(out));
}

TrialBalance trialBalanceReport(StoreTx& tx, Date date) {
    auto stored = tx.days().trialBalance(date);
    if (!stored.empty()) return makeTrialBalance(date, std::move(stored));
    return computeTrialBalance(tx, date);
}

LiabilityReport liabilityReport(StoreTx& tx) {
    LiabilityReport r;
    std::map<std::string, LiabilityRow> products;
    std::map<std::string, LiabilityRow> states;
    for (const LiabilityCell& c : tx.days().cardLiability()) {
        LiabilityRow& p = products[c.product_code];
        p.key = c.product_code;
        p.name = c.product_name;
        p.cards += c.cards;
        p.balance = add(p.balance, c.balance);
        LiabilityRow& s = states[std::string(toString(c.state))];
        s.key = std::string(toString(c.state));
        s.cards += c.cards;
        s.balance = add(s.balance, c.balance);
        r.total = add(r.total, c.balance);
    }
    for (auto& [k, row] : products) r.by_product.push_back(row);
    for (auto& [k, row] : states) r.by_state.push_back(row);
    return r;
}

namespace {

void addCell(ActivityDay& d, const ActivityCell& c) {
    const std::string& e = c.event_type;
    AccountCode a = c.account;
    if (e == "sale") {
        if (a == AccountCode::CardStoredValue) d.sales_face = add(d.sales_face, c.credits);
        if (a == AccountCode::ReserveFund) {
            d.sales_paid = add(d.sales_paid, c.debits);
            d.sales_orders += c.entries;
        }
        if (a == AccountCode::SalesDiscount) d.discounts = add(d.discounts, c.debits);
    } else if (e == "reload" && a == AccountCode::CardStoredValue) {
        d.reloads = add(d.reloads, sub(c.credits, c.debits));
    } else if (e == "redemption" && a == AccountCode::CardStoredValue) {
        d.cash_redemptions = add(d.cash_redemptions, c.debits);
    } else if (e == "breakage" && a == AccountCode::BreakageIncome) {
        d.breakage = add(d.breakage, c.credits);
    } else if (e == "clearing" && a == AccountCode::FeeIncome) {
        d.fees = add(d.fees, c.credits);
    } else if (e == "payout" && a == AccountCode::ReserveFund) {
        d.payouts = add(d.payouts, c.credits);
    } else if (e != "clearing" && a == AccountCode::MerchantPending) {
        d.purchases = add(d.purchases, c.credits);
        d.refunds = add(d.refunds, c.debits);
    }
}

}  // namespace

ActivityReport activityReport(StoreTx& tx, Date from, Date to) {
    ActivityReport r;
    r.from = from;
    r.to = to;
    std::map<Date, ActivityDay> days;
    for (const ActivityCell& c : tx.days().activity(from, to)) {
        ActivityDay& d = days[c.date];
        d.date = c.date;
        addCell(d, c);
    }
    for (auto& [date, d] : days) r.days.push_back(d);
    return r;
}

SettlementReport settlementReport(StoreTx& tx, Date date) {
    SettlementReport r;
    r.date = date;
    std::map<MerchantId, Payout> payouts;
    for (const Payout& p : tx.days().payouts(date)) payouts.emplace(p.merchant_id, p);
    std::map<MerchantId, Merchant> merchants;
    for (const Merchant& m : tx.days().merchants()) merchants.emplace(m.id, m);
    for (const ClearingRecord& c : tx.days().clearings(date)) {
        SettlementRow row;
        row.clearing = c;
        if (auto m = merchants.find(c.merchant_id); m != merchants.end()) {
            row.mid = m->second.mid;
            row.name = m->second.name;
        }
        if (auto p = payouts.find(c.merchant_id); p != payouts.end()) row.payout = p->second;
        r.purchases = add(r.purchases, c.purchases);
        r.refunds = add(r.refunds, c.refunds);
        r.net = add(r.net, c.net);
        r.fees = add(r.fees, c.fee);
        r.payable = add(r.payable, c.payable);
        r.rows.push_back(std::move(row));
    }
    return r;
}

std::vector<Payout> openPayouts(StoreTx& tx, std::int64_t limit) {
    auto out = tx.days().payoutsInState(PayoutState::Failed, limit);
    auto pending = tx.days().payoutsInState(PayoutState::Pending, limit);
    out.insert(out.end(), pending.begin(), pending.end());
    return out;
}

BreakageReport breakageReport(StoreTx& tx, Date from, Date to, std::int64_t limit) {
    BreakageReport r;
    r.from = from;
    r.to = to;
    r.items = tx.days().breakage(from, to, limit);
    for (const BreakageItem& i : r.items) r.total = add(r.total, i.amount);
    for (const LiabilityCell& c : tx.days().cardLiability()) {
        if (c.state != CardState::Expired) continue;
        r.expired_cards += c.cards;
        r.expired_balance = add(r.expired_balance, c.balance);
    }
    return r;
}

InvoicesOutReport invoicesOutReport(StoreTx& tx, Date from, Date to, std::int64_t limit) {
    InvoicesOutReport r;
    r.from = from;
    r.to = to;
    for (const InvoiceableOrder& o : tx.days().paidOrders(from, to, limit)) {
        InvoicesOutRow row;
        row.order = o;
        row.invoiceable = sub(o.paid, o.issued);
        row.invoices = tx.days().issuedInvoices(o.order_id);
        r.rows.push_back(std::move(row));
    }
    return r;
}

InvoicesInReport invoicesInReport(StoreTx& tx, std::string from, std::string to, Date today,
                                  const InvoiceRules& rules) {
    InvoicesInReport r;
    r.from = from;
    r.to = to;
    r.today = today;
    std::map<std::pair<MerchantId, std::string>, InvoicesInRow> rows;
    for (const MerchantPeriodAmount& s : tx.days().settledByMerchantMonth(from, to)) {
        InvoicesInRow& row = rows[{s.merchant_id, s.period}];
        row.expected = add(row.expected, s.amount);
    }
    for (const MerchantPeriodAmount& s : tx.days().receivedByMerchantMonth(from, to)) {
        InvoicesInRow& row = rows[{s.merchant_id, s.period}];
        row.received = add(row.received, s.amount);
    }
    std::map<MerchantId, Merchant> merchants;
    for (const Merchant& m : tx.days().merchants()) merchants.emplace(m.id, m);
    for (auto& [key, row] : rows) {
        row.merchant_id = key.first;
        row.period = key.second;
        if (auto m = merchants.find(key.first); m != merchants.end()) {
            row.mid = m->second.mid;
            row.name = m->second.name;
        }
        row.outstanding = sub(row.expected, row.received);
        Date month_start = *Date::parseIso(row.period + "-01");
        row.due_on = month_start.plusMonths(1).plusDays(rules.merchant_invoice_due_days - 1);
        row.overdue = row.outstanding.isPositive() && today > row.due_on;
        r.rows.push_back(row);
    }
    return r;
}

InvoicePoolReport invoicePoolReport(StoreTx& tx, std::string from, std::string to) {
    InvoicePoolReport r;
    r.from = from;
    r.to = to;
    std::map<std::string, PoolMonth> months;
    for (const MonthAmount& m : tx.days().receivedByMonth(from, to)) {
        months[m.month].received = add(months[m.month].received, m.amount);
    }
    for (const MonthAmount& m : tx.days().issuedByMonth(from, to)) {
        months[m.month].issued = add(months[m.month].issued, m.amount);
    }
    Money cumulative = zero();
    for (auto& [month, p] : months) {
        p.month = month;
        p.difference = sub(p.issued, p.received);
        cumulative = add(cumulative, p.difference);
        p.cumulative = cumulative;
        r.months.push_back(p);
    }
    return r;
}

DayReport dayReport(StoreTx& tx, Date date) {
    DayReport r;
    r.date = date;
    r.state = dayOrOpen(tx, date).state;
    auto activity = activityReport(tx, date, date);
    r.activity.date = date;
    if (!activity.days.empty()) r.activity = activity.days.front();
    for (const ClearingRecord& c : tx.days().clearings(date)) {
        ++r.merchants_cleared;
        r.payable = add(r.payable, c.payable);
    }
    for (const Payout& p : tx.days().payouts(date)) {
        ++r.payouts;
        r.payouts_total = add(r.payouts_total, p.amount);
    }
    if (auto p = tx.days().closeStep(date, CloseStep::Expiry)) r.cards_expired = p->count;
    if (auto p = tx.days().closeStep(date, CloseStep::Breakage)) r.breakage_cards = p->count;
    if (auto p = tx.days().closeStep(date, CloseStep::InternalRecon)) {
        r.ledger_mismatches = p->count;
    }
    r.trial_balance_balanced = trialBalanceReport(tx, date).balanced;
    r.open_exceptions = tx.days().openReconExceptionCount();
    return r;
}

}  // namespace yika
