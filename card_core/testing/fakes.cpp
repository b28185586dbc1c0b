#include "card_core/testing/fakes.h"

#include "card_core/domain/assert.h"

#include <functional>

namespace yika::test {

Bytes FakePinVerifier::pinVerificationValue(std::int64_t card_id, std::string_view pin) const {
    std::string material = key_ + '|' + std::to_string(card_id) + '|' + std::string(pin);
    std::uint64_t h = std::hash<std::string>{}(material);
    Bytes out(8);
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = static_cast<std::uint8_t>(h >> (8 * i));
    }
    return out;
}

bool FakePinVerifier::verifyPin(std::int64_t card_id, std::string_view pin,
                                const Bytes& pvv) const {
    return pinVerificationValue(card_id, pin) == pvv;
}

Bytes FakeCardNumberVault::encrypt(std::string_view pan) const {
    Bytes out;
    out.reserve(kPrefix.size() + pan.size());
    for (char c : kPrefix) out.push_back(static_cast<std::uint8_t>(c));
    for (auto it = pan.rbegin(); it != pan.rend(); ++it)
        out.push_back(static_cast<std::uint8_t>(*it));
    return out;
}

std::optional<std::string> FakeCardNumberVault::decrypt(const Bytes& blob) const {
    if (blob.size() < kPrefix.size()) return std::nullopt;
    for (std::size_t i = 0; i < kPrefix.size(); ++i) {
        if (blob[i] != static_cast<std::uint8_t>(kPrefix[i])) return std::nullopt;
    }
    std::string pan;
    for (std::size_t i = blob.size(); i > kPrefix.size(); --i)
        pan.push_back(static_cast<char>(blob[i - 1]));
    return pan;
}

Bytes FakeCardNumberVault::lookupHash(std::string_view pan) const {
    Bytes out;
    for (char c : pan) out.push_back(static_cast<std::uint8_t>(c));
    return out;
}

std::uint32_t SeededRandom::uniform(std::uint32_t upper_bound) {
    YIKA_ASSERT(upper_bound > 0);
    std::lock_guard lock(mutex_);
    std::uniform_int_distribution<std::uint32_t> dist(0, upper_bound - 1);
    return dist(engine_);
}

std::uint32_t ConstantRandom::uniform(std::uint32_t upper_bound) {
    YIKA_ASSERT(upper_bound > 0);
    return value_ % upper_bound;
}

}  // namespace yika::test
