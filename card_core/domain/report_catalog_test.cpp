// The report catalog's reading of a date range (report_catalog.h): shared by `yikad report` and
// the admin API, so both read `--date` / `?date=` alike.

#include "card_core/domain/report_catalog.h"

#include <gtest/gtest.h>

namespace yika {
namespace {

Date d(const char* text) { return *Date::parseIso(text); }

TEST(ReportCatalog, RangeDefaultsToTheDayBeforeTheBusinessDate) {
    auto r = reportRange(std::nullopt, std::nullopt, std::nullopt, d("2026-03-01"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->from, d("2026-02-28"));
    EXPECT_EQ(r->to, d("2026-02-28"));
    EXPECT_EQ(r->from_month, "2026-02");
}

TEST(ReportCatalog, DatesAndMonthsSetTheEnds) {
    auto day = reportRange("2026-03-05", std::nullopt, std::nullopt, d("2026-04-01"));
    ASSERT_TRUE(day.ok());
    EXPECT_EQ(day->from, d("2026-03-05"));
    EXPECT_EQ(day->to, d("2026-03-05"));
    auto months = reportRange(std::nullopt, "2026-01", "2026-02", d("2026-04-01"));
    ASSERT_TRUE(months.ok());
    EXPECT_EQ(months->from, d("2026-01-01"));
    EXPECT_EQ(months->to, d("2026-02-28"));  // the month's last day
    EXPECT_EQ(months->to_month, "2026-02");
}

TEST(ReportCatalog, BadRangesNameTheParameter) {
    Date today = d("2026-04-01");
    EXPECT_EQ(reportRange("2026-02-30", std::nullopt, std::nullopt, today)
                  .error()
                  .detail.rfind("date: ", 0),
              0u);
    EXPECT_EQ(
        reportRange(std::nullopt, "soon", std::nullopt, today).error().detail.rfind("from: ", 0),
        0u);
    EXPECT_EQ(reportRange(std::nullopt, "2026-03-02", "2026-03-01", today).error().detail,
              "to: is before from");
    EXPECT_EQ(reportRange(std::nullopt, "2026-3-2", std::nullopt, today).code(),
              ErrorCode::InvalidArgument);
}

TEST(ReportCatalog, NamesAreTheDocumentedOnes) {
    EXPECT_EQ(reportNames().size(), 9u);
    EXPECT_TRUE(isReportName("trial-balance"));
    EXPECT_TRUE(isReportName("invoice-pool"));
    EXPECT_FALSE(isReportName("Trial-Balance"));
    EXPECT_FALSE(isReportName(""));
}

}  // namespace
}  // namespace yika
