#include "server/config.h"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/NumberParser.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <functional>
#include <map>

namespace yika::server {

namespace {

using Setter = std::function<bool(Config&, const std::string&)>;

bool parseInt(const std::string& text, std::int64_t min, std::int64_t max, std::int64_t& out) {
    Poco::Int64 value = 0;
    if (!Poco::NumberParser::tryParse64(text, value) || value < min || value > max) return false;
    out = value;
    return true;
}

Setter intSetter(std::int64_t min, std::int64_t max,
                 std::function<void(Config&, std::int64_t)> set) {
    return [=](Config& c, const std::string& text) {
        std::int64_t v = 0;
        if (!parseInt(text, min, max, v)) return false;
        set(c, v);
        return true;
    };
}

Setter moneySetter(std::function<Money&(Config&)> field) {
    return [=](Config& c, const std::string& text) {
        auto m = Money::parseDecimal(text, Currency::Cny);
        if (!m) return false;
        field(c) = *m;
        return true;
    };
}

Setter boolSetter(std::function<void(Config&, bool)> set) {
    return [=](Config& c, const std::string& text) {
        if (text != "true" && text != "false") return false;
        set(c, text == "true");
        return true;
    };
}

std::map<std::string, Setter> httpSetters() {
    std::map<std::string, Setter> out;
    for (const http::HttpLimitSetting& setting : http::httpLimitSettings()) {
        auto field = setting.field;
        out.emplace(std::string(setting.key),
                    intSetter(setting.min, setting.max,
                              [field](Config& c, std::int64_t v) { c.http.limits.*field = v; }));
    }
    out.emplace("http.address", [](Config& c, const std::string& t) {
        if (t.empty() || t.size() > 255) return false;
        c.http.address = t;
        return true;
    });
    out.emplace("http.port",
                intSetter(0, 65535, [](Config& c, std::int64_t v) { c.http.port = v; }));
    return out;
}

const std::map<std::string, Setter>& setters() {
    static const std::map<std::string, Setter> kSetters = [] {
        std::map<std::string, Setter> all = httpSetters();
        all.merge(std::map<std::string, Setter>{
            {"pos.address",
             [](Config& c, const std::string& t) {
                 if (t.empty() || t.size() > 255) return false;
                 c.pos.address = t;
                 return true;
             }},
            {"pos.port", intSetter(0, 65535, [](Config& c, std::int64_t v) { c.pos.port = v; })},
            {"pos.connections_max",
             intSetter(1, 1'000'000, [](Config& c, std::int64_t v) { c.pos.connections_max = v; })},
            {"pos.idle_timeout_ms",
             intSetter(1000, 86'400'000,
                       [](Config& c, std::int64_t v) { c.pos.idle_timeout_ms = v; })},
            {"pos.frame_timeout_ms",
             intSetter(100, 600'000,
                       [](Config& c, std::int64_t v) { c.pos.frame_timeout_ms = v; })},
            {"pos.frame_bytes_max",
             intSetter(1100, 65'535, [](Config& c, std::int64_t v) { c.pos.frame_bytes_max = v; })},
            {"pos.write_buffer_bytes_max",
             intSetter(4096, 64 << 20,
                       [](Config& c, std::int64_t v) { c.pos.write_buffer_bytes_max = v; })},
            {"pos.in_flight_per_connection_max",
             intSetter(1, 1024,
                       [](Config& c, std::int64_t v) { c.pos.in_flight_per_connection_max = v; })},
            {"pos.terminals_max",
             intSetter(1, 10'000'000, [](Config& c, std::int64_t v) { c.pos.terminals_max = v; })},
            {"db.synchronous",
             [](Config& c, const std::string& t) {
                 if (t != "full" && t != "normal") return false;
                 c.store.synchronous_full = t == "full";
                 return true;
             }},
            {"db.cache_pages",
             intSetter(100, 10'000'000,
                       [](Config& c, std::int64_t v) { c.store.cache_pages = v; })},
            {"writer.batch_ops_max", intSetter(1, 100'000,
                                               [](Config& c, std::int64_t v) {
                                                   c.store.queue.batch_ops_max =
                                                       static_cast<std::size_t>(v);
                                               })},
            {"writer.queue_ops_max", intSetter(1, 10'000'000,
                                               [](Config& c, std::int64_t v) {
                                                   c.store.queue.queue_ops_max =
                                                       static_cast<std::size_t>(v);
                                               })},
            {"writer.checkpoint_interval_ms", intSetter(10, 60'000,
                                                        [](Config& c, std::int64_t v) {
                                                            c.store.queue.checkpoint_interval_ms =
                                                                static_cast<int>(v);
                                                        })},
            {"writer.wal_reset_frames", intSetter(256, 10'000'000,
                                                  [](Config& c, std::int64_t v) {
                                                      c.store.queue.wal_reset_frames =
                                                          static_cast<int>(v);
                                                  })},
            {"batch.cards_max",
             intSetter(1, 10'000'000,
                       [](Config& c, std::int64_t v) { c.policies.batch_cards_max = v; })},
            {"batch.chunk_cards",
             intSetter(100, 1'000'000, [](Config& c, std::int64_t v) { c.batch_chunk_cards = v; })},
            {"batch.cache_pages",
             intSetter(1000, 10'000'000,
                       [](Config& c, std::int64_t v) { c.batch_cache_pages = v; })},
            {"card.shelf_months", intSetter(0, 120,
                                            [](Config& c, std::int64_t v) {
                                                c.policies.card_shelf_months = static_cast<int>(v);
                                            })},
            {"pin.failures_max", intSetter(1, 20,
                                           [](Config& c, std::int64_t v) {
                                               c.policies.pin.failures_max = static_cast<int>(v);
                                           })},
            {"pin.lock_hours", intSetter(1, 24 * 30,
                                         [](Config& c, std::int64_t v) {
                                             c.policies.pin.lock_ms = v * 3600 * 1000;
                                         })},
            {"breakage.enabled",
             boolSetter([](Config& c, bool v) { c.policies.breakage.enabled = v; })},
            {"breakage.months_after_expiry", intSetter(0, 240,
                                                       [](Config& c, std::int64_t v) {
                                                           c.policies.breakage.months_after_expiry =
                                                               static_cast<int>(v);
                                                       })},
            {"product.named_cap_max",
             moneySetter([](Config& c) -> Money& { return c.policies.product.named_cap_max; })},
            {"product.anonymous_cap_max",
             moneySetter([](Config& c) -> Money& { return c.policies.product.anonymous_cap_max; })},
            {"product.anonymous_validity_months_min",
             intSetter(1, 1200,
                       [](Config& c, std::int64_t v) {
                           c.policies.product.anonymous_validity_months_min = static_cast<int>(v);
                       })},
            {"sale.realname_threshold",
             moneySetter([](Config& c) -> Money& { return c.policies.sale.realname_threshold; })},
            {"sale.structuring_band",
             moneySetter([](Config& c) -> Money& { return c.policies.sale.structuring_band; })},
            {"sale.structuring_count", intSetter(2, 100,
                                                 [](Config& c, std::int64_t v) {
                                                     c.policies.sale.structuring_count =
                                                         static_cast<int>(v);
                                                 })},
            {"sale.company_noncash_threshold", moneySetter([](Config& c) -> Money& {
                 return c.policies.sale.company_noncash_threshold;
             })},
            {"sale.individual_noncash_threshold", moneySetter([](Config& c) -> Money& {
                 return c.policies.sale.individual_noncash_threshold;
             })},
            {"sale.reload_noncash_threshold", moneySetter([](Config& c) -> Money& {
                 return c.policies.sale.reload_noncash_threshold;
             })},
            {"sale.redemption_months_min", intSetter(0, 120,
                                                     [](Config& c, std::int64_t v) {
                                                         c.policies.sale.redemption_months_min =
                                                             static_cast<int>(v);
                                                     })},
            {"sale.order_cards_max",
             intSetter(1, 1'000'000,
                       [](Config& c, std::int64_t v) { c.policies.sale.order_cards_max = v; })},
        });
        return all;
    }();
    return kSetters;
}

}  // namespace

std::string defaultConfigText() {
    return R"(# yikad configuration. Every limit of the server is here; an unknown key or a bad value
# stops yikad with a message naming the key. Amounts are yuan with up to two decimals.

# ISO 8583 terminal listener (yikad serve): address and port, the most open connections,
# how long an idle connection or a half-received frame may last, the largest frame, the
# unsent bytes a connection may pile up, requests awaiting answers per connection, and the
# most terminals kept in memory with their keys.
pos.address = 127.0.0.1
pos.port = 5858
pos.connections_max = 12000
pos.idle_timeout_ms = 300000
pos.frame_timeout_ms = 10000
pos.frame_bytes_max = 2048
pos.write_buffer_bytes_max = 65536
pos.in_flight_per_connection_max = 16
pos.terminals_max = 100000

# JSON-over-HTTP terminal API (docs/openapi.yaml): address and port. Its limits (http.threads_max,
# http.body_bytes_max, http.clock_skew_ms, ...) default as documented in
# terminal_api/http/http_limits.h and may be set here too.
http.address = 127.0.0.1
http.port = 8480

# Database: full = every commit is fsynced before anyone is told (durable); normal = faster,
# may lose the last commits on power loss. Keep full in production.
db.synchronous = full
# SQLite page cache of the writer, in 4 KiB pages (128 MiB: with 1,000,000 cards most card
# and index pages a purchase touches stay in memory; readers have 4 MiB each).
db.cache_pages = 32768

# Single writer with group commit: operations per transaction, waiting operations before
# requests are refused (HTTP 503 / ISO 8583 96), background WAL checkpoint period, and the
# WAL size (4 KiB frames) above which the writer finishes a checkpoint so that the WAL restarts
# (under steady load it would otherwise grow without bound).
writer.batch_ops_max = 1024
writer.queue_ops_max = 65536
writer.checkpoint_interval_ms = 200
writer.wal_reset_frames = 16384

# Production batches (制卡): largest batch, cards per transaction while generating, and the
# shelf life added to the printed expiry. Larger chunks generate faster (1,000,000 cards: about
# 9.5 s at 250000, 11 s at 50000) but hold the database's write lock longer per chunk: while
# terminals are being served, a smaller chunk keeps their pauses short.
batch.cards_max = 1000000
batch.chunk_cards = 250000
# Writer page cache (4 KiB pages) while a batch is generated.
batch.cache_pages = 65536
card.shelf_months = 24

# PIN guessing: consecutive failures before the card's PIN locks, and for how long.
pin.failures_max = 5
pin.lock_hours = 24

# Breakage (expired anonymous balances recognised as income) only by explicit policy.
breakage.enabled = false
breakage.months_after_expiry = 24

# Card products (PBOC 2012): ceilings on caps and the minimum anonymous validity.
product.named_cap_max = 5000.00
product.anonymous_cap_max = 1000.00
product.anonymous_validity_months_min = 36

# Sales rules (PBOC 2012): real-name line, structuring detection, non-cash thresholds,
# redemption delay, largest order.
sale.realname_threshold = 10000.00
sale.structuring_band = 1000.00
sale.structuring_count = 3
sale.company_noncash_threshold = 5000.00
sale.individual_noncash_threshold = 50000.00
sale.reload_noncash_threshold = 5000.00
sale.redemption_months_min = 3
sale.order_cards_max = 100000
)";
}

Result<Config> loadConfig(const std::string& path) {
    Config config;
    Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> file;
    try {
        file = new Poco::Util::PropertyFileConfiguration(path);
    } catch (const Poco::Exception& e) {
        return makeError(ErrorCode::InvalidArgument,
                         "cannot read " + path + ": " + e.displayText());
    }
    std::vector<std::string> keys;
    std::function<void(const std::string&)> walk = [&](const std::string& prefix) {
        Poco::Util::AbstractConfiguration::Keys children;
        file->keys(prefix, children);
        if (children.empty() && !prefix.empty()) keys.push_back(prefix);
        for (const auto& child : children) walk(prefix.empty() ? child : prefix + "." + child);
    };
    walk("");
    for (const std::string& key : keys) {
        auto it = setters().find(key);
        if (it == setters().end()) {
            return makeError(ErrorCode::InvalidArgument, path + ": unknown setting '" + key + "'");
        }
        if (!it->second(config, file->getString(key))) {
            return makeError(ErrorCode::InvalidArgument,
                             path + ": bad value '" + file->getString(key) + "' for '" + key + "'");
        }
    }
    if (Status limits = http::validateLimits(config.http.limits); !limits) {
        return makeError(ErrorCode::InvalidArgument, path + ": " + limits.error().detail);
    }
    return config;
}

}  // namespace yika::server
