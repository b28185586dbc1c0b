#include "crypto/key_file.h"

#include "crypto/hex.h"
#include "crypto/test_support.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace yika::crypto {
namespace {

using testing::fileExists;
using testing::fileMode;
using testing::readFile;
using testing::TempDir;
using testing::writeFile;

// 64 hex digits of `byte` repeated, recognisable in error messages if ever leaked.
std::string keyHex(std::uint8_t byte) { return toHex(Bytes(kKeyBytes, byte)); }

std::string keyLine(std::string_view purpose, std::string_view id, std::uint8_t byte) {
    return std::string(purpose) + " " + std::string(id) + " " + keyHex(byte) + "\n";
}

// A valid file: purpose i has key id 1 with bytes 0xa0 + i.
std::string validText() {
    std::string text = "yika-keyfile 1\n";
    std::uint8_t byte = 0xa0;
    for (KeyPurpose purpose : kAllKeyPurposes) {
        text += keyLine(toString(purpose), "1", byte++);
    }
    return text;
}

class KeyFileTest : public ::testing::Test {
  protected:
    // Loads `text` written with `mode`; expects InvalidArgument and returns the detail.
    std::string refusal(const std::string& text, mode_t mode = 0600) {
        writeFile(path_, text, mode);
        auto ring = loadKeyFile(path_);
        EXPECT_FALSE(ring.ok());
        if (ring.ok()) {
            return {};
        }
        EXPECT_EQ(ring.code(), ErrorCode::InvalidArgument);
        // No error may echo key material, whatever line it came from.
        for (std::uint8_t byte = 0xa0; byte < 0xb0; ++byte) {
            EXPECT_EQ(ring.error().detail.find(keyHex(byte).substr(0, 8)), std::string::npos)
                << ring.error().detail;
        }
        return ring.error().detail;
    }

    TempDir dir_;
    std::string path_ = dir_.path("keys");
};

TEST_F(KeyFileTest, CreateWritesMode0600AndLoads) {
    ASSERT_TRUE(createKeyFile(path_).ok());
    EXPECT_EQ(fileMode(path_), 0600u);
    const std::string text = readFile(path_);
    EXPECT_EQ(text.substr(0, 15), "yika-keyfile 1\n");
    auto ring = loadKeyFile(path_);
    ASSERT_TRUE(ring.ok()) << ring.error().detail;
    EXPECT_EQ(ring->size(), kKeyPurposeCount);
    for (KeyPurpose purpose : kAllKeyPurposes) {
        EXPECT_EQ(ring->current(purpose).id, 1);
        // The key on disk is the key in the ring.
        const std::string line =
            std::string(toString(purpose)) + " 1 " + toHex(ring->current(purpose).bytes) + "\n";
        EXPECT_NE(text.find(line), std::string::npos) << toString(purpose);
    }
}

TEST_F(KeyFileTest, CreateRefusesToOverwrite) {
    writeFile(path_, "precious", 0600);
    const Status status = createKeyFile(path_);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.code(), ErrorCode::Duplicate);
    EXPECT_EQ(readFile(path_), "precious");
}

TEST_F(KeyFileTest, TwoCreatedFilesHaveDifferentKeys) {
    ASSERT_TRUE(createKeyFile(path_).ok());
    ASSERT_TRUE(createKeyFile(dir_.path("other")).ok());
    auto a = loadKeyFile(path_);
    auto b = loadKeyFile(dir_.path("other"));
    ASSERT_TRUE(a.ok() && b.ok());
    const auto ka = a->current(KeyPurpose::PinVerification).bytes;
    const auto kb = b->current(KeyPurpose::PinVerification).bytes;
    EXPECT_FALSE(std::equal(ka.begin(), ka.end(), kb.begin()));
}

TEST_F(KeyFileTest, LoadsExactKeyBytesWithCommentsAndBlankLines) {
    std::string text = validText();
    text.insert(15, "# rotated 2024-01-01\n\n");
    text += "\n# trailing comment";  // no final newline
    writeFile(path_, text);
    auto ring = loadKeyFile(path_);
    ASSERT_TRUE(ring.ok()) << ring.error().detail;
    const auto key = ring->current(KeyPurpose::CardNumberLookup).bytes;
    EXPECT_TRUE(std::all_of(key.begin(), key.end(), [](std::uint8_t b) { return b == 0xa2; }));
}

TEST_F(KeyFileTest, LoadRefusesMissingFile) {
    auto ring = loadKeyFile(dir_.path("missing"));
    ASSERT_FALSE(ring.ok());
    EXPECT_EQ(ring.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(ring.error().detail.find("No such file"), std::string::npos) << ring.error().detail;
}

TEST_F(KeyFileTest, LoadRefusesFileReadableByGroupOrOthers) {
    EXPECT_NE(refusal(validText(), 0644).find("group or others"), std::string::npos);
    refusal(validText(), 0640);
    refusal(validText(), 0604);
    refusal(validText(), 0660);
}

TEST_F(KeyFileTest, LoadRefusesBadHeader) {
    EXPECT_NE(refusal("").find("empty"), std::string::npos);
    EXPECT_NE(refusal("yika-keyfile 2\n" + validText().substr(15)).find("line 1"),
              std::string::npos);
    refusal("# comment first\n" + validText());
    refusal(validText().substr(15));
}

TEST_F(KeyFileTest, LoadRefusesUnknownPurpose) {
    const std::string detail = refusal(validText() + keyLine("pin-verify", "2", 0xa0));
    EXPECT_NE(detail.find("line 8: unknown key purpose"), std::string::npos) << detail;
}

TEST_F(KeyFileTest, LoadRefusesBadHex) {
    std::string short_hex = validText() + "audit-chain 2 " + keyHex(0xa1).substr(2) + "\n";
    EXPECT_NE(refusal(short_hex).find("line 8: bad key hex"), std::string::npos);
    std::string non_hex = keyLine("audit-chain", "2", 0xa1);
    non_hex[20] = 'g';
    EXPECT_NE(refusal(validText() + non_hex).find("bad key hex"), std::string::npos);
    std::string long_hex = validText() + "audit-chain 2 " + keyHex(0xa1) + "00\n";
    refusal(long_hex);
}

TEST_F(KeyFileTest, LoadRefusesBadKeyIdOrLineShape) {
    for (std::string_view id : {"0", "65536", "007", "-1", "1a", "", "999999"}) {
        const std::string detail = refusal(validText() + keyLine("audit-chain", id, 0xa1));
        EXPECT_NE(detail.find("line 8"), std::string::npos) << id << ": " << detail;
    }
    refusal(validText() + "audit-chain  2 " + keyHex(0xa1) + "\n");
    refusal(validText() + "audit-chain 2 " + keyHex(0xa1) + " \n");
    refusal(validText() + "audit-chain\t2 " + keyHex(0xa1) + "\n");
    refusal(validText() + keyHex(0xa1) + "\n");
    // CR line ends make every key line malformed rather than silently different.
    std::string crlf = validText();
    crlf.insert(crlf.find('\n', 15), "\r");
    refusal(crlf);
}

TEST_F(KeyFileTest, LoadRefusesDuplicateIds) {
    const std::string detail = refusal(validText() + keyLine("pin-verification", "1", 0xa7));
    EXPECT_NE(detail.find("duplicate key id 1 for pin-verification"), std::string::npos) << detail;
}

TEST_F(KeyFileTest, LoadRefusesPurposeWithoutKey) {
    std::string text = validText();
    const std::size_t start = text.find("session-token");
    text.erase(start, text.find('\n', start) + 1 - start);
    EXPECT_NE(refusal(text).find("no key for session-token"), std::string::npos);
}

TEST_F(KeyFileTest, LoadRefusesOversizedFile) {
    std::string text = validText();
    text += "#" + std::string(kKeyFileBytesMax, 'x') + "\n";
    EXPECT_NE(refusal(text).find("larger than"), std::string::npos);
}

TEST_F(KeyFileTest, RotateAppendsNextIdAndKeepsEverythingElse) {
    std::string text = validText() + "# operator note\n";
    writeFile(path_, text);
    auto id = rotateKey(path_, KeyPurpose::PinVerification);
    ASSERT_TRUE(id.ok()) << id.error().detail;
    EXPECT_EQ(*id, 2);
    EXPECT_EQ(fileMode(path_), 0600u);
    const std::string rotated = readFile(path_);
    EXPECT_EQ(rotated.substr(0, text.size()), text);
    EXPECT_EQ(rotated.substr(text.size(), 19), "pin-verification 2 ");

    auto again = rotateKey(path_, KeyPurpose::PinVerification);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, 3);
    EXPECT_EQ(*rotateKey(path_, KeyPurpose::AuditChain), 2);

    auto ring = loadKeyFile(path_);
    ASSERT_TRUE(ring.ok()) << ring.error().detail;
    EXPECT_EQ(ring->current(KeyPurpose::PinVerification).id, 3);
    EXPECT_EQ(ring->current(KeyPurpose::AuditChain).id, 2);
    EXPECT_EQ(ring->current(KeyPurpose::SessionToken).id, 1);
    // The old key is still there, unchanged.
    const auto old = ring->find(KeyPurpose::PinVerification, 1);
    ASSERT_TRUE(old.has_value());
    EXPECT_EQ(old->bytes[0], 0xa0);
}

TEST_F(KeyFileTest, RotateAddsNewlineToFileWithoutOne) {
    std::string text = validText();
    text.pop_back();
    writeFile(path_, text);
    ASSERT_TRUE(rotateKey(path_, KeyPurpose::SessionToken).ok());
    EXPECT_TRUE(loadKeyFile(path_).ok());
}

TEST_F(KeyFileTest, RotateRefusesInvalidFileAndLeavesItUnchanged) {
    writeFile(path_, validText(), 0644);
    auto id = rotateKey(path_, KeyPurpose::PinVerification);
    EXPECT_EQ(id.code(), ErrorCode::InvalidArgument);
    EXPECT_EQ(readFile(path_), validText());
    EXPECT_EQ(rotateKey(dir_.path("missing"), KeyPurpose::PinVerification).code(),
              ErrorCode::InvalidArgument);
    EXPECT_FALSE(fileExists(dir_.path("missing")));
}

TEST_F(KeyFileTest, RotateRefusesIdOverflow) {
    writeFile(path_, validText() + keyLine("audit-chain", "65535", 0xaf));
    auto id = rotateKey(path_, KeyPurpose::AuditChain);
    EXPECT_EQ(id.code(), ErrorCode::InvalidArgument);
    EXPECT_EQ(*rotateKey(path_, KeyPurpose::SessionToken), 2);
}

}  // namespace
}  // namespace yika::crypto
