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

  private:
    // The cached prepared statement for `sql` (the SQL text itself is the key), reset.
    Statement& stmt(const char* sql);
    std::vector<Payout> readPayouts(Statement& s);
    std::vector<MerchantPeriodAmount> merchantMonths(Statement& s);
    std::vector<MonthAmount> months(Statement& s);

    Database& db_;
    std::unordered_map<const char*, std::unique_ptr<Statement>> statements_;
};

// Shared by the two .cpp files.
Currency dayCurrencyOf(std::int64_t numeric);
Date dayDateOf(const Statement& s, int column);

}  // namespace yika::store
