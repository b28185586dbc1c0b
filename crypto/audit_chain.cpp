#include "crypto/audit_chain.h"

#include "card_core/domain/assert.h"
#include "crypto/random.h"

#include <sodium.h>

#include <array>

namespace yika::crypto {

namespace {

constexpr std::string_view kDomain = "yika-audit-v1";
constexpr std::size_t kMacBytes = kAuditHashBytes - 2;
static_assert(kMacBytes == crypto_generichash_BYTES);

std::array<std::uint8_t, kMacBytes> mac(const KeyView& key, const Bytes& prev,
                                        std::string_view content) {
    crypto_generichash_state state;
    YIKA_ASSERT(crypto_generichash_init(&state, key.bytes.data(), key.bytes.size(), kMacBytes) ==
                0);
    auto feed = [&](const void* data, std::size_t size) {
        crypto_generichash_update(&state, static_cast<const unsigned char*>(data), size);
    };
    // The previous hash has a fixed length in a valid chain, but a tampered row may hold any
    // length: prefix it so (prev, content) cannot be re-split into another pair.
    const std::uint8_t prev_size =
        static_cast<std::uint8_t>(std::min<std::size_t>(prev.size(), 255));
    feed(kDomain.data(), kDomain.size());
    feed(&prev_size, 1);
    feed(prev.data(), prev_size);
    feed(content.data(), content.size());
    std::array<std::uint8_t, kMacBytes> out{};
    crypto_generichash_final(&state, out.data(), out.size());
    return out;
}

}  // namespace

SodiumAuditChain::SodiumAuditChain(const KeyRing& keys) : keys_(keys) { ensureSodium(); }

Bytes SodiumAuditChain::link(const Bytes& prev, std::string_view content) const {
    const KeyView key = keys_.current(KeyPurpose::AuditChain);
    auto m = mac(key, prev, content);
    Bytes out(kAuditHashBytes);
    out[0] = static_cast<std::uint8_t>(key.id >> 8);
    out[1] = static_cast<std::uint8_t>(key.id & 0xff);
    std::copy(m.begin(), m.end(), out.begin() + 2);
    return out;
}

bool SodiumAuditChain::verifyLink(const Bytes& prev, std::string_view content,
                                  const Bytes& hash) const {
    if (hash.size() != kAuditHashBytes || prev.size() > 255) return false;
    const auto key_id = static_cast<std::uint16_t>((hash[0] << 8) | hash[1]);
    const auto key = keys_.find(KeyPurpose::AuditChain, key_id);
    if (!key) return false;
    auto expected = mac(*key, prev, content);
    return sodium_memcmp(expected.data(), hash.data() + 2, kMacBytes) == 0;
}

}  // namespace yika::crypto
