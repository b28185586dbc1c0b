#pragma once

// yikad's configuration: one properties file (DATA/yikad.properties, written commented by
// `yikad init`) with every limit named. An unknown key or a bad value stops start-up with a
// message naming the key.

#include "card_core/domain/policies.h"
#include "card_core/domain/result.h"
#include "card_core/store/sqlite_store.h"
#include "terminal_api/http/http_limits.h"

#include <cstdint>
#include <string>

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

struct Config {
    PosConfig pos;
    HttpConfig http;
    Policies policies;
    store::SqliteStoreOptions store;
    std::int64_t batch_chunk_cards = 250'000;  // cards generated per writer transaction
    // Writer page cache while generating: the card-number index takes random inserts, and a
    // cache that holds it keeps each commit from rewriting most of the index.
    std::int64_t batch_cache_pages = 65'536;  // 256 MiB
};

// The commented default file `yikad init` writes.
std::string defaultConfigText();

// Loads `path` over the defaults; InvalidArgument naming the key on an unknown key or bad value.
Result<Config> loadConfig(const std::string& path);

}  // namespace yika::server
