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
#include "card_core/store/sqlite_store_tx.h"
#include "terminal_api/http/replay_cache.h"
#include "terminal_api/http/terminal_directory.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "portal/password_pool.h"
#include "portal/portal_server.h"
#include "portal/rate_limiter.h"

namespace yika::portal {

// Read-only connections, one per request in progress, reused. Thread-safe.
class ReaderPool {
  public:
    explicit ReaderPool(store::SqliteStore& store) : store_(store) {}

    struct Reader {
        std::unique_ptr<store::Database> db;
        std::unique_ptr<store::SqliteStoreTx> tx;
    };
    class Lease {
      public:
        Lease(ReaderPool& pool, std::unique_ptr<Reader> reader)
            : pool_(pool), reader_(std::move(reader)) {}
        ~Lease() { pool_.release(std::move(reader_)); }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        StoreTx& tx() { return *reader_->tx; }

      private:
        ReaderPool& pool_;
        std::unique_ptr<Reader> reader_;
    };
    // A reader whose row caches are fresh. Throws StorageError if a connection cannot open.
    Lease acquire();

  private:
    void release(std::unique_ptr<Reader> reader);
    store::SqliteStore& store_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Reader>> free_;
};

class PortalState {
  public:
    PortalState(PortalDeps deps, PortalOptions options);
    ~PortalState();

    PortalDeps deps;
    const PortalLimits limits;
    std::string public_url;
    PasswordPool passwords;
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
