// `yikad serve`: the long-running server. Five steps, in order (style guide section 2): read the
// configuration, open the store and its single writer, start the listeners, wait for SIGINT or
// SIGTERM, stop the listeners and then the writer (so every acknowledged request is on disk).

#include "ops/log/json_log.h"
#include "server/args.h"
#include "server/commands.h"
#include "server/cutoff_scheduler.h"
#include "server/data_dir.h"
#include "server/pos_listener.h"
#include "server/serve_ops.h"
#include "terminal_api/http/http_api_server.h"
#include "terminal_api/http/key_ring_terminal_keys.h"
#include "terminal_api/http/store_service_context.h"

#include <atomic>
#include <cstdio>

#include "admin_api/admin_server.h"
#include "portal/portal_server.h"
#include <signal.h>

namespace yika::server {

int runServe(const std::vector<std::string>& argv) {
    Args args(
        argv,
        {"--data", "--pos-port", "--http-port", "--ops-port", "--portal-port", "--admin-port"}, {});
    if (!args.ok() || !args.value("--data")) {
        std::fprintf(stderr, "yikad: %s\n",
                     args.ok() ? "serve needs --data DIR" : args.error().c_str());
        return 2;
    }
    // Block the stop signals before any thread starts, so that only sigwait below sees them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    auto opened = openRuntime(*args.value("--data"), false, [&](Config& c) {
        if (auto port = args.value("--pos-port")) c.pos.port = std::stoi(*port);
        if (auto port = args.value("--http-port")) c.http.port = std::stoi(*port);
        if (auto port = args.value("--ops-port")) c.ops.port = std::stoi(*port);  // issue 8
        if (auto port = args.value("--portal-port")) c.portal.port = std::stoi(*port);
        if (auto port = args.value("--admin-port")) c.admin.port = std::stoi(*port);  // issue 6
    });
    if (!opened) {
        std::fprintf(stderr, "yikad: %s\n", opened.error().detail.c_str());
        return 1;
    }
    Runtime& rt = **opened;
    if (Status logs_ok = configureLogs(rt.config); !logs_ok) {  // issue 8
        std::fprintf(stderr, "yikad: %s\n", logs_ok.error().detail.c_str());
        return 1;
    }
    SystemClock clock;
    auto pos = PosListener::create(rt, clock);
    if (!pos) {
        logs::error("startup_failed", {{"error", pos.error().detail}});
        return 1;
    }
    if (Status listening = (*pos)->start(static_cast<std::uint16_t>(rt.config.pos.port));
        !listening) {
        logs::error("pos_listen_failed", {{"error", listening.error().detail}});
        return 1;
    }
    http::KeyRingTerminalKeys http_keys(rt.keys);
    std::unique_ptr<http::StoreServiceContext> http_context;
    try {
        http_context = std::make_unique<http::StoreServiceContext>(
            *rt.store, rt.pins, rt.vault, rt.config.policies, clock, http_keys,
            rt.config.http.limits);
    } catch (const StorageError& e) {
        logs::error("http_startup_failed", {{"error", e.what()}});
        return 1;
    }
    http::HttpApiServer http_api(*http_context, rt.config.http.limits);
    if (Status listening =
            http_api.start(rt.config.http.address, static_cast<std::uint16_t>(rt.config.http.port));
        !listening) {
        logs::error("http_listen_failed", {{"error", listening.error().detail}});
        return 1;
    }
    // --- cardholder portal and web-shop API (issue 4) ---
    std::unique_ptr<portal::PortalServer> portal_server;
    try {
        portal_server = std::make_unique<portal::PortalServer>(
            portal::PortalDeps{*rt.store, rt.pins, rt.vault, rt.config.policies, clock, rt.keys,
                               http_keys},
            portal::PortalOptions{rt.config.portal.limits, rt.config.portal.public_url});
    } catch (const StorageError& e) {
        logs::error("portal_failed", {{"error", e.what()}});
        return 1;
    }
    if (Status listening = portal_server->start(rt.config.portal.address,
                                                static_cast<std::uint16_t>(rt.config.portal.port));
        !listening) {
        logs::error("portal_listen_failed", {{"error", listening.error().detail}});
        return 1;
    }
    // --- admin API (issue 6): the back office, on its own listener ---
    std::unique_ptr<admin::AdminServer> admin_server;
    if (rt.config.admin.enabled) {
        admin::AdminOptions admin_options;
        admin_options.limits = rt.config.admin.limits;
        admin_options.exports_dir = rt.paths.exports_dir();
        admin_options.manufacturer_public_key = rt.paths.manufacturer_public_key();
        admin_options.batch_chunk_cards = rt.config.batch_chunk_cards;
        // issue 5: the business day through the admin API; payout-file release by maker-checker
        admin_options.day =
            admin::AdminDayOptions{rt.config.day.auto_cutoff, rt.config.day.cutoff_time,
                                   rt.config.day.chunk_cards, rt.config.day.invoice_due_days};
        admin_options.kinds.emplace_back(ApprovalKind::PayoutRelease, admin::payoutReleaseKind());
        PosListener* pos_listener = pos->get();
        admin_options.on_terminal_added = [pos_listener](const std::string& tid) {
            (void)pos_listener->reloadTerminal(tid);
        };
        admin_server = std::make_unique<admin::AdminServer>(
            admin::AdminDeps{*rt.store, rt.pins, rt.vault, rt.random, rt.config.policies, clock,
                             rt.keys},
            std::move(admin_options));
        if (Status listening = admin_server->start(
                rt.config.admin.address, static_cast<std::uint16_t>(rt.config.admin.port));
            !listening) {
            logs::error("admin_listen_failed", {{"error", listening.error().detail}});
            return 1;
        }
    }
    const unsigned admin_port = admin_server ? admin_server->port() : 0;
    // --- operations (issue 8): health and metrics listener, graceful stop ---
    std::atomic<bool> stopping{false};
    OpsServer ops(makeOpsEndpoints(rt, **pos, http_api, stopping),
                  static_cast<int>(rt.config.ops.threads_max));
    if (rt.config.ops.enabled) {
        if (Status listening =
                ops.start(rt.config.ops.address, static_cast<std::uint16_t>(rt.config.ops.port));
            !listening) {
            logs::error("ops_listen_failed", {{"error", listening.error().detail}});
            return 1;
        }
    }
    // --- automatic cut-off (日切, issue 5) ---
    CutoffSchedule schedule;
    schedule.automatic = rt.config.day.auto_cutoff;
    schedule.minute_of_day = parseCutoffTime(rt.config.day.cutoff_time).value_or(23 * 60);
    CutoffScheduler cutoff(*rt.store, clock, schedule);
    cutoff.start();
    logs::info("serving",
               {{"data", rt.paths.dir},
                {"pos", rt.config.pos.address + ":" + std::to_string((*pos)->port())},
                {"http", rt.config.http.address + ":" + std::to_string(http_api.port())},
                {"portal", rt.config.portal.address + ":" + std::to_string(portal_server->port())},
                {"admin", rt.config.admin.address + ":" + std::to_string(admin_port)},
                {"ops", rt.config.ops.address + ":" + std::to_string(ops.port())}});
    std::printf(
        "yikad serving %s\n  ISO 8583 terminal port: %s:%u (TCP)\n"
        "  terminal JSON API:      http://%s:%u/v1/terminal/ (spec: /v1/openapi.yaml)\n"
        "  cardholder portal:      http://%s:%u/ (shop API: /v1/shop/orders)\n"
        "  admin API:              http://%s:%u/v1/ (docs/admin-api.md)%s\n"
        "  health and metrics:     http://%s:%u/healthz /readyz /metrics\n",
        rt.paths.dir.c_str(), rt.config.pos.address.c_str(), (*pos)->port(),
        rt.config.http.address.c_str(), http_api.port(), rt.config.portal.address.c_str(),
        portal_server->port(), rt.config.admin.address.c_str(), admin_port,
        admin_server ? "" : " (disabled: admin.enabled = false)", rt.config.ops.address.c_str(),
        ops.port());
    std::fflush(stdout);

    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    logs::info("stopping", {{"signal", signal_number == SIGINT ? "SIGINT" : "SIGTERM"}});
    stopping.store(true);
    cutoff.stop();          // issue 5
    portal_server->stop();  // finishes its requests; its writes go through the writer below
    if (admin_server) admin_server->stop();  // issue 6: the same, and its generation jobs
    stopGracefully(rt, **pos, http_api);
    ops.stop();
    logs::info("stopped");
    return 0;
}

}  // namespace yika::server
