#include "terminal_api/http/replay_cache.h"

#include "card_core/domain/assert.h"
#include "crypto/random.h"

#include <sodium.h>

#include <array>
#include <cstring>

namespace yika::http {

namespace {

// floor(t / width) for negative t as well (timestamps come from the network).
std::int64_t floorDiv(std::int64_t t, std::int64_t width) {
    std::int64_t q = t / width;
    return (t % width != 0 && t < 0) ? q - 1 : q;
}

}  // namespace

ReplayCache::ReplayCache(TimestampMs skew_ms, TimestampMs bucket_ms, std::int64_t entries_max)
    : skew_ms_(skew_ms), bucket_ms_(bucket_ms), entries_max_(entries_max) {
    YIKA_ASSERT(skew_ms > 0 && bucket_ms > 0 && bucket_ms <= skew_ms && entries_max > 0);
    crypto::ensureSodium();
}

ReplayCache::Key ReplayCache::keyOf(std::string_view tid, std::string_view nonce) {
    // The TID's length goes first so that ("AB", "CD...") and ("ABC", "D...") differ.
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, 16);
    const auto tid_len = static_cast<unsigned char>(tid.size());
    crypto_generichash_update(&state, &tid_len, 1);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(tid.data()),
                              tid.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(nonce.data()),
                              nonce.size());
    std::array<unsigned char, 16> digest{};
    crypto_generichash_final(&state, digest.data(), digest.size());
    Key key{};
    std::memcpy(&key.hi, digest.data(), 8);
    std::memcpy(&key.lo, digest.data() + 8, 8);
    return key;
}

void ReplayCache::dropStale(TimestampMs now_ms) {
    // Bucket b holds timestamps up to (b + 1) * bucket_ms - 1; once that is older than
    // now - skew, every request it remembers is refused by the time check anyway.
    while (!buckets_.empty()) {
        auto first = buckets_.begin();
        TimestampMs newest_ms = (first->first + 1) * bucket_ms_ - 1;
        if (newest_ms >= now_ms - skew_ms_) break;
        entries_ -= static_cast<std::int64_t>(first->second.size());
        buckets_.erase(first);
    }
    YIKA_ASSERT(entries_ >= 0);
}

ReplayCache::Admit ReplayCache::admit(std::string_view tid, std::string_view nonce,
                                      TimestampMs timestamp_ms, TimestampMs now_ms) {
    Key key = keyOf(tid, nonce);
    std::lock_guard lock(mutex_);
    dropStale(now_ms);
    // A nonce is single-use across the whole window, whatever timestamp it came with. At most
    // 2 * skew / bucket + 2 buckets are live, so this loop is bounded by the limits.
    for (const auto& [index, bucket] : buckets_) {
        if (bucket.contains(key)) return Admit::Replayed;
    }
    if (entries_ >= entries_max_) return Admit::Full;
    buckets_[floorDiv(timestamp_ms, bucket_ms_)].insert(key);
    entries_ += 1;
    return Admit::Fresh;
}

std::int64_t ReplayCache::size() const {
    std::lock_guard lock(mutex_);
    return entries_;
}

}  // namespace yika::http
