#include "card_core/store/schema.h"

#include <array>
#include <regex>
#include <set>

namespace yika::store {

namespace {

// Amounts are integer minor units (*_minor) with an ISO 4217 numeric currency; dates are ISO
// text (YYYY-MM-DD, sortable); timestamps are Unix milliseconds (*_ms).
constexpr const char* kV1 = R"SQL(
CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE product (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    bin TEXT NOT NULL,
    pan_length INTEGER NOT NULL,
    named INTEGER NOT NULL,
    currency INTEGER NOT NULL,
    max_balance_minor INTEGER NOT NULL,
    reloadable INTEGER NOT NULL,
    validity_months INTEGER NOT NULL,
    load_amounts TEXT NOT NULL,           -- comma-separated minor units; empty = any
    purchase_max_minor INTEGER NOT NULL,
    daily_spend_max_minor INTEGER NOT NULL,
    daily_count_max INTEGER NOT NULL,
    pin_threshold_minor INTEGER NOT NULL,
    scope_group_id INTEGER                -- NULL = whole network
);

CREATE TABLE merchant_group (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL);

CREATE TABLE merchant (
    id INTEGER PRIMARY KEY,
    mid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    group_id INTEGER REFERENCES merchant_group(id),
    fee_bps INTEGER NOT NULL,
    fee_mode TEXT NOT NULL CHECK (fee_mode IN ('NET', 'GROSS')),
    settle_days INTEGER NOT NULL,
    bank_name TEXT NOT NULL,
    bank_account TEXT NOT NULL
);

CREATE TABLE merchant_store (
    id INTEGER PRIMARY KEY,
    merchant_id INTEGER NOT NULL REFERENCES merchant(id),
    name TEXT NOT NULL,
    address TEXT NOT NULL
);

CREATE TABLE terminal (
    id INTEGER PRIMARY KEY,
    tid TEXT NOT NULL UNIQUE,
    merchant_id INTEGER NOT NULL REFERENCES merchant(id),
    store_id INTEGER REFERENCES merchant_store(id),
    state TEXT NOT NULL,
    tmk_wrapped BLOB NOT NULL,
    session_nonce BLOB NOT NULL,
    batch_no INTEGER NOT NULL,
    signed_on_at_ms INTEGER NOT NULL
);

-- Batch settlements (结算): the host's and the terminal's totals; a mismatch also becomes a
-- recon_exception.
CREATE TABLE terminal_batch (
    terminal_id INTEGER NOT NULL,
    batch_no INTEGER NOT NULL,
    business_date TEXT NOT NULL,
    host_debit_minor INTEGER NOT NULL,
    host_debit_count INTEGER NOT NULL,
    host_credit_minor INTEGER NOT NULL,
    host_credit_count INTEGER NOT NULL,
    reported_debit_minor INTEGER NOT NULL,
    reported_debit_count INTEGER NOT NULL,
    reported_credit_minor INTEGER NOT NULL,
    reported_credit_count INTEGER NOT NULL,
    balanced INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    PRIMARY KEY (terminal_id, batch_no)
) WITHOUT ROWID;

CREATE TABLE recon_exception (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    reference TEXT NOT NULL,
    detail TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'OPEN',
    created_at_ms INTEGER NOT NULL,
    resolved_by TEXT,
    resolution TEXT
);

CREATE TABLE production_batch (
    id INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES product(id),
    quantity INTEGER NOT NULL,
    state TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    requested_at_ms INTEGER NOT NULL,
    approved_at_ms INTEGER NOT NULL,
    generated_at_ms INTEGER NOT NULL,
    location TEXT NOT NULL,
    first_card_id INTEGER NOT NULL,
    last_card_id INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    card_expiry TEXT NOT NULL
);

CREATE TABLE card (
    id INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL,
    batch_id INTEGER NOT NULL,
    state TEXT NOT NULL,
    currency INTEGER NOT NULL,
    balance_minor INTEGER NOT NULL,
    held_minor INTEGER NOT NULL,
    pan_masked TEXT NOT NULL,
    pan_lookup BLOB NOT NULL UNIQUE,
    pan_enc BLOB NOT NULL,
    pvv BLOB NOT NULL,
    expiry TEXT,
    location TEXT NOT NULL,
    order_id INTEGER,
    buyer_key TEXT NOT NULL,
    activated_on TEXT,
    pin_failures INTEGER NOT NULL,
    pin_locked_until_ms INTEGER NOT NULL,
    spend_day TEXT,
    spent_today_minor INTEGER NOT NULL,
    count_today INTEGER NOT NULL
);
-- Partial indexes: each covers only the cards its query can return, so generating a batch
-- (every new card PRODUCED) maintains one small index besides the card-number index.
CREATE INDEX card_produced ON card(batch_id) WHERE state = 'PRODUCED';
CREATE INDEX card_free_stock ON card(product_id, location, id)
    WHERE state = 'IN_STOCK' AND order_id IS NULL;
CREATE INDEX card_active_expiry ON card(expiry) WHERE state = 'ACTIVE';
CREATE INDEX card_expired ON card(expiry) WHERE state = 'EXPIRED';

CREATE TABLE card_event (
    id INTEGER PRIMARY KEY,
    card_id INTEGER NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    reason TEXT NOT NULL,
    at_ms INTEGER NOT NULL
);
CREATE INDEX card_event_card ON card_event(card_id);

CREATE TABLE sales_order (
    id INTEGER PRIMARY KEY,
    state TEXT NOT NULL,
    buyer_kind TEXT NOT NULL,
    buyer_name TEXT NOT NULL,
    buyer_id_type TEXT,
    buyer_id_number TEXT NOT NULL,
    buyer_credit_code TEXT NOT NULL,
    buyer_contact TEXT NOT NULL,
    buyer_key TEXT NOT NULL,
    location TEXT NOT NULL,
    currency INTEGER NOT NULL,
    discount_minor INTEGER NOT NULL,
    face_total_minor INTEGER NOT NULL,
    pay_total_minor INTEGER NOT NULL,
    payment_method TEXT NOT NULL,
    invoice_wanted INTEGER NOT NULL,
    invoice_title TEXT NOT NULL,
    invoice_tax_id TEXT NOT NULL,
    agent TEXT NOT NULL,
    structuring_flag INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    created_on TEXT NOT NULL,
    paid_at_ms INTEGER NOT NULL,
    business_date TEXT
);
CREATE INDEX sales_order_buyer ON sales_order(buyer_key, created_on);

CREATE TABLE sales_order_line (
    order_id INTEGER NOT NULL REFERENCES sales_order(id),
    line_no INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    count INTEGER NOT NULL,
    first_card_id INTEGER,
    last_card_id INTEGER,
    load_each_minor INTEGER NOT NULL,
    PRIMARY KEY (order_id, line_no)
) WITHOUT ROWID;

CREATE TABLE sales_order_card (
    order_id INTEGER NOT NULL REFERENCES sales_order(id),
    seq INTEGER NOT NULL,
    card_id INTEGER NOT NULL,
    PRIMARY KEY (order_id, seq)
) WITHOUT ROWID;

CREATE TABLE payment (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES sales_order(id),
    method TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency INTEGER NOT NULL,
    payer_name TEXT NOT NULL,
    payer_account TEXT NOT NULL,
    reference TEXT NOT NULL,
    at_ms INTEGER NOT NULL
);

CREATE TABLE card_txn (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    decline TEXT NOT NULL,
    card_id INTEGER NOT NULL,
    counter_card_id INTEGER,
    merchant_id INTEGER,
    currency INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL,
    original_id INTEGER,
    refunded_minor INTEGER NOT NULL,
    idem_key TEXT,                      -- NULL when the request carried none
    business_date TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    entry_id INTEGER,
    balance_after_minor INTEGER NOT NULL,
    terminal_id INTEGER,
    batch_no INTEGER NOT NULL,
    trace_no INTEGER NOT NULL,
    hold_open_minor INTEGER NOT NULL
);
CREATE UNIQUE INDEX card_txn_idem ON card_txn(idem_key);
CREATE INDEX card_txn_card ON card_txn(card_id);
CREATE INDEX card_txn_batch ON card_txn(terminal_id, batch_no) WHERE terminal_id IS NOT NULL;

CREATE TABLE journal_entry (
    id INTEGER PRIMARY KEY,
    event_key TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    business_date TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    memo TEXT NOT NULL
);

-- No secondary index on journal_line: it is written on every purchase, and the reads that
-- group it by account (verify, clearing, trial balance) scan it once.
CREATE TABLE journal_line (
    entry_id INTEGER NOT NULL,
    line_no INTEGER NOT NULL,
    account INTEGER NOT NULL,
    sub_id INTEGER NOT NULL,
    currency INTEGER NOT NULL,
    debit_minor INTEGER NOT NULL,
    credit_minor INTEGER NOT NULL,
    PRIMARY KEY (entry_id, line_no)
) WITHOUT ROWID;

-- The journal is append-only: corrections are new reversing entries.
CREATE TRIGGER journal_entry_no_update BEFORE UPDATE ON journal_entry
BEGIN SELECT RAISE(ABORT, 'journal entries are immutable'); END;
CREATE TRIGGER journal_entry_no_delete BEFORE DELETE ON journal_entry
BEGIN SELECT RAISE(ABORT, 'journal entries are immutable'); END;
CREATE TRIGGER journal_line_no_update BEFORE UPDATE ON journal_line
BEGIN SELECT RAISE(ABORT, 'journal lines are immutable'); END;
CREATE TRIGGER journal_line_no_delete BEFORE DELETE ON journal_line
BEGIN SELECT RAISE(ABORT, 'journal lines are immutable'); END;
)SQL";

// Batch upload (批上送) items, compared with the host's transactions; the end of each upload.
constexpr const char* kV2 = R"SQL(
CREATE TABLE terminal_batch_item (
    terminal_id INTEGER NOT NULL,
    batch_no INTEGER NOT NULL,
    trace_no INTEGER NOT NULL,
    pan_lookup BLOB NOT NULL,
    pan_masked TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    host_txn_id INTEGER,
    outcome TEXT NOT NULL,
    uploaded_at_ms INTEGER NOT NULL,
    PRIMARY KEY (terminal_id, batch_no, trace_no)
) WITHOUT ROWID;
ALTER TABLE terminal_batch ADD COLUMN upload_count INTEGER;
ALTER TABLE terminal_batch ADD COLUMN upload_ended_at_ms INTEGER;
)SQL";

// --- online accounts (issue 4) ---
// Accounts, card bindings (a card in at most one account: card_id is the key), portal sessions
// (only a keyed hash of each token), the audit log of portal failures, and web-shop payment
// orders with their legs (each leg one card transaction), refunds and callbacks.
constexpr const char* kV3Accounts = R"SQL(
CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    pay_password_hash TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
);

CREATE TABLE account_card (
    card_id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account(id),
    bound_at_ms INTEGER NOT NULL
);
CREATE INDEX account_card_account ON account_card(account_id);

CREATE TABLE account_session (
    token_hash BLOB PRIMARY KEY,
    account_id INTEGER NOT NULL,
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX account_session_account ON account_session(account_id);

CREATE TABLE account_audit (
    id INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    account_id INTEGER,
    client TEXT NOT NULL,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE TRIGGER account_audit_no_update BEFORE UPDATE ON account_audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER account_audit_no_delete BEFORE DELETE ON account_audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE payment_order (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    merchant_id INTEGER NOT NULL REFERENCES merchant(id),
    merchant_order_id TEXT NOT NULL,
    currency INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL,
    description TEXT NOT NULL,
    return_url TEXT NOT NULL,
    callback_url TEXT NOT NULL,
    shop_tid TEXT NOT NULL,
    state TEXT NOT NULL,
    account_id INTEGER,
    refunded_minor INTEGER NOT NULL,
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    paid_at_ms INTEGER NOT NULL,
    UNIQUE (merchant_id, merchant_order_id)
);

CREATE TABLE payment_leg (
    order_id INTEGER NOT NULL REFERENCES payment_order(id),
    seq INTEGER NOT NULL,
    card_id INTEGER NOT NULL,
    txn_id INTEGER NOT NULL UNIQUE,
    amount_minor INTEGER NOT NULL,
    PRIMARY KEY (order_id, seq)
) WITHOUT ROWID;

CREATE TABLE payment_refund (
    order_id INTEGER NOT NULL REFERENCES payment_order(id),
    refund_key TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    PRIMARY KEY (order_id, refund_key)
) WITHOUT ROWID;

CREATE TABLE shop_callback (
    order_id INTEGER PRIMARY KEY REFERENCES payment_order(id),
    url TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_at_ms INTEGER NOT NULL
);
CREATE INDEX shop_callback_due ON shop_callback(next_at_ms) WHERE state = 'PENDING';
)SQL";

// --- admin API (issue 6) ---
// Operators with roles and only a keyed hash of each session token; maker-checker requests
// (one pending per reference, final once decided); the hash-chained audit log of operator
// actions and security events (append-only: card_core/domain/audit.h).
constexpr const char* kV4Admin = R"SQL(
CREATE TABLE operator (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    must_change_password INTEGER NOT NULL,
    disabled INTEGER NOT NULL,
    failed_logins INTEGER NOT NULL,
    locked_until_ms INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
);

CREATE TABLE operator_session (
    token_hash BLOB PRIMARY KEY,
    operator_id INTEGER NOT NULL REFERENCES operator(id),
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX operator_session_operator ON operator_session(operator_id);

CREATE TABLE approval_request (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('PENDING', 'EXECUTED', 'REJECTED')),
    reference TEXT NOT NULL,
    summary TEXT NOT NULL,
    payload TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at_ms INTEGER NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at_ms INTEGER NOT NULL,
    note TEXT NOT NULL,
    result TEXT NOT NULL,
    CHECK (decided_by = '' OR decided_by <> requested_by)
);
CREATE UNIQUE INDEX approval_pending_reference ON approval_request(reference)
    WHERE state = 'PENDING' AND reference <> '';
CREATE INDEX approval_by_state ON approval_request(state, id);
CREATE TRIGGER approval_request_final BEFORE UPDATE ON approval_request
    WHEN OLD.state <> 'PENDING'
BEGIN SELECT RAISE(ABORT, 'a decided request is final'); END;
CREATE TRIGGER approval_request_no_delete BEFORE DELETE ON approval_request
BEGIN SELECT RAISE(ABORT, 'requests are kept'); END;

CREATE TABLE admin_audit (
    id INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    client TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash BLOB NOT NULL,
    hash BLOB NOT NULL
);
CREATE TRIGGER admin_audit_no_update BEFORE UPDATE ON admin_audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER admin_audit_no_delete BEFORE DELETE ON admin_audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)SQL";
// --- end admin API (issue 6) ---

// --- business day, clearing, settlement, reconciliation, invoices (issue 5) ---
// Business days and the steps of their close; clearing per merchant and day, negative nets
// carried forward; payouts; the stored trial balance and day report; bank statement lines;
// issued and received invoices. journal_entry_date lets every per-day read of the journal touch
// only that day's entries: (business_date, event_type) covers the clearing scan's filter, and
// on the purchase path it is appended near the end of the index (the date only grows).
constexpr const char* kV5Day = R"SQL(
CREATE INDEX journal_entry_date ON journal_entry(business_date, event_type);

CREATE TABLE business_day (
    business_date TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('OPEN', 'CUT_OFF', 'CLOSED')),
    opened_at_ms INTEGER NOT NULL,
    cutoff_at_ms INTEGER NOT NULL,
    cutoff_by TEXT NOT NULL,
    close_started_at_ms INTEGER NOT NULL,
    closed_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE day_close_step (
    business_date TEXT NOT NULL,
    step TEXT NOT NULL,
    done INTEGER NOT NULL,
    count INTEGER NOT NULL,
    done_at_ms INTEGER NOT NULL,
    PRIMARY KEY (business_date, step)
) WITHOUT ROWID;

CREATE TABLE clearing (
    business_date TEXT NOT NULL,
    merchant_id INTEGER NOT NULL REFERENCES merchant(id),
    currency INTEGER NOT NULL,
    purchases_minor INTEGER NOT NULL,
    purchase_count INTEGER NOT NULL,
    refunds_minor INTEGER NOT NULL,
    refund_count INTEGER NOT NULL,
    carried_in_minor INTEGER NOT NULL,
    net_minor INTEGER NOT NULL,
    fee_bps INTEGER NOT NULL,
    fee_mode TEXT NOT NULL CHECK (fee_mode IN ('NET', 'GROSS')),
    fee_minor INTEGER NOT NULL,
    payable_minor INTEGER NOT NULL,
    carried_out_minor INTEGER NOT NULL,
    entry_id INTEGER,
    PRIMARY KEY (business_date, merchant_id)
) WITHOUT ROWID;
CREATE INDEX clearing_entry ON clearing(entry_id) WHERE entry_id IS NOT NULL;

CREATE TABLE merchant_carry (
    merchant_id INTEGER PRIMARY KEY REFERENCES merchant(id),
    currency INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor < 0)
);

CREATE TABLE payout (
    id INTEGER PRIMARY KEY,
    business_date TEXT NOT NULL,
    value_date TEXT NOT NULL,
    merchant_id INTEGER NOT NULL REFERENCES merchant(id),
    mid TEXT NOT NULL,
    merchant_name TEXT NOT NULL,
    bank_name TEXT NOT NULL,
    bank_account TEXT NOT NULL,
    currency INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    state TEXT NOT NULL CHECK (state IN ('PENDING', 'PAID', 'FAILED')),
    bank_reference TEXT NOT NULL,
    failure_reason TEXT NOT NULL,
    result_at_ms INTEGER NOT NULL,
    entry_id INTEGER,
    UNIQUE (business_date, merchant_id)
);
CREATE INDEX payout_state ON payout(state, id);
CREATE INDEX payout_entry ON payout(entry_id) WHERE entry_id IS NOT NULL;

CREATE TABLE trial_balance (
    business_date TEXT NOT NULL,
    account INTEGER NOT NULL,
    currency INTEGER NOT NULL,
    opening_minor INTEGER NOT NULL,   -- debit-positive
    debit_minor INTEGER NOT NULL,
    credit_minor INTEGER NOT NULL,
    closing_minor INTEGER NOT NULL,
    PRIMARY KEY (business_date, account)
) WITHOUT ROWID;

CREATE TABLE day_report (business_date TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;

ALTER TABLE recon_exception ADD COLUMN resolved_at_ms INTEGER;
CREATE INDEX recon_exception_open ON recon_exception(kind, reference) WHERE state = 'OPEN';

CREATE TABLE bank_statement_line (
    id INTEGER PRIMARY KEY,
    bank_txn_id TEXT NOT NULL UNIQUE,
    value_date TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('CR', 'DR')),
    currency INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL,
    counterparty_name TEXT NOT NULL,
    counterparty_account TEXT NOT NULL,
    reference TEXT NOT NULL,
    matched_kind TEXT,
    matched_id INTEGER,
    imported_at_ms INTEGER NOT NULL
);
-- A payment or payout is matched by at most one bank line.
CREATE UNIQUE INDEX bank_statement_match ON bank_statement_line(matched_kind, matched_id)
    WHERE matched_kind IS NOT NULL;

CREATE TABLE invoice_out (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES sales_order(id),
    number TEXT NOT NULL UNIQUE,
    issued_on TEXT NOT NULL,
    title TEXT NOT NULL,
    tax_id TEXT NOT NULL,
    currency INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    issued_by TEXT NOT NULL,
    at_ms INTEGER NOT NULL
);
CREATE INDEX invoice_out_order ON invoice_out(order_id);

CREATE TABLE invoice_in (
    id INTEGER PRIMARY KEY,
    merchant_id INTEGER NOT NULL REFERENCES merchant(id),
    period TEXT NOT NULL,
    number TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    currency INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    remark TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    UNIQUE (merchant_id, number)
);
CREATE INDEX invoice_in_period ON invoice_in(merchant_id, period);
)SQL";
// --- end issue 5 ---

// Applied in this order; a migration is never edited once released (add a new one).
constexpr std::array<const char*, 5> kMigrations = {kV1, kV2, kV3Accounts, kV4Admin, kV5Day};

}  // namespace

int currentSchemaVersion() { return static_cast<int>(kMigrations.size()); }

std::string postgresDialect(std::string_view sqlite_ddl) {
    std::string sql(sqlite_ddl);
    static const std::regex trigger(
        R"(CREATE TRIGGER (\w+) BEFORE (UPDATE|DELETE) ON (\w+)\s*(?:WHEN ([^\n]*?))?\s*BEGIN SELECT RAISE\(ABORT, '([^']*)'\); END;)");
    sql = std::regex_replace(sql, trigger,
                             "CREATE TRIGGER $1 BEFORE $2 ON $3 FOR EACH ROW WHEN ($4) "
                             "EXECUTE FUNCTION yika_refuse('$5');");
    sql = std::regex_replace(sql, std::regex(R"(WHEN \(\) )"), "");
    sql = std::regex_replace(sql, std::regex(R"(\bid INTEGER PRIMARY KEY\b)"),
                             "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
    sql = std::regex_replace(sql, std::regex(R"(\bINTEGER\b)"), "BIGINT");
    sql = std::regex_replace(sql, std::regex(R"(\bBLOB\b)"), "BYTEA");
    sql = std::regex_replace(sql, std::regex(R"(\) WITHOUT ROWID;)"), ");");
    return sql;
}

bool tableHasIdKey(std::string_view table) {
    static const std::set<std::string, std::less<>> tables = [] {
        std::set<std::string, std::less<>> out;
        static const std::regex create(R"(CREATE TABLE (\w+) \(\s*id INTEGER PRIMARY KEY)");
        for (const char* ddl : kMigrations) {
            const std::string text(ddl);
            for (std::sregex_iterator it(text.begin(), text.end(), create), end; it != end; ++it) {
                out.insert((*it)[1].str());
            }
        }
        return out;
    }();
    return tables.find(table) != tables.end();
}

namespace {

// The function every refusing trigger calls on PostgreSQL (SQLite: RAISE(ABORT, message)).
constexpr const char* kPgRefuse = R"SQL(
CREATE OR REPLACE FUNCTION yika_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$;
)SQL";

// Any fixed number: the advisory lock that serialises migrations between nodes.
constexpr const char* kPgMigrationLock = "SELECT pg_advisory_xact_lock(7001)";

int storedVersion(Database& db) {
    Statement read(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
    read.step();
    auto version = static_cast<int>(read.columnInt(0));
    read.reset();
    if (version > currentSchemaVersion()) {
        throw StorageError(ErrorCode::StorageUnavailable,
                           "database schema version " + std::to_string(version) +
                               " is newer than this yikad (" +
                               std::to_string(currentSchemaVersion()) + ")");
    }
    return version;
}

}  // namespace

void migrate(Database& db) {
    const bool pg = db.engine() == Engine::Postgres;
    if (pg) {
        db.exec("BEGIN");
        try {
            db.exec(kPgMigrationLock);
            db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            db.exec(kPgRefuse);
            db.exec("COMMIT");
        } catch (...) {
            db.exec("ROLLBACK");
            throw;
        }
    } else {
        db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    }
    for (int v = storedVersion(db); v < currentSchemaVersion(); ++v) {
        db.exec("BEGIN IMMEDIATE");
        try {
            if (pg) {
                db.exec(kPgMigrationLock);
                if (storedVersion(db) > v) {  // another node applied it meanwhile
                    db.exec("COMMIT");
                    continue;
                }
                db.exec(postgresDialect(kMigrations[static_cast<std::size_t>(v)]));
            } else {
                db.exec(kMigrations[static_cast<std::size_t>(v)]);
            }
            db.exec("INSERT INTO schema_version(version) VALUES (" + std::to_string(v + 1) + ")");
            db.exec("COMMIT");
        } catch (...) {
            db.exec("ROLLBACK");
            throw;
        }
    }
}

}  // namespace yika::store
