#include "terminal_api/term/latency_histogram.h"

#include "card_core/domain/assert.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace yika::term {

namespace {

// log2(kExactValues): values of this bit width or more go into log-linear buckets.
constexpr int kExactBits = 6;
// log2(kSubBuckets).
constexpr int kSubBucketBits = 5;

static_assert(std::uint64_t{1} << kExactBits == LatencyHistogram::kExactValues);
static_assert(std::uint64_t{1} << kSubBucketBits == LatencyHistogram::kSubBuckets);

}  // namespace

std::size_t LatencyHistogram::bucketOf(std::uint64_t value) {
    if (value < kExactValues) {
        return static_cast<std::size_t>(value);
    }
    // exponent is 6..63; the top kSubBucketBits + 1 bits give the sub-bucket.
    const int exponent = static_cast<int>(std::bit_width(value)) - 1;
    const int shift = exponent - kSubBucketBits;
    const std::uint64_t mantissa = (value >> shift) - kSubBuckets;  // 0..31
    return kExactValues + static_cast<std::size_t>(exponent - kExactBits) * kSubBuckets +
           static_cast<std::size_t>(mantissa);
}

std::uint64_t LatencyHistogram::bucketHighest(std::size_t bucket) {
    YIKA_ASSERT(bucket < kBuckets);
    if (bucket < kExactValues) {
        return bucket;
    }
    const std::size_t offset = bucket - kExactValues;
    const int exponent = static_cast<int>(offset / kSubBuckets) + kExactBits;
    const std::uint64_t mantissa = offset % kSubBuckets + kSubBuckets;
    const int shift = exponent - kSubBucketBits;
    const std::uint64_t lowest = mantissa << shift;
    return lowest + ((std::uint64_t{1} << shift) - 1);
}

void LatencyHistogram::record(std::uint64_t value) {
    ++counts_[bucketOf(value)];
    ++count_;
    max_ = std::max(max_, value);
    min_ = std::min(min_, value);
}

void LatencyHistogram::add(const LatencyHistogram& other) {
    for (std::size_t i = 0; i < kBuckets; ++i) {
        counts_[i] += other.counts_[i];
    }
    count_ += other.count_;
    max_ = std::max(max_, other.max_);
    min_ = std::min(min_, other.min_);
}

std::uint64_t LatencyHistogram::percentile(double percent) const {
    YIKA_ASSERT(percent >= 0.0 && percent <= 100.0);
    if (count_ == 0) {
        return 0;
    }
    // The rank of the value sought, 1-based: at least one value is always included.
    const auto rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(percent / 100.0 * static_cast<double>(count_))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
        seen += counts_[i];
        if (seen >= rank) {
            return std::min(bucketHighest(i), max_);
        }
    }
    return max_;
}

}  // namespace yika::term
