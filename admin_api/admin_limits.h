#pragma once

// Every limit of the admin API (admin.* settings), with its default. The admin API has its own
// listener, request threads and argon2id pool, so that back-office work never takes a thread
// or a core from the terminal listeners or the portal.

#include "card_core/domain/result.h"

#include <cstdint>
#include <span>
#include <string_view>

namespace yika::admin {

struct AdminLimits {
    std::int64_t threads_max = 8;                   // admin.threads_max: request threads
    std::int64_t queued_max = 32;                   // admin.queued_max: connections waiting
    std::int64_t receive_timeout_ms = 10'000;       // admin.receive_timeout_ms
    std::int64_t keep_alive_timeout_ms = 15'000;    // admin.keep_alive_timeout_ms
    std::int64_t body_bytes_max = 65'536;           // admin.body_bytes_max (larger: 413)
    std::int64_t json_depth_max = 4;                // admin.json_depth_max
    std::int64_t json_nodes_max = 2048;             // admin.json_nodes_max: values in one body
    std::int64_t json_string_bytes_max = 1024;      // admin.json_string_bytes_max
    std::int64_t session_ttl_ms = 8 * 3'600'000LL;  // admin.session_ttl_ms: a working shift
    std::int64_t password_threads = 1;              // admin.password_threads: argon2id workers
    std::int64_t password_queue_max = 8;            // admin.password_queue_max: beyond: 503
    std::int64_t password_ops = 3;                  // admin.password_ops: argon2id passes
    std::int64_t password_mem_kib = 65'536;         // admin.password_mem_kib: argon2id memory
    std::int64_t password_bytes_min = 12;           // admin.password_bytes_min
    std::int64_t login_failures_max = 5;            // admin.login_failures_max: then locked
    std::int64_t login_lock_ms = 15 * 60'000;       // admin.login_lock_ms
    std::int64_t page_rows_max = 500;               // admin.page_rows_max: rows per listing
    std::int64_t history_rows_max = 200;            // admin.history_rows_max: card history
    std::int64_t generation_jobs_max = 1;           // admin.generation_jobs_max: batches at once
    std::int64_t retry_after_s = 1;                 // admin.retry_after_s on 503
    // The two CSV imports (payout results, bank statements) only: their body and the "csv"
    // string in it may be this large; every other route keeps body_bytes_max.
    std::int64_t import_bytes_max = 4 << 20;  // admin.import_bytes_max
    // GET /v1/dashboard is polled by every desktop tool: its figures are computed at most once
    // per this many milliseconds (0: every time).
    std::int64_t dashboard_cache_ms = 5000;  // admin.dashboard_cache_ms
};

Status validateAdminLimits(const AdminLimits& limits);

struct AdminLimitSetting {
    std::string_view key;  // "admin.threads_max"
    std::int64_t min;
    std::int64_t max;
    std::int64_t AdminLimits::*field;
};

// Every setting above with its bounds, for the configuration loader.
std::span<const AdminLimitSetting> adminLimitSettings();

}  // namespace yika::admin
