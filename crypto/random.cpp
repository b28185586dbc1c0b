#include "crypto/random.h"

#include "card_core/domain/assert.h"
#include "crypto/nonce_pool.h"

#include <sodium.h>

#include <array>
#include <cstring>

namespace yika::crypto {

void ensureSodium() {
    // sodium_init is idempotent and thread-safe; it returns 1 when already initialised.
    YIKA_ASSERT(sodium_init() >= 0);
}

SodiumRandom::SodiumRandom() { ensureSodium(); }

std::uint32_t SodiumRandom::uniform(std::uint32_t upper_bound) {
    YIKA_ASSERT(upper_bound > 0);
    // randombytes_uniform costs one getrandom(2) call per draw; a production batch draws 22
    // digits per card, 22 million calls per million cards. The per-thread pool (nonce_pool.h:
    // ChaCha20 output keyed by a fresh OS seed every 4 KiB, fork-safe) gives the same
    // unpredictability at ~40 ns. Rejection sampling removes modulo bias exactly as
    // randombytes_uniform does: values below 2^32 mod upper_bound are redrawn.
    if (upper_bound < 2) return 0;
    const std::uint32_t min = (0U - upper_bound) % upper_bound;
    for (;;) {
        std::array<std::uint8_t, 4> bytes{};
        NoncePool::fill(bytes);
        std::uint32_t r = 0;
        std::memcpy(&r, bytes.data(), sizeof r);
        sodium_memzero(bytes.data(), bytes.size());
        if (r >= min) return r % upper_bound;
    }
}

}  // namespace yika::crypto
