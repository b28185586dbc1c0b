// The role matrix: every endpoint of the route table, called by an operator of every role,
// over HTTP. Where the table (card_core/domain/permissions.h) refuses, the answer is 403
// "forbidden" and an audit row; where it allows, the request reaches its handler (which answers
// something else: ids are chosen so that nothing exists and nothing changes). Maker-checker
// approvals, whose permission depends on the request's kind, are checked per kind.

#include <set>

#include "admin_api/admin_http.h"
#include "admin_api/admin_test_fixture.h"

namespace yika::admin::testing {
namespace {

const std::vector<std::pair<std::string, Role>> kOperators = {
    {"admin", Role::Administrator},  {"iss.a", Role::Issuance}, {"fin.a", Role::Finance},
    {"cs.a", Role::CustomerService}, {"aud.a", Role::Auditor},
};

// The route's path with segments that name nothing: no id 999999, no business day on
// 2000-01-03; {name} is a report, which reads only.
std::string concrete(std::string_view pattern) {
    std::string out(pattern);
    for (const auto& [segment, value] :
         {std::pair{"{id}", "999999"}, std::pair{"{date}", "2000-01-03"},
          std::pair{"{name}", "liability"}}) {
        for (auto at = out.find(segment); at != std::string::npos; at = out.find(segment)) {
            out.replace(at, std::string_view(segment).size(), value);
        }
    }
    return out;
}

// A body that reaches the handler and changes nothing (a cut-off guarded by a date that is not
// the business date); "{}" for every other route.
std::string bodyFor(std::string_view pattern) {
    if (pattern == "/v1/day/cutoff") return R"({"business_date":"2000-01-01"})";
    return "{}";
}

using RoleMatrix = AdminApiTest;

TEST_F(RoleMatrix, EveryEndpointAnswersEveryRoleAsTheTableSays) {
    int checked = 0;
    std::set<std::string> patterns;
    for (const Route& route : routes()) {
        if (route.access != Access::Permission || route.permission_of != nullptr) continue;
        patterns.insert(std::string(route.method) + " " + std::string(route.pattern));
        for (const auto& [name, role] : kOperators) {
            std::int64_t denied_before =
                queryInt("SELECT COUNT(*) FROM admin_audit WHERE outcome = 'forbidden'");
            Answer a = as(name).send(std::string(route.method), concrete(route.pattern),
                                     route.method == "POST" ? bodyFor(route.pattern) : "");
            std::string where = std::string(route.method) + " " + std::string(route.pattern) +
                                " as " + std::string(toString(role)) + ": " + a.body;
            if (allowed(role, route.permission)) {
                EXPECT_NE(a.code(), "forbidden") << where;
                EXPECT_NE(a.status, 401) << where;
            } else {
                EXPECT_EQ(a.status, 403) << where;
                EXPECT_EQ(a.code(), "forbidden") << where;
                EXPECT_EQ(queryInt("SELECT COUNT(*) FROM admin_audit WHERE outcome = 'forbidden'"),
                          denied_before + 1)
                    << where;
            }
            ++checked;
        }
    }
    EXPECT_GE(checked, 5 * 57);  // 40 routes of issue 6, 17 of issue 5
    // The table is walked, not listed: issue 5's routes are in it like every other.
    for (const char* r :
         {"GET /v1/day", "POST /v1/day/cutoff", "POST /v1/days/{date}/close",
          "GET /v1/days/{date}/payout-file", "POST /v1/payout-results", "POST /v1/bank-statements",
          "GET /v1/reports/{name}", "POST /v1/orders/{id}/invoices", "GET /v1/dashboard"}) {
        EXPECT_EQ(patterns.count(r), 1u) << r;
    }
    // Nothing was changed by the allowed calls: the business date was not cut off.
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM business_day WHERE state <> 'OPEN'"), 0);
}

TEST_F(RoleMatrix, RequestingAndDecidingEachKindFollowsTheTable) {
    // payout_release names a closed business day with payouts.
    spendAtMerchant(50000, 12345);
    const std::string closed = cutOffAndClose();
    struct Kind {
        ApprovalKind kind;
        std::string payload;
    };
    const std::vector<Kind> kinds = {
        {ApprovalKind::ProductionBatch, R"({"product_id":)" + std::to_string(world_.product_id) +
                                            R"(,"quantity":2,"location":"HQ"})"},
        {ApprovalKind::ManualAdjustment,
         R"({"reason":"r","lines":[{"account":1001,"side":"debit","amount_minor":1},{"account":2204,"side":"credit","amount_minor":1}]})"},
        {ApprovalKind::MerchantFeeChange, R"({"merchant_id":)" +
                                              std::to_string(world_.merchant_id) +
                                              R"(,"fee_bps":30,"fee_mode":"net"})"},
        {ApprovalKind::PayoutRelease, R"({"business_date":")" + closed + R"("})"},
    };
    for (const Kind& k : kinds) {
        std::string body =
            R"({"kind":")" + std::string(toString(k.kind)) + R"(","payload":)" + k.payload + "}";
        std::string maker;
        for (const auto& [name, role] : kOperators) {
            bool may = allowed(role, requestPermission(k.kind));
            if (may && maker.empty()) {
                maker = name;
                continue;  // requested below, once
            }
            if (!may) {
                EXPECT_EQ(as(name).post("/v1/approvals", body).code(), "forbidden")
                    << toString(k.kind) << " requested by " << toString(role);
            }
        }
        ASSERT_FALSE(maker.empty()) << toString(k.kind);
        Answer requested = as(maker).post("/v1/approvals", body);
        ASSERT_EQ(requested.status, 201) << requested.body;
        std::string approve = "/v1/approvals/" + std::to_string(requested.num("id")) + "/approve";
        for (const auto& [name, role] : kOperators) {
            if (name == maker || allowed(role, approvePermission(k.kind))) continue;
            EXPECT_EQ(as(name).post(approve).code(), "forbidden")
                << toString(k.kind) << " approved by " << toString(role);
        }
        EXPECT_EQ(as(maker).post(approve).code(), "maker_checker_violation");
        // A second operator with the permission approves (admin approves every kind).
        EXPECT_EQ(admin_.post(approve).str("state"), "EXECUTED") << toString(k.kind);
    }
}

}  // namespace
}  // namespace yika::admin::testing
