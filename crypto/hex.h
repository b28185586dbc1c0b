#pragma once

// Hex encoding over libsodium's constant-time sodium_bin2hex / sodium_hex2bin, so that encoding
// or decoding key material does not leak it through timing.

#include "card_core/domain/secrets.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace yika::crypto {

// Lowercase hex of `bytes` (two characters a byte). Pure; thread-safe.
std::string toHex(std::span<const std::uint8_t> bytes);

// The bytes of `hex` (either case, no separators). Empty on odd length or any non-hex character.
// Pure; thread-safe. Not for secrets: the result lives in ordinary heap memory (use fromHexInto).
std::optional<Bytes> fromHex(std::string_view hex);

// Decodes `hex` into exactly `out.size()` bytes, for writing secrets straight into locked memory.
// Returns false (and zeroes `out`) unless `hex` is exactly 2 * out.size() hex characters.
[[nodiscard]] bool fromHexInto(std::string_view hex, std::span<std::uint8_t> out);

// Writes the lowercase hex of `bytes` into `out`, which must hold exactly 2 * bytes.size()
// characters (no terminator). For secrets: nothing is allocated.
void toHexInto(std::span<const std::uint8_t> bytes, std::span<char> out);

}  // namespace yika::crypto
