#pragma once

// What `yikad serve` adds for operations (issue 8): logs configured from log.*, the ops
// listener's readiness checks and scrape-time gauges, and the graceful stop.
//
// Graceful stop, in order (docs/operations.md, "Stopping"):
//   1. /readyz turns 503 (load balancers stop sending);
//   2. the ISO 8583 listener drains: it stops accepting, new frames close their connection
//      unanswered, requests already submitted are answered (at most ops.shutdown_grace_ms);
//   3. the HTTP API stops accepting and finishes the requests in progress;
//   4. the ISO 8583 listener stops (queued replies are written, connections close);
//   5. the commit queue commits what was queued and stops.
// Nothing is acknowledged before its commit is durable, so a restart loses nothing acknowledged.

#include "server/data_dir.h"
#include "server/ops_server.h"

#include <atomic>

namespace yika::http {
class HttpApiServer;
}

namespace yika::server {

class PosListener;

// Applies log.level and log.file; an error names the file.
Status configureLogs(const Config& config);

// Readiness: store writable, data folder writable, listeners up, not stopping. Gauges: open
// connections per protocol, TCP listener counters, commit totals.
OpsEndpoints makeOpsEndpoints(Runtime& rt, PosListener& pos, http::HttpApiServer& http_api,
                              const std::atomic<bool>& stopping);

// Steps 2-5 above; logs each with its duration.
void stopGracefully(Runtime& rt, PosListener& pos, http::HttpApiServer& http_api);

}  // namespace yika::server
