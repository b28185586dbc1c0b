#pragma once

// Internal to admin_api/: the request/answer plumbing shared by the endpoint files, and the
// route table. Each endpoint is one function over a Call; it returns an AdminReply and throws
// nothing but StorageError / Poco exceptions, caught once in AdminHandler.
//
// Adding endpoints is a function per endpoint and one line each in an add...Routes() function
// called from routes() in router.cpp, with a Permission from the one table.

#include "card_core/domain/store.h"
#include "terminal_api/http/json_out.h"

#include <Poco/Net/HTTPServerRequest.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "admin_api/admin_state.h"
#include "admin_api/json_tree.h"

namespace yika::admin {

using http::jsonArray;
using http::JsonOut;
using http::jsonString;

struct AdminReply {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::string file_path;  // when set, the file is sent instead of `body`
    std::vector<std::pair<std::string, std::string>> headers;
    std::string code;  // the error's wire code (for the audit row); empty on success
};

// {"error":{"code":..,"message":..,"field":..}} with `status`. `field` is the path the message
// starts with ("lines[0].load_each_minor: ..."), so the desktop tool can place it.
AdminReply errorReply(int status, std::string_view code, std::string_view message);
// A domain error through the admin API's one status table (adminStatus).
AdminReply errorReply(const Error& error);
AdminReply jsonReply(int status, std::string body);
// The HTTP status of a domain error in the admin API (admin_errors.cpp).
int adminStatus(ErrorCode code);

struct AdminRequest {
    Poco::Net::HTTPServerRequest& http;
    std::string method;
    std::string path;
    std::string query;
    std::string body;
    std::string client;
    std::vector<std::int64_t> params;  // the {id} segments of the route, in order
    std::vector<std::string> texts;    // the {date} and {name} segments, in order
    // Why a {date} or {name} segment is malformed: answered 400 once the caller is known to be
    // allowed the route (so that a path never tells an anonymous caller more than 401).
    std::string segment_error;
};

struct Route;

// One request in progress: the operator (once authenticated), and what its audit row says.
class Call {
  public:
    Call(AdminState& s, AdminRequest& r) : state(s), request(r) {}

    AdminState& state;
    AdminRequest& request;
    std::optional<Operator> op;
    std::string action;  // the route's action name, e.g. "card.freeze"
    std::string target;  // set by the handler, e.g. "card:12"
    std::string detail;  // set by the handler; never a secret
    bool audited = false;

    TimestampMs now() const { return state.deps.clock.nowMs(); }
    const Route* route = nullptr;

    std::int64_t param(std::size_t i) const { return request.params.at(i); }
    // The i-th {date} / {name} segment (already validated by the router).
    const std::string& text(std::size_t i) const { return request.texts.at(i); }
    Date date(std::size_t i) const;
    Actor actor() const;
    // The body as an object under the limits (parsed once), or an error naming the problem.
    Result<JsonReader> body();
    // A query parameter as an integer in [min, max]; `absent` when not given.
    Result<std::int64_t> queryInt(std::string_view name, std::int64_t min, std::int64_t max,
                                  std::int64_t absent) const;
    std::optional<std::string> queryText(std::string_view name) const;
    // after_id and limit (1..admin.page_rows_max, default the maximum) of a listing.
    Result<std::pair<std::int64_t, std::int64_t>> page() const;

    // Runs `fn` on the single writer and, in the same transaction, appends this call's audit
    // row (outcome "ok"); `fn` may set target and detail. Waits for the durable commit.
    template <typename T>
    Result<T> write(std::function<Result<T>(StoreTx&)> fn) {
        auto r = state.deps.store.writer().run<T>([&](StoreTx& tx) -> Result<T> {
            auto out = fn(tx);
            if (!out) return out.error();
            appendAudit(tx, state.chain, auditRecord("ok"));
            return out;
        });
        if (r) audited = true;
        return r;
    }
    // Appends this call's audit row with `outcome` in a transaction of its own.
    yika::Status auditNow(std::string_view outcome);
    AuditRecord auditRecord(std::string_view outcome) const;

  private:
    std::optional<JsonNode> body_;
};

using Handler = AdminReply (*)(Call&);
// Decides the permission from the request when the route alone cannot (approving a request:
// the permission depends on its kind). May return an error reply (an unknown id: 404).
using PermissionOf = Result<Permission> (*)(Call&);

enum class Access : std::uint8_t {
    Public,      // no session (login)
    Session,     // any operator, even one who must still change the password
    Permission,  // the route's permission (or PermissionOf) from the table
};

// How large a request body may be: the admin.body_bytes_max and admin.json_string_bytes_max
// of every route, or admin.import_bytes_max for both (the CSV file imports only).
enum class BodySize : std::uint8_t { Json, Import };

struct Route {
    std::string_view method;
    // "/v1/cards/{id}/freeze": {id} matches a positive integer; {date} a YYYY-MM-DD calendar
    // date and {name} 1-40 of a-z 0-9 - (a malformed one is a 400 naming it).
    std::string_view pattern;
    Access access;
    Permission permission;
    std::string_view action;  // the audit log's action name
    Handler handler;
    PermissionOf permission_of = nullptr;
    BodySize body = BodySize::Json;
};

void addSessionRoutes(std::vector<Route>& routes);     // auth_api.cpp
void addIssuanceRoutes(std::vector<Route>& routes);    // issuance_api.cpp
void addSalesRoutes(std::vector<Route>& routes);       // sales_api.cpp
void addCardRoutes(std::vector<Route>& routes);        // cards_api.cpp
void addMerchantRoutes(std::vector<Route>& routes);    // merchants_api.cpp
void addApprovalRoutes(std::vector<Route>& routes);    // approvals_api.cpp
void addAuditRoutes(std::vector<Route>& routes);       // audit_api.cpp
void addDayRoutes(std::vector<Route>& routes);         // day_api.cpp (issue 5)
void addBackOfficeRoutes(std::vector<Route>& routes);  // back_office_api.cpp (issue 5)

// The whole table, built once.
const std::vector<Route>& routes();
// The body size limit of the route `method` `path` names (body_bytes_max when none).
std::int64_t bodyBytesMax(const AdminLimits& limits, std::string_view method,
                          std::string_view path);
// Authenticates, checks the permission, runs the handler and audits refusals and failed
// changes. Never throws for expected problems.
AdminReply dispatch(AdminState& state, AdminRequest& request);

// Answers of one entity each (views.cpp); none holds a PIN, key or full card number.
std::string productJson(const CardProduct& p);
std::string batchJson(const ProductionBatch& b, const std::optional<GenerationJobs::Status>& job);
std::string cardJson(const Card& c);
std::string cardEventJson(const CardEvent& e);
std::string txnJson(const CardTxn& t);
std::string orderJson(const SalesOrder& o);
std::string merchantJson(const Merchant& m);
std::string storeJson(const MerchantStore& s);
std::string terminalJson(const Terminal& t);
std::string groupJson(const MerchantGroup& g);
std::string approvalJson(const ApprovalRequest& r);
std::string operatorJson(const Operator& o);
std::string auditJson(const AuditRecord& r);
// {"items":[...],"next_after_id":N} (next_after_id 0 when the page was not full).
std::string pageJson(const std::vector<std::string>& items, std::int64_t last_id, bool full);

// Stores a maker-checker request of `kind` from `payload` (the kind's prepare validates it),
// audited; 201 with the request (approvals_api.cpp).
AdminReply submitRequest(Call& call, ApprovalKind kind, const JsonReader& payload);

// Shared readers of request fields.
Result<Money> moneyField(const JsonReader& r, std::string_view name, bool allow_zero);
Result<Buyer> buyerField(const JsonReader& r, std::string_view name);

}  // namespace yika::admin
