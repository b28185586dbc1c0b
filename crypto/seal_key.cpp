#include "crypto/seal_key.h"

#include "card_core/domain/assert.h"
#include "crypto/hex.h"
#include "crypto/posix_file.h"
#include "crypto/random.h"

#include <sodium.h>

#include <cstring>
#include <string_view>

namespace yika::crypto {

namespace {

constexpr std::string_view kPublicPrefix = "yika-seal-public-key 1 ";
constexpr std::string_view kSecretPrefix = "yika-seal-secret-key 1 ";
constexpr std::size_t kKeyHexChars = 64;
constexpr std::size_t kKeyFileBytesMax = 256;
constexpr mode_t kPublicFileMode = 0644;
static_assert(kSealPublicKeyBytes == crypto_box_PUBLICKEYBYTES);
static_assert(kSealSecretKeyBytes == crypto_box_SECRETKEYBYTES);
static_assert(kPublicPrefix.size() == kSecretPrefix.size());
static_assert(kPublicPrefix.size() + kKeyHexChars + 1 <= kKeyFileBytesMax);

// "<prefix><hex>\n" in locked memory (the secret file's text is as secret as the key).
SecureBuffer formatKeyFile(std::string_view prefix, std::span<const std::uint8_t> key) {
    SecureBuffer text(prefix.size() + kKeyHexChars + 1);
    std::memcpy(text.data(), prefix.data(), prefix.size());
    toHexInto(key, std::span(reinterpret_cast<char*>(text.data() + prefix.size()), kKeyHexChars));
    text.data()[text.size() - 1] = '\n';
    return text;
}

// Decodes "<prefix><hex>" with an optional final '\n' into `out`; false on any other shape.
bool parseKeyFile(const SecureBuffer& text, std::string_view prefix, std::span<std::uint8_t> out) {
    std::string_view view(reinterpret_cast<const char*>(text.data()), text.size());
    if (view.ends_with('\n')) {
        view.remove_suffix(1);
    }
    if (!view.starts_with(prefix)) {
        return false;
    }
    return fromHexInto(view.substr(prefix.size()), out);
}

}  // namespace

SealKeyPair generateSealKeyPair() {
    ensureSodium();
    SealKeyPair pair{{}, SecureBuffer(kSealSecretKeyBytes)};
    YIKA_ASSERT(crypto_box_keypair(pair.public_key.data(), pair.secret_key.data()) == 0);
    return pair;
}

Status writeSealPublicKeyFile(const std::string& path, const SealPublicKey& public_key) {
    const SecureBuffer text = formatKeyFile(kPublicPrefix, public_key);
    return writeNewFile(path, text.span(), kPublicFileMode);
}

Result<SealPublicKey> readSealPublicKeyFile(const std::string& path) {
    auto text = readFileBounded(path, kKeyFileBytesMax);
    if (!text) {
        return makeError(text.code(), "seal public key file " + text.error().detail);
    }
    SealPublicKey key{};
    if (!parseKeyFile(*text, kPublicPrefix, key)) {
        return makeError(ErrorCode::InvalidArgument, "seal public key file " + path +
                                                         ": expected 'yika-seal-public-key 1 "
                                                         "<64 hex digits>'");
    }
    return key;
}

Status writeSealSecretKeyFile(const std::string& path, const SealKeyPair& pair) {
    YIKA_ASSERT(pair.secret_key.size() == kSealSecretKeyBytes);
    const SecureBuffer text = formatKeyFile(kSecretPrefix, pair.secret_key.span());
    return writeNewFile(path, text.span(), kPrivateFileMode);
}

Result<SealKeyPair> readSealSecretKeyFile(const std::string& path) {
    auto text = readPrivateFile(path, kKeyFileBytesMax);
    if (!text) {
        return makeError(text.code(), "seal secret key file " + text.error().detail);
    }
    ensureSodium();
    SealKeyPair pair{{}, SecureBuffer(kSealSecretKeyBytes)};
    if (!parseKeyFile(*text, kSecretPrefix, pair.secret_key.span())) {
        return makeError(ErrorCode::InvalidArgument, "seal secret key file " + path +
                                                         ": expected 'yika-seal-secret-key 1 "
                                                         "<64 hex digits>'");
    }
    // crypto_box_keypair makes the public key as the X25519 base-point multiple of the secret
    // key, so deriving it here gives the same pair without storing the public half twice.
    YIKA_ASSERT(crypto_scalarmult_base(pair.public_key.data(), pair.secret_key.data()) == 0);
    return pair;
}

}  // namespace yika::crypto
