#pragma once

// Helpers shared by the crypto/ unit tests: a per-test temporary directory and whole-file I/O.

#include "card_core/domain/secrets.h"

#include <cstdint>
#include <string>
#include <string_view>

#include <sys/types.h>

namespace yika::crypto::testing {

// A fresh directory under ::testing::TempDir(), removed with its contents on destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    // `name` inside the directory.
    std::string path(std::string_view name) const;
    const std::string& root() const { return root_; }

  private:
    std::string root_;
};

// The whole content of `path`; fails the test if it cannot be read.
std::string readFile(const std::string& path);
// Replaces `path` with `content` and sets `mode`.
void writeFile(const std::string& path, std::string_view content, mode_t mode = 0600);
// The permission bits of `path`.
mode_t fileMode(const std::string& path);
bool fileExists(const std::string& path);
// `count` bytes 0, 1, 2, ... (mod 256).
Bytes sequence(std::size_t count, std::uint8_t first = 0);

}  // namespace yika::crypto::testing
