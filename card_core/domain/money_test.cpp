#include "card_core/domain/money.h"

#include <gtest/gtest.h>

#include <limits>

namespace yika {
namespace {

constexpr auto kCny = Currency::Cny;

TEST(Money, PlusAddsMinorUnits) {
    auto sum = Money::fromMinor(1250, kCny).plus(Money::fromMinor(75, kCny));
    ASSERT_TRUE(sum);
    EXPECT_EQ(sum->minor(), 1325);
}

TEST(Money, PlusRejectsCurrencyMismatch) {
    EXPECT_FALSE(Money::fromMinor(1, kCny).plus(Money::fromMinor(1, Currency::Usd)));
}

TEST(Money, PlusAndMinusRejectOverflow) {
    auto max = Money::fromMinor(std::numeric_limits<std::int64_t>::max(), kCny);
    auto min = Money::fromMinor(std::numeric_limits<std::int64_t>::min(), kCny);
    EXPECT_FALSE(max.plus(Money::fromMinor(1, kCny)));
    EXPECT_FALSE(min.minus(Money::fromMinor(1, kCny)));
    EXPECT_FALSE(max.times(2));
}

TEST(Money, FeeRoundsHalfUpOnce) {
    // 10000 bps = 100%; 38 bps of 1.00 yuan = 0.38 fen -> 0; of 1.32 yuan = 0.5016 -> 1 fen.
    EXPECT_EQ(Money::fromMinor(100, kCny).feeBasisPoints(38)->minor(), 0);
    EXPECT_EQ(Money::fromMinor(132, kCny).feeBasisPoints(38)->minor(), 1);
    // Exactly half a fen rounds up: 50 bps of 1.00 = 0.5 fen -> 1.
    EXPECT_EQ(Money::fromMinor(100, kCny).feeBasisPoints(50)->minor(), 1);
    EXPECT_EQ(Money::fromMinor(-100, kCny).feeBasisPoints(50)->minor(), -1);
    EXPECT_EQ(Money::fromMinor(123456789, kCny).feeBasisPoints(10000)->minor(), 123456789);
}

TEST(Money, ParseDecimalAcceptsYuanWithUpToTwoDecimals) {
    EXPECT_EQ(Money::parseDecimal("12", kCny)->minor(), 1200);
    EXPECT_EQ(Money::parseDecimal("12.5", kCny)->minor(), 1250);
    EXPECT_EQ(Money::parseDecimal("0.01", kCny)->minor(), 1);
}

TEST(Money, ParseDecimalRejectsEverythingElse) {
    for (const char* bad :
         {"", ".5", "1.", "1.234", "-1", "+1", "1e3", "1,00", " 1", "1234567890123456", "12a"}) {
        EXPECT_FALSE(Money::parseDecimal(bad, kCny)) << bad;
    }
}

TEST(Money, ToDecimalFormatsFen) {
    EXPECT_EQ(Money::fromMinor(0, kCny).toDecimal(), "0.00");
    EXPECT_EQ(Money::fromMinor(5, kCny).toDecimal(), "0.05");
    EXPECT_EQ(Money::fromMinor(500000, kCny).toDecimal(), "5000.00");
    EXPECT_EQ(Money::fromMinor(-1250, kCny).toDecimal(), "-12.50");
    EXPECT_EQ(Money::fromMinor(std::numeric_limits<std::int64_t>::min(), kCny).toDecimal(),
              "-92233720368547758.08");
}

}  // namespace
}  // namespace yika
