#include "portal/portal_state.h"

#include "crypto/hex.h"
#include "crypto/session_token.h"

namespace yika::portal {

namespace {

crypto::PasswordCost costOf(const PortalLimits& limits) {
    return {static_cast<unsigned long long>(limits.password_ops),
            static_cast<std::size_t>(limits.password_mem_kib) * 1024};
}

}  // namespace

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

// The token scheme is shared with the admin API (crypto/session_token.h); the labels differ.
std::string PortalState::randomHex(std::size_t bytes) { return crypto::randomHex(bytes); }

std::string PortalState::newToken() const { return crypto::newSessionToken(); }

Bytes PortalState::tokenHash(std::string_view token) const {
    return crypto::sessionTokenHash(deps.keys, "yika-session-v1", token);
}

std::string PortalState::csrfOf(std::string_view token) const {
    return crypto::toHex(crypto::sessionTokenHash(deps.keys, "yika-csrf-v1", token));
}

}  // namespace yika::portal
