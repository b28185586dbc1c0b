#include "crypto/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/stat.h>

namespace yika::crypto::testing {

TempDir::TempDir() {
    std::string pattern = ::testing::TempDir() + "yika-crypto-XXXXXX";
    const char* created = ::mkdtemp(pattern.data());
    EXPECT_NE(created, nullptr);
    root_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
}

std::string TempDir::path(std::string_view name) const { return root_ + "/" + std::string(name); }

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in.good()) << path;
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void writeFile(const std::string& path, std::string_view content, mode_t mode) {
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        EXPECT_TRUE(out.good()) << path;
    }
    EXPECT_EQ(::chmod(path.c_str(), mode), 0) << path;
}

mode_t fileMode(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
}

bool fileExists(const std::string& path) { return std::filesystem::exists(path); }

Bytes sequence(std::size_t count, std::uint8_t first) {
    Bytes out(count);
    for (std::size_t i = 0; i < count; ++i) {
        out[i] = static_cast<std::uint8_t>(first + i);
    }
    return out;
}

}  // namespace yika::crypto::testing
