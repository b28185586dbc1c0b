#include "ops/metrics/yika_metrics.h"

#include <chrono>

namespace yika::metrics {

YikaMetrics& yikaMetrics() {
    static YikaMetrics metrics;
    return metrics;
}

std::int64_t steadyNowNs() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::uint64_t elapsedUs(std::int64_t since_ns) noexcept {
    std::int64_t ns = steadyNowNs() - since_ns;
    return ns > 0 ? static_cast<std::uint64_t>(ns / 1000) : 0;
}

namespace {

constexpr double kMicros = 1e6;

void renderProtocol(std::string& out, const ProtocolMetrics& p, std::string_view protocol,
                    std::string_view code_label) {
    std::string base = "protocol=\"" + std::string(protocol) + "\"";
    for (std::size_t i = 0; i < p.responses.size(); ++i) {
        std::string labels =
            base + "," + std::string(code_label) + "=\"" + std::string(p.responses.label(i)) + "\"";
        writeSample(out, "yika_requests_total", labels, static_cast<double>(p.responses.value(i)));
    }
}

}  // namespace

std::string renderPrometheus(const YikaMetrics& m,
                             const std::vector<std::function<void(std::string&)>>& extra) {
    std::string out;
    out.reserve(std::size_t{16} * 1024);
    writeHelp(out, "yika_requests_total", "counter",
              "Terminal requests answered, by protocol and response code (ISO 8583 field 39) "
              "or HTTP status.");
    renderProtocol(out, m.iso8583, "iso8583", "code");
    renderProtocol(out, m.http, "http", "status");
    writeHelp(out, "yika_request_duration_seconds", "histogram",
              "Time from a request's receipt to its answer (after the durable commit).");
    writeHistogram(out, "yika_request_duration_seconds", "protocol=\"iso8583\"",
                   m.iso8583.latency_us, kMicros);
    writeHistogram(out, "yika_request_duration_seconds", "protocol=\"http\"", m.http.latency_us,
                   kMicros);
    writeHelp(out, "yika_requests_in_progress", "gauge", "Requests received and not yet answered.");
    writeSample(out, "yika_requests_in_progress", "protocol=\"iso8583\"",
                static_cast<double>(m.iso8583.in_progress.value()));
    writeSample(out, "yika_requests_in_progress", "protocol=\"http\"",
                static_cast<double>(m.http.in_progress.value()));
    writeHelp(out, "yika_commit_batch_operations", "histogram",
              "Operations per group-commit transaction of the single writer.");
    writeHistogram(out, "yika_commit_batch_operations", {}, m.commit_batch_ops, 1);
    writeHelp(out, "yika_commit_duration_seconds", "histogram",
              "Time from BEGIN to a durable COMMIT of one group-commit transaction.");
    writeHistogram(out, "yika_commit_duration_seconds", {}, m.commit_duration_us, kMicros);
    writeHelp(out, "yika_commit_failures_total", "counter",
              "Group-commit transactions that failed (every operation in them failed).");
    writeSample(out, "yika_commit_failures_total", {},
                static_cast<double>(m.commit_failures.value()));
    writeHelp(out, "yika_checkpoint_duration_seconds", "histogram",
              "Background WAL checkpoint passes (off the commit path).");
    writeHistogram(out, "yika_checkpoint_duration_seconds", {}, m.checkpoint_duration_us, kMicros);
    writeHelp(out, "yika_wal_reset_duration_seconds", "histogram",
              "The writer's own checkpoint before the WAL starts again (commits wait for it).");
    writeHistogram(out, "yika_wal_reset_duration_seconds", {}, m.wal_reset_duration_us, kMicros);
    writeHelp(out, "yika_day_close_duration_seconds", "histogram",
              "Duration of each business day close (cut-off to day report).");
    writeHistogram(out, "yika_day_close_duration_seconds", {}, m.day_close_duration_ms, 1e3);
    writeHelp(out, "yika_day_close_failures_total", "counter",
              "Day closes that stopped on an error.");
    writeSample(out, "yika_day_close_failures_total", {},
                static_cast<double>(m.day_close_failures.value()));
    for (const auto& write : extra) write(out);
    return out;
}

}  // namespace yika::metrics
