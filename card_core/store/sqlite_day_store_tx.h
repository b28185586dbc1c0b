#pragma once

// DayStoreTx (card_core/domain/day_store.h) on the same SQLite connection as the SqliteStoreTx
// that owns it (issue 5): statements are prepared once and cached. Not thread-safe.
// The implementation is split: sqlite_day_store_tx.cpp (days, clearing, payouts, trial balance,
// reconciliation) and sqlite_day_queries.cpp (invoices and report queries).

#include "card_core/domain/day_store.h"
#include "card_core/store/sqlite_db.h"

#include <memory>
#include <unordered_map>

namespace yika::store {

class SqliteDayStoreTx final : public DayStoreTx {
  public:
    explicit SqliteDayStoreTx(Database& db) : db_(db) {}

    std::optional<BusinessDay> day(Date date) override;
    void saveDay(const BusinessDay& day) override;
    std::optional<Date> earliestUnclosedBefore(Date date) override;
    std::vector<BusinessDay> days(Date from, Date to) override;
    std::optional<StepProgress> closeStep(Date date, CloseStep step) override;
    void saveCloseStep(Date date, const StepProgress& progress) override;

    std::vector<MerchantDayTotals> merchantDayTotals(Date date) override;
    std::vector<std::pair<MerchantId, Money>> merchantCarries() override;
    void setMerchantCarry(MerchantId merchant, std::optional<Money> carry) override;
    void insertClearing(const ClearingRecord& record) override;
    std::vector<ClearingRecord> clearings(Date date) override;
    std::vector<Merchant> merchants() override;

    PayoutId insertPayout(const Payout& payout) override;
    std::optional<Payout> payout(PayoutId id) override;
    std::vector<Payout> payouts(Date business_date) override;
    std::vector<Payout> payoutsInState(PayoutState state, std::int64_t limit) override;
    std::vector<Payout> unmatchedPaidPayouts(Date from, Date to, std::int64_t limit) override;
    void updatePayout(const Payout& payout) override;

    std::vector<AccountMovement> accountMovements(std::optional<Date> after, Date through) override;
    std::optional<Date> latestTrialBalanceBefore(Date date) override;
    std::vector<TrialBalanceRow> trialBalance(Date date) override;
    void insertTrialBalanceRow(Date date, const TrialBalanceRow& row) override;
    void saveDayReport(Date date, std::string_view json) override;
    std::optional<std::string> dayReport(Date date) override;

    std::vector<std::pair<std::string, std::string>> ledgerMismatches(Date date,
                                                                      std::int64_t limit) override;
    std::vector<ReconException> reconExceptions(bool open_only, std::int64_t limit) override;
    std::optional<ReconException> reconException(std::int64_t id) override;
    std::int64_t openReconExceptionCount() override;
    bool openReconExceptionExists(std::string_view kind, std::string_view reference) override;
    void resolveReconException(std::int64_t id, std::string_view by, std::string_view comment,
                               TimestampMs at_ms) override;
    bool bankLineExists(std::string_view bank_txn_id) override;
    void insertBankLine(BankStatementLine& line, TimestampMs at_ms) override;
    std::vector<RecordedPayment> unmatchedPayments(Date through, std::int64_t limit) override;

    std::vector<InvoiceableOrder> paidOrders(Date from, Date to, std::int64_t limit) override;
    std::optional<InvoiceableOrder> paidOrder(std::int64_t order_id) override;
    std::int64_t insertIssuedInvoice(const IssuedInvoice& invoice) override;
    bool issuedInvoiceNumberExists(std::string_view number) override;
    std::vector<IssuedInvoice> issuedInvoices(std::int64_t order_id) override;
    std::int64_t insertReceivedInvoice(const ReceivedInvoice& invoice) override;
    bool receivedInvoiceExists(MerchantId merchant, std::string_view number) override;
    std::vector<ReceivedInvoice> receivedInvoices(MerchantId merchant,
                                                  std::string_view period) override;
    std::vector<MerchantPeriodAmount> settledByMerchantMonth(std::string_view from,
                                                             std::string_view to) override;
    std::vector<MerchantPeriodAmount> receivedByMerchantMonth(std::string_view from,
                                                              std::string_view to) override;
    std::vector<MonthAmount> issuedByMonth(std::string_view from, std::string_view to) override;
    std::vector<MonthAmount> receivedByMonth(std::string_view from, std::string_view to) override;

    std::vector<ActivityCell> activity(Date from, Date to) override;
    std::vector<LiabilityCell> cardLiability() override;
    std::vector<BreakageItem> breakage(Date from, Date to, std::int64_t limit) override;

    // One journal line of an entry dated within a scanned span (forEachLine).
    struct SpanLine {
        const std::string* business_date;
        const std::string* event_type;
        std::int64_t account;
        std::int64_t sub_id;
        std::int64_t currency;
        std::int64_t debit_minor;
        std::int64_t credit_minor;
    };
    // Visits every line of the entries dated in [from, to] (ISO dates). The entries of a span
    // of dates occupy one range of entry ids, interleaved at most with the next day's entries
    // written before the close: both tables are scanned once over that id range, in primary
    // key order, and merged here (no per-entry lookups), skipping entries of other dates.
    template <typename Visit>
    void forEachLine(const std::string& from, const std::string& to, Visit&& visit);
    // [min, max] entry id of the entries dated in [from, to]; empty when there are none.
    std::optional<std::pair<std::int64_t, std::int64_t>> entryIdRange(const std::string& from,
                                                                      const std::string& to);

  private:
    // The cached prepared statement for `sql` (the SQL text itself is the key), reset.
    Statement& stmt(const char* sql);
    std::vector<Payout> readPayouts(Statement& s);
    std::vector<MerchantPeriodAmount> merchantMonths(Statement& s);
    std::vector<MonthAmount> months(Statement& s);

    Database& db_;
    std::unordered_map<const char*, std::unique_ptr<Statement>> statements_;
};

template <typename Visit>
void SqliteDayStoreTx::forEachLine(const std::string& from, const std::string& to, Visit&& visit) {
    auto range = entryIdRange(from, to);
    if (!range) return;
    auto& entries = stmt(
        "SELECT id, business_date, event_type FROM journal_entry WHERE id BETWEEN ?1 AND ?2 "
        "ORDER BY id");
    auto& lines = stmt(
        "SELECT entry_id, account, sub_id, currency, debit_minor, credit_minor FROM journal_line "
        "WHERE entry_id BETWEEN ?1 AND ?2 ORDER BY entry_id, line_no");
    entries.bind(1, range->first).bind(2, range->second);
    lines.bind(1, range->first).bind(2, range->second);
    std::int64_t entry_id = -1;
    bool in_span = false;
    std::string date;
    std::string event_type;
    bool more_entries = true;
    while (lines.step()) {
        std::int64_t line_entry = lines.columnInt(0);
        while (more_entries && entry_id < line_entry) {
            more_entries = entries.step();
            if (!more_entries) break;
            entry_id = entries.columnInt(0);
            std::string_view d = entries.columnView(1);
            in_span = d >= from && d <= to;
            if (!in_span) continue;
            // Copied only when they change: a day's entries share one date and few types.
            if (d != date) date.assign(d);
            std::string_view type = entries.columnView(2);
            if (type != event_type) event_type.assign(type);
        }
        if (entry_id != line_entry || !in_span) continue;  // another date's entry
        visit(SpanLine{&date, &event_type, lines.columnInt(1), lines.columnInt(2),
                       lines.columnInt(3), lines.columnInt(4), lines.columnInt(5)});
    }
    lines.reset();
    entries.reset();
}

// Shared by the two .cpp files.
Currency dayCurrencyOf(std::int64_t numeric);
Date dayDateOf(const Statement& s, int column);

}  // namespace yika::store
