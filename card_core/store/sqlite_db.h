#pragma once

// A thin RAII layer over the database's C API: SQLite (embedded, the default) or PostgreSQL
// (libpq, issue 7; card_core/store/pg_db.h). The store uses the C APIs directly rather than
// Poco::Data: the authorization path runs a handful of cached prepared statements per request,
// and Poco::Data's per-statement binding objects cost more than the SQL itself there.
// The adapters write one SQL dialect (SQLite's, `?N` placeholders); on PostgreSQL the statement
// is rewritten once when it is prepared (pg_db.h says what is rewritten). A Statement or a
// Database dispatches on its engine with one branch per call, so the SQLite path is unchanged.
// Every failure throws StorageError (SQLITE_FULL -> StorageFull, else StorageUnavailable).

#include "card_core/domain/store.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_file;
struct sqlite3_stmt;

namespace yika::store {

enum class Engine { Sqlite, Postgres };

class Database;
class PgConnection;
class PgStatement;

class Statement {
  public:
    // SQLite only (tests and tools that work on a database file).
    Statement(sqlite3* db, std::string_view sql);
    // On either engine.
    Statement(Database& db, std::string_view sql);
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
    sqlite3* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
    std::unique_ptr<PgStatement> pg_;  // PostgreSQL (then db_ and stmt_ are null)
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
    // A PostgreSQL connection (issue 7).
    explicit Database(std::unique_ptr<PgConnection> pg);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(std::string_view sql);
    std::int64_t lastInsertId() const;
    int changes() const;
    // The SQLite handle; null on PostgreSQL.
    sqlite3* handle() { return db_; }
    // Runs a passive WAL checkpoint (never blocks writers). Nothing on PostgreSQL.
    struct Checkpoint {
        int wal_frames = 0;  // frames in the WAL when it started
        int copied = 0;      // of those, frames now in the database (a reader may hold some back)
        bool complete() const { return copied >= wal_frames; }
    };
    Checkpoint checkpointPassive();
    // fdatasync of the database file (not the WAL), through SQLite's own file handle. SQLite
    // syncs the database after a checkpoint only when that checkpoint reached the end of the
    // WAL; the background checkpointer calls this after each pass so that the dirty pages do
    // not pile up for the writer's final checkpoint to flush. Nothing on PostgreSQL.
    void syncDatabaseFile();
    // The WAL's file (SQLite's own handle, so that a test's VFS shim sees the sync). Call on
    // the connection's thread once the WAL is open; the pointer stays valid until the
    // connection closes, and syncWal() may then be called from another thread.
    sqlite3_file* walFile();
    // fdatasync of `file`; a failure stops the process (see stopOnFailedSync).
    static void syncWal(sqlite3_file* file);

    Engine engine() const { return pg_ ? Engine::Postgres : Engine::Sqlite; }
    // True inside a transaction (also an aborted one on PostgreSQL).
    bool inTransaction() const;
    PgConnection* pg() { return pg_.get(); }

  private:
    sqlite3* db_ = nullptr;
    std::unique_ptr<PgConnection> pg_;
};

// Throws StorageError for a SQLite result code other than OK/ROW/DONE.
void check(sqlite3* db, int rc, std::string_view what);

}  // namespace yika::store
