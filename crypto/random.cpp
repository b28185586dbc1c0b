#include "crypto/random.h"

#include "card_core/domain/assert.h"

#include <sodium.h>

namespace yika::crypto {

void ensureSodium() {
    // sodium_init is idempotent and thread-safe; it returns 1 when already initialised.
    YIKA_ASSERT(sodium_init() >= 0);
}

SodiumRandom::SodiumRandom() { ensureSodium(); }

std::uint32_t SodiumRandom::uniform(std::uint32_t upper_bound) {
    YIKA_ASSERT(upper_bound > 0);
    // randombytes_uniform avoids modulo bias.
    return randombytes_uniform(upper_bound);
}

}  // namespace yika::crypto
