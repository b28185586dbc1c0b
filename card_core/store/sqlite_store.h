#pragma once

// The embedded SQLite store: opens (and migrates) the database, owns the single writer and
// hands out read connections. WAL mode lets readers run beside the writer.

#include "card_core/store/commit_queue.h"
#include "card_core/store/invariants.h"
#include "card_core/store/sqlite_db.h"

#include <memory>
#include <string>

namespace yika::store {

struct SqliteStoreOptions {
    std::string path;
    bool synchronous_full = true;      // db.synchronous: FULL (durable) unless explicitly relaxed
    std::int64_t cache_pages = 32768;  // 128 MiB: the writer's hot cards and indexes
    CommitQueueOptions queue;
};

class SqliteStore {
  public:
    // Opens or creates the database at options.path and applies migrations. Throws
    // StorageError when the file cannot be opened or is newer than this binary.
    explicit SqliteStore(const SqliteStoreOptions& options);

    CommitQueue& writer() { return *writer_; }
    // A new read-only connection (one per reading thread).
    std::unique_ptr<Database> openReader() const;
    // Checks every ledger invariant on a fresh read connection.
    InvariantReport verify(int per_check_max = 20) const;
    const SqliteStoreOptions& options() const { return options_; }

  private:
    SqliteStoreOptions options_;
    std::unique_ptr<CommitQueue> writer_;
};

}  // namespace yika::store
