// The SQLite adapter of StoreTx: round trips, the append-only journal, storage errors.

#include "card_core/store/sqlite_store_tx.h"

#include "card_core/store/schema.h"
#include "card_core/testing/store_fixture.h"

#include <gtest/gtest.h>

namespace yika {
namespace {

using test::cny;
using test::yuan;

class SqliteStoreTxTest : public test::StoreTest {
  protected:
    // A second read-write connection behind the store's back (as an attacker or a careless
    // operator with the sqlite3 shell would have).
    std::unique_ptr<store::Database> raw() { return openRawConnection(); }
};

TEST_F(SqliteStoreTxTest, BusinessDateRoundTrips) {
    Date d = *Date::fromYmd(2027, 12, 31);
    setBusinessDate(d);
    EXPECT_EQ(businessDate(), d);
    EXPECT_EQ(*run<Date>([](StoreTx& tx) -> Result<Date> { return tx.businessDate(); }), d);
}

TEST_F(SqliteStoreTxTest, MissingBusinessDateFailsTheOperationAsStorageUnavailable) {
    raw()->exec("DELETE FROM setting WHERE key = 'business_date'");
    EXPECT_ERROR(run<Date>([](StoreTx& tx) -> Result<Date> { return tx.businessDate(); }),
                 ErrorCode::StorageUnavailable);
    // The queue survives the failed operation.
    setBusinessDate(*Date::fromYmd(2026, 3, 3));
    EXPECT_EQ(businessDate(), *Date::fromYmd(2026, 3, 3));
}

TEST_F(SqliteStoreTxTest, CardRoundTripsEveryField) {
    ProductId product = addProduct(namedProduct("GIFT"));
    Card c;
    c.id = 1234;
    c.product_id = product;
    c.batch_id = 9;
    c.state = CardState::Frozen;
    // No value: a balance without its journal entry would (rightly) fail the invariants; the
    // services' tests read balances back through this same code.
    c.balance = cny(0);
    c.held = cny(0);
    c.pan_masked = "621483*********1234";
    c.pan_lookup = {1, 2, 3, 0, 255};
    c.pan_encrypted = {9, 8, 7};
    c.pvv = {0, 0, 1};
    c.expiry = *Date::fromYmd(2029, 2, 28);
    c.location = "SH-STORE-01";
    c.order_id = 17;
    c.buyer_key = "I:resident_id:11010519491231002X";
    c.activated_on = *Date::fromYmd(2026, 3, 2);
    c.pin_failures = 3;
    c.pin_locked_until_ms = 1'777'777'777'777;
    c.spend_day = *Date::fromYmd(2026, 3, 3);
    c.spent_today = cny(99);
    c.count_today = 4;
    ASSERT_OK(runStatus([&](StoreTx& tx) {
        tx.insertCard(c);
        return Status(Ok{});
    }));
    Card back = card(c.id);
    EXPECT_EQ(back.product_id, c.product_id);
    EXPECT_EQ(back.batch_id, c.batch_id);
    EXPECT_EQ(back.state, c.state);
    EXPECT_EQ(back.balance, c.balance);
    EXPECT_EQ(back.held, c.held);
    EXPECT_EQ(back.pan_masked, c.pan_masked);
    EXPECT_EQ(back.pan_lookup, c.pan_lookup);
    EXPECT_EQ(back.pan_encrypted, c.pan_encrypted);
    EXPECT_EQ(back.pvv, c.pvv);
    EXPECT_EQ(back.expiry, c.expiry);
    EXPECT_EQ(back.location, c.location);
    EXPECT_EQ(back.order_id, c.order_id);
    EXPECT_EQ(back.buyer_key, c.buyer_key);
    EXPECT_EQ(back.activated_on, c.activated_on);
    EXPECT_EQ(back.pin_failures, c.pin_failures);
    EXPECT_EQ(back.pin_locked_until_ms, c.pin_locked_until_ms);
    EXPECT_EQ(back.spend_day, c.spend_day);
    EXPECT_EQ(back.spent_today, c.spent_today);
    EXPECT_EQ(back.count_today, c.count_today);
    EXPECT_EQ(reader().cardByLookup(c.pan_lookup)->id, c.id);
    EXPECT_TRUE(reader().panLookupExists(c.pan_lookup));
    EXPECT_FALSE(reader().panLookupExists(Bytes{1, 2, 3}));
    EXPECT_EQ(reader().maxCardId(), c.id);
    expectLedgerInvariants();
}

TEST_F(SqliteStoreTxTest, OptionalCardFieldsStayEmpty) {
    ProductId product = addProduct(namedProduct("GIFT"));
    Card c;
    c.id = 1;
    c.product_id = product;
    c.pan_lookup = {1};
    c.pan_encrypted = {2};
    c.pvv = {3};
    ASSERT_OK(runStatus([&](StoreTx& tx) {
        tx.insertCard(c);
        return Status(Ok{});
    }));
    Card back = card(1);
    EXPECT_FALSE(back.expiry);
    EXPECT_FALSE(back.order_id);
    EXPECT_FALSE(back.activated_on);
    EXPECT_FALSE(back.spend_day);
    EXPECT_EQ(back.buyer_key, "");
    EXPECT_EQ(back.location, "");
}

TEST_F(SqliteStoreTxTest, TransactionRoundTripsAndIdempotencyKeysAreUnique) {
    CardTxn t;
    t.kind = TxnKind::Purchase;
    t.state = TxnState::Declined;
    t.decline = ErrorCode::PinLocked;
    t.card_id = 5;
    t.merchant_id = 6;
    t.amount = cny(1234);
    t.refunded = cny(0);
    t.idem_key = "T0001:000001";
    t.business_date = *Date::fromYmd(2026, 3, 2);
    t.at_ms = 42;
    t.balance_after = cny(100);
    auto id = run<TxnId>([&](StoreTx& tx) -> Result<TxnId> { return tx.insertTxn(t); });
    ASSERT_OK(id);
    CardTxn back = txn(*id);
    EXPECT_EQ(back.kind, t.kind);
    EXPECT_EQ(back.state, t.state);
    EXPECT_EQ(back.decline, t.decline);
    EXPECT_EQ(back.card_id, t.card_id);
    EXPECT_FALSE(back.counter_card_id);
    EXPECT_EQ(back.merchant_id, t.merchant_id);
    EXPECT_EQ(back.amount, t.amount);
    EXPECT_FALSE(back.original_id);
    EXPECT_EQ(back.idem_key, t.idem_key);
    EXPECT_EQ(back.business_date, t.business_date);
    EXPECT_EQ(back.at_ms, t.at_ms);
    EXPECT_FALSE(back.entry_id);
    EXPECT_EQ(back.balance_after, t.balance_after);
    EXPECT_EQ(reader().txnByIdemKey("T0001:000001")->id, *id);
    EXPECT_FALSE(reader().txnByIdemKey("T0001:000002"));
    // A second transaction with the same key is refused by the database; none without a key is.
    EXPECT_ERROR(run<TxnId>([&](StoreTx& tx) -> Result<TxnId> { return tx.insertTxn(t); }),
                 ErrorCode::Duplicate);
    t.idem_key.clear();
    EXPECT_OK(run<TxnId>([&](StoreTx& tx) -> Result<TxnId> { return tx.insertTxn(t); }));
    EXPECT_OK(run<TxnId>([&](StoreTx& tx) -> Result<TxnId> { return tx.insertTxn(t); }));
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM card_txn WHERE idem_key IS NULL"), 2);
    expectLedgerInvariants();
}

TEST_F(SqliteStoreTxTest, MerchantRoundTrips) {
    MerchantGroupId group = addMerchantGroup("MALL");
    MerchantId id = addMerchant("898310048160001", group);
    auto m = reader().merchant(id);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->mid, "898310048160001");
    EXPECT_EQ(m->group, group);
    EXPECT_EQ(m->fee_bps, 38);
    EXPECT_EQ(m->fee_mode, FeeMode::Net);
    EXPECT_EQ(reader().merchantByMid("898310048160001")->id, id);
    EXPECT_FALSE(reader().merchantByMid("898310048169999"));
    EXPECT_FALSE(reader().merchant(id + 1));
}

TEST_F(SqliteStoreTxTest, JournalIsImmutable) {
    ProductId product = addProduct(anonymousProduct("ANON"));
    ASSERT_EQ(produceAndReceive(product, 1).ids.size(), 1u);
    ASSERT_EQ(sell(product, 1, yuan(100), test::anonymousBuyer()).size(), 1u);
    auto db = raw();
    EXPECT_THROW(db->exec("UPDATE journal_line SET debit_minor = debit_minor + 1"), StorageError);
    EXPECT_THROW(db->exec("UPDATE journal_line SET credit_minor = 0"), StorageError);
    EXPECT_THROW(db->exec("DELETE FROM journal_line"), StorageError);
    EXPECT_THROW(db->exec("UPDATE journal_entry SET memo = 'edited'"), StorageError);
    EXPECT_THROW(db->exec("DELETE FROM journal_entry"), StorageError);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry"), 1);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_line"), 2);
    EXPECT_EQ(queryInt("SELECT SUM(debit_minor) FROM journal_line"), yuan(100).minor());
    expectLedgerInvariants();
}

TEST_F(SqliteStoreTxTest, EventKeysAreUniqueInTheDatabase) {
    JournalEntry e;
    e.event_key = "txn:1";
    e.event_type = "purchase";
    e.business_date = businessDate();
    e.lines = {{cardAccount(1), Side::Debit, yuan(5)}, {merchantPending(1), Side::Credit, yuan(5)}};
    // insertEntry bypasses post()'s check: the unique index still refuses the second entry,
    // and the failed operation leaves neither entry behind.
    EXPECT_ERROR(run<EntryId>([&](StoreTx& tx) -> Result<EntryId> {
                     tx.insertEntry(e);
                     return tx.insertEntry(e);
                 }),
                 ErrorCode::Duplicate);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry"), 0);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_line"), 0);
    expectLedgerInvariants();
}

TEST_F(SqliteStoreTxTest, MigrationIsIdempotentAndRefusesANewerSchema) {
    auto db = raw();
    store::migrate(*db);  // already current: nothing to do
    EXPECT_EQ(queryInt("SELECT MAX(version) FROM schema_version"), store::currentSchemaVersion());
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM schema_version"), store::currentSchemaVersion());
    db->exec("INSERT INTO schema_version(version) VALUES (" +
             std::to_string(store::currentSchemaVersion() + 1) + ")");
    EXPECT_THROW(store::migrate(*db), StorageError);
}

}  // namespace
}  // namespace yika
