#pragma once

// The nonces of authenticated requests, remembered for as long as their timestamps are inside
// the clock-skew window, so that a captured request cannot be replayed.
//
// A request's timestamp t must satisfy |now - t| <= skew, so a copy of it is refused by the
// time check once now > t + skew; until then its nonce must be remembered. Nonces live in
// buckets by timestamp (bucket = floor(t / bucket_ms)); a bucket whose newest possible
// timestamp is older than now - skew is dropped whole, which makes forgetting O(1) per bucket.
//
// Invariants:
//   R1. A nonce admitted at timestamp t is refused again (Replayed) while now <= t + skew.
//   R2. At most `entries_max` nonces are held. When the cache is full after dropping stale
//       buckets, admit() answers Full and remembers nothing: the caller refuses the request
//       (503) rather than forgetting a live nonce, which would reopen the replay window.
//
// Entries are 128-bit BLAKE2b hashes of (TID, nonce), so memory per entry is fixed whatever the
// nonce length; a collision between two different nonces (about 2^-64 at a billion entries)
// would refuse one request as a replay, never accept a replay.
//
// Thread-safe (one mutex; admit() is a few hash-set operations).

#include "card_core/domain/time.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <string_view>
#include <unordered_set>

namespace yika::http {

class ReplayCache {
  public:
    enum class Admit : std::uint8_t { Fresh, Replayed, Full };

    // Preconditions (asserted): skew_ms > 0, 0 < bucket_ms <= skew_ms, entries_max > 0.
    ReplayCache(TimestampMs skew_ms, TimestampMs bucket_ms, std::int64_t entries_max);

    // Records (tid, nonce) seen with `timestamp_ms` (already checked to be within the window
    // around `now_ms`). Fresh: first time seen, now remembered. Replayed: seen within the
    // window. Full: see R2.
    Admit admit(std::string_view tid, std::string_view nonce, TimestampMs timestamp_ms,
                TimestampMs now_ms);

    std::int64_t size() const;

  private:
    struct Key {
        std::uint64_t hi;
        std::uint64_t lo;
        friend bool operator==(const Key&, const Key&) = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const { return static_cast<std::size_t>(k.lo); }
    };
    using Bucket = std::unordered_set<Key, KeyHash>;

    static Key keyOf(std::string_view tid, std::string_view nonce);
    void dropStale(TimestampMs now_ms);  // requires mutex_

    const TimestampMs skew_ms_;
    const TimestampMs bucket_ms_;
    const std::int64_t entries_max_;

    mutable std::mutex mutex_;
    std::map<std::int64_t, Bucket> buckets_;  // GUARDED_BY(mutex_), by bucket index
    std::int64_t entries_ = 0;                // GUARDED_BY(mutex_)
};

}  // namespace yika::http
