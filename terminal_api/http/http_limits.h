#pragma once

// Every limit of the HTTP acceptance API, named and configurable (style guide section 5).
// Each field's comment gives its configuration key (yikad.properties) and default; the server
// registers them through httpLimitSettings() and checks them at start with validateLimits().

#include "card_core/domain/result.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace yika::http {

// Fixed by the protocol (docs/openapi.yaml), not by configuration.
inline constexpr std::size_t kNonceCharsMin = 16;
inline constexpr std::size_t kNonceCharsMax = 64;
inline constexpr std::size_t kIdempotencyKeyCharsMin = 1;
inline constexpr std::size_t kIdempotencyKeyCharsMax = 64;
inline constexpr std::size_t kTimestampDigitsMax = 15;  // Unix ms until the year 33658
inline constexpr std::size_t kSignatureHexChars = 64;   // HMAC-SHA256
inline constexpr std::size_t kPanDigitsMin = 13;        // ISO/IEC 7812
inline constexpr std::size_t kPanDigitsMax = 19;
inline constexpr std::size_t kPinDigits = 6;  // every Yika card has a 6-digit PIN
inline constexpr int kBatchNoMax = 999'999;   // as ISO 8583 field 60.2
// Poco's request parser refuses more header fields than this before our handler runs; our own
// limit must not be larger or it would never apply.
inline constexpr std::int64_t kPocoHeaderFieldsMax = 100;

struct HttpApiLimits {
    std::int64_t threads_max = 16;                // http.threads_max: request threads
    std::int64_t queued_max = 64;                 // http.queued_max: accepted connections waiting
    std::int64_t keep_alive_requests_max = 1000;  // http.keep_alive_requests_max
    std::int64_t keep_alive_timeout_ms = 15'000;  // http.keep_alive_timeout_ms
    std::int64_t receive_timeout_ms = 10'000;     // http.receive_timeout_ms: per socket read
    std::int64_t body_bytes_max = 8 * 1024;       // http.body_bytes_max: larger bodies get 413
    std::int64_t headers_max = 32;                // http.headers_max: header fields per request
    std::int64_t header_bytes_max = 8 * 1024;     // http.header_bytes_max: names + values
    std::int64_t json_depth_max = 4;              // http.json_depth_max: parser nesting bound
    std::int64_t json_fields_max = 16;            // http.json_fields_max: members per body
    std::int64_t string_field_bytes_max = 64;     // http.string_field_bytes_max: any JSON string
    std::int64_t amount_minor_max = 999'999'999'999;  // http.amount_minor_max (ISO 8583 n12)
    std::int64_t clock_skew_ms = 300'000;             // http.clock_skew_ms: |now - timestamp| bound
    std::int64_t replay_entries_max = 1'000'000;      // http.replay_entries_max: nonces remembered
    std::int64_t replay_bucket_ms = 10'000;           // http.replay_bucket_ms: nonce cache buckets
    std::int64_t terminals_cached_max = 100'000;      // http.terminals_cached_max
    std::int64_t terminal_cache_ttl_ms = 60'000;      // http.terminal_cache_ttl_ms: re-read after
    std::int64_t retry_after_s = 1;                   // http.retry_after_s: on 503 answers
};

// InvalidArgument naming the key when a limit is out of its range (httpLimitSettings()) or two
// limits contradict each other (a bucket wider than the skew window, more header fields than
// Poco parses).
Status validateLimits(const HttpApiLimits& limits);

// One configurable limit: its key, its allowed range and the field it sets.
struct HttpLimitSetting {
    std::string_view key;  // "http.threads_max"
    std::int64_t min;
    std::int64_t max;
    std::int64_t HttpApiLimits::*field;
};

// Every limit above, for the server's configuration loader.
std::span<const HttpLimitSetting> httpLimitSettings();

}  // namespace yika::http
