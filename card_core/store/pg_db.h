#pragma once

// The PostgreSQL driver under Statement and Database (issue 7): libpq, no Poco::Data (see
// sqlite_db.h for why). The adapters' SQL is written once, in SQLite's dialect; a statement is
// rewritten for PostgreSQL once, when it is created (rewriteForPostgres):
//   - `?N` and `?` placeholders become `$N`;
//   - `INSERT OR IGNORE INTO t ...` becomes `INSERT INTO t ... ON CONFLICT DO NOTHING`;
//   - an INSERT into a table with an `id` key gets `RETURNING id` (Database::lastInsertId);
//   - on a writer connection, a single-table SELECT of a row the writer may change (card,
//     transaction, terminal, order, ...) gets `FOR UPDATE`, the business date and day `FOR SHARE`:
//     several yikad nodes each have their own writer, and a row read on the write path must not
//     change under it before its transaction commits (design section 7: no overdraft).
// Values are sent as text (integers typed int8) and blobs as binary bytea; results come back as
// text (a boolean as t/f reads as 1/0, bytea as hex). A statement runs with PQexecParams the
// first time and is prepared on the connection from its second execution on, so one-off
// statements leave nothing behind and cached ones are parsed once per connection.
//
// A lost connection is reopened by the next statement that runs outside a transaction (or by
// the next BEGIN); inside a transaction the statement fails (the transaction is gone). Between
// two failed connection attempts every statement fails at once for `reconnect_interval_ms`
// (fail fast: ISO 8583 answers 96 and HTTP 503 rather than waiting on a database that is down).

#include "card_core/domain/store.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace yika::store {

struct PgOptions {
    std::string url;  // libpq connection string or URI
    bool read_only = false;
    int connect_timeout_ms = 3000;
    int reconnect_interval_ms = 500;
    // Lock waits beyond this fail the statement (then the commit queue retries the operation
    // alone); 0 = wait.
    int lock_timeout_ms = 0;
    int statement_timeout_ms = 0;  // 0 = none
};

// A deadlock, a serialization failure or a lock wait over lock_timeout: nothing is wrong with
// the operation; running it again (alone) succeeds.
class RetryableStorageError : public StorageError {
  public:
    explicit RetryableStorageError(std::string message)
        : StorageError(ErrorCode::StorageUnavailable, std::move(message)) {}
};

// The SQL of `sql` for PostgreSQL (see the header comment). `writer`: add row locks.
std::string rewriteForPostgres(std::string_view sql, bool writer);

class PgConnection {
  public:
    // Connects; throws StorageError (StorageUnavailable) when the database cannot be reached.
    explicit PgConnection(PgOptions options);
    ~PgConnection();
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    // One or more statements without parameters. Translates BEGIN IMMEDIATE to BEGIN and skips
    // SQLite's PRAGMAs.
    void exec(std::string_view sql);
    std::int64_t lastInsertId() const { return last_insert_id_; }
    int changes() const { return changes_; }
    bool inTransaction() const;
    bool readOnly() const { return options_.read_only; }
    const PgOptions& options() const { return options_; }

    // --- for PgStatement ---
    // The open connection; reopens a lost one when no transaction is open. Throws.
    pg_conn* live();
    std::uint64_t generation() const { return generation_; }  // bumps on every reconnect
    std::string nextStatementName() { return "y" + std::to_string(++statement_count_); }
    // Records a finished command (rows changed, the RETURNING id); throws for a failed one.
    void finish(pg_result* result, std::string_view what, bool returns_id);

  private:
    void connect();
    [[noreturn]] void fail(pg_result* result, std::string_view what);

    PgOptions options_;
    pg_conn* conn_ = nullptr;
    std::uint64_t generation_ = 0;
    std::uint64_t statement_count_ = 0;
    bool in_tx_ = false;  // between our BEGIN and COMMIT/ROLLBACK
    std::chrono::steady_clock::time_point last_attempt_{};
    std::string last_failure_;
    std::int64_t last_insert_id_ = 0;
    int changes_ = 0;
};

class PgStatement {
  public:
    PgStatement(PgConnection& connection, std::string_view sql);
    ~PgStatement();
    PgStatement(const PgStatement&) = delete;
    PgStatement& operator=(const PgStatement&) = delete;

    void bindInt(int index, std::int64_t value);
    void bindText(int index, std::string_view value);
    void bindBlob(int index, const Bytes& value);
    void bindNull(int index);
    bool step();
    void reset();
    std::int64_t columnInt(int column) const;
    std::string_view columnView(int column) const;
    Bytes columnBlob(int column) const;
    bool columnIsNull(int column) const;
    int columnCount() const;

  private:
    struct Param {
        std::string value;
        bool null = true;
        bool binary = false;
        unsigned int type = 0;  // Oid: 0 = let the server infer
    };
    Param& slot(int index);
    void execute();

    PgConnection& c_;
    std::string sql_;
    bool returns_id_ = false;
    std::vector<bool> used_;  // used_[N]: the SQL refers to $N
    std::vector<Param> params_;
    pg_result* result_ = nullptr;
    int row_ = -1;
    int rows_ = 0;
    int executions_ = 0;
    std::string name_;                // prepared statement name, once prepared
    std::uint64_t prepared_gen_ = 0;  // the connection generation it was prepared on
};

}  // namespace yika::store
