#include "crypto/pin_verifier.h"

#include "crypto/key_file.h"
#include "crypto/test_support.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cstring>

namespace yika::crypto {
namespace {

using testing::TempDir;

TEST(PinVerifier, PvvIsStableForSameInput) {
    const KeyRing keys = KeyRing::generate();
    const SodiumPinVerifier verifier(keys);
    EXPECT_EQ(verifier.pinVerificationValue(42, "1234"), verifier.pinVerificationValue(42, "1234"));
    EXPECT_EQ(verifier.pinVerificationValue(42, "1234").size(), kPvvBytes);
}

TEST(PinVerifier, PvvDiffersPerCardPinAndKey) {
    const KeyRing keys = KeyRing::generate();
    const KeyRing other_keys = KeyRing::generate();
    const SodiumPinVerifier verifier(keys);
    const Bytes pvv = verifier.pinVerificationValue(42, "1234");
    EXPECT_NE(pvv, verifier.pinVerificationValue(43, "1234"));
    EXPECT_NE(pvv, verifier.pinVerificationValue(-42, "1234"));
    EXPECT_NE(pvv, verifier.pinVerificationValue(42, "1235"));
    EXPECT_NE(pvv, verifier.pinVerificationValue(42, "12340"));
    EXPECT_NE(pvv, SodiumPinVerifier(other_keys).pinVerificationValue(42, "1234"));
}

TEST(PinVerifier, VerifiesRightPinAndRefusesWrongPin) {
    const KeyRing keys = KeyRing::generate();
    const SodiumPinVerifier verifier(keys);
    const Bytes pvv = verifier.pinVerificationValue(7, "000000");
    EXPECT_TRUE(verifier.verifyPin(7, "000000", pvv));
    EXPECT_FALSE(verifier.verifyPin(7, "000001", pvv));
    EXPECT_FALSE(verifier.verifyPin(7, "0000", pvv));
    EXPECT_FALSE(verifier.verifyPin(8, "000000", pvv));
    const KeyRing other_keys = KeyRing::generate();
    EXPECT_FALSE(SodiumPinVerifier(other_keys).verifyPin(7, "000000", pvv));
}

TEST(PinVerifier, RefusesMalformedPvv) {
    const KeyRing keys = KeyRing::generate();
    const SodiumPinVerifier verifier(keys);
    Bytes pvv = verifier.pinVerificationValue(7, "123456789012");
    ASSERT_TRUE(verifier.verifyPin(7, "123456789012", pvv));
    EXPECT_FALSE(verifier.verifyPin(7, "123456789012", Bytes{}));
    EXPECT_FALSE(verifier.verifyPin(7, "123456789012", Bytes(pvv.begin(), pvv.end() - 1)));
    Bytes longer = pvv;
    longer.push_back(0);
    EXPECT_FALSE(verifier.verifyPin(7, "123456789012", longer));
    for (std::size_t i = 0; i < pvv.size(); ++i) {
        Bytes flipped = pvv;
        flipped[i] = static_cast<std::uint8_t>(flipped[i] ^ 0x01);
        EXPECT_FALSE(verifier.verifyPin(7, "123456789012", flipped)) << "byte " << i;
    }
}

// The layout is a contract with stored data: key id, then keyed BLAKE2b-256 over the
// domain prefix, the little-endian card id and the PIN.
TEST(PinVerifier, PvvIsKeyIdThenKeyedBlake2bOfDomainCardIdAndPin) {
    const KeyRing keys = KeyRing::generate();
    const SodiumPinVerifier verifier(keys);
    const std::int64_t card_id = 0x0102030405060708;
    const Bytes pvv = verifier.pinVerificationValue(card_id, "9876");

    std::string message = "yika-pvv-v1";
    message += std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8);
    message += "9876";
    Bytes expected = {0x00, 0x01};
    expected.resize(kPvvBytes);
    const auto key = keys.current(KeyPurpose::PinVerification).bytes;
    ASSERT_EQ(crypto_generichash(expected.data() + 2, 32,
                                 reinterpret_cast<const std::uint8_t*>(message.data()),
                                 message.size(), key.data(), key.size()),
              0);
    EXPECT_EQ(pvv, expected);
}

TEST(PinVerifier, OldPvvsVerifyAfterRotationAndNewOnesUseNewKey) {
    TempDir dir;
    const std::string path = dir.path("keys");
    ASSERT_TRUE(createKeyFile(path).ok());
    auto before = loadKeyFile(path);
    ASSERT_TRUE(before.ok());
    const Bytes old_pvv = SodiumPinVerifier(*before).pinVerificationValue(5, "2468");
    EXPECT_EQ(old_pvv[1], 1);

    ASSERT_EQ(*rotateKey(path, KeyPurpose::PinVerification), 2);
    auto after = loadKeyFile(path);
    ASSERT_TRUE(after.ok());
    const SodiumPinVerifier verifier(*after);
    EXPECT_TRUE(verifier.verifyPin(5, "2468", old_pvv));
    EXPECT_FALSE(verifier.verifyPin(5, "2469", old_pvv));
    const Bytes new_pvv = verifier.pinVerificationValue(5, "2468");
    EXPECT_EQ(new_pvv[0], 0);
    EXPECT_EQ(new_pvv[1], 2);
    EXPECT_NE(new_pvv, old_pvv);
    EXPECT_TRUE(verifier.verifyPin(5, "2468", new_pvv));
    // A ring from before the rotation does not know key 2.
    EXPECT_FALSE(SodiumPinVerifier(*before).verifyPin(5, "2468", new_pvv));
}

TEST(PinVerifierDeathTest, PinOutsideContractAsserts) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    const KeyRing keys = KeyRing::generate();
    const SodiumPinVerifier verifier(keys);
    EXPECT_DEATH(verifier.pinVerificationValue(1, "123"), "isPinShape");
    EXPECT_DEATH(verifier.pinVerificationValue(1, "1234567890123"), "isPinShape");
    EXPECT_DEATH(verifier.pinVerificationValue(1, "12a4"), "isPinShape");
    EXPECT_DEATH(verifier.verifyPin(1, "", Bytes(kPvvBytes)), "isPinShape");
}

}  // namespace
}  // namespace yika::crypto
