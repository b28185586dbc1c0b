#pragma once

// The operations listener (issue 8; config ops.*, default 127.0.0.1:8489): a small Poco
// HTTPServer with its own pool of ops.threads_max threads (2), apart from the terminal API's,
// so that a scrape or a probe never waits behind terminal traffic and vice versa.
//
//   GET /healthz  200 "ok": the process is alive and its event loop answers.
//   GET /readyz   200 when every readiness check passes, else 503; the body lists each check
//                 ("store_writable ok", "pos_listener down: ...").
//   GET /metrics  Prometheus text format 0.0.4: ops/metrics/yika_metrics.h, then the gauges the
//                 server reads at scrape time (open connections, writer queue).
//
// Anything else is 404; methods other than GET/HEAD are 405. There is no authentication: bind
// it to a private address (the default is loopback).

#include "card_core/domain/result.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}
}  // namespace Poco

namespace yika::server {

struct ReadinessCheck {
    std::string name;
    // OK when ready; an error's detail says why not. Called on an ops thread; must be bounded.
    std::function<Status()> check;
};

struct OpsEndpoints {
    std::vector<ReadinessCheck> readiness;
    // Each appends complete Prometheus lines (HELP, TYPE, samples) to the exposition.
    std::vector<std::function<void(std::string&)>> metrics;
};

class OpsServer {
  public:
    OpsServer(OpsEndpoints endpoints, int threads_max);
    ~OpsServer();  // stop()
    OpsServer(const OpsServer&) = delete;
    OpsServer& operator=(const OpsServer&) = delete;

    // Listens on address:port (0: any free port). InvalidArgument naming the address if the
    // socket cannot be opened.
    Status start(const std::string& address, std::uint16_t port);
    std::uint16_t port() const { return port_; }
    // Idempotent.
    void stop();

    // The /readyz answer: true when every check passes; `report` gets one line per check.
    bool ready(std::string& report) const;
    const OpsEndpoints& endpoints() const { return endpoints_; }

  private:
    OpsEndpoints endpoints_;
    int threads_max_;
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::uint16_t port_ = 0;
};

}  // namespace yika::server
