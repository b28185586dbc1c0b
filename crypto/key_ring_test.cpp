#include "crypto/key_ring.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace yika::crypto {
namespace {

// A ring whose key for slot i is 32 bytes of value i + 1, so tests can tell keys apart.
Result<KeyRing> ringOf(const std::vector<KeySlot>& slots) {
    SecureBuffer material(slots.size() * kKeyBytes);
    for (std::size_t i = 0; i < slots.size(); ++i) {
        std::fill_n(material.data() + i * kKeyBytes, kKeyBytes, static_cast<std::uint8_t>(i + 1));
    }
    return KeyRing::fromMaterial(std::move(material), slots);
}

std::vector<KeySlot> onePerPurpose() {
    std::vector<KeySlot> slots;
    for (KeyPurpose purpose : kAllKeyPurposes) {
        slots.push_back({purpose, 1});
    }
    return slots;
}

TEST(KeyRing, GenerateHasOneDistinctKeyPerPurpose) {
    const KeyRing ring = KeyRing::generate();
    EXPECT_EQ(ring.size(), kKeyPurposeCount);
    for (KeyPurpose purpose : kAllKeyPurposes) {
        EXPECT_EQ(ring.current(purpose).id, 1);
        EXPECT_EQ(ring.keyCount(purpose), 1u);
    }
    const auto a = ring.current(KeyPurpose::PinVerification).bytes;
    const auto b = ring.current(KeyPurpose::CardNumberEncryption).bytes;
    EXPECT_FALSE(std::equal(a.begin(), a.end(), b.begin()));
}

TEST(KeyRing, CurrentIsHighestIdAndFindReturnsOlderKeys) {
    auto slots = onePerPurpose();                       // slots 0..5 hold bytes 1..6
    slots.push_back({KeyPurpose::PinVerification, 3});  // byte 7
    slots.push_back({KeyPurpose::PinVerification, 2});  // byte 8, out of order on purpose
    auto ring = ringOf(slots);
    ASSERT_TRUE(ring.ok()) << ring.error().detail;
    EXPECT_EQ(ring->current(KeyPurpose::PinVerification).id, 3);
    EXPECT_EQ(ring->current(KeyPurpose::PinVerification).bytes[0], 7);
    EXPECT_EQ(ring->keyCount(KeyPurpose::PinVerification), 3u);
    const auto old = ring->find(KeyPurpose::PinVerification, 1);
    ASSERT_TRUE(old.has_value());
    EXPECT_EQ(old->bytes[0], 1);
    EXPECT_EQ(ring->find(KeyPurpose::PinVerification, 2)->bytes[0], 8);
    EXPECT_FALSE(ring->find(KeyPurpose::PinVerification, 4).has_value());
    EXPECT_FALSE(ring->find(KeyPurpose::AuditChain, 2).has_value());
    EXPECT_EQ(ring->current(KeyPurpose::SessionToken).bytes[0], 6);
}

TEST(KeyRing, RefusesDuplicateId) {
    auto slots = onePerPurpose();
    slots.push_back({KeyPurpose::AuditChain, 1});
    auto ring = ringOf(slots);
    ASSERT_FALSE(ring.ok());
    EXPECT_EQ(ring.code(), ErrorCode::InvalidArgument);
    EXPECT_EQ(ring.error().detail, "duplicate key id 1 for audit-chain");
}

TEST(KeyRing, RefusesPurposeWithoutKey) {
    auto slots = onePerPurpose();
    slots.pop_back();
    auto ring = ringOf(slots);
    ASSERT_FALSE(ring.ok());
    EXPECT_EQ(ring.error().detail, "no key for session-token");
}

TEST(KeyRing, RefusesIdZeroAndTooManyKeys) {
    auto slots = onePerPurpose();
    slots[0].id = 0;
    EXPECT_EQ(ringOf(slots).code(), ErrorCode::InvalidArgument);

    slots = onePerPurpose();
    for (std::uint16_t id = 2; slots.size() <= kKeyRingKeysMax; ++id) {
        slots.push_back({KeyPurpose::AuditChain, id});
    }
    EXPECT_EQ(ringOf(slots).code(), ErrorCode::InvalidArgument);
}

TEST(KeyRing, PurposeNamesRoundTrip) {
    for (KeyPurpose purpose : kAllKeyPurposes) {
        EXPECT_EQ(parseKeyPurpose(toString(purpose)), purpose);
    }
    EXPECT_EQ(toString(KeyPurpose::TerminalKeyEncryption), "terminal-key-encryption");
    EXPECT_FALSE(parseKeyPurpose("PIN-VERIFICATION").has_value());
    EXPECT_FALSE(parseKeyPurpose("").has_value());
}

TEST(KeyRing, MovesKeepKeysValid) {
    KeyRing ring = KeyRing::generate();
    const std::uint8_t first = ring.current(KeyPurpose::CardNumberLookup).bytes[0];
    KeyRing moved = std::move(ring);
    EXPECT_EQ(moved.current(KeyPurpose::CardNumberLookup).bytes[0], first);
}

}  // namespace
}  // namespace yika::crypto
