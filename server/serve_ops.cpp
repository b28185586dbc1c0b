#include "server/serve_ops.h"

#include "ops/log/json_log.h"
#include "ops/metrics/metrics.h"
#include "server/pos_listener.h"
#include "terminal_api/http/http_api_server.h"

#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include <unistd.h>

namespace yika::server {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kWriterProbeTimeout = std::chrono::seconds(2);
constexpr auto kDrainPoll = std::chrono::milliseconds(5);

// A no-op transaction through the single writer: proves the writer thread runs and the
// database takes BEGIN IMMEDIATE/COMMIT. Bounded: a stuck writer reads as "not ready".
Status probeWriter(store::CommitQueue& writer) {
    auto promise = std::make_shared<std::promise<Status>>();
    auto future = promise->get_future();
    bool accepted = writer.submit([](StoreTx&) { return Status(Ok{}); },
                                  [promise](const Status& s) { promise->set_value(s); });
    if (!accepted) return makeError(ErrorCode::StorageUnavailable, "writer queue full or stopped");
    if (future.wait_for(kWriterProbeTimeout) != std::future_status::ready) {
        return makeError(ErrorCode::StorageUnavailable, "writer did not answer within 2 s");
    }
    return future.get();
}

long long msSince(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

}  // namespace

Status configureLogs(const Config& config) {
    auto level = logs::parseLevel(config.log.level);
    if (!level) return makeError(ErrorCode::InvalidArgument, "log.level: " + config.log.level);
    if (auto failed = logs::configure(*level, config.log.file)) {
        return makeError(ErrorCode::InvalidArgument, "log.file: " + *failed);
    }
    return Ok{};
}

namespace {

std::vector<ReadinessCheck> readinessChecks(Runtime& rt, PosListener& pos,
                                            http::HttpApiServer& http_api,
                                            const std::atomic<bool>& stopping) {
    OpsEndpoints e;
    e.readiness.push_back({"not_stopping", [&stopping]() -> Status {
                               if (stopping.load()) {
                                   return makeError(ErrorCode::StorageUnavailable, "stopping");
                               }
                               return Ok{};
                           }});
    e.readiness.push_back({"store_writable", [&rt]() { return probeWriter(rt.store->writer()); }});
    e.readiness.push_back({"data_dir_writable", [&rt]() -> Status {
                               if (::access(rt.paths.dir.c_str(), W_OK) != 0) {
                                   return makeError(ErrorCode::StorageUnavailable,
                                                    rt.paths.dir + " is not writable");
                               }
                               return Ok{};
                           }});
    e.readiness.push_back({"pos_listener", [&pos]() -> Status {
                               if (pos.port() == 0) {
                                   return makeError(ErrorCode::StorageUnavailable, "not listening");
                               }
                               return Ok{};
                           }});
    e.readiness.push_back({"http_api", [&http_api]() -> Status {
                               if (http_api.port() == 0) {
                                   return makeError(ErrorCode::StorageUnavailable, "not listening");
                               }
                               return Ok{};
                           }});
    return e.readiness;
}

std::vector<std::function<void(std::string&)>> scrapeGauges(Runtime& rt, PosListener& pos,
                                                            http::HttpApiServer& http_api) {
    OpsEndpoints e;
    e.metrics.push_back([&pos, &http_api](std::string& out) {
        auto tcp = pos.tcpStats();
        metrics::writeHelp(out, "yika_open_connections", "gauge",
                           "Terminal connections open now, by protocol.");
        metrics::writeSample(out, "yika_open_connections", "protocol=\"iso8583\"",
                             static_cast<double>(tcp.open));
        metrics::writeSample(out, "yika_open_connections", "protocol=\"http\"",
                             http_api.currentConnections());
        metrics::writeHelp(out, "yika_tcp_connections_total", "counter",
                           "ISO 8583 connections by outcome: accepted, refused over "
                           "pos.connections_max, closed idle or slow.");
        metrics::writeSample(out, "yika_tcp_connections_total", "outcome=\"accepted\"",
                             static_cast<double>(tcp.accepted));
        metrics::writeSample(out, "yika_tcp_connections_total", "outcome=\"refused_over_limit\"",
                             static_cast<double>(tcp.refused_over_limit));
        metrics::writeSample(out, "yika_tcp_connections_total", "outcome=\"closed_idle\"",
                             static_cast<double>(tcp.closed_idle));
        metrics::writeSample(out, "yika_tcp_connections_total", "outcome=\"closed_slow\"",
                             static_cast<double>(tcp.closed_slow));
        metrics::writeSample(out, "yika_tcp_connections_total", "outcome=\"closed_bad_frame\"",
                             static_cast<double>(tcp.closed_bad_frame));
        const auto& s = pos.posStats();
        metrics::writeHelp(out, "yika_iso8583_refused_total", "counter",
                           "ISO 8583 frames refused before the domain: undecodable (connection "
                           "closed), MAC failures, writer overloaded.");
        metrics::writeSample(out, "yika_iso8583_refused_total", "reason=\"undecodable\"",
                             static_cast<double>(s.undecodable.load()));
        metrics::writeSample(out, "yika_iso8583_refused_total", "reason=\"mac_failure\"",
                             static_cast<double>(s.mac_failures.load()));
        metrics::writeSample(out, "yika_iso8583_refused_total", "reason=\"overloaded\"",
                             static_cast<double>(s.overloaded.load()));
    });
    e.metrics.push_back([&rt](std::string& out) {
        auto stats = rt.store->writer().stats();
        metrics::writeHelp(out, "yika_commits_total", "counter",
                           "Durable group-commit transactions.");
        metrics::writeSample(out, "yika_commits_total", {}, static_cast<double>(stats.commits));
        metrics::writeHelp(out, "yika_commit_operations_total", "counter",
                           "Operations committed by the single writer.");
        metrics::writeSample(out, "yika_commit_operations_total", {},
                             static_cast<double>(stats.operations));
    });
    return e.metrics;
}

}  // namespace

OpsEndpoints makeOpsEndpoints(Runtime& rt, PosListener& pos, http::HttpApiServer& http_api,
                              const std::atomic<bool>& stopping) {
    OpsEndpoints e;
    e.readiness = readinessChecks(rt, pos, http_api, stopping);
    e.metrics = scrapeGauges(rt, pos, http_api);
    return e;
}

void stopGracefully(Runtime& rt, PosListener& pos, http::HttpApiServer& http_api) {
    const auto started = Clock::now();
    const auto deadline = started + std::chrono::milliseconds(rt.config.ops.shutdown_grace_ms);
    pos.drain();
    while (pos.inFlight() > 0 && Clock::now() < deadline) std::this_thread::sleep_for(kDrainPoll);
    const std::int64_t unanswered = pos.inFlight();
    logs::info("iso8583_drained", {{"ms", std::to_string(msSince(started))},
                                   {"unanswered", std::to_string(unanswered)}});
    http_api.stop();
    logs::info("http_stopped", {{"ms", std::to_string(msSince(started))}});
    pos.stop();
    rt.store->writer().stop();  // commits what was queued
    logs::info("writer_stopped", {{"ms", std::to_string(msSince(started))}});
}

}  // namespace yika::server
