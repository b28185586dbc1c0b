#include "crypto/key_ring.h"

#include "card_core/domain/assert.h"

#include <sodium.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>

namespace yika::crypto {

namespace {

constexpr std::array<std::string_view, kKeyPurposeCount> kPurposeNames = {
    "pin-verification", "card-number-encryption", "card-number-lookup", "terminal-key-encryption",
    "audit-chain",      "session-token",
};

std::size_t indexOf(KeyPurpose purpose) {
    const auto index = static_cast<std::size_t>(purpose);
    YIKA_ASSERT(index < kKeyPurposeCount);
    return index;
}

}  // namespace

std::string_view toString(KeyPurpose purpose) { return kPurposeNames[indexOf(purpose)]; }

std::optional<KeyPurpose> parseKeyPurpose(std::string_view name) {
    for (KeyPurpose purpose : kAllKeyPurposes) {
        if (toString(purpose) == name) {
            return purpose;
        }
    }
    return std::nullopt;
}

KeyRing::KeyRing(SecureBuffer material, std::vector<Entry> entries)
    : material_(std::move(material)), entries_(std::move(entries)) {
    // Invariant 4: keys are never written after loading.
    material_.makeReadOnly();
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        // Entries are sorted by (purpose, id), so the last entry of a purpose is its current key.
        current_[indexOf(entries_[i].purpose)] = static_cast<std::uint32_t>(i);
    }
}

Result<KeyRing> KeyRing::fromMaterial(SecureBuffer material, const std::vector<KeySlot>& slots) {
    YIKA_ASSERT(material.size() == slots.size() * kKeyBytes);
    if (slots.size() > kKeyRingKeysMax) {
        return makeError(ErrorCode::InvalidArgument,
                         "more than " + std::to_string(kKeyRingKeysMax) + " keys");
    }
    std::vector<Entry> entries;
    entries.reserve(slots.size());
    for (std::size_t i = 0; i < slots.size(); ++i) {
        indexOf(slots[i].purpose);  // asserts that the enum value is valid
        if (slots[i].id == 0) {
            return makeError(ErrorCode::InvalidArgument,
                             "key id 0 for " + std::string(toString(slots[i].purpose)));
        }
        entries.push_back(
            {slots[i].purpose, slots[i].id, static_cast<std::uint32_t>(i * kKeyBytes)});
    }
    const auto order = [](const Entry& a, const Entry& b) {
        return std::tie(a.purpose, a.id) < std::tie(b.purpose, b.id);
    };
    std::sort(entries.begin(), entries.end(), order);
    for (std::size_t i = 1; i < entries.size(); ++i) {
        if (entries[i - 1].purpose == entries[i].purpose && entries[i - 1].id == entries[i].id) {
            return makeError(ErrorCode::InvalidArgument,
                             "duplicate key id " + std::to_string(entries[i].id) + " for " +
                                 std::string(toString(entries[i].purpose)));
        }
    }
    for (KeyPurpose purpose : kAllKeyPurposes) {
        const bool present = std::any_of(entries.begin(), entries.end(), [purpose](const Entry& e) {
            return e.purpose == purpose;
        });
        if (!present) {
            return makeError(ErrorCode::InvalidArgument,
                             "no key for " + std::string(toString(purpose)));
        }
    }
    return KeyRing(std::move(material), std::move(entries));
}

KeyRing KeyRing::generate() {
    SecureBuffer material(kKeyPurposeCount * kKeyBytes);
    randombytes_buf(material.data(), material.size());
    std::vector<KeySlot> slots;
    for (KeyPurpose purpose : kAllKeyPurposes) {
        slots.push_back({purpose, 1});
    }
    auto ring = fromMaterial(std::move(material), slots);
    YIKA_ASSERT(ring.ok());
    return std::move(ring).value();
}

KeyView KeyRing::view(const Entry& entry) const {
    return {entry.id,
            std::span<const std::uint8_t, kKeyBytes>(material_.data() + entry.offset, kKeyBytes)};
}

KeyView KeyRing::current(KeyPurpose purpose) const {
    YIKA_ASSERT(!entries_.empty());  // only a moved-from ring is empty
    return view(entries_[current_[indexOf(purpose)]]);
}

std::optional<KeyView> KeyRing::find(KeyPurpose purpose, std::uint16_t key_id) const {
    const auto it =
        std::lower_bound(entries_.begin(), entries_.end(), std::pair(purpose, key_id),
                         [](const Entry& e, const std::pair<KeyPurpose, std::uint16_t>& k) {
                             return std::tie(e.purpose, e.id) < std::tie(k.first, k.second);
                         });
    if (it == entries_.end() || it->purpose != purpose || it->id != key_id) {
        return std::nullopt;
    }
    return view(*it);
}

std::size_t KeyRing::keyCount(KeyPurpose purpose) const {
    return static_cast<std::size_t>(
        std::count_if(entries_.begin(), entries_.end(),
                      [purpose](const Entry& e) { return e.purpose == purpose; }));
}

}  // namespace yika::crypto
