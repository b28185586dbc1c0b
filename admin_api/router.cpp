// Routing, authentication and the permission check: every endpoint passes here, so no handler
// checks a role itself (the table is card_core/domain/permissions.h).

#include "crypto/session_token.h"

#include <Poco/URI.h>

#include <charconv>

#include "admin_api/admin_http.h"

namespace yika::admin {

namespace {

constexpr std::size_t kNameBytesMax = 40;

bool nameSegment(std::string_view s) {
    if (s.empty() || s.size() > kNameBytesMax) return false;
    for (char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    return true;
}

// Splits "/v1/cards/12/freeze" and matches it against "/v1/cards/{id}/freeze"; fills the
// request's params and texts. {id} must be a positive integer or the path does not match;
// {date} and {name} match any non-empty segment, and a malformed one is noted in
// segment_error (answered 400 by runRoute).
bool matches(std::string_view pattern, std::string_view path, AdminRequest& request) {
    request.params.clear();
    request.texts.clear();
    request.segment_error.clear();
    while (!pattern.empty() || !path.empty()) {
        if (pattern.empty() || path.empty() || pattern[0] != '/' || path[0] != '/') return false;
        pattern.remove_prefix(1);
        path.remove_prefix(1);
        auto p_end = pattern.find('/');
        auto s_end = path.find('/');
        std::string_view p_seg = pattern.substr(0, p_end);
        std::string_view s_seg = path.substr(0, s_end);
        if (p_seg == "{id}") {
            std::int64_t v = 0;
            constexpr std::size_t kDigitsMax = 18;
            auto [ptr, ec] = std::from_chars(s_seg.data(), s_seg.data() + s_seg.size(), v);
            if (ec != std::errc() || ptr != s_seg.data() + s_seg.size() || v <= 0 ||
                s_seg.size() > kDigitsMax) {
                return false;
            }
            request.params.push_back(v);
        } else if (p_seg == "{date}" || p_seg == "{name}") {
            if (s_seg.empty()) return false;
            bool ok = false;
            if (p_seg == "{date}") {
                auto d = s_seg.size() == 10 ? Date::parseIso(s_seg) : std::nullopt;
                ok = d && d->toIso() == s_seg;
                if (!ok && request.segment_error.empty()) {
                    request.segment_error =
                        "date: a calendar date YYYY-MM-DD / 日期格式 YYYY-MM-DD";
                }
            } else {
                ok = nameSegment(s_seg);
                if (!ok && request.segment_error.empty()) {
                    request.segment_error = "name: 1-40 of a-z 0-9 -";
                }
            }
            // Never keep a malformed segment (it may be long or hold anything).
            request.texts.emplace_back(ok ? std::string(s_seg) : std::string());
        } else if (p_seg != s_seg) {
            return false;
        }
        pattern = p_end == std::string_view::npos ? std::string_view() : pattern.substr(p_end);
        path = s_end == std::string_view::npos ? std::string_view() : path.substr(s_end);
    }
    return true;
}

AdminReply unauthenticated(std::string_view message) {
    return errorReply(401, "unauthenticated", message);
}

// The session a bearer token names and its operator (either may be absent); no checks, no audit.
std::pair<std::optional<OperatorSession>, std::optional<Operator>> lookUpSession(
    AdminState& state, std::string_view token) {
    std::pair<std::optional<OperatorSession>, std::optional<Operator>> out;
    if (token.size() != crypto::kSessionTokenHexChars) return out;
    auto reader = state.readers.acquire();
    out.first = reader.tx().admin().operatorSession(state.tokenHash(token));
    if (out.first) out.second = reader.tx().admin().operatorById(out.first->operator_id);
    return out;
}

// The operator of the request's bearer token, or the reply refusing it.
std::variant<Operator, AdminReply> authenticate(Call& call) {
    const std::string auth = call.request.http.get("Authorization", "");
    if (auth.rfind("Bearer ", 0) != 0) return unauthenticated("log in first / 请先登录");
    auto [session, op] = lookUpSession(call.state, std::string_view(auth).substr(7));
    std::string why;
    if (!session || !op) {
        why = "unknown session token";
    } else if (session->expires_at_ms <= call.now()) {
        why = "expired session token";
    } else if (op->disabled) {
        why = "operator disabled";
    }
    if (!why.empty()) {
        // A forged, stale or revoked token is a security event.
        call.action = "session.refused";
        call.detail = why;
        if (op) call.target = "operator:" + std::to_string(op->id);
        (void)call.auditNow("unauthenticated");
        return unauthenticated("session expired or unknown; log in again / 请重新登录");
    }
    return std::move(*op);
}

AdminReply refuse(Call& call, Permission permission) {
    call.detail = "role " + std::string(toString(call.op->role)) + " lacks " +
                  std::string(toString(permission));
    (void)call.auditNow("forbidden");
    return errorReply(403, "forbidden",
                      "your role may not do this / 无此权限 (" + call.detail + ")");
}

AdminReply runRoute(Call& call, const Route& route) {
    call.action = std::string(route.action);
    if (route.access != Access::Public) {
        auto who = authenticate(call);
        if (auto* refused = std::get_if<AdminReply>(&who)) return std::move(*refused);
        call.op = std::move(std::get<Operator>(who));
        call.action = std::string(route.action);
        call.detail.clear();
        call.target.clear();
    }
    bool write = false;
    if (route.access == Access::Permission) {
        if (call.op->must_change_password) {
            return errorReply(403, "password_change_required",
                              "change your one-time password first / 请先修改初始密码");
        }
        Permission permission = route.permission;
        if (route.permission_of != nullptr) {
            auto decided = route.permission_of(call);
            if (!decided) return errorReply(decided.error());
            permission = *decided;
        }
        if (!allowed(call.op->role, permission)) return refuse(call, permission);
        write = isWrite(permission);
    }
    AdminReply reply = call.request.segment_error.empty()
                           ? route.handler(call)
                           : errorReply(400, "invalid_argument", call.request.segment_error);
    if (write && reply.status >= 400 && !call.audited) (void)call.auditNow(reply.code);
    return reply;
}

}  // namespace

const std::vector<Route>& routes() {
    static const std::vector<Route> kRoutes = [] {
        std::vector<Route> all;
        addSessionRoutes(all);
        addIssuanceRoutes(all);
        addSalesRoutes(all);
        addCardRoutes(all);
        addMerchantRoutes(all);
        addApprovalRoutes(all);
        addAuditRoutes(all);
        addDayRoutes(all);         // issue 5
        addBackOfficeRoutes(all);  // issue 5
        return all;
    }();
    return kRoutes;
}

AdminReply dispatch(AdminState& state, AdminRequest& request) {
    bool path_known = false;
    for (const Route& route : routes()) {
        if (!matches(route.pattern, request.path, request)) continue;
        path_known = true;
        if (route.method != request.method) continue;
        Call call(state, request);
        call.route = &route;
        return runRoute(call, route);
    }
    if (path_known) return errorReply(405, "method_not_allowed", "not with this method");
    return errorReply(404, "unknown_endpoint", "no such endpoint");
}

std::int64_t bodyBytesMax(AdminState& state, std::string_view method, std::string_view path,
                          std::string_view authorization, TimestampMs now_ms) {
    // Import routes have fixed paths (no {id}), so comparing the pattern is matching it.
    for (const Route& route : routes()) {
        if (route.body != BodySize::Import || route.method != method || route.pattern != path) {
            continue;
        }
        // The large limit is read before the handler runs, so it is granted only to a live
        // session whose role may import: an anonymous or unprivileged client never gets a
        // multi-megabyte body read and parsed (it gets 413 at body_bytes_max, or its 401/403
        // when the body is small). No audit row here: the router audits the refusal it answers.
        if (authorization.rfind("Bearer ", 0) != 0) break;
        auto [session, op] = lookUpSession(state, authorization.substr(7));
        if (!session || session->expires_at_ms <= now_ms) break;
        if (!op || op->disabled || op->must_change_password ||
            !allowed(op->role, route.permission)) {
            break;
        }
        return state.limits.import_bytes_max;
    }
    return state.limits.body_bytes_max;
}

// ---- Call ----

Date Call::date(std::size_t i) const { return *Date::parseIso(text(i)); }

Actor Call::actor() const {
    return Actor{ActorKind::Operator, op ? op->name : std::string("unknown"), Channel::Admin};
}

Result<JsonReader> Call::body() {
    if (!body_) {
        const bool import = route != nullptr && route->body == BodySize::Import;
        JsonTreeLimits limits{
            state.limits.json_depth_max, state.limits.json_nodes_max,
            import ? state.limits.import_bytes_max : state.limits.json_string_bytes_max};
        auto parsed =
            parseJsonTree(request.body.empty() ? std::string_view("{}") : request.body, limits);
        if (!parsed) return parsed.error();
        body_ = std::move(*parsed);
    }
    return JsonReader(*body_, "");
}

std::optional<std::string> Call::queryText(std::string_view name) const {
    Poco::URI uri("/?" + request.query);
    for (const auto& [key, value] : uri.getQueryParameters()) {
        if (key == name) return value;
    }
    return std::nullopt;
}

Result<std::int64_t> Call::queryInt(std::string_view name, std::int64_t min, std::int64_t max,
                                    std::int64_t absent) const {
    auto text = queryText(name);
    if (!text) return absent;
    std::int64_t v = 0;
    auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc() || ptr != text->data() + text->size() || v < min || v > max) {
        return makeError(ErrorCode::InvalidArgument, std::string(name) + ": an integer in " +
                                                         std::to_string(min) + ".." +
                                                         std::to_string(max));
    }
    return v;
}

Result<std::pair<std::int64_t, std::int64_t>> Call::page() const {
    auto after = queryInt("after_id", 0, INT64_MAX, 0);
    if (!after) return after.error();
    auto limit = queryInt("limit", 1, state.limits.page_rows_max, state.limits.page_rows_max);
    if (!limit) return limit.error();
    return std::make_pair(*after, *limit);
}

AuditRecord Call::auditRecord(std::string_view outcome) const {
    AuditRecord r;
    r.at_ms = now();
    r.actor = op ? op->name : std::string();
    r.role = op ? std::string(toString(op->role)) : std::string();
    r.client = request.client;
    r.action = action;
    r.target = target;
    r.outcome = std::string(outcome);
    r.detail = detail;
    return r;
}

yika::Status Call::auditNow(std::string_view outcome) {
    AuditRecord record = auditRecord(outcome);
    yika::Status s = state.deps.store.writer().runStatus([&](StoreTx& tx) -> yika::Status {
        appendAudit(tx, state.chain, record);
        return Ok{};
    });
    if (s) audited = true;
    return s;
}

}  // namespace yika::admin
