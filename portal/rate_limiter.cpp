#include "portal/rate_limiter.h"

#include "card_core/domain/assert.h"

namespace yika::portal {

RateLimiter::RateLimiter(TimestampMs window_ms, std::int64_t entries_max)
    : window_ms_(window_ms), entries_max_(entries_max) {
    YIKA_ASSERT(window_ms > 0 && entries_max > 0);
}

bool RateLimiter::admit(std::string_view key, std::int64_t max, TimestampMs now_ms) {
    std::lock_guard lock(mutex_);
    auto it = windows_.find(std::string(key));
    if (it == windows_.end()) {
        if (static_cast<std::int64_t>(windows_.size()) >= entries_max_) {
            std::erase_if(windows_, [&](const auto& kv) {
                return now_ms - kv.second.start_ms >= window_ms_;
            });
            if (static_cast<std::int64_t>(windows_.size()) >= entries_max_) return false;
        }
        it = windows_.emplace(std::string(key), Window{now_ms, 0}).first;
    }
    Window& w = it->second;
    if (now_ms - w.start_ms >= window_ms_) w = Window{now_ms, 0};
    if (w.count >= max) return false;
    w.count += 1;
    return true;
}

}  // namespace yika::portal
