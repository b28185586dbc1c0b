#include "card_core/store/sqlite_store.h"

#include "card_core/store/schema.h"

namespace yika::store {

namespace {
Database::Options writerOptions(const SqliteStoreOptions& o) {
    Database::Options d;
    d.synchronous_full = o.synchronous_full;
    d.cache_pages = o.cache_pages;
    return d;
}
}  // namespace

SqliteStore::SqliteStore(const SqliteStoreOptions& options) : options_(options) {
    if (options.engine == Engine::Postgres) {
        PgOptions w = options.pg;
        w.read_only = false;
        auto db = std::make_unique<Database>(std::make_unique<PgConnection>(w));
        migrate(*db);
        // No checkpointer: PostgreSQL checkpoints itself (and syncs its own commits).
        CommitQueueOptions queue = options.queue;
        queue.pipelined_sync = false;
        writer_ = std::make_unique<CommitQueue>(std::move(db), nullptr, queue);
        return;
    }
    auto db = std::make_unique<Database>(options.path, writerOptions(options));
    migrate(*db);
    auto checkpoint_db = std::make_unique<Database>(options.path, writerOptions(options));
    CommitQueueOptions queue = options.queue;
    // Pipelined sync only where commits are synced at all (db.synchronous = full).
    queue.pipelined_sync = queue.pipelined_sync && options.synchronous_full;
    // The commit queue's syncer fsyncs the WAL instead (CommitQueueOptions::pipelined_sync).
    if (queue.pipelined_sync) db->exec("PRAGMA synchronous=OFF");
    writer_ = std::make_unique<CommitQueue>(std::move(db), std::move(checkpoint_db), queue);
}

std::unique_ptr<Database> SqliteStore::openReader() const {
    if (options_.engine == Engine::Postgres) {
        PgOptions r = options_.pg;
        r.read_only = true;
        r.lock_timeout_ms = 0;
        return std::make_unique<Database>(std::make_unique<PgConnection>(r));
    }
    Database::Options o;
    o.read_only = true;
    o.cache_pages = 1000;
    return std::make_unique<Database>(options_.path, o);
}

InvariantReport SqliteStore::verify(int per_check_max) const {
    auto reader = openReader();
    return checkInvariants(*reader, per_check_max);
}

}  // namespace yika::store
