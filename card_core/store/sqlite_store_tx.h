#pragma once

// StoreTx on one SQLite connection. The caller (the commit queue, or a test) opens and commits
// the surrounding transaction; this class only runs statements, each prepared once and cached.
// Not thread-safe: owned by the single writer thread.

#include "card_core/domain/store.h"
#include "card_core/store/sqlite_account_store_tx.h"
#include "card_core/store/sqlite_admin_store_tx.h"
#include "card_core/store/sqlite_day_store_tx.h"
#include "card_core/store/sqlite_db.h"

#include <memory>
#include <string_view>
#include <unordered_map>

namespace yika::store {

class SqliteStoreTx final : public StoreTx {
  public:
    explicit SqliteStoreTx(Database& db) : db_(db), accounts_(db), admin_(db), days_(db) {}

    Date businessDate() override;
    void setBusinessDate(Date date) override;

    ProductId insertProduct(const CardProduct& product) override;
    std::optional<CardProduct> product(ProductId id) override;
    std::optional<CardProduct> productByCode(std::string_view code) override;

    MerchantGroupId insertMerchantGroup(std::string_view code, std::string_view name) override;
    MerchantId insertMerchant(const Merchant& merchant) override;
    std::optional<Merchant> merchant(MerchantId id) override;
    std::optional<Merchant> merchantByMid(std::string_view mid) override;
    void updateMerchant(const Merchant& merchant) override;  // issue 6

    StoreId insertMerchantStore(const MerchantStore& store) override;
    TerminalId insertTerminal(const Terminal& terminal) override;
    std::optional<Terminal> terminal(TerminalId id) override;
    std::optional<Terminal> terminalByTid(std::string_view tid) override;
    void updateTerminal(const Terminal& terminal) override;
    std::vector<Terminal> terminals() override;
    BatchTotals hostBatchTotals(TerminalId terminal, int batch_no) override;
    bool insertTerminalBatch(TerminalId terminal, int batch_no, Date business_date,
                             const BatchTotals& host, const BatchTotals& reported,
                             TimestampMs at_ms) override;
    bool terminalBatchSettled(TerminalId terminal, int batch_no) override;
    std::vector<CardTxn> countedBatchTxns(TerminalId terminal, int batch_no) override;
    bool insertBatchUploadItem(TerminalId terminal, int batch_no, const UploadedItem& item,
                               std::optional<TxnId> host_txn, UploadMatch match,
                               TimestampMs at_ms) override;
    std::vector<int> uploadedTraces(TerminalId terminal, int batch_no) override;
    bool endBatchUpload(TerminalId terminal, int batch_no, int uploaded_count,
                        TimestampMs at_ms) override;
    void insertReconException(std::string_view kind, std::string_view reference,
                              std::string_view detail, TimestampMs at_ms) override;

    BatchId insertBatch(const ProductionBatch& batch) override;
    std::optional<ProductionBatch> batch(BatchId id) override;
    void updateBatch(const ProductionBatch& batch) override;

    CardId maxCardId() override;
    bool panLookupExists(const Bytes& lookup) override;
    void insertCard(const Card& card) override;
    bool insertCardIfNewNumber(const Card& card) override;
    std::optional<Card> card(CardId id) override;
    std::optional<Card> cardByLookup(const Bytes& lookup) override;
    void updateCard(const Card& card) override;
    void insertCardEvent(const CardEvent& event) override;
    std::int64_t deleteProducedCards(BatchId batch) override;
    std::int64_t receiveBatchCards(BatchId batch, std::string_view location, const Actor& actor,
                                   TimestampMs at_ms) override;
    std::vector<CardId> freeStock(ProductId product, std::string_view location,
                                  std::int64_t count) override;
    std::vector<CardId> freeStockRange(ProductId product, CardId first, CardId last) override;
    void reserveCards(const std::vector<CardId>& cards, std::optional<OrderId> order) override;
    std::vector<CardId> cardsExpiringBefore(Date date, std::int64_t limit) override;
    std::vector<CardId> expiredCardsWithBalanceBefore(Date date, std::int64_t limit) override;

    OrderId insertOrder(const SalesOrder& order) override;
    std::optional<SalesOrder> order(OrderId id) override;
    void updateOrder(const SalesOrder& order) override;
    void insertPayment(OrderId order, const Payment& payment, TimestampMs at_ms) override;
    int countOrdersInBand(std::string_view buyer_key, Date day, Money min, Money max) override;

    TxnId insertTxn(const CardTxn& txn) override;
    std::optional<CardTxn> txn(TxnId id) override;
    std::optional<CardTxn> txnByIdemKey(std::string_view key) override;
    void updateTxn(const CardTxn& txn) override;

    std::optional<EntryId> entryByEventKey(std::string_view event_key) override;
    EntryId insertEntry(const JournalEntry& entry) override;

    // Forgets cached rows (business date, products, merchants). The caches assume this object
    // is the single writer: a StoreTx used on a read-only connection must call resetCaches()
    // before each read or it may see a stale business date, product or merchant. The commit queue
    // calls it when a transaction starts and after a savepoint is rolled back, so a cache never
    // outlives the writes it reflects.
    void resetCaches();

    // --- online accounts (issue 4) ---
    AccountStoreTx& accounts() override { return accounts_; }
    // --- admin API (issue 6) ---
    AdminStoreTx& admin() override { return admin_; }
    // --- business day, clearing, settlement, reconciliation, invoices (issue 5) ---
    DayStoreTx& days() override { return days_; }

  private:
    // The cached prepared statement for `sql` (the SQL text itself is the key).
    Statement& stmt(const char* sql);
    std::vector<CardId> ids(Statement& s);

    Database& db_;
    std::unordered_map<const char*, std::unique_ptr<Statement>> statements_;
    // Read on every authorization, changed rarely, and only through this writer.
    std::optional<Date> business_date_;
    std::unordered_map<ProductId, CardProduct> products_;
    std::unordered_map<MerchantId, Merchant> merchants_;
    // The indexed columns of the card row last read or written here: updateCard leaves them
    // out of its UPDATE when they did not change, so SQLite skips the card's indexes (a
    // purchase would otherwise delete and re-insert its card_active_expiry entry, one more
    // random page per purchase in the WAL and the checkpoint). Forgotten by resetCaches() and
    // by every statement that changes card rows in bulk.
    struct CardIndexed {
        CardId id = 0;
        CardState state = CardState::Produced;
        std::optional<Date> expiry;
        std::string location;
        std::optional<OrderId> order_id;
        bool sameAs(const Card& c) const {
            return id == c.id && state == c.state && expiry == c.expiry && location == c.location &&
                   order_id == c.order_id;
        }
    };
    std::optional<CardIndexed> card_indexed_;
    void rememberIndexed(const Card& c);
    SqliteAccountStoreTx accounts_;  // --- online accounts (issue 4) ---
    SqliteAdminStoreTx admin_;       // --- admin API (issue 6) ---
    SqliteDayStoreTx days_;          // --- issue 5 ---
};

}  // namespace yika::store
