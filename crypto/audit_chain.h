#pragma once

// The audit log's chain hash (card_core/domain/audit.h): keyed BLAKE2b-256 under the key file's
// AuditChain key over ("yika-audit-v1", the previous hash, the row's content), prefixed with the
// key's id so that rows made before a key rotation still verify.

#include "card_core/domain/audit.h"
#include "crypto/key_ring.h"

namespace yika::crypto {

inline constexpr std::size_t kAuditHashBytes = 2 + 32;  // key id + BLAKE2b-256

// Thread-safe; `keys` must outlive it.
class SodiumAuditChain final : public AuditChainHasher {
  public:
    explicit SodiumAuditChain(const KeyRing& keys);
    Bytes link(const Bytes& prev, std::string_view content) const override;
    bool verifyLink(const Bytes& prev, std::string_view content, const Bytes& hash) const override;

  private:
    const KeyRing& keys_;
};

}  // namespace yika::crypto
