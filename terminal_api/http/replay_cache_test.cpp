#include "terminal_api/http/replay_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace yika::http {
namespace {

using Admit = ReplayCache::Admit;
constexpr TimestampMs kSkew = 300'000;
constexpr TimestampMs kBucket = 10'000;
constexpr TimestampMs kNow = 1'772'416'800'000;

TEST(ReplayCache, SecondUseWithinTheWindowIsAReplay) {
    ReplayCache cache(kSkew, kBucket, 100);
    EXPECT_EQ(cache.admit("T1", "nonce-0000000001", kNow, kNow), Admit::Fresh);
    EXPECT_EQ(cache.admit("T1", "nonce-0000000001", kNow, kNow + 1000), Admit::Replayed);
    // With another timestamp too: a nonce is single-use across the window.
    EXPECT_EQ(cache.admit("T1", "nonce-0000000001", kNow + 5, kNow + 1000), Admit::Replayed);
    // Another terminal may use the same nonce.
    EXPECT_EQ(cache.admit("T2", "nonce-0000000001", kNow, kNow), Admit::Fresh);
    EXPECT_EQ(cache.size(), 2);
}

TEST(ReplayCache, RemembersUntilTheTimestampLeavesTheWindow) {
    ReplayCache cache(kSkew, kBucket, 100);
    ASSERT_EQ(cache.admit("T1", "n", kNow, kNow), Admit::Fresh);
    EXPECT_EQ(cache.admit("T1", "n", kNow, kNow + kSkew), Admit::Replayed);  // R1 at the edge
    // Past the window the bucket is dropped (the time check refuses such a request anyway).
    EXPECT_EQ(cache.admit("T1", "other", kNow + kSkew + kBucket, kNow + kSkew + kBucket),
              Admit::Fresh);
    EXPECT_EQ(cache.size(), 1);
}

TEST(ReplayCache, FutureTimestampsAreKeptLongEnough) {
    ReplayCache cache(kSkew, kBucket, 100);
    ASSERT_EQ(cache.admit("T1", "n", kNow + kSkew, kNow), Admit::Fresh);
    EXPECT_EQ(cache.admit("T1", "n", kNow + kSkew, kNow + 2 * kSkew), Admit::Replayed);
}

TEST(ReplayCache, FullCacheRefusesRatherThanForgets) {
    ReplayCache cache(kSkew, kBucket, 3);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(cache.admit("T1", "n" + std::to_string(i), kNow, kNow), Admit::Fresh);
    }
    EXPECT_EQ(cache.admit("T1", "n3", kNow, kNow), Admit::Full);
    EXPECT_EQ(cache.admit("T1", "n0", kNow, kNow), Admit::Replayed);  // still remembered
    // Once the old entries leave the window there is room again.
    TimestampMs later = kNow + kSkew + kBucket;
    EXPECT_EQ(cache.admit("T1", "n3", later, later), Admit::Fresh);
    EXPECT_EQ(cache.size(), 1);
}

TEST(ReplayCache, TidAndNonceBoundaryIsUnambiguous) {
    ReplayCache cache(kSkew, kBucket, 100);
    EXPECT_EQ(cache.admit("AB", "CDEF", kNow, kNow), Admit::Fresh);
    EXPECT_EQ(cache.admit("ABC", "DEF", kNow, kNow), Admit::Fresh);
}

TEST(ReplayCache, NegativeAndZeroTimestampsDoNotBreakBuckets) {
    ReplayCache cache(kSkew, kBucket, 100);
    EXPECT_EQ(cache.admit("T1", "n", -5, 0), Admit::Fresh);
    EXPECT_EQ(cache.admit("T1", "n", -5, 1), Admit::Replayed);
}

}  // namespace
}  // namespace yika::http
