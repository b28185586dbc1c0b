// The cardholder JSON API (docs/portal-api.md): register, log in and out, passwords, cards,
// binding, history, report lost, unbind, and paying a payment order.

#include "card_core/domain/card_number.h"
#include "card_core/domain/online_payment.h"

#include <Poco/Net/NameValueCollection.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <variant>

#include "portal/portal_http.h"

namespace yika::portal {

namespace {

constexpr std::string_view kSessionCookie = "yika_session";
constexpr std::string_view kCsrfCookie = "yika_csrf";
constexpr std::size_t kTokenHexChars = 64;
constexpr std::size_t kPayPasswordDigits = 6;
constexpr std::size_t kPanDigitsMin = 13;
constexpr std::size_t kPanDigitsMax = 19;
constexpr std::size_t kPinDigits = 6;

struct Session {
    AccountId account_id = 0;
    std::string token;
};

void wipe(std::string& secret) { std::fill(secret.begin(), secret.end(), '\0'); }

bool equalConstantTime(std::string_view a, std::string_view b) {
    return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

PortalReply busy(const PortalState& state) {
    PortalReply r = errorReply(503, "busy_try_again",
                               "too many logins at once; try again in a moment / "
                               "登录人数过多，请稍后再试");
    r.headers.emplace_back("Retry-After", std::to_string(state.limits.retry_after_s));
    return r;
}

PortalReply rateLimited(const PortalState& state) {
    PortalReply r =
        errorReply(429, "rate_limited", "too many attempts; try again later / 尝试次数过多");
    r.headers.emplace_back("Retry-After", std::to_string(state.limits.rate_window_ms / 1000));
    return r;
}

std::string cookie(std::string_view name, std::string_view value, std::int64_t max_age_s,
                   bool http_only) {
    std::string c = std::string(name) + "=" + std::string(value) +
                    "; Path=/; SameSite=Strict; Max-Age=" + std::to_string(max_age_s);
    if (http_only) c += "; HttpOnly";
    return c;
}

void setSessionCookies(const PortalState& state, PortalReply& r, const std::string& token) {
    std::int64_t max_age_s = state.limits.session_ttl_ms / 1000;
    r.headers.emplace_back("Set-Cookie", cookie(kSessionCookie, token, max_age_s, true));
    r.headers.emplace_back("Set-Cookie",
                           cookie(kCsrfCookie, state.csrfOf(token), max_age_s, false));
}

void clearSessionCookies(PortalReply& r) {
    r.headers.emplace_back("Set-Cookie", cookie(kSessionCookie, "", 0, true));
    r.headers.emplace_back("Set-Cookie", cookie(kCsrfCookie, "", 0, false));
}

// The session of the request: "Authorization: Bearer <token>" (API clients; no ambient
// credential, so no CSRF check), or the yika_session cookie with a matching X-CSRF-Token header
// on every POST (double submit bound to the session).
std::variant<Session, PortalReply> authenticate(PortalState& state, PortalRequest& request) {
    std::string token;
    bool from_cookie = false;
    const std::string auth = request.http.get("Authorization", "");
    if (auth.rfind("Bearer ", 0) == 0) {
        token = auth.substr(7);
    } else {
        Poco::Net::NameValueCollection cookies;
        request.http.getCookies(cookies);
        token = cookies.get(std::string(kSessionCookie), "");
        from_cookie = true;
    }
    if (token.size() != kTokenHexChars) {
        return errorReply(401, "unauthenticated", "log in first / 请先登录");
    }
    if (from_cookie && request.method != "GET") {
        if (!equalConstantTime(request.http.get("X-CSRF-Token", ""), state.csrfOf(token))) {
            return errorReply(403, "csrf", "missing or wrong X-CSRF-Token header");
        }
    }
    auto reader = state.readers.acquire();
    auto session = reader.tx().accounts().session(state.tokenHash(token));
    if (!session || session->expires_at_ms <= state.deps.clock.nowMs()) {
        return errorReply(401, "unauthenticated", "session expired; log in again / 请重新登录");
    }
    return Session{session->account_id, token};
}

Result<std::string> requiredString(const http::JsonObject& o, std::string_view name) {
    auto v = http::stringField(o, name, true);
    if (!v) return v.error();
    return std::move(**v);
}

Status checkPassword(const PortalState& state, std::string_view name, const std::string& p) {
    if (p.size() < static_cast<std::size_t>(state.limits.password_bytes_min) ||
        p.size() > crypto::kPasswordBytesMax) {
        return makeError(ErrorCode::InvalidArgument,
                         std::string(name) + ": at least " +
                             std::to_string(state.limits.password_bytes_min) + " characters");
    }
    return Ok{};
}

void audit(PortalState& state, std::optional<AccountId> account, const std::string& client,
           std::string action, std::string outcome, std::string detail) {
    AccountAudit row{state.deps.clock.nowMs(), account,          client, std::move(action),
                     std::move(outcome),       std::move(detail)};
    // Waits for the commit, so the failure is on record before the client hears of it.
    Status logged = state.deps.store.writer().runStatus([&row](StoreTx& tx) -> Status {
        tx.accounts().insertAudit(row);
        return Ok{};
    });
    (void)logged;  // a full queue loses the audit row, never the answer
}

// Verifies `password` against `stored` on the password pool; nullopt when the pool is full.
std::optional<bool> verifyOnPool(PortalState& state, const std::string& stored,
                                 std::string password) {
    auto future = state.passwords.verify(stored, std::move(password));
    if (!future) return std::nullopt;
    return future->get();
}

std::optional<std::string> hashOnPool(PortalState& state, std::string password) {
    auto future = state.passwords.hash(std::move(password));
    if (!future) return std::nullopt;
    return future->get();
}

// Creates a session for `account` and answers with its cookies and CSRF token.
PortalReply startSession(PortalState& state, AccountId account, int status) {
    std::string token = state.newToken();
    TimestampMs now = state.deps.clock.nowMs();
    AccountSession session{state.tokenHash(token), account, now, now + state.limits.session_ttl_ms};
    auto stored = write<Ok>(state, [&](StoreTx& tx) -> Result<Ok> {
        tx.accounts().insertSession(session);
        return Ok{};
    });
    if (!stored) return errorReply(stored.error());
    PortalReply r = jsonReply(status, JsonOut()
                                          .num("account_id", account)
                                          .str("token", token)
                                          .str("csrf_token", state.csrfOf(token))
                                          .num("expires_at_ms", session.expires_at_ms)
                                          .done());
    setSessionCookies(state, r, token);
    return r;
}

PortalReply registerAccount(PortalState& state, PortalRequest& request) {
    auto body = jsonBody(state, request);
    if (!body) return errorReply(body.error());
    if (Status s = http::onlyFields(*body, {"login", "password"}); !s) return errorReply(s.error());
    auto login = requiredString(*body, "login");
    if (!login) return errorReply(login.error());
    auto password = requiredString(*body, "password");
    if (!password) return errorReply(password.error());
    if (Status s = checkPassword(state, "password", *password); !s) return errorReply(s.error());
    auto normalized = normalizeLogin(*login);
    if (!normalized) return errorReply(normalized.error());
    TimestampMs now = state.deps.clock.nowMs();
    if (!state.rate.admit("register-address:" + request.client, state.limits.login_per_address_max,
                          now)) {
        return rateLimited(state);
    }
    auto hash = hashOnPool(state, std::move(*password));
    if (!hash) return busy(state);
    auto id = write<AccountId>(state, [&](StoreTx& tx) {
        return yika::registerAccount(tx, *normalized, *hash, state.deps.clock.nowMs());
    });
    if (!id) return errorReply(id.error());
    return startSession(state, *id, 201);
}

PortalReply login(PortalState& state, PortalRequest& request) {
    auto body = jsonBody(state, request);
    if (!body) return errorReply(body.error());
    if (Status s = http::onlyFields(*body, {"login", "password"}); !s) return errorReply(s.error());
    auto login = requiredString(*body, "login");
    if (!login) return errorReply(login.error());
    auto password = requiredString(*body, "password");
    if (!password) return errorReply(password.error());
    auto normalized = normalizeLogin(*login);
    std::string key = normalized ? *normalized : std::string("invalid");
    TimestampMs now = state.deps.clock.nowMs();
    if (!state.rate.admit("login-address:" + request.client, state.limits.login_per_address_max,
                          now) ||
        !state.rate.admit("login-account:" + key, state.limits.login_per_account_max, now)) {
        audit(state, std::nullopt, request.client, "login", "rate_limited", key);
        return rateLimited(state);
    }
    std::optional<Account> account;
    if (normalized) {
        auto reader = state.readers.acquire();
        account = reader.tx().accounts().accountByLogin(*normalized);
    }
    // An unknown login is verified against a decoy hash: the same work, the same answer.
    auto ok = verifyOnPool(state, account ? account->password_hash : state.passwords.decoyHash(),
                           std::move(*password));
    if (!ok) return busy(state);
    if (!*ok || !account) {
        audit(state, account ? std::optional(account->id) : std::nullopt, request.client, "login",
              "bad_credentials", account ? "wrong password" : "unknown login");
        return errorReply(401, "bad_credentials", "login or password is wrong / 账号或密码错误");
    }
    return startSession(state, account->id, 200);
}

PortalReply logout(PortalState& state, const Session& session) {
    Bytes hash = state.tokenHash(session.token);
    auto done = write<Ok>(state, [&](StoreTx& tx) -> Result<Ok> {
        tx.accounts().deleteSession(hash);
        return Ok{};
    });
    if (!done) return errorReply(done.error());
    PortalReply r = jsonReply(200, JsonOut().boolean("logged_out", true).done());
    clearSessionCookies(r);
    return r;
}

std::string cardJson(const BoundCard& c, Date today) {
    bool expired = c.card.expiry && *c.card.expiry < today;
    return JsonOut()
        .num("card_id", c.card.id)
        .str("card_number_masked", c.card.pan_masked)
        .str("product", c.product_name)
        .str("state",
             expired && c.card.state == CardState::Active ? "EXPIRED" : toString(c.card.state))
        .money("balance", c.card.balance)
        .money("available", c.card.available())
        .str("expiry", c.card.expiry ? c.card.expiry->toIso() : "")
        .done();
}

PortalReply me(PortalState& state, const Session& session) {
    auto reader = state.readers.acquire();
    auto account = reader.tx().accounts().account(session.account_id);
    if (!account) return errorReply(401, "unauthenticated", "log in first / 请先登录");
    std::vector<BoundCard> cards = accountCards(reader.tx(), session.account_id);
    Money total = Money::zero(Currency::Cny);
    for (const BoundCard& c : cards) total = total.plus(c.card.available()).value_or(total);
    return jsonReply(200, JsonOut()
                              .num("account_id", account->id)
                              .str("login", account->login)
                              .boolean("pay_password_set", !account->pay_password_hash.empty())
                              .num("cards", static_cast<std::int64_t>(cards.size()))
                              .money("available_total", total)
                              .done());
}

PortalReply cards(PortalState& state, const Session& session) {
    auto reader = state.readers.acquire();
    Date today = reader.tx().businessDate();
    std::vector<std::string> items;
    Money total = Money::zero(Currency::Cny);
    for (const BoundCard& c : accountCards(reader.tx(), session.account_id)) {
        items.push_back(cardJson(c, today));
        total = total.plus(c.card.available()).value_or(total);
    }
    return jsonReply(
        200, JsonOut().raw("cards", jsonArray(items)).money("available_total", total).done());
}

PortalReply bind(PortalState& state, PortalRequest& request, const Session& session) {
    auto body = jsonBody(state, request);
    if (!body) return errorReply(body.error());
    if (Status s = http::onlyFields(*body, {"card_number", "pin"}); !s) {
        return errorReply(s.error());
    }
    auto pan = requiredString(*body, "card_number");
    if (!pan) return errorReply(pan.error());
    auto pin = requiredString(*body, "pin");
    if (!pin) return errorReply(pin.error());
    if (pan->size() < kPanDigitsMin || pan->size() > kPanDigitsMax || !isAllDigits(*pan)) {
        return errorReply(makeError(ErrorCode::InvalidArgument, "card_number: 13-19 digits"));
    }
    if (pin->size() != kPinDigits || !isAllDigits(*pin)) {
        return errorReply(makeError(ErrorCode::InvalidArgument, "pin: 6 digits"));
    }
    TimestampMs now = state.deps.clock.nowMs();
    if (!state.rate.admit("bind-account:" + std::to_string(session.account_id),
                          state.limits.bind_per_account_max, now) ||
        !state.rate.admit("bind-address:" + request.client, state.limits.bind_per_address_max,
                          now)) {
        audit(state, session.account_id, request.client, "bind", "rate_limited", "");
        return rateLimited(state);
    }
    BindRequest bind{session.account_id, state.deps.vault.lookupHash(*pan), std::move(*pin),
                     request.client};
    wipe(*pan);
    AccountLimits limits{state.limits.cards_per_account_max, state.limits.history_rows_max};
    auto outcome = write<BindOutcome>(state, [&](StoreTx& tx) {
        return bindCard(tx, bind, state.deps.pins, state.deps.policies, limits,
                        state.deps.clock.nowMs());
    });
    wipe(bind.pin);
    if (!outcome) return errorReply(outcome.error());
    switch (outcome->failure) {
        case BindFailure::None:
            return jsonReply(200, JsonOut().num("card_id", outcome->card_id).done());
        case BindFailure::CardOrPin:
            return errorReply(422, "card_or_pin",
                              "card number or PIN is wrong (5 wrong PINs lock the card for 24 h) "
                              "/ 卡号或密码错误（连续错误5次锁定24小时）");
        case BindFailure::NotBindable:
            return errorReply(422, "card_not_bindable",
                              "this card cannot be bound (not sold or closed) / 此卡不能绑定");
        case BindFailure::BoundElsewhere:
            return errorReply(409, "card_bound_elsewhere",
                              "this card is bound to another account / 此卡已绑定其他账户");
        case BindFailure::TooManyCards:
            return errorReply(422, "too_many_cards", "this account has the most cards allowed");
    }
    return errorReply(500, "internal_error", "internal error");
}

PortalReply history(PortalState& state, const Session& session, CardId card) {
    auto reader = state.readers.acquire();
    auto rows =
        boundCardHistory(reader.tx(), session.account_id, card, state.limits.history_rows_max);
    if (!rows) return errorReply(rows.error());
    std::vector<std::string> items;
    for (const CardTxn& t : *rows) {
        items.push_back(JsonOut()
                            .num("txn_id", t.id)
                            .str("kind", toString(t.kind))
                            .str("state", toString(t.state))
                            .money("amount", t.amount)
                            .money("balance_after", t.balance_after)
                            .str("business_date", t.business_date.toIso())
                            .num("at_ms", t.at_ms)
                            .done());
    }
    return jsonReply(200, JsonOut().num("card_id", card).raw("history", jsonArray(items)).done());
}

PortalReply cardAction(PortalState& state, const Session& session, CardId card, bool freeze) {
    auto done = write<Ok>(state, [&](StoreTx& tx) -> Result<Ok> {
        TimestampMs now = state.deps.clock.nowMs();
        Status s = freeze ? freezeBoundCard(tx, session.account_id, card, now)
                          : unbindCard(tx, session.account_id, card, now);
        if (!s) return s.error();
        return Ok{};
    });
    if (!done) return errorReply(done.error());
    return jsonReply(
        200, JsonOut().num("card_id", card).str("done", freeze ? "frozen" : "unbound").done());
}

// Verifies the login password of `session`'s account; a reply when it is not right.
std::optional<PortalReply> confirmPassword(PortalState& state, PortalRequest& request,
                                           const Session& session, std::string password,
                                           Account& account) {
    {
        auto reader = state.readers.acquire();
        auto row = reader.tx().accounts().account(session.account_id);
        if (!row) return errorReply(401, "unauthenticated", "log in first / 请先登录");
        account = *row;
    }
    auto ok = verifyOnPool(state, account.password_hash, std::move(password));
    if (!ok) return busy(state);
    if (!*ok) {
        audit(state, account.id, request.client, "password", "bad_credentials", "");
        return errorReply(403, "bad_credentials", "the password is wrong / 密码错误");
    }
    return std::nullopt;
}

PortalReply changePasswords(PortalState& state, PortalRequest& request, const Session& session,
                            bool pay) {
    auto body = jsonBody(state, request);
    if (!body) return errorReply(body.error());
    std::string_view field = pay ? "pay_password" : "new_password";
    if (Status s = http::onlyFields(*body, {"password", field}); !s) return errorReply(s.error());
    auto password = requiredString(*body, "password");
    if (!password) return errorReply(password.error());
    auto fresh = requiredString(*body, field);
    if (!fresh) return errorReply(fresh.error());
    if (pay && (fresh->size() != kPayPasswordDigits || !isAllDigits(*fresh))) {
        return errorReply(makeError(ErrorCode::InvalidArgument, "pay_password: 6 digits"));
    }
    if (!pay) {
        if (Status s = checkPassword(state, "new_password", *fresh); !s) {
            return errorReply(s.error());
        }
    }
    if (!state.rate.admit("password-account:" + std::to_string(session.account_id),
                          state.limits.login_per_account_max, state.deps.clock.nowMs())) {
        return rateLimited(state);
    }
    Account account;
    if (auto refused = confirmPassword(state, request, session, std::move(*password), account)) {
        return *refused;
    }
    auto hash = hashOnPool(state, std::move(*fresh));
    if (!hash) return busy(state);
    auto done = write<Ok>(state, [&](StoreTx& tx) -> Result<Ok> {
        auto row = tx.accounts().account(account.id);
        if (!row) return makeError(ErrorCode::NotFound, "no such account");
        (pay ? row->pay_password_hash : row->password_hash) = *hash;
        tx.accounts().updateAccount(*row);
        // A new login password ends every session: whoever knew the old one is logged out.
        if (!pay) tx.accounts().deleteSessionsOf(account.id);
        return Ok{};
    });
    if (!done) return errorReply(done.error());
    PortalReply r =
        jsonReply(200, JsonOut().boolean(pay ? "pay_password_set" : "relogin", true).done());
    if (!pay) clearSessionCookies(r);
    return r;
}

PortalReply viewOrder(PortalState& state, std::string_view token) {
    auto reader = state.readers.acquire();
    auto order = reader.tx().accounts().paymentOrderByToken(token);
    if (!order) return errorReply(makeError(ErrorCode::NotFound, "no such payment order"));
    auto merchant = reader.tx().merchant(order->merchant_id);
    std::string body = orderJson(state, *order, state.deps.clock.nowMs());
    body.pop_back();  // reopen the object to add the merchant's name and the description
    body += "," + std::string(http::jsonString("merchant_name")) + ":" +
            http::jsonString(merchant ? merchant->name : "") + "," +
            http::jsonString("description") + ":" + http::jsonString(order->description) + "," +
            http::jsonString("return_url") + ":" + http::jsonString(order->return_url) + "}";
    return jsonReply(200, body);
}

PortalReply payOrderReply(PortalState& state, PortalRequest& request, const Session& session,
                          std::string_view token) {
    auto body = jsonBody(state, request);
    if (!body) return errorReply(body.error());
    if (Status s = http::onlyFields(*body, {"pay_password"}); !s) return errorReply(s.error());
    auto pay_password = requiredString(*body, "pay_password");
    if (!pay_password) return errorReply(pay_password.error());
    TimestampMs now = state.deps.clock.nowMs();
    if (!state.rate.admit("pay-account:" + std::to_string(session.account_id),
                          state.limits.login_per_account_max, now)) {
        return rateLimited(state);
    }
    std::optional<Account> account;
    {
        auto reader = state.readers.acquire();
        account = reader.tx().accounts().account(session.account_id);
    }
    if (!account) return errorReply(401, "unauthenticated", "log in first / 请先登录");
    if (account->pay_password_hash.empty()) {
        return errorReply(422, "pay_password_not_set",
                          "set a payment password first / 请先设置支付密码");
    }
    auto ok = verifyOnPool(state, account->pay_password_hash, std::move(*pay_password));
    if (!ok) return busy(state);
    if (!*ok) {
        audit(state, account->id, request.client, "pay", "bad_pay_password", std::string(token));
        return errorReply(403, "bad_pay_password", "the payment password is wrong / 支付密码错误");
    }
    std::string order_token(token);
    auto paid = write<PaidOrder>(state, [&](StoreTx& tx) {
        return payOrder(tx, order_token, account->id, state.deps.clock.nowMs());
    });
    if (!paid) {
        audit(state, account->id, request.client, "pay", std::string(toString(paid.code())),
              paid.error().detail);
        return errorReply(paid.error());
    }
    state.pokeCallbacks();
    std::vector<std::string> legs;
    for (const PaymentLeg& leg : paid->legs) {
        legs.push_back(JsonOut()
                           .num("seq", leg.seq)
                           .num("card_id", leg.card_id)
                           .money("amount", leg.amount)
                           .done());
    }
    std::string out = orderJson(state, paid->order, state.deps.clock.nowMs());
    out.pop_back();
    out += "," + std::string(http::jsonString("legs")) + ":" + jsonArray(legs) + "," +
           http::jsonString("return_url") + ":" + http::jsonString(paid->order.return_url) + "}";
    return jsonReply(200, out);
}

std::optional<CardId> cardIdOf(std::string_view text) {
    if (text.empty() || text.size() > 18 || !isAllDigits(text)) return std::nullopt;
    return std::stoll(std::string(text));
}

PortalReply methodNotAllowed(std::string_view allow) {
    PortalReply r = errorReply(405, "method_not_allowed", "use " + std::string(allow));
    r.headers.emplace_back("Allow", std::string(allow));
    return r;
}

// Routes that need a session: /api/me, /api/cards..., /api/logout, /api/password,
// /api/pay-password, /api/orders/<token>/pay.
PortalReply withSession(PortalState& state, PortalRequest& request) {
    auto authed = authenticate(state, request);
    if (auto* refused = std::get_if<PortalReply>(&authed)) return *refused;
    const Session& session = std::get<Session>(authed);
    const std::string& p = request.path;
    const bool get = request.method == "GET";
    if (p == "/api/me") return get ? me(state, session) : methodNotAllowed("GET");
    if (p == "/api/cards") return get ? cards(state, session) : methodNotAllowed("GET");
    if (get) return errorReply(405, "method_not_allowed", "use POST");
    if (p == "/api/logout") return logout(state, session);
    if (p == "/api/password") return changePasswords(state, request, session, false);
    if (p == "/api/pay-password") return changePasswords(state, request, session, true);
    if (p == "/api/cards/bind") return bind(state, request, session);
    constexpr std::string_view kOrders = "/api/orders/";
    if (p.rfind(kOrders, 0) == 0 && p.size() > kOrders.size() + 4 &&
        p.compare(p.size() - 4, 4, "/pay") == 0) {
        return payOrderReply(
            state, request, session,
            std::string_view(p).substr(kOrders.size(), p.size() - kOrders.size() - 4));
    }
    constexpr std::string_view kCards = "/api/cards/";
    if (p.rfind(kCards, 0) != 0) return errorReply(404, "unknown_endpoint", "no such endpoint");
    std::string_view rest = std::string_view(p).substr(kCards.size());
    std::size_t slash = rest.find('/');
    auto card = cardIdOf(rest.substr(0, slash));
    std::string_view action = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
    if (card && (action == "freeze" || action == "unbind")) {
        return cardAction(state, session, *card, action == "freeze");
    }
    return errorReply(404, "unknown_endpoint", "no such endpoint");
}

}  // namespace

std::optional<PortalReply> routeAccountApi(PortalState& state, PortalRequest& request) {
    const std::string& p = request.path;
    if (p.rfind("/api/", 0) != 0) return std::nullopt;
    const bool get = request.method == "GET";
    if (p == "/api/register")
        return get ? methodNotAllowed("POST") : registerAccount(state, request);
    if (p == "/api/login") return get ? methodNotAllowed("POST") : login(state, request);
    constexpr std::string_view kOrders = "/api/orders/";
    if (p.rfind(kOrders, 0) == 0 && p.find('/', kOrders.size()) == std::string::npos) {
        return get ? viewOrder(state, std::string_view(p).substr(kOrders.size()))
                   : methodNotAllowed("GET");
    }
    constexpr std::string_view kCards = "/api/cards/";
    if (get && p.rfind(kCards, 0) == 0 && p.size() > 8 &&
        p.compare(p.size() - 8, 8, "/history") == 0) {
        auto card =
            cardIdOf(std::string_view(p).substr(kCards.size(), p.size() - kCards.size() - 8));
        if (!card) return errorReply(404, "unknown_endpoint", "no such endpoint");
        auto authed = authenticate(state, request);
        if (auto* refused = std::get_if<PortalReply>(&authed)) return *refused;
        return history(state, std::get<Session>(authed), *card);
    }
    return withSession(state, request);
}

}  // namespace yika::portal
