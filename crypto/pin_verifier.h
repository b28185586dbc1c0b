#pragma once

// SodiumPinVerifier: the PinVerifier port (card_core/domain/secrets.h) over keyed BLAKE2b.
//
// PVV layout (kPvvBytes = 34):
//     key id (2 bytes, big-endian) || BLAKE2b-256(key = PinVerification key,
//                                                 "yika-pvv-v1" || card id (8 bytes LE) || PIN)
// The prefix and card id have fixed lengths, so the PIN is unambiguous; binding the card id means
// equal PINs on two cards give unrelated PVVs. The key id selects the key on verification, so
// PVVs made before a key rotation keep verifying.
//
// A 4-digit PIN has only 10,000 values: anyone holding the PinVerification key and a PVV can
// find the PIN at once. The keyed hash only protects PVVs whose key stays secret (a database
// dump alone reveals nothing); the wrong-PIN counter protects against online guessing.

#include "card_core/domain/secrets.h"
#include "crypto/key_ring.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace yika::crypto {

inline constexpr std::size_t kKeyIdBytes = 2;
inline constexpr std::size_t kPvvBytes = kKeyIdBytes + 32;
inline constexpr std::size_t kPinDigitsMin = 4;
inline constexpr std::size_t kPinDigitsMax = 12;

// Thread-safe (stateless over an immutable KeyRing).
class SodiumPinVerifier final : public PinVerifier {
  public:
    // Keeps a reference to `keys`, which must outlive the verifier.
    explicit SodiumPinVerifier(const KeyRing& keys);
    // A temporary ring would dangle; refuse it at compile time.
    explicit SodiumPinVerifier(const KeyRing&& keys) = delete;

    // The PVV of `pin` for `card_id` under the current PinVerification key. Precondition
    // (asserted; the domain validates first): `pin` is 4-12 ASCII digits.
    Bytes pinVerificationValue(std::int64_t card_id, std::string_view pin) const override;
    // Whether `pin` matches `pvv`, compared in constant time. False, never an error, for a PVV
    // of the wrong size or whose key id is not in the ring. Same precondition on `pin`.
    bool verifyPin(std::int64_t card_id, std::string_view pin, const Bytes& pvv) const override;

  private:
    const KeyRing& keys_;
};

}  // namespace yika::crypto
