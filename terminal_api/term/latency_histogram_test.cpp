#include "terminal_api/term/latency_histogram.h"

#include <gtest/gtest.h>

#include <random>

namespace yika::term {
namespace {

TEST(LatencyHistogram, EmptyReportsZero) {
    const LatencyHistogram h;
    EXPECT_EQ(h.count(), 0U);
    EXPECT_EQ(h.percentile(50), 0U);
    EXPECT_EQ(h.max(), 0U);
    EXPECT_EQ(h.min(), 0U);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
    LatencyHistogram h;
    for (std::uint64_t v = 1; v <= 60; ++v) {
        h.record(v);
    }
    EXPECT_EQ(h.percentile(50), 30U);
    EXPECT_EQ(h.percentile(100), 60U);
    EXPECT_EQ(h.percentile(0), 1U);
    EXPECT_EQ(h.min(), 1U);
}

TEST(LatencyHistogram, BucketsCoverEveryValueWithinOneThirtySecond) {
    std::mt19937_64 rng(42);
    std::size_t previous_bucket = 0;
    for (std::uint64_t v = 0; v < 100'000; ++v) {
        const std::size_t bucket = LatencyHistogram::bucketOf(v);
        EXPECT_GE(bucket, previous_bucket);  // monotonic
        previous_bucket = bucket;
    }
    for (int i = 0; i < 100'000; ++i) {
        const std::uint64_t v = rng() >> (rng() % 64);
        const std::size_t bucket = LatencyHistogram::bucketOf(v);
        ASSERT_LT(bucket, LatencyHistogram::kBuckets);
        const std::uint64_t highest = LatencyHistogram::bucketHighest(bucket);
        ASSERT_GE(highest, v);
        ASSERT_LE(highest - v, v / 32) << v;
    }
    EXPECT_EQ(LatencyHistogram::bucketOf(UINT64_MAX), LatencyHistogram::kBuckets - 1);
    EXPECT_EQ(LatencyHistogram::bucketHighest(LatencyHistogram::kBuckets - 1), UINT64_MAX);
}

TEST(LatencyHistogram, PercentilesOfAUniformSpread) {
    LatencyHistogram h;
    for (std::uint64_t v = 1; v <= 10'000; ++v) {
        h.record(v * 10);  // 10 us .. 100 ms
    }
    const auto near = [](std::uint64_t got, std::uint64_t want) {
        return got >= want && got <= want + want / 32;
    };
    EXPECT_TRUE(near(h.percentile(50), 50'000)) << h.percentile(50);
    EXPECT_TRUE(near(h.percentile(90), 90'000)) << h.percentile(90);
    EXPECT_TRUE(near(h.percentile(99), 99'000)) << h.percentile(99);
    EXPECT_EQ(h.percentile(100), 100'000U);
    EXPECT_EQ(h.max(), 100'000U);
}

TEST(LatencyHistogram, AddMerges) {
    LatencyHistogram a;
    LatencyHistogram b;
    a.record(10);
    b.record(1000);
    b.record(5);
    a.add(b);
    EXPECT_EQ(a.count(), 3U);
    EXPECT_EQ(a.max(), 1000U);
    EXPECT_EQ(a.min(), 5U);
}

}  // namespace
}  // namespace yika::term
