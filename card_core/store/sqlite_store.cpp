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
    auto db = std::make_unique<Database>(options.path, writerOptions(options));
    migrate(*db);
    auto checkpoint_db = std::make_unique<Database>(options.path, writerOptions(options));
    writer_ = std::make_unique<CommitQueue>(std::move(db), std::move(checkpoint_db), options.queue);
}

std::unique_ptr<Database> SqliteStore::openReader() const {
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
