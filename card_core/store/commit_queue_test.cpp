// The single writer with group commit: per-operation rollback inside a shared transaction, and
// many threads submitting at once.

#include "card_core/store/commit_queue.h"

#include "card_core/store/schema.h"
#include "card_core/store/sqlite_store.h"
#include "card_core/testing/store_fixture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <future>
#include <latch>
#include <map>
#include <thread>

#include <unistd.h>

namespace yika {
namespace {

using store::CommitQueue;
using test::cny;
using test::yuan;

Merchant merchantWithMid(std::string mid) {
    Merchant m;
    m.mid = std::move(mid);
    m.name = "Merchant " + m.mid;
    m.bank_name = "Bank";
    m.bank_account = "1";
    return m;
}

CommitQueue::Work insertMerchant(std::string mid) {
    return [mid](StoreTx& tx) -> Status {
        tx.insertMerchant(merchantWithMid(mid));
        return Ok{};
    };
}

// Runs `works` as one batch: a first operation holds the writer until all of them are queued
// behind it, so the writer takes them together. Returns each operation's status.
std::vector<Status> runAsOneBatch(CommitQueue& queue, std::vector<CommitQueue::Work> works) {
    std::latch started(1);
    std::latch release(1);
    std::promise<Status> blocker_done;
    bool accepted = queue.submit(
        [&](StoreTx&) -> Status {
            started.count_down();
            release.wait();
            return Ok{};
        },
        [&](const Status& s) { blocker_done.set_value(s); });
    EXPECT_TRUE(accepted);
    if (!accepted) return {};
    started.wait();  // the writer is inside the blocker; everything below queues up
    std::vector<std::promise<Status>> done(works.size());
    for (std::size_t i = 0; i < works.size(); ++i) {
        EXPECT_TRUE(queue.submit(std::move(works[i]),
                                 [&done, i](const Status& s) { done[i].set_value(s); }));
    }
    release.count_down();
    EXPECT_OK(blocker_done.get_future().get());
    std::vector<Status> out;
    for (auto& d : done) out.push_back(d.get_future().get());
    return out;
}

class CommitQueueTest : public test::StoreTest {
  protected:
    struct Attempt {
        CardId card = 0;
        Money amount = cny(0);
        Result<CardTxn> txn = makeError(ErrorCode::StorageUnavailable, "not run");
    };

    // `threads` threads, started together, each make `per_thread` purchases of 1.00 to 10.99
    // on `cards` (round robin) through run(). Returns every attempt.
    std::vector<Attempt> purchaseFromThreads(const std::vector<CardId>& cards, MerchantId shop,
                                             int threads, int per_thread) {
        std::vector<std::vector<Attempt>> attempts(static_cast<std::size_t>(threads));
        std::latch go(threads);
        std::vector<std::thread> running;
        for (int t = 0; t < threads; ++t) {
            running.emplace_back([&, t] {
                go.arrive_and_wait();
                for (int i = 0; i < per_thread; ++i) {
                    Attempt a;
                    a.card = cards[static_cast<std::size_t>(t + i) % cards.size()];
                    a.amount = cny(100 + (t * 7919 + i * 104729) % 1000);
                    PurchaseRequest r;
                    r.card_id = a.card;
                    r.merchant_id = shop;
                    r.amount = a.amount;
                    r.idem_key = "T" + std::to_string(t) + ":" + std::to_string(i);
                    const TimestampMs at = now_ms_ + 1 + t * per_thread + i;
                    a.txn = store_->writer().run<CardTxn>(
                        [&](StoreTx& tx) { return purchase(tx, r, pins_, policies_, at); });
                    attempts[static_cast<std::size_t>(t)].push_back(std::move(a));
                }
            });
        }
        for (std::thread& th : running) th.join();
        std::vector<Attempt> out;
        for (auto& per : attempts) {
            for (Attempt& a : per) out.push_back(std::move(a));
        }
        return out;
    }
};

TEST_F(CommitQueueTest, AnErrorRollsBackOnlyItsOwnOperationInTheBatch) {
    CommitQueue& queue = store_->writer();
    store::CommitStats before = queue.stats();
    std::vector<CommitQueue::Work> works;
    works.push_back(insertMerchant("AAAAAAAAAAAAAAA"));
    works.push_back([](StoreTx& tx) -> Status {
        // Writes, then refuses: its write must vanish.
        tx.insertMerchant(merchantWithMid("BBBBBBBBBBBBBBB"));
        return makeError(ErrorCode::RuleViolation, "refused after writing");
    });
    works.push_back(insertMerchant("CCCCCCCCCCCCCCC"));
    std::vector<Status> results = runAsOneBatch(queue, std::move(works));
    ASSERT_EQ(results.size(), 3u);
    EXPECT_OK(results[0]);
    EXPECT_ERROR(results[1], ErrorCode::RuleViolation);
    EXPECT_OK(results[2]);
    EXPECT_TRUE(reader().merchantByMid("AAAAAAAAAAAAAAA"));
    EXPECT_FALSE(reader().merchantByMid("BBBBBBBBBBBBBBB"));
    EXPECT_TRUE(reader().merchantByMid("CCCCCCCCCCCCCCC"));
    store::CommitStats after = queue.stats();
    EXPECT_EQ(after.commits - before.commits, 2u);  // the blocker's batch, then the three
    EXPECT_EQ(after.operations - before.operations, 4u);
    EXPECT_GE(after.largest_batch, 3u);
}

TEST_F(CommitQueueTest, AStorageErrorRollsBackOnlyItsOwnOperation) {
    std::vector<CommitQueue::Work> works;
    works.push_back(insertMerchant("AAAAAAAAAAAAAAA"));
    works.push_back(insertMerchant("AAAAAAAAAAAAAAA"));  // duplicate MID: the database refuses
    works.push_back(insertMerchant("CCCCCCCCCCCCCCC"));
    works.push_back([](StoreTx&) -> Status {
        throw StorageError(ErrorCode::StorageUnavailable, "simulated I/O error");
    });
    std::vector<Status> results = runAsOneBatch(store_->writer(), std::move(works));
    ASSERT_EQ(results.size(), 4u);
    EXPECT_OK(results[0]);
    EXPECT_ERROR(results[1], ErrorCode::Duplicate);
    EXPECT_OK(results[2]);
    EXPECT_ERROR(results[3], ErrorCode::StorageUnavailable);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM merchant"), 2);
}

TEST_F(CommitQueueTest, MoneyMovesInOneBatchStayConsistent) {
    ProductId product = addProduct(namedProduct("GIFT"));
    MerchantId shop = addMerchant("898310048160001");
    ASSERT_EQ(produceAndReceive(product, 2).ids.size(), 2u);
    std::vector<CardId> cards = sell(product, 2, yuan(100));
    ASSERT_EQ(cards.size(), 2u);
    auto buy = [&](CardId id, Money amount) -> CommitQueue::Work {
        return [this, id, shop, amount](StoreTx& tx) -> Status {
            PurchaseRequest r;
            r.card_id = id;
            r.merchant_id = shop;
            r.amount = amount;
            auto t = purchase(tx, r, pins_, policies_, 1);
            if (!t) return t.error();
            if (t->state != TxnState::Approved) return makeError(t->decline, "declined");
            return Ok{};
        };
    };
    std::vector<CommitQueue::Work> works;
    works.push_back(buy(cards[0], yuan(30)));
    works.push_back(buy(cards[0], yuan(80)));  // declined: 70.00 left
    works.push_back(buy(cards[1], yuan(100)));
    works.push_back(buy(cards[0], yuan(70)));
    std::vector<Status> results = runAsOneBatch(store_->writer(), std::move(works));
    ASSERT_EQ(results.size(), 4u);
    EXPECT_OK(results[0]);
    EXPECT_ERROR(results[1], ErrorCode::InsufficientFunds);
    EXPECT_OK(results[2]);
    EXPECT_OK(results[3]);
    EXPECT_TRUE(card(cards[0]).balance.isZero());
    EXPECT_TRUE(card(cards[1]).balance.isZero());
    // The declined operation returned an error, so even its decline record was rolled back.
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM card_txn"), 3);
    expectLedgerInvariants();
}

TEST_F(CommitQueueTest, DoneRunsExactlyOncePerSubmission) {
    CommitQueue& queue = store_->writer();
    constexpr int kSubmissions = 300;
    std::atomic<int> calls{0};
    std::latch all_done(kSubmissions);
    for (int i = 0; i < kSubmissions; ++i) {
        ASSERT_TRUE(queue.submit(
            [i](StoreTx&) -> Status {
                if (i % 3 == 0) return makeError(ErrorCode::InvalidArgument, "every third fails");
                return Ok{};
            },
            [&](const Status&) {
                calls.fetch_add(1);
                all_done.count_down();
            }));
    }
    all_done.wait();
    queue.stop();  // joins the writer: no call can still be under way
    EXPECT_EQ(calls.load(), kSubmissions);
}

TEST_F(CommitQueueTest, StoppedQueueRefusesWork) {
    CommitQueue& queue = store_->writer();
    queue.stop();
    queue.stop();  // idempotent
    bool called = false;
    EXPECT_FALSE(queue.submit([](StoreTx&) -> Status { return Ok{}; },
                              [&](const Status&) { called = true; }));
    EXPECT_FALSE(called);
    EXPECT_ERROR(runStatus([](StoreTx&) -> Status { return Ok{}; }), ErrorCode::StorageUnavailable);
    EXPECT_ERROR(run<int>([](StoreTx&) -> Result<int> { return 1; }),
                 ErrorCode::StorageUnavailable);
}

TEST_F(CommitQueueTest, RunReturnsTheValueAfterTheCommit) {
    auto id = run<MerchantId>([](StoreTx& tx) -> Result<MerchantId> {
        return tx.insertMerchant(merchantWithMid("AAAAAAAAAAAAAAA"));
    });
    ASSERT_OK(id);
    // Visible to another connection as soon as run() returns: the commit came first.
    EXPECT_EQ(reader().merchantByMid("AAAAAAAAAAAAAAA")->id, *id);
    EXPECT_ERROR(run<int>([](StoreTx&) -> Result<int> { return makeError(ErrorCode::NotFound); }),
                 ErrorCode::NotFound);
}

// A queue of its own, with small limits.
TEST(CommitQueueLimits, FullQueueRefusesAtOnceAndBatchesAreBounded) {
    const std::string path = (std::filesystem::path(::testing::TempDir()) /
                              ("yika_commit_queue_limits." + std::to_string(::getpid()) + ".db"))
                                 .string();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    {
        store::Database::Options options;
        options.synchronous_full = false;
        auto db = std::make_unique<store::Database>(path, options);
        store::migrate(*db);
        store::CommitQueueOptions limits;
        limits.batch_ops_max = 2;
        limits.queue_ops_max = 3;
        CommitQueue queue(std::move(db), nullptr, limits);

        std::latch started(1);
        std::latch release(1);
        ASSERT_TRUE(queue.submit(
            [&](StoreTx&) -> Status {
                started.count_down();
                release.wait();
                return Ok{};
            },
            nullptr));
        started.wait();
        std::atomic<int> ok{0};
        std::latch done(3);
        for (int i = 0; i < 3; ++i) {
            ASSERT_TRUE(queue.submit([](StoreTx&) -> Status { return Ok{}; },
                                     [&](const Status& s) {
                                         ok.fetch_add(s ? 1 : 0);
                                         done.count_down();
                                     }));
        }
        bool refused_called = false;
        EXPECT_FALSE(queue.submit([](StoreTx&) -> Status { return Ok{}; },
                                  [&](const Status&) { refused_called = true; }));
        release.count_down();
        done.wait();
        EXPECT_EQ(ok.load(), 3);
        EXPECT_FALSE(refused_called);
        queue.stop();
        store::CommitStats stats = queue.stats();
        EXPECT_EQ(stats.operations, 4u);
        EXPECT_LE(stats.largest_batch, 2u);
        EXPECT_GE(stats.commits, 3u);  // blocker, then 3 operations in batches of at most 2
    }
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

// Many threads purchase on the same few cards through run(): the single writer serialises them,
// so no card is ever overdrawn and the books balance.
TEST_F(CommitQueueTest, ConcurrentPurchasesNeverOverdraw) {
    CardProduct p = namedProduct("GIFT");
    p.daily_count_max = 100000;
    p.pin_threshold_daily = p.max_balance;  // no PIN needed: the balance runs out first
    ProductId product = addProduct(p);
    MerchantId shop = addMerchant("898310048160001");
    constexpr int kCards = 4;
    ASSERT_EQ(produceAndReceive(product, kCards).ids.size(), static_cast<std::size_t>(kCards));
    const Money load = yuan(1000);
    std::vector<CardId> cards = sell(product, kCards, load);
    ASSERT_EQ(cards.size(), static_cast<std::size_t>(kCards));

    constexpr int kThreads = 8;
    constexpr int kPurchasesPerThread = 200;
    std::vector<Attempt> attempts = purchaseFromThreads(cards, shop, kThreads, kPurchasesPerThread);

    std::map<CardId, std::int64_t> spent;
    int approved = 0;
    int declined = 0;
    for (const Attempt& a : attempts) {
        ASSERT_OK(a.txn);
        if (a.txn->state == TxnState::Approved) {
            ++approved;
            spent[a.card] += a.amount.minor();
            EXPECT_FALSE(a.txn->balance_after.isNegative());
        } else {
            ++declined;
            EXPECT_EQ(a.txn->decline, ErrorCode::InsufficientFunds);
            // Declined only because the card could not cover it at that moment.
            EXPECT_LT(a.txn->balance_after.minor(), a.amount.minor());
        }
    }
    EXPECT_EQ(approved + declined, kThreads * kPurchasesPerThread);
    EXPECT_GT(approved, 0);
    EXPECT_GT(declined, 0);  // demand (about 9,600.00) exceeds the 4,000.00 on the cards
    for (CardId c : cards) {
        Card after = card(c);
        EXPECT_EQ(after.balance.minor(), load.minor() - spent[c]) << c;
        EXPECT_FALSE(after.balance.isNegative());
    }
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM card_txn"), kThreads * kPurchasesPerThread);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry WHERE event_type = 'purchase'"),
              approved);
    expectLedgerInvariants();
}

// A database file of its own under the test folder, removed with its WAL before and after.
class TempDatabase {
  public:
    explicit TempDatabase(const std::string& name)
        : path_((std::filesystem::path(::testing::TempDir()) /
                 (name + "." + std::to_string(::getpid()) + ".db"))
                    .string()) {
        remove();
    }
    ~TempDatabase() { remove(); }
    const std::string& path() const { return path_; }

  private:
    void remove() const {
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
    }
    std::string path_;
};

constexpr std::uintmax_t kWalFrameBytes = 4096 + 24;

// Commits `commits` single-row transactions through a store opened with `options`, expects the
// WAL to have restarted at least once, and returns the largest WAL file seen after any commit.
std::uintmax_t largestWalOver(const store::SqliteStoreOptions& options, int commits,
                              const std::string& mid_prefix) {
    std::uintmax_t largest_wal = 0;
    store::SqliteStore store(options);
    for (int i = 0; i < commits; ++i) {
        Status s = store.writer().runStatus(insertMerchant(mid_prefix + std::to_string(i)));
        if (!s.ok()) {
            ADD_FAILURE() << "commit " << i << ": " << s.error().detail;
            break;
        }
        std::error_code ec;
        largest_wal = std::max(largest_wal, std::filesystem::file_size(options.path + "-wal", ec));
    }
    EXPECT_GE(store.writer().stats().wal_resets, 1u);
    return largest_wal;
}

// Under steady load the background checkpointer alone never lets SQLite restart the WAL (the
// writer appends while it copies); the writer finishes a checkpoint once the WAL is over
// wal_reset_frames, so the WAL stays bounded instead of growing with every commit.
TEST(CommitQueueWal, TheWalStaysBoundedUnderSteadyCommits) {
    TempDatabase db("yika_wal_bound");
    store::SqliteStoreOptions options;
    options.path = db.path();
    options.synchronous_full = false;
    // The background checkpointer is kept out of the way (its period is an hour): how often it
    // runs, and whether it holds the checkpoint lock when the writer wants it, depends on the
    // scheduler, which made this bound fail on a loaded machine. The writer alone must bound
    // the WAL; with no reader it always completes its checkpoint.
    options.queue.checkpoint_interval_ms = 3'600'000;
    options.queue.wal_reset_frames = 256;
    options.queue.wal_frames_max = 256;  // the writer does not wait for the checkpointer
    const std::uintmax_t largest_wal = largestWalOver(options, 6000, "W");
    // Each commit appends at least one 4 KiB frame, so an unbounded WAL would reach 6,000
    // frames (measured: 13,000 frames, 54 MB, with wal_reset_frames out of reach); bounded, it
    // never holds more than the threshold plus the frames of the commit that crossed it.
    EXPECT_LT(largest_wal, (256 + 64) * kWalFrameBytes);
    EXPECT_GT(largest_wal, 128 * kWalFrameBytes);  // the test did fill the WAL up to the bound
}

// The hand-over: over wal_reset_frames the writer asks the background checkpointer to run back
// to back, and finishes the checkpoint itself once a pass came level with it (short) or, at
// the latest, at wal_frames_max. Either way the WAL restarts, and it never outgrows
// wal_frames_max plus the commit that crossed it, however the threads are scheduled.
TEST(CommitQueueWal, TheCheckpointerComesLevelBeforeTheWriterResetsTheWal) {
    TempDatabase db("yika_wal_handover");
    store::SqliteStoreOptions options;
    options.path = db.path();
    options.synchronous_full = false;
    options.queue.checkpoint_interval_ms = 3'600'000;  // only the writer's request wakes it
    options.queue.wal_reset_frames = 256;
    options.queue.wal_reset_ready_frames = 64;
    options.queue.wal_frames_max = 1024;
    const std::uintmax_t largest_wal = largestWalOver(options, 6000, "H");
    EXPECT_LT(largest_wal, (1024 + 64) * kWalFrameBytes);
    EXPECT_GT(largest_wal, 128 * kWalFrameBytes);
}

// Pipelined sync (durable SQLite stores): the writer goes on while the syncer fsyncs the WAL and
// answers. Every caller is answered exactly once, in the order the writer committed their work,
// and only with its work's outcome; stop() answers the batches still waiting for their fsync.
TEST(CommitQueuePipelined, AnswersEveryCallerOnceInCommitOrder) {
    TempDatabase db("yika_pipelined");
    store::SqliteStoreOptions options;
    options.path = db.path();
    options.synchronous_full = true;
    options.queue.pipelined_sync = true;
    constexpr int kOps = 3000;
    std::vector<int> ran;       // writer thread only
    std::vector<int> answered;  // syncer thread only (one thread answers)
    std::atomic<int> answers{0};
    std::atomic<int> failures{0};
    {
        store::SqliteStore store(options);
        for (int i = 0; i < kOps; ++i) {
            const bool fails = i % 7 == 3;  // some work fails and is rolled back alone
            bool accepted = store.writer().submit(
                [i, fails, &ran](StoreTx& tx) -> Status {
                    ran.push_back(i);
                    tx.insertMerchant(merchantWithMid("P" + std::to_string(i)));
                    if (fails) return makeError(ErrorCode::InvalidArgument, "no");
                    return Ok{};
                },
                [i, fails, &answered, &answers, &failures](const Status& s) {
                    answered.push_back(i);
                    answers.fetch_add(1);
                    if (s.ok() == fails) failures.fetch_add(1);
                });
            ASSERT_TRUE(accepted);
        }
        store.writer().stop();
        EXPECT_EQ(answers.load(), kOps);
        EXPECT_EQ(failures.load(), 0) << "an answer did not match its work's outcome";
        EXPECT_EQ(answered, ran);
        auto reader = store.openReader();
        store::Statement count(*reader, "SELECT COUNT(*) FROM merchant WHERE mid LIKE 'P%'");
        ASSERT_TRUE(count.step());
        EXPECT_EQ(count.columnInt(0), kOps - (kOps + 3) / 7);
    }
}

}  // namespace
}  // namespace yika
