#include "crypto/session_token.h"

#include "crypto/hex.h"
#include "crypto/random.h"
#include "crypto/terminal_keys.h"

#include <sodium.h>

namespace yika::crypto {

std::string randomHex(std::size_t bytes) {
    ensureSodium();
    Bytes raw(bytes);
    randombytes_buf(raw.data(), raw.size());
    return toHex(raw);
}

std::string newSessionToken() { return randomHex(kSessionTokenBytes); }

Bytes sessionTokenHash(const KeyRing& keys, std::string_view label, std::string_view token) {
    std::string input(label);
    input += token;
    auto key = keys.current(KeyPurpose::SessionToken);
    auto digest = hmacSha256(
        key.bytes, std::span(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()));
    sodium_memzero(input.data(), input.size());
    return Bytes(digest.begin(), digest.end());
}

}  // namespace yika::crypto
