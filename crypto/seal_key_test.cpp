#include "crypto/seal_key.h"

#include "crypto/hex.h"
#include "crypto/test_support.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace yika::crypto {
namespace {

using testing::fileMode;
using testing::readFile;
using testing::TempDir;
using testing::writeFile;

TEST(SealKey, GeneratedPairsDiffer) {
    const SealKeyPair a = generateSealKeyPair();
    const SealKeyPair b = generateSealKeyPair();
    EXPECT_NE(a.public_key, b.public_key);
    EXPECT_EQ(a.secret_key.size(), kSealSecretKeyBytes);
}

TEST(SealKey, KeyFilesRoundTripAndDeriveThePublicKey) {
    TempDir dir;
    const SealKeyPair pair = generateSealKeyPair();
    ASSERT_TRUE(writeSealPublicKeyFile(dir.path("seal.pub"), pair.public_key).ok());
    ASSERT_TRUE(writeSealSecretKeyFile(dir.path("seal.key"), pair).ok());
    EXPECT_EQ(fileMode(dir.path("seal.pub")), 0644u);
    EXPECT_EQ(fileMode(dir.path("seal.key")), 0600u);
    EXPECT_EQ(readFile(dir.path("seal.pub")),
              "yika-seal-public-key 1 " + toHex(pair.public_key) + "\n");

    auto public_key = readSealPublicKeyFile(dir.path("seal.pub"));
    ASSERT_TRUE(public_key.ok()) << public_key.error().detail;
    EXPECT_EQ(*public_key, pair.public_key);
    auto secret = readSealSecretKeyFile(dir.path("seal.key"));
    ASSERT_TRUE(secret.ok()) << secret.error().detail;
    EXPECT_EQ(secret->public_key, pair.public_key);
    EXPECT_TRUE(std::equal(secret->secret_key.span().begin(), secret->secret_key.span().end(),
                           pair.secret_key.span().begin()));
}

TEST(SealKey, RefusesOverwrite) {
    TempDir dir;
    const SealKeyPair pair = generateSealKeyPair();
    ASSERT_TRUE(writeSealSecretKeyFile(dir.path("seal.key"), pair).ok());
    EXPECT_EQ(writeSealSecretKeyFile(dir.path("seal.key"), generateSealKeyPair()).code(),
              ErrorCode::Duplicate);
    EXPECT_EQ(writeSealPublicKeyFile(dir.path("seal.key"), pair.public_key).code(),
              ErrorCode::Duplicate);
}

TEST(SealKey, RefusesSharedSecretFileAndBadFormats) {
    TempDir dir;
    const SealKeyPair pair = generateSealKeyPair();
    ASSERT_TRUE(writeSealSecretKeyFile(dir.path("seal.key"), pair).ok());
    const std::string text = readFile(dir.path("seal.key"));
    writeFile(dir.path("shared.key"), text, 0640);
    EXPECT_EQ(readSealSecretKeyFile(dir.path("shared.key")).code(), ErrorCode::InvalidArgument);

    const std::string hex = text.substr(23, 64);
    for (const std::string& bad :
         {std::string("yika-seal-public-key 1 ") + hex + "\n",  // a public key file
          "yika-seal-secret-key 1 " + hex.substr(2) + "\n",
          "yika-seal-secret-key 1 " + hex + "\n\n", "yika-seal-secret-key 2 " + hex + "\n",
          hex + "\n", std::string()}) {
        writeFile(dir.path("bad.key"), bad, 0600);
        auto read = readSealSecretKeyFile(dir.path("bad.key"));
        ASSERT_FALSE(read.ok());
        EXPECT_EQ(read.code(), ErrorCode::InvalidArgument);
        EXPECT_EQ(read.error().detail.find(hex.substr(0, 8)), std::string::npos);
    }
    writeFile(dir.path("bad.pub"), "yika-seal-secret-key 1 " + hex + "\n", 0644);
    EXPECT_EQ(readSealPublicKeyFile(dir.path("bad.pub")).code(), ErrorCode::InvalidArgument);
    EXPECT_EQ(readSealPublicKeyFile(dir.path("missing.pub")).code(), ErrorCode::InvalidArgument);
}

}  // namespace
}  // namespace yika::crypto
