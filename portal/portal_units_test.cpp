// The portal's small parts: rate limits, the limits table (the password pool's tests moved
// with it to crypto/password_pool_test.cpp).

#include <gtest/gtest.h>

#include "portal/portal_limits.h"
#include "portal/rate_limiter.h"

namespace yika::portal {
namespace {

TEST(RateLimiter, CountsPerKeyPerWindow) {
    RateLimiter limiter(1000, 100);
    EXPECT_TRUE(limiter.admit("a", 2, 0));
    EXPECT_TRUE(limiter.admit("a", 2, 10));
    EXPECT_FALSE(limiter.admit("a", 2, 20));
    EXPECT_TRUE(limiter.admit("b", 2, 20));    // another key has its own count
    EXPECT_TRUE(limiter.admit("a", 2, 1000));  // a new window
}

TEST(RateLimiter, FullTableDropsExpiredWindowsThenFailsClosed) {
    RateLimiter limiter(1000, 100);
    for (int i = 0; i < 100; ++i) EXPECT_TRUE(limiter.admit("k" + std::to_string(i), 5, 0));
    EXPECT_FALSE(limiter.admit("new", 5, 500));  // nothing expired yet: refused
    EXPECT_TRUE(limiter.admit("k1", 5, 500));    // a known key still counts
    EXPECT_TRUE(limiter.admit("new", 5, 1500));  // the old windows expired and were dropped
}

TEST(PortalLimits, DefaultsAreValidAndBoundsAreChecked) {
    PortalLimits limits;
    EXPECT_TRUE(validatePortalLimits(limits).ok());
    limits.threads_max = 0;
    EXPECT_FALSE(validatePortalLimits(limits).ok());
    limits = PortalLimits{};
    limits.order_ttl_default_ms = limits.order_ttl_max_ms + 1;
    EXPECT_FALSE(validatePortalLimits(limits).ok());
    for (const auto& s : portalLimitSettings()) EXPECT_EQ(s.key.substr(0, 7), "portal.");
}

}  // namespace
}  // namespace yika::portal
