#pragma once

// A thin RAII layer over the SQLite C API. The store uses the C API directly rather than
// Poco::Data: the authorization path runs a handful of cached prepared statements per request,
// and Poco::Data's per-statement binding objects cost more than the SQL itself there.
// Every failure throws StorageError (SQLITE_FULL -> StorageFull, else StorageUnavailable).

#include "card_core/domain/store.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace yika::store {

class Statement {
  public:
    Statement(sqlite3* db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Binding is 1-based, as in SQLite. Text and blobs are copied (SQLITE_TRANSIENT).
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view value);
    Statement& bindBlob(int index, const Bytes& value);
    Statement& bindNull(int index);
    Statement& bindOptional(int index, const std::optional<std::int64_t>& value);
    Statement& bindOptionalText(int index, const std::optional<std::string>& value);

    // Steps once: true when a row is available, false when done.
    bool step();
    // Runs to completion and resets; for INSERT/UPDATE/DELETE.
    void run();
    void reset();

    std::int64_t columnInt(int column) const;
    std::optional<std::int64_t> columnOptionalInt(int column) const;
    std::string columnText(int column) const;
    Bytes columnBlob(int column) const;
    bool columnIsNull(int column) const;
    int columnCount() const;  // issue 5: columns of the result (dumps in tests)
    // issue 5: the text without a copy, valid until the next step or reset (bulk scans).
    std::string_view columnView(int column) const;

  private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

class Database {
  public:
    struct Options {
        bool read_only = false;
        bool synchronous_full = true;     // durable commits (fsync of the WAL on every commit)
        std::int64_t cache_pages = 4000;  // SQLite page cache, 4 KiB pages
        int busy_timeout_ms = 5000;
    };
    Database(const std::string& path, const Options& options);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(std::string_view sql);
    std::int64_t lastInsertId() const;
    int changes() const;
    sqlite3* handle() { return db_; }
    // Runs a passive WAL checkpoint (never blocks writers).
    void checkpointPassive();

  private:
    sqlite3* db_ = nullptr;
};

// Throws StorageError for a SQLite result code other than OK/ROW/DONE.
void check(sqlite3* db, int rc, std::string_view what);

}  // namespace yika::store
