#include "crypto/card_vault.h"

#include "card_core/domain/assert.h"
#include "crypto/nonce_pool.h"
#include "crypto/random.h"

#include <sodium.h>

#include <array>
#include <cstring>

namespace yika::crypto {

namespace {

constexpr std::string_view kEncryptionDomain = "yika-pan-v1";
constexpr std::string_view kLookupDomain = "yika-pan-lookup-v1";
constexpr std::size_t kKeyIdBytes = 2;
constexpr std::size_t kCiphertextOffset = kKeyIdBytes + kVaultNonceBytes;
constexpr std::size_t kAdBytes = kEncryptionDomain.size() + kKeyIdBytes;
constexpr std::size_t kLookupMessageBytesMax = kLookupDomain.size() + kCardNumberBytesMax;
static_assert(kVaultNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kVaultTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(kKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kLookupHashBytes - kKeyIdBytes == crypto_generichash_BYTES);
static_assert(kVaultNonceBytes <= NoncePool::kRequestBytesMax);

void putKeyId(std::uint16_t id, std::uint8_t* out) {
    out[0] = static_cast<std::uint8_t>(id >> 8);
    out[1] = static_cast<std::uint8_t>(id & 0xff);
}

std::uint16_t getKeyId(const std::uint8_t* in) {
    return static_cast<std::uint16_t>((in[0] << 8) | in[1]);
}

// The additional data binds the format version and the key id to the ciphertext.
std::array<std::uint8_t, kAdBytes> additionalData(const std::uint8_t* key_id) {
    std::array<std::uint8_t, kAdBytes> ad{};
    std::memcpy(ad.data(), kEncryptionDomain.data(), kEncryptionDomain.size());
    std::memcpy(ad.data() + kEncryptionDomain.size(), key_id, kKeyIdBytes);
    return ad;
}

void assertPanShape(std::string_view pan) {
    YIKA_ASSERT(!pan.empty());
    YIKA_ASSERT(pan.size() <= kCardNumberBytesMax);
}

}  // namespace

SodiumCardNumberVault::SodiumCardNumberVault(const KeyRing& keys) : keys_(keys) { ensureSodium(); }

Bytes SodiumCardNumberVault::encrypt(std::string_view pan) const {
    assertPanShape(pan);
    const KeyView key = keys_.current(KeyPurpose::CardNumberEncryption);
    // The one allocation per call: the blob itself. Everything else is on the stack.
    Bytes blob(kEncryptedOverheadBytes + pan.size());
    putKeyId(key.id, blob.data());
    std::uint8_t* nonce = blob.data() + kKeyIdBytes;
    NoncePool::fill(std::span(nonce, kVaultNonceBytes));
    const auto ad = additionalData(blob.data());
    unsigned long long ciphertext_bytes = 0;
    const int rc = crypto_aead_xchacha20poly1305_ietf_encrypt(
        blob.data() + kCiphertextOffset, &ciphertext_bytes,
        reinterpret_cast<const std::uint8_t*>(pan.data()), pan.size(), ad.data(), ad.size(),
        nullptr, nonce, key.bytes.data());
    YIKA_ASSERT(rc == 0);
    YIKA_ASSERT(ciphertext_bytes == pan.size() + kVaultTagBytes);
    return blob;
}

std::optional<std::string> SodiumCardNumberVault::decrypt(const Bytes& blob) const {
    // Length checks first: the blob comes from storage and may be anything.
    if (blob.size() < kEncryptedOverheadBytes + 1 ||
        blob.size() > kEncryptedOverheadBytes + kCardNumberBytesMax) {
        return std::nullopt;
    }
    const auto key = keys_.find(KeyPurpose::CardNumberEncryption, getKeyId(blob.data()));
    if (!key) {
        return std::nullopt;
    }
    const auto ad = additionalData(blob.data());
    std::string pan(blob.size() - kEncryptedOverheadBytes, '\0');
    unsigned long long pan_bytes = 0;
    const int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
        reinterpret_cast<std::uint8_t*>(pan.data()), &pan_bytes, nullptr,
        blob.data() + kCiphertextOffset, blob.size() - kCiphertextOffset, ad.data(), ad.size(),
        blob.data() + kKeyIdBytes, key->bytes.data());
    if (rc != 0) {
        return std::nullopt;
    }
    YIKA_ASSERT(pan_bytes == pan.size());
    return pan;
}

Bytes SodiumCardNumberVault::lookupHash(std::string_view pan) const {
    assertPanShape(pan);
    const KeyView key = keys_.current(KeyPurpose::CardNumberLookup);
    std::array<std::uint8_t, kLookupMessageBytesMax> message;
    std::memcpy(message.data(), kLookupDomain.data(), kLookupDomain.size());
    std::memcpy(message.data() + kLookupDomain.size(), pan.data(), pan.size());
    Bytes hash(kLookupHashBytes);
    putKeyId(key.id, hash.data());
    const int rc =
        crypto_generichash(hash.data() + kKeyIdBytes, hash.size() - kKeyIdBytes, message.data(),
                           kLookupDomain.size() + pan.size(), key.bytes.data(), key.bytes.size());
    YIKA_ASSERT(rc == 0);
    // The stack copy of the card number is wiped so it does not linger after the call.
    sodium_memzero(message.data(), message.size());
    return hash;
}

std::string maskCardNumber(std::string_view pan) {
    constexpr std::size_t kShownHead = 6;
    constexpr std::size_t kShownTail = 4;
    std::string masked(pan.size(), '*');
    if (pan.size() <= kShownTail) {
        return masked;
    }
    const std::size_t head = pan.size() > kShownHead + kShownTail ? kShownHead : 0;
    masked.replace(0, head, pan.substr(0, head));
    masked.replace(pan.size() - kShownTail, kShownTail, pan.substr(pan.size() - kShownTail));
    return masked;
}

}  // namespace yika::crypto
