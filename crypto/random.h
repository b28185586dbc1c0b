#pragma once

#include "card_core/domain/secrets.h"

namespace yika::crypto {

// Initialises libsodium once; aborts if it cannot (no CSPRNG means no safe operation).
void ensureSodium();

// RandomSource over libsodium's randombytes (the OS CSPRNG). Thread-safe.
class SodiumRandom final : public RandomSource {
  public:
    SodiumRandom();
    std::uint32_t uniform(std::uint32_t upper_bound) override;
};

}  // namespace yika::crypto
