// The portal's small parts: rate limits, the bounded password pool, the limits table.

#include <gtest/gtest.h>

#include "portal/password_pool.h"
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

TEST(PasswordPool, HashesAndVerifies) {
    PasswordPool pool(1, 4, crypto::PasswordCost::forTests());
    auto hash = pool.hash("correct horse");
    ASSERT_TRUE(hash.has_value());
    std::string stored = hash->get();
    auto good = pool.verify(stored, "correct horse");
    auto bad = pool.verify(stored, "wrong horse");
    ASSERT_TRUE(good && bad);
    EXPECT_TRUE(good->get());
    EXPECT_FALSE(bad->get());
    auto decoy = pool.verify(pool.decoyHash(), "anything");
    ASSERT_TRUE(decoy);
    EXPECT_FALSE(decoy->get());
}

TEST(PasswordPool, RefusesBeyondThreadsPlusQueue) {
    // Interactive cost (64 MiB, tens of ms): the first hash is still running when the second
    // request comes.
    PasswordPool pool(1, 0, crypto::PasswordCost::interactive());
    auto first = pool.hash("first password");
    ASSERT_TRUE(first.has_value());
    EXPECT_FALSE(pool.hash("second password").has_value());
    EXPECT_FALSE(first->get().empty());
    EXPECT_TRUE(pool.hash("third password").has_value());  // the slot is free again
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
