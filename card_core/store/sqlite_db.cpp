#include "card_core/store/sqlite_db.h"

#include "card_core/store/pg_db.h"
#include "ops/log/json_log.h"

#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace yika::store {

namespace {

// A failed fsync is never retried and never answered: the kernel may already have dropped the
// dirty pages it could not write and reports the failure once, so a later fsync can succeed
// with the data lost (PostgreSQL's "fsyncgate", 2018). Whatever the writer was about to
// acknowledge may not be on disk, so the process stops here, before telling anyone; at the next
// start SQLite recovers from what the WAL durably holds, and terminals retry or reverse.
[[noreturn]] void stopOnFailedSync(std::string_view what, const std::string& message) {
    logs::error("fsync_failed", {{"operation", std::string(what)}, {"error", message}});
    std::fprintf(stderr, "yika: fsync failed (%s: %s); stopping without acknowledging\n",
                 std::string(what).c_str(), message.c_str());
    std::fflush(stderr);
    std::abort();
}

}  // namespace

void check(sqlite3* db, int rc, std::string_view what) {
    if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
    int primary = rc & 0xff;
    std::string message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    const int extended = db ? sqlite3_extended_errcode(db) : rc;
    if (rc == SQLITE_IOERR_FSYNC || rc == SQLITE_IOERR_DIR_FSYNC ||
        extended == SQLITE_IOERR_FSYNC || extended == SQLITE_IOERR_DIR_FSYNC) {
        stopOnFailedSync(what, message);
    }
    if (primary == SQLITE_FULL) throw StorageError(ErrorCode::StorageFull, message);
    if (primary == SQLITE_CONSTRAINT) throw StorageError(ErrorCode::Duplicate, message);
    throw StorageError(ErrorCode::StorageUnavailable, message);
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
    check(db_,
          sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                             SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr),
          "prepare");
}

Statement::Statement(Database& db, std::string_view sql) {
    if (db.pg() != nullptr) {
        pg_ = std::make_unique<PgStatement>(*db.pg(), sql);
        return;
    }
    db_ = db.handle();
    check(db_,
          sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                             SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr),
          "prepare");
}

Statement::~Statement() {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
    if (pg_) return pg_->bindInt(index, value), *this;
    check(db_, sqlite3_bind_int64(stmt_, index, value), "bind");
    return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
    if (pg_) return pg_->bindText(index, value), *this;
    // An empty string_view may have a null data pointer, which SQLite would bind as NULL.
    const char* data = value.data() != nullptr ? value.data() : "";
    check(db_,
          sqlite3_bind_text(stmt_, index, data, static_cast<int>(value.size()), SQLITE_TRANSIENT),
          "bind");
    return *this;
}

Statement& Statement::bindBlob(int index, const Bytes& value) {
    if (pg_) return pg_->bindBlob(index, value), *this;
    if (value.empty()) {
        check(db_, sqlite3_bind_zeroblob(stmt_, index, 0), "bind");
        return *this;
    }
    check(db_,
          sqlite3_bind_blob(stmt_, index, value.data(), static_cast<int>(value.size()),
                            SQLITE_TRANSIENT),
          "bind");
    return *this;
}

Statement& Statement::bindNull(int index) {
    if (pg_) return pg_->bindNull(index), *this;
    check(db_, sqlite3_bind_null(stmt_, index), "bind");
    return *this;
}

Statement& Statement::bindOptional(int index, const std::optional<std::int64_t>& value) {
    return value ? bind(index, *value) : bindNull(index);
}

Statement& Statement::bindOptionalText(int index, const std::optional<std::string>& value) {
    return value ? bind(index, std::string_view(*value)) : bindNull(index);
}

bool Statement::step() {
    if (pg_) return pg_->step();
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    int err = rc;
    sqlite3_reset(stmt_);
    check(db_, err, "step");
    return false;
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    if (pg_) return pg_->reset();
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::columnInt(int column) const {
    if (pg_) return pg_->columnInt(column);
    return sqlite3_column_int64(stmt_, column);
}

std::optional<std::int64_t> Statement::columnOptionalInt(int column) const {
    if (columnIsNull(column)) return std::nullopt;
    return columnInt(column);
}

std::string Statement::columnText(int column) const {
    if (pg_) return std::string(pg_->columnView(column));
    const auto* text = sqlite3_column_text(stmt_, column);
    int size = sqlite3_column_bytes(stmt_, column);
    if (text == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

Bytes Statement::columnBlob(int column) const {
    if (pg_) return pg_->columnBlob(column);
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
    int size = sqlite3_column_bytes(stmt_, column);
    if (data == nullptr) return {};
    return Bytes(data, data + size);
}

bool Statement::columnIsNull(int column) const {
    if (pg_) return pg_->columnIsNull(column);
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int Statement::columnCount() const {
    if (pg_) return pg_->columnCount();
    return sqlite3_column_count(stmt_);
}

std::string_view Statement::columnView(int column) const {
    if (pg_) return pg_->columnView(column);
    const auto* text = sqlite3_column_text(stmt_, column);
    int size = sqlite3_column_bytes(stmt_, column);
    if (text == nullptr) return {};
    return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(size)};
}

namespace {
void configureSqliteOnce() {
    // Process-wide, before the first connection: without memory statistics SQLite's allocator
    // takes no global mutex on every malloc and free (a measurable share of the writer's CPU).
    static std::once_flag once;
    std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}
}  // namespace

Database::Database(const std::string& path, const Options& options) {
    configureSqliteOnce();
    int flags =
        options.read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    flags |= SQLITE_OPEN_NOMUTEX;  // one connection per thread; no shared use
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string message =
            "open " + path + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
        sqlite3_close(db_);
        db_ = nullptr;
        throw StorageError(ErrorCode::StorageUnavailable, message);
    }
    sqlite3_busy_timeout(db_, options.busy_timeout_ms);
    sqlite3_extended_result_codes(db_, 1);
    if (!options.read_only) {
        exec("PRAGMA journal_mode=WAL");
        // Automatic checkpoints would run inside the committing thread and stall commits for
        // tens of milliseconds; the store checkpoints from a background thread instead.
        exec("PRAGMA wal_autocheckpoint=0");
    }
    exec(options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    exec("PRAGMA foreign_keys=ON");
    exec("PRAGMA cache_size=-" + std::to_string(options.cache_pages * 4));
    exec("PRAGMA temp_store=MEMORY");
}

Database::Database(std::unique_ptr<PgConnection> pg) : pg_(std::move(pg)) {}

Database::~Database() {
    if (db_ != nullptr) sqlite3_close_v2(db_);
}

void Database::exec(std::string_view sql) {
    if (pg_) return pg_->exec(sql);
    std::string owned(sql);
    char* error = nullptr;
    int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &error);
    if (error != nullptr) sqlite3_free(error);
    check(db_, rc, "exec");
}

std::int64_t Database::lastInsertId() const {
    if (pg_) return pg_->lastInsertId();
    return sqlite3_last_insert_rowid(db_);
}
int Database::changes() const {
    if (pg_) return pg_->changes();
    return sqlite3_changes(db_);
}

bool Database::inTransaction() const {
    if (pg_) return pg_->inTransaction();
    return sqlite3_get_autocommit(db_) == 0;
}

void Database::syncDatabaseFile() {
    if (pg_) return;
    sqlite3_file* file = nullptr;
    int rc = sqlite3_file_control(db_, "main", SQLITE_FCNTL_FILE_POINTER, &file);
    check(db_, rc, "database file");
    if (file == nullptr || file->pMethods == nullptr) return;  // not opened yet
    rc = file->pMethods->xSync(file, SQLITE_SYNC_NORMAL);
    if (rc != SQLITE_OK) check(db_, rc, "sync database file");
}

sqlite3_file* Database::walFile() {
    if (pg_) return nullptr;
    sqlite3_file* file = nullptr;
    check(db_, sqlite3_file_control(db_, "main", SQLITE_FCNTL_JOURNAL_POINTER, &file), "WAL file");
    return file != nullptr && file->pMethods != nullptr ? file : nullptr;
}

void Database::syncWal(sqlite3_file* file) {
    const int rc = file->pMethods->xSync(file, SQLITE_SYNC_NORMAL);
    if (rc != SQLITE_OK) stopOnFailedSync("sync WAL", sqlite3_errstr(rc));
}

Database::Checkpoint Database::checkpointPassive() {
    Checkpoint out;
    if (pg_) return out;
    int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &out.wal_frames,
                                       &out.copied);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        out.copied = 0;  // another checkpoint ran
        return out;
    }
    check(db_, rc, "checkpoint");
    return out;
}

}  // namespace yika::store
