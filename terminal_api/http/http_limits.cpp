#include "terminal_api/http/http_limits.h"

#include <array>
#include <string>

namespace yika::http {

namespace {

using L = HttpApiLimits;

// The ranges are what the code was tested and sized for: each bound keeps a resource (threads,
// memory per request, memory of the replay cache) within what one host can give.
constexpr std::array<HttpLimitSetting, 18> kSettings = {{
    {"http.threads_max", 1, 1024, &L::threads_max},
    {"http.queued_max", 1, 65'536, &L::queued_max},
    {"http.keep_alive_requests_max", 1, 1'000'000, &L::keep_alive_requests_max},
    {"http.keep_alive_timeout_ms", 100, 600'000, &L::keep_alive_timeout_ms},
    {"http.receive_timeout_ms", 100, 600'000, &L::receive_timeout_ms},
    {"http.body_bytes_max", 256, 1024 * 1024, &L::body_bytes_max},
    {"http.headers_max", 8, kPocoHeaderFieldsMax, &L::headers_max},
    {"http.header_bytes_max", 512, 64 * 1024, &L::header_bytes_max},
    {"http.json_depth_max", 1, 64, &L::json_depth_max},
    {"http.json_fields_max", 8, 256, &L::json_fields_max},
    {"http.string_field_bytes_max", 64, 4096, &L::string_field_bytes_max},
    {"http.amount_minor_max", 1, 999'999'999'999, &L::amount_minor_max},
    {"http.clock_skew_ms", 1000, 3'600'000, &L::clock_skew_ms},
    {"http.replay_entries_max", 1000, 100'000'000, &L::replay_entries_max},
    {"http.replay_bucket_ms", 100, 600'000, &L::replay_bucket_ms},
    {"http.terminals_cached_max", 1, 10'000'000, &L::terminals_cached_max},
    {"http.terminal_cache_ttl_ms", 0, 86'400'000, &L::terminal_cache_ttl_ms},
    {"http.retry_after_s", 1, 3600, &L::retry_after_s},
}};

Error invalid(std::string detail) {
    return makeError(ErrorCode::InvalidArgument, std::move(detail));
}

}  // namespace

std::span<const HttpLimitSetting> httpLimitSettings() { return kSettings; }

Status validateLimits(const HttpApiLimits& limits) {
    for (const HttpLimitSetting& s : kSettings) {
        std::int64_t v = limits.*(s.field);
        if (v < s.min || v > s.max) {
            return invalid(std::string(s.key) + ": " + std::to_string(v) + " is outside " +
                           std::to_string(s.min) + ".." + std::to_string(s.max));
        }
    }
    if (limits.replay_bucket_ms > limits.clock_skew_ms) {
        // A bucket is dropped only when all of it is older than the window; wider buckets
        // would keep nonces for much longer than the window and waste the cache.
        return invalid("http.replay_bucket_ms: must not exceed http.clock_skew_ms");
    }
    // The longest JSON string we ever need is the idempotency key of a reversal body.
    static_assert(kIdempotencyKeyCharsMax <= 64, "string_field_bytes_max minimum covers it");
    return Ok{};
}

}  // namespace yika::http
