// Sessions and operators: log in, who am I, log out, change password; create, list, disable
// operators and reset their passwords (administrators).

#include "crypto/session_token.h"

#include "admin_api/admin_http.h"
#include "admin_api/bootstrap.h"

namespace yika::admin {

namespace {

void wipe(std::string& secret) { std::fill(secret.begin(), secret.end(), '\0'); }

AdminReply busy(const Call& call) {
    AdminReply r = errorReply(503, "busy_try_again",
                              "too many logins at once; try again in a moment / 请稍后再试");
    r.headers = {{"Retry-After", std::to_string(call.state.limits.retry_after_s)}};
    return r;
}

AdminReply badCredentials() {
    return errorReply(401, "bad_credentials", "wrong name or password / 用户名或密码错误");
}

std::optional<bool> verifyOnPool(Call& call, const std::string& stored, std::string password) {
    auto future = call.state.passwords.verify(stored, std::move(password));
    if (!future) return std::nullopt;
    return future->get();
}

std::optional<std::string> hashOnPool(Call& call, std::string password) {
    auto future = call.state.passwords.hash(std::move(password));
    if (!future) return std::nullopt;
    return future->get();
}

Status checkNewPassword(const Call& call, std::string_view field, const std::string& password) {
    if (password.size() < static_cast<std::size_t>(call.state.limits.password_bytes_min) ||
        password.size() > crypto::kPasswordBytesMax) {
        return makeError(ErrorCode::InvalidArgument,
                         std::string(field) + ": at least " +
                             std::to_string(call.state.limits.password_bytes_min) + " characters");
    }
    return Ok{};
}

// Inserts a new session for `op` in `tx`; returns the token (shown once).
std::string newSession(Call& call, StoreTx& tx, OperatorId op, TimestampMs now) {
    std::string token = crypto::newSessionToken();
    tx.admin().insertOperatorSession(OperatorSession{call.state.tokenHash(token), op, now,
                                                     now + call.state.limits.session_ttl_ms});
    return token;
}

std::string sessionJson(const std::string& token, TimestampMs expires, const Operator& op) {
    return JsonOut()
        .str("token", token)
        .num("expires_at_ms", expires)
        .raw("operator", operatorJson(op))
        .done();
}

AdminReply login(Call& call) {
    call.action = "session.login";
    auto body = call.body();
    if (!body) return errorReply(body.error());
    if (Status s = body->only({"name", "password"}); !s) return errorReply(s.error());
    auto name = body->str("name", 64);
    if (!name) return errorReply(name.error());
    auto password = body->str("password", crypto::kPasswordBytesMax);
    if (!password) return errorReply(password.error());
    call.detail = "name " + *name;
    std::optional<Operator> op;
    {
        auto reader = call.state.readers.acquire();
        op = reader.tx().admin().operatorByName(*name);
    }
    TimestampMs now = call.now();
    if (op && !op->disabled && !mayLogIn(*op, now)) {
        call.target = "operator:" + std::to_string(op->id);
        (void)call.auditNow("locked");
        return errorReply(401, "locked",
                          "too many failed logins; try again later / 登录失败次数过多，请稍后再试");
    }
    // An unknown or disabled name is checked against a decoy hash, so the answer takes as long.
    bool usable = op && !op->disabled;
    auto verified = verifyOnPool(
        call, usable ? op->password_hash : call.state.passwords.decoyHash(), std::move(*password));
    wipe(*password);
    if (!verified) return busy(call);
    if (!usable || !*verified) {
        if (op) {
            call.target = "operator:" + std::to_string(op->id);
            OperatorId id = op->id;
            LoginPolicy policy = call.state.loginPolicy();
            (void)call.state.deps.store.writer().runStatus([&](StoreTx& tx) -> Status {
                auto fresh = tx.admin().operatorById(id);
                if (fresh) {
                    recordLoginFailure(*fresh, policy, now);
                    tx.admin().updateOperator(*fresh);
                }
                appendAudit(tx, call.state.chain, call.auditRecord("bad_credentials"));
                return Ok{};
            });
            call.audited = true;
        } else {
            (void)call.auditNow("bad_credentials");
        }
        return badCredentials();
    }
    call.op = op;
    call.target = "operator:" + std::to_string(op->id);
    std::string token;
    auto done = call.write<Operator>([&](StoreTx& tx) -> Result<Operator> {
        auto fresh = tx.admin().operatorById(op->id);
        if (!fresh) return makeError(ErrorCode::NotFound, "operator vanished");
        recordLoginSuccess(*fresh);
        tx.admin().updateOperator(*fresh);
        token = newSession(call, tx, fresh->id, now);
        return *fresh;
    });
    if (!done) return errorReply(done.error());
    return jsonReply(200, sessionJson(token, now + call.state.limits.session_ttl_ms, *done));
}

AdminReply me(Call& call) {
    std::vector<std::string> held;
    for (int i = 0; i < kPermissionCount; ++i) {
        auto p = static_cast<Permission>(i);
        if (allowed(call.op->role, p)) held.push_back(http::jsonString(toString(p)));
    }
    return jsonReply(200, JsonOut()
                              .raw("operator", operatorJson(*call.op))
                              .raw("permissions", jsonArray(held))
                              .done());
}

AdminReply logout(Call& call) {
    const std::string auth = call.request.http.get("Authorization", "");
    Bytes hash = call.state.tokenHash(auth.substr(7));
    call.target = "operator:" + std::to_string(call.op->id);
    auto done = call.write<Ok>([&](StoreTx& tx) -> Result<Ok> {
        tx.admin().deleteOperatorSession(hash);
        return Ok{};
    });
    if (!done) return errorReply(done.error());
    return jsonReply(200, "{\"logged_out\":true}");
}

AdminReply changePassword(Call& call) {
    auto body = call.body();
    if (!body) return errorReply(body.error());
    if (Status s = body->only({"old_password", "new_password"}); !s) return errorReply(s.error());
    auto old_password = body->str("old_password", crypto::kPasswordBytesMax);
    if (!old_password) return errorReply(old_password.error());
    auto new_password = body->str("new_password", crypto::kPasswordBytesMax);
    if (!new_password) return errorReply(new_password.error());
    if (Status s = checkNewPassword(call, "new_password", *new_password); !s) {
        return errorReply(s.error());
    }
    if (*new_password == *old_password) {
        return errorReply(makeError(ErrorCode::InvalidArgument,
                                    "new_password: must differ from the old password"));
    }
    call.target = "operator:" + std::to_string(call.op->id);
    auto verified = verifyOnPool(call, call.op->password_hash, std::move(*old_password));
    if (!verified) return busy(call);
    if (!*verified) {
        (void)call.auditNow("bad_credentials");
        return errorReply(makeError(ErrorCode::InvalidArgument, "old_password: wrong password"));
    }
    auto hash = hashOnPool(call, std::move(*new_password));
    if (!hash) return busy(call);
    TimestampMs now = call.now();
    std::string token;
    auto done = call.write<Operator>([&](StoreTx& tx) -> Result<Operator> {
        auto fresh = tx.admin().operatorById(call.op->id);
        if (!fresh) return makeError(ErrorCode::NotFound, "operator vanished");
        fresh->password_hash = *hash;
        fresh->must_change_password = false;
        tx.admin().updateOperator(*fresh);
        // Every other session of this operator ends with the old password (O3).
        tx.admin().deleteOperatorSessionsOf(fresh->id);
        token = newSession(call, tx, fresh->id, now);
        return *fresh;
    });
    if (!done) return errorReply(done.error());
    return jsonReply(200, sessionJson(token, now + call.state.limits.session_ttl_ms, *done));
}

AdminReply listOperators(Call& call) {
    auto page = call.page();
    if (!page) return errorReply(page.error());
    auto reader = call.state.readers.acquire();
    auto ops = reader.tx().admin().operators(page->first, page->second);
    std::vector<std::string> items;
    for (const Operator& op : ops) items.push_back(operatorJson(op));
    return jsonReply(200, pageJson(items, ops.empty() ? 0 : ops.back().id,
                                   static_cast<std::int64_t>(ops.size()) == page->second));
}

// Hashes a fresh one-time password; nullopt when the pool is full.
std::optional<std::pair<std::string, std::string>> oneTimePassword(Call& call) {
    std::string password = generateOneTimePassword(call.state.deps.random);
    auto hash = hashOnPool(call, password);
    if (!hash) return std::nullopt;
    return std::make_pair(password, *hash);
}

AdminReply createOperator(Call& call) {
    auto body = call.body();
    if (!body) return errorReply(body.error());
    if (Status s = body->only({"name", "display_name", "role"}); !s) return errorReply(s.error());
    Operator op;
    auto name = body->str("name", 64);
    if (!name) return errorReply(name.error());
    auto display = body->str("display_name", 64);
    if (!display) return errorReply(display.error());
    auto role_text = body->str("role", 32);
    if (!role_text) return errorReply(role_text.error());
    auto role = roleFromString(*role_text);
    if (!role) {
        return errorReply(
            makeError(ErrorCode::InvalidArgument,
                      "role: administrator, issuance, finance, customer_service or auditor"));
    }
    if (Status s = validateOperatorName(*name); !s) return errorReply(s.error());
    if (Status s = validateDisplayName(*display); !s) return errorReply(s.error());
    op.name = *name;
    op.display_name = *display;
    op.role = *role;
    op.created_by = call.op->name;
    op.created_at_ms = call.now();
    auto otp = oneTimePassword(call);
    if (!otp) return busy(call);
    op.password_hash = otp->second;
    call.detail = "role " + std::string(toString(op.role));
    auto id = call.write<OperatorId>([&](StoreTx& tx) -> Result<OperatorId> {
        if (tx.admin().operatorByName(op.name)) {
            return makeError(ErrorCode::Duplicate, "name: an operator with this name exists");
        }
        OperatorId created = tx.admin().insertOperator(op);
        call.target = "operator:" + std::to_string(created);
        return created;
    });
    if (!id) return errorReply(id.error());
    op.id = *id;
    return jsonReply(
        201,
        JsonOut().raw("operator", operatorJson(op)).str("one_time_password", otp->first).done());
}

AdminReply disableOperator(Call& call) {
    OperatorId id = call.param(0);
    call.target = "operator:" + std::to_string(id);
    auto done = call.write<Operator>([&](StoreTx& tx) -> Result<Operator> {
        auto op = tx.admin().operatorById(id);
        if (!op) return makeError(ErrorCode::NotFound, "operator " + std::to_string(id));
        if (op->name == call.op->name) {
            return makeError(ErrorCode::NotPermitted, "an administrator cannot disable themself");
        }
        op->disabled = true;
        tx.admin().updateOperator(*op);
        tx.admin().deleteOperatorSessionsOf(id);
        return *op;
    });
    if (!done) return errorReply(done.error());
    return jsonReply(200, operatorJson(*done));
}

AdminReply resetPassword(Call& call) {
    OperatorId id = call.param(0);
    call.target = "operator:" + std::to_string(id);
    auto otp = oneTimePassword(call);
    if (!otp) return busy(call);
    auto done = call.write<Operator>([&](StoreTx& tx) -> Result<Operator> {
        auto op = tx.admin().operatorById(id);
        if (!op) return makeError(ErrorCode::NotFound, "operator " + std::to_string(id));
        op->password_hash = otp->second;
        op->must_change_password = true;
        recordLoginSuccess(*op);  // a reset also lifts a lock
        tx.admin().updateOperator(*op);
        tx.admin().deleteOperatorSessionsOf(id);
        return *op;
    });
    if (!done) return errorReply(done.error());
    return jsonReply(
        200,
        JsonOut().raw("operator", operatorJson(*done)).str("one_time_password", otp->first).done());
}

}  // namespace

void addSessionRoutes(std::vector<Route>& r) {
    using P = Permission;
    r.push_back({"POST", "/v1/session", Access::Public, P::Read, "session.login", login});
    r.push_back({"GET", "/v1/session", Access::Session, P::Read, "session.read", me});
    r.push_back({"POST", "/v1/session/logout", Access::Session, P::Read, "session.logout", logout});
    r.push_back({"POST", "/v1/session/password", Access::Session, P::Read, "session.password",
                 changePassword});
    r.push_back({"GET", "/v1/operators", Access::Permission, P::OperatorRead, "operator.list",
                 listOperators});
    r.push_back({"POST", "/v1/operators", Access::Permission, P::OperatorManage, "operator.create",
                 createOperator});
    r.push_back({"POST", "/v1/operators/{id}/disable", Access::Permission, P::OperatorManage,
                 "operator.disable", disableOperator});
    r.push_back({"POST", "/v1/operators/{id}/reset-password", Access::Permission, P::OperatorManage,
                 "operator.reset_password", resetPassword});
}

}  // namespace yika::admin
