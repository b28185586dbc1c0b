#pragma once

// The store: opens (and migrates) the database, owns this process's single writer and hands out
// read connections. Embedded SQLite by default (WAL mode lets readers run beside the writer); on
// PostgreSQL (issue 7, `db.engine = postgresql`) the same adapters and SQL run over libpq
// (pg_db.h), and several yikad nodes, each with its own writer, share one database
// (docs/deployment.md). The class keeps its historical name; `Store` names it for new code.

#include "card_core/store/commit_queue.h"
#include "card_core/store/invariants.h"
#include "card_core/store/pg_db.h"
#include "card_core/store/sqlite_db.h"

#include <memory>
#include <string>

namespace yika::store {

struct SqliteStoreOptions {
    Engine engine = Engine::Sqlite;
    std::string path;  // SQLite: the database file
    // PostgreSQL (issue 7): connection string, connect timeout, reconnect interval, lock
    // timeout of the writer's batches (read_only is set per connection).
    PgOptions pg = [] {
        PgOptions o;
        o.lock_timeout_ms = 200;
        return o;
    }();
    // Read connections open at once (ReaderPool); beyond it a request waits up to
    // pool_wait_ms for one, then fails (StorageUnavailable).
    std::size_t pool_max = 32;
    int pool_wait_ms = 2000;
    bool synchronous_full = true;     // db.synchronous: FULL (durable) unless explicitly relaxed
    std::int64_t cache_pages = 8192;  // 32 MiB (db.cache_pages says why not more)
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

using Store = SqliteStore;
using StoreOptions = SqliteStoreOptions;

}  // namespace yika::store
