#pragma once

// yikad's configuration: one properties file (DATA/yikad.properties, written commented by
// `yikad init`) with every limit named. An unknown key or a bad value stops start-up with a
// message naming the key.

#include "card_core/domain/policies.h"
#include "card_core/domain/result.h"
#include "card_core/store/sqlite_store.h"
#include "terminal_api/http/http_limits.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "admin_api/admin_limits.h"
#include "portal/portal_limits.h"

namespace yika::server {

// The ISO 8583 terminal listener (pos.*).
struct PosConfig {
    std::string address = "127.0.0.1";
    std::int64_t port = 5858;
    std::int64_t connections_max = 12000;
    std::int64_t idle_timeout_ms = 300000;
    std::int64_t frame_timeout_ms = 10000;
    std::int64_t frame_bytes_max = 2048;
    std::int64_t write_buffer_bytes_max = 65536;
    std::int64_t in_flight_per_connection_max = 16;
    std::int64_t terminals_max = 100000;
};

// The JSON-over-HTTP terminal API (http.*); its limits come from terminal_api/http.
struct HttpConfig {
    std::string address = "127.0.0.1";
    std::int64_t port = 8480;
    http::HttpApiLimits limits;
};

// --- cardholder portal and web-shop API (issue 4): portal.* ---
struct PortalConfig {
    std::string address = "127.0.0.1";
    std::int64_t port = 8482;
    std::string public_url;  // base of payment links; empty: http://address:port
    portal::PortalLimits limits;
};

// --- admin API (issue 6): admin.* ---
struct AdminConfig {
    bool enabled = true;
    std::string address = "127.0.0.1";  // keep it on a private interface
    std::int64_t port = 8481;
    admin::AdminLimits limits;
};

struct Config {
    PosConfig pos;
    HttpConfig http;
    Policies policies;
    store::SqliteStoreOptions store;
    std::int64_t batch_chunk_cards = 250'000;  // cards generated per writer transaction
    // Writer page cache while generating: the card-number index takes random inserts, and a
    // cache that holds it keeps each commit from rewriting most of the index.
    std::int64_t batch_cache_pages = 65'536;  // 256 MiB

    // --- operations (issue 8): health/metrics listener, logs, shutdown, backup ---
    struct Ops {
        bool enabled = true;                // ops.enabled: the /healthz /readyz /metrics listener
        std::string address = "127.0.0.1";  // ops.address: keep it off public interfaces
        std::int64_t port = 8489;           // ops.port
        std::int64_t threads_max = 2;       // ops.threads_max
        std::int64_t shutdown_grace_ms = 10000;     // ops.shutdown_grace_ms: drain in-flight work
        std::int64_t backup_pages_per_step = 1024;  // ops.backup_pages_per_step: 4 KiB pages
    } ops;
    struct Log {
        std::string level = "info";  // log.level: debug, info, warn, error
        std::string file;            // log.file: empty = stderr; else appended to
    } log;
    // --- end operations (issue 8) ---
    PortalConfig portal;  // --- cardholder portal (issue 4) ---
    AdminConfig admin;    // --- admin API (issue 6) ---
    // --- business day and back office (issue 5): day.*, invoice.* ---
    struct Day {
        bool auto_cutoff = true;             // day.auto_cutoff: yikad serve cuts off on schedule
        std::string cutoff_time = "23:00";   // day.cutoff_time: HH:MM China Standard Time
        std::int64_t chunk_cards = 20000;    // day.chunk_cards: cards per expiry/breakage commit
        std::int64_t invoice_due_days = 30;  // invoice.merchant_due_days: after the month
    } day;
};

// The commented default file `yikad init` writes.
std::string defaultConfigText();

// Loads `path` over the defaults; InvalidArgument naming the key on an unknown key or bad value.
// --- operations (issue 8): `env` (name, value) pairs override the file: YIKA_ + the key in
// upper case with '.' as '_' (pos.port: YIKA_POS_PORT). A YIKA_<SECTION>_ variable whose
// section is a configuration section but names no key is refused like an unknown key; other
// YIKA_ variables (YIKA_TERM_TMK, YIKA_DATA) are not configuration and are ignored.
using Environment = std::vector<std::pair<std::string, std::string>>;
Result<Config> loadConfig(const std::string& path, const Environment& env = {});
// The process environment's YIKA_* variables.
Environment processEnvironment();
// The environment variable of `key` ("pos.port" -> "YIKA_POS_PORT").
std::string environmentName(const std::string& key);
// Every configuration key, sorted.
std::vector<std::string> configKeys();
// `key`'s value in `config` as the file spells it; empty if the key has no formatter yet.
std::optional<std::string> configValueText(const Config& config, const std::string& key);
// --- end operations (issue 8) ---

}  // namespace yika::server
