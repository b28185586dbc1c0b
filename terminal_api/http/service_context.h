#pragma once

// What the HTTP acceptance API needs from the server, and nothing more (ClickHouse's IServer):
// a way to run work on the single writer, the secret ports, the policies, a clock, and the
// terminals with their HTTP keys. Handlers get a ServiceContext&, never the application.
//
// StoreServiceContext (store_service_context.h) implements it over the SQLite store; tests may
// use it as is or a fake.

#include "card_core/domain/policies.h"
#include "card_core/domain/secrets.h"
#include "card_core/domain/terminal.h"
#include "card_core/domain/time.h"
#include "card_core/store/commit_queue.h"
#include "terminal_api/http/request_signature.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yika::http {

// A terminal as the HTTP layer sees it: who it is, whose it is and how it signs.
struct TerminalCredentials {
    TerminalId id = 0;
    std::string tid;
    MerchantId merchant_id = 0;
    bool active = false;
    HttpKey http_key{};  // deriveHttpKey(TMK, tid)
};

// Where a terminal's HTTP key comes from. KeyRingTerminalKeys (key_ring_terminal_keys.h) is the
// production one: it unwraps the TMK in the row with crypto::unwrapTerminalMasterKey and applies
// deriveHttpKey(); tests may use a fake that knows TMKs by TID.
//
// It takes the whole row (not only the TID, as first sketched) because the caller has just read
// it and the wrapped TMK is in it; the key source then needs no database access of its own.
class TerminalKeySource {
  public:
    virtual ~TerminalKeySource() = default;
    // The HTTP key of `terminal`; empty if its TMK does not unwrap (wrong key file, tampered
    // row). Thread-safe.
    virtual std::optional<HttpKey> httpKey(const Terminal& terminal) const = 0;
};

class ServiceContext {
  public:
    virtual ~ServiceContext() = default;

    // Queues `work` on the single writer with store::CommitQueue::submit's contract: `done` is
    // called exactly once, after the durable commit, on the writer thread, and must not block.
    // False (and `done` never called) when the queue is full or stopped.
    virtual bool submit(store::CommitQueue::Work work, store::CommitQueue::Done done) = 0;

    virtual const PinVerifier& pins() const = 0;
    virtual const CardNumberVault& vault() const = 0;
    virtual const Policies& policies() const = 0;
    virtual const Clock& clock() const = 0;

    // The terminal with TID `tid`, or empty if there is none (or its key does not unwrap).
    // Never goes through the writer. Thread-safe. Throws StorageError if the read fails.
    virtual std::optional<TerminalCredentials> terminal(std::string_view tid) = 0;
};

}  // namespace yika::http
