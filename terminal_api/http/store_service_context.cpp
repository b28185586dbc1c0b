#include "terminal_api/http/store_service_context.h"

namespace yika::http {

StoreServiceContext::StoreServiceContext(store::SqliteStore& store, const PinVerifier& pins,
                                         const CardNumberVault& vault, const Policies& policies,
                                         const Clock& clock, const TerminalKeySource& keys,
                                         const HttpApiLimits& limits)
    : store_(store),
      pins_(pins),
      vault_(vault),
      policies_(policies),
      clock_(clock),
      terminals_(store.openReader(), keys, clock, limits.terminals_cached_max,
                 limits.terminal_cache_ttl_ms) {
    terminals_.loadAll();
}

bool StoreServiceContext::submit(store::CommitQueue::Work work, store::CommitQueue::Done done) {
    return store_.writer().submit(std::move(work), std::move(done));
}

std::optional<TerminalCredentials> StoreServiceContext::terminal(std::string_view tid) {
    return terminals_.find(tid);
}

}  // namespace yika::http
