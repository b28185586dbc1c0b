#pragma once

// Password hashing for admin and portal users: Argon2id (libsodium crypto_pwhash_str_alg) in the
// self-describing "$argon2id$v=19$m=...,t=...,p=1$salt$hash" string form, so that the algorithm,
// cost and salt travel with each hash and the cost can be raised later (needsRehash).

#include <cstddef>
#include <string>
#include <string_view>

namespace yika::crypto {

// Longest password accepted, in bytes. Argon2 itself accepts 4 GiB; a bound keeps one request
// from costing unbounded hashing time and matches what the HTTP layer lets through.
inline constexpr std::size_t kPasswordBytesMax = 1024;

// Argon2id work factors: opslimit passes over memlimit_bytes of memory.
struct PasswordCost {
    unsigned long long opslimit;
    std::size_t memlimit_bytes;

    // libsodium's INTERACTIVE values (2 passes, 64 MiB): for logins.
    static PasswordCost interactive();
    // The minimum values libsodium allows (1 pass, 8 KiB): only for fast tests.
    static PasswordCost forTests();

    bool operator==(const PasswordCost&) const = default;
};

// The Argon2id hash string of `password` with a fresh random salt. Preconditions (asserted; the
// caller validates the length first): password.size() <= kPasswordBytesMax, and `cost` within
// libsodium's bounds (as interactive() and forTests() are). Throws std::bad_alloc if the
// memory cost cannot be allocated. Thread-safe; takes about as long as `cost` says.
std::string hashPassword(std::string_view password, PasswordCost cost);

// Whether `password` matches `stored` (a hashPassword result, or any libsodium pwhash string).
// False, never an error, for a password longer than kPasswordBytesMax, an empty or malformed
// `stored`, or a wrong password. Thread-safe.
bool verifyPassword(std::string_view stored, std::string_view password);

// Whether `stored` was made with an algorithm or cost other than Argon2id at `cost`, so it
// should be re-hashed after the next successful verifyPassword. True for a malformed `stored`.
bool needsRehash(std::string_view stored, PasswordCost cost);

}  // namespace yika::crypto
