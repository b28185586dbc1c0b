#pragma once

// Checking the audit log's hash chain (card_core/domain/audit.h) from a read connection: used
// by GET /v1/audit/verify and by `yikad verify`.

#include "card_core/domain/audit.h"
#include "card_core/domain/store.h"

#include <cstdint>
#include <optional>
#include <string>

namespace yika::admin {

struct AuditChainReport {
    std::int64_t rows = 0;                     // rows examined
    std::optional<std::int64_t> first_broken;  // the first row whose link fails
    std::string reason;
    std::int64_t head_id = 0;  // the last good row
    Bytes head_hash;
    bool ok() const { return !first_broken; }
    std::string summary() const;  // one line
};

// Reads every row in id order, `page_rows` at a time. Throws StorageError.
AuditChainReport verifyAuditChain(StoreTx& reader, const AuditChainHasher& hasher,
                                  std::int64_t page_rows = 1000);

}  // namespace yika::admin
