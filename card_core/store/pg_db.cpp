#include "card_core/store/pg_db.h"

#include "card_core/domain/assert.h"
#include "card_core/store/schema.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <thread>

#include <libpq-fe.h>

namespace yika::store {

namespace {

constexpr unsigned int kInt8Oid = 20;
constexpr unsigned int kByteaOid = 17;

std::string upper(std::string_view text) {
    std::string out(text);
    for (char& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return out;
}

bool startsWith(std::string_view text, std::string_view prefix) {
    std::size_t i = 0;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) != 0) ++i;
    return upper(text.substr(i, prefix.size())) == prefix;
}

// Placeholders `?N` -> `$N`, `?` -> `$k` (k counts them), outside quoted text.
std::string placeholders(std::string_view sql) {
    std::string out;
    out.reserve(sql.size() + 8);
    bool quoted = false;
    int counter = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        char ch = sql[i];
        if (ch == '\'') quoted = !quoted;
        if (ch != '?' || quoted) {
            out += ch;
            continue;
        }
        out += '$';
        if (i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1])) != 0) {
            while (i + 1 < sql.size() &&
                   std::isdigit(static_cast<unsigned char>(sql[i + 1])) != 0) {
                out += sql[++i];
            }
        } else {
            out += std::to_string(++counter);
        }
    }
    return out;
}

// Rows the writer reads and then changes: locked until its transaction commits, so that a
// second node's writer waits instead of deciding on a value about to change.
bool lockedOnWrite(const std::string& table) {
    static const char* const kTables[] = {
        "card",          "card_txn",         "terminal",         "sales_order",
        "payment_order", "approval_request", "production_batch", "operator",
        "account",       "payout",           "shop_callback",    "day_close_step",
        "merchant_carry"};
    return std::any_of(std::begin(kTables), std::end(kTables),
                       [&table](const char* t) { return table == t; });
}

std::string trimEnd(std::string sql) {
    while (!sql.empty() &&
           (std::isspace(static_cast<unsigned char>(sql.back())) != 0 || sql.back() == ';')) {
        sql.pop_back();
    }
    return sql;
}

}  // namespace

std::string rewriteForPostgres(std::string_view original, bool writer) {
    std::string sql = trimEnd(placeholders(original));
    // SQLite's planner hints mean nothing to PostgreSQL.
    static const std::regex hint(R"(\s+(INDEXED\s+BY\s+\w+|NOT\s+INDEXED)\b)", std::regex::icase);
    sql = std::regex_replace(sql, hint, "");
    const std::string up = upper(sql);
    static const std::regex insert_re(R"(^\s*INSERT\s+(OR\s+IGNORE\s+)?INTO\s+(\w+))",
                                      std::regex::icase);
    std::smatch m;
    if (std::regex_search(sql, m, insert_re)) {
        const std::string table = m[2].str();
        if (m[1].matched) {
            sql = sql.substr(0, static_cast<std::size_t>(m.position(1))) +
                  sql.substr(static_cast<std::size_t>(m.position(1) + m.length(1)));
            sql += " ON CONFLICT DO NOTHING";
        }
        if (up.find("RETURNING") == std::string::npos && tableHasIdKey(table)) {
            sql += " RETURNING id";
        }
        return sql;
    }
    if (!writer || !startsWith(sql, "SELECT")) return sql;
    static const std::regex select_re(
        R"(^\s*SELECT\s[\s\S]*?\sFROM\s+(\w+)(\s+(?!WHERE|ORDER|LIMIT)\w+)?\s*(WHERE\s[\s\S]*|ORDER\s[\s\S]*|LIMIT\s[\s\S]*)?$)",
        std::regex::icase);
    if (!std::regex_match(sql, m, select_re)) return sql;
    for (const char* word : {" JOIN ", "COUNT(", "SUM(", "MAX(", "MIN(", "TOTAL(", "AVG(",
                             "GROUP BY", "DISTINCT", "UNION", "FOR UPDATE", "FOR SHARE"}) {
        if (up.find(word) != std::string::npos) return sql;
    }
    const std::string table = m[1].str();
    // The business date and the day's state are read by every batch and changed only by the
    // cut-off and the close: shared locks, so that nodes' batches do not queue behind each other.
    if (table == "setting" || table == "business_day") return sql + " FOR SHARE";
    if (lockedOnWrite(table)) return sql + " FOR UPDATE";
    return sql;
}

// --- PgConnection ---

PgConnection::PgConnection(PgOptions options) : options_(std::move(options)) { connect(); }

PgConnection::~PgConnection() {
    if (conn_ != nullptr) PQfinish(conn_);
}

void PgConnection::connect() {
    last_attempt_ = std::chrono::steady_clock::now();
    if (conn_ != nullptr) {
        PQfinish(conn_);
        conn_ = nullptr;
    }
    // libpq counts connect_timeout in whole seconds, at least 2.
    const std::string timeout =
        std::to_string(std::max(2, (options_.connect_timeout_ms + 999) / 1000));
    const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
    const char* values[] = {options_.url.c_str(), timeout.c_str(), "yikad", nullptr};
    conn_ = PQconnectdbParams(keys, values, 1);
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
        last_failure_ = conn_ != nullptr ? PQerrorMessage(conn_) : "out of memory";
        while (!last_failure_.empty() && last_failure_.back() == '\n') last_failure_.pop_back();
        if (conn_ != nullptr) PQfinish(conn_);
        conn_ = nullptr;
        throw StorageError(ErrorCode::StorageUnavailable, "database unavailable: " + last_failure_);
    }
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
    ++generation_;
    in_tx_ = false;
    std::string setup = "SET client_min_messages = warning; SET lock_timeout = " +
                        std::to_string(options_.lock_timeout_ms) + "; SET statement_timeout = " +
                        std::to_string(options_.statement_timeout_ms) + ";";
    if (options_.read_only) {
        // A reader's transaction is a snapshot, like a SQLite read transaction.
        setup +=
            " SET default_transaction_read_only = on;"
            " SET default_transaction_isolation = 'repeatable read';";
    }
    PGresult* r = PQexec(conn_, setup.c_str());
    finish(r, "session setup", false);  // frees r only when it throws
    PQclear(r);
}

pg_conn* PgConnection::live() {
    if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) return conn_;
    if (in_tx_) {
        throw StorageError(ErrorCode::StorageUnavailable,
                           "database connection lost inside a transaction");
    }
    const auto now = std::chrono::steady_clock::now();
    if (generation_ > 0 &&
        now - last_attempt_ < std::chrono::milliseconds(options_.reconnect_interval_ms)) {
        throw StorageError(
            ErrorCode::StorageUnavailable,
            "database unavailable: " +
                (last_failure_.empty() ? std::string("connection lost") : last_failure_));
    }
    connect();
    return conn_;
}

bool PgConnection::inTransaction() const {
    if (!in_tx_ || conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) return false;
    const auto s = PQtransactionStatus(conn_);
    return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

void PgConnection::exec(std::string_view sql) {
    if (startsWith(sql, "PRAGMA")) return;  // SQLite tuning: nothing to do here
    std::string text(sql);
    const bool begin = startsWith(sql, "BEGIN");
    const bool end = startsWith(sql, "COMMIT") || startsWith(sql, "END") ||
                     (startsWith(sql, "ROLLBACK") && !startsWith(sql, "ROLLBACK TO"));
    if (begin) {
        text = "BEGIN";
        in_tx_ = false;  // a lost connection may be reopened for a new transaction
    }
    if (end && (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK)) {
        in_tx_ = false;
        if (startsWith(sql, "ROLLBACK")) return;  // the server dropped the transaction
        throw StorageError(ErrorCode::StorageUnavailable, "database connection lost before COMMIT");
    }
    pg_conn* c = live();
    if (startsWith(sql, "COMMIT") && PQtransactionStatus(c) == PQTRANS_INERROR) {
        // PostgreSQL would answer COMMIT of a failed transaction with a silent ROLLBACK.
        PQclear(PQexec(c, "ROLLBACK"));
        in_tx_ = false;
        throw StorageError(ErrorCode::StorageUnavailable, "transaction failed before COMMIT");
    }
    PGresult* r = PQexec(c, text.c_str());
    if (begin) in_tx_ = true;
    if (end) in_tx_ = false;
    finish(r, "exec", false);  // frees r only when it throws
    PQclear(r);
}

void PgConnection::finish(pg_result* r, std::string_view what, bool returns_id) {
    const auto status = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(r, what);
    const char* tuples = PQcmdTuples(r);
    changes_ = (tuples != nullptr && *tuples != '\0') ? std::atoi(tuples) : 0;
    if (returns_id && PQntuples(r) > 0 && PQgetisnull(r, PQntuples(r) - 1, 0) == 0) {
        const char* v = PQgetvalue(r, PQntuples(r) - 1, 0);
        std::from_chars(v, v + std::strlen(v), last_insert_id_);
    }
}

void PgConnection::fail(pg_result* r, std::string_view what) {
    const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    std::string message = std::string(what) + ": " +
                          (r != nullptr && *PQresultErrorMessage(r) != '\0'
                               ? PQresultErrorMessage(r)
                               : (conn_ != nullptr ? PQerrorMessage(conn_) : "no connection"));
    while (!message.empty() && message.back() == '\n') message.pop_back();
    const std::string code = state != nullptr ? state : "";
    if (r != nullptr) PQclear(r);
    if (conn_ != nullptr && PQstatus(conn_) != CONNECTION_OK) {
        last_failure_ = message;
        last_attempt_ = std::chrono::steady_clock::now();
    }
    if (code == "40001" || code == "40P01" || code == "55P03") throw RetryableStorageError(message);
    // Like SQLITE_CONSTRAINT (and RAISE(ABORT) in a SQLite trigger): Duplicate.
    if (code.rfind("23", 0) == 0 || code == "P0001") {
        throw StorageError(ErrorCode::Duplicate, message);
    }
    if (code == "53100") throw StorageError(ErrorCode::StorageFull, message);
    throw StorageError(ErrorCode::StorageUnavailable, message);
}

// --- PgStatement ---

PgStatement::PgStatement(PgConnection& connection, std::string_view sql)
    : c_(connection), sql_(rewriteForPostgres(sql, !connection.readOnly())) {
    returns_id_ = sql_.size() >= 12 && sql_.compare(sql_.size() - 12, 12, "RETURNING id") == 0;
    // Which $N the SQL uses: PostgreSQL cannot infer the type of one it does not use.
    for (std::size_t i = 0; i + 1 < sql_.size(); ++i) {
        if (sql_[i] != '$' || std::isdigit(static_cast<unsigned char>(sql_[i + 1])) == 0) continue;
        std::size_t n = 0;
        std::size_t j = i + 1;
        while (j < sql_.size() && std::isdigit(static_cast<unsigned char>(sql_[j])) != 0) {
            n = n * 10 + static_cast<std::size_t>(sql_[j] - '0');
            ++j;
        }
        if (used_.size() <= n) used_.resize(n + 1, false);
        used_[n] = true;
    }
}

PgStatement::~PgStatement() {
    if (result_ != nullptr) PQclear(result_);
    // A prepared statement lives as long as its connection; the cached ones are few (one per
    // SQL text of the adapters), and a one-off statement is never prepared.
}

PgStatement::Param& PgStatement::slot(int index) {
    YIKA_ASSERT(index >= 1);
    const auto i = static_cast<std::size_t>(index - 1);
    if (params_.size() <= i) params_.resize(i + 1);
    return params_[i];
}

void PgStatement::bindInt(int index, std::int64_t value) {
    Param& p = slot(index);
    p.value = std::to_string(value);
    p.null = false;
    p.binary = false;
    p.type = kInt8Oid;
}

void PgStatement::bindText(int index, std::string_view value) {
    Param& p = slot(index);
    p.value.assign(value.data() != nullptr ? value.data() : "", value.size());
    p.null = false;
    p.binary = false;
    p.type = 0;
}

void PgStatement::bindBlob(int index, const Bytes& value) {
    Param& p = slot(index);
    p.value.assign(value.begin(), value.end());
    p.null = false;
    p.binary = true;
    p.type = kByteaOid;
}

void PgStatement::bindNull(int index) {
    Param& p = slot(index);
    p.value.clear();
    p.null = true;
    p.binary = false;
    p.type = 0;
}

void PgStatement::execute() {
    pg_conn* conn = c_.live();
    const int n = static_cast<int>(params_.size());
    std::vector<const char*> values(params_.size());
    std::vector<int> lengths(params_.size());
    std::vector<int> formats(params_.size());
    std::vector<unsigned int> types(params_.size());
    for (std::size_t i = 0; i < params_.size(); ++i) {
        const Param& p = params_[i];
        values[i] = p.null ? nullptr : p.value.data();
        lengths[i] = static_cast<int>(p.value.size());
        formats[i] = p.binary ? 1 : 0;
        // An unused parameter gets a type (text) so that the server need not infer one.
        types[i] = (i + 1 < used_.size() && used_[i + 1]) || p.type != 0 ? p.type : 25U;
    }
    PGresult* r = nullptr;
    if (executions_ == 0) {
        r = PQexecParams(conn, sql_.c_str(), n, types.data(), values.data(), lengths.data(),
                         formats.data(), 0);
    } else {
        if (name_.empty() || prepared_gen_ != c_.generation()) {
            std::string name = c_.nextStatementName();
            PGresult* prepared = PQprepare(conn, name.c_str(), sql_.c_str(), n, types.data());
            c_.finish(prepared, "prepare", false);  // frees it only when it throws
            PQclear(prepared);
            name_ = std::move(name);
            prepared_gen_ = c_.generation();
        }
        r = PQexecPrepared(conn, name_.c_str(), n, values.data(), lengths.data(), formats.data(),
                           0);
    }
    ++executions_;
    c_.finish(r, "step", returns_id_);         // throws (and frees r) on failure
    if (result_ != nullptr) PQclear(result_);  // executed again without a reset
    result_ = r;
    rows_ = PQntuples(r);
    row_ = -1;
}

bool PgStatement::step() {
    if (result_ == nullptr) execute();
    if (row_ < rows_) ++row_;
    return row_ < rows_;
}

void PgStatement::reset() {
    if (result_ != nullptr) PQclear(result_);
    result_ = nullptr;
    row_ = -1;
    rows_ = 0;
    for (Param& p : params_) {
        p.null = true;
        p.value.clear();
        p.binary = false;
        p.type = 0;
    }
}

std::int64_t PgStatement::columnInt(int column) const {
    if (columnIsNull(column)) return 0;
    const char* v = PQgetvalue(result_, row_, column);
    if (v[0] == 't' && v[1] == '\0') return 1;  // a boolean expression (SQLite: 1)
    if (v[0] == 'f' && v[1] == '\0') return 0;
    std::int64_t out = 0;
    std::from_chars(v, v + std::strlen(v), out);
    return out;
}

std::string_view PgStatement::columnView(int column) const {
    if (result_ == nullptr || row_ < 0 || row_ >= rows_) return {};
    return {PQgetvalue(result_, row_, column),
            static_cast<std::size_t>(PQgetlength(result_, row_, column))};
}

Bytes PgStatement::columnBlob(int column) const {
    std::string_view text = columnView(column);
    Bytes out;
    if (text.size() < 2 || text[0] != '\\' || text[1] != 'x') {
        out.assign(text.begin(), text.end());  // not bytea: the text's bytes, as SQLite would
        return out;
    }
    auto nibble = [](char ch) {
        return static_cast<std::uint8_t>(ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
    };
    out.reserve((text.size() - 2) / 2);
    for (std::size_t i = 2; i + 1 < text.size(); i += 2) {
        out.push_back(static_cast<std::uint8_t>((nibble(text[i]) << 4) | nibble(text[i + 1])));
    }
    return out;
}

bool PgStatement::columnIsNull(int column) const {
    if (result_ == nullptr || row_ < 0 || row_ >= rows_) return true;
    return PQgetisnull(result_, row_, column) != 0;
}

int PgStatement::columnCount() const { return result_ != nullptr ? PQnfields(result_) : 0; }

}  // namespace yika::store
