#pragma once

// ServiceContext over the SQLite store: work goes to the store's commit queue, terminals come
// from a TerminalDirectory on a read-only connection of the same store.

#include "card_core/store/sqlite_store.h"
#include "terminal_api/http/http_limits.h"
#include "terminal_api/http/service_context.h"
#include "terminal_api/http/terminal_directory.h"

#include <memory>

namespace yika::http {

class StoreServiceContext final : public ServiceContext {
  public:
    // Every reference must outlive the context. Opens one read-only connection and loads the
    // terminals (throws StorageError if that fails).
    StoreServiceContext(store::SqliteStore& store, const PinVerifier& pins,
                        const CardNumberVault& vault, const Policies& policies, const Clock& clock,
                        const TerminalKeySource& keys, const HttpApiLimits& limits);

    bool submit(store::CommitQueue::Work work, store::CommitQueue::Done done) override;
    const PinVerifier& pins() const override { return pins_; }
    const CardNumberVault& vault() const override { return vault_; }
    const Policies& policies() const override { return policies_; }
    const Clock& clock() const override { return clock_; }
    std::optional<TerminalCredentials> terminal(std::string_view tid) override;

  private:
    store::SqliteStore& store_;
    const PinVerifier& pins_;
    const CardNumberVault& vault_;
    const Policies& policies_;
    const Clock& clock_;
    TerminalDirectory terminals_;
};

}  // namespace yika::http
