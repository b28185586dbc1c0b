#pragma once

// The input files of `yika-term load`:
//   terminals file, one terminal a line:  TID,MID,TMK_HEX   (8 chars, 15 chars, 32 hex digits)
//   cards file, one card a line:          PAN,PIN           (13-19 digits; PIN 4-12 digits or
//                                                            empty for cards without a PIN)
// Blank lines and lines starting with '#' are skipped. Both files hold test secrets; the TMKs
// go straight from the file into locked memory and the text read is wiped.

#include "card_core/domain/result.h"
#include "crypto/secure_buffer.h"
#include "crypto/terminal_keys.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace yika::term {

inline constexpr std::size_t kLoadTerminalsMax = 100'000;
inline constexpr std::size_t kLoadCardsMax = 1'000'000;
inline constexpr std::size_t kLoadFileBytesMax = std::size_t{64} * 1024 * 1024;

// Per terminal, in one SecureBuffer arena: the TMK, then the session MAC and PIN keys derived
// at sign-on. One arena rather than a SecureBuffer per key: every SecureBuffer has its own guard
// pages and memory mappings, and 10,000 terminals would exhaust the mapping limit.
inline constexpr std::size_t kArenaTmkOffset = 0;
inline constexpr std::size_t kArenaMacKeyOffset = crypto::kTerminalMasterKeyBytes;
inline constexpr std::size_t kArenaPinKeyOffset = kArenaMacKeyOffset + crypto::kSessionKeyBytes;
inline constexpr std::size_t kArenaSlotBytes = kArenaPinKeyOffset + crypto::kSessionKeyBytes;

struct LoadTerminal {
    std::string tid;
    std::string mid;
};

class LoadTerminals {
  public:
    LoadTerminals() = default;
    LoadTerminals(std::vector<LoadTerminal> terminals, crypto::SecureBuffer arena)
        : terminals_(std::move(terminals)), arena_(std::move(arena)) {}

    std::size_t size() const { return terminals_.size(); }
    const LoadTerminal& terminal(std::size_t i) const { return terminals_[i]; }
    std::span<const std::uint8_t> tmk(std::size_t i) const;
    std::span<std::uint8_t, crypto::kSessionKeyBytes> macKey(std::size_t i);
    std::span<std::uint8_t, crypto::kSessionKeyBytes> pinKey(std::size_t i);

  private:
    std::vector<LoadTerminal> terminals_;
    crypto::SecureBuffer arena_;  // size() * kArenaSlotBytes
};

struct LoadCard {
    std::string pan;
    std::string pin;  // empty: the card has no PIN
};

// Parse the file contents. Errors: InvalidArgument naming the line (never a key, PAN or PIN),
// or too many entries. An empty file is an error.
Result<LoadTerminals> parseTerminals(std::string_view text);
Result<std::vector<LoadCard>> parseCards(std::string_view text);

// The whole content of `path` (at most kLoadFileBytesMax bytes). Errors: StorageUnavailable,
// InvalidArgument when too large.
Result<std::string> readWholeFile(const std::string& path);

// Overwrites `text` with zeros (sodium_memzero), for buffers that held TMKs or PINs.
void wipe(std::string& text);

}  // namespace yika::term
