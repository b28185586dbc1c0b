#include "card_core/domain/time.h"

#include "card_core/testing/assertions.h"

#include <gtest/gtest.h>

#include <chrono>

namespace yika {
namespace {

constexpr TimestampMs kHourMs = 3600LL * 1000;
constexpr TimestampMs kDayMs = 24 * kHourMs;

Date ymd(int y, unsigned m, unsigned d) {
    auto date = Date::fromYmd(y, m, d);
    EXPECT_TRUE(date.has_value()) << y << "-" << m << "-" << d;
    return date.value_or(Date{});
}

// Unix milliseconds of a UTC civil time, computed with <chrono> independently of Date.
TimestampMs utcMs(int y, unsigned m, unsigned d, int hour, int minute = 0) {
    namespace chr = std::chrono;
    chr::sys_days day{chr::year{y} / chr::month{m} / chr::day{d}};
    auto at = day + chr::hours{hour} + chr::minutes{minute};
    return chr::duration_cast<chr::milliseconds>(at.time_since_epoch()).count();
}

TEST(Date, ParseIsoReadsYearMonthDay) {
    auto d = Date::parseIso("2026-11-23");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->year(), 2026);
    EXPECT_EQ(d->month(), 11u);
    EXPECT_EQ(d->day(), 23u);
    EXPECT_EQ(d->toIso(), "2026-11-23");
}

TEST(Date, DaysCountFromTheUnixEpoch) {
    EXPECT_EQ(Date::parseIso("1970-01-01")->days(), 0);
    EXPECT_EQ(Date::parseIso("1970-01-02")->days(), 1);
    EXPECT_EQ(Date::fromDays(0).toIso(), "1970-01-01");
    EXPECT_EQ(Date::parseIso("2026-11-23")->days(), utcMs(2026, 11, 23, 0) / kDayMs);
}

TEST(Date, ParseIsoRejectsMalformedAndImpossibleDates) {
    for (const char* bad : {"", "2026-1-23", "2026/11/23", "2026-11-23T", "20261123", "2026-13-01",
                            "2026-00-10", "2026-02-29", "2026-04-31", "2026-11-00", "1969-12-31",
                            "abcd-ef-gh", "2026-1a-01", " 2026-11-2", "2026-11-2 ", "+026-11-23"}) {
        EXPECT_FALSE(Date::parseIso(bad)) << bad;
    }
}

TEST(Date, FormatAndParseRoundTripOverALeapYearCycle) {
    Date start = ymd(2024, 1, 1);
    for (int i = 0; i < 4 * 366; ++i) {
        Date d = start.plusDays(i);
        auto parsed = Date::parseIso(d.toIso());
        ASSERT_TRUE(parsed) << d.toIso();
        EXPECT_EQ(*parsed, d);
        EXPECT_EQ(Date::fromYmd(d.year(), d.month(), d.day()), d);
    }
}

TEST(Date, FromYmdChecksTheCalendar) {
    EXPECT_TRUE(Date::fromYmd(2024, 2, 29));
    EXPECT_FALSE(Date::fromYmd(2025, 2, 29));
    EXPECT_FALSE(Date::fromYmd(2100, 2, 29));  // a century that is not a leap year
    EXPECT_TRUE(Date::fromYmd(2000, 2, 29));   // divisible by 400
    EXPECT_FALSE(Date::fromYmd(2026, 13, 1));
    EXPECT_FALSE(Date::fromYmd(2026, 0, 1));
    EXPECT_FALSE(Date::fromYmd(2026, 1, 0));
    EXPECT_FALSE(Date::fromYmd(1969, 12, 31));
    EXPECT_FALSE(Date::fromYmd(10000, 1, 1));
}

TEST(Date, OrdersByDay) {
    EXPECT_LT(ymd(2026, 1, 31), ymd(2026, 2, 1));
    EXPECT_LT(ymd(2025, 12, 31), ymd(2026, 1, 1));
    EXPECT_EQ(ymd(2026, 1, 31).plusDays(1), ymd(2026, 2, 1));
    EXPECT_EQ(ymd(2026, 3, 1).plusDays(-1), ymd(2026, 2, 28));
}

TEST(Date, PlusMonthsClampsToTheEndOfShortMonths) {
    EXPECT_EQ(ymd(2026, 1, 31).plusMonths(1), ymd(2026, 2, 28));
    EXPECT_EQ(ymd(2024, 1, 31).plusMonths(1), ymd(2024, 2, 29));
    EXPECT_EQ(ymd(2026, 3, 31).plusMonths(1), ymd(2026, 4, 30));
    EXPECT_EQ(ymd(2026, 3, 31).plusMonths(-1), ymd(2026, 2, 28));
    EXPECT_EQ(ymd(2024, 2, 29).plusMonths(12), ymd(2025, 2, 28));
    EXPECT_EQ(ymd(2024, 2, 29).plusMonths(48), ymd(2028, 2, 29));
    // Clamping does not carry over: the day comes back in a long month.
    EXPECT_EQ(ymd(2026, 1, 31).plusMonths(2), ymd(2026, 3, 31));
}

TEST(Date, PlusMonthsCrossesYearsBothWays) {
    EXPECT_EQ(ymd(2026, 12, 15).plusMonths(1), ymd(2027, 1, 15));
    EXPECT_EQ(ymd(2027, 1, 15).plusMonths(-1), ymd(2026, 12, 15));
    EXPECT_EQ(ymd(2026, 5, 10).plusMonths(36), ymd(2029, 5, 10));
    EXPECT_EQ(ymd(2026, 5, 10).plusMonths(-24), ymd(2024, 5, 10));
    EXPECT_EQ(ymd(2026, 5, 10).plusMonths(0), ymd(2026, 5, 10));
    EXPECT_EQ(ymd(2026, 1, 1).plusMonths(-1), ymd(2025, 12, 1));
}

TEST(Date, MonthsBetweenCountsWholeMonths) {
    EXPECT_EQ(monthsBetween(ymd(2026, 1, 15), ymd(2026, 1, 15)), 0);
    EXPECT_EQ(monthsBetween(ymd(2026, 1, 15), ymd(2026, 4, 14)), 2);
    EXPECT_EQ(monthsBetween(ymd(2026, 1, 15), ymd(2026, 4, 15)), 3);
    EXPECT_EQ(monthsBetween(ymd(2026, 1, 31), ymd(2026, 2, 28)), 1);  // Jan 31 + 1 month, clamped
    EXPECT_EQ(monthsBetween(ymd(2026, 1, 31), ymd(2026, 2, 27)), 0);
    EXPECT_EQ(monthsBetween(ymd(2024, 2, 29), ymd(2027, 2, 28)), 36);
    EXPECT_EQ(monthsBetween(ymd(2025, 12, 20), ymd(2026, 1, 19)), 0);
}

TEST(Date, MonthsBetweenIsZeroWhenTheEndPrecedesTheStart) {
    EXPECT_EQ(monthsBetween(ymd(2026, 4, 15), ymd(2026, 1, 15)), 0);
    EXPECT_EQ(monthsBetween(ymd(2026, 4, 15), ymd(2026, 4, 14)), 0);
}

// The definition, checked over a range: the largest m with from + m months <= to.
TEST(Date, MonthsBetweenIsTheLargestCountNotPassingTheEnd) {
    Date first = ymd(2023, 12, 1);
    for (int f = 0; f < 430; f += 3) {
        Date from = first.plusDays(f);
        for (int span = 0; span < 1200; span += 11) {
            Date to = from.plusDays(span);
            int m = monthsBetween(from, to);
            ASSERT_LE(from.plusMonths(m), to) << from.toIso() << " .. " << to.toIso();
            ASSERT_GT(from.plusMonths(m + 1), to) << from.toIso() << " .. " << to.toIso();
        }
    }
}

TEST(Date, CstDayStartsAtSixteenHundredUtcTheDayBefore) {
    // 2026-01-01T15:59:59.999Z is 23:59:59.999 in Beijing; one millisecond later it is 2 January.
    TimestampMs boundary = utcMs(2026, 1, 1, 16);
    EXPECT_EQ(Date::ofTimestampCst(boundary - 1), ymd(2026, 1, 1));
    EXPECT_EQ(Date::ofTimestampCst(boundary), ymd(2026, 1, 2));
    EXPECT_EQ(Date::ofTimestampCst(boundary + kDayMs - 1), ymd(2026, 1, 2));
    EXPECT_EQ(Date::ofTimestampCst(boundary + kDayMs), ymd(2026, 1, 3));
    // Midday UTC is evening in Beijing: the same civil date.
    EXPECT_EQ(Date::ofTimestampCst(utcMs(2026, 6, 30, 12)), ymd(2026, 6, 30));
    // UTC midnight is 08:00 in Beijing: still the same date.
    EXPECT_EQ(Date::ofTimestampCst(utcMs(2026, 6, 30, 0)), ymd(2026, 6, 30));
}

TEST(Date, CstDayBoundaryAroundTheEpoch) {
    EXPECT_EQ(Date::ofTimestampCst(0).days(), 0);                  // 08:00 CST, 1 Jan 1970
    EXPECT_EQ(Date::ofTimestampCst(-8 * kHourMs).days(), 0);       // 00:00 CST, 1 Jan 1970
    EXPECT_EQ(Date::ofTimestampCst(-8 * kHourMs - 1).days(), -1);  // 31 Dec 1969, 23:59:59.999
    EXPECT_EQ(Date::ofTimestampCst(-8 * kHourMs - kDayMs).days(), -1);
    EXPECT_EQ(Date::ofTimestampCst(-8 * kHourMs - kDayMs - 1).days(), -2);
}

TEST(Clock, ManualClockTodayFollowsCst) {
    TimestampMs boundary = utcMs(2026, 3, 1, 16);  // 2 March 00:00 CST
    ManualClock clock(boundary - 1);
    EXPECT_EQ(clock.todayCst(), ymd(2026, 3, 1));
    clock.advanceMs(1);
    EXPECT_EQ(clock.todayCst(), ymd(2026, 3, 2));
    clock.set(utcMs(2026, 12, 31, 15, 59));
    EXPECT_EQ(clock.todayCst(), ymd(2026, 12, 31));
    clock.advanceMs(60 * 1000);
    EXPECT_EQ(clock.todayCst(), ymd(2027, 1, 1));
}

TEST(Clock, SystemClockIsAfter2025) {
    SystemClock clock;
    EXPECT_GT(clock.nowMs(), utcMs(2025, 1, 1, 0));
}

}  // namespace
}  // namespace yika
