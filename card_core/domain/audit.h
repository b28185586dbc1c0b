#pragma once

// The append-only audit log of operator actions and security events (design section 10),
// hash-chained: each row stores the keyed hash of the previous row's hash and its own content,
//
//   hash[n] = MAC(AuditChain key, hash[n-1] || content[n]),   hash[0] = 32 zero bytes
//
// so that editing, deleting or reordering any row breaks the chain at that row or the next,
// and nobody without the key file can forge a consistent replacement.
//
// Invariants:
//   C1. Rows are appended only, inside the writer's transaction (one chain, no forks); the
//       store refuses UPDATE and DELETE by trigger.
//   C2. ids are consecutive from 1; row n's prev_hash is row n-1's hash.
//   C3. No row holds a PIN, password, key or full card number (callers pass masked data).
// Limitation: removing rows at the end leaves a valid shorter chain; GET /v1/audit/verify
// reports the head (last id and hash) so an auditor can record it and detect that.

#include "card_core/domain/result.h"
#include "card_core/domain/secrets.h"
#include "card_core/domain/time.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yika {

class StoreTx;

struct AuditRecord {
    std::int64_t id = 0;  // assigned by appendAudit
    TimestampMs at_ms = 0;
    std::string actor;    // operator name; empty when unknown (a failed login of no operator)
    std::string role;     // the actor's role, if known
    std::string client;   // client address
    std::string action;   // "login", "card.freeze", "approval.approve", ...
    std::string target;   // what it acted on: "card:12", "approval:3"
    std::string outcome;  // "ok", or a wire error code ("forbidden", "bad_credentials")
    std::string detail;   // never a secret (C3)
    Bytes prev_hash;
    Bytes hash;
};

// The keyed chain hash (crypto/audit_chain.h implements it with BLAKE2b). Thread-safe.
class AuditChainHasher {
  public:
    virtual ~AuditChainHasher() = default;
    // The hash of a row: key id and MAC over (prev || content).
    virtual Bytes link(const Bytes& prev, std::string_view content) const = 0;
    // Constant-time check of `hash` (made under any key id still in the key file).
    virtual bool verifyLink(const Bytes& prev, std::string_view content,
                            const Bytes& hash) const = 0;
};

// The bytes the hash covers: every field but the hashes, each length-prefixed.
std::string auditContent(const AuditRecord& record);

// Appends `record` to the chain in the caller's transaction (C1, C2). Returns its id.
std::int64_t appendAudit(StoreTx& tx, const AuditChainHasher& hasher, AuditRecord record);

// Checks rows fed in id order. Feed every row, then read the outcome.
class AuditChainCheck {
  public:
    explicit AuditChainCheck(const AuditChainHasher& hasher);
    // False once a row is broken (later rows are not examined further).
    bool feed(const AuditRecord& row);
    std::int64_t rows() const { return rows_; }
    std::optional<std::int64_t> firstBroken() const { return broken_; }
    const std::string& reason() const { return reason_; }
    std::int64_t headId() const { return head_id_; }
    const Bytes& headHash() const { return prev_; }

  private:
    const AuditChainHasher& hasher_;
    Bytes prev_;
    std::int64_t head_id_ = 0;
    std::int64_t rows_ = 0;
    std::optional<std::int64_t> broken_;
    std::string reason_;
};

// The genesis "previous hash" of row 1.
Bytes auditGenesisHash();

}  // namespace yika
