#pragma once

// The cardholder portal and the web-shop payment API on their own Poco HTTPServer listener
// (portal.*, default port 8482), with their own bounded thread pool, so that logins and page
// loads never take a thread from the terminal listeners.
//
//   GET  /, /app.js, /style.css          the portal page (portal/web/, embedded at build time)
//   /api/...                             the cardholder JSON API (session cookie + CSRF header)
//   /v1/shop/...                         the web-shop API (signed like the terminal HTTP API)
//
// docs/portal-api.md lists every endpoint and error. Secrets: passwords are hashed with
// argon2id on a bounded pool (password_pool.h); session tokens are 32 random bytes of which
// only a keyed hash (KeyPurpose::SessionToken) is stored; card numbers and PINs are never
// logged, stored in clear or returned.
//
//   stopped --start()--> running --stop()--> stopped

#include "card_core/domain/policies.h"
#include "card_core/domain/secrets.h"
#include "card_core/domain/time.h"
#include "card_core/store/sqlite_store.h"
#include "crypto/key_ring.h"
#include "terminal_api/http/service_context.h"

#include <cstdint>
#include <memory>
#include <string>

#include "portal/portal_limits.h"

namespace yika::portal {

// What the portal needs from the server; every reference must outlive the PortalServer.
struct PortalDeps {
    store::SqliteStore& store;
    const PinVerifier& pins;
    const CardNumberVault& vault;
    const Policies& policies;
    const Clock& clock;
    const crypto::KeyRing& keys;                   // the SessionToken key
    const http::TerminalKeySource& terminal_keys;  // web shops sign as HTTP terminals
};

struct PortalOptions {
    PortalLimits limits;
    std::string public_url;  // base of payment links; empty: http://address:port
};

class PortalState;

class PortalServer {
  public:
    // Preconditions (asserted): validatePortalLimits(options.limits) is ok. Opens read-only
    // connections and loads the terminals (throws StorageError if that fails).
    PortalServer(PortalDeps deps, PortalOptions options);
    ~PortalServer();  // stop()
    PortalServer(const PortalServer&) = delete;
    PortalServer& operator=(const PortalServer&) = delete;

    // Listens on address:port (0: any free port). InvalidArgument if the socket cannot be
    // opened, NotPermitted if already running. Also starts the callback dispatcher.
    Status start(const std::string& address, std::uint16_t port);
    std::uint16_t port() const { return port_; }
    // Stops accepting, finishes requests in progress and joins the threads. Idempotent.
    void stop();

  private:
    std::unique_ptr<PortalState> state_;
    std::unique_ptr<class PortalListener> listener_;
    std::uint16_t port_ = 0;
};

}  // namespace yika::portal
