#include "portal/portal_state.h"

#include "crypto/hex.h"
#include "crypto/terminal_keys.h"

#include <sodium.h>

#include <algorithm>

namespace yika::portal {

namespace {

constexpr std::size_t kTokenBytes = 32;

crypto::PasswordCost costOf(const PortalLimits& limits) {
    return {static_cast<unsigned long long>(limits.password_ops),
            static_cast<std::size_t>(limits.password_mem_kib) * 1024};
}

crypto::HmacSha256Digest keyed(const crypto::KeyRing& keys, std::string_view label,
                               std::string_view token) {
    std::string input(label);
    input += token;
    auto key = keys.current(crypto::KeyPurpose::SessionToken);
    return crypto::hmacSha256(
        key.bytes, std::span(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()));
}

}  // namespace

ReaderPool::Lease ReaderPool::acquire() {
    std::unique_ptr<Reader> reader;
    {
        std::lock_guard lock(mutex_);
        if (!free_.empty()) {
            reader = std::move(free_.back());
            free_.pop_back();
        }
    }
    if (!reader) {
        reader = std::make_unique<Reader>();
        reader->db = store_.openReader();
        reader->tx = std::make_unique<store::SqliteStoreTx>(*reader->db);
    }
    reader->tx->resetCaches();
    return Lease(*this, std::move(reader));
}

void ReaderPool::release(std::unique_ptr<Reader> reader) {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(reader));
}

PortalState::PortalState(PortalDeps d, PortalOptions options)
    : deps(d),
      limits(options.limits),
      public_url(std::move(options.public_url)),
      passwords(static_cast<std::size_t>(limits.password_threads),
                static_cast<std::size_t>(limits.password_queue_max), costOf(limits)),
      rate(limits.rate_window_ms, limits.rate_entries_max),
      readers(d.store),
      replay(limits.clock_skew_ms, limits.replay_bucket_ms, limits.replay_entries_max),
      shops(d.store.openReader(), d.terminal_keys, d.clock, limits.shops_cached_max,
            limits.shop_cache_ttl_ms) {}

PortalState::~PortalState() { stopCallbacks(); }

std::string PortalState::randomHex(std::size_t bytes) {
    Bytes raw(bytes);
    randombytes_buf(raw.data(), raw.size());
    return crypto::toHex(raw);
}

std::string PortalState::newToken() const { return randomHex(kTokenBytes); }

Bytes PortalState::tokenHash(std::string_view token) const {
    auto digest = keyed(deps.keys, "yika-session-v1", token);
    return Bytes(digest.begin(), digest.end());
}

std::string PortalState::csrfOf(std::string_view token) const {
    auto digest = keyed(deps.keys, "yika-csrf-v1", token);
    return crypto::toHex(Bytes(digest.begin(), digest.end()));
}

}  // namespace yika::portal
