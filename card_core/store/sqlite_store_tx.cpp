#include "card_core/store/sqlite_store_tx.h"

#include <charconv>

namespace yika::store {

namespace {

std::int64_t cur(Currency c) { return static_cast<std::int64_t>(c); }

Currency currencyOf(std::int64_t numeric) {
    auto c = currencyFromNumeric(static_cast<std::uint16_t>(numeric));
    if (!c) throw StorageError(ErrorCode::StorageUnavailable, "unknown currency in database");
    return *c;
}

std::optional<std::string> isoOrNull(const std::optional<Date>& d) {
    return d ? std::optional(d->toIso()) : std::nullopt;
}

std::optional<Date> dateOrNull(const Statement& s, int column) {
    if (s.columnIsNull(column)) return std::nullopt;
    return Date::parseIso(s.columnText(column));
}

Date dateOf(const Statement& s, int column) {
    auto d = Date::parseIso(s.columnText(column));
    if (!d) throw StorageError(ErrorCode::StorageUnavailable, "bad date in database");
    return *d;
}

std::string joinAmounts(const std::vector<Money>& amounts) {
    std::string out;
    for (Money m : amounts) {
        if (!out.empty()) out += ',';
        out += std::to_string(m.minor());
    }
    return out;
}

std::vector<Money> splitAmounts(std::string_view text, Currency currency) {
    std::vector<Money> out;
    while (!text.empty()) {
        std::size_t comma = text.find(',');
        std::string_view part = text.substr(0, comma);
        std::int64_t value = 0;
        std::from_chars(part.data(), part.data() + part.size(), value);
        out.push_back(Money::fromMinor(value, currency));
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    }
    return out;
}

template <typename T>
T enumFrom(std::optional<T> parsed) {
    if (!parsed)
        throw StorageError(ErrorCode::StorageUnavailable, "unknown enum value in database");
    return *parsed;
}

constexpr const char* kProductColumns =
    "id, code, name, bin, pan_length, named, currency, max_balance_minor, reloadable, "
    "validity_months, load_amounts, purchase_max_minor, daily_spend_max_minor, daily_count_max, "
    "pin_threshold_minor, scope_group_id";

CardProduct readProduct(const Statement& s) {
    CardProduct p;
    p.id = s.columnInt(0);
    p.code = s.columnText(1);
    p.name = s.columnText(2);
    p.bin = s.columnText(3);
    p.pan_length = static_cast<std::size_t>(s.columnInt(4));
    p.named = s.columnInt(5) != 0;
    p.currency = currencyOf(s.columnInt(6));
    p.max_balance = Money::fromMinor(s.columnInt(7), p.currency);
    p.reloadable = s.columnInt(8) != 0;
    p.validity_months = static_cast<int>(s.columnInt(9));
    p.load_amounts = splitAmounts(s.columnText(10), p.currency);
    p.purchase_max = Money::fromMinor(s.columnInt(11), p.currency);
    p.daily_spend_max = Money::fromMinor(s.columnInt(12), p.currency);
    p.daily_count_max = static_cast<int>(s.columnInt(13));
    p.pin_threshold_daily = Money::fromMinor(s.columnInt(14), p.currency);
    p.scope_group = s.columnOptionalInt(15);
    return p;
}

Merchant readMerchant(const Statement& s) {
    Merchant m;
    m.id = s.columnInt(0);
    m.mid = s.columnText(1);
    m.name = s.columnText(2);
    m.group = s.columnOptionalInt(3);
    m.fee_bps = s.columnInt(4);
    m.fee_mode = s.columnText(5) == "NET" ? FeeMode::Net : FeeMode::Gross;
    m.settle_days = static_cast<int>(s.columnInt(6));
    m.bank_name = s.columnText(7);
    m.bank_account = s.columnText(8);
    return m;
}

constexpr const char* kCardColumns =
    "id, product_id, batch_id, state, currency, balance_minor, held_minor, pan_masked, pan_lookup, "
    "pan_enc, pvv, expiry, location, order_id, buyer_key, activated_on, pin_failures, "
    "pin_locked_until_ms, spend_day, spent_today_minor, count_today";

Card readCard(const Statement& s) {
    Card c;
    c.id = s.columnInt(0);
    c.product_id = s.columnInt(1);
    c.batch_id = s.columnInt(2);
    c.state = enumFrom(cardStateFromString(s.columnText(3)));
    Currency currency = currencyOf(s.columnInt(4));
    c.balance = Money::fromMinor(s.columnInt(5), currency);
    c.held = Money::fromMinor(s.columnInt(6), currency);
    c.pan_masked = s.columnText(7);
    c.pan_lookup = s.columnBlob(8);
    c.pan_encrypted = s.columnBlob(9);
    c.pvv = s.columnBlob(10);
    c.expiry = dateOrNull(s, 11);
    c.location = s.columnText(12);
    c.order_id = s.columnOptionalInt(13);
    c.buyer_key = s.columnText(14);
    c.activated_on = dateOrNull(s, 15);
    c.pin_failures = static_cast<int>(s.columnInt(16));
    c.pin_locked_until_ms = s.columnInt(17);
    c.spend_day = dateOrNull(s, 18);
    c.spent_today = Money::fromMinor(s.columnInt(19), currency);
    c.count_today = static_cast<int>(s.columnInt(20));
    return c;
}

// Binds every card column after the id, starting at `first` (the id goes elsewhere).
void bindCardFields(Statement& s, const Card& c, int first) {
    // Columns in kCardColumns order after the id.
    int i = first;
    auto next = [&i] { return i++; };
    s.bind(next(), c.product_id);
    s.bind(next(), c.batch_id);
    s.bind(next(), toString(c.state));
    s.bind(next(), cur(c.balance.currency()));
    s.bind(next(), c.balance.minor());
    s.bind(next(), c.held.minor());
    s.bind(next(), std::string_view(c.pan_masked));
    s.bindBlob(next(), c.pan_lookup);
    s.bindBlob(next(), c.pan_encrypted);
    s.bindBlob(next(), c.pvv);
    s.bindOptionalText(next(), isoOrNull(c.expiry));
    s.bind(next(), std::string_view(c.location));
    s.bindOptional(next(), c.order_id);
    s.bind(next(), std::string_view(c.buyer_key));
    s.bindOptionalText(next(), isoOrNull(c.activated_on));
    s.bind(next(), static_cast<std::int64_t>(c.pin_failures));
    s.bind(next(), c.pin_locked_until_ms);
    s.bindOptionalText(next(), isoOrNull(c.spend_day));
    s.bind(next(), c.spent_today.minor());
    s.bind(next(), static_cast<std::int64_t>(c.count_today));
}

constexpr const char* kTxnColumns =
    "id, kind, state, decline, card_id, counter_card_id, merchant_id, currency, amount_minor, "
    "original_id, refunded_minor, idem_key, business_date, at_ms, entry_id, balance_after_minor, "
    "terminal_id, batch_no, trace_no, hold_open_minor";

ErrorCode declineFrom(std::string_view text) {
    for (int i = 0; i <= static_cast<int>(ErrorCode::StorageFull); ++i) {
        if (toString(static_cast<ErrorCode>(i)) == text) return static_cast<ErrorCode>(i);
    }
    throw StorageError(ErrorCode::StorageUnavailable, "unknown decline code in database");
}

CardTxn readTxn(const Statement& s) {
    CardTxn t;
    t.id = s.columnInt(0);
    t.kind = enumFrom(txnKindFromString(s.columnText(1)));
    t.state = enumFrom(txnStateFromString(s.columnText(2)));
    if (t.state == TxnState::Declined) t.decline = declineFrom(s.columnText(3));
    t.card_id = s.columnInt(4);
    t.counter_card_id = s.columnOptionalInt(5);
    t.merchant_id = s.columnOptionalInt(6);
    Currency currency = currencyOf(s.columnInt(7));
    t.amount = Money::fromMinor(s.columnInt(8), currency);
    t.original_id = s.columnOptionalInt(9);
    t.refunded = Money::fromMinor(s.columnInt(10), currency);
    t.idem_key = s.columnText(11);
    t.business_date = dateOf(s, 12);
    t.at_ms = s.columnInt(13);
    t.entry_id = s.columnOptionalInt(14);
    t.balance_after = Money::fromMinor(s.columnInt(15), currency);
    t.terminal_id = s.columnOptionalInt(16);
    t.batch_no = static_cast<int>(s.columnInt(17));
    t.trace_no = static_cast<int>(s.columnInt(18));
    t.hold_open = Money::fromMinor(s.columnInt(19), currency);
    return t;
}

void bindTxnFields(Statement& s, const CardTxn& t, int first) {
    // Columns in kTxnColumns order after the id.
    int i = first;
    auto next = [&i] { return i++; };
    s.bind(next(), toString(t.kind));
    s.bind(next(), toString(t.state));
    s.bind(next(), t.state == TxnState::Declined ? toString(t.decline) : std::string_view{});
    s.bind(next(), t.card_id);
    s.bindOptional(next(), t.counter_card_id);
    s.bindOptional(next(), t.merchant_id);
    s.bind(next(), cur(t.amount.currency()));
    s.bind(next(), t.amount.minor());
    s.bindOptional(next(), t.original_id);
    s.bind(next(), t.refunded.minor());
    if (t.idem_key.empty()) {
        s.bindNull(next());
    } else {
        s.bind(next(), std::string_view(t.idem_key));
    }
    s.bind(next(), t.business_date.toIso());
    s.bind(next(), t.at_ms);
    s.bindOptional(next(), t.entry_id);
    s.bind(next(), t.balance_after.minor());
    s.bindOptional(next(), t.terminal_id);
    s.bind(next(), std::int64_t{t.batch_no});
    s.bind(next(), std::int64_t{t.trace_no});
    s.bind(next(), t.hold_open.minor());
}

}  // namespace

Statement& SqliteStoreTx::stmt(const char* sql) {
    auto& slot = statements_[sql];
    if (!slot) slot = std::make_unique<Statement>(db_, sql);
    slot->reset();
    return *slot;
}

std::vector<CardId> SqliteStoreTx::ids(Statement& s) {
    std::vector<CardId> out;
    while (s.step()) out.push_back(s.columnInt(0));
    s.reset();
    return out;
}

void SqliteStoreTx::resetCaches() {
    card_indexed_.reset();
    business_date_.reset();
    products_.clear();
    merchants_.clear();
}

Date SqliteStoreTx::businessDate() {
    if (business_date_) return *business_date_;
    auto& s = stmt("SELECT value FROM setting WHERE key = 'business_date'");
    if (!s.step()) throw StorageError(ErrorCode::StorageUnavailable, "business date not set");
    Date d = dateOf(s, 0);
    s.reset();
    business_date_ = d;
    return d;
}

void SqliteStoreTx::setBusinessDate(Date date) {
    business_date_.reset();
    stmt(
        "INSERT INTO setting(key, value) VALUES ('business_date', ?1) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(1, date.toIso())
        .run();
}

ProductId SqliteStoreTx::insertProduct(const CardProduct& p) {
    auto& s = stmt(
        "INSERT INTO product (code, name, bin, pan_length, named, currency, max_balance_minor, "
        "reloadable, validity_months, load_amounts, purchase_max_minor, daily_spend_max_minor, "
        "daily_count_max, pin_threshold_minor, scope_group_id) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
    s.bind(1, std::string_view(p.code))
        .bind(2, std::string_view(p.name))
        .bind(3, std::string_view(p.bin));
    s.bind(4, static_cast<std::int64_t>(p.pan_length)).bind(5, std::int64_t{p.named});
    s.bind(6, cur(p.currency)).bind(7, p.max_balance.minor()).bind(8, std::int64_t{p.reloadable});
    s.bind(9, std::int64_t{p.validity_months}).bind(10, joinAmounts(p.load_amounts));
    s.bind(11, p.purchase_max.minor()).bind(12, p.daily_spend_max.minor());
    s.bind(13, std::int64_t{p.daily_count_max}).bind(14, p.pin_threshold_daily.minor());
    s.bindOptional(15, p.scope_group);
    s.run();
    return db_.lastInsertId();
}

std::optional<CardProduct> SqliteStoreTx::product(ProductId id) {
    if (auto it = products_.find(id); it != products_.end()) return it->second;
    static const std::string sql =
        std::string("SELECT ") + kProductColumns + " FROM product WHERE id = ?1";
    auto& s = stmt(sql.c_str());
    s.bind(1, id);
    std::optional<CardProduct> out;
    if (s.step()) out = readProduct(s);
    s.reset();
    if (out) products_.emplace(id, *out);
    return out;
}

std::optional<CardProduct> SqliteStoreTx::productByCode(std::string_view code) {
    static const std::string sql =
        std::string("SELECT ") + kProductColumns + " FROM product WHERE code = ?1";
    auto& s = stmt(sql.c_str());
    s.bind(1, code);
    std::optional<CardProduct> out;
    if (s.step()) out = readProduct(s);
    s.reset();
    return out;
}

MerchantGroupId SqliteStoreTx::insertMerchantGroup(std::string_view code, std::string_view name) {
    stmt("INSERT INTO merchant_group (code, name) VALUES (?1, ?2)")
        .bind(1, code)
        .bind(2, name)
        .run();
    return db_.lastInsertId();
}

MerchantId SqliteStoreTx::insertMerchant(const Merchant& m) {
    auto& s = stmt(
        "INSERT INTO merchant (mid, name, group_id, fee_bps, fee_mode, settle_days, bank_name, "
        "bank_account) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    s.bind(1, std::string_view(m.mid)).bind(2, std::string_view(m.name)).bindOptional(3, m.group);
    s.bind(4, m.fee_bps).bind(5, m.fee_mode == FeeMode::Net ? "NET" : "GROSS");
    s.bind(6, std::int64_t{m.settle_days}).bind(7, std::string_view(m.bank_name));
    s.bind(8, std::string_view(m.bank_account));
    s.run();
    return db_.lastInsertId();
}

std::optional<Merchant> SqliteStoreTx::merchant(MerchantId id) {
    if (auto it = merchants_.find(id); it != merchants_.end()) return it->second;
    auto& s = stmt(
        "SELECT id, mid, name, group_id, fee_bps, fee_mode, settle_days, bank_name, bank_account "
        "FROM merchant WHERE id = ?1");
    s.bind(1, id);
    std::optional<Merchant> out;
    if (s.step()) out = readMerchant(s);
    s.reset();
    if (out) merchants_.emplace(id, *out);
    return out;
}

std::optional<Merchant> SqliteStoreTx::merchantByMid(std::string_view mid) {
    auto& s = stmt(
        "SELECT id, mid, name, group_id, fee_bps, fee_mode, settle_days, bank_name, bank_account "
        "FROM merchant WHERE mid = ?1");
    s.bind(1, mid);
    std::optional<Merchant> out;
    if (s.step()) out = readMerchant(s);
    s.reset();
    return out;
}

// --- admin API (issue 6): merchant fee changes (maker-checker) ---
void SqliteStoreTx::updateMerchant(const Merchant& m) {
    auto& s = stmt(
        "UPDATE merchant SET name = ?2, group_id = ?3, fee_bps = ?4, fee_mode = ?5, "
        "settle_days = ?6, bank_name = ?7, bank_account = ?8 WHERE id = ?1");
    s.bind(1, m.id).bind(2, std::string_view(m.name)).bindOptional(3, m.group);
    s.bind(4, m.fee_bps).bind(5, m.fee_mode == FeeMode::Net ? "NET" : "GROSS");
    s.bind(6, std::int64_t{m.settle_days}).bind(7, std::string_view(m.bank_name));
    s.bind(8, std::string_view(m.bank_account));
    s.run();
    merchants_.erase(m.id);
}

namespace {
constexpr const char* kTerminalColumns =
    "id, tid, merchant_id, store_id, state, tmk_wrapped, session_nonce, batch_no, signed_on_at_ms";

Terminal readTerminal(const Statement& s) {
    Terminal t;
    t.id = s.columnInt(0);
    t.tid = s.columnText(1);
    t.merchant_id = s.columnInt(2);
    t.store_id = s.columnOptionalInt(3);
    t.state = s.columnText(4) == "ACTIVE" ? TerminalState::Active : TerminalState::Disabled;
    t.tmk_wrapped = s.columnBlob(5);
    t.session_nonce = s.columnBlob(6);
    t.batch_no = static_cast<int>(s.columnInt(7));
    t.signed_on_at_ms = s.columnInt(8);
    return t;
}

void bindTerminalFields(Statement& s, const Terminal& t) {
    s.bind(2, std::string_view(t.tid));
    s.bind(3, t.merchant_id);
    s.bindOptional(4, t.store_id);
    s.bind(5, t.state == TerminalState::Active ? "ACTIVE" : "DISABLED");
    s.bindBlob(6, t.tmk_wrapped);
    s.bindBlob(7, t.session_nonce);
    s.bind(8, std::int64_t{t.batch_no});
    s.bind(9, t.signed_on_at_ms);
}
}  // namespace

StoreId SqliteStoreTx::insertMerchantStore(const MerchantStore& m) {
    stmt("INSERT INTO merchant_store (merchant_id, name, address) VALUES (?1, ?2, ?3)")
        .bind(1, m.merchant_id)
        .bind(2, std::string_view(m.name))
        .bind(3, std::string_view(m.address))
        .run();
    return db_.lastInsertId();
}

TerminalId SqliteStoreTx::insertTerminal(const Terminal& t) {
    auto& s = stmt(
        "INSERT INTO terminal (tid, merchant_id, store_id, state, tmk_wrapped, session_nonce, "
        "batch_no, signed_on_at_ms) VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    bindTerminalFields(s, t);
    s.run();
    return db_.lastInsertId();
}

std::optional<Terminal> SqliteStoreTx::terminal(TerminalId id) {
    static const std::string sql =
        std::string("SELECT ") + kTerminalColumns + " FROM terminal WHERE id = ?1";
    auto& s = stmt(sql.c_str());
    s.bind(1, id);
    std::optional<Terminal> out;
    if (s.step()) out = readTerminal(s);
    s.reset();
    return out;
}

std::optional<Terminal> SqliteStoreTx::terminalByTid(std::string_view tid) {
    static const std::string sql =
        std::string("SELECT ") + kTerminalColumns + " FROM terminal WHERE tid = ?1";
    auto& s = stmt(sql.c_str());
    s.bind(1, tid);
    std::optional<Terminal> out;
    if (s.step()) out = readTerminal(s);
    s.reset();
    return out;
}

void SqliteStoreTx::updateTerminal(const Terminal& t) {
    auto& s = stmt(
        "UPDATE terminal SET tid = ?2, merchant_id = ?3, store_id = ?4, state = ?5, tmk_wrapped = "
        "?6, "
        "session_nonce = ?7, batch_no = ?8, signed_on_at_ms = ?9 WHERE id = ?1");
    s.bind(1, t.id);
    bindTerminalFields(s, t);
    s.run();
}

std::vector<Terminal> SqliteStoreTx::terminals() {
    static const std::string sql =
        std::string("SELECT ") + kTerminalColumns + " FROM terminal ORDER BY id";
    auto& s = stmt(sql.c_str());
    std::vector<Terminal> out;
    while (s.step()) out.push_back(readTerminal(s));
    s.reset();
    return out;
}

BatchTotals SqliteStoreTx::hostBatchTotals(TerminalId terminal_id, int batch_no) {
    auto& s = stmt(
        "SELECT "
        "COALESCE(SUM(CASE WHEN kind IN ('purchase', 'preauth_completion') THEN amount_minor END), "
        "0), "
        "COUNT(CASE WHEN kind IN ('purchase', 'preauth_completion') THEN 1 END), "
        "COALESCE(SUM(CASE WHEN kind = 'refund' THEN amount_minor END), 0), "
        "COUNT(CASE WHEN kind = 'refund' THEN 1 END) "
        "FROM card_txn WHERE terminal_id = ?1 AND batch_no = ?2 AND state = 'APPROVED'");
    s.bind(1, terminal_id).bind(2, std::int64_t{batch_no});
    s.step();
    BatchTotals t;
    t.debit = Money::fromMinor(s.columnInt(0), Currency::Cny);
    t.debit_count = static_cast<int>(s.columnInt(1));
    t.credit = Money::fromMinor(s.columnInt(2), Currency::Cny);
    t.credit_count = static_cast<int>(s.columnInt(3));
    s.reset();
    return t;
}

bool SqliteStoreTx::insertTerminalBatch(TerminalId terminal_id, int batch_no, Date business_date,
                                        const BatchTotals& host, const BatchTotals& reported,
                                        TimestampMs at_ms) {
    auto& s = stmt(
        "INSERT INTO terminal_batch (terminal_id, batch_no, business_date, host_debit_minor, "
        "host_debit_count, host_credit_minor, host_credit_count, reported_debit_minor, "
        "reported_debit_count, reported_credit_minor, reported_credit_count, balanced, at_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
        "ON CONFLICT(terminal_id, batch_no) DO NOTHING");
    s.bind(1, terminal_id).bind(2, std::int64_t{batch_no}).bind(3, business_date.toIso());
    s.bind(4, host.debit.minor()).bind(5, std::int64_t{host.debit_count});
    s.bind(6, host.credit.minor()).bind(7, std::int64_t{host.credit_count});
    s.bind(8, reported.debit.minor()).bind(9, std::int64_t{reported.debit_count});
    s.bind(10, reported.credit.minor()).bind(11, std::int64_t{reported.credit_count});
    s.bind(12, std::int64_t{host == reported}).bind(13, at_ms);
    s.run();
    return db_.changes() == 1;
}

bool SqliteStoreTx::terminalBatchSettled(TerminalId terminal_id, int batch_no) {
    auto& s = stmt("SELECT 1 FROM terminal_batch WHERE terminal_id = ?1 AND batch_no = ?2");
    s.bind(1, terminal_id).bind(2, std::int64_t{batch_no});
    bool found = s.step();
    s.reset();
    return found;
}

std::vector<CardTxn> SqliteStoreTx::countedBatchTxns(TerminalId terminal_id, int batch_no) {
    // The same selection as hostBatchTotals.
    static const std::string sql =
        std::string("SELECT ") + kTxnColumns +
        " FROM card_txn WHERE terminal_id = ?1 AND batch_no = ?2 AND state = 'APPROVED' AND kind "
        "IN ('purchase', 'preauth_completion', 'refund') ORDER BY trace_no";
    auto& s = stmt(sql.c_str());
    s.bind(1, terminal_id).bind(2, std::int64_t{batch_no});
    std::vector<CardTxn> out;
    while (s.step()) out.push_back(readTxn(s));
    s.reset();
    return out;
}

bool SqliteStoreTx::insertBatchUploadItem(TerminalId terminal_id, int batch_no,
                                          const UploadedItem& item, std::optional<TxnId> host_txn,
                                          UploadMatch match, TimestampMs at_ms) {
    auto& s = stmt(
        "INSERT INTO terminal_batch_item (terminal_id, batch_no, trace_no, pan_lookup, pan_masked, "
        "amount_minor, host_txn_id, outcome, uploaded_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
        "?8, ?9) ON CONFLICT(terminal_id, batch_no, trace_no) DO NOTHING");
    s.bind(1, terminal_id).bind(2, std::int64_t{batch_no}).bind(3, std::int64_t{item.trace_no});
    s.bindBlob(4, item.pan_lookup).bind(5, std::string_view(item.masked_pan));
    s.bind(6, item.amount.minor()).bindOptional(7, host_txn);
    s.bind(8, toString(match)).bind(9, at_ms);
    s.run();
    return db_.changes() == 1;
}

std::vector<int> SqliteStoreTx::uploadedTraces(TerminalId terminal_id, int batch_no) {
    auto& s =
        stmt("SELECT trace_no FROM terminal_batch_item WHERE terminal_id = ?1 AND batch_no = ?2");
    s.bind(1, terminal_id).bind(2, std::int64_t{batch_no});
    std::vector<int> out;
    while (s.step()) out.push_back(static_cast<int>(s.columnInt(0)));
    s.reset();
    return out;
}

bool SqliteStoreTx::endBatchUpload(TerminalId terminal_id, int batch_no, int uploaded_count,
                                   TimestampMs at_ms) {
    auto& s = stmt(
        "UPDATE terminal_batch SET upload_count = ?3, upload_ended_at_ms = ?4 WHERE terminal_id = "
        "?1 AND batch_no = ?2 AND upload_ended_at_ms IS NULL");
    s.bind(1, terminal_id).bind(2, std::int64_t{batch_no}).bind(3, std::int64_t{uploaded_count});
    s.bind(4, at_ms);
    s.run();
    return db_.changes() == 1;
}

void SqliteStoreTx::insertReconException(std::string_view kind, std::string_view reference,
                                         std::string_view detail, TimestampMs at_ms) {
    stmt(
        "INSERT INTO recon_exception (kind, reference, detail, created_at_ms) VALUES (?1, ?2, ?3, "
        "?4)")
        .bind(1, kind)
        .bind(2, reference)
        .bind(3, detail)
        .bind(4, at_ms)
        .run();
}

namespace {
void bindBatchFields(Statement& s, const ProductionBatch& b) {
    s.bind(1, b.product_id).bind(2, b.quantity).bind(3, toString(b.state));
    s.bind(4, std::string_view(b.requested_by)).bind(5, std::string_view(b.approved_by));
    s.bind(6, b.requested_at_ms).bind(7, b.approved_at_ms).bind(8, b.generated_at_ms);
    s.bind(9, std::string_view(b.location)).bind(10, b.first_card_id).bind(11, b.last_card_id);
    s.bind(12, std::string_view(b.file_name)).bind(13, b.card_expiry.toIso());
}
}  // namespace

BatchId SqliteStoreTx::insertBatch(const ProductionBatch& b) {
    auto& s = stmt(
        "INSERT INTO production_batch (product_id, quantity, state, requested_by, approved_by, "
        "requested_at_ms, approved_at_ms, generated_at_ms, location, first_card_id, last_card_id, "
        "file_name, card_expiry) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    bindBatchFields(s, b);
    s.run();
    return db_.lastInsertId();
}

std::optional<ProductionBatch> SqliteStoreTx::batch(BatchId id) {
    auto& s = stmt(
        "SELECT product_id, quantity, state, requested_by, approved_by, requested_at_ms, "
        "approved_at_ms, generated_at_ms, location, first_card_id, last_card_id, file_name, "
        "card_expiry FROM production_batch WHERE id = ?1");
    s.bind(1, id);
    std::optional<ProductionBatch> out;
    if (s.step()) {
        ProductionBatch b;
        b.id = id;
        b.product_id = s.columnInt(0);
        b.quantity = s.columnInt(1);
        b.state = enumFrom(batchStateFromString(s.columnText(2)));
        b.requested_by = s.columnText(3);
        b.approved_by = s.columnText(4);
        b.requested_at_ms = s.columnInt(5);
        b.approved_at_ms = s.columnInt(6);
        b.generated_at_ms = s.columnInt(7);
        b.location = s.columnText(8);
        b.first_card_id = s.columnInt(9);
        b.last_card_id = s.columnInt(10);
        b.file_name = s.columnText(11);
        b.card_expiry = dateOf(s, 12);
        out = std::move(b);
    }
    s.reset();
    return out;
}

void SqliteStoreTx::updateBatch(const ProductionBatch& b) {
    auto& s = stmt(
        "UPDATE production_batch SET product_id = ?1, quantity = ?2, state = ?3, requested_by = "
        "?4, "
        "approved_by = ?5, requested_at_ms = ?6, approved_at_ms = ?7, generated_at_ms = ?8, "
        "location = ?9, first_card_id = ?10, last_card_id = ?11, file_name = ?12, card_expiry = "
        "?13 "
        "WHERE id = ?14");
    bindBatchFields(s, b);
    s.bind(14, b.id);
    s.run();
}

CardId SqliteStoreTx::maxCardId() {
    auto& s = stmt("SELECT COALESCE(MAX(id), 0) FROM card");
    s.step();
    CardId out = s.columnInt(0);
    s.reset();
    return out;
}

bool SqliteStoreTx::panLookupExists(const Bytes& lookup) {
    auto& s = stmt("SELECT 1 FROM card WHERE pan_lookup = ?1");
    s.bindBlob(1, lookup);
    bool found = s.step();
    s.reset();
    return found;
}

void SqliteStoreTx::insertCard(const Card& c) {
    static const std::string sql = std::string("INSERT INTO card (") + kCardColumns +
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                   "?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)";
    auto& s = stmt(sql.c_str());
    s.bind(1, c.id);
    bindCardFields(s, c, 2);
    s.run();
}

bool SqliteStoreTx::insertCardIfNewNumber(const Card& c) {
    // ON CONFLICT names pan_lookup only: a clash on the id is a programming error and still
    // throws.
    static const std::string sql = std::string("INSERT INTO card (") + kCardColumns +
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                   "?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21) "
                                   "ON CONFLICT(pan_lookup) DO NOTHING";
    auto& s = stmt(sql.c_str());
    s.bind(1, c.id);
    bindCardFields(s, c, 2);
    s.run();
    return db_.changes() == 1;
}

std::optional<Card> SqliteStoreTx::card(CardId id) {
    static const std::string sql =
        std::string("SELECT ") + kCardColumns + " FROM card WHERE id = ?1";
    auto& s = stmt(sql.c_str());
    s.bind(1, id);
    std::optional<Card> out;
    if (s.step()) out = readCard(s);
    s.reset();
    if (out) rememberIndexed(*out);
    return out;
}

std::optional<Card> SqliteStoreTx::cardByLookup(const Bytes& lookup) {
    static const std::string sql =
        std::string("SELECT ") + kCardColumns + " FROM card WHERE pan_lookup = ?1";
    auto& s = stmt(sql.c_str());
    s.bindBlob(1, lookup);
    std::optional<Card> out;
    if (s.step()) out = readCard(s);
    s.reset();
    if (out) rememberIndexed(*out);
    return out;
}

void SqliteStoreTx::rememberIndexed(const Card& c) {
    card_indexed_ = CardIndexed{c.id, c.state, c.expiry, c.location, c.order_id};
}

void SqliteStoreTx::updateCard(const Card& c) {
    // The number, its lookup hash and the PVV never change after generation: not rewritten.
    if (card_indexed_ && card_indexed_->sameAs(c)) {
        // Balances, limits and PIN counters only (purchases, refunds, PIN failures).
        auto& s = stmt(
            "UPDATE card SET currency = ?2, balance_minor = ?3, held_minor = ?4, buyer_key = ?5, "
            "activated_on = ?6, pin_failures = ?7, pin_locked_until_ms = ?8, spend_day = ?9, "
            "spent_today_minor = ?10, count_today = ?11 WHERE id = ?1");
        s.bind(1, c.id).bind(2, cur(c.balance.currency()));
        s.bind(3, c.balance.minor()).bind(4, c.held.minor());
        s.bind(5, std::string_view(c.buyer_key)).bindOptionalText(6, isoOrNull(c.activated_on));
        s.bind(7, std::int64_t{c.pin_failures}).bind(8, c.pin_locked_until_ms);
        s.bindOptionalText(9, isoOrNull(c.spend_day)).bind(10, c.spent_today.minor());
        s.bind(11, std::int64_t{c.count_today});
        s.run();
        return;
    }
    auto& s = stmt(
        "UPDATE card SET state = ?2, currency = ?3, balance_minor = ?4, held_minor = ?5, "
        "expiry = ?6, location = ?7, order_id = ?8, buyer_key = ?9, activated_on = ?10, "
        "pin_failures = ?11, pin_locked_until_ms = ?12, spend_day = ?13, spent_today_minor = ?14, "
        "count_today = ?15 WHERE id = ?1");
    s.bind(1, c.id).bind(2, toString(c.state)).bind(3, cur(c.balance.currency()));
    s.bind(4, c.balance.minor()).bind(5, c.held.minor()).bindOptionalText(6, isoOrNull(c.expiry));
    s.bind(7, std::string_view(c.location)).bindOptional(8, c.order_id);
    s.bind(9, std::string_view(c.buyer_key)).bindOptionalText(10, isoOrNull(c.activated_on));
    s.bind(11, std::int64_t{c.pin_failures}).bind(12, c.pin_locked_until_ms);
    s.bindOptionalText(13, isoOrNull(c.spend_day)).bind(14, c.spent_today.minor());
    s.bind(15, std::int64_t{c.count_today});
    s.run();
    rememberIndexed(c);
}

void SqliteStoreTx::insertCardEvent(const CardEvent& e) {
    stmt(
        "INSERT INTO card_event (card_id, from_state, to_state, actor_kind, actor_id, channel, "
        "reason, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .bind(1, e.card_id)
        .bind(2, toString(e.from))
        .bind(3, toString(e.to))
        .bind(4, toString(e.actor.kind))
        .bind(5, std::string_view(e.actor.id))
        .bind(6, toString(e.actor.channel))
        .bind(7, std::string_view(e.reason))
        .bind(8, e.at_ms)
        .run();
}

std::int64_t SqliteStoreTx::deleteProducedCards(BatchId batch) {
    card_indexed_.reset();
    stmt("DELETE FROM card WHERE batch_id = ?1 AND state = 'PRODUCED'").bind(1, batch).run();
    return db_.changes();
}

std::int64_t SqliteStoreTx::receiveBatchCards(BatchId batch, std::string_view location,
                                              const Actor& actor, TimestampMs at_ms) {
    card_indexed_.reset();
    stmt(
        "INSERT INTO card_event (card_id, from_state, to_state, actor_kind, actor_id, channel, "
        "reason, at_ms) SELECT id, 'PRODUCED', 'IN_STOCK', ?2, ?3, ?4, 'RECEIVED', ?5 FROM card "
        "WHERE batch_id = ?1 AND state = 'PRODUCED'")
        .bind(1, batch)
        .bind(2, toString(actor.kind))
        .bind(3, std::string_view(actor.id))
        .bind(4, toString(actor.channel))
        .bind(5, at_ms)
        .run();
    stmt(
        "UPDATE card SET state = 'IN_STOCK', location = ?2 WHERE batch_id = ?1 AND state = "
        "'PRODUCED'")
        .bind(1, batch)
        .bind(2, location)
        .run();
    return db_.changes();
}

std::vector<CardId> SqliteStoreTx::freeStock(ProductId product, std::string_view location,
                                             std::int64_t count) {
    auto& s = stmt(
        "SELECT id FROM card WHERE product_id = ?1 AND state = 'IN_STOCK' AND location = ?2 "
        "AND order_id IS NULL ORDER BY id LIMIT ?3");
    s.bind(1, product).bind(2, location).bind(3, count);
    return ids(s);
}

std::vector<CardId> SqliteStoreTx::freeStockRange(ProductId product, CardId first, CardId last) {
    auto& s = stmt(
        "SELECT id FROM card WHERE id BETWEEN ?2 AND ?3 AND product_id = ?1 AND state = 'IN_STOCK' "
        "AND order_id IS NULL ORDER BY id");
    s.bind(1, product).bind(2, first).bind(3, last);
    return ids(s);
}

void SqliteStoreTx::reserveCards(const std::vector<CardId>& cards, std::optional<OrderId> order) {
    card_indexed_.reset();
    auto& s = stmt("UPDATE card SET order_id = ?2 WHERE id = ?1");
    for (CardId id : cards) {
        s.bind(1, id).bindOptional(2, order);
        s.run();
    }
}

std::vector<CardId> SqliteStoreTx::cardsExpiringBefore(Date date, std::int64_t limit) {
    auto& s =
        stmt("SELECT id FROM card WHERE state = 'ACTIVE' AND expiry < ?1 ORDER BY id LIMIT ?2");
    s.bind(1, date.toIso()).bind(2, limit);
    return ids(s);
}

std::vector<CardId> SqliteStoreTx::expiredCardsWithBalanceBefore(Date date, std::int64_t limit) {
    auto& s = stmt(
        "SELECT id FROM card WHERE state = 'EXPIRED' AND expiry <= ?1 AND balance_minor > 0 "
        "ORDER BY id LIMIT ?2");
    s.bind(1, date.toIso()).bind(2, limit);
    return ids(s);
}

OrderId SqliteStoreTx::insertOrder(const SalesOrder& o) {
    auto& s = stmt(
        "INSERT INTO sales_order (state, buyer_kind, buyer_name, buyer_id_type, buyer_id_number, "
        "buyer_credit_code, buyer_contact, buyer_key, location, currency, discount_minor, "
        "face_total_minor, pay_total_minor, payment_method, invoice_wanted, invoice_title, "
        "invoice_tax_id, agent, structuring_flag, created_by, created_at_ms, created_on, "
        "paid_at_ms, business_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
        "?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)");
    const Buyer& b = o.buyer;
    s.bind(1, toString(o.state)).bind(2, toString(b.kind)).bind(3, std::string_view(b.name));
    s.bindOptionalText(4,
                       b.id_type ? std::optional(std::string(toString(*b.id_type))) : std::nullopt);
    s.bind(5, std::string_view(b.id_number)).bind(6, std::string_view(b.credit_code));
    s.bind(7, std::string_view(b.contact))
        .bind(8, buyerKey(b))
        .bind(9, std::string_view(o.location));
    s.bind(10, cur(o.face_total.currency())).bind(11, o.discount.minor());
    s.bind(12, o.face_total.minor()).bind(13, o.pay_total.minor());
    s.bind(14, toString(o.payment_method)).bind(15, std::int64_t{o.invoice_wanted});
    s.bind(16, std::string_view(o.invoice_title)).bind(17, std::string_view(o.invoice_tax_id));
    s.bind(18, std::string_view(o.agent)).bind(19, std::int64_t{o.structuring_flag});
    s.bind(20, std::string_view(o.created_by)).bind(21, o.created_at_ms);
    s.bind(22, businessDate().toIso()).bind(23, o.paid_at_ms);
    s.bindOptionalText(24, isoOrNull(o.business_date));
    s.run();
    OrderId id = db_.lastInsertId();
    auto& line_stmt = stmt(
        "INSERT INTO sales_order_line (order_id, line_no, product_id, count, first_card_id, "
        "last_card_id, load_each_minor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    std::int64_t line_no = 0;
    for (const OrderLine& l : o.lines) {
        line_stmt.bind(1, id).bind(2, line_no++).bind(3, l.product_id).bind(4, l.count);
        line_stmt.bindOptional(5, l.first_card_id).bindOptional(6, l.last_card_id);
        line_stmt.bind(7, l.load_each.minor());
        line_stmt.run();
    }
    auto& card_stmt =
        stmt("INSERT INTO sales_order_card (order_id, seq, card_id) VALUES (?1, ?2, ?3)");
    std::int64_t seq = 0;
    for (CardId c : o.card_ids) {
        card_stmt.bind(1, id).bind(2, seq++).bind(3, c);
        card_stmt.run();
    }
    return id;
}

std::optional<SalesOrder> SqliteStoreTx::order(OrderId id) {
    auto& s = stmt(
        "SELECT state, buyer_kind, buyer_name, buyer_id_type, buyer_id_number, buyer_credit_code, "
        "buyer_contact, location, currency, discount_minor, face_total_minor, pay_total_minor, "
        "payment_method, invoice_wanted, invoice_title, invoice_tax_id, agent, structuring_flag, "
        "created_by, created_at_ms, paid_at_ms, business_date FROM sales_order WHERE id = ?1");
    s.bind(1, id);
    if (!s.step()) {
        s.reset();
        return std::nullopt;
    }
    SalesOrder o;
    o.id = id;
    o.state = enumFrom(orderStateFromString(s.columnText(0)));
    o.buyer.kind = enumFrom(buyerKindFromString(s.columnText(1)));
    o.buyer.name = s.columnText(2);
    if (!s.columnIsNull(3)) o.buyer.id_type = enumFrom(idTypeFromString(s.columnText(3)));
    o.buyer.id_number = s.columnText(4);
    o.buyer.credit_code = s.columnText(5);
    o.buyer.contact = s.columnText(6);
    o.location = s.columnText(7);
    Currency currency = currencyOf(s.columnInt(8));
    o.discount = Money::fromMinor(s.columnInt(9), currency);
    o.face_total = Money::fromMinor(s.columnInt(10), currency);
    o.pay_total = Money::fromMinor(s.columnInt(11), currency);
    o.payment_method = enumFrom(paymentMethodFromString(s.columnText(12)));
    o.invoice_wanted = s.columnInt(13) != 0;
    o.invoice_title = s.columnText(14);
    o.invoice_tax_id = s.columnText(15);
    o.agent = s.columnText(16);
    o.structuring_flag = s.columnInt(17) != 0;
    o.created_by = s.columnText(18);
    o.created_at_ms = s.columnInt(19);
    o.paid_at_ms = s.columnInt(20);
    o.business_date = dateOrNull(s, 21);
    s.reset();
    auto& lines = stmt(
        "SELECT product_id, count, first_card_id, last_card_id, load_each_minor "
        "FROM sales_order_line WHERE order_id = ?1 ORDER BY line_no");
    lines.bind(1, id);
    while (lines.step()) {
        OrderLine l;
        l.product_id = lines.columnInt(0);
        l.count = lines.columnInt(1);
        l.first_card_id = lines.columnOptionalInt(2);
        l.last_card_id = lines.columnOptionalInt(3);
        l.load_each = Money::fromMinor(lines.columnInt(4), currency);
        o.lines.push_back(l);
    }
    lines.reset();
    auto& cards = stmt("SELECT card_id FROM sales_order_card WHERE order_id = ?1 ORDER BY seq");
    cards.bind(1, id);
    o.card_ids = ids(cards);
    return o;
}

void SqliteStoreTx::updateOrder(const SalesOrder& o) {
    stmt(
        "UPDATE sales_order SET state = ?2, structuring_flag = ?3, paid_at_ms = ?4, "
        "business_date = ?5 WHERE id = ?1")
        .bind(1, o.id)
        .bind(2, toString(o.state))
        .bind(3, std::int64_t{o.structuring_flag})
        .bind(4, o.paid_at_ms)
        .bindOptionalText(5, isoOrNull(o.business_date))
        .run();
}

void SqliteStoreTx::insertPayment(OrderId order, const Payment& p, TimestampMs at_ms) {
    stmt(
        "INSERT INTO payment (order_id, method, amount_minor, currency, payer_name, payer_account, "
        "reference, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .bind(1, order)
        .bind(2, toString(p.method))
        .bind(3, p.amount.minor())
        .bind(4, cur(p.amount.currency()))
        .bind(5, std::string_view(p.payer_name))
        .bind(6, std::string_view(p.payer_account))
        .bind(7, std::string_view(p.reference))
        .bind(8, at_ms)
        .run();
}

int SqliteStoreTx::countOrdersInBand(std::string_view buyer_key, Date day, Money min, Money max) {
    auto& s = stmt(
        "SELECT COUNT(*) FROM sales_order WHERE buyer_key = ?1 AND created_on = ?2 "
        "AND state != 'CANCELLED' AND pay_total_minor >= ?3 AND pay_total_minor < ?4");
    s.bind(1, buyer_key).bind(2, day.toIso()).bind(3, min.minor()).bind(4, max.minor());
    s.step();
    auto n = static_cast<int>(s.columnInt(0));
    s.reset();
    return n;
}

TxnId SqliteStoreTx::insertTxn(const CardTxn& t) {
    static const std::string sql = std::string("INSERT INTO card_txn (") + (kTxnColumns + 4) +
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                   "?13, ?14, ?15, ?16, ?17, ?18, "
                                   "?19)";
    auto& s = stmt(sql.c_str());
    bindTxnFields(s, t, 1);
    s.run();
    return db_.lastInsertId();
}

std::optional<CardTxn> SqliteStoreTx::txn(TxnId id) {
    static const std::string sql =
        std::string("SELECT ") + kTxnColumns + " FROM card_txn WHERE id = ?1";
    auto& s = stmt(sql.c_str());
    s.bind(1, id);
    std::optional<CardTxn> out;
    if (s.step()) out = readTxn(s);
    s.reset();
    return out;
}

std::optional<CardTxn> SqliteStoreTx::txnByIdemKey(std::string_view key) {
    static const std::string sql =
        std::string("SELECT ") + kTxnColumns + " FROM card_txn WHERE idem_key = ?1";
    auto& s = stmt(sql.c_str());
    s.bind(1, key);
    std::optional<CardTxn> out;
    if (s.step()) out = readTxn(s);
    s.reset();
    return out;
}

void SqliteStoreTx::updateTxn(const CardTxn& t) {
    // Only what may change after the insert (store.h): rewriting the indexed columns (idem_key,
    // card_id, terminal_id and batch_no) would make SQLite rebuild three index entries on every
    // purchase for nothing.
    stmt(
        "UPDATE card_txn SET state = ?1, decline = ?2, refunded_minor = ?3, entry_id = ?4, "
        "balance_after_minor = ?5, hold_open_minor = ?6 WHERE id = ?7")
        .bind(1, toString(t.state))
        .bind(2, t.state == TxnState::Declined ? toString(t.decline) : std::string_view{})
        .bind(3, t.refunded.minor())
        .bindOptional(4, t.entry_id)
        .bind(5, t.balance_after.minor())
        .bind(6, t.hold_open.minor())
        .bind(7, t.id)
        .run();
}

std::optional<EntryId> SqliteStoreTx::entryByEventKey(std::string_view event_key) {
    auto& s = stmt("SELECT id FROM journal_entry WHERE event_key = ?1");
    s.bind(1, event_key);
    std::optional<EntryId> out;
    if (s.step()) out = s.columnInt(0);
    s.reset();
    return out;
}

EntryId SqliteStoreTx::insertEntry(const JournalEntry& e) {
    stmt(
        "INSERT INTO journal_entry (event_key, event_type, business_date, at_ms, memo) "
        "VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(1, std::string_view(e.event_key))
        .bind(2, std::string_view(e.event_type))
        .bind(3, e.business_date.toIso())
        .bind(4, e.at_ms)
        .bind(5, std::string_view(e.memo))
        .run();
    EntryId id = db_.lastInsertId();
    auto& s = stmt(
        "INSERT INTO journal_line (entry_id, line_no, account, sub_id, currency, debit_minor, "
        "credit_minor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    std::int64_t line_no = 0;
    for (const JournalLine& l : e.lines) {
        bool debit = l.side == Side::Debit;
        s.bind(1, id).bind(2, line_no++).bind(3, static_cast<std::int64_t>(l.account.code));
        s.bind(4, l.account.sub).bind(5, cur(l.amount.currency()));
        s.bind(6, debit ? l.amount.minor() : 0).bind(7, debit ? 0 : l.amount.minor());
        s.run();
    }
    return id;
}

}  // namespace yika::store
