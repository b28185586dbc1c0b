#include "crypto/nonce_pool.h"

#include "card_core/domain/assert.h"
#include "crypto/random.h"

#include <sodium.h>

#include <array>
#include <atomic>
#include <cstring>
#include <mutex>

#include <pthread.h>

namespace yika::crypto {

namespace {

// Bumped in every fork()ed child; a pool filled under an older value is discarded.
std::atomic<std::uint64_t> g_fork_generation{1};

void onForkChild() { g_fork_generation.fetch_add(1, std::memory_order_relaxed); }

void registerForkHandler() {
    static std::once_flag once;
    std::call_once(once,
                   [] { YIKA_ASSERT(::pthread_atfork(nullptr, nullptr, &onForkChild) == 0); });
}

struct Pool {
    std::array<std::uint8_t, NoncePool::kPoolBytes> bytes{};
    std::size_t used = NoncePool::kPoolBytes;  // starts exhausted: the first call refills
    std::uint64_t generation = 0;              // 0 is never a live generation

    void refill(std::uint64_t current_generation) {
        std::array<std::uint8_t, randombytes_SEEDBYTES> seed{};
        randombytes_buf(seed.data(), seed.size());
        randombytes_buf_deterministic(bytes.data(), bytes.size(), seed.data());
        // Without the seed the remaining output cannot be recomputed from a later memory dump.
        sodium_memzero(seed.data(), seed.size());
        used = 0;
        generation = current_generation;
    }
};

thread_local Pool t_pool;

}  // namespace

void NoncePool::fill(std::span<std::uint8_t> out) {
    YIKA_ASSERT(out.size() <= kRequestBytesMax);
    Pool& pool = t_pool;
    const std::uint64_t generation = g_fork_generation.load(std::memory_order_relaxed);
    if (pool.generation != generation || kPoolBytes - pool.used < out.size()) {
        // First use in this thread: make sure sodium is up and forks are tracked.
        if (pool.generation == 0) {
            ensureSodium();
            registerForkHandler();
        }
        pool.refill(g_fork_generation.load(std::memory_order_relaxed));
    }
    std::memcpy(out.data(), pool.bytes.data() + pool.used, out.size());
    pool.used += out.size();
}

}  // namespace yika::crypto
