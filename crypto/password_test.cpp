#include "crypto/password.h"

#include <gtest/gtest.h>
#include <sodium.h>

namespace yika::crypto {
namespace {

const PasswordCost kCheap = PasswordCost::forTests();

TEST(Password, HashVerifiesAndWrongPasswordIsRefused) {
    const std::string stored = hashPassword("correct horse", kCheap);
    EXPECT_TRUE(verifyPassword(stored, "correct horse"));
    EXPECT_FALSE(verifyPassword(stored, "correct hors"));
    EXPECT_FALSE(verifyPassword(stored, "Correct horse"));
    EXPECT_FALSE(verifyPassword(stored, ""));
}

TEST(Password, HashIsArgon2idWithRequestedCostAndFreshSalt) {
    const std::string stored = hashPassword("secret", kCheap);
    EXPECT_EQ(stored.rfind("$argon2id$v=19$m=8,t=1,p=1$", 0), 0u) << stored;
    EXPECT_NE(stored, hashPassword("secret", kCheap));
    EXPECT_EQ(stored.find("secret"), std::string::npos);
}

TEST(Password, EmptyAndMaximumLengthPasswordsWork) {
    const std::string longest(kPasswordBytesMax, 'p');
    const std::string stored = hashPassword(longest, kCheap);
    EXPECT_TRUE(verifyPassword(stored, longest));
    EXPECT_TRUE(verifyPassword(hashPassword("", kCheap), ""));
}

TEST(Password, VerifyRefusesOverlongPasswordAndMalformedHash) {
    const std::string stored = hashPassword("pw", kCheap);
    EXPECT_FALSE(verifyPassword(stored, std::string(kPasswordBytesMax + 1, 'p')));
    EXPECT_FALSE(verifyPassword("", "pw"));
    EXPECT_FALSE(verifyPassword("not a hash", "pw"));
    EXPECT_FALSE(verifyPassword(stored.substr(0, stored.size() - 2), "pw"));
    EXPECT_FALSE(verifyPassword(std::string(200, '$'), "pw"));
    EXPECT_FALSE(verifyPassword(stored + std::string(1, '\0'), "pw"));
}

TEST(Password, NeedsRehashWhenCostOrAlgorithmChanges) {
    const std::string stored = hashPassword("pw", kCheap);
    EXPECT_FALSE(needsRehash(stored, kCheap));
    EXPECT_TRUE(needsRehash(stored, PasswordCost{2, kCheap.memlimit_bytes}));
    EXPECT_TRUE(needsRehash(stored, PasswordCost{1, 2 * kCheap.memlimit_bytes}));
    EXPECT_TRUE(needsRehash(stored, PasswordCost::interactive()));
    EXPECT_TRUE(needsRehash("garbage", kCheap));

    // An Argon2i hash at the same cost still needs a rehash to Argon2id.
    char argon2i[crypto_pwhash_STRBYTES];
    ASSERT_EQ(crypto_pwhash_str_alg(argon2i, "pw", 2, 3, kCheap.memlimit_bytes,
                                    crypto_pwhash_ALG_ARGON2I13),
              0);
    EXPECT_TRUE(verifyPassword(argon2i, "pw"));
    EXPECT_TRUE(needsRehash(argon2i, PasswordCost{3, kCheap.memlimit_bytes}));
}

TEST(Password, CostPresetsMatchLibsodium) {
    EXPECT_EQ(PasswordCost::interactive(), (PasswordCost{crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                                         crypto_pwhash_MEMLIMIT_INTERACTIVE}));
    EXPECT_EQ(kCheap, (PasswordCost{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}));
}

TEST(PasswordDeathTest, HashingOverlongPasswordAsserts) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_DEATH(hashPassword(std::string(kPasswordBytesMax + 1, 'p'), kCheap),
                 "kPasswordBytesMax");
    EXPECT_DEATH(hashPassword("pw", PasswordCost{0, kCheap.memlimit_bytes}), "opslimit");
}

}  // namespace
}  // namespace yika::crypto
