#pragma once

// The back office's reports as plain structs, each built in one place from a StoreTx (use a
// read-only connection: none of these writes). report_writers.h renders each as CSV and JSON,
// so the admin API and `yikad report` only call these two.

#include "card_core/domain/business_day.h"
#include "card_core/domain/day_store.h"
#include "card_core/domain/invoices.h"
#include "card_core/domain/store.h"

#include <optional>
#include <string>
#include <vector>

namespace yika {

// 试算平衡: every account of the chart; debit-positive balances.
struct TrialBalance {
    Date date;
    std::vector<TrialBalanceRow> rows;  // chart order
    Money opening_debit = Money::zero(Currency::Cny);
    Money opening_credit = Money::zero(Currency::Cny);
    Money debits = Money::zero(Currency::Cny);
    Money credits = Money::zero(Currency::Cny);
    Money closing_debit = Money::zero(Currency::Cny);
    Money closing_credit = Money::zero(Currency::Cny);
    // Totals equal on each side and every row's closing = opening + debits - credits.
    bool balanced = false;
};

// Rows (any subset of accounts) with their totals; missing chart accounts get zero rows.
TrialBalance makeTrialBalance(Date date, std::vector<TrialBalanceRow> rows);
// From the journal: the previous stored trial balance's closing (or every earlier entry) plus
// the movements dated `date`. Two grouped scans of the dates concerned.
TrialBalance computeTrialBalance(StoreTx& tx, Date date);
// The stored trial balance of a closed day, else computed.
TrialBalance trialBalanceReport(StoreTx& tx, Date date);

// Outstanding card liability (2201) now, by product and by card state.
struct LiabilityRow {
    std::string key;  // product code or card state
    std::string name;
    std::int64_t cards = 0;
    Money balance = Money::zero(Currency::Cny);
};
struct LiabilityReport {
    std::vector<LiabilityRow> by_product;
    std::vector<LiabilityRow> by_state;
    Money total = Money::zero(Currency::Cny);
};
LiabilityReport liabilityReport(StoreTx& tx);

// Sales and redemptions per business date.
struct ActivityDay {
    Date date;
    std::int64_t sales_orders = 0;
    Money sales_face = Money::zero(Currency::Cny);  // value loaded on cards sold
    Money sales_paid = Money::zero(Currency::Cny);  // received (1001)
    Money discounts = Money::zero(Currency::Cny);   // 6401
    Money reloads = Money::zero(Currency::Cny);
    Money purchases = Money::zero(Currency::Cny);         // redeemed at merchants (2202 credits)
    Money refunds = Money::zero(Currency::Cny);           // refunds, voids, reversals (2202 debits)
    Money cash_redemptions = Money::zero(Currency::Cny);  // 赎回
    Money breakage = Money::zero(Currency::Cny);
    Money fees = Money::zero(Currency::Cny);     // 6001 from clearing
    Money payouts = Money::zero(Currency::Cny);  // settlement paid (2203 -> 1001)
};
struct ActivityReport {
    Date from;
    Date to;
    std::vector<ActivityDay> days;  // dates with any entry
};
ActivityReport activityReport(StoreTx& tx, Date from, Date to);

// The merchant settlement report of one business date.
struct SettlementRow {
    ClearingRecord clearing;
    std::string mid;
    std::string name;
    std::optional<Payout> payout;
};
struct SettlementReport {
    Date date;
    std::vector<SettlementRow> rows;
    Money purchases = Money::zero(Currency::Cny);
    Money refunds = Money::zero(Currency::Cny);
    Money net = Money::zero(Currency::Cny);
    Money fees = Money::zero(Currency::Cny);
    Money payable = Money::zero(Currency::Cny);
};
SettlementReport settlementReport(StoreTx& tx, Date date);

// Payouts waiting for the bank or failed: still payable (2203).
std::vector<Payout> openPayouts(StoreTx& tx, std::int64_t limit);

struct BreakageReport {
    Date from;
    Date to;
    std::vector<BreakageItem> items;
    Money total = Money::zero(Currency::Cny);
    std::int64_t expired_cards = 0;  // EXPIRED cards still holding value (liabilities)
    Money expired_balance = Money::zero(Currency::Cny);
};
BreakageReport breakageReport(StoreTx& tx, Date from, Date to, std::int64_t limit);

// Invoices out, per paid order in [from, to].
struct InvoicesOutRow {
    InvoiceableOrder order;
    Money invoiceable = Money::zero(Currency::Cny);  // paid - issued
    std::vector<IssuedInvoice> invoices;
};
struct InvoicesOutReport {
    Date from;
    Date to;
    std::vector<InvoicesOutRow> rows;
};
InvoicesOutReport invoicesOutReport(StoreTx& tx, Date from, Date to, std::int64_t limit);

// Invoices in, per merchant and month in [from, to].
struct InvoicesInRow {
    MerchantId merchant_id = 0;
    std::string mid;
    std::string name;
    std::string period;
    Money expected = Money::zero(Currency::Cny);
    Money received = Money::zero(Currency::Cny);
    Money outstanding = Money::zero(Currency::Cny);
    Date due_on;
    bool overdue = false;
};
struct InvoicesInReport {
    std::string from;
    std::string to;
    Date today;
    std::vector<InvoicesInRow> rows;
};
InvoicesInReport invoicesInReport(StoreTx& tx, std::string from, std::string to, Date today,
                                  const InvoiceRules& rules);

struct PoolMonth {
    std::string month;
    Money received = Money::zero(Currency::Cny);    // from merchants
    Money issued = Money::zero(Currency::Cny);      // to buyers
    Money difference = Money::zero(Currency::Cny);  // issued - received
    Money cumulative = Money::zero(Currency::Cny);
};
struct InvoicePoolReport {
    std::string from;
    std::string to;
    std::vector<PoolMonth> months;
};
InvoicePoolReport invoicePoolReport(StoreTx& tx, std::string from, std::string to);

// The day report, the last step of the close.
struct DayReport {
    Date date;
    DayState state = DayState::Open;
    ActivityDay activity;
    std::int64_t merchants_cleared = 0;
    Money payable = Money::zero(Currency::Cny);
    std::int64_t payouts = 0;
    Money payouts_total = Money::zero(Currency::Cny);
    std::int64_t cards_expired = 0;
    std::int64_t breakage_cards = 0;
    bool trial_balance_balanced = false;
    std::int64_t ledger_mismatches = 0;
    std::int64_t open_exceptions = 0;
};
DayReport dayReport(StoreTx& tx, Date date);

}  // namespace yika
