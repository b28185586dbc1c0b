#pragma once

// KeyRing: the platform's symmetric keys, by purpose and key id, held in locked memory.
//
// Each purpose has its own independent 32-byte keys, numbered from 1. The highest id is the
// current key, used for everything new; older ids stay so that values made under them (PVVs,
// encrypted card numbers, audit MACs) still verify after a rotation. Every value a key produces
// carries its key id, which is how the old key is found again (find()).
//
// Invariants (checked by fromMaterial, so every KeyRing satisfies them):
//   1. Every purpose has at least one key, so current() never fails.
//   2. Ids are unique within a purpose and in 1..65535.
//   3. At most kKeyRingKeysMax keys in all.
//   4. The key bytes never leave the SecureBuffer except through KeyView spans, and the buffer
//      is read-only after construction.

#include "card_core/domain/result.h"
#include "crypto/secure_buffer.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace yika::crypto {

enum class KeyPurpose : std::uint8_t {
    PinVerification,        // PIN verification values (pin_verifier.h)
    CardNumberEncryption,   // card numbers at rest (card_vault.h)
    CardNumberLookup,       // the keyed lookup hash of card numbers (card_vault.h)
    TerminalKeyEncryption,  // wraps terminal master keys at rest
    AuditChain,             // MAC chaining the audit log
    SessionToken,           // MAC of admin/portal session tokens
};
inline constexpr std::size_t kKeyPurposeCount = 6;
inline constexpr std::array<KeyPurpose, kKeyPurposeCount> kAllKeyPurposes = {
    KeyPurpose::PinVerification,  KeyPurpose::CardNumberEncryption,
    KeyPurpose::CardNumberLookup, KeyPurpose::TerminalKeyEncryption,
    KeyPurpose::AuditChain,       KeyPurpose::SessionToken,
};

inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kKeyRingKeysMax = 1024;
inline constexpr std::uint16_t kKeyIdMax = 65535;

// The name used in key files, e.g. "pin-verification".
std::string_view toString(KeyPurpose purpose);
// The purpose named `name` in a key file; empty for an unknown name.
std::optional<KeyPurpose> parseKeyPurpose(std::string_view name);

// One key: its id and a view of its bytes, valid while the KeyRing lives.
struct KeyView {
    std::uint16_t id;
    std::span<const std::uint8_t, kKeyBytes> bytes;
};

// Which key the i-th kKeyBytes of a material buffer is.
struct KeySlot {
    KeyPurpose purpose;
    std::uint16_t id;
};

// Immutable after construction, so all const members are thread-safe. Move-only.
class KeyRing {
  public:
    // Takes ownership of `material`, which holds slots.size() keys of kKeyBytes each, the i-th
    // being slots[i]; `material.size()` must be exactly that. Errors (InvalidArgument, the detail
    // naming purpose and id, never key bytes): a purpose without keys, a duplicate id, id 0,
    // more than kKeyRingKeysMax keys.
    static Result<KeyRing> fromMaterial(SecureBuffer material, const std::vector<KeySlot>& slots);
    // One fresh random key (id 1) per purpose, in memory only: for tests and tools.
    static KeyRing generate();

    KeyRing(KeyRing&&) noexcept = default;
    KeyRing& operator=(KeyRing&&) noexcept = default;
    KeyRing(const KeyRing&) = delete;
    KeyRing& operator=(const KeyRing&) = delete;

    // The key with the highest id for `purpose` (it always exists, invariant 1). O(1).
    KeyView current(KeyPurpose purpose) const;
    // The key `key_id` of `purpose`; empty if there is none. O(log n).
    std::optional<KeyView> find(KeyPurpose purpose, std::uint16_t key_id) const;
    // The number of keys of `purpose` (at least 1).
    std::size_t keyCount(KeyPurpose purpose) const;
    // The number of keys in all.
    std::size_t size() const { return entries_.size(); }

  private:
    struct Entry {
        KeyPurpose purpose;
        std::uint16_t id;
        std::uint32_t offset;  // into material_
    };

    KeyRing(SecureBuffer material, std::vector<Entry> entries);
    KeyView view(const Entry& entry) const;

    SecureBuffer material_;
    std::vector<Entry> entries_;                             // sorted by (purpose, id)
    std::array<std::uint32_t, kKeyPurposeCount> current_{};  // index into entries_
};

}  // namespace yika::crypto
