#pragma once

// The `yika-term load` load generator: many simulated terminals against one host, in a single
// thread over epoll, for throughput and latency benchmarks and the 10,000-open-connections
// test.
//
//   setup:  open `connections` active and `idle_connections` idle TCP connections, one
//           terminal each (terminals file order: the active ones first), at most
//           `connect_concurrency` connecting or signing on at a time; sign each on and check
//           its key check values. Bounded by setup_timeout_ms.
//   run:    for `duration`, every active connection keeps `inflight` purchases outstanding
//           (pipelined; random card from the cards file, random amount in
//           [amount_min_minor, amount_max_minor], the PIN on every `pin_every`-th purchase),
//           paced by `rate_per_second` across all connections when set. Idle connections
//           just stay open.
//   drain:  no new requests; wait up to timeout_ms for the answers still outstanding.
//
// Every answer is matched to its request by trace number, its MAC is verified with the
// session key, and its latency (send to receive, microseconds) goes into a histogram.
//
// Trace numbers start at a random point per connection: the host answers a reused
// (terminal, trace) with its first answer, so two runs with the same terminals file must not
// start both at 1.

#include "card_core/domain/result.h"
#include "terminal_api/term/latency_histogram.h"
#include "terminal_api/term/load_files.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace yika::term {

inline constexpr std::size_t kLoadConnectionsMax = 100'000;
inline constexpr std::size_t kLoadInflightMax = 64;
inline constexpr std::size_t kLoadConnectConcurrencyMax = 10'000;

struct LoadOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::size_t connections = 1;       // active terminals
    std::size_t idle_connections = 0;  // terminals that sign on and stay idle
    std::chrono::milliseconds duration{10'000};
    std::uint64_t rate_per_second = 0;  // all connections together; 0: as fast as answered
    std::size_t inflight = 1;           // outstanding requests per active connection
    std::size_t pin_every = 0;          // every k-th purchase carries a PIN; 0: never
    int timeout_ms = 10'000;            // per request, per connect + sign-on, and the drain
    int setup_timeout_ms = 60'000;
    std::size_t connect_concurrency = 256;
    std::int64_t amount_min_minor = 1;
    std::int64_t amount_max_minor = 1000;
    std::uint64_t seed = 0;  // 0: random
};

// Checks the options against each other and the limits above. Errors: InvalidArgument.
Status checkLoadOptions(const LoadOptions& options, std::size_t terminal_count);

struct LoadReport {
    std::size_t active_signed_on = 0;
    std::size_t idle_signed_on = 0;
    std::size_t connect_failures = 0;
    std::size_t sign_on_failures = 0;
    std::size_t closed_by_host = 0;
    std::size_t idle_open_at_end = 0;
    std::uint64_t sent = 0;
    std::uint64_t answered = 0;
    std::uint64_t approved = 0;
    std::uint64_t approved_in_window = 0;  // answered before the run window ended
    std::uint64_t mac_failures = 0;        // answers whose MAC is wrong, or missing on approval
    std::uint64_t timeouts = 0;            // requests without an answer within timeout_ms
    std::uint64_t unmatched = 0;           // answers to no outstanding request (late, unknown)
    std::uint64_t undecodable = 0;         // answers the codec refused
    std::uint64_t sign_on_requested = 0;   // answers with header processing requirement 3
    std::map<std::string, std::uint64_t> by_response_code;
    LatencyHistogram latency_us;
    std::chrono::microseconds setup_time{0};
    std::chrono::microseconds window{0};
};

// Runs the load. `terminals` receives the session keys. `progress`, if not null, gets a line per
// second. Errors: InvalidArgument (options, host), StorageUnavailable (epoll, descriptor limit
// below what the connections need). Connection-level problems are counted, not errors.
// Precondition: checkLoadOptions(options, terminals.size()) succeeds; cards is not empty.
Result<LoadReport> runLoad(const LoadOptions& options, LoadTerminals& terminals,
                           const std::vector<LoadCard>& cards, std::ostream* progress);

// The report as text: connections, counts by response code, approved/s, latency percentiles.
std::string formatLoadReport(const LoadReport& report);

}  // namespace yika::term
