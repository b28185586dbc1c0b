#include "crypto/pin_verifier.h"

#include "card_core/domain/assert.h"
#include "crypto/random.h"

#include <sodium.h>

#include <array>
#include <cstring>

namespace yika::crypto {

namespace {

constexpr std::string_view kDomain = "yika-pvv-v1";
constexpr std::size_t kCardIdBytes = 8;
constexpr std::size_t kMacBytes = kPvvBytes - kKeyIdBytes;
constexpr std::size_t kMessageBytesMax = kDomain.size() + kCardIdBytes + kPinDigitsMax;
static_assert(kMacBytes == crypto_generichash_BYTES);

bool isPinShape(std::string_view pin) {
    if (pin.size() < kPinDigitsMin || pin.size() > kPinDigitsMax) {
        return false;
    }
    for (char c : pin) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

// Computes the MAC part of a PVV into `mac`. The message holds the PIN, so it lives on the stack
// (no heap copy) and is wiped before returning.
void computeMac(const KeyView& key, std::int64_t card_id, std::string_view pin,
                std::span<std::uint8_t, kMacBytes> mac) {
    YIKA_ASSERT(isPinShape(pin));
    std::array<std::uint8_t, kMessageBytesMax> message;
    std::memcpy(message.data(), kDomain.data(), kDomain.size());
    const auto id = static_cast<std::uint64_t>(card_id);
    for (std::size_t i = 0; i < kCardIdBytes; ++i) {
        message[kDomain.size() + i] = static_cast<std::uint8_t>(id >> (8 * i));
    }
    std::memcpy(message.data() + kDomain.size() + kCardIdBytes, pin.data(), pin.size());
    const std::size_t length = kDomain.size() + kCardIdBytes + pin.size();
    YIKA_ASSERT(crypto_generichash(mac.data(), mac.size(), message.data(), length, key.bytes.data(),
                                   key.bytes.size()) == 0);
    sodium_memzero(message.data(), message.size());
}

}  // namespace

SodiumPinVerifier::SodiumPinVerifier(const KeyRing& keys) : keys_(keys) { ensureSodium(); }

Bytes SodiumPinVerifier::pinVerificationValue(std::int64_t card_id, std::string_view pin) const {
    const KeyView key = keys_.current(KeyPurpose::PinVerification);
    Bytes pvv(kPvvBytes);
    pvv[0] = static_cast<std::uint8_t>(key.id >> 8);
    pvv[1] = static_cast<std::uint8_t>(key.id & 0xff);
    computeMac(key, card_id, pin,
               std::span<std::uint8_t, kMacBytes>(pvv.data() + kKeyIdBytes, kMacBytes));
    return pvv;
}

bool SodiumPinVerifier::verifyPin(std::int64_t card_id, std::string_view pin,
                                  const Bytes& pvv) const {
    YIKA_ASSERT(isPinShape(pin));
    if (pvv.size() != kPvvBytes) {
        return false;
    }
    const auto key_id = static_cast<std::uint16_t>((pvv[0] << 8) | pvv[1]);
    const auto key = keys_.find(KeyPurpose::PinVerification, key_id);
    if (!key) {
        return false;
    }
    std::array<std::uint8_t, kMacBytes> expected;
    computeMac(*key, card_id, pin, expected);
    // Constant time, so the response time does not reveal how many leading bytes matched.
    const bool match = sodium_memcmp(expected.data(), pvv.data() + kKeyIdBytes, kMacBytes) == 0;
    sodium_memzero(expected.data(), expected.size());
    return match;
}

}  // namespace yika::crypto
