// The audit log: read it page by page, and check its hash chain.

#include "card_core/domain/admin_store.h"
#include "crypto/hex.h"

#include "admin_api/admin_http.h"
#include "admin_api/audit_verify.h"

namespace yika::admin {

std::string AuditChainReport::summary() const {
    if (ok()) {
        return "audit chain intact: " + std::to_string(rows) + " rows, head " +
               std::to_string(head_id);
    }
    return "audit chain broken at row " + std::to_string(*first_broken) + ": " + reason;
}

AuditChainReport verifyAuditChain(StoreTx& reader, const AuditChainHasher& hasher,
                                  std::int64_t page_rows) {
    AuditChainCheck check(hasher);
    std::int64_t after = 0;
    for (;;) {
        auto rows = reader.admin().auditRows(after, page_rows);
        for (const AuditRecord& row : rows) {
            if (!check.feed(row)) break;
        }
        if (check.firstBroken() || static_cast<std::int64_t>(rows.size()) < page_rows) break;
        after = rows.back().id;
    }
    return AuditChainReport{check.rows(), check.firstBroken(), check.reason(), check.headId(),
                            check.headHash()};
}

namespace {

AdminReply listAudit(Call& call) {
    auto page = call.page();
    if (!page) return errorReply(page.error());
    auto reader = call.state.readers.acquire();
    auto rows = reader.tx().admin().auditRows(page->first, page->second);
    std::vector<std::string> items;
    for (const AuditRecord& r : rows) items.push_back(auditJson(r));
    return jsonReply(200, pageJson(items, rows.empty() ? 0 : rows.back().id,
                                   static_cast<std::int64_t>(rows.size()) == page->second));
}

AdminReply verify(Call& call) {
    auto reader = call.state.readers.acquire();
    AuditChainReport report = verifyAuditChain(reader.tx(), call.state.chain);
    JsonOut out;
    out.boolean("ok", report.ok())
        .num("rows", report.rows)
        .num("head_id", report.head_id)
        .str("head_hash_hex", crypto::toHex(report.head_hash));
    if (report.first_broken) {
        out.num("first_broken_id", *report.first_broken).str("reason", report.reason);
    } else {
        out.raw("first_broken_id", "null");
    }
    return jsonReply(200, out.done());
}

}  // namespace

void addAuditRoutes(std::vector<Route>& r) {
    using P = Permission;
    constexpr Access kP = Access::Permission;
    r.push_back({"GET", "/v1/audit", kP, P::AuditRead, "audit.list", listAudit});
    r.push_back({"GET", "/v1/audit/verify", kP, P::AuditRead, "audit.verify", verify});
}

}  // namespace yika::admin
