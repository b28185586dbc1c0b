#include "crypto/sealed_file.h"

#include "crypto/test_support.h"

#include <gtest/gtest.h>

#include <vector>

namespace yika::crypto {
namespace {

using testing::fileExists;
using testing::fileMode;
using testing::readFile;
using testing::TempDir;
using testing::writeFile;

constexpr std::size_t kHeaderBytes = 10 + 80 + 24;
constexpr std::size_t kChunkOverhead = 4 + 17;

// Deterministic, non-repeating-looking plaintext of `size` bytes.
std::string plaintextOf(std::size_t size) {
    std::string text(size, '\0');
    std::uint32_t x = 2463534242u;
    for (char& c : text) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        c = static_cast<char>(x & 0xff);
    }
    return text;
}

// Offsets of each chunk's length prefix in a sealed file's bytes.
std::vector<std::size_t> chunkOffsets(const std::string& file) {
    std::vector<std::size_t> offsets;
    std::size_t pos = kHeaderBytes;
    while (pos + 4 <= file.size()) {
        offsets.push_back(pos);
        const auto* p = reinterpret_cast<const std::uint8_t*>(file.data() + pos);
        const std::size_t length =
            (std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) | (std::size_t{p[2]} << 8) | p[3];
        pos += 4 + length;
    }
    return offsets;
}

class SealedFileTest : public ::testing::Test {
  protected:
    // Seals `plaintext` into path_, appending it in `piece_bytes` pieces.
    void seal(const std::string& plaintext, std::size_t piece_bytes = 10000) {
        auto writer = SealedFileWriter::create(path_, keys_.public_key);
        ASSERT_TRUE(writer.ok()) << writer.error().detail;
        for (std::size_t pos = 0; pos < plaintext.size(); pos += piece_bytes) {
            ASSERT_TRUE(writer->append(std::string_view(plaintext).substr(pos, piece_bytes)).ok());
        }
        EXPECT_EQ(writer->plaintextBytes(), plaintext.size());
        ASSERT_TRUE(writer->finish().ok());
    }

    Result<std::string> open(const std::string& path) {
        return openSealedFile(path, keys_.public_key, keys_.secret_key.span());
    }

    // Writes `bytes` to a new file and expects opening it to fail with InvalidArgument.
    std::string refusal(const std::string& bytes) {
        const std::string path = dir_.path("altered");
        writeFile(path, bytes);
        auto opened = open(path);
        EXPECT_FALSE(opened.ok());
        if (opened.ok()) {
            return {};
        }
        EXPECT_EQ(opened.code(), ErrorCode::InvalidArgument);
        return opened.error().detail;
    }

    TempDir dir_;
    std::string path_ = dir_.path("export.sealed");
    SealKeyPair keys_ = generateSealKeyPair();
};

TEST_F(SealedFileTest, RoundTripsOneMegabyteInSeveralChunks) {
    const std::string plaintext = plaintextOf(1000 * 1000 + 123);
    seal(plaintext, 7777);
    const std::string file = readFile(path_);
    const std::size_t chunks = plaintext.size() / kSealChunkBytes + 1;
    EXPECT_EQ(chunks, 16u);
    EXPECT_EQ(file.size(), kHeaderBytes + plaintext.size() + chunks * kChunkOverhead);
    EXPECT_EQ(file.substr(0, 10), "YIKASEAL1\n");
    EXPECT_EQ(chunkOffsets(file).size(), chunks);

    auto opened = open(path_);
    ASSERT_TRUE(opened.ok()) << opened.error().detail;
    EXPECT_TRUE(*opened == plaintext);
}

TEST_F(SealedFileTest, StreamingReaderYieldsFullChunksThenFinal) {
    const std::string plaintext = plaintextOf(3 * kSealChunkBytes + 5);
    seal(plaintext, 65536);
    auto reader = SealedFileReader::open(path_, keys_.public_key, keys_.secret_key.span());
    ASSERT_TRUE(reader.ok()) << reader.error().detail;
    std::string chunk;
    std::string joined;
    std::vector<std::size_t> sizes;
    for (;;) {
        auto more = reader->next(chunk);
        ASSERT_TRUE(more.ok()) << more.error().detail;
        if (!*more) break;
        sizes.push_back(chunk.size());
        joined += chunk;
    }
    EXPECT_EQ(sizes,
              (std::vector<std::size_t>{kSealChunkBytes, kSealChunkBytes, kSealChunkBytes, 5}));
    EXPECT_TRUE(joined == plaintext);
    auto after_end = reader->next(chunk);
    ASSERT_TRUE(after_end.ok());
    EXPECT_FALSE(*after_end);
}

TEST_F(SealedFileTest, RoundTripsEmptyAndExactChunkMultiples) {
    for (std::size_t size :
         {std::size_t{0}, std::size_t{1}, kSealChunkBytes, 2 * kSealChunkBytes}) {
        const std::string path = dir_.path("file-" + std::to_string(size));
        auto writer = SealedFileWriter::create(path, keys_.public_key);
        ASSERT_TRUE(writer.ok());
        ASSERT_TRUE(writer->append(plaintextOf(size)).ok());
        ASSERT_TRUE(writer->finish().ok());
        auto opened = open(path);
        ASSERT_TRUE(opened.ok()) << size << ": " << opened.error().detail;
        EXPECT_TRUE(*opened == plaintextOf(size)) << size;
    }
}

TEST_F(SealedFileTest, FileIsPrivateAndNeverOverwritten) {
    seal("first");
    EXPECT_EQ(fileMode(path_), 0600u);
    auto second = SealedFileWriter::create(path_, keys_.public_key);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.code(), ErrorCode::Duplicate);
    EXPECT_EQ(*open(path_), "first");
}

TEST_F(SealedFileTest, UnfinishedWriterRemovesItsFile) {
    {
        auto writer = SealedFileWriter::create(path_, keys_.public_key);
        ASSERT_TRUE(writer.ok());
        ASSERT_TRUE(writer->append(plaintextOf(200000)).ok());
        EXPECT_TRUE(fileExists(path_));
        SealedFileWriter moved = std::move(writer).value();
        EXPECT_TRUE(fileExists(path_));
    }
    EXPECT_FALSE(fileExists(path_));
}

TEST_F(SealedFileTest, RefusesWrongSecretKey) {
    seal("card numbers");
    const SealKeyPair other = generateSealKeyPair();
    auto opened = openSealedFile(path_, other.public_key, other.secret_key.span());
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.code(), ErrorCode::InvalidArgument);
    // The right public key with the wrong secret key fails too.
    EXPECT_FALSE(openSealedFile(path_, keys_.public_key, other.secret_key.span()).ok());
}

TEST_F(SealedFileTest, RefusesWrongMagicAndTruncatedHeader) {
    seal("card numbers");
    std::string file = readFile(path_);
    EXPECT_NE(refusal("YIKASEAL2\n" + file.substr(10)).find("bad magic"), std::string::npos);
    EXPECT_NE(refusal("").find("bad magic"), std::string::npos);
    EXPECT_NE(refusal(file.substr(0, kHeaderBytes - 1)).find("header"), std::string::npos);
    for (std::size_t i = 10; i < kHeaderBytes; ++i) {
        std::string altered = file;
        altered[i] = static_cast<char>(altered[i] ^ 0x01);
        refusal(altered);
    }
}

TEST_F(SealedFileTest, RefusesTamperedChunk) {
    seal(plaintextOf(2 * kSealChunkBytes + 100));
    const std::string file = readFile(path_);
    const auto offsets = chunkOffsets(file);
    ASSERT_EQ(offsets.size(), 3u);
    // A flipped bit in the first bytes, the middle and the tag of each chunk.
    for (std::size_t offset : offsets) {
        for (std::size_t at : {offset + 4, offset + 4 + 17 + 50, offset + 4 + 16}) {
            std::string altered = file;
            altered[at] = static_cast<char>(altered[at] ^ 0x20);
            EXPECT_NE(refusal(altered).find("authentication"), std::string::npos) << at;
        }
    }
}

TEST_F(SealedFileTest, RefusesReorderedChunks) {
    seal(plaintextOf(3 * kSealChunkBytes + 100));
    const std::string file = readFile(path_);
    const auto offsets = chunkOffsets(file);
    ASSERT_EQ(offsets.size(), 4u);
    const std::size_t full = offsets[1] - offsets[0];
    std::string swapped = file;
    swapped.replace(offsets[0], full, file.substr(offsets[1], full));
    swapped.replace(offsets[1], full, file.substr(offsets[0], full));
    EXPECT_NE(refusal(swapped).find("authentication"), std::string::npos);
    // Dropping a middle chunk is a reorder too.
    std::string dropped = file;
    dropped.erase(offsets[1], full);
    refusal(dropped);
}

TEST_F(SealedFileTest, RefusesTruncatedFile) {
    seal(plaintextOf(2 * kSealChunkBytes + 100));
    const std::string file = readFile(path_);
    const auto offsets = chunkOffsets(file);
    EXPECT_NE(refusal(file.substr(0, offsets[2])).find("before its final chunk"),
              std::string::npos);
    EXPECT_NE(refusal(file.substr(0, file.size() - 1)).find("truncated inside a chunk"),
              std::string::npos);
    EXPECT_NE(refusal(file.substr(0, offsets[2] + 2)).find("chunk length"), std::string::npos);
    EXPECT_NE(refusal(file.substr(0, kHeaderBytes)).find("before its final chunk"),
              std::string::npos);
}

TEST_F(SealedFileTest, RefusesBytesAfterFinalChunk) {
    seal("card numbers");
    const std::string file = readFile(path_);
    EXPECT_NE(refusal(file + "x").find("after its final chunk"), std::string::npos);
    EXPECT_NE(refusal(file + file.substr(kHeaderBytes)).find("after its final chunk"),
              std::string::npos);
}

TEST_F(SealedFileTest, RefusesChunkLengthOutOfBoundsWithoutReading) {
    seal("card numbers");
    std::string file = readFile(path_);
    for (std::string_view length :
         {std::string_view("\xff\xff\xff\xff", 4), std::string_view("\x00\x01\x00\x12", 4),
          std::string_view("\x00\x00\x00\x10", 4)}) {
        std::string altered = file;
        altered.replace(kHeaderBytes, 4, length);
        EXPECT_NE(refusal(altered).find("chunk length out of bounds"), std::string::npos);
    }
}

TEST_F(SealedFileTest, RefusesChunkFromAnotherFileUnderTheSameKey) {
    seal("first file");
    const std::string first = readFile(path_);
    const std::string other_path = dir_.path("second.sealed");
    auto writer = SealedFileWriter::create(other_path, keys_.public_key);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->append("other file").ok());
    ASSERT_TRUE(writer->finish().ok());
    const std::string second = readFile(other_path);
    EXPECT_NE(
        refusal(first.substr(0, kHeaderBytes) + second.substr(kHeaderBytes)).find("authentication"),
        std::string::npos);
}

TEST_F(SealedFileTest, ReaderErrorsAreSticky) {
    seal(plaintextOf(kSealChunkBytes + 10));
    std::string file = readFile(path_);
    file[file.size() - 1] = static_cast<char>(file[file.size() - 1] ^ 1);
    writeFile(path_ + ".bad", file);
    auto reader = SealedFileReader::open(path_ + ".bad", keys_.public_key, keys_.secret_key.span());
    ASSERT_TRUE(reader.ok());
    std::string chunk;
    auto first = reader->next(chunk);
    ASSERT_TRUE(first.ok());
    EXPECT_TRUE(*first);
    auto second = reader->next(chunk);
    ASSERT_FALSE(second.ok());
    EXPECT_TRUE(chunk.empty());
    auto third = reader->next(chunk);
    ASSERT_FALSE(third.ok());
    EXPECT_EQ(third.error().detail, second.error().detail);
}

TEST_F(SealedFileTest, OpenRespectsPlaintextLimit) {
    seal(plaintextOf(kSealChunkBytes + 10));
    auto opened = openSealedFile(path_, keys_.public_key, keys_.secret_key.span(), kSealChunkBytes);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.code(), ErrorCode::InvalidArgument);
    EXPECT_TRUE(
        openSealedFile(path_, keys_.public_key, keys_.secret_key.span(), kSealChunkBytes + 10)
            .ok());
}

TEST_F(SealedFileTest, RefusesUnusableRecipientKeyWithoutCreatingFile) {
    const SealPublicKey zero{};  // a low-order point: X25519 with it yields all zeros
    auto writer = SealedFileWriter::create(path_, zero);
    ASSERT_FALSE(writer.ok());
    EXPECT_EQ(writer.code(), ErrorCode::InvalidArgument);
    EXPECT_FALSE(fileExists(path_));
}

TEST_F(SealedFileTest, CreateInMissingDirectoryFails) {
    auto writer = SealedFileWriter::create(dir_.path("missing/export.sealed"), keys_.public_key);
    ASSERT_FALSE(writer.ok());
    EXPECT_EQ(writer.code(), ErrorCode::StorageUnavailable);
}

}  // namespace
}  // namespace yika::crypto
