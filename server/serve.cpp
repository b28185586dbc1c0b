// `yikad serve`: the long-running server. Five steps, in order (style guide section 2): read the
// configuration, open the store and its single writer, start the listeners, wait for SIGINT or
// SIGTERM, stop the listeners and then the writer (so every acknowledged request is on disk).

#include "server/args.h"
#include "server/commands.h"
#include "server/data_dir.h"
#include "server/pos_listener.h"
#include "terminal_api/http/http_api_server.h"
#include "terminal_api/http/key_ring_terminal_keys.h"
#include "terminal_api/http/store_service_context.h"

#include <cstdio>

#include <signal.h>

namespace yika::server {

int runServe(const std::vector<std::string>& argv) {
    Args args(argv, {"--data", "--pos-port", "--http-port"}, {});
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
    });
    if (!opened) {
        std::fprintf(stderr, "yikad: %s\n", opened.error().detail.c_str());
        return 1;
    }
    Runtime& rt = **opened;
    SystemClock clock;
    auto pos = PosListener::create(rt, clock);
    if (!pos) {
        std::fprintf(stderr, "yikad: %s\n", pos.error().detail.c_str());
        return 1;
    }
    if (Status listening = (*pos)->start(static_cast<std::uint16_t>(rt.config.pos.port));
        !listening) {
        std::fprintf(stderr, "yikad: terminal listener: %s\n", listening.error().detail.c_str());
        return 1;
    }
    http::KeyRingTerminalKeys http_keys(rt.keys);
    std::unique_ptr<http::StoreServiceContext> http_context;
    try {
        http_context = std::make_unique<http::StoreServiceContext>(
            *rt.store, rt.pins, rt.vault, rt.config.policies, clock, http_keys,
            rt.config.http.limits);
    } catch (const StorageError& e) {
        std::fprintf(stderr, "yikad: HTTP API: %s\n", e.what());
        return 1;
    }
    http::HttpApiServer http_api(*http_context, rt.config.http.limits);
    if (Status listening =
            http_api.start(rt.config.http.address, static_cast<std::uint16_t>(rt.config.http.port));
        !listening) {
        std::fprintf(stderr, "yikad: HTTP API: %s\n", listening.error().detail.c_str());
        return 1;
    }
    std::printf(
        "yikad serving %s\n  ISO 8583 terminal port: %s:%u (TCP)\n"
        "  terminal JSON API:      http://%s:%u/v1/terminal/ (spec: /v1/openapi.yaml)\n",
        rt.paths.dir.c_str(), rt.config.pos.address.c_str(), (*pos)->port(),
        rt.config.http.address.c_str(), http_api.port());
    std::fflush(stdout);

    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    std::printf("yikad: %s received, stopping\n", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    http_api.stop();
    (*pos)->stop();  // no new requests; replies still pending are dropped with the sockets
    rt.store->writer().stop();  // commits what was queued
    std::printf("yikad: stopped\n");
    return 0;
}

}  // namespace yika::server
