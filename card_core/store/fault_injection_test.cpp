// Storage faults (issue 9), injected under the real store by a VFS shim
// (card_core/testing/fault_vfs.h):
// - a full disk makes every operation of the batch fail with StorageFull (ISO 8583 96 / HTTP
//   503 at the edges), leaves no partial transaction or journal entry, and service resumes by
//   itself once space returns;
// - a failed fsync stops the process before any caller hears of its commit.

#include "card_core/testing/fault_vfs.h"
#include "card_core/testing/store_fixture.h"

#include <gtest/gtest.h>

#include <future>

namespace yika::test {
namespace {

class FaultInjection : public StoreTest {
  protected:
    void SetUp() override {
        installFaultVfs();  // before the fixture opens its connections
        faults().disk_full = false;
        faults().fsync_fails = false;
        StoreTest::SetUp();
        product_ = addProduct(namedProduct("NAMED"));
        merchant_ = addMerchant("898310048160001");
        produceAndReceive(product_, 3);
        cards_ = sell(product_, 3, yuan(500));
        ASSERT_EQ(cards_.size(), 3u);
    }
    // The faults are injected into SQLite's VFS.
    bool sqliteOnly() const override { return true; }
    void TearDown() override {
        faults().disk_full = false;
        faults().fsync_fails = false;
        StoreTest::TearDown();
    }

    // Reopens the store with durable commits (the fixture skips fsync for speed).
    void reopenDurable() {
        reader_.reset();
        reader_db_.reset();
        store_.reset();
        store::SqliteStoreOptions options;
        options.path = path_;
        options.synchronous_full = true;
        store_ = std::make_unique<store::SqliteStore>(options);
        reader_db_ = store_->openReader();
        reader_ = std::make_unique<store::SqliteStoreTx>(*reader_db_);
    }

    std::int64_t rows(const char* table) {
        return queryInt(std::string("SELECT COUNT(*) FROM ") + table);
    }

    ProductId product_ = 0;
    MerchantId merchant_ = 0;
    std::vector<CardId> cards_;
};

TEST_F(FaultInjection, AFullDiskRefusesWithStorageFullChangesNothingAndRecovers) {
    ASSERT_TRUE(spend(cards_[0], merchant_, yuan(10)).ok());
    const std::int64_t txns = rows("card_txn");
    const std::int64_t entries = rows("journal_entry");
    const std::int64_t lines = rows("journal_line");
    const Money balance = card(cards_[1]).balance;

    faults().disk_full = true;
    const long refused_before = faults().writes_refused.load();
    // Several purchases at once: every one is refused with StorageFull, whatever batch it is in.
    std::vector<std::future<Result<CardTxn>>> queued;
    for (CardId id : cards_) {
        queued.push_back(
            std::async(std::launch::async, [this, id] { return spend(id, merchant_, yuan(20)); }));
    }
    for (auto& f : queued) {
        Result<CardTxn> r = f.get();
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.code(), ErrorCode::StorageFull) << r.error().detail;
    }
    EXPECT_GT(faults().writes_refused.load(), refused_before) << "the shim refused no write";
    faults().disk_full = false;

    EXPECT_EQ(rows("card_txn"), txns);
    EXPECT_EQ(rows("journal_entry"), entries);
    EXPECT_EQ(rows("journal_line"), lines);
    EXPECT_EQ(card(cards_[1]).balance, balance);
    expectLedgerInvariants();

    // Space is back: the next purchase goes through without a restart.
    auto after = spend(cards_[1], merchant_, yuan(20));
    ASSERT_TRUE(after.ok()) << after.error().detail;
    EXPECT_EQ(after->state, TxnState::Approved);
    EXPECT_EQ(card(cards_[1]).balance, *balance.minus(yuan(20)));
    EXPECT_EQ(rows("card_txn"), txns + 1);
    expectLedgerInvariants();
}

TEST_F(FaultInjection, AFailedFsyncStopsTheProcessBeforeAnyoneIsAnswered) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");  // the writer runs its own threads
    reopenDurable();
    ASSERT_TRUE(spend(cards_[0], merchant_, yuan(10)).ok());
    const std::int64_t txns = rows("card_txn");
    EXPECT_DEATH(
        {
            faults().fsync_fails = true;
            auto r = spend(cards_[0], merchant_, yuan(10));
            // Reached only if the commit returned: this must never print.
            std::fprintf(stderr, "answered: %s\n", r.ok() ? "approved" : "declined");
        },
        "fsync failed");
    // In this (parent) process nothing changed, and the books still balance.
    EXPECT_EQ(rows("card_txn"), txns);
    expectLedgerInvariants();
}

}  // namespace
}  // namespace yika::test
