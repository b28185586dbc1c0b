#include "portal/portal_limits.h"

#include <array>
#include <string>

namespace yika::portal {

namespace {

using L = PortalLimits;
constexpr std::int64_t kDayMs = 86'400'000;

constexpr std::array kSettings = {
    PortalLimitSetting{"portal.threads_max", 1, 256, &L::threads_max},
    PortalLimitSetting{"portal.queued_max", 1, 10'000, &L::queued_max},
    PortalLimitSetting{"portal.receive_timeout_ms", 100, 600'000, &L::receive_timeout_ms},
    PortalLimitSetting{"portal.keep_alive_timeout_ms", 100, 600'000, &L::keep_alive_timeout_ms},
    PortalLimitSetting{"portal.body_bytes_max", 256, 1 << 20, &L::body_bytes_max},
    PortalLimitSetting{"portal.json_string_bytes_max", 64, 4096, &L::json_string_bytes_max},
    PortalLimitSetting{"portal.session_ttl_ms", 60'000, kDayMs, &L::session_ttl_ms},
    PortalLimitSetting{"portal.password_threads", 1, 64, &L::password_threads},
    PortalLimitSetting{"portal.password_queue_max", 0, 10'000, &L::password_queue_max},
    PortalLimitSetting{"portal.password_ops", 1, 10, &L::password_ops},
    PortalLimitSetting{"portal.password_mem_kib", 8, 1 << 20, &L::password_mem_kib},
    PortalLimitSetting{"portal.password_bytes_min", 6, 64, &L::password_bytes_min},
    PortalLimitSetting{"portal.rate_window_ms", 1000, kDayMs, &L::rate_window_ms},
    PortalLimitSetting{"portal.login_per_account_max", 1, 1'000'000, &L::login_per_account_max},
    PortalLimitSetting{"portal.login_per_address_max", 1, 1'000'000, &L::login_per_address_max},
    PortalLimitSetting{"portal.bind_per_account_max", 1, 1'000'000, &L::bind_per_account_max},
    PortalLimitSetting{"portal.bind_per_address_max", 1, 1'000'000, &L::bind_per_address_max},
    PortalLimitSetting{"portal.rate_entries_max", 100, 10'000'000, &L::rate_entries_max},
    PortalLimitSetting{"portal.cards_per_account_max", 1, 1000, &L::cards_per_account_max},
    PortalLimitSetting{"portal.history_rows_max", 1, 1000, &L::history_rows_max},
    PortalLimitSetting{"portal.order_ttl_default_ms", 60'000, 30 * kDayMs,
                       &L::order_ttl_default_ms},
    PortalLimitSetting{"portal.order_ttl_max_ms", 60'000, 30 * kDayMs, &L::order_ttl_max_ms},
    PortalLimitSetting{"portal.clock_skew_ms", 1000, 3'600'000, &L::clock_skew_ms},
    PortalLimitSetting{"portal.replay_entries_max", 100, 100'000'000, &L::replay_entries_max},
    PortalLimitSetting{"portal.replay_bucket_ms", 100, 3'600'000, &L::replay_bucket_ms},
    PortalLimitSetting{"portal.callback_attempts_max", 1, 100, &L::callback_attempts_max},
    PortalLimitSetting{"portal.callback_backoff_ms", 10, 3'600'000, &L::callback_backoff_ms},
    PortalLimitSetting{"portal.callback_backoff_max_ms", 10, kDayMs, &L::callback_backoff_max_ms},
    PortalLimitSetting{"portal.callback_timeout_ms", 100, 60'000, &L::callback_timeout_ms},
    PortalLimitSetting{"portal.callback_poll_ms", 10, 60'000, &L::callback_poll_ms},
    PortalLimitSetting{"portal.retry_after_s", 1, 3600, &L::retry_after_s},
    PortalLimitSetting{"portal.shops_cached_max", 1, 10'000'000, &L::shops_cached_max},
    PortalLimitSetting{"portal.shop_cache_ttl_ms", 1000, kDayMs, &L::shop_cache_ttl_ms},
};

}  // namespace

std::span<const PortalLimitSetting> portalLimitSettings() { return kSettings; }

Status validatePortalLimits(const PortalLimits& limits) {
    for (const PortalLimitSetting& s : kSettings) {
        std::int64_t v = limits.*(s.field);
        if (v < s.min || v > s.max) {
            return makeError(ErrorCode::InvalidArgument, std::string(s.key) + ": must be in [" +
                                                             std::to_string(s.min) + ", " +
                                                             std::to_string(s.max) + "]");
        }
    }
    if (limits.order_ttl_default_ms > limits.order_ttl_max_ms) {
        return makeError(ErrorCode::InvalidArgument,
                         "portal.order_ttl_default_ms: at most portal.order_ttl_max_ms");
    }
    if (limits.replay_bucket_ms > limits.clock_skew_ms) {
        return makeError(ErrorCode::InvalidArgument,
                         "portal.replay_bucket_ms: at most portal.clock_skew_ms");
    }
    if (limits.callback_backoff_ms > limits.callback_backoff_max_ms) {
        return makeError(ErrorCode::InvalidArgument,
                         "portal.callback_backoff_ms: at most portal.callback_backoff_max_ms");
    }
    return Ok{};
}

}  // namespace yika::portal
