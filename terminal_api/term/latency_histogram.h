#pragma once

// LatencyHistogram: a fixed-size log-linear histogram of latencies (any unit; the load generator
// records microseconds), in the manner of HdrHistogram. Values below 64 are exact; above, each
// power of two is split into 32 buckets, so a reported percentile is within 1/32 (about 3%)
// above the true value. Recording is O(1) with no allocation after construction; memory is
// fixed (kBuckets counters) whatever the range.
//
// Thread-safety: none; one histogram per thread, merged with add().

#include <array>
#include <cstddef>
#include <cstdint>

namespace yika::term {

class LatencyHistogram {
  public:
    static constexpr std::size_t kExactValues = 64;
    static constexpr std::size_t kSubBuckets = 32;
    static constexpr std::size_t kBuckets = kExactValues + (64 - 6) * kSubBuckets;

    void record(std::uint64_t value);
    // Adds every value recorded in `other`.
    void add(const LatencyHistogram& other);

    std::uint64_t count() const { return count_; }
    std::uint64_t max() const { return max_; }
    std::uint64_t min() const { return count_ == 0 ? 0 : min_; }
    // The smallest bucket bound below which at least `percent` % of the values lie (the
    // bucket's highest value, capped at max()); 0 when empty. Precondition: 0 <= percent <= 100.
    std::uint64_t percentile(double percent) const;

    // Bucket arithmetic, exposed for tests.
    static std::size_t bucketOf(std::uint64_t value);
    static std::uint64_t bucketHighest(std::size_t bucket);

  private:
    std::array<std::uint64_t, kBuckets> counts_{};
    std::uint64_t count_ = 0;
    std::uint64_t max_ = 0;
    std::uint64_t min_ = UINT64_MAX;
};

}  // namespace yika::term
