#include "terminal_api/http/http_limits.h"

#include <gtest/gtest.h>

#include <set>

namespace yika::http {
namespace {

TEST(HttpLimits, DefaultsAreValid) { EXPECT_TRUE(validateLimits(HttpApiLimits{}).ok()); }

TEST(HttpLimits, EveryLimitHasAUniqueKeyAndItsDefaultIsInRange) {
    HttpApiLimits defaults;
    std::set<std::string_view> keys;
    for (const HttpLimitSetting& s : httpLimitSettings()) {
        EXPECT_TRUE(keys.insert(s.key).second) << s.key;
        EXPECT_EQ(s.key.rfind("http.", 0), 0u);
        EXPECT_GE(defaults.*(s.field), s.min) << s.key;
        EXPECT_LE(defaults.*(s.field), s.max) << s.key;
    }
    EXPECT_EQ(keys.size(), sizeof(HttpApiLimits) / sizeof(std::int64_t));
}

TEST(HttpLimits, OutOfRangeNamesTheKey) {
    HttpApiLimits limits;
    limits.threads_max = 0;
    auto s = validateLimits(limits);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().detail.rfind("http.threads_max:", 0), 0u) << s.error().detail;
    limits = HttpApiLimits{};
    limits.headers_max = kPocoHeaderFieldsMax + 1;
    EXPECT_FALSE(validateLimits(limits).ok());
}

TEST(HttpLimits, BucketWiderThanTheWindowIsRefused) {
    HttpApiLimits limits;
    limits.clock_skew_ms = 10'000;
    limits.replay_bucket_ms = 20'000;
    auto s = validateLimits(limits);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().detail.rfind("http.replay_bucket_ms:", 0), 0u);
}

}  // namespace
}  // namespace yika::http
