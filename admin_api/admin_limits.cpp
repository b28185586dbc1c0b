#include "admin_api/admin_limits.h"

#include <array>
#include <string>

namespace yika::admin {

namespace {

using L = AdminLimits;
constexpr std::int64_t kDayMs = 86'400'000;

constexpr std::array kSettings = {
    AdminLimitSetting{"admin.threads_max", 1, 256, &L::threads_max},
    AdminLimitSetting{"admin.queued_max", 1, 10'000, &L::queued_max},
    AdminLimitSetting{"admin.receive_timeout_ms", 100, 600'000, &L::receive_timeout_ms},
    AdminLimitSetting{"admin.keep_alive_timeout_ms", 100, 600'000, &L::keep_alive_timeout_ms},
    AdminLimitSetting{"admin.body_bytes_max", 256, 16 << 20, &L::body_bytes_max},
    AdminLimitSetting{"admin.json_depth_max", 2, 16, &L::json_depth_max},
    AdminLimitSetting{"admin.json_nodes_max", 16, 1'000'000, &L::json_nodes_max},
    AdminLimitSetting{"admin.json_string_bytes_max", 64, 65'536, &L::json_string_bytes_max},
    AdminLimitSetting{"admin.session_ttl_ms", 60'000, 7 * kDayMs, &L::session_ttl_ms},
    AdminLimitSetting{"admin.password_threads", 1, 64, &L::password_threads},
    AdminLimitSetting{"admin.password_queue_max", 0, 10'000, &L::password_queue_max},
    AdminLimitSetting{"admin.password_ops", 1, 10, &L::password_ops},
    AdminLimitSetting{"admin.password_mem_kib", 8, 1 << 20, &L::password_mem_kib},
    AdminLimitSetting{"admin.password_bytes_min", 8, 128, &L::password_bytes_min},
    AdminLimitSetting{"admin.login_failures_max", 1, 100, &L::login_failures_max},
    AdminLimitSetting{"admin.login_lock_ms", 1000, kDayMs, &L::login_lock_ms},
    AdminLimitSetting{"admin.page_rows_max", 1, 100'000, &L::page_rows_max},
    AdminLimitSetting{"admin.history_rows_max", 1, 100'000, &L::history_rows_max},
    AdminLimitSetting{"admin.generation_jobs_max", 1, 16, &L::generation_jobs_max},
    AdminLimitSetting{"admin.retry_after_s", 1, 3600, &L::retry_after_s},
    AdminLimitSetting{"admin.import_bytes_max", 1024, 256 << 20, &L::import_bytes_max},
    AdminLimitSetting{"admin.dashboard_cache_ms", 0, 600'000, &L::dashboard_cache_ms},
};

}  // namespace

std::span<const AdminLimitSetting> adminLimitSettings() { return kSettings; }

Status validateAdminLimits(const AdminLimits& limits) {
    for (const AdminLimitSetting& s : kSettings) {
        std::int64_t v = limits.*(s.field);
        if (v < s.min || v > s.max) {
            return makeError(ErrorCode::InvalidArgument, std::string(s.key) + ": must be in [" +
                                                             std::to_string(s.min) + ", " +
                                                             std::to_string(s.max) + "]");
        }
    }
    return Ok{};
}

}  // namespace yika::admin
