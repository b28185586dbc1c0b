#pragma once

// Fixed-window rate limits by key ("login-account:13800138000", "bind-address:10.0.0.7"): at
// most `max` attempts per key per window. At most `entries_max` keys are remembered; when full,
// expired windows are dropped, and if none is expired a new key is refused (fail closed: an
// attacker who fills the table gets no free attempts). Thread-safe.

#include "card_core/domain/time.h"

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace yika::portal {

class RateLimiter {
  public:
    RateLimiter(TimestampMs window_ms, std::int64_t entries_max);

    // Counts one attempt under `key`; false (not counted) if `max` were already made in the
    // current window.
    bool admit(std::string_view key, std::int64_t max, TimestampMs now_ms);

  private:
    struct Window {
        TimestampMs start_ms = 0;
        std::int64_t count = 0;
    };
    const TimestampMs window_ms_;
    const std::int64_t entries_max_;
    std::mutex mutex_;
    std::unordered_map<std::string, Window> windows_;
};

}  // namespace yika::portal
