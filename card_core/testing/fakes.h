#pragma once

// Deterministic fakes of the secret ports (card_core/domain/secrets.h) for tests. None of them is
// secure: they keep only the contracts the domain relies on (verifyPin accepts exactly the PIN a
// PVV was made from, decrypt inverts encrypt, equal numbers give equal lookups), so that the
// domain and the store can be tested without libsodium and with reproducible card numbers.

#include "card_core/domain/secrets.h"

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace yika::test {

// PVV = std::hash of (key, card id, PIN) as 8 bytes. Thread-safe (stateless).
class FakePinVerifier final : public PinVerifier {
  public:
    explicit FakePinVerifier(std::string key = "test-pvk") : key_(std::move(key)) {}
    Bytes pinVerificationValue(std::int64_t card_id, std::string_view pin) const override;
    bool verifyPin(std::int64_t card_id, std::string_view pin, const Bytes& pvv) const override;

  private:
    std::string key_;
};

// encrypt = prefix + the digits reversed; lookupHash = the digits themselves. Thread-safe.
class FakeCardNumberVault final : public CardNumberVault {
  public:
    static constexpr std::string_view kPrefix = "FAKE1:";
    Bytes encrypt(std::string_view pan) const override;
    // Empty when the blob lacks the prefix (as a tampered blob would fail authentication).
    std::optional<std::string> decrypt(const Bytes& blob) const override;
    Bytes lookupHash(std::string_view pan) const override;
};

// A seeded std::mt19937_64: the same seed gives the same card numbers and PINs. Thread-safe.
class SeededRandom final : public RandomSource {
  public:
    explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}
    std::uint32_t uniform(std::uint32_t upper_bound) override;

  private:
    std::mutex mutex_;
    std::mt19937_64 engine_;
};

// Always draws `value % upper_bound`: every card number it yields is the same, which exhausts
// any number space at once (tests of the redraw bound). Thread-safe (stateless).
class ConstantRandom final : public RandomSource {
  public:
    explicit ConstantRandom(std::uint32_t value) : value_(value) {}
    std::uint32_t uniform(std::uint32_t upper_bound) override;

  private:
    std::uint32_t value_;
};

}  // namespace yika::test
