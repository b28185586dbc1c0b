#pragma once

// NoncePool: fast CSPRNG output for public, must-never-repeat values (AEAD nonces).
//
// libsodium's randombytes_buf costs one getrandom(2) system call per request, about 1.2 us on
// the production hardware: more than the AEAD encryption it feeds. The pool amortises it: each
// thread draws a fresh 32-byte seed from the OS CSPRNG and expands it with ChaCha20
// (randombytes_buf_deterministic) into a few KiB of output, which it hands out piecemeal. The
// seed is wiped at once, so the output is as unpredictable as randombytes_buf's.
//
// Invariants:
//   1. No byte of pool output is handed out twice, in this process or any other.
//   2. A fork()ed child never uses bytes drawn before the fork: a pthread_atfork child handler
//      bumps a process-wide generation, and a pool from an older generation is refilled. (A
//      child that shares the parent's pool would repeat the parent's nonces, and XChaCha20-
//      Poly1305 under a repeated nonce leaks plaintext XORs and allows forgeries.)
//   3. A thread never sees another thread's pool (thread_local), so no locking is needed.
//
// Not for secret keys: pool bytes sit in ordinary memory until used. Keys come from
// randombytes_buf directly into a SecureBuffer.

#include <cstddef>
#include <cstdint>
#include <span>

namespace yika::crypto {

class NoncePool {
  public:
    // The largest single request; larger values should use randombytes_buf directly.
    static constexpr std::size_t kRequestBytesMax = 64;
    // Bytes produced per seed: 170 XChaCha20 nonces per system call.
    static constexpr std::size_t kPoolBytes = 4096;
    static_assert(kRequestBytesMax <= kPoolBytes);

    // Fills `out` (at most kRequestBytesMax bytes) with fresh CSPRNG bytes. Thread-safe and
    // fork-safe (see the invariants above); never fails (aborts if libsodium cannot start).
    static void fill(std::span<std::uint8_t> out);
};

}  // namespace yika::crypto
