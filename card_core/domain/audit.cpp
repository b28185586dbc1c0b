#include "card_core/domain/audit.h"

#include "card_core/domain/admin_store.h"
#include "card_core/domain/store.h"

namespace yika {

namespace {

constexpr std::size_t kGenesisBytes = 32;

void field(std::string& out, std::string_view value) {
    out += std::to_string(value.size());
    out += ':';
    out += value;
    out += ';';
}

}  // namespace

Bytes auditGenesisHash() { return Bytes(kGenesisBytes, 0); }

std::string auditContent(const AuditRecord& r) {
    // Length prefixes make the encoding unambiguous: no choice of field values can make two
    // different rows encode alike. The id is covered so that rows cannot be swapped.
    std::string out = "yika-audit-v1;";
    field(out, std::to_string(r.id));
    field(out, std::to_string(r.at_ms));
    field(out, r.actor);
    field(out, r.role);
    field(out, r.client);
    field(out, r.action);
    field(out, r.target);
    field(out, r.outcome);
    field(out, r.detail);
    return out;
}

std::int64_t appendAudit(StoreTx& tx, const AuditChainHasher& hasher, AuditRecord record) {
    auto head = tx.admin().auditHead();
    record.id = head ? head->first + 1 : 1;
    record.prev_hash = head ? head->second : auditGenesisHash();
    record.hash = hasher.link(record.prev_hash, auditContent(record));
    tx.admin().insertAudit(record);
    return record.id;
}

AuditChainCheck::AuditChainCheck(const AuditChainHasher& hasher)
    : hasher_(hasher), prev_(auditGenesisHash()) {}

bool AuditChainCheck::feed(const AuditRecord& row) {
    if (broken_) return false;
    rows_ += 1;
    auto fail = [&](std::string reason) {
        broken_ = row.id;
        reason_ = std::move(reason);
        return false;
    };
    if (row.id != head_id_ + 1) {
        return fail("row " + std::to_string(head_id_ + 1) + " is missing");
    }
    if (row.prev_hash != prev_) return fail("its previous hash is not the hash of the row before");
    if (!hasher_.verifyLink(prev_, auditContent(row), row.hash)) {
        return fail("its content does not match its hash");
    }
    prev_ = row.hash;
    head_id_ = row.id;
    return true;
}

}  // namespace yika
