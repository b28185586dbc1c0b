#pragma once

// Request signatures of the HTTP acceptance API (docs/openapi.yaml, "Signing requests").
//
//   TMK (the terminal master key, 16 bytes, as for ISO 8583 terminals)
//     |
//     v
//   http_key  = HMAC-SHA256(TMK, "yika-http-v1" || TID)                          32 bytes
//   canonical = METHOD "\n" PATH "\n" TIMESTAMP "\n" NONCE "\n" hex(SHA-256(body))
//   X-Yika-Signature = hex(HMAC-SHA256(http_key, canonical))                     64 hex digits
//
// METHOD is the request method in upper case, PATH the request target exactly as sent (our
// endpoints take no query string), TIMESTAMP and NONCE the X-Yika-Timestamp and X-Yika-Nonce
// header values, body the exact bytes of the body (empty for GET). Neither header may contain
// "\n" (the header formats forbid it), so two different requests never share a canonical string.
// The label "yika-http-v1" differs from the ISO 8583 labels ("yika-mac-v1", "yika-pin-v1") in
// its first bytes, so the HTTP key is independent of every session key.
//
// Everything here is pure and thread-safe. HMAC and SHA-256 come from libsodium (the library
// crypto/ wraps); once crypto/terminal_keys.h is committed its hmacSha256() can replace the
// direct calls.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace yika::http {

inline constexpr std::size_t kHttpKeyBytes = 32;
inline constexpr std::string_view kHttpKeyLabel = "yika-http-v1";
using HttpKey = std::array<std::uint8_t, kHttpKeyBytes>;

// HMAC-SHA256(tmk, "yika-http-v1" || tid). Preconditions (asserted): !tmk.empty(), !tid.empty().
HttpKey deriveHttpKey(std::span<const std::uint8_t> tmk, std::string_view tid);

// Lowercase hex of SHA-256(body) (64 characters).
std::string bodyDigestHex(std::string_view body);

// The canonical string above.
std::string canonicalRequest(std::string_view method, std::string_view path,
                             std::string_view timestamp, std::string_view nonce,
                             std::string_view body);

// Lowercase hex of HMAC-SHA256(key, canonical).
std::string signCanonical(const HttpKey& key, std::string_view canonical);

// Whether `signature_hex` (64 hex digits, either case) is the signature of `canonical`, compared
// in constant time. False, never an error, for anything of the wrong shape (it comes from the
// network).
bool verifySignature(const HttpKey& key, std::string_view canonical,
                     std::string_view signature_hex);

}  // namespace yika::http
