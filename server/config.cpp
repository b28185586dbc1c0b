#include "server/config.h"

#include "card_core/domain/business_day.h"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/NumberParser.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <fstream>
#include <functional>
#include <map>
#include <set>

#include <unistd.h>

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

// --- operations (issue 8): ops.* and log.* settings, value formatters, environment ---
Setter textSetter(std::size_t max_chars, std::function<std::string&(Config&)> field) {
    return [=](Config& c, const std::string& t) {
        if (t.size() > max_chars) return false;
        field(c) = t;
        return true;
    };
}

std::map<std::string, Setter> opsSetters() {
    std::map<std::string, Setter> out;
    out.emplace("ops.enabled", boolSetter([](Config& c, bool v) { c.ops.enabled = v; }));
    out.emplace("ops.address", [](Config& c, const std::string& t) {
        if (t.empty() || t.size() > 255) return false;
        c.ops.address = t;
        return true;
    });
    out.emplace("ops.port", intSetter(0, 65535, [](Config& c, std::int64_t v) { c.ops.port = v; }));
    out.emplace("ops.threads_max",
                intSetter(1, 16, [](Config& c, std::int64_t v) { c.ops.threads_max = v; }));
    out.emplace("ops.shutdown_grace_ms", intSetter(0, 600'000, [](Config& c, std::int64_t v) {
                    c.ops.shutdown_grace_ms = v;
                }));
    out.emplace("ops.backup_pages_per_step", intSetter(1, 1'000'000, [](Config& c, std::int64_t v) {
                    c.ops.backup_pages_per_step = v;
                }));
    out.emplace("log.level", [](Config& c, const std::string& t) {
        if (t != "debug" && t != "info" && t != "warn" && t != "error") return false;
        c.log.level = t;
        return true;
    });
    out.emplace("log.file", textSetter(4096, [](Config& c) -> std::string& { return c.log.file; }));
    return out;
}

using Formatter = std::function<std::string(const Config&)>;

template <typename F>
Formatter intText(F field) {
    return [=](const Config& c) { return std::to_string(field(c)); };
}

Formatter text(std::function<std::string(const Config&)> field) { return field; }
Formatter money(std::function<Money(const Config&)> field) {
    return [=](const Config& c) { return field(c).toDecimal(); };
}
Formatter boolean(std::function<bool(const Config&)> field) {
    return [=](const Config& c) { return std::string(field(c) ? "true" : "false"); };
}

// The business rules (policies): card, pin, breakage, product, sale.
void addPolicyFormatters(std::map<std::string, Formatter>& f) {
    f.emplace("card.shelf_months",
              intText([](const Config& c) { return c.policies.card_shelf_months; }));
    f.emplace("pin.failures_max",
              intText([](const Config& c) { return c.policies.pin.failures_max; }));
    f.emplace("pin.lock_hours",
              intText([](const Config& c) { return c.policies.pin.lock_ms / (3600LL * 1000); }));
    f.emplace("breakage.enabled",
              boolean([](const Config& c) { return c.policies.breakage.enabled; }));
    f.emplace("breakage.months_after_expiry",
              intText([](const Config& c) { return c.policies.breakage.months_after_expiry; }));
    f.emplace("product.named_cap_max",
              money([](const Config& c) { return c.policies.product.named_cap_max; }));
    f.emplace("product.anonymous_cap_max",
              money([](const Config& c) { return c.policies.product.anonymous_cap_max; }));
    f.emplace("product.anonymous_validity_months_min", intText([](const Config& c) {
                  return c.policies.product.anonymous_validity_months_min;
              }));
    f.emplace("sale.realname_threshold",
              money([](const Config& c) { return c.policies.sale.realname_threshold; }));
    f.emplace("sale.structuring_band",
              money([](const Config& c) { return c.policies.sale.structuring_band; }));
    f.emplace("sale.structuring_count",
              intText([](const Config& c) { return c.policies.sale.structuring_count; }));
    f.emplace("sale.company_noncash_threshold",
              money([](const Config& c) { return c.policies.sale.company_noncash_threshold; }));
    f.emplace("sale.individual_noncash_threshold",
              money([](const Config& c) { return c.policies.sale.individual_noncash_threshold; }));
    f.emplace("sale.reload_noncash_threshold",
              money([](const Config& c) { return c.policies.sale.reload_noncash_threshold; }));
    f.emplace("sale.redemption_months_min",
              intText([](const Config& c) { return c.policies.sale.redemption_months_min; }));
    f.emplace("sale.order_cards_max",
              intText([](const Config& c) { return c.policies.sale.order_cards_max; }));
}

void addAdminFormatters(std::map<std::string, Formatter>& f);  // admin API (issue 6)

const std::map<std::string, Formatter>& formatters() {
    static const std::map<std::string, Formatter> kFormatters = [] {
        std::map<std::string, Formatter> f;
        for (const http::HttpLimitSetting& setting : http::httpLimitSettings()) {
            auto field = setting.field;
            f.emplace(std::string(setting.key),
                      [field](const Config& c) { return std::to_string(c.http.limits.*field); });
        }
        f.emplace("http.address", text([](const Config& c) { return c.http.address; }));
        f.emplace("http.port", intText([](const Config& c) { return c.http.port; }));
        f.emplace("pos.address", text([](const Config& c) { return c.pos.address; }));
        f.emplace("pos.port", intText([](const Config& c) { return c.pos.port; }));
        f.emplace("pos.connections_max",
                  intText([](const Config& c) { return c.pos.connections_max; }));
        f.emplace("pos.idle_timeout_ms",
                  intText([](const Config& c) { return c.pos.idle_timeout_ms; }));
        f.emplace("pos.frame_timeout_ms",
                  intText([](const Config& c) { return c.pos.frame_timeout_ms; }));
        f.emplace("pos.frame_bytes_max",
                  intText([](const Config& c) { return c.pos.frame_bytes_max; }));
        f.emplace("pos.write_buffer_bytes_max",
                  intText([](const Config& c) { return c.pos.write_buffer_bytes_max; }));
        f.emplace("pos.in_flight_per_connection_max",
                  intText([](const Config& c) { return c.pos.in_flight_per_connection_max; }));
        f.emplace("pos.terminals_max",
                  intText([](const Config& c) { return c.pos.terminals_max; }));
        f.emplace("db.synchronous", text([](const Config& c) {
                      return std::string(c.store.synchronous_full ? "full" : "normal");
                  }));
        f.emplace("db.cache_pages", intText([](const Config& c) { return c.store.cache_pages; }));
        // --- PostgreSQL and several nodes (issue 7) ---
        f.emplace("db.engine", text([](const Config& c) {
                      return std::string(c.store.engine == store::Engine::Postgres ? "postgresql"
                                                                                   : "sqlite");
                  }));
        f.emplace("db.url", text([](const Config& c) { return c.store.pg.url; }));
        f.emplace("db.pool_max", intText([](const Config& c) {
                      return static_cast<std::int64_t>(c.store.pool_max);
                  }));
        f.emplace("db.pool_wait_ms",
                  intText([](const Config& c) { return std::int64_t{c.store.pool_wait_ms}; }));
        f.emplace("db.connect_timeout_ms", intText([](const Config& c) {
                      return std::int64_t{c.store.pg.connect_timeout_ms};
                  }));
        f.emplace("db.reconnect_interval_ms", intText([](const Config& c) {
                      return std::int64_t{c.store.pg.reconnect_interval_ms};
                  }));
        f.emplace("db.lock_timeout_ms", intText([](const Config& c) {
                      return std::int64_t{c.store.pg.lock_timeout_ms};
                  }));
        f.emplace("db.statement_timeout_ms", intText([](const Config& c) {
                      return std::int64_t{c.store.pg.statement_timeout_ms};
                  }));
        f.emplace("writer.batch_ops_max",
                  intText([](const Config& c) { return c.store.queue.batch_ops_max; }));
        f.emplace("writer.queue_ops_max",
                  intText([](const Config& c) { return c.store.queue.queue_ops_max; }));
        f.emplace("writer.checkpoint_interval_ms",
                  intText([](const Config& c) { return c.store.queue.checkpoint_interval_ms; }));
        f.emplace("writer.wal_reset_frames",
                  intText([](const Config& c) { return c.store.queue.wal_reset_frames; }));
        f.emplace("writer.pipelined_sync",
                  boolean([](const Config& c) { return c.store.queue.pipelined_sync; }));
        f.emplace("writer.wal_reset_ready_frames",
                  intText([](const Config& c) { return c.store.queue.wal_reset_ready_frames; }));
        f.emplace("writer.wal_frames_max",
                  intText([](const Config& c) { return c.store.queue.wal_frames_max; }));
        f.emplace("batch.cards_max",
                  intText([](const Config& c) { return c.policies.batch_cards_max; }));
        f.emplace("batch.chunk_cards",
                  intText([](const Config& c) { return c.batch_chunk_cards; }));
        f.emplace("batch.cache_pages",
                  intText([](const Config& c) { return c.batch_cache_pages; }));
        addPolicyFormatters(f);
        f.emplace("ops.enabled", boolean([](const Config& c) { return c.ops.enabled; }));
        f.emplace("ops.address", text([](const Config& c) { return c.ops.address; }));
        f.emplace("ops.port", intText([](const Config& c) { return c.ops.port; }));
        f.emplace("ops.threads_max", intText([](const Config& c) { return c.ops.threads_max; }));
        f.emplace("ops.shutdown_grace_ms",
                  intText([](const Config& c) { return c.ops.shutdown_grace_ms; }));
        f.emplace("ops.backup_pages_per_step",
                  intText([](const Config& c) { return c.ops.backup_pages_per_step; }));
        f.emplace("log.level", text([](const Config& c) { return c.log.level; }));
        f.emplace("log.file", text([](const Config& c) { return c.log.file; }));
        // --- cardholder portal (issue 4) ---
        for (const portal::PortalLimitSetting& setting : portal::portalLimitSettings()) {
            auto field = setting.field;
            f.emplace(std::string(setting.key),
                      [field](const Config& c) { return std::to_string(c.portal.limits.*field); });
        }
        f.emplace("portal.address", text([](const Config& c) { return c.portal.address; }));
        f.emplace("portal.port", intText([](const Config& c) { return c.portal.port; }));
        f.emplace("portal.public_url", text([](const Config& c) { return c.portal.public_url; }));
        addAdminFormatters(f);  // admin API (issue 6)
        // --- issue 5 ---
        f.emplace("day.auto_cutoff", boolean([](const Config& c) { return c.day.auto_cutoff; }));
        f.emplace("day.cutoff_time", text([](const Config& c) { return c.day.cutoff_time; }));
        f.emplace("day.chunk_cards", intText([](const Config& c) { return c.day.chunk_cards; }));
        f.emplace("invoice.merchant_due_days",
                  intText([](const Config& c) { return c.day.invoice_due_days; }));
        return f;
    }();
    return kFormatters;
}
// --- end operations (issue 8) ---

// --- cardholder portal and web-shop API (issue 4) ---
std::map<std::string, Setter> portalSetters() {
    std::map<std::string, Setter> out;
    for (const portal::PortalLimitSetting& setting : portal::portalLimitSettings()) {
        auto field = setting.field;
        out.emplace(std::string(setting.key),
                    intSetter(setting.min, setting.max,
                              [field](Config& c, std::int64_t v) { c.portal.limits.*field = v; }));
    }
    out.emplace("portal.address", [](Config& c, const std::string& t) {
        if (t.empty() || t.size() > 255) return false;
        c.portal.address = t;
        return true;
    });
    out.emplace("portal.port",
                intSetter(0, 65535, [](Config& c, std::int64_t v) { c.portal.port = v; }));
    out.emplace("portal.public_url", [](Config& c, const std::string& t) {
        bool http = t.rfind("http://", 0) == 0 || t.rfind("https://", 0) == 0;
        if (!t.empty() && (!http || t.size() > 255 || t.back() == '/')) return false;
        c.portal.public_url = t;
        return true;
    });
    return out;
}

// --- admin API (issue 6): admin.* settings ---
std::map<std::string, Setter> adminSetters() {
    std::map<std::string, Setter> out;
    for (const admin::AdminLimitSetting& setting : admin::adminLimitSettings()) {
        auto field = setting.field;
        out.emplace(std::string(setting.key),
                    intSetter(setting.min, setting.max,
                              [field](Config& c, std::int64_t v) { c.admin.limits.*field = v; }));
    }
    out.emplace("admin.enabled", boolSetter([](Config& c, bool v) { c.admin.enabled = v; }));
    out.emplace("admin.address", [](Config& c, const std::string& t) {
        if (t.empty() || t.size() > 255) return false;
        c.admin.address = t;
        return true;
    });
    out.emplace("admin.port",
                intSetter(0, 65535, [](Config& c, std::int64_t v) { c.admin.port = v; }));
    return out;
}

void addAdminFormatters(std::map<std::string, Formatter>& f) {
    for (const admin::AdminLimitSetting& setting : admin::adminLimitSettings()) {
        auto field = setting.field;
        f.emplace(std::string(setting.key),
                  [field](const Config& c) { return std::to_string(c.admin.limits.*field); });
    }
    f.emplace("admin.enabled", boolean([](const Config& c) { return c.admin.enabled; }));
    f.emplace("admin.address", text([](const Config& c) { return c.admin.address; }));
    f.emplace("admin.port", intText([](const Config& c) { return c.admin.port; }));
}
// --- end admin API (issue 6) ---

// --- business day and back office (issue 5) ---
std::map<std::string, Setter> daySetters() {
    std::map<std::string, Setter> out;
    out.emplace("day.auto_cutoff", boolSetter([](Config& c, bool v) { c.day.auto_cutoff = v; }));
    out.emplace("day.cutoff_time", [](Config& c, const std::string& t) {
        if (!parseCutoffTime(t)) return false;
        c.day.cutoff_time = t;
        return true;
    });
    out.emplace("day.chunk_cards", intSetter(100, 1'000'000, [](Config& c, std::int64_t v) {
                    c.day.chunk_cards = v;
                }));
    out.emplace("invoice.merchant_due_days",
                intSetter(1, 366, [](Config& c, std::int64_t v) { c.day.invoice_due_days = v; }));
    return out;
}

const std::map<std::string, Setter>& setters() {
    static const std::map<std::string, Setter> kSetters = [] {
        std::map<std::string, Setter> all = httpSetters();
        all.merge(portalSetters());
        all.merge(adminSetters());  // admin API (issue 6)
        all.merge(daySetters());    // issue 5
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
            // --- PostgreSQL and several nodes (issue 7) ---
            {"db.engine",
             [](Config& c, const std::string& t) {
                 if (t != "sqlite" && t != "postgresql") return false;
                 c.store.engine = t == "sqlite" ? store::Engine::Sqlite : store::Engine::Postgres;
                 return true;
             }},
            {"db.url",
             [](Config& c, const std::string& t) {
                 if (t.size() > 4096) return false;
                 c.store.pg.url = t;
                 return true;
             }},
            {"db.pool_max", intSetter(1, 10'000,
                                      [](Config& c, std::int64_t v) {
                                          c.store.pool_max = static_cast<std::size_t>(v);
                                      })},
            {"db.pool_wait_ms", intSetter(0, 600'000,
                                          [](Config& c, std::int64_t v) {
                                              c.store.pool_wait_ms = static_cast<int>(v);
                                          })},
            {"db.connect_timeout_ms", intSetter(100, 600'000,
                                                [](Config& c, std::int64_t v) {
                                                    c.store.pg.connect_timeout_ms =
                                                        static_cast<int>(v);
                                                })},
            {"db.reconnect_interval_ms", intSetter(0, 600'000,
                                                   [](Config& c, std::int64_t v) {
                                                       c.store.pg.reconnect_interval_ms =
                                                           static_cast<int>(v);
                                                   })},
            {"db.lock_timeout_ms", intSetter(0, 600'000,
                                             [](Config& c, std::int64_t v) {
                                                 c.store.pg.lock_timeout_ms = static_cast<int>(v);
                                             })},
            {"db.statement_timeout_ms", intSetter(0, 3'600'000,
                                                  [](Config& c, std::int64_t v) {
                                                      c.store.pg.statement_timeout_ms =
                                                          static_cast<int>(v);
                                                  })},
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
            {"writer.pipelined_sync",
             boolSetter([](Config& c, bool v) { c.store.queue.pipelined_sync = v; })},
            {"writer.wal_reset_ready_frames",
             intSetter(0, 10'000'000,
                       [](Config& c, std::int64_t v) {
                           c.store.queue.wal_reset_ready_frames = static_cast<int>(v);
                       })},
            {"writer.wal_frames_max", intSetter(256, 100'000'000,
                                                [](Config& c, std::int64_t v) {
                                                    c.store.queue.wal_frames_max =
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
        all.merge(opsSetters());  // operations (issue 8)
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

# JSON-over-HTTP terminal API (docs/openapi.yaml): address and port, then its limits
# (terminal_api/http/http_limits.h).
http.address = 127.0.0.1
http.port = 8480
# Request threads, and accepted connections waiting for one (beyond: closed at once).
http.threads_max = 16
http.queued_max = 64
# Keep-alive: requests per connection and how long an idle connection stays open.
http.keep_alive_requests_max = 1000
http.keep_alive_timeout_ms = 15000
# Longest wait for one socket read of a request.
http.receive_timeout_ms = 10000
# Request size: body bytes (larger: 413), header fields, header bytes, JSON nesting, JSON
# members per body, bytes of any JSON string.
http.body_bytes_max = 8192
http.headers_max = 32
http.header_bytes_max = 8192
http.json_depth_max = 4
http.json_fields_max = 16
http.string_field_bytes_max = 64
# Largest amount in fen (ISO 8583 n12).
http.amount_minor_max = 999999999999
# Replay protection: allowed clock difference of a signed request, nonces remembered, and the
# width of the nonce cache's time buckets (at most the clock difference).
http.clock_skew_ms = 300000
http.replay_entries_max = 1000000
http.replay_bucket_ms = 10000
# Terminals (with their HTTP keys) cached, and how long before a cached one is read again.
http.terminals_cached_max = 100000
http.terminal_cache_ttl_ms = 60000
# Retry-After (seconds) on 503 answers when the writer is overloaded.
http.retry_after_s = 1

# Database: full = every commit is fsynced before anyone is told (durable); normal = faster,
# may lose the last commits on power loss. Keep full in production.
db.synchronous = full
# SQLite page cache of the writer, in 4 KiB pages (32 MiB; readers have 4 MiB each). Bigger is
# not faster: SQLite walks the whole cache at the end of any transaction that split a B-tree
# page (measured with 1,000,000 cards: 128 MiB gave 5,300 purchases/s, 16-32 MiB 6,500/s); the
# pages the cache misses come from the operating system's file cache.
db.cache_pages = 8192

# Engine (issue 7): sqlite (embedded, one node; the database is DATA/yika.db) or postgresql
# (several yikad nodes on one database; docs/deployment.md). db.url is the libpq connection
# string, e.g. host=db.internal dbname=yika user=yika (keep the password in ~/.pgpass or
# PGPASSFILE, not here). Read connections open at once and how long a request waits for one;
# connect timeout (libpq counts whole seconds, at least 2); after a failed connection attempt
# requests fail at once (ISO 8583 96, HTTP 503) for db.reconnect_interval_ms before the next
# attempt; a writer batch waits at most db.lock_timeout_ms for a row another node holds, then
# the operation is retried alone; db.statement_timeout_ms = 0: no limit.
db.engine = sqlite
db.url =
db.pool_max = 32
db.pool_wait_ms = 2000
db.connect_timeout_ms = 3000
db.reconnect_interval_ms = 500
db.lock_timeout_ms = 200
db.statement_timeout_ms = 0

# Single writer with group commit: operations per transaction, waiting operations before
# requests are refused (HTTP 503 / ISO 8583 96), background WAL checkpoint period, and the
# WAL size (4 KiB frames) above which the WAL should start again (under steady load it would
# otherwise grow without bound). Then the background checkpointer runs back to back until a
# pass leaves at most wal_reset_ready_frames behind, and the writer copies those few itself
# (commits wait for it); past wal_frames_max the writer does not wait for that.
writer.batch_ops_max = 1024
writer.queue_ops_max = 65536
writer.checkpoint_interval_ms = 1000
writer.wal_reset_frames = 16384
writer.wal_reset_ready_frames = 512
# With db.synchronous = full: the writer starts its next batch while a second thread fsyncs the
# WAL and then answers the batches it covered (nothing is answered before it is on disk; other
# readers may see a commit up to one fsync early). false: the writer waits for each fsync.
writer.pipelined_sync = true
writer.wal_frames_max = 65536

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

# --- operations (issue 8) ---
# Health and metrics listener (docs/operations.md): GET /healthz, /readyz, /metrics (Prometheus
# text). Keep it on a private address: metrics reveal traffic volumes.
ops.enabled = true
ops.address = 127.0.0.1
ops.port = 8489
ops.threads_max = 2
# On SIGTERM: how long in-flight terminal requests may take to finish before yikad stops anyway.
ops.shutdown_grace_ms = 10000
# yikad backup: database pages (4 KiB) copied per step; the writer may run between steps.
ops.backup_pages_per_step = 1024

# Logs: one JSON object per line. Level debug, info, warn or error; file empty = stderr (journald
# under systemd), else the file is appended to (reopen it after rotation by restarting, or use
# copytruncate).
log.level = info
log.file =

# Cardholder portal (网上账户) and web-shop payment API (docs/portal-api.md), on its own
# listener and threads. public_url is the base of payment links given to shops (empty:
# http://address:port).
portal.address = 127.0.0.1
portal.port = 8482
portal.public_url =
# Request threads, connections waiting for one, socket read and keep-alive timeouts, request
# body bytes, bytes of any JSON string (URLs), and how long an idle session lasts.
portal.threads_max = 8
portal.queued_max = 64
portal.receive_timeout_ms = 10000
portal.keep_alive_timeout_ms = 15000
portal.body_bytes_max = 4096
portal.json_string_bytes_max = 512
portal.session_ttl_ms = 1800000
# argon2id password hashing runs on its own small pool, apart from the terminal path: workers,
# waiting hashes beyond which logins are told to try again (503), passes and memory per hash,
# and the shortest password.
portal.password_threads = 2
portal.password_queue_max = 32
portal.password_ops = 2
portal.password_mem_kib = 65536
portal.password_bytes_min = 8
# Rate limits per window: logins per account and per client address, card bindings per account
# and per address, and the counters kept in memory.
portal.rate_window_ms = 600000
portal.login_per_account_max = 10
portal.login_per_address_max = 50
portal.bind_per_account_max = 10
portal.bind_per_address_max = 30
portal.rate_entries_max = 100000
# Cards one account may bind, and history rows a page shows.
portal.cards_per_account_max = 20
portal.history_rows_max = 50
# Payment orders: default and longest life of an order a shop creates.
portal.order_ttl_default_ms = 1800000
portal.order_ttl_max_ms = 604800000
# Shop request signatures: allowed clock difference, nonces remembered, nonce cache buckets.
portal.clock_skew_ms = 300000
portal.replay_entries_max = 100000
portal.replay_bucket_ms = 10000
# Signed callbacks to shops: attempts, first and longest backoff, timeout per attempt, and how
# often the dispatcher looks for due callbacks.
portal.callback_attempts_max = 8
portal.callback_backoff_ms = 1000
portal.callback_backoff_max_ms = 600000
portal.callback_timeout_ms = 5000
portal.callback_poll_ms = 500
# Retry-After (seconds) on 503 answers, shops' keys cached and how long before one is re-read.
portal.retry_after_s = 1
portal.shops_cached_max = 10000
portal.shop_cache_ttl_ms = 60000

# --- admin API (issue 6) ---
# The back office's JSON API (docs/admin-api.md), on its own listener and threads. Keep it on a
# private address. Request threads and waiting connections; read and keep-alive timeouts;
# request size (body bytes, JSON nesting, JSON values per body, bytes of any JSON string).
admin.enabled = true
admin.address = 127.0.0.1
admin.port = 8481
admin.threads_max = 8
admin.queued_max = 32
admin.receive_timeout_ms = 10000
admin.keep_alive_timeout_ms = 15000
admin.body_bytes_max = 65536
admin.json_depth_max = 4
admin.json_nodes_max = 2048
admin.json_string_bytes_max = 1024
# Operator sessions end this long after login (a working shift).
admin.session_ttl_ms = 28800000
# argon2id for operator passwords on its own small pool (beyond it: 503), its cost, the
# shortest password, and the lock after consecutive failed logins.
admin.password_threads = 1
admin.password_queue_max = 8
admin.password_ops = 3
admin.password_mem_kib = 65536
admin.password_bytes_min = 12
admin.login_failures_max = 5
admin.login_lock_ms = 900000
# Rows per listing page and per card history; production batches generated at once; the
# Retry-After of 503 answers.
admin.page_rows_max = 500
admin.history_rows_max = 200
admin.generation_jobs_max = 1
admin.retry_after_s = 1
# The payout-result and bank-statement imports (POST /v1/payout-results, /v1/bank-statements)
# take bodies up to this size; every other route keeps admin.body_bytes_max. The dashboard's
# figures are recomputed at most once per admin.dashboard_cache_ms.
admin.import_bytes_max = 4194304
admin.dashboard_cache_ms = 5000

# --- business day and back office (issue 5, docs/day-close.md) ---
# Cut-off (日切): the business date ends at day.cutoff_time (HH:MM, China Standard Time; 00:00
# = the midnight that ends it); with day.auto_cutoff yikad serve cuts off then, otherwise only an
# operator does (yikad day cutoff). Expiry and breakage commit day.chunk_cards cards at a time.
day.auto_cutoff = true
day.cutoff_time = 23:00
day.chunk_cards = 20000
# A merchant's invoice for a month's settlement is overdue this many days after the month.
invoice.merchant_due_days = 30
)";
}

// --- operations (issue 8): environment overrides ---
namespace {

std::string upper(std::string text) {
    for (char& ch : text) {
        if (ch == '.') ch = '_';
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    }
    return text;
}

// Applies YIKA_* overrides; InvalidArgument naming the variable and its key.
Status applyEnvironment(Config& config, const Environment& env) {
    std::map<std::string, std::string> by_name;  // YIKA_POS_PORT -> pos.port
    std::set<std::string> sections;              // YIKA_POS_
    for (const auto& [key, setter] : setters()) {
        by_name.emplace(environmentName(key), key);
        sections.insert("YIKA_" + upper(key.substr(0, key.find('.'))) + "_");
    }
    for (const auto& [name, value] : env) {
        auto it = by_name.find(name);
        if (it == by_name.end()) {
            for (const std::string& section : sections) {
                if (name.rfind(section, 0) == 0) {
                    return makeError(ErrorCode::InvalidArgument,
                                     "environment: unknown setting " + name);
                }
            }
            continue;
        }
        if (!setters().at(it->second)(config, value)) {
            return makeError(
                ErrorCode::InvalidArgument,
                "environment: bad value '" + value + "' for " + name + " ('" + it->second + "')");
        }
    }
    return Ok{};
}

// A key set twice: Poco keeps the last silently, which hides an operator's edit. Scans the
// file's lines as the properties format has them (comments '#' '!', "key = v" or "key: v",
// a trailing backslash continues a line).
Status checkDuplicates(const std::string& path) {
    std::ifstream in(path);
    std::map<std::string, int> first_line;
    std::string line;
    bool continued = false;
    for (int number = 1; std::getline(in, line); ++number) {
        const bool was_continued = continued;
        continued = !line.empty() && line.back() == '\\';
        auto start = line.find_first_not_of(" \t");
        if (was_continued || start == std::string::npos || line[start] == '#' ||
            line[start] == '!') {
            continue;
        }
        auto end = line.find_first_of("=: \t", start);
        std::string key = line.substr(start, end == std::string::npos ? end : end - start);
        auto [it, inserted] = first_line.emplace(key, number);
        if (!inserted) {
            return makeError(ErrorCode::InvalidArgument, path + ": setting '" + key +
                                                             "' appears twice (lines " +
                                                             std::to_string(it->second) + " and " +
                                                             std::to_string(number) + ")");
        }
    }
    return Ok{};
}

}  // namespace

std::string environmentName(const std::string& key) { return "YIKA_" + upper(key); }

Environment processEnvironment() {
    Environment out;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        std::string_view entry(*e);
        if (entry.rfind("YIKA_", 0) != 0) continue;
        auto eq = entry.find('=');
        if (eq == std::string_view::npos) continue;
        out.emplace_back(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
    }
    return out;
}

std::vector<std::string> configKeys() {
    std::vector<std::string> keys;
    for (const auto& [key, setter] : setters()) keys.push_back(key);
    return keys;
}

std::optional<std::string> configValueText(const Config& config, const std::string& key) {
    auto it = formatters().find(key);
    if (it == formatters().end()) return std::nullopt;
    return it->second(config);
}
// --- end operations (issue 8) ---

Result<Config> loadConfig(const std::string& path, const Environment& env) {
    Config config;
    Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> file;
    try {
        file = new Poco::Util::PropertyFileConfiguration(path);
    } catch (const Poco::Exception& e) {
        return makeError(ErrorCode::InvalidArgument,
                         "cannot read " + path + ": " + e.displayText());
    }
    if (Status unique = checkDuplicates(path); !unique) return unique.error();  // issue 8
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
    if (Status overridden = applyEnvironment(config, env); !overridden) {  // issue 8
        return overridden.error();
    }
    if (config.store.queue.wal_frames_max < config.store.queue.wal_reset_frames) {
        return makeError(ErrorCode::InvalidArgument,
                         path + ": writer.wal_frames_max must be at least writer.wal_reset_frames");
    }
    if (Status limits = http::validateLimits(config.http.limits); !limits) {
        return makeError(ErrorCode::InvalidArgument, path + ": " + limits.error().detail);
    }
    if (Status limits = portal::validatePortalLimits(config.portal.limits); !limits) {
        return makeError(ErrorCode::InvalidArgument, path + ": " + limits.error().detail);
    }
    if (Status limits = admin::validateAdminLimits(config.admin.limits); !limits) {  // issue 6
        return makeError(ErrorCode::InvalidArgument, path + ": " + limits.error().detail);
    }
    return config;
}

}  // namespace yika::server
