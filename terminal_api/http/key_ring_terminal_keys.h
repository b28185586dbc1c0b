#pragma once

// The production TerminalKeySource: unwraps the terminal master key stored in the terminal row
// (crypto/terminal_keys.h, under the key ring's TerminalKeyEncryption key) and derives the
// terminal's HTTP key from it (request_signature.h). The TMK exists in clear only in a
// SecureBuffer for the duration of one call.

#include "crypto/key_ring.h"
#include "terminal_api/http/service_context.h"

namespace yika::http {

// Thread-safe (stateless over an immutable KeyRing).
class KeyRingTerminalKeys final : public TerminalKeySource {
  public:
    // Keeps a reference to `keys`, which must outlive this object.
    explicit KeyRingTerminalKeys(const crypto::KeyRing& keys) : keys_(keys) {}
    explicit KeyRingTerminalKeys(const crypto::KeyRing&& keys) = delete;

    // Empty when the wrapped TMK does not open for this TID under the ring (wrong key file,
    // tampered row, a key id the ring no longer holds).
    std::optional<HttpKey> httpKey(const Terminal& terminal) const override;

  private:
    const crypto::KeyRing& keys_;
};

}  // namespace yika::http
