#include "card_core/store/commit_queue.h"

#include "card_core/store/pg_db.h"
#include "ops/log/json_log.h"
#include "ops/metrics/yika_metrics.h"

#include <sqlite3.h>

#include <cstdio>
#include <utility>

namespace yika::store {

CommitQueue::CommitQueue(std::unique_ptr<Database> db, std::unique_ptr<Database> checkpoint_db,
                         CommitQueueOptions options)
    : db_(std::move(db)), checkpoint_db_(std::move(checkpoint_db)), options_(options), tx_(*db_) {
    YIKA_ASSERT(options_.batch_ops_max > 0 && options_.queue_ops_max > 0);
    // SQLite reports the WAL's size after each commit of the writer connection (on its thread).
    if (db_->engine() == Engine::Sqlite)
        sqlite3_wal_hook(
            db_->handle(),
            [](void* self, sqlite3*, const char*, int frames) {
                static_cast<CommitQueue*>(self)->wal_frames_.store(frames,
                                                                   std::memory_order_relaxed);
                return SQLITE_OK;
            },
            this);
    // Pipelining needs the checkpointer's syncing connection (see finishCheckpoint).
    options_.pipelined_sync =
        options_.pipelined_sync && checkpoint_db_ != nullptr && db_->engine() == Engine::Sqlite;
    writer_ = std::thread([this] { writerLoop(); });
    if (checkpoint_db_) checkpointer_ = std::thread([this] { checkpointLoop(); });
    if (options_.pipelined_sync) syncer_ = std::thread([this] { syncLoop(); });
}

CommitQueue::~CommitQueue() { stop(); }

bool CommitQueue::submit(Work work, Done done) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || queue_.size() >= options_.queue_ops_max) return false;
        queue_.push_back({std::move(work), std::move(done)});
    }
    wake_.notify_one();
    return true;
}

Status CommitQueue::runStatus(std::function<Status(StoreTx&)> fn) {
    std::promise<Status> promise;
    auto future = promise.get_future();
    bool accepted = submit([&fn](StoreTx& tx) { return fn(tx); },
                           [&promise](const Status& s) { promise.set_value(s); });
    if (!accepted) return makeError(ErrorCode::StorageUnavailable, "commit queue is full");
    return future.get();
}

void CommitQueue::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && !writer_.joinable()) return;
        stopping_ = true;
    }
    wake_.notify_all();
    checkpoint_wake_.notify_all();
    if (writer_.joinable()) writer_.join();
    {
        std::lock_guard lock(answers_mutex_);
        answers_closed_ = true;
    }
    answers_wake_.notify_all();
    if (syncer_.joinable()) syncer_.join();  // answers the last batches
    if (checkpointer_.joinable()) checkpointer_.join();
    // SQLite checkpoints when the last connection closes, then deletes the WAL: that must sync.
    if (options_.pipelined_sync) {
        try {
            db_->exec("PRAGMA synchronous=FULL");
        } catch (const StorageError&) {
            // Closing anyway; SQLite recovers from the WAL at the next start.
        }
    }
}

CommitStats CommitQueue::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

void CommitQueue::writerLoop() {
    std::deque<Item> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty() && stopping_) return;
            std::size_t n = std::min(queue_.size(), options_.batch_ops_max);
            for (std::size_t i = 0; i < n; ++i) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        commitBatch(batch);  // answers the batch's callers
        batch.clear();
        if (wal_frames_.load(std::memory_order_relaxed) >= options_.wal_reset_frames)
            maybeResetWal();
    }
}

// The writer, between two batches, when the WAL is over wal_reset_frames. Its own checkpoint
// pauses every commit for as long as it copies, so it runs only when the background
// checkpointer has come level (a pass left at most wal_reset_ready_frames behind), or when the
// WAL has grown past wal_frames_max because the background checkpointer cannot keep up.
void CommitQueue::maybeResetWal() {
    const bool level = reset_ready_.load(std::memory_order_acquire);
    if (!checkpoint_db_ || level ||
        wal_frames_.load(std::memory_order_relaxed) >= options_.wal_frames_max) {
        if (finishCheckpoint()) {
            reset_wanted_.store(false, std::memory_order_relaxed);
            reset_ready_.store(false, std::memory_order_release);
            checkpoint_wake_.notify_all();  // back to the periodic passes
            return;
        }
    }
    if (!reset_wanted_.exchange(true, std::memory_order_relaxed)) checkpoint_wake_.notify_all();
}

void CommitQueue::commitBatch(std::deque<Item>& batch) {
    std::vector<Status> results(batch.size());
    std::vector<std::size_t> deferred;  // PostgreSQL: run again alone after the commit
    const bool pg = db_->engine() == Engine::Postgres;
    std::optional<Error> batch_error;
    const std::int64_t started_ns = metrics::steadyNowNs();  // metrics (issue 8)
    try {
        db_->exec("BEGIN IMMEDIATE");
        tx_.resetCaches();
        for (std::size_t i = 0; i < batch.size(); ++i) {
            savepoint(Savepoint::Open);
            bool again = false;
            try {
                results[i] = batch[i].work(tx_);
            } catch (const StorageError& e) {
                // SQLite rolls back the whole transaction on some errors (disk full, I/O), and
                // PostgreSQL's connection may be gone; then the batch so far is lost and every
                // operation in it fails.
                if (!db_->inTransaction()) throw;
                results[i] = makeError(e.code(), e.what());
                // Several nodes (issue 7): a lock wait that timed out (maybe a deadlock with
                // another node's batch), or a key another node inserted first. Alone, after
                // this batch has committed and released its locks, the operation waits for the
                // other node and then finds its row (an idempotent retry finds its first answer).
                again = pg && (dynamic_cast<const RetryableStorageError*>(&e) != nullptr ||
                               e.code() == ErrorCode::Duplicate);
            }
            if (again) deferred.push_back(i);
            if (results[i]) {
                savepoint(Savepoint::Release);
            } else {
                savepoint(Savepoint::RollBack);
                savepoint(Savepoint::Release);
                tx_.resetCaches();
            }
        }
        db_->exec("COMMIT");
    } catch (const StorageError& e) {
        batch_error = makeError(e.code() == ErrorCode::StorageFull ? ErrorCode::StorageFull
                                                                   : ErrorCode::StorageUnavailable,
                                e.what());
        logs::error("commit_failed",
                    {{"operations", std::to_string(batch.size())}, {"error", e.what()}});
        if (db_->inTransaction()) {
            try {
                db_->exec("ROLLBACK");
            } catch (const StorageError&) {
                // The connection is gone; so is its transaction.
            }
        }
    }
    if (!batch_error) {
        for (std::size_t i : deferred) results[i] = runAlone(batch[i].work);
    }
    // --- metrics (issue 8): relaxed atomic adds, after the commit so they never delay it ---
    if (batch_error) {
        metrics::yikaMetrics().commit_failures.add();
    } else {
        metrics::yikaMetrics().commit_batch_ops.observe(batch.size());
        metrics::yikaMetrics().commit_duration_us.observe(metrics::elapsedUs(started_ns));
    }
    {
        std::lock_guard lock(mutex_);
        if (!batch_error) {
            stats_.commits += 1;
            stats_.operations += batch.size();
            stats_.largest_batch = std::max<std::uint64_t>(stats_.largest_batch, batch.size());
        }
    }
    if (batch_error) {
        for (Status& r : results) r = Status(*batch_error);
    }
    Answers answers;
    answers.done.reserve(batch.size());
    for (Item& item : batch) answers.done.push_back(std::move(item.done));
    answers.results = std::move(results);
    answers.committed = !batch_error;
    answer(std::move(answers));
}

// Tells the batch's callers, now (fsync done by the COMMIT), or through the syncer.
void CommitQueue::answer(Answers answers) {
    if (!options_.pipelined_sync) {
        for (std::size_t i = 0; i < answers.done.size(); ++i) {
            if (answers.done[i]) answers.done[i](answers.results[i]);
        }
        return;
    }
    if (answers.committed && wal_file_ == nullptr) wal_file_ = db_->walFile();
    {
        std::lock_guard lock(answers_mutex_);
        answers_.push_back(std::move(answers));
    }
    answers_wake_.notify_one();
}

// One fsync of the WAL covers every batch committed before it started: the syncer takes all
// waiting batches, syncs once, and answers them in commit order. Batches whose commit failed
// need no fsync and are answered in their turn.
void CommitQueue::syncLoop() {
    std::deque<Answers> ready;
    for (;;) {
        {
            std::unique_lock lock(answers_mutex_);
            answers_wake_.wait(lock, [this] { return answers_closed_ || !answers_.empty(); });
            if (answers_.empty() && answers_closed_) return;
            ready.swap(answers_);
        }
        bool sync = false;
        for (const Answers& a : ready) sync = sync || a.committed;
        // The writer fetched wal_file_ before queueing its first committed batch.
        if (sync) Database::syncWal(wal_file_);
        for (Answers& a : ready) {
            for (std::size_t i = 0; i < a.done.size(); ++i) {
                if (a.done[i]) a.done[i](a.results[i]);
            }
        }
        ready.clear();
    }
}

// Each operation's savepoint. On SQLite the three statements are prepared once: parsing them
// for every operation (sqlite3_exec) cost the writer several microseconds per purchase.
void CommitQueue::savepoint(Savepoint what) {
    static constexpr const char* kSql[] = {"SAVEPOINT op", "RELEASE op", "ROLLBACK TO op"};
    const auto index = static_cast<std::size_t>(what);
    if (db_->engine() != Engine::Sqlite) {
        db_->exec(kSql[index]);
        return;
    }
    auto& statement = savepoints_[index];
    if (!statement) statement = std::make_unique<Statement>(*db_, kSql[index]);
    statement->run();
}

// PostgreSQL only: one operation in its own transaction, waiting for row locks up to
// kAloneLockWaitMs (another node's batch holds them for one commit). A deadlock or a lock
// timeout is tried again, a few times; then the operation fails with StorageUnavailable (96/503).
Status CommitQueue::runAlone(const Work& work) {
    constexpr int kAttempts = 5;
    constexpr int kAloneLockWaitMs = 5000;
    Status last = makeError(ErrorCode::StorageUnavailable, "retries exhausted");
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
        try {
            db_->exec("BEGIN");
            db_->exec("SET LOCAL lock_timeout = " + std::to_string(kAloneLockWaitMs));
            tx_.resetCaches();
            Status s = work(tx_);
            db_->exec(s ? "COMMIT" : "ROLLBACK");
            tx_.resetCaches();
            return s;
        } catch (const StorageError& e) {
            tx_.resetCaches();
            if (db_->inTransaction()) {
                try {
                    db_->exec("ROLLBACK");
                } catch (const StorageError&) {
                    // The connection is gone; so is its transaction.
                }
            }
            last = makeError(e.code() == ErrorCode::StorageFull ? ErrorCode::StorageFull
                             : e.code() == ErrorCode::Duplicate ? ErrorCode::Duplicate
                                                                : ErrorCode::StorageUnavailable,
                             e.what());
            if (dynamic_cast<const RetryableStorageError*>(&e) == nullptr) return last;
        }
    }
    return last;
}

// Why the writer sometimes checkpoints itself: SQLite starts the WAL again from its beginning
// only when a write transaction begins after a checkpoint copied every frame. Under steady load
// the background checkpointer never sees the end of the WAL (the writer appends while it
// copies), so the WAL would grow without bound (measured: 0.8 GB in 14 s at 4,300 purchases/s),
// every page read would search a longer WAL index, and new WAL blocks would cost the kernel
// zero-filling. When a commit leaves the WAL over wal_reset_frames, the writer, after answering
// a batch, copies the few frames the checkpointer has not reached yet (maybeResetWal says
// when); its next transaction then restarts the WAL, which keeps its allocated size.
// Measured before the hand-over (1,000,000 cards, 6,000 purchases/s): the writer copied up to
// one checkpoint period's worth itself, 120 ms on average, and those pauses were the p99.
// Two checkpoints at once would leave this one incomplete (SQLITE_BUSY), so they take turns
// (checkpoint_mutex_).
// Returns true when every frame was copied (a reader's old snapshot may hold some back).
bool CommitQueue::finishCheckpoint() {
    // At most the rest of a background pass: the checkpointer starts no other meanwhile.
    writer_checkpointing_.store(true, std::memory_order_relaxed);
    std::lock_guard checkpointing(checkpoint_mutex_);
    writer_checkpointing_.store(false, std::memory_order_relaxed);
    const std::int64_t started_ns = metrics::steadyNowNs();
    Database::Checkpoint done;
    try {
        // Pipelined, the writer's connection never syncs; the checkpointer's does (the WAL
        // before copying, the database before the WAL may restart).
        done = options_.pipelined_sync ? checkpoint_db_->checkpointPassive()
                                       : db_->checkpointPassive();
        metrics::yikaMetrics().wal_reset_duration_us.observe(metrics::elapsedUs(started_ns));
    } catch (const StorageError& e) {
        std::fprintf(stderr, "yika: WAL checkpoint failed: %s\n", e.what());
        return false;
    }
    if (!done.complete()) return false;
    std::lock_guard lock(mutex_);
    stats_.wal_resets += 1;
    return true;
}

void CommitQueue::checkpointLoop() {
    // A passive checkpoint copies committed WAL frames into the database without blocking the
    // writer; running it here keeps SQLite's stop-the-world autocheckpoint off the commit path.
    // Periodic passes, or back to back while the writer wants the WAL to start again
    // (reset_wanted_): each pass then copies only what was committed during the one before, so
    // the passes converge, and once one leaves at most wal_reset_ready_frames behind, the
    // writer's own final checkpoint is short. A pass that copied nothing (a reader's snapshot
    // holds the frames back) is followed by the normal period, not by another pass at once.
    const auto period = std::chrono::milliseconds(options_.checkpoint_interval_ms);
    int last_copied = -1;
    bool stuck = false;
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        checkpoint_wake_.wait_for(lock, period, [this, stuck] {
            return stopping_ || (!stuck && reset_wanted_.load(std::memory_order_relaxed) &&
                                 !reset_ready_.load(std::memory_order_relaxed));
        });
        if (stopping_) break;
        lock.unlock();
        if (writer_checkpointing_.load(std::memory_order_relaxed)) {
            std::this_thread::yield();  // the writer takes the checkpoint lock first
            lock.lock();
            continue;
        }
        try {
            std::lock_guard checkpointing(checkpoint_mutex_);
            const std::int64_t started_ns = metrics::steadyNowNs();
            const Database::Checkpoint pass = checkpoint_db_->checkpointPassive();
            stuck = pass.copied == last_copied;
            last_copied = pass.copied;
            // Flush here what the pass wrote, not later in the writer's final checkpoint.
            if (!stuck) checkpoint_db_->syncDatabaseFile();
            metrics::yikaMetrics().checkpoint_duration_us.observe(metrics::elapsedUs(started_ns));
            // Frames the writer committed while this pass ran (or a reader held back).
            const int behind = wal_frames_.load(std::memory_order_relaxed) - pass.copied;
            if (reset_wanted_.load(std::memory_order_relaxed) &&
                behind <= options_.wal_reset_ready_frames)
                reset_ready_.store(true, std::memory_order_release);
        } catch (const StorageError& e) {
            logs::warn("checkpoint_failed", {{"error", e.what()}});
        }
        lock.lock();
    }
}

}  // namespace yika::store
