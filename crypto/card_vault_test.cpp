#include "crypto/card_vault.h"

#include "crypto/key_file.h"
#include "crypto/test_support.h"

#include <gtest/gtest.h>
#include <sodium.h>

namespace yika::crypto {
namespace {

using testing::TempDir;

constexpr std::string_view kPan = "6234567890123456";

class CardVaultTest : public ::testing::Test {
  protected:
    KeyRing keys_ = KeyRing::generate();
    SodiumCardNumberVault vault_{keys_};
};

TEST_F(CardVaultTest, RoundTrips) {
    for (std::string_view pan :
         {kPan, std::string_view("6"), std::string_view("6234567890123456789"),
          std::string_view("01234567890123456789012345678901")}) {
        const Bytes blob = vault_.encrypt(pan);
        EXPECT_EQ(blob.size(), kEncryptedOverheadBytes + pan.size());
        EXPECT_EQ(vault_.decrypt(blob), std::string(pan));
    }
}

TEST_F(CardVaultTest, BlobStartsWithKeyIdAndNeverContainsThePan) {
    const Bytes blob = vault_.encrypt(kPan);
    EXPECT_EQ(blob[0], 0);
    EXPECT_EQ(blob[1], 1);
    const std::string raw(blob.begin(), blob.end());
    EXPECT_EQ(raw.find(kPan.substr(0, 6)), std::string::npos);
}

TEST_F(CardVaultTest, EncryptionIsRandomized) {
    const Bytes a = vault_.encrypt(kPan);
    const Bytes b = vault_.encrypt(kPan);
    EXPECT_NE(a, b);
    EXPECT_NE(Bytes(a.begin() + 2, a.begin() + 26), Bytes(b.begin() + 2, b.begin() + 26));
}

TEST_F(CardVaultTest, RefusesTamperedCiphertext) {
    const Bytes blob = vault_.encrypt(kPan);
    for (std::size_t i = 0; i < blob.size(); ++i) {
        for (std::uint8_t bit : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
            Bytes tampered = blob;
            tampered[i] = static_cast<std::uint8_t>(tampered[i] ^ bit);
            EXPECT_FALSE(vault_.decrypt(tampered).has_value()) << "byte " << i;
        }
    }
}

TEST_F(CardVaultTest, RefusesTruncatedOrExtendedBlob) {
    const Bytes blob = vault_.encrypt(kPan);
    for (std::size_t length = 0; length < blob.size(); ++length) {
        EXPECT_FALSE(vault_.decrypt(Bytes(blob.begin(), blob.begin() + static_cast<long>(length)))
                         .has_value())
            << "length " << length;
    }
    Bytes extended = blob;
    extended.push_back(0);
    EXPECT_FALSE(vault_.decrypt(extended).has_value());
    EXPECT_FALSE(
        vault_.decrypt(Bytes(kEncryptedOverheadBytes + kCardNumberBytesMax + 1)).has_value());
}

TEST_F(CardVaultTest, RefusesWrongKeyRing) {
    const KeyRing other_keys = KeyRing::generate();
    const SodiumCardNumberVault other(other_keys);
    EXPECT_FALSE(other.decrypt(vault_.encrypt(kPan)).has_value());
    EXPECT_NE(other.lookupHash(kPan), vault_.lookupHash(kPan));
}

TEST_F(CardVaultTest, LookupHashIsDeterministicAndDistinguishesNumbers) {
    const Bytes hash = vault_.lookupHash(kPan);
    EXPECT_EQ(hash.size(), kLookupHashBytes);
    EXPECT_EQ(hash, vault_.lookupHash(kPan));
    EXPECT_NE(hash, vault_.lookupHash("6234567890123457"));
    EXPECT_NE(hash, vault_.lookupHash("623456789012345"));
}

TEST_F(CardVaultTest, LookupHashIsKeyIdThenKeyedBlake2bOfDomainAndPan) {
    const std::string message = "yika-pan-lookup-v1" + std::string(kPan);
    Bytes expected = {0x00, 0x01};
    expected.resize(kLookupHashBytes);
    const auto key = keys_.current(KeyPurpose::CardNumberLookup).bytes;
    ASSERT_EQ(crypto_generichash(expected.data() + 2, 32,
                                 reinterpret_cast<const std::uint8_t*>(message.data()),
                                 message.size(), key.data(), key.size()),
              0);
    EXPECT_EQ(vault_.lookupHash(kPan), expected);
}

TEST_F(CardVaultTest, BlobDecryptsWithRawLibsodiumAndItsAdditionalData) {
    const Bytes blob = vault_.encrypt(kPan);
    const std::string ad = std::string("yika-pan-v1") + std::string("\x00\x01", 2);
    std::string pan(kPan.size(), '\0');
    unsigned long long pan_bytes = 0;
    ASSERT_EQ(
        crypto_aead_xchacha20poly1305_ietf_decrypt(
            reinterpret_cast<std::uint8_t*>(pan.data()), &pan_bytes, nullptr, blob.data() + 26,
            blob.size() - 26, reinterpret_cast<const std::uint8_t*>(ad.data()), ad.size(),
            blob.data() + 2, keys_.current(KeyPurpose::CardNumberEncryption).bytes.data()),
        0);
    EXPECT_EQ(pan, kPan);
}

TEST(CardVault, OldBlobsDecryptAfterRotationAndNewOnesUseNewKey) {
    TempDir dir;
    const std::string path = dir.path("keys");
    ASSERT_TRUE(createKeyFile(path).ok());
    auto before = loadKeyFile(path);
    ASSERT_TRUE(before.ok());
    const Bytes old_blob = SodiumCardNumberVault(*before).encrypt(kPan);

    ASSERT_EQ(*rotateKey(path, KeyPurpose::CardNumberEncryption), 2);
    auto after = loadKeyFile(path);
    ASSERT_TRUE(after.ok());
    const SodiumCardNumberVault vault(*after);
    EXPECT_EQ(vault.decrypt(old_blob), std::string(kPan));
    const Bytes new_blob = vault.encrypt(kPan);
    EXPECT_EQ(new_blob[1], 2);
    EXPECT_EQ(vault.decrypt(new_blob), std::string(kPan));
    EXPECT_FALSE(SodiumCardNumberVault(*before).decrypt(new_blob).has_value());

    // The key id is authenticated: relabelling an old blob as key 2 does not decrypt.
    Bytes relabelled = old_blob;
    relabelled[1] = 2;
    EXPECT_FALSE(vault.decrypt(relabelled).has_value());
    // Lookup hashes keep key 1 until that key is rotated.
    EXPECT_EQ(vault.lookupHash(kPan), SodiumCardNumberVault(*before).lookupHash(kPan));
}

TEST(CardVault, MasksCardNumbers) {
    EXPECT_EQ(maskCardNumber("6234567890123456"), "623456******3456");
    EXPECT_EQ(maskCardNumber("6234567890123456789"), "623456*********6789");
    EXPECT_EQ(maskCardNumber("12345678901"), "123456*8901");
    EXPECT_EQ(maskCardNumber("1234567890"), "******7890");
    EXPECT_EQ(maskCardNumber("12345"), "*2345");
    EXPECT_EQ(maskCardNumber("1234"), "****");
    EXPECT_EQ(maskCardNumber(""), "");
}

TEST(CardVaultDeathTest, CardNumberOutsideContractAsserts) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    const KeyRing keys = KeyRing::generate();
    const SodiumCardNumberVault vault(keys);
    EXPECT_DEATH(vault.encrypt(""), "empty");
    EXPECT_DEATH(vault.lookupHash(std::string(kCardNumberBytesMax + 1, '1')),
                 "kCardNumberBytesMax");
}

}  // namespace
}  // namespace yika::crypto
