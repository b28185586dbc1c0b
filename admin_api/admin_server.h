#pragma once

// The admin API (issue 6): JSON over HTTP for the issuer's back office (the Qt desktop tool
// `yika-admin` talks only to it), on its own Poco HTTPServer listener (admin.*, default port
// 8481) with its own bounded thread pool and argon2id pool. docs/admin-api.md is the contract:
// every endpoint, its JSON, its errors and the roles that may call it.
//
// Security: operators log in with argon2id passwords; a session token is 32 random bytes of
// which only a keyed hash (KeyPurpose::SessionToken) is stored, sent as "Authorization: Bearer".
// One permission table (card_core/domain/permissions.h) decides every endpoint before its
// handler runs. Every change, every refused permission, every failed login and every reveal of
// a full card number is appended to the hash-chained audit log (card_core/domain/audit.h), a
// change in the same transaction as its audit row. PINs and keys are never returned or logged,
// except a new terminal's master key, once, in the answer that creates it.
//
//   stopped --start()--> running --stop()--> stopped

#include "card_core/domain/approval.h"
#include "card_core/domain/policies.h"
#include "card_core/domain/secrets.h"
#include "card_core/domain/time.h"
#include "card_core/store/sqlite_store.h"
#include "crypto/key_ring.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "admin_api/admin_limits.h"

namespace yika::admin {

class JsonReader;

// One kind of maker-checker request, beyond what the admin API knows itself: issue 5 registers
// payout_release through AdminOptions::kinds. Both methods run on the single writer.
struct KindContext {
    const Policies& policies;
    const Operator& maker;
    TimestampMs now_ms;
};
class ApprovalKindHandler : public ApprovalExecutor {
  public:
    // Validates the request's "payload" object and fills request.reference (one pending request
    // per reference), request.summary and request.payload (JSON text the executor reads). May
    // write what the request is about (a production batch is stored REQUESTED here).
    virtual Status prepare(StoreTx& tx, const JsonReader& payload, const KindContext& context,
                           ApprovalRequest& request) = 0;
};

// What the admin API needs from the server; every reference must outlive the AdminServer.
struct AdminDeps {
    store::SqliteStore& store;
    const PinVerifier& pins;
    const CardNumberVault& vault;
    RandomSource& random;
    const Policies& policies;
    const Clock& clock;
    const crypto::KeyRing& keys;  // SessionToken, AuditChain, TerminalKeyEncryption keys
};

// The business day settings the admin API needs (day.*, invoice.*; issue 5).
struct AdminDayOptions {
    bool auto_cutoff = true;             // day.auto_cutoff
    std::string cutoff_time = "23:00";   // day.cutoff_time (shown by GET /v1/day)
    std::int64_t chunk_cards = 20000;    // day.chunk_cards: cards per expiry/breakage commit
    std::int64_t invoice_due_days = 30;  // invoice.merchant_due_days
};

struct AdminOptions {
    AdminLimits limits;
    AdminDayOptions day;
    std::string exports_dir;              // sealed manufacturer files are written here
    std::string manufacturer_public_key;  // path of the manufacturer's public key file
    std::int64_t batch_chunk_cards = 250'000;
    // Called after a terminal is created, so the POS listener can load it without a restart.
    std::function<void(const std::string& tid)> on_terminal_added;
    // Executors of kinds handled outside the admin API (payout_release: issue 5).
    std::vector<std::pair<ApprovalKind, std::shared_ptr<ApprovalKindHandler>>> kinds;
};

// The executor of payout_release (issue 5): the request names a CLOSED business day with
// payouts, {"business_date":"YYYY-MM-DD"}; it records the digest of the payout file as it was
// requested, and approval releases exactly that file (GET /v1/days/{date}/payout-file). Pass it
// in AdminOptions::kinds.
std::shared_ptr<ApprovalKindHandler> payoutReleaseKind();

class AdminState;

class AdminServer {
  public:
    // Preconditions (asserted): validateAdminLimits(options.limits) is ok.
    AdminServer(AdminDeps deps, AdminOptions options);
    ~AdminServer();  // stop()
    AdminServer(const AdminServer&) = delete;
    AdminServer& operator=(const AdminServer&) = delete;

    // Listens on address:port (0: any free port). InvalidArgument if the socket cannot be
    // opened, NotPermitted if already running.
    Status start(const std::string& address, std::uint16_t port);
    std::uint16_t port() const { return port_; }
    // Stops accepting, finishes requests in progress, stops generation jobs between two chunks
    // and joins every thread. Idempotent.
    void stop();

  private:
    std::unique_ptr<AdminState> state_;
    std::unique_ptr<class AdminListener> listener_;
    std::uint16_t port_ = 0;
};

}  // namespace yika::admin
