#pragma once

// SodiumCardNumberVault: the CardNumberVault port (card_core/domain/secrets.h) over libsodium.
//
// Encrypted blob (kEncryptedOverheadBytes = 42 bytes plus the card number):
//     key id (2, big-endian) || nonce (24, random) || XChaCha20-Poly1305-IETF ciphertext || tag
//     (16) additional data: "yika-pan-v1" || key id
// The key id is authenticated through the additional data, so relabelling a blob with another
// key id fails to decrypt instead of decrypting under the wrong key. 192-bit random nonces make
// a repeat negligible at any realistic volume, with no nonce state to persist.
//
// Lookup hash (kLookupHashBytes = 34):
//     key id (2, big-endian) || BLAKE2b-256(key = CardNumberLookup key, "yika-pan-lookup-v1" ||
//     pan)
// Deterministic, so it can be a unique index. Rotating the CardNumberLookup key changes every
// hash: the card table must then be re-indexed (decrypt, re-hash) before lookups under the new
// key can find old cards. The key id prefix tells which rows still carry old hashes.

#include "card_core/domain/secrets.h"
#include "crypto/key_ring.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yika::crypto {

// Longest card number accepted (ISO/IEC 7812 allows 19 digits; the rest is headroom).
inline constexpr std::size_t kCardNumberBytesMax = 32;
inline constexpr std::size_t kVaultNonceBytes = 24;
inline constexpr std::size_t kVaultTagBytes = 16;
inline constexpr std::size_t kEncryptedOverheadBytes = 2 + kVaultNonceBytes + kVaultTagBytes;
inline constexpr std::size_t kLookupHashBytes = 2 + 32;

// Thread-safe (stateless over an immutable KeyRing; nonces come from a per-thread NoncePool).
class SodiumCardNumberVault final : public CardNumberVault {
  public:
    // Keeps a reference to `keys`, which must outlive the vault.
    explicit SodiumCardNumberVault(const KeyRing& keys);
    // A temporary ring would dangle; refuse it at compile time.
    explicit SodiumCardNumberVault(const KeyRing&& keys) = delete;

    // Encrypts `pan` under the current CardNumberEncryption key. Precondition (asserted; the
    // domain validates card numbers first): 1 <= pan.size() <= kCardNumberBytesMax.
    Bytes encrypt(std::string_view pan) const override;
    // The card number in `blob`; empty if the blob is truncated, oversized, tampered with,
    // or made under a key id this ring does not hold. Never asserts on `blob` (it comes from
    // storage).
    std::optional<std::string> decrypt(const Bytes& blob) const override;
    // The lookup hash of `pan` under the current CardNumberLookup key. Same precondition as
    // encrypt.
    Bytes lookupHash(std::string_view pan) const override;

  private:
    const KeyRing& keys_;
};

// `pan` masked for display and logs: the first 6 and last 4 characters kept, the rest '*'
// (e.g. "623456******1234"). Shorter than 11 characters: all but the last 4 masked; 4 or fewer:
// all masked, since showing "the last 4" would show all of it. Pure; thread-safe.
std::string maskCardNumber(std::string_view pan);

}  // namespace yika::crypto
