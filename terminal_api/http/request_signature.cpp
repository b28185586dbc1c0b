#include "terminal_api/http/request_signature.h"

#include "card_core/domain/assert.h"
#include "crypto/hex.h"
#include "crypto/random.h"

#include <sodium.h>

namespace yika::http {

namespace {

const unsigned char* bytesOf(std::string_view text) {
    return reinterpret_cast<const unsigned char*>(text.data());
}

}  // namespace

HttpKey deriveHttpKey(std::span<const std::uint8_t> tmk, std::string_view tid) {
    YIKA_ASSERT(!tmk.empty() && !tid.empty());
    crypto::ensureSodium();
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, tmk.data(), tmk.size());
    crypto_auth_hmacsha256_update(&state, bytesOf(kHttpKeyLabel), kHttpKeyLabel.size());
    crypto_auth_hmacsha256_update(&state, bytesOf(tid), tid.size());
    HttpKey key{};
    crypto_auth_hmacsha256_final(&state, key.data());
    // The state holds the padded key; leave nothing of it on the stack.
    sodium_memzero(&state, sizeof state);
    return key;
}

std::string bodyDigestHex(std::string_view body) {
    crypto::ensureSodium();
    std::array<std::uint8_t, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256(digest.data(), bytesOf(body), body.size());
    return crypto::toHex(digest);
}

std::string canonicalRequest(std::string_view method, std::string_view path,
                             std::string_view timestamp, std::string_view nonce,
                             std::string_view body) {
    std::string out;
    out.reserve(method.size() + path.size() + timestamp.size() + nonce.size() + 4 + 64);
    out.append(method).append("\n").append(path).append("\n").append(timestamp);
    out.append("\n").append(nonce).append("\n").append(bodyDigestHex(body));
    return out;
}

std::string signCanonical(const HttpKey& key, std::string_view canonical) {
    static_assert(kHttpKeyBytes == crypto_auth_hmacsha256_KEYBYTES);
    crypto::ensureSodium();
    std::array<std::uint8_t, crypto_auth_hmacsha256_BYTES> mac{};
    crypto_auth_hmacsha256(mac.data(), bytesOf(canonical), canonical.size(), key.data());
    return crypto::toHex(mac);
}

bool verifySignature(const HttpKey& key, std::string_view canonical,
                     std::string_view signature_hex) {
    std::array<std::uint8_t, crypto_auth_hmacsha256_BYTES> mac{};
    if (signature_hex.size() != 2 * mac.size() || !crypto::fromHexInto(signature_hex, mac)) {
        return false;
    }
    return crypto_auth_hmacsha256_verify(mac.data(), bytesOf(canonical), canonical.size(),
                                         key.data()) == 0;
}

}  // namespace yika::http
