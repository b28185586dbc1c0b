#pragma once

// Issue 7: the store tests run on SQLite, and on PostgreSQL when YIKA_TEST_PG_URL names a server
// (libpq keyword form, e.g. `host=/tmp/yika-pg dbname=postgres user=yika`; CTest sets it for the
// `pg.` variants of every store-backed test and starts a throwaway cluster for them,
// tests/support/pg_cluster.sh). Each test gets a schema of its own, dropped at its end.

#include "card_core/store/sqlite_store.h"

#include <memory>
#include <optional>
#include <string>

namespace yika::test {

// YIKA_TEST_PG_URL, when set and not empty.
std::optional<std::string> testPgUrl();

// A fresh schema on the server at `base_url`, dropped with everything in it on destruction.
class PgTestSchema {
  public:
    explicit PgTestSchema(std::string base_url);
    ~PgTestSchema();
    PgTestSchema(const PgTestSchema&) = delete;
    PgTestSchema& operator=(const PgTestSchema&) = delete;
    // A connection string whose search_path is this schema.
    const std::string& url() const { return url_; }
    const std::string& name() const { return name_; }

  private:
    std::string base_;
    std::string name_;
    std::string url_;
};

// `base_url` with search_path set to `schema` (keyword form or URI).
std::string withSearchPath(const std::string& base_url, const std::string& schema);

// Store options for a test: SQLite at `path`, or (YIKA_TEST_PG_URL) PostgreSQL in a fresh schema
// kept in `schema` for the test's lifetime.
store::SqliteStoreOptions testStoreOptions(const std::string& path,
                                           std::unique_ptr<PgTestSchema>& schema);
// Always SQLite at `path`.
store::SqliteStoreOptions testStoreOptions(const std::string& path);

}  // namespace yika::test
