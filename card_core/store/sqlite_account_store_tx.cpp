#include "card_core/store/sqlite_account_store_tx.h"

namespace yika::store {

namespace {

Currency currencyOf(std::int64_t numeric) {
    auto c = currencyFromNumeric(static_cast<std::uint16_t>(numeric));
    if (!c) throw StorageError(ErrorCode::StorageUnavailable, "unknown currency in database");
    return *c;
}

constexpr const char* kAccountColumns =
    "SELECT id, login, password_hash, pay_password_hash, created_at_ms FROM account ";

constexpr const char* kOrderColumns =
    "SELECT id, token, merchant_id, merchant_order_id, currency, amount_minor, description, "
    "return_url, callback_url, state, account_id, refunded_minor, created_at_ms, expires_at_ms, "
    "paid_at_ms, shop_tid FROM payment_order ";

PaymentOrder readOrder(const Statement& s) {
    PaymentOrder o;
    o.id = s.columnInt(0);
    o.token = s.columnText(1);
    o.merchant_id = s.columnInt(2);
    o.merchant_order_id = s.columnText(3);
    Currency currency = currencyOf(s.columnInt(4));
    o.amount = Money::fromMinor(s.columnInt(5), currency);
    o.description = s.columnText(6);
    o.return_url = s.columnText(7);
    o.callback_url = s.columnText(8);
    auto state = paymentOrderStateFromString(s.columnText(9));
    if (!state) throw StorageError(ErrorCode::StorageUnavailable, "unknown order state");
    o.state = *state;
    o.account_id = s.columnOptionalInt(10);
    o.refunded = Money::fromMinor(s.columnInt(11), currency);
    o.created_at_ms = s.columnInt(12);
    o.expires_at_ms = s.columnInt(13);
    o.paid_at_ms = s.columnInt(14);
    o.shop_tid = s.columnText(15);
    return o;
}

}  // namespace

Statement& SqliteAccountStoreTx::stmt(const char* sql) {
    auto& slot = statements_[sql];
    if (!slot) slot = std::make_unique<Statement>(db_, sql);
    slot->reset();
    return *slot;
}

std::optional<Account> SqliteAccountStoreTx::oneAccount(Statement& s) {
    std::optional<Account> out;
    if (s.step()) {
        out = Account{s.columnInt(0), s.columnText(1), s.columnText(2), s.columnText(3),
                      s.columnInt(4)};
    }
    s.reset();
    return out;
}

std::optional<PaymentOrder> SqliteAccountStoreTx::oneOrder(Statement& s) {
    std::optional<PaymentOrder> out;
    if (s.step()) out = readOrder(s);
    s.reset();
    return out;
}

AccountId SqliteAccountStoreTx::insertAccount(const Account& a) {
    stmt(
        "INSERT INTO account (login, password_hash, pay_password_hash, created_at_ms) "
        "VALUES (?1, ?2, ?3, ?4)")
        .bind(1, std::string_view(a.login))
        .bind(2, std::string_view(a.password_hash))
        .bind(3, std::string_view(a.pay_password_hash))
        .bind(4, a.created_at_ms)
        .run();
    return db_.lastInsertId();
}

std::optional<Account> SqliteAccountStoreTx::account(AccountId id) {
    static const std::string sql = std::string(kAccountColumns) + "WHERE id = ?1";
    auto& s = stmt(sql.c_str());
    s.bind(1, id);
    return oneAccount(s);
}

std::optional<Account> SqliteAccountStoreTx::accountByLogin(std::string_view login) {
    static const std::string sql = std::string(kAccountColumns) + "WHERE login = ?1";
    auto& s = stmt(sql.c_str());
    s.bind(1, login);
    return oneAccount(s);
}

void SqliteAccountStoreTx::updateAccount(const Account& a) {
    stmt("UPDATE account SET password_hash = ?2, pay_password_hash = ?3 WHERE id = ?1")
        .bind(1, a.id)
        .bind(2, std::string_view(a.password_hash))
        .bind(3, std::string_view(a.pay_password_hash))
        .run();
}

std::optional<AccountId> SqliteAccountStoreTx::bindingOf(CardId card) {
    auto& s = stmt("SELECT account_id FROM account_card WHERE card_id = ?1");
    s.bind(1, card);
    std::optional<AccountId> out;
    if (s.step()) out = s.columnInt(0);
    s.reset();
    return out;
}

void SqliteAccountStoreTx::insertBinding(AccountId account, CardId card, TimestampMs at_ms) {
    stmt("INSERT INTO account_card (card_id, account_id, bound_at_ms) VALUES (?1, ?2, ?3)")
        .bind(1, card)
        .bind(2, account)
        .bind(3, at_ms)
        .run();
}

void SqliteAccountStoreTx::deleteBinding(CardId card) {
    stmt("DELETE FROM account_card WHERE card_id = ?1").bind(1, card).run();
}

std::vector<CardId> SqliteAccountStoreTx::boundCards(AccountId account) {
    auto& s = stmt(
        "SELECT card_id FROM account_card WHERE account_id = ?1 ORDER BY bound_at_ms, card_id");
    s.bind(1, account);
    std::vector<CardId> out;
    while (s.step()) out.push_back(s.columnInt(0));
    s.reset();
    return out;
}

void SqliteAccountStoreTx::insertSession(const AccountSession& x) {
    stmt(
        "INSERT INTO account_session (token_hash, account_id, created_at_ms, expires_at_ms) "
        "VALUES (?1, ?2, ?3, ?4)")
        .bindBlob(1, x.token_hash)
        .bind(2, x.account_id)
        .bind(3, x.created_at_ms)
        .bind(4, x.expires_at_ms)
        .run();
}

std::optional<AccountSession> SqliteAccountStoreTx::session(const Bytes& token_hash) {
    auto& s = stmt(
        "SELECT account_id, created_at_ms, expires_at_ms FROM account_session "
        "WHERE token_hash = ?1");
    s.bindBlob(1, token_hash);
    std::optional<AccountSession> out;
    if (s.step()) out = AccountSession{token_hash, s.columnInt(0), s.columnInt(1), s.columnInt(2)};
    s.reset();
    return out;
}

void SqliteAccountStoreTx::deleteSession(const Bytes& token_hash) {
    stmt("DELETE FROM account_session WHERE token_hash = ?1").bindBlob(1, token_hash).run();
}

void SqliteAccountStoreTx::deleteSessionsOf(AccountId account) {
    stmt("DELETE FROM account_session WHERE account_id = ?1").bind(1, account).run();
}

void SqliteAccountStoreTx::insertAudit(const AccountAudit& a) {
    stmt(
        "INSERT INTO account_audit (at_ms, account_id, client, action, outcome, detail) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(1, a.at_ms)
        .bindOptional(2, a.account_id)
        .bind(3, std::string_view(a.client))
        .bind(4, std::string_view(a.action))
        .bind(5, std::string_view(a.outcome))
        .bind(6, std::string_view(a.detail))
        .run();
}

std::vector<TxnId> SqliteAccountStoreTx::cardHistory(CardId card, std::int64_t limit) {
    auto& s = stmt("SELECT id FROM card_txn WHERE card_id = ?1 ORDER BY id DESC LIMIT ?2");
    s.bind(1, card).bind(2, limit);
    std::vector<TxnId> out;
    while (s.step()) out.push_back(s.columnInt(0));
    s.reset();
    return out;
}

std::int64_t SqliteAccountStoreTx::insertPaymentOrder(const PaymentOrder& o) {
    stmt(
        "INSERT INTO payment_order (token, merchant_id, merchant_order_id, currency, "
        "amount_minor, description, return_url, callback_url, state, account_id, refunded_minor, "
        "created_at_ms, expires_at_ms, paid_at_ms, shop_tid) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)")
        .bind(1, std::string_view(o.token))
        .bind(2, o.merchant_id)
        .bind(3, std::string_view(o.merchant_order_id))
        .bind(4, static_cast<std::int64_t>(o.amount.currency()))
        .bind(5, o.amount.minor())
        .bind(6, std::string_view(o.description))
        .bind(7, std::string_view(o.return_url))
        .bind(8, std::string_view(o.callback_url))
        .bind(9, toString(o.state))
        .bindOptional(10, o.account_id)
        .bind(11, o.refunded.minor())
        .bind(12, o.created_at_ms)
        .bind(13, o.expires_at_ms)
        .bind(14, o.paid_at_ms)
        .bind(15, std::string_view(o.shop_tid))
        .run();
    return db_.lastInsertId();
}

std::optional<PaymentOrder> SqliteAccountStoreTx::paymentOrder(std::int64_t id) {
    static const std::string sql = std::string(kOrderColumns) + "WHERE id = ?1";
    auto& s = stmt(sql.c_str());
    s.bind(1, id);
    return oneOrder(s);
}

std::optional<PaymentOrder> SqliteAccountStoreTx::paymentOrderByToken(std::string_view token) {
    static const std::string sql = std::string(kOrderColumns) + "WHERE token = ?1";
    auto& s = stmt(sql.c_str());
    s.bind(1, token);
    return oneOrder(s);
}

std::optional<PaymentOrder> SqliteAccountStoreTx::paymentOrderByMerchantRef(MerchantId merchant,
                                                                            std::string_view ref) {
    static const std::string sql =
        std::string(kOrderColumns) + "WHERE merchant_id = ?1 AND merchant_order_id = ?2";
    auto& s = stmt(sql.c_str());
    s.bind(1, merchant).bind(2, ref);
    return oneOrder(s);
}

void SqliteAccountStoreTx::updatePaymentOrder(const PaymentOrder& o) {
    stmt(
        "UPDATE payment_order SET state = ?2, account_id = ?3, refunded_minor = ?4, "
        "paid_at_ms = ?5 WHERE id = ?1")
        .bind(1, o.id)
        .bind(2, toString(o.state))
        .bindOptional(3, o.account_id)
        .bind(4, o.refunded.minor())
        .bind(5, o.paid_at_ms)
        .run();
}

void SqliteAccountStoreTx::insertPaymentLeg(const PaymentLeg& l) {
    stmt(
        "INSERT INTO payment_leg (order_id, seq, card_id, txn_id, amount_minor) "
        "VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(1, l.order_id)
        .bind(2, std::int64_t{l.seq})
        .bind(3, l.card_id)
        .bind(4, l.txn_id)
        .bind(5, l.amount.minor())
        .run();
}

std::vector<PaymentLeg> SqliteAccountStoreTx::paymentLegs(std::int64_t order_id) {
    auto& s = stmt(
        "SELECT l.seq, l.card_id, l.txn_id, l.amount_minor, o.currency FROM payment_leg l "
        "JOIN payment_order o ON o.id = l.order_id WHERE l.order_id = ?1 ORDER BY l.seq");
    s.bind(1, order_id);
    std::vector<PaymentLeg> out;
    while (s.step()) {
        out.push_back({order_id, static_cast<int>(s.columnInt(0)), s.columnInt(1), s.columnInt(2),
                       Money::fromMinor(s.columnInt(3), currencyOf(s.columnInt(4)))});
    }
    s.reset();
    return out;
}

std::optional<Money> SqliteAccountStoreTx::paymentRefund(std::int64_t order_id,
                                                         std::string_view key) {
    auto& s = stmt(
        "SELECT r.amount_minor, o.currency FROM payment_refund r JOIN payment_order o "
        "ON o.id = r.order_id WHERE r.order_id = ?1 AND r.refund_key = ?2");
    s.bind(1, order_id).bind(2, key);
    std::optional<Money> out;
    if (s.step()) out = Money::fromMinor(s.columnInt(0), currencyOf(s.columnInt(1)));
    s.reset();
    return out;
}

void SqliteAccountStoreTx::insertPaymentRefund(std::int64_t order_id, std::string_view key,
                                               Money amount, TimestampMs at_ms) {
    stmt(
        "INSERT INTO payment_refund (order_id, refund_key, amount_minor, at_ms) "
        "VALUES (?1, ?2, ?3, ?4)")
        .bind(1, order_id)
        .bind(2, key)
        .bind(3, amount.minor())
        .bind(4, at_ms)
        .run();
}

void SqliteAccountStoreTx::upsertCallback(const ShopCallback& c) {
    stmt(
        "INSERT INTO shop_callback (order_id, url, state, attempts, next_at_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(order_id) DO UPDATE SET url = excluded.url, "
        "state = excluded.state, attempts = excluded.attempts, next_at_ms = excluded.next_at_ms")
        .bind(1, c.order_id)
        .bind(2, std::string_view(c.url))
        .bind(3, std::string_view(c.state))
        .bind(4, std::int64_t{c.attempts})
        .bind(5, c.next_at_ms)
        .run();
}

std::vector<ShopCallback> SqliteAccountStoreTx::dueCallbacks(TimestampMs now_ms,
                                                             std::int64_t limit) {
    auto& s = stmt(
        "SELECT order_id, url, state, attempts, next_at_ms FROM shop_callback "
        "WHERE state = 'PENDING' AND next_at_ms <= ?1 ORDER BY next_at_ms LIMIT ?2");
    s.bind(1, now_ms).bind(2, limit);
    std::vector<ShopCallback> out;
    while (s.step()) {
        out.push_back({s.columnInt(0), s.columnText(1), s.columnText(2),
                       static_cast<int>(s.columnInt(3)), s.columnInt(4)});
    }
    s.reset();
    return out;
}

}  // namespace yika::store
