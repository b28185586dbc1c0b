#pragma once

// The metrics Yika exports at /metrics (docs/operations.md lists them with their meaning).
//
// One instance per process (yikaMetrics()), as in Prometheus client libraries: the listeners,
// the services and the commit queue count into it without being handed anything, so wiring it
// in costs one line at each place that counts. Counters only grow; tests read differences.
//
// Hooks for code written elsewhere: day close observes `day_close_duration_ms` once per closed
// day (dayClose().observe(ms)); a new protocol adds a ProtocolMetrics member and its render line.

#include "ops/metrics/metrics.h"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace yika::metrics {

// Requests of one protocol: response codes and latency (microseconds, receipt to answer).
struct ProtocolMetrics {
    LabeledCounter responses;
    Histogram latency_us{100,    250,    500,     1000,    2500,    5000,      10'000,
                         25'000, 50'000, 100'000, 250'000, 500'000, 1'000'000, 5'000'000};
    Gauge in_progress;  // received, not yet answered

    explicit ProtocolMetrics(std::initializer_list<std::string_view> codes) : responses(codes) {}
    void answered(std::string_view code, std::uint64_t latency_us_value) noexcept {
        responses.add(code);
        latency_us.observe(latency_us_value);
    }
};

struct YikaMetrics {
    // ISO 8583 over TCP: field 39 response codes (design section 6).
    ProtocolMetrics iso8583{"00", "05", "12", "13", "14", "25", "30", "51", "54", "55",
                            "57", "61", "62", "65", "75", "94", "95", "96", "A0"};
    // The JSON terminal API: HTTP statuses.
    ProtocolMetrics http{"200", "201", "400", "401", "403", "404", "405", "409",
                         "411", "413", "415", "422", "429", "500", "503"};
    // Group commit (card_core/store/commit_queue.h): operations per transaction and the time
    // from BEGIN to a durable COMMIT (microseconds), failed commits.
    Histogram commit_batch_ops{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096};
    Histogram commit_duration_us{100,    250,    500,     1000,    2500,      5000,      10'000,
                                 25'000, 50'000, 100'000, 500'000, 1'000'000, 10'000'000};
    Counter commit_failures;
    // WAL checkpoints (microseconds): the background checkpointer's passes, and the writer's
    // own short checkpoint that lets the WAL start again (a pause of the commit path).
    Histogram checkpoint_duration_us{1000,    2500,    5000,    10'000,    25'000,    50'000,
                                     100'000, 250'000, 500'000, 1'000'000, 10'000'000};
    Histogram wal_reset_duration_us{1000,    2500,    5000,    10'000,    25'000,    50'000,
                                    100'000, 250'000, 500'000, 1'000'000, 10'000'000};
    // Day close (日切), milliseconds per closed business day.
    Histogram day_close_duration_ms{1000,    5000,    10'000,    30'000,   60'000,
                                    300'000, 600'000, 1'800'000, 3'600'000};
    Counter day_close_failures;

    Histogram& dayClose() { return day_close_duration_ms; }
};

// The process's metrics.
YikaMetrics& yikaMetrics();

// The whole exposition: every metric above, then `extra` (gauges the server reads at scrape
// time: open connections, queue depth), which appends complete HELP/TYPE/sample lines.
std::string renderPrometheus(const YikaMetrics& metrics,
                             const std::vector<std::function<void(std::string&)>>& extra = {});

// Microseconds from `since_ns` (a steady-clock reading in ns) to now: for latency observations.
std::uint64_t elapsedUs(std::int64_t since_ns) noexcept;
std::int64_t steadyNowNs() noexcept;

}  // namespace yika::metrics
