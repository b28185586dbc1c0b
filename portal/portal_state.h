#pragma once

// Internal to portal/: the state the request handlers share (pools, limiters, readers, the
// shop terminals), and the session token scheme:
//
//   token      = 32 random bytes, hex (the yika_session cookie, or "Authorization: Bearer")
//   token_hash = HMAC-SHA256(SessionToken key, "yika-session-v1" || token)   stored
//   csrf       = hex(HMAC-SHA256(SessionToken key, "yika-csrf-v1" || token)) the yika_csrf
//                cookie (readable by the page) and the X-CSRF-Token header of every POST made
//                with the cookie (double submit, bound to the session)

#include "card_core/domain/account.h"
#include "card_core/store/reader_pool.h"
#include "card_core/store/sqlite_store_tx.h"
#include "crypto/password_pool.h"
#include "terminal_api/http/replay_cache.h"
#include "terminal_api/http/terminal_directory.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "portal/portal_server.h"
#include "portal/rate_limiter.h"

namespace yika::portal {

using store::ReaderPool;  // moved to card_core/store/reader_pool.h (shared with the admin API)

class PortalState {
  public:
    PortalState(PortalDeps deps, PortalOptions options);
    ~PortalState();

    PortalDeps deps;
    const PortalLimits limits;
    std::string public_url;
    crypto::PasswordPool passwords;
    RateLimiter rate;
    ReaderPool readers;
    http::ReplayCache replay;
    http::TerminalDirectory shops;

    // A new random session token (hex), its stored hash, and its CSRF value.
    std::string newToken() const;
    Bytes tokenHash(std::string_view token) const;
    std::string csrfOf(std::string_view token) const;
    // A random URL-safe id (hex) of `bytes` bytes, for payment links.
    static std::string randomHex(std::size_t bytes);

    // The callback dispatcher: a thread that delivers due shop callbacks.
    void startCallbacks();
    void stopCallbacks();
    // Wakes the dispatcher (a payment just queued a callback).
    void pokeCallbacks();

  private:
    void callbackLoop();
    std::mutex callback_mutex_;
    std::condition_variable callback_wake_;
    bool callbacks_stopping_ = false;
    bool callbacks_poked_ = false;
    std::thread callback_thread_;
};

}  // namespace yika::portal
