#include "crypto/terminal_keys.h"

#include "card_core/domain/assert.h"
#include "crypto/nonce_pool.h"
#include "crypto/random.h"

#include <sodium.h>

#include <cstring>
#include <initializer_list>

namespace yika::crypto {

namespace {

constexpr std::string_view kWrapDomain = "yika-tmk-v1";
constexpr std::string_view kMacKeyLabel = "yika-mac-v1";
constexpr std::string_view kPinKeyLabel = "yika-pin-v1";
constexpr std::string_view kPinBlockLabel = "yika-pinblock-v1";
constexpr std::size_t kKeyIdBytes = 2;
constexpr std::size_t kWrapNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kWrapTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::size_t kWrapCiphertextOffset = kKeyIdBytes + kWrapNonceBytes;
constexpr std::size_t kWrapAdBytes = kWrapDomain.size() + kKeyIdBytes + kTerminalIdChars;
constexpr std::size_t kKcvInputBytes = 16;
constexpr std::size_t kPinBlockNibbles = 2 * kPinBlockBytes;
constexpr std::size_t kPanFieldDigits = 12;

static_assert(kHmacSha256Bytes == crypto_auth_hmacsha256_BYTES);
static_assert(kSessionKeyBytes == kHmacSha256Bytes, "session keys are whole HMAC outputs");
static_assert(kWrappedTerminalMasterKeyBytes ==
              kKeyIdBytes + kWrapNonceBytes + kTerminalMasterKeyBytes + kWrapTagBytes);
static_assert(kKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kWrapNonceBytes <= NoncePool::kRequestBytesMax);
static_assert(kSessionNonceBytes <= NoncePool::kRequestBytesMax);
static_assert(kPinBlockPinDigitsMax + 2 <= kPinBlockNibbles);

using ByteSpan = std::span<const std::uint8_t>;

ByteSpan bytesOf(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// HMAC-SHA256(key, parts[0] || parts[1] || ...) written into `out`. Multi-part so that no
// concatenated copy of the inputs is made; the hash state holds key-derived pads and is wiped.
void hmacInto(ByteSpan key, std::initializer_list<ByteSpan> parts,
              std::span<std::uint8_t, kHmacSha256Bytes> out) {
    crypto_auth_hmacsha256_state state;
    YIKA_ASSERT(crypto_auth_hmacsha256_init(&state, key.data(), key.size()) == 0);
    for (const ByteSpan part : parts) {
        YIKA_ASSERT(crypto_auth_hmacsha256_update(&state, part.data(), part.size()) == 0);
    }
    YIKA_ASSERT(crypto_auth_hmacsha256_final(&state, out.data()) == 0);
    sodium_memzero(&state, sizeof state);
}

bool allDigits(std::string_view text) {
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

void putKeyId(std::uint16_t id, std::uint8_t* out) {
    out[0] = static_cast<std::uint8_t>(id >> 8);
    out[1] = static_cast<std::uint8_t>(id & 0xff);
}

std::uint16_t getKeyId(const std::uint8_t* in) {
    return static_cast<std::uint16_t>((in[0] << 8) | in[1]);
}

// "yika-tmk-v1" || key id || tid: binds the format version, the key and the terminal.
std::array<std::uint8_t, kWrapAdBytes> wrapAdditionalData(const std::uint8_t* key_id,
                                                          std::string_view tid) {
    YIKA_ASSERT(tid.size() == kTerminalIdChars);
    std::array<std::uint8_t, kWrapAdBytes> ad{};
    std::memcpy(ad.data(), kWrapDomain.data(), kWrapDomain.size());
    std::memcpy(ad.data() + kWrapDomain.size(), key_id, kKeyIdBytes);
    std::memcpy(ad.data() + kWrapDomain.size() + kKeyIdBytes, tid.data(), tid.size());
    return ad;
}

// The first 8 bytes of HMAC-SHA256(pin_key, "yika-pinblock-v1" || tid || batch || trace).
PinBlock pinKeystream(ByteSpan pin_key, const PinBlockContext& context) {
    HmacSha256Digest digest;
    hmacInto(pin_key,
             {bytesOf(kPinBlockLabel), bytesOf(context.tid), bytesOf(context.batch),
              bytesOf(context.trace)},
             digest);
    PinBlock keystream;
    std::memcpy(keystream.data(), digest.data(), keystream.size());
    sodium_memzero(digest.data(), digest.size());
    return keystream;
}

// The PAN field of format 0: nibbles 0000 then the 12 rightmost digits without the check digit.
PinBlock panField(std::string_view pan) {
    const std::string_view digits = pan.substr(pan.size() - 1 - kPanFieldDigits, kPanFieldDigits);
    PinBlock field{};
    for (std::size_t i = 0; i < kPanFieldDigits; ++i) {
        const std::size_t nibble = 4 + i;
        const auto value = static_cast<std::uint8_t>(digits[i] - '0');
        field[nibble / 2] |= static_cast<std::uint8_t>(nibble % 2 == 0 ? value << 4 : value);
    }
    return field;
}

std::uint8_t nibbleAt(const PinBlock& block, std::size_t index) {
    const std::uint8_t byte = block[index / 2];
    return index % 2 == 0 ? static_cast<std::uint8_t>(byte >> 4)
                          : static_cast<std::uint8_t>(byte & 0x0f);
}

void setNibble(PinBlock& block, std::size_t index, std::uint8_t value) {
    if (index % 2 == 0) {
        block[index / 2] = static_cast<std::uint8_t>((block[index / 2] & 0x0f) | (value << 4));
    } else {
        block[index / 2] = static_cast<std::uint8_t>((block[index / 2] & 0xf0) | value);
    }
}

void xorInto(PinBlock& target, const PinBlock& other) {
    for (std::size_t i = 0; i < target.size(); ++i) {
        target[i] = static_cast<std::uint8_t>(target[i] ^ other[i]);
    }
}

void wipe(PinBlock& block) { sodium_memzero(block.data(), block.size()); }

// The PIN of a clear format 0 PIN field, or empty if any nibble breaks the format.
std::optional<std::string> parsePinField(const PinBlock& field) {
    const std::size_t length = nibbleAt(field, 1);
    if (nibbleAt(field, 0) != 0 || length < kPinBlockPinDigitsMin ||
        length > kPinBlockPinDigitsMax) {
        return std::nullopt;
    }
    std::string pin(length, '0');
    for (std::size_t i = 0; i < kPinBlockNibbles - 2; ++i) {
        const std::uint8_t nibble = nibbleAt(field, 2 + i);
        const bool ok = i < length ? nibble <= 9 : nibble == 0x0f;
        if (!ok) {
            sodium_memzero(pin.data(), pin.size());
            return std::nullopt;
        }
        if (i < length) {
            pin[i] = static_cast<char>('0' + nibble);
        }
    }
    return pin;
}

}  // namespace

HmacSha256Digest hmacSha256(ByteSpan key, ByteSpan input) {
    ensureSodium();
    HmacSha256Digest digest;
    hmacInto(key, {input}, digest);
    return digest;
}

KeyCheckValue keyCheckValue(ByteSpan key) {
    YIKA_ASSERT(!key.empty());
    const std::array<std::uint8_t, kKcvInputBytes> zeros{};
    HmacSha256Digest digest = hmacSha256(key, zeros);
    KeyCheckValue kcv;
    std::memcpy(kcv.data(), digest.data(), kcv.size());
    sodium_memzero(digest.data(), digest.size());
    return kcv;
}

SecureBuffer generateTerminalMasterKey() {
    ensureSodium();
    SecureBuffer tmk(kTerminalMasterKeyBytes);
    // Straight from the OS CSPRNG into locked memory: a key never passes through the nonce pool.
    randombytes_buf(tmk.data(), tmk.size());
    return tmk;
}

Bytes wrapTerminalMasterKey(const KeyRing& keys, ByteSpan tmk, std::string_view tid) {
    YIKA_ASSERT(tmk.size() == kTerminalMasterKeyBytes);
    YIKA_ASSERT(tid.size() == kTerminalIdChars);
    ensureSodium();
    const KeyView key = keys.current(KeyPurpose::TerminalKeyEncryption);
    Bytes blob(kWrappedTerminalMasterKeyBytes);
    putKeyId(key.id, blob.data());
    std::uint8_t* nonce = blob.data() + kKeyIdBytes;
    NoncePool::fill(std::span(nonce, kWrapNonceBytes));
    const auto ad = wrapAdditionalData(blob.data(), tid);
    unsigned long long ciphertext_bytes = 0;
    const int rc = crypto_aead_xchacha20poly1305_ietf_encrypt(
        blob.data() + kWrapCiphertextOffset, &ciphertext_bytes, tmk.data(), tmk.size(), ad.data(),
        ad.size(), nullptr, nonce, key.bytes.data());
    YIKA_ASSERT(rc == 0);
    YIKA_ASSERT(ciphertext_bytes == kTerminalMasterKeyBytes + kWrapTagBytes);
    return blob;
}

std::optional<SecureBuffer> unwrapTerminalMasterKey(const KeyRing& keys, ByteSpan blob,
                                                    std::string_view tid) {
    // Shape checks first: the blob and the TID come from storage and may be anything.
    if (blob.size() != kWrappedTerminalMasterKeyBytes || tid.size() != kTerminalIdChars) {
        return std::nullopt;
    }
    const auto key = keys.find(KeyPurpose::TerminalKeyEncryption, getKeyId(blob.data()));
    if (!key) {
        return std::nullopt;
    }
    const auto ad = wrapAdditionalData(blob.data(), tid);
    // Decrypted straight into locked memory.
    SecureBuffer tmk(kTerminalMasterKeyBytes);
    unsigned long long tmk_bytes = 0;
    const int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
        tmk.data(), &tmk_bytes, nullptr, blob.data() + kWrapCiphertextOffset,
        blob.size() - kWrapCiphertextOffset, ad.data(), ad.size(), blob.data() + kKeyIdBytes,
        key->bytes.data());
    if (rc != 0) {
        return std::nullopt;
    }
    YIKA_ASSERT(tmk_bytes == kTerminalMasterKeyBytes);
    return tmk;
}

SessionNonce generateSessionNonce() {
    ensureSodium();
    SessionNonce nonce;
    NoncePool::fill(nonce);
    return nonce;
}

void deriveSessionKeysInto(ByteSpan tmk, std::string_view tid,
                           std::span<const std::uint8_t, kSessionNonceBytes> nonce,
                           std::span<std::uint8_t, kSessionKeyBytes> mac_key,
                           std::span<std::uint8_t, kSessionKeyBytes> pin_key) {
    YIKA_ASSERT(tmk.size() == kTerminalMasterKeyBytes);
    YIKA_ASSERT(tid.size() == kTerminalIdChars);
    ensureSodium();
    hmacInto(tmk, {bytesOf(kMacKeyLabel), bytesOf(tid), nonce}, mac_key);
    hmacInto(tmk, {bytesOf(kPinKeyLabel), bytesOf(tid), nonce}, pin_key);
}

SessionKeys deriveSessionKeys(ByteSpan tmk, std::string_view tid,
                              std::span<const std::uint8_t, kSessionNonceBytes> nonce) {
    SessionKeys keys{SecureBuffer(kSessionKeyBytes), SecureBuffer(kSessionKeyBytes)};
    deriveSessionKeysInto(
        tmk, tid, nonce,
        std::span<std::uint8_t, kSessionKeyBytes>(keys.mac_key.data(), kSessionKeyBytes),
        std::span<std::uint8_t, kSessionKeyBytes>(keys.pin_key.data(), kSessionKeyBytes));
    return keys;
}

SignOnKeyData makeSignOnKeyData(const SessionNonce& nonce, ByteSpan mac_key, ByteSpan pin_key) {
    YIKA_ASSERT(mac_key.size() == kSessionKeyBytes);
    YIKA_ASSERT(pin_key.size() == kSessionKeyBytes);
    return SignOnKeyData{nonce, keyCheckValue(mac_key), keyCheckValue(pin_key)};
}

std::array<std::uint8_t, kSignOnKeyDataBytes> formatSignOnKeyData(const SignOnKeyData& data) {
    std::array<std::uint8_t, kSignOnKeyDataBytes> out{};
    std::memcpy(out.data(), data.nonce.data(), kSessionNonceBytes);
    std::memcpy(out.data() + kSessionNonceBytes, data.mac_key_kcv.data(), kKeyCheckValueBytes);
    std::memcpy(out.data() + kSessionNonceBytes + kKeyCheckValueBytes, data.pin_key_kcv.data(),
                kKeyCheckValueBytes);
    return out;
}

std::optional<SignOnKeyData> parseSignOnKeyData(ByteSpan field62) {
    if (field62.size() != kSignOnKeyDataBytes) {
        return std::nullopt;
    }
    SignOnKeyData data;
    std::memcpy(data.nonce.data(), field62.data(), kSessionNonceBytes);
    std::memcpy(data.mac_key_kcv.data(), field62.data() + kSessionNonceBytes, kKeyCheckValueBytes);
    std::memcpy(data.pin_key_kcv.data(), field62.data() + kSessionNonceBytes + kKeyCheckValueBytes,
                kKeyCheckValueBytes);
    return data;
}

bool sessionKeysMatch(const SignOnKeyData& data, ByteSpan mac_key, ByteSpan pin_key) {
    const KeyCheckValue mac_kcv = keyCheckValue(mac_key);
    const KeyCheckValue pin_kcv = keyCheckValue(pin_key);
    // Both comparisons always run, so the timing does not say which key differed.
    const int mac_diff = sodium_memcmp(mac_kcv.data(), data.mac_key_kcv.data(), mac_kcv.size());
    const int pin_diff = sodium_memcmp(pin_kcv.data(), data.pin_key_kcv.data(), pin_kcv.size());
    return (mac_diff | pin_diff) == 0;
}

TerminalMac computeMac(ByteSpan mac_key, ByteSpan mac_input) {
    YIKA_ASSERT(mac_key.size() == kSessionKeyBytes);
    const HmacSha256Digest digest = hmacSha256(mac_key, mac_input);
    TerminalMac mac;
    std::memcpy(mac.data(), digest.data(), mac.size());
    return mac;
}

bool verifyMac(ByteSpan mac_key, ByteSpan mac_input, ByteSpan mac) {
    YIKA_ASSERT(mac_key.size() == kSessionKeyBytes);
    if (mac.size() != kTerminalMacBytes) {
        return false;
    }
    const TerminalMac expected = computeMac(mac_key, mac_input);
    // Constant time, so the response time does not reveal how many leading bytes matched.
    return sodium_memcmp(expected.data(), mac.data(), expected.size()) == 0;
}

bool isValidPinBlockContext(const PinBlockContext& context) {
    return context.tid.size() == kTerminalIdChars && context.batch.size() == kBatchDigits &&
           allDigits(context.batch) && context.trace.size() == kTraceDigits &&
           allDigits(context.trace);
}

bool isValidPin(std::string_view pin) {
    return pin.size() >= kPinBlockPinDigitsMin && pin.size() <= kPinBlockPinDigitsMax &&
           allDigits(pin);
}

bool isValidPinBlockPan(std::string_view pan) {
    return pan.size() >= kPinBlockPanDigitsMin && pan.size() <= kPinBlockPanDigitsMax &&
           allDigits(pan);
}

PinBlock encryptPinBlock(ByteSpan pin_key, const PinBlockContext& context, std::string_view pin,
                         std::string_view pan) {
    YIKA_ASSERT(pin_key.size() == kSessionKeyBytes);
    YIKA_ASSERT(isValidPinBlockContext(context));
    YIKA_ASSERT(isValidPin(pin));
    YIKA_ASSERT(isValidPinBlockPan(pan));
    // PIN field: 0 | length | digits | F padding.
    PinBlock block;
    block.fill(0xff);
    setNibble(block, 0, 0);
    setNibble(block, 1, static_cast<std::uint8_t>(pin.size()));
    for (std::size_t i = 0; i < pin.size(); ++i) {
        setNibble(block, 2 + i, static_cast<std::uint8_t>(pin[i] - '0'));
    }
    xorInto(block, panField(pan));
    PinBlock keystream = pinKeystream(pin_key, context);
    xorInto(block, keystream);
    wipe(keystream);
    return block;
}

std::optional<std::string> decryptPin(ByteSpan pin_key, const PinBlockContext& context,
                                      ByteSpan block, std::string_view pan) {
    YIKA_ASSERT(pin_key.size() == kSessionKeyBytes);
    if (block.size() != kPinBlockBytes || !isValidPinBlockContext(context) ||
        !isValidPinBlockPan(pan)) {
        return std::nullopt;
    }
    PinBlock field;
    std::memcpy(field.data(), block.data(), field.size());
    PinBlock keystream = pinKeystream(pin_key, context);
    xorInto(field, keystream);
    wipe(keystream);
    xorInto(field, panField(pan));
    auto pin = parsePinField(field);
    wipe(field);
    return pin;
}

}  // namespace yika::crypto
