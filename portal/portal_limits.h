#pragma once

// Every limit of the cardholder portal and the web-shop API (portal.* settings), with its
// default. The portal has its own listener and thread pool, and its own small pool for password
// hashing, so that a storm of logins cannot take threads or CPU from the terminal listeners.

#include "card_core/domain/result.h"

#include <cstdint>
#include <span>
#include <string_view>

namespace yika::portal {

struct PortalLimits {
    std::int64_t threads_max = 8;                      // portal.threads_max: request threads
    std::int64_t queued_max = 64;                      // portal.queued_max: connections waiting
    std::int64_t receive_timeout_ms = 10'000;          // portal.receive_timeout_ms
    std::int64_t keep_alive_timeout_ms = 15'000;       // portal.keep_alive_timeout_ms
    std::int64_t body_bytes_max = 4096;                // portal.body_bytes_max
    std::int64_t json_string_bytes_max = 512;          // portal.json_string_bytes_max (URLs)
    std::int64_t session_ttl_ms = 30 * 60'000;         // portal.session_ttl_ms: idle sessions end
    std::int64_t password_threads = 2;                 // portal.password_threads: argon2id workers
    std::int64_t password_queue_max = 32;              // portal.password_queue_max: beyond: 503
    std::int64_t password_ops = 2;                     // portal.password_ops: argon2id passes
    std::int64_t password_mem_kib = 65'536;            // portal.password_mem_kib: argon2id memory
    std::int64_t password_bytes_min = 8;               // portal.password_bytes_min
    std::int64_t rate_window_ms = 600'000;             // portal.rate_window_ms: rate limit window
    std::int64_t login_per_account_max = 10;           // portal.login_per_account_max per window
    std::int64_t login_per_address_max = 50;           // portal.login_per_address_max per window
    std::int64_t bind_per_account_max = 10;            // portal.bind_per_account_max per window
    std::int64_t bind_per_address_max = 30;            // portal.bind_per_address_max per window
    std::int64_t rate_entries_max = 100'000;           // portal.rate_entries_max: counters kept
    std::int64_t cards_per_account_max = 20;           // portal.cards_per_account_max
    std::int64_t history_rows_max = 50;                // portal.history_rows_max
    std::int64_t order_ttl_default_ms = 1'800'000;     // portal.order_ttl_default_ms
    std::int64_t order_ttl_max_ms = 7 * 86'400'000LL;  // portal.order_ttl_max_ms
    std::int64_t clock_skew_ms = 300'000;              // portal.clock_skew_ms: shop signatures
    std::int64_t replay_entries_max = 100'000;         // portal.replay_entries_max
    std::int64_t replay_bucket_ms = 10'000;            // portal.replay_bucket_ms
    std::int64_t callback_attempts_max = 8;            // portal.callback_attempts_max
    std::int64_t callback_backoff_ms = 1000;           // portal.callback_backoff_ms: first delay
    std::int64_t callback_backoff_max_ms = 600'000;    // portal.callback_backoff_max_ms
    std::int64_t callback_timeout_ms = 5000;           // portal.callback_timeout_ms
    std::int64_t callback_poll_ms = 500;               // portal.callback_poll_ms
    std::int64_t retry_after_s = 1;                    // portal.retry_after_s on 503
    std::int64_t shops_cached_max = 10'000;            // portal.shops_cached_max: shop keys
    std::int64_t shop_cache_ttl_ms = 60'000;           // portal.shop_cache_ttl_ms: re-read after
};

Status validatePortalLimits(const PortalLimits& limits);

struct PortalLimitSetting {
    std::string_view key;  // "portal.threads_max"
    std::int64_t min;
    std::int64_t max;
    std::int64_t PortalLimits::*field;
};

// Every setting above with its bounds, for the configuration loader.
std::span<const PortalLimitSetting> portalLimitSettings();

}  // namespace yika::portal
