#pragma once

// The single writer with group commit. Every change to the database goes through here: callers
// submit work (a function over a StoreTx); one thread runs queued work many operations to a
// transaction, each inside its own savepoint, and commits once. A caller learns the outcome only
// after the commit is durable (the WAL is fsynced), so nothing is acknowledged that a crash
// could lose, while the cost of one fsync is shared by the batch.
//
// Pipelined sync (SQLite, options.pipelined_sync): the writer connection commits without
// fsync (synchronous=OFF) and goes on with the next batch at once, while a second thread, the
// syncer, fsyncs the WAL and only then answers the batches that fsync covered. The WAL is
// append-only and SQLite recovers only whole transactions whose frames are intact, so an fsync
// makes every earlier commit durable; callers are answered in commit order. Checkpoints run on
// the checkpointer's connection, which syncs (the WAL before it copies frames, the database
// before SQLite may restart the WAL). What changes: another connection may read a commit up to
// one fsync before its caller is told; no caller is ever told of a commit a crash could lose.
//
// Invariants:
//   Q1. Work that returns an error leaves no trace (its savepoint is rolled back).
//   Q2. `done` is called exactly once per accepted submission, after COMMIT succeeded (with the
//       work's own status) or failed (with StorageUnavailable / StorageFull for the whole batch).
//   Q3. At most `queue_ops_max` submissions wait; beyond that submit() refuses at once.

#include "card_core/domain/result.h"
#include "card_core/domain/store.h"
#include "card_core/store/sqlite_db.h"
#include "card_core/store/sqlite_store_tx.h"

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

namespace yika::store {

struct CommitQueueOptions {
    std::size_t batch_ops_max = 1024;   // operations per transaction
    std::size_t queue_ops_max = 65536;  // waiting submissions before refusing
    int checkpoint_interval_ms = 1000;  // background WAL checkpoint period
    // WAL size (frames of one page) beyond which the WAL should start again from its
    // beginning: the background checkpointer then runs back to back until it is nearly level
    // with the writer, and the writer finishes the last few frames between two batches (see
    // finishCheckpoint).
    int wal_reset_frames = 16384;
    // "Nearly level": when a background pass ended, the writer had committed at most this many
    // frames beyond what the pass copied.
    int wal_reset_ready_frames = 512;
    // Beyond this size the writer finishes the checkpoint itself without waiting for the
    // background checkpointer to come level (it cannot keep up): the WAL stays bounded.
    int wal_frames_max = 65536;
    // See the header comment (writer.pipelined_sync). SqliteStore applies it only to durable
    // SQLite stores, whose writer connection it then opens with synchronous_off.
    bool pipelined_sync = true;
};

struct CommitStats {
    std::uint64_t commits = 0;
    std::uint64_t operations = 0;
    std::uint64_t largest_batch = 0;
    std::uint64_t wal_resets = 0;  // checkpoints the writer finished to let the WAL restart
};

class CommitQueue {
  public:
    using Work = std::function<Status(StoreTx&)>;
    using Done = std::function<void(const Status&)>;

    // Takes the writer connection; `checkpoint_db` is a second connection used only by the
    // background checkpointer (nullptr: no background checkpoints).
    CommitQueue(std::unique_ptr<Database> db, std::unique_ptr<Database> checkpoint_db,
                CommitQueueOptions options);
    ~CommitQueue();  // stop()
    CommitQueue(const CommitQueue&) = delete;
    CommitQueue& operator=(const CommitQueue&) = delete;

    // Queues `work`; `done` runs on the writer thread (the syncer thread when pipelined) and
    // must not block. Returns false (and never calls `done`) when the queue is full or stopped.
    bool submit(Work work, Done done);

    // Runs `fn` through the queue and waits until its commit is durable. `fn`'s error result
    // rolls back its changes. Thread-safe; must not be called from the writer thread.
    template <typename T>
    Result<T> run(std::function<Result<T>(StoreTx&)> fn) {
        auto value = std::make_shared<std::optional<T>>();
        std::promise<Status> promise;
        auto future = promise.get_future();
        bool accepted = submit(
            [&fn, value](StoreTx& tx) -> Status {
                Result<T> r = fn(tx);
                if (!r) return r.error();
                *value = std::move(r).value();
                return Ok{};
            },
            [&promise](const Status& s) { promise.set_value(s); });
        if (!accepted) return makeError(ErrorCode::StorageUnavailable, "commit queue is full");
        Status status = future.get();
        if (!status) return status.error();
        return std::move(**value);
    }
    Status runStatus(std::function<Status(StoreTx&)> fn);

    // Finishes queued work, commits, stops the threads. Idempotent.
    void stop();
    CommitStats stats() const;

  private:
    struct Item {
        Work work;
        Done done;
    };
    void writerLoop();
    void commitBatch(std::deque<Item>& batch);
    Status runAlone(const Work& work);
    enum class Savepoint { Open = 0, Release = 1, RollBack = 2 };
    void savepoint(Savepoint what);
    void checkpointLoop();
    // --- pipelined sync ---
    struct Answers {
        std::vector<Done> done;
        std::vector<Status> results;
        bool committed = false;  // needs the fsync before it is told
    };
    void answer(Answers answers);
    void syncLoop();
    void maybeResetWal();
    bool finishCheckpoint();

    std::unique_ptr<Database> db_;
    std::unique_ptr<Database> checkpoint_db_;
    CommitQueueOptions options_;
    SqliteStoreTx tx_;
    std::array<std::unique_ptr<Statement>, 3> savepoints_;  // SQLite: prepared once (savepoint())

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable checkpoint_wake_;
    std::deque<Item> queue_;
    bool stopping_ = false;
    std::atomic<int> wal_frames_{0};                 // WAL size after the writer's last commit
    std::atomic<bool> reset_wanted_{false};          // the WAL is long: checkpoint back to back
    std::atomic<bool> reset_ready_{false};           // a background pass came level with the writer
    std::atomic<bool> writer_checkpointing_{false};  // the writer waits for checkpoint_mutex_
    std::mutex checkpoint_mutex_;  // one checkpoint at a time (held without mutex_)
    CommitStats stats_;
    std::thread writer_;
    std::thread checkpointer_;
    // --- pipelined sync ---
    sqlite3_file* wal_file_ = nullptr;  // fetched by the writer thread after its first commit
    std::mutex answers_mutex_;
    std::condition_variable answers_wake_;
    std::deque<Answers> answers_;
    bool answers_closed_ = false;
    std::thread syncer_;
};

}  // namespace yika::store
