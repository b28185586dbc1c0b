#include "crypto/password.h"

#include "card_core/domain/assert.h"
#include "crypto/random.h"

#include <sodium.h>

#include <array>
#include <cstring>
#include <new>
#include <optional>

namespace yika::crypto {

namespace {

static_assert(kPasswordBytesMax <= crypto_pwhash_PASSWD_MAX);

using HashString = std::array<char, crypto_pwhash_STRBYTES>;

// libsodium reads the stored hash as a C string; copy it into a terminated buffer of the
// documented size, refusing anything that cannot be a hash string.
std::optional<HashString> terminated(std::string_view stored) {
    if (stored.empty() || stored.size() >= crypto_pwhash_STRBYTES ||
        stored.find('\0') != std::string_view::npos) {
        return std::nullopt;
    }
    HashString out{};
    std::memcpy(out.data(), stored.data(), stored.size());
    return out;
}

void assertCostInBounds(PasswordCost cost) {
    YIKA_ASSERT(cost.opslimit >= crypto_pwhash_OPSLIMIT_MIN);
    YIKA_ASSERT(cost.opslimit <= crypto_pwhash_OPSLIMIT_MAX);
    YIKA_ASSERT(cost.memlimit_bytes >= crypto_pwhash_MEMLIMIT_MIN);
    YIKA_ASSERT(cost.memlimit_bytes <= crypto_pwhash_MEMLIMIT_MAX);
}

}  // namespace

PasswordCost PasswordCost::interactive() {
    return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordCost PasswordCost::forTests() {
    return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

std::string hashPassword(std::string_view password, PasswordCost cost) {
    YIKA_ASSERT(password.size() <= kPasswordBytesMax);
    assertCostInBounds(cost);
    ensureSodium();
    HashString out{};
    // With valid parameters the only failure is being unable to allocate memlimit_bytes.
    if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), cost.opslimit,
                              cost.memlimit_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw std::bad_alloc();
    }
    return std::string(out.data());
}

bool verifyPassword(std::string_view stored, std::string_view password) {
    if (password.size() > kPasswordBytesMax) {
        return false;
    }
    const auto hash = terminated(stored);
    if (!hash) {
        return false;
    }
    ensureSodium();
    return crypto_pwhash_str_verify(hash->data(), password.data(), password.size()) == 0;
}

bool needsRehash(std::string_view stored, PasswordCost cost) {
    assertCostInBounds(cost);
    const auto hash = terminated(stored);
    if (!hash) {
        return true;
    }
    // crypto_pwhash_str_needs_rehash accepts an Argon2i string at the same cost as current;
    // this module's algorithm is Argon2id, so any other algorithm needs a rehash.
    if (!stored.starts_with(crypto_pwhash_argon2id_STRPREFIX)) {
        return true;
    }
    ensureSodium();
    // 0: same algorithm and cost; 1: different cost; -1: malformed.
    return crypto_pwhash_str_needs_rehash(hash->data(), cost.opslimit, cost.memlimit_bytes) != 0;
}

}  // namespace yika::crypto
