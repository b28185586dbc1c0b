#pragma once

// Storage ports. The domain runs every change inside one StoreTx (a database transaction);
// adapters (card_core/store/) implement it on SQLite, later PostgreSQL.
//
// Contract for every method: it runs inside the caller's transaction, sees the transaction's
// own writes, and throws StorageError when the database fails. The domain never catches
// StorageError: the commit queue does, rolls the operation back and reports
// ErrorCode::StorageUnavailable / StorageFull to the caller. Not thread-safe: one StoreTx is
// used by one thread (the single writer) at a time.

#include "card_core/domain/batch.h"
#include "card_core/domain/card.h"
#include "card_core/domain/ledger.h"
#include "card_core/domain/merchant.h"
#include "card_core/domain/product.h"
#include "card_core/domain/sale.h"
#include "card_core/domain/terminal.h"
#include "card_core/domain/txn.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace yika {

class AccountStoreTx;  // card_core/domain/account.h
class AdminStoreTx;    // card_core/domain/admin_store.h (issue 6)
class DayStoreTx;      // card_core/domain/day_store.h (issue 5)

class StorageError : public std::runtime_error {
  public:
    StorageError(ErrorCode code, const std::string& what) : std::runtime_error(what), code_(code) {}
    ErrorCode code() const { return code_; }

  private:
    ErrorCode code_;
};

class StoreTx {
  public:
    virtual ~StoreTx() = default;

    // Business day: the date new postings belong to.
    virtual Date businessDate() = 0;
    virtual void setBusinessDate(Date date) = 0;

    virtual ProductId insertProduct(const CardProduct& product) = 0;  // assigns the id
    virtual std::optional<CardProduct> product(ProductId id) = 0;
    virtual std::optional<CardProduct> productByCode(std::string_view code) = 0;

    virtual MerchantGroupId insertMerchantGroup(std::string_view code, std::string_view name) = 0;
    virtual MerchantId insertMerchant(const Merchant& merchant) = 0;
    virtual std::optional<Merchant> merchant(MerchantId id) = 0;
    virtual std::optional<Merchant> merchantByMid(std::string_view mid) = 0;
    virtual void updateMerchant(const Merchant& merchant) = 0;  // issue 6: fee changes

    virtual StoreId insertMerchantStore(const MerchantStore& store) = 0;
    virtual TerminalId insertTerminal(const Terminal& terminal) = 0;
    virtual std::optional<Terminal> terminal(TerminalId id) = 0;
    virtual std::optional<Terminal> terminalByTid(std::string_view tid) = 0;
    virtual void updateTerminal(const Terminal& terminal) = 0;
    virtual std::vector<Terminal> terminals() = 0;

    // Approved purchases and completions (debits) and refunds (credits) of a terminal batch.
    virtual BatchTotals hostBatchTotals(TerminalId terminal, int batch_no) = 0;
    // Records a batch settlement; false if this batch was already settled (a retry).
    virtual bool insertTerminalBatch(TerminalId terminal, int batch_no, Date business_date,
                                     const BatchTotals& host, const BatchTotals& reported,
                                     TimestampMs at_ms) = 0;
    // Whether this terminal batch was settled (a terminal_batch row exists).
    virtual bool terminalBatchSettled(TerminalId terminal, int batch_no) = 0;
    // The approved transactions counted in hostBatchTotals (purchases, completions, refunds).
    virtual std::vector<CardTxn> countedBatchTxns(TerminalId terminal, int batch_no) = 0;
    // Records one uploaded item; false if this (terminal, batch, trace) was already uploaded.
    virtual bool insertBatchUploadItem(TerminalId terminal, int batch_no, const UploadedItem& item,
                                       std::optional<TxnId> host_txn, UploadMatch match,
                                       TimestampMs at_ms) = 0;
    // The trace numbers uploaded so far for this batch.
    virtual std::vector<int> uploadedTraces(TerminalId terminal, int batch_no) = 0;
    // Marks the batch's upload as ended with the terminal's count; false if already ended.
    virtual bool endBatchUpload(TerminalId terminal, int batch_no, int uploaded_count,
                                TimestampMs at_ms) = 0;
    // An exception for an operator to resolve (reconciliation, 对账).
    virtual void insertReconException(std::string_view kind, std::string_view reference,
                                      std::string_view detail, TimestampMs at_ms) = 0;

    virtual BatchId insertBatch(const ProductionBatch& batch) = 0;
    virtual std::optional<ProductionBatch> batch(BatchId id) = 0;
    virtual void updateBatch(const ProductionBatch& batch) = 0;

    virtual CardId maxCardId() = 0;
    virtual bool panLookupExists(const Bytes& lookup) = 0;
    virtual void insertCard(const Card& card) = 0;  // card.id chosen by the caller
    // Inserts unless a card with the same number (pan_lookup) exists; false then. Used by
    // generation, where the unique index itself is the uniqueness check.
    virtual bool insertCardIfNewNumber(const Card& card) = 0;
    virtual std::optional<Card> card(CardId id) = 0;
    virtual std::optional<Card> cardByLookup(const Bytes& lookup) = 0;
    virtual void updateCard(const Card& card) = 0;
    virtual void insertCardEvent(const CardEvent& event) = 0;
    // Removes PRODUCED cards of a batch (an interrupted generation restarts from scratch).
    virtual std::int64_t deleteProducedCards(BatchId batch) = 0;
    // Moves all PRODUCED cards of a batch to IN_STOCK at `location`; returns how many.
    // Records a RECEIVED card event for each, caused by `actor`.
    virtual std::int64_t receiveBatchCards(BatchId batch, std::string_view location,
                                           const Actor& actor, TimestampMs at_ms) = 0;
    // Up to `count` unreserved IN_STOCK cards of a product at a location, lowest serial first.
    virtual std::vector<CardId> freeStock(ProductId product, std::string_view location,
                                          std::int64_t count) = 0;
    // Cards in [first, last] that are unreserved IN_STOCK cards of the product.
    virtual std::vector<CardId> freeStockRange(ProductId product, CardId first, CardId last) = 0;
    // Sets / clears order_id on cards (reservation).
    virtual void reserveCards(const std::vector<CardId>& cards, std::optional<OrderId> order) = 0;
    // ACTIVE cards whose expiry is before `date`, at most `limit`.
    virtual std::vector<CardId> cardsExpiringBefore(Date date, std::int64_t limit) = 0;
    // EXPIRED cards with a balance whose expiry is on or before `date`, at most `limit`.
    virtual std::vector<CardId> expiredCardsWithBalanceBefore(Date date, std::int64_t limit) = 0;

    virtual OrderId insertOrder(const SalesOrder& order) = 0;  // with its lines and card ids
    virtual std::optional<SalesOrder> order(OrderId id) = 0;
    virtual void updateOrder(const SalesOrder& order) = 0;  // state, paid fields, flag
    virtual void insertPayment(OrderId order, const Payment& payment, TimestampMs at_ms) = 0;
    // Paid or pending orders today by this buyer with pay total in [min, max).
    virtual int countOrdersInBand(std::string_view buyer_key, Date day, Money min, Money max) = 0;

    virtual TxnId insertTxn(const CardTxn& txn) = 0;  // assigns the id
    virtual std::optional<CardTxn> txn(TxnId id) = 0;
    virtual std::optional<CardTxn> txnByIdemKey(std::string_view key) = 0;
    // Writes what may change after the insert: state, decline, refunded, entry, balance after
    // and open hold. The rest (kind, card, merchant, amount, keys, dates, terminal reference)
    // is immutable once recorded.
    virtual void updateTxn(const CardTxn& txn) = 0;

    virtual std::optional<EntryId> entryByEventKey(std::string_view event_key) = 0;
    virtual EntryId insertEntry(const JournalEntry& entry) = 0;  // assigns the id

    // --- online accounts (issue 4) ---
    // Accounts, bindings, sessions and payment orders, in this same transaction.
    virtual AccountStoreTx& accounts() = 0;

    // --- admin API (issue 6) ---
    // Operators, sessions, maker-checker requests, the audit chain and back-office listings.
    virtual AdminStoreTx& admin() = 0;
    // --- business day, clearing, settlement, reconciliation, invoices (issue 5) ---
    virtual DayStoreTx& days() = 0;
};

}  // namespace yika
