// The admin API's small parts: the permission table's invariants, the JSON tree reader, the
// audit chain check over a fake hash, operator rules, the limits table.

#include "card_core/domain/audit.h"
#include "card_core/domain/operator.h"
#include "card_core/domain/permissions.h"

#include <gtest/gtest.h>

#include <functional>

#include "admin_api/admin_limits.h"
#include "admin_api/json_tree.h"

namespace yika::admin {
namespace {

TEST(Permissions, AuditorReadsEverythingAndWritesNothing) {  // P1
    for (int i = 0; i < kPermissionCount; ++i) {
        auto p = static_cast<Permission>(i);
        if (isWrite(p)) {
            EXPECT_FALSE(allowed(Role::Auditor, p)) << toString(p);
        } else if (p != Permission::CardNumberReveal) {
            EXPECT_TRUE(allowed(Role::Auditor, p)) << toString(p);
        }
    }
    EXPECT_FALSE(allowed(Role::Auditor, Permission::CardNumberReveal));
}

TEST(Permissions, TheSeparationsTheDesignNames) {  // P2, P3
    for (int i = 0; i < kApprovalKindCount; ++i) {
        auto k = static_cast<ApprovalKind>(i);
        EXPECT_TRUE(isWrite(requestPermission(k)));
        EXPECT_TRUE(isWrite(approvePermission(k)));
        EXPECT_EQ(approvalKindFromString(toString(k)), k);
    }
    EXPECT_FALSE(allowed(Role::CustomerService, Permission::BatchApprove));
    EXPECT_FALSE(allowed(Role::CustomerService, Permission::PayoutApprove));
    EXPECT_FALSE(allowed(Role::CustomerService, Permission::PayoutRequest));
    EXPECT_FALSE(allowed(Role::Issuance, Permission::FeeChangeRequest));
    EXPECT_FALSE(allowed(Role::Issuance, Permission::FeeChangeApprove));
    EXPECT_FALSE(allowed(Role::Administrator, Permission::CardNumberReveal));
    // Issue 5: only finance runs the business day, imports, resolves and invoices; customer
    // service and issuance do not even read its figures; administrators read, change nothing.
    for (Permission p :
         {Permission::DayClose, Permission::SettlementImport, Permission::ReconResolve,
          Permission::InvoiceWrite, Permission::PayoutRequest}) {
        for (int r = 0; r < kRoleCount; ++r) {
            EXPECT_EQ(allowed(static_cast<Role>(r), p), static_cast<Role>(r) == Role::Finance)
                << toString(p) << " " << toString(static_cast<Role>(r));
        }
    }
    EXPECT_FALSE(allowed(Role::CustomerService, Permission::FinanceRead));
    EXPECT_FALSE(allowed(Role::Issuance, Permission::FinanceRead));
    EXPECT_TRUE(allowed(Role::Administrator, Permission::FinanceRead));
    EXPECT_TRUE(allowed(Role::CustomerService, Permission::CardNumberReveal));
    for (int r = 0; r < kRoleCount; ++r) {
        EXPECT_EQ(roleFromString(toString(static_cast<Role>(r))), static_cast<Role>(r));
    }
}

TEST(JsonTree, ReadsNestedObjectsAndNamesTheFieldInErrors) {
    auto tree = parseJsonTree(R"({"a":{"b":[{"c":1},{"c":"x"}]},"n":null})", JsonTreeLimits{});
    ASSERT_TRUE(tree.ok()) << tree.error().detail;
    JsonReader r(*tree, "");
    auto a = r.object("a");
    ASSERT_TRUE(a.ok());
    auto items = a->objects("b", 10);
    ASSERT_TRUE(items.ok());
    EXPECT_EQ((*items)[0].integer("c", 0, 9).value(), 1);
    auto bad = (*items)[1].integer("c", 0, 9);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().detail, "a.b[1].c: must be an integer, not a string");
    EXPECT_EQ(r.optStr("n", 10).value(), "");
    EXPECT_EQ(r.only({"a"}).error().detail, "n: unknown field");
    EXPECT_EQ(toJson(*tree), R"({"a":{"b":[{"c":1},{"c":"x"}]},"n":null})");
}

TEST(JsonTree, RefusesWhatTheLimitsForbid) {
    JsonTreeLimits limits{3, 8, 5};
    EXPECT_FALSE(parseJsonTree(R"({"a":{"b":{"c":{}}}})", limits).ok());     // depth
    EXPECT_FALSE(parseJsonTree(R"({"a":[1,2,3,4,5,6,7,8]})", limits).ok());  // nodes
    EXPECT_FALSE(parseJsonTree(R"({"a":"123456"})", limits).ok());           // string
    EXPECT_FALSE(parseJsonTree(R"({"a":1,"a":2})", limits).ok());            // duplicate
    EXPECT_FALSE(parseJsonTree(R"([1])", limits).ok());
    EXPECT_FALSE(parseJsonTree(R"({"a":1} x)", limits).ok());
    EXPECT_FALSE(parseJsonTree("", limits).ok());
    EXPECT_TRUE(
        parseJsonTree(R"({"a":[{"a":1},{"a":2}]})", limits).ok());  // same name, two objects
    auto big = parseJsonTree(R"({"a":18446744073709551615})", JsonTreeLimits{});
    ASSERT_TRUE(big.ok());
    EXPECT_FALSE(JsonReader(*big, "").integer("a", 0, INT64_MAX).ok());
}

// A transparent "hash" for testing the chain logic: std::hash of (prev, content).
class FakeHasher final : public AuditChainHasher {
  public:
    Bytes link(const Bytes& prev, std::string_view content) const override {
        std::string all(prev.begin(), prev.end());
        all += content;
        auto h = std::hash<std::string>{}(all);
        Bytes out(8);
        for (int i = 0; i < 8; ++i)
            out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(h >> (8 * i));
        return out;
    }
    bool verifyLink(const Bytes& prev, std::string_view content, const Bytes& hash) const override {
        return link(prev, content) == hash;
    }
};

std::vector<AuditRecord> chainOf(int n, const AuditChainHasher& hasher) {
    std::vector<AuditRecord> rows;
    Bytes prev = auditGenesisHash();
    for (int i = 1; i <= n; ++i) {
        AuditRecord r;
        r.id = i;
        r.actor = "op";
        r.action = "a" + std::to_string(i);
        r.prev_hash = prev;
        r.hash = hasher.link(prev, auditContent(r));
        prev = r.hash;
        rows.push_back(r);
    }
    return rows;
}

TEST(AuditChain, FindsTheFirstEditedMissingOrReorderedRow) {
    FakeHasher hasher;
    auto check = [&](const std::vector<AuditRecord>& rows) {
        AuditChainCheck c(hasher);
        for (const auto& r : rows) c.feed(r);
        return c.firstBroken();
    };
    auto rows = chainOf(5, hasher);
    EXPECT_EQ(check(rows), std::nullopt);
    auto edited = rows;
    edited[2].detail = "changed";
    EXPECT_EQ(check(edited), 3);
    auto missing = rows;
    missing.erase(missing.begin() + 1);
    EXPECT_EQ(check(missing), 3);
    auto swapped = rows;
    std::swap(swapped[1], swapped[2]);
    EXPECT_EQ(check(swapped), 3);
    // Field boundaries cannot be moved: ("ab","c") and ("a","bc") differ.
    AuditRecord x, y;
    x.actor = "ab";
    x.role = "c";
    y.actor = "a";
    y.role = "bc";
    EXPECT_NE(auditContent(x), auditContent(y));
}

TEST(Operators, NamesAndLoginLocks) {
    EXPECT_TRUE(validateOperatorName("fin.wang").ok());
    EXPECT_FALSE(validateOperatorName("Fin").ok());
    EXPECT_FALSE(validateOperatorName("ab").ok());
    EXPECT_FALSE(validateOperatorName("a b c").ok());
    Operator op;
    LoginPolicy policy{3, 1000};
    for (int i = 0; i < 2; ++i) recordLoginFailure(op, policy, 0);
    EXPECT_TRUE(mayLogIn(op, 0));
    recordLoginFailure(op, policy, 0);
    EXPECT_FALSE(mayLogIn(op, 999));
    EXPECT_TRUE(mayLogIn(op, 1000));
    op.disabled = true;
    EXPECT_FALSE(mayLogIn(op, 5000));
}

TEST(AdminLimits, DefaultsAreValidAndBoundsAreChecked) {
    AdminLimits limits;
    EXPECT_TRUE(validateAdminLimits(limits).ok());
    limits.body_bytes_max = 1;
    EXPECT_FALSE(validateAdminLimits(limits).ok());
    for (const auto& s : adminLimitSettings()) EXPECT_EQ(s.key.substr(0, 6), "admin.");
}

}  // namespace
}  // namespace yika::admin
