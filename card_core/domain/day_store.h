#pragma once

// The back-office storage port (issue 5): business days and their close, clearing, payouts,
// bank statements, reconciliation exceptions, invoices and the queries behind the reports.
// Reached through StoreTx::days(); same contract as StoreTx (runs inside the caller's
// transaction, sees its writes, throws StorageError when the database fails, one thread).
//
// Every query that reads journal lines of a business date touches only that date's entries
// (an index on the entry's business date), never the whole journal, and groups in the database:
// no round trip per line.

#include "card_core/domain/card.h"
#include "card_core/domain/ledger.h"
#include "card_core/domain/merchant.h"
#include "card_core/domain/money.h"
#include "card_core/domain/time.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yika {

// --- business day (日切) ---

enum class DayState : std::uint8_t { Open, CutOff, Closed };
std::string_view toString(DayState state);
std::optional<DayState> dayStateFromString(std::string_view text);

struct BusinessDay {
    Date date;
    DayState state = DayState::Open;
    TimestampMs opened_at_ms = 0;
    TimestampMs cutoff_at_ms = 0;         // 0 until cut off
    std::string cutoff_by;                // operator, or "schedule"
    TimestampMs close_started_at_ms = 0;  // the time every posting of the close carries
    TimestampMs closed_at_ms = 0;
};

// The steps of a day close, in the order they run.
enum class CloseStep : std::uint8_t {
    Clearing,       // 清分: per merchant purchases - refunds, fee, 2202 -> 2203 (+ 6001, 1131)
    Settlement,     // settlement instructions: one payout per merchant with a positive payable
    Expiry,         // ACTIVE cards past their expiry become EXPIRED (balances stay liabilities)
    Breakage,       // breakage by policy (2201 -> 6002)
    TrialBalance,   // 试算平衡: opening + movements = closing per account, debits = credits
    InternalRecon,  // every transaction of the day has its one entry, every entry its event
    DayReport,      // the day's figures, stored; the day becomes CLOSED
};
std::string_view toString(CloseStep step);
std::optional<CloseStep> closeStepFromString(std::string_view text);

// A step's record: written in the same transaction as the step's work (or its last chunk), so
// a crash leaves either the whole step or none of it.
struct StepProgress {
    CloseStep step = CloseStep::Clearing;
    bool done = false;
    std::int64_t count = 0;  // rows the step produced (merchants, payouts, cards, ...)
    TimestampMs done_at_ms = 0;
};

// --- clearing (清分) ---

// One merchant's 2202 movements on one business date, clearing entries excluded.
struct MerchantDayTotals {
    MerchantId merchant_id = 0;
    Money credits = Money::zero(Currency::Cny);  // purchases and completions
    std::int64_t credit_count = 0;
    Money debits = Money::zero(Currency::Cny);  // refunds, voids, reversals
    std::int64_t debit_count = 0;
};

struct ClearingRecord {
    Date date;
    MerchantId merchant_id = 0;
    Money purchases = Money::zero(Currency::Cny);
    std::int64_t purchase_count = 0;
    Money refunds = Money::zero(Currency::Cny);
    std::int64_t refund_count = 0;
    Money carried_in = Money::zero(Currency::Cny);  // a negative net of an earlier day (<= 0)
    Money net = Money::zero(Currency::Cny);         // carried_in + purchases - refunds
    std::int64_t fee_bps = 0;
    FeeMode fee_mode = FeeMode::Net;
    Money fee = Money::zero(Currency::Cny);
    Money payable = Money::zero(Currency::Cny);      // credited to 2203
    Money carried_out = Money::zero(Currency::Cny);  // net when negative (<= 0), else 0
    std::optional<EntryId> entry_id;
};

// --- settlement (payouts) ---

using PayoutId = std::int64_t;
enum class PayoutState : std::uint8_t { Pending, Paid, Failed };
std::string_view toString(PayoutState state);
std::optional<PayoutState> payoutStateFromString(std::string_view text);

struct Payout {
    PayoutId id = 0;
    Date business_date;  // the day cleared
    Date value_date;     // business_date + the merchant's settlement cycle (T+1)
    MerchantId merchant_id = 0;
    std::string mid;
    std::string merchant_name;
    std::string bank_name;  // as they were when the instruction was made
    std::string bank_account;
    Money amount = Money::zero(Currency::Cny);
    PayoutState state = PayoutState::Pending;
    std::string bank_reference;  // from the bank's result file
    std::string failure_reason;
    TimestampMs result_at_ms = 0;
    std::optional<EntryId> entry_id;  // the 2203 -> 1001 entry once paid
};
// The reference the bank file carries: "YKP" + id, zero-padded to 10 digits.
std::string payoutReference(PayoutId id);
std::optional<PayoutId> payoutIdFromReference(std::string_view reference);

// --- trial balance ---

// Debit-positive sums of one account over a span of business dates.
struct AccountMovement {
    AccountCode account = AccountCode::ReserveFund;
    Money debits = Money::zero(Currency::Cny);
    Money credits = Money::zero(Currency::Cny);
};

struct TrialBalanceRow {
    AccountCode account = AccountCode::ReserveFund;
    Money opening = Money::zero(Currency::Cny);  // debit-positive balance before the day
    Money debits = Money::zero(Currency::Cny);
    Money credits = Money::zero(Currency::Cny);
    Money closing = Money::zero(Currency::Cny);  // opening + debits - credits
};

// --- reconciliation (对账) ---

struct ReconException {
    std::int64_t id = 0;
    std::string kind;       // "batch_mismatch", "bank_unmatched", "internal", ...
    std::string reference;  // what it is about: "payout:12", "bank:ICBC-0001", ...
    std::string detail;
    std::string state;  // OPEN or RESOLVED
    TimestampMs created_at_ms = 0;
    std::string resolved_by;
    std::string resolution;
    TimestampMs resolved_at_ms = 0;
};

enum class BankDirection : std::uint8_t { Credit, Debit };  // into / out of the reserve account

struct BankStatementLine {
    std::int64_t id = 0;
    std::string bank_txn_id;  // the bank's own unique id of the line
    Date value_date;
    BankDirection direction = BankDirection::Credit;
    Money amount = Money::zero(Currency::Cny);
    std::string counterparty_name;
    std::string counterparty_account;
    std::string reference;
    std::string matched_kind;  // "payment", "payout" or empty
    std::int64_t matched_id = 0;
};

// A recorded sale payment as the reserve account should see it.
struct RecordedPayment {
    std::int64_t id = 0;
    std::int64_t order_id = 0;
    std::string method;
    Money amount = Money::zero(Currency::Cny);
    std::string payer_account;
    std::string reference;
    Date date;
};

// --- invoices (design section 9) ---

struct IssuedInvoice {  // out, to a buyer: 增值税普通发票, not taxable
    std::int64_t id = 0;
    std::int64_t order_id = 0;
    std::string number;
    Date issued_on;
    std::string title;
    std::string tax_id;
    Money amount = Money::zero(Currency::Cny);
    std::string issued_by;
    TimestampMs at_ms = 0;
};

struct ReceivedInvoice {  // in, from a merchant, remark 收到预付卡结算款
    std::int64_t id = 0;
    MerchantId merchant_id = 0;
    std::string period;  // settlement period, "YYYY-MM"
    std::string number;
    Date issued_on;
    Money amount = Money::zero(Currency::Cny);
    std::string remark;
    std::string recorded_by;
    TimestampMs at_ms = 0;
};

// A paid sales order as invoicing sees it.
struct InvoiceableOrder {
    std::int64_t order_id = 0;
    Date paid_on;
    std::string buyer_name;
    std::string invoice_title;
    std::string invoice_tax_id;
    bool invoice_wanted = false;
    Money paid = Money::zero(Currency::Cny);
    Money issued = Money::zero(Currency::Cny);  // invoices issued so far
};

// Per merchant and month: what was settled (credited to 2203) and invoiced.
struct MerchantPeriodAmount {
    MerchantId merchant_id = 0;
    std::string period;  // "YYYY-MM"
    Money amount = Money::zero(Currency::Cny);
};

struct MonthAmount {
    std::string month;  // "YYYY-MM"
    Money amount = Money::zero(Currency::Cny);
};

// --- report queries ---

// Sums of one (date, event type, account) group of journal lines.
struct ActivityCell {
    Date date;
    std::string event_type;
    AccountCode account = AccountCode::ReserveFund;
    Money debits = Money::zero(Currency::Cny);
    Money credits = Money::zero(Currency::Cny);
    std::int64_t entries = 0;
};

struct LiabilityCell {
    std::int64_t product_id = 0;
    std::string product_code;
    std::string product_name;
    CardState state = CardState::Active;
    std::int64_t cards = 0;
    Money balance = Money::zero(Currency::Cny);
};

struct BreakageItem {
    Date date;
    std::int64_t txn_id = 0;
    CardId card_id = 0;
    std::string product_code;
    std::string pan_masked;
    Money amount = Money::zero(Currency::Cny);
};

class DayStoreTx {
  public:
    virtual ~DayStoreTx() = default;

    // Business days.
    virtual std::optional<BusinessDay> day(Date date) = 0;
    virtual void saveDay(const BusinessDay& day) = 0;  // insert or replace
    // The earliest day before `date` that is not CLOSED.
    virtual std::optional<Date> earliestUnclosedBefore(Date date) = 0;
    virtual std::vector<BusinessDay> days(Date from, Date to) = 0;
    virtual std::optional<StepProgress> closeStep(Date date, CloseStep step) = 0;
    virtual void saveCloseStep(Date date, const StepProgress& progress) = 0;

    // Clearing: one grouped scan of the date's 2202 lines (clearing entries excluded).
    virtual std::vector<MerchantDayTotals> merchantDayTotals(Date date) = 0;
    // Negative nets carried to a later day, by merchant.
    virtual std::vector<std::pair<MerchantId, Money>> merchantCarries() = 0;
    virtual void setMerchantCarry(MerchantId merchant, std::optional<Money> carry) = 0;
    virtual void insertClearing(const ClearingRecord& record) = 0;
    virtual std::vector<ClearingRecord> clearings(Date date) = 0;  // by merchant id
    // Every merchant (for clearing's fee terms), by id.
    virtual std::vector<Merchant> merchants() = 0;

    // Payouts.
    virtual PayoutId insertPayout(const Payout& payout) = 0;  // assigns the id
    virtual std::optional<Payout> payout(PayoutId id) = 0;
    virtual std::vector<Payout> payouts(Date business_date) = 0;  // by id
    virtual std::vector<Payout> payoutsInState(PayoutState state, std::int64_t limit) = 0;
    // PAID payouts whose value date is in [from, to] and that no bank line matched.
    virtual std::vector<Payout> unmatchedPaidPayouts(Date from, Date to, std::int64_t limit) = 0;
    virtual void updatePayout(const Payout& payout) = 0;  // state, bank reference, result, entry

    // Trial balance: movements per account of the entries dated in (after, through]; `after`
    // empty = from the first entry.
    virtual std::vector<AccountMovement> accountMovements(std::optional<Date> after,
                                                          Date through) = 0;
    virtual std::optional<Date> latestTrialBalanceBefore(Date date) = 0;
    virtual std::vector<TrialBalanceRow> trialBalance(Date date) = 0;  // stored rows
    virtual void insertTrialBalanceRow(Date date, const TrialBalanceRow& row) = 0;

    virtual void saveDayReport(Date date, std::string_view json) = 0;
    virtual std::optional<std::string> dayReport(Date date) = 0;

    // Internal reconciliation of a date: (reference, detail) of each approved transaction
    // without exactly its one entry and of each entry without its business event.
    virtual std::vector<std::pair<std::string, std::string>> ledgerMismatches(
        Date date, std::int64_t limit) = 0;

    // Reconciliation exceptions (the table issue 3's batch settlement writes through
    // StoreTx::insertReconException).
    virtual std::vector<ReconException> reconExceptions(bool open_only, std::int64_t limit) = 0;
    virtual std::optional<ReconException> reconException(std::int64_t id) = 0;
    virtual std::int64_t openReconExceptionCount() = 0;
    virtual bool openReconExceptionExists(std::string_view kind, std::string_view reference) = 0;
    virtual void resolveReconException(std::int64_t id, std::string_view by,
                                       std::string_view comment, TimestampMs at_ms) = 0;

    // Bank statement lines, unique by the bank's id.
    virtual bool bankLineExists(std::string_view bank_txn_id) = 0;
    virtual void insertBankLine(BankStatementLine& line, TimestampMs at_ms) = 0;  // sets id
    // Recorded non-cash sale payments no bank line matched, dated on or before `through`.
    virtual std::vector<RecordedPayment> unmatchedPayments(Date through, std::int64_t limit) = 0;

    // Invoices.
    virtual std::vector<InvoiceableOrder> paidOrders(Date from, Date to, std::int64_t limit) = 0;
    virtual std::optional<InvoiceableOrder> paidOrder(std::int64_t order_id) = 0;
    virtual std::int64_t insertIssuedInvoice(const IssuedInvoice& invoice) = 0;
    virtual bool issuedInvoiceNumberExists(std::string_view number) = 0;
    virtual std::vector<IssuedInvoice> issuedInvoices(std::int64_t order_id) = 0;
    virtual std::int64_t insertReceivedInvoice(const ReceivedInvoice& invoice) = 0;
    virtual bool receivedInvoiceExists(MerchantId merchant, std::string_view number) = 0;
    virtual std::vector<ReceivedInvoice> receivedInvoices(MerchantId merchant,
                                                          std::string_view period) = 0;
    // Settled (2203 credits of clearing) and received, per merchant and month, months in
    // [from, to] ("YYYY-MM").
    virtual std::vector<MerchantPeriodAmount> settledByMerchantMonth(std::string_view from,
                                                                     std::string_view to) = 0;
    virtual std::vector<MerchantPeriodAmount> receivedByMerchantMonth(std::string_view from,
                                                                      std::string_view to) = 0;
    // Invoice totals by month of issue, months in [from, to].
    virtual std::vector<MonthAmount> issuedByMonth(std::string_view from, std::string_view to) = 0;
    virtual std::vector<MonthAmount> receivedByMonth(std::string_view from,
                                                     std::string_view to) = 0;

    // Reports.
    virtual std::vector<ActivityCell> activity(Date from, Date to) = 0;
    virtual std::vector<LiabilityCell> cardLiability() = 0;
    virtual std::vector<BreakageItem> breakage(Date from, Date to, std::int64_t limit) = 0;
};

}  // namespace yika
