#pragma once

// The HTTP acceptance API server: Poco's HTTPServer with a bounded thread pool and keep-alive,
// every request handled by a RequestHandler (request_handler.h).
//
// Threads: up to http.threads_max request threads; each parses, authenticates and validates
// its request, submits it to the single writer and blocks until the commit is durable. Accepted
// connections beyond the busy threads wait in a queue of http.queued_max; Poco closes the ones
// beyond that at once. HTTPS is the deployment's job (a TLS-terminating proxy in front).
//
//   stopped --start()--> running --stop()--> stopped
//
// stop() stops accepting, lets every request in progress finish and be answered (its outcome
// is durable either way), closes idle keep-alive connections and joins the threads. The commit
// queue must outlive the server (stop the server first).

#include "card_core/domain/result.h"
#include "terminal_api/http/http_limits.h"
#include "terminal_api/http/replay_cache.h"
#include "terminal_api/http/service_context.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}
}  // namespace Poco

namespace yika::http {

class HttpApiServer {
  public:
    // `context` must outlive the server. Precondition (asserted): validateLimits(limits) is ok
    // (the server's configuration loader checks it first and reports the key).
    HttpApiServer(ServiceContext& context, HttpApiLimits limits);
    ~HttpApiServer();  // stop()
    HttpApiServer(const HttpApiServer&) = delete;
    HttpApiServer& operator=(const HttpApiServer&) = delete;

    // Listens on `address`:`port` (port 0: any free port, see port()). Errors:
    // StorageUnavailable is never returned; InvalidArgument for a bad address, NotPermitted if
    // already running, and the socket error's text otherwise (as InvalidArgument).
    Status start(const std::string& address, std::uint16_t port);
    // The port listened on; 0 when stopped.
    std::uint16_t port() const;
    // Idempotent.
    void stop();
    // Connections being served now, for metrics (issue 8); 0 when stopped. Any thread, also
    // while stop() runs.
    int currentConnections() const;

  private:
    ServiceContext& context_;
    const HttpApiLimits limits_;
    ReplayCache replay_;
    std::unique_ptr<Poco::ThreadPool> pool_;
    mutable std::mutex server_mutex_;  // issue 8: server_'s replacement vs currentConnections()
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::atomic<std::uint16_t> port_{0};  // read by readiness checks on other threads
};

}  // namespace yika::http
