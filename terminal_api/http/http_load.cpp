// yika_http_load: purchases per second over loopback HTTP, for the report and for capacity
// planning; not a test (timings depend on the machine).
//
//   yika_http_load [--clients N] [--purchases N] [--cards N] [--durable] [--threads N]
//
// Starts the HTTP API on 127.0.0.1 over a fresh store in a temporary folder with sold cards,
// then N client threads (each one keep-alive connection) send signed purchases of 1.00 with
// distinct idempotency keys, spread over the cards. --durable uses synchronous=FULL (an fsync
// per group commit, as production does); without it the store skips the fsync.

#include "terminal_api/http/http_api_server.h"
#include "terminal_api/http/http_test_support.h"
#include "terminal_api/http/store_service_context.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace yika;
using namespace yika::http;
using namespace yika::http::testing;

struct Options {
    int clients = 8;
    int purchases = 10'000;
    int cards = 100;
    int threads = 16;
    bool durable = false;
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto next = [&]() { return i + 1 < argc ? std::atoi(argv[++i]) : 0; };
        if (arg == "--clients")
            o.clients = next();
        else if (arg == "--purchases")
            o.purchases = next();
        else if (arg == "--cards")
            o.cards = next();
        else if (arg == "--threads")
            o.threads = next();
        else if (arg == "--durable")
            o.durable = true;
        else {
            std::fprintf(stderr,
                         "usage: yika_http_load [--clients N] [--purchases N] [--cards N] "
                         "[--threads N] [--durable]\n");
            std::exit(2);
        }
    }
    o.clients = std::clamp(o.clients, 1, 256);
    o.purchases = std::clamp(o.purchases, 1, 10'000'000);
    o.cards = std::clamp(o.cards, 1, 10'000);
    o.threads = std::clamp(o.threads, 1, 1024);
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    Options o = parse(argc, argv);
    WorldOptions wo;
    wo.durable = o.durable;
    wo.daily_count_max = 100'000;
    AcceptanceWorld world(wo);
    auto cards = world.sellCards(o.cards, Money::fromMinor(100'000, Currency::Cny));
    if (!cards) {
        std::fprintf(stderr, "setup: %s\n", cards.error().detail.c_str());
        return 1;
    }
    HttpApiLimits limits;
    limits.threads_max = o.threads;
    StoreServiceContext context(world.store(), world.pins, world.vault, world.policies, world.clock,
                                world.terminal_keys, limits);
    HttpApiServer server(context, limits);
    if (Status started = server.start("127.0.0.1", 0); !started) {
        std::fprintf(stderr, "start: %s\n", started.error().detail.c_str());
        return 1;
    }
    std::atomic<int> next{0};
    std::atomic<int> approved{0};
    std::atomic<int> failed{0};
    std::vector<std::vector<double>> latencies(static_cast<std::size_t>(o.clients));
    auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < o.clients; ++c) {
        threads.emplace_back([&, c] {
            SigningClient client("127.0.0.1", server.port(), std::string(AcceptanceWorld::kTid),
                                 world.httpKey(AcceptanceWorld::kTid), world.clock);
            for (int i = next++; i < o.purchases; i = next++) {
                const SoldCard& card = (*cards)[static_cast<std::size_t>(i % o.cards)];
                std::string body =
                    "{\"pan\":\"" + card.pan + "\",\"amount_minor\":100,\"currency\":\"CNY\"}";
                auto t0 = std::chrono::steady_clock::now();
                Response r =
                    client.post("/v1/terminal/purchase", body, "load-" + std::to_string(i));
                auto t1 = std::chrono::steady_clock::now();
                latencies[static_cast<std::size_t>(c)].push_back(
                    std::chrono::duration<double, std::milli>(t1 - t0).count());
                (r.status == 200 ? approved : failed) += 1;
            }
        });
    }
    for (auto& t : threads) t.join();
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    server.stop();
    std::vector<double> all;
    for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    std::sort(all.begin(), all.end());
    auto pct = [&](double p) {
        return all[static_cast<std::size_t>(p * static_cast<double>(all.size() - 1))];
    };
    store::CommitStats stats = world.store().writer().stats();
    std::printf(
        "%d purchases (%d approved, %d failed) by %d clients, %d server threads, %s: "
        "%.2f s, %.0f purchases/s; latency ms p50 %.2f p99 %.2f max %.2f; "
        "%llu commits, largest batch %llu\n",
        o.purchases, approved.load(), failed.load(), o.clients, o.threads,
        o.durable ? "synchronous=FULL" : "no fsync", seconds,
        static_cast<double>(o.purchases) / seconds, pct(0.5), pct(0.99), all.back(),
        static_cast<unsigned long long>(stats.commits),
        static_cast<unsigned long long>(stats.largest_batch));
    store::InvariantReport report = world.verify();
    std::printf("invariants: %s\n", report.ok() ? "ok" : report.summary().c_str());
    return report.ok() && failed == 0 ? 0 : 1;
}
