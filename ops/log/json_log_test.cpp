#include "ops/log/json_log.h"

#include <gtest/gtest.h>

namespace yika::logs {
namespace {

TEST(JsonLog, LineIsOneJsonObjectWithEscapedFields) {
    std::string line =
        formatLine(1'763'900'000'123, Level::Warn, "bad_request", {{"detail", "a \"b\"\n"}});
    EXPECT_EQ(line,
              "{\"ts\":\"2025-11-23T12:13:20.123Z\",\"level\":\"warn\",\"event\":\"bad_request\","
              "\"detail\":\"a \\\"b\\\"\\n\"}");
}

TEST(JsonLog, CardNumbersAreMaskedInEveryValue) {
    EXPECT_EQ(scrubCardNumbers("card 6231990000000000123 x"), "card 623199*********0123 x");
    EXPECT_EQ(scrubCardNumbers("trace 000123 amount 1250"), "trace 000123 amount 1250");
    std::string line = formatLine(0, Level::Info, "x", {{"pan", "6231990000000000123"}});
    EXPECT_EQ(line.find("6231990000000000123"), std::string::npos);
}

TEST(JsonLog, LevelsParseAndFilter) {
    EXPECT_EQ(parseLevel("warn"), Level::Warn);
    EXPECT_FALSE(parseLevel("verbose"));
    ASSERT_FALSE(configure(Level::Warn, ""));
    EXPECT_FALSE(enabled(Level::Info));
    EXPECT_TRUE(enabled(Level::Error));
    ASSERT_FALSE(configure(Level::Info, ""));
}

}  // namespace
}  // namespace yika::logs
