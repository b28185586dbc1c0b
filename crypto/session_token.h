#pragma once

// Session tokens of the admin API and the portal: 32 random bytes in hex, of which only a keyed
// hash is stored (HMAC-SHA256 under the key file's SessionToken key, over a label that
// separates the uses: "yika-session-v1" portal, "yika-admin-session-v1" admin API), so that a
// copy of the database gives no live session.

#include "card_core/domain/secrets.h"
#include "crypto/key_ring.h"

#include <string>
#include <string_view>

namespace yika::crypto {

inline constexpr std::size_t kSessionTokenBytes = 32;
inline constexpr std::size_t kSessionTokenHexChars = 2 * kSessionTokenBytes;

// A fresh random token (64 lower-case hex characters). Thread-safe.
std::string newSessionToken();
// A random hex string of `bytes` random bytes.
std::string randomHex(std::size_t bytes);
// HMAC-SHA256(SessionToken key, label || token). Thread-safe.
Bytes sessionTokenHash(const KeyRing& keys, std::string_view label, std::string_view token);

}  // namespace yika::crypto
