#include "crypto/posix_file.h"

#include "crypto/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>

namespace yika::crypto {
namespace {

using testing::fileExists;
using testing::fileMode;
using testing::readFile;
using testing::TempDir;
using testing::writeFile;

std::span<const std::uint8_t> bytesOf(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

TEST(PosixFile, CreateExclusiveSetsExactModeDespiteUmask) {
    TempDir dir;
    const mode_t old_umask = ::umask(0077);
    auto file = PosixFile::createExclusive(dir.path("public"), 0644);
    ::umask(old_umask);
    ASSERT_TRUE(file.ok());
    EXPECT_EQ(fileMode(dir.path("public")), 0644u);
}

TEST(PosixFile, CreateExclusiveRefusesExistingFileAndSymlink) {
    TempDir dir;
    writeFile(dir.path("existing"), "keep me");
    auto file = PosixFile::createExclusive(dir.path("existing"), 0600);
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.code(), ErrorCode::Duplicate);
    EXPECT_EQ(readFile(dir.path("existing")), "keep me");

    std::filesystem::create_symlink(dir.path("elsewhere"), dir.path("link"));
    EXPECT_EQ(PosixFile::createExclusive(dir.path("link"), 0600).code(), ErrorCode::Duplicate);
    EXPECT_FALSE(fileExists(dir.path("elsewhere")));
}

TEST(PosixFile, WriteToFullDeviceIsStorageFull) {
    const int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    PosixFile file(fd, "/dev/full");
    const Status status = file.writeAll(std::string_view("data"));
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.code(), ErrorCode::StorageFull);
}

TEST(PosixFile, OpenForReadingRefusesMissingFileAndDirectory) {
    TempDir dir;
    EXPECT_EQ(PosixFile::openForReading(dir.path("missing")).code(), ErrorCode::InvalidArgument);
    EXPECT_EQ(PosixFile::openForReading(dir.root()).code(), ErrorCode::InvalidArgument);
}

TEST(PosixFile, ReadPrivateFileRefusesAnyGroupOrOtherPermission) {
    TempDir dir;
    for (mode_t mode : {0644u, 0640u, 0604u, 0610u, 0601u, 0620u}) {
        writeFile(dir.path("secret"), "x", mode);
        auto read = readPrivateFile(dir.path("secret"), 100);
        ASSERT_FALSE(read.ok()) << std::oct << mode;
        EXPECT_EQ(read.code(), ErrorCode::InvalidArgument);
    }
    writeFile(dir.path("secret"), "x", 0400);
    EXPECT_TRUE(readPrivateFile(dir.path("secret"), 100).ok());
    // Not secret: the mode is not checked.
    writeFile(dir.path("public"), "x", 0644);
    EXPECT_TRUE(readFileBounded(dir.path("public"), 100).ok());
}

TEST(PosixFile, ReadRefusesOversizedFileAndReadsExactSize) {
    TempDir dir;
    writeFile(dir.path("file"), "0123456789");
    EXPECT_EQ(readPrivateFile(dir.path("file"), 9).code(), ErrorCode::InvalidArgument);
    auto read = readPrivateFile(dir.path("file"), 10);
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(read->data()), read->size()), "0123456789");
    writeFile(dir.path("empty"), "");
    auto empty = readPrivateFile(dir.path("empty"), 10);
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->empty());
}

TEST(PosixFile, WriteNewFileSyncsAndRefusesOverwrite) {
    TempDir dir;
    ASSERT_TRUE(writeNewFile(dir.path("new"), bytesOf("hello"), 0600).ok());
    EXPECT_EQ(readFile(dir.path("new")), "hello");
    EXPECT_EQ(fileMode(dir.path("new")), 0600u);
    EXPECT_EQ(writeNewFile(dir.path("new"), bytesOf("other"), 0600).code(), ErrorCode::Duplicate);
    EXPECT_EQ(readFile(dir.path("new")), "hello");
}

TEST(PosixFile, ReplacePrivateFileSwapsContentAndLeavesNoTemporary) {
    TempDir dir;
    writeFile(dir.path("keys"), "old", 0600);
    ASSERT_TRUE(replacePrivateFile(dir.path("keys"), bytesOf("new")).ok());
    EXPECT_EQ(readFile(dir.path("keys")), "new");
    EXPECT_EQ(fileMode(dir.path("keys")), 0600u);
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.root())) {
        ++entries;
    }
    EXPECT_EQ(entries, 1u);
}

TEST(PosixFile, ReplaceInMissingDirectoryFailsCleanly) {
    TempDir dir;
    const Status status = replacePrivateFile(dir.path("no-such-dir/keys"), bytesOf("x"));
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.code(), ErrorCode::StorageUnavailable);
}

}  // namespace
}  // namespace yika::crypto
