#include "card_core/store/sqlite_admin_store_tx.h"

namespace yika::store {

namespace {

constexpr const char* kOperatorColumns =
    "SELECT id, name, display_name, role, password_hash, must_change_password, disabled, "
    "failed_logins, locked_until_ms, created_by, created_at_ms FROM operator ";

constexpr const char* kApprovalColumns =
    "SELECT id, kind, state, reference, summary, payload, requested_by, requested_at_ms, "
    "decided_by, decided_at_ms, note, result FROM approval_request ";

[[noreturn]] void corrupt(const std::string& what) {
    throw StorageError(ErrorCode::StorageUnavailable, "unreadable row: " + what);
}

Operator readOperator(const Statement& s) {
    Operator op;
    op.id = s.columnInt(0);
    op.name = s.columnText(1);
    op.display_name = s.columnText(2);
    auto role = roleFromString(s.columnText(3));
    if (!role) corrupt("operator role");
    op.role = *role;
    op.password_hash = s.columnText(4);
    op.must_change_password = s.columnInt(5) != 0;
    op.disabled = s.columnInt(6) != 0;
    op.failed_logins = static_cast<int>(s.columnInt(7));
    op.locked_until_ms = s.columnInt(8);
    op.created_by = s.columnText(9);
    op.created_at_ms = s.columnInt(10);
    return op;
}

ApprovalRequest readApproval(const Statement& s) {
    ApprovalRequest r;
    r.id = s.columnInt(0);
    auto kind = approvalKindFromString(s.columnText(1));
    auto state = approvalStateFromString(s.columnText(2));
    if (!kind || !state) corrupt("approval kind or state");
    r.kind = *kind;
    r.state = *state;
    r.reference = s.columnText(3);
    r.summary = s.columnText(4);
    r.payload = s.columnText(5);
    r.requested_by = s.columnText(6);
    r.requested_at_ms = s.columnInt(7);
    r.decided_by = s.columnText(8);
    r.decided_at_ms = s.columnInt(9);
    r.note = s.columnText(10);
    r.result = s.columnText(11);
    return r;
}

template <typename E, std::size_t N>
E parseName(const std::string& text, const E (&values)[N]) {
    for (E v : values) {
        if (toString(v) == text) return v;
    }
    corrupt("card event actor");
}

}  // namespace

Statement& SqliteAdminStoreTx::stmt(const char* sql) {
    auto& slot = statements_[sql];
    if (!slot) slot = std::make_unique<Statement>(db_, sql);
    slot->reset();
    return *slot;
}

std::vector<std::int64_t> SqliteAdminStoreTx::ids(Statement& s) {
    std::vector<std::int64_t> out;
    while (s.step()) out.push_back(s.columnInt(0));
    s.reset();
    return out;
}

std::optional<Operator> SqliteAdminStoreTx::oneOperator(Statement& s) {
    std::optional<Operator> out;
    if (s.step()) out = readOperator(s);
    s.reset();
    return out;
}

OperatorId SqliteAdminStoreTx::insertOperator(const Operator& op) {
    auto& s = stmt(
        "INSERT INTO operator (name, display_name, role, password_hash, must_change_password, "
        "disabled, failed_logins, locked_until_ms, created_by, created_at_ms) VALUES "
        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    s.bind(1, std::string_view(op.name)).bind(2, std::string_view(op.display_name));
    s.bind(3, toString(op.role)).bind(4, std::string_view(op.password_hash));
    s.bind(5, std::int64_t{op.must_change_password}).bind(6, std::int64_t{op.disabled});
    s.bind(7, std::int64_t{op.failed_logins}).bind(8, op.locked_until_ms);
    s.bind(9, std::string_view(op.created_by)).bind(10, op.created_at_ms);
    s.run();
    return db_.lastInsertId();
}

std::optional<Operator> SqliteAdminStoreTx::operatorById(OperatorId id) {
    static const std::string sql = std::string(kOperatorColumns) + "WHERE id = ?1";
    auto& s = stmt(sql.c_str());
    s.bind(1, id);
    return oneOperator(s);
}

std::optional<Operator> SqliteAdminStoreTx::operatorByName(std::string_view name) {
    static const std::string sql = std::string(kOperatorColumns) + "WHERE name = ?1";
    auto& s = stmt(sql.c_str());
    s.bind(1, name);
    return oneOperator(s);
}

void SqliteAdminStoreTx::updateOperator(const Operator& op) {
    auto& s = stmt(
        "UPDATE operator SET display_name = ?2, role = ?3, password_hash = ?4, "
        "must_change_password = ?5, disabled = ?6, failed_logins = ?7, locked_until_ms = ?8 "
        "WHERE id = ?1");
    s.bind(1, op.id).bind(2, std::string_view(op.display_name)).bind(3, toString(op.role));
    s.bind(4, std::string_view(op.password_hash)).bind(5, std::int64_t{op.must_change_password});
    s.bind(6, std::int64_t{op.disabled}).bind(7, std::int64_t{op.failed_logins});
    s.bind(8, op.locked_until_ms);
    s.run();
}

std::vector<Operator> SqliteAdminStoreTx::operators(std::int64_t after_id, std::int64_t limit) {
    static const std::string sql =
        std::string(kOperatorColumns) + "WHERE id > ?1 ORDER BY id LIMIT ?2";
    auto& s = stmt(sql.c_str());
    s.bind(1, after_id).bind(2, limit);
    std::vector<Operator> out;
    while (s.step()) out.push_back(readOperator(s));
    s.reset();
    return out;
}

std::int64_t SqliteAdminStoreTx::operatorCount() {
    auto& s = stmt("SELECT COUNT(*) FROM operator");
    s.step();
    std::int64_t n = s.columnInt(0);
    s.reset();
    return n;
}

void SqliteAdminStoreTx::insertOperatorSession(const OperatorSession& session) {
    stmt(
        "INSERT INTO operator_session (token_hash, operator_id, created_at_ms, expires_at_ms) "
        "VALUES (?1, ?2, ?3, ?4)")
        .bindBlob(1, session.token_hash)
        .bind(2, session.operator_id)
        .bind(3, session.created_at_ms)
        .bind(4, session.expires_at_ms)
        .run();
}

std::optional<OperatorSession> SqliteAdminStoreTx::operatorSession(const Bytes& token_hash) {
    auto& s = stmt(
        "SELECT operator_id, created_at_ms, expires_at_ms FROM operator_session "
        "WHERE token_hash = ?1");
    s.bindBlob(1, token_hash);
    std::optional<OperatorSession> out;
    if (s.step()) out = OperatorSession{token_hash, s.columnInt(0), s.columnInt(1), s.columnInt(2)};
    s.reset();
    return out;
}

void SqliteAdminStoreTx::deleteOperatorSession(const Bytes& token_hash) {
    stmt("DELETE FROM operator_session WHERE token_hash = ?1").bindBlob(1, token_hash).run();
}

void SqliteAdminStoreTx::deleteOperatorSessionsOf(OperatorId id) {
    stmt("DELETE FROM operator_session WHERE operator_id = ?1").bind(1, id).run();
}

ApprovalId SqliteAdminStoreTx::insertApproval(const ApprovalRequest& r) {
    auto& s = stmt(
        "INSERT INTO approval_request (kind, state, reference, summary, payload, requested_by, "
        "requested_at_ms, decided_by, decided_at_ms, note, result) VALUES "
        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    s.bind(1, toString(r.kind)).bind(2, toString(r.state)).bind(3, std::string_view(r.reference));
    s.bind(4, std::string_view(r.summary)).bind(5, std::string_view(r.payload));
    s.bind(6, std::string_view(r.requested_by)).bind(7, r.requested_at_ms);
    s.bind(8, std::string_view(r.decided_by)).bind(9, r.decided_at_ms);
    s.bind(10, std::string_view(r.note)).bind(11, std::string_view(r.result));
    s.run();
    return db_.lastInsertId();
}

std::optional<ApprovalRequest> SqliteAdminStoreTx::approval(ApprovalId id) {
    static const std::string sql = std::string(kApprovalColumns) + "WHERE id = ?1";
    auto& s = stmt(sql.c_str());
    s.bind(1, id);
    std::optional<ApprovalRequest> out;
    if (s.step()) out = readApproval(s);
    s.reset();
    return out;
}

void SqliteAdminStoreTx::updateApproval(const ApprovalRequest& r) {
    stmt(
        "UPDATE approval_request SET state = ?2, decided_by = ?3, decided_at_ms = ?4, note = ?5, "
        "result = ?6 WHERE id = ?1")
        .bind(1, r.id)
        .bind(2, toString(r.state))
        .bind(3, std::string_view(r.decided_by))
        .bind(4, r.decided_at_ms)
        .bind(5, std::string_view(r.note))
        .bind(6, std::string_view(r.result))
        .run();
}

std::optional<ApprovalId> SqliteAdminStoreTx::pendingApprovalFor(std::string_view reference) {
    auto& s = stmt(
        "SELECT id FROM approval_request WHERE reference = ?1 AND state = 'PENDING' "
        "AND reference <> ''");
    s.bind(1, reference);
    std::optional<ApprovalId> out;
    if (s.step()) out = s.columnInt(0);
    s.reset();
    return out;
}

std::vector<ApprovalRequest> SqliteAdminStoreTx::approvals(std::optional<ApprovalState> state,
                                                           std::int64_t after_id,
                                                           std::int64_t limit) {
    // The comparison before `IS NULL`: PostgreSQL types ?1 from its first use (issue 7).
    static const std::string sql = std::string(kApprovalColumns) +
                                   "WHERE (state = ?1 OR ?1 IS NULL) AND id > ?2 ORDER BY id "
                                   "LIMIT ?3";
    auto& s = stmt(sql.c_str());
    if (state) {
        s.bind(1, toString(*state));
    } else {
        s.bindNull(1);
    }
    s.bind(2, after_id).bind(3, limit);
    std::vector<ApprovalRequest> out;
    while (s.step()) out.push_back(readApproval(s));
    s.reset();
    return out;
}

std::optional<std::pair<std::int64_t, Bytes>> SqliteAdminStoreTx::auditHead() {
    auto& s = stmt("SELECT id, hash FROM admin_audit ORDER BY id DESC LIMIT 1");
    std::optional<std::pair<std::int64_t, Bytes>> out;
    if (s.step()) out.emplace(s.columnInt(0), s.columnBlob(1));
    s.reset();
    return out;
}

void SqliteAdminStoreTx::insertAudit(const AuditRecord& r) {
    auto& s = stmt(
        "INSERT INTO admin_audit (id, at_ms, actor, role, client, action, target, outcome, "
        "detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    s.bind(1, r.id).bind(2, r.at_ms).bind(3, std::string_view(r.actor));
    s.bind(4, std::string_view(r.role)).bind(5, std::string_view(r.client));
    s.bind(6, std::string_view(r.action)).bind(7, std::string_view(r.target));
    s.bind(8, std::string_view(r.outcome)).bind(9, std::string_view(r.detail));
    s.bindBlob(10, r.prev_hash).bindBlob(11, r.hash);
    s.run();
}

std::vector<AuditRecord> SqliteAdminStoreTx::auditRows(std::int64_t after_id, std::int64_t limit) {
    auto& s = stmt(
        "SELECT id, at_ms, actor, role, client, action, target, outcome, detail, prev_hash, hash "
        "FROM admin_audit WHERE id > ?1 ORDER BY id LIMIT ?2");
    s.bind(1, after_id).bind(2, limit);
    std::vector<AuditRecord> out;
    while (s.step()) {
        out.push_back(AuditRecord{s.columnInt(0), s.columnInt(1), s.columnText(2), s.columnText(3),
                                  s.columnText(4), s.columnText(5), s.columnText(6),
                                  s.columnText(7), s.columnText(8), s.columnBlob(9),
                                  s.columnBlob(10)});
    }
    s.reset();
    return out;
}

std::vector<ProductId> SqliteAdminStoreTx::productIds(std::int64_t after_id, std::int64_t limit) {
    auto& s = stmt("SELECT id FROM product WHERE id > ?1 ORDER BY id LIMIT ?2");
    s.bind(1, after_id).bind(2, limit);
    return ids(s);
}

std::vector<BatchId> SqliteAdminStoreTx::batchIds(std::int64_t after_id, std::int64_t limit) {
    auto& s = stmt("SELECT id FROM production_batch WHERE id > ?1 ORDER BY id LIMIT ?2");
    s.bind(1, after_id).bind(2, limit);
    return ids(s);
}

std::vector<StockRow> SqliteAdminStoreTx::stock(std::optional<std::string_view> location) {
    auto& s = stmt(
        "SELECT product_id, location, COUNT(*) - COUNT(order_id), COUNT(order_id) FROM card "
        "WHERE state = 'IN_STOCK' AND (location = ?1 OR ?1 IS NULL) GROUP BY product_id, location "
        "ORDER BY location, product_id");
    if (location) {
        s.bind(1, *location);
    } else {
        s.bindNull(1);
    }
    std::vector<StockRow> out;
    while (s.step()) {
        out.push_back(StockRow{s.columnInt(0), s.columnText(1), s.columnInt(2), s.columnInt(3)});
    }
    s.reset();
    return out;
}

std::vector<OrderId> SqliteAdminStoreTx::orderIds(std::int64_t after_id, std::int64_t limit) {
    auto& s = stmt("SELECT id FROM sales_order WHERE id > ?1 ORDER BY id LIMIT ?2");
    s.bind(1, after_id).bind(2, limit);
    return ids(s);
}

std::vector<CardEvent> SqliteAdminStoreTx::cardEvents(CardId card, std::int64_t limit) {
    static constexpr ActorKind kKinds[] = {ActorKind::Operator, ActorKind::Cardholder,
                                           ActorKind::Terminal, ActorKind::System};
    static constexpr Channel kChannels[] = {Channel::Admin, Channel::Cli, Channel::Terminal,
                                            Channel::Portal, Channel::System};
    auto& s = stmt(
        "SELECT from_state, to_state, actor_kind, actor_id, channel, reason, at_ms FROM "
        "card_event WHERE card_id = ?1 ORDER BY id LIMIT ?2");
    s.bind(1, card).bind(2, limit);
    std::vector<CardEvent> out;
    while (s.step()) {
        CardEvent e;
        e.card_id = card;
        auto from = cardStateFromString(s.columnText(0));
        auto to = cardStateFromString(s.columnText(1));
        if (!from || !to) corrupt("card event state");
        e.from = *from;
        e.to = *to;
        e.actor = Actor{parseName(s.columnText(2), kKinds), s.columnText(3),
                        parseName(s.columnText(4), kChannels)};
        e.reason = s.columnText(5);
        e.at_ms = s.columnInt(6);
        out.push_back(std::move(e));
    }
    s.reset();
    return out;
}

std::vector<MerchantId> SqliteAdminStoreTx::merchantIds(std::int64_t after_id, std::int64_t limit) {
    auto& s = stmt("SELECT id FROM merchant WHERE id > ?1 ORDER BY id LIMIT ?2");
    s.bind(1, after_id).bind(2, limit);
    return ids(s);
}

std::vector<MerchantGroup> SqliteAdminStoreTx::merchantGroups() {
    auto& s = stmt("SELECT id, code, name FROM merchant_group ORDER BY id");
    std::vector<MerchantGroup> out;
    while (s.step()) out.push_back(MerchantGroup{s.columnInt(0), s.columnText(1), s.columnText(2)});
    s.reset();
    return out;
}

std::optional<MerchantGroup> SqliteAdminStoreTx::merchantGroup(MerchantGroupId id) {
    auto& s = stmt("SELECT id, code, name FROM merchant_group WHERE id = ?1");
    s.bind(1, id);
    std::optional<MerchantGroup> out;
    if (s.step()) out = MerchantGroup{s.columnInt(0), s.columnText(1), s.columnText(2)};
    s.reset();
    return out;
}

std::optional<MerchantStore> SqliteAdminStoreTx::merchantStore(StoreId id) {
    auto& s = stmt("SELECT id, merchant_id, name, address FROM merchant_store WHERE id = ?1");
    s.bind(1, id);
    std::optional<MerchantStore> out;
    if (s.step()) {
        out = MerchantStore{s.columnInt(0), s.columnInt(1), s.columnText(2), s.columnText(3)};
    }
    s.reset();
    return out;
}

std::vector<MerchantStore> SqliteAdminStoreTx::merchantStores(MerchantId merchant) {
    auto& s = stmt(
        "SELECT id, merchant_id, name, address FROM merchant_store WHERE merchant_id = ?1 "
        "ORDER BY id");
    s.bind(1, merchant);
    std::vector<MerchantStore> out;
    while (s.step()) {
        out.push_back(
            MerchantStore{s.columnInt(0), s.columnInt(1), s.columnText(2), s.columnText(3)});
    }
    s.reset();
    return out;
}

std::vector<TerminalId> SqliteAdminStoreTx::terminalIds(std::optional<MerchantId> merchant,
                                                        std::int64_t after_id, std::int64_t limit) {
    auto& s = stmt(
        "SELECT id FROM terminal WHERE (merchant_id = ?1 OR ?1 IS NULL) AND id > ?2 ORDER BY id "
        "LIMIT ?3");
    s.bindOptional(1, merchant).bind(2, after_id).bind(3, limit);
    return ids(s);
}

}  // namespace yika::store
