#include "card_core/domain/time.h"

#include <cstdio>

namespace yika {

namespace {
namespace chr = std::chrono;
using chr::days;
using chr::sys_days;
using chr::year_month_day;

year_month_day ymdOf(std::int32_t days_since_epoch) {
    return year_month_day{sys_days{days{days_since_epoch}}};
}

constexpr std::int64_t kCstOffsetMs = 8LL * 3600 * 1000;
constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
}  // namespace

std::optional<Date> Date::fromYmd(int y, unsigned m, unsigned d) {
    year_month_day ymd{chr::year{y}, chr::month{m}, chr::day{d}};
    if (!ymd.ok() || y < 1970 || y > 9999) return std::nullopt;
    return Date(static_cast<std::int32_t>(sys_days{ymd}.time_since_epoch().count()));
}

std::optional<Date> Date::parseIso(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    auto number = [&](std::size_t pos, std::size_t len) -> int {
        int value = 0;
        for (std::size_t i = pos; i < pos + len; ++i) {
            if (text[i] < '0' || text[i] > '9') return -1;
            value = value * 10 + (text[i] - '0');
        }
        return value;
    };
    int y = number(0, 4);
    int m = number(5, 2);
    int d = number(8, 2);
    if (y < 0 || m < 0 || d < 0) return std::nullopt;
    return fromYmd(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

Date Date::ofTimestampCst(TimestampMs at_ms) {
    std::int64_t local = at_ms + kCstOffsetMs;
    std::int64_t day_index = local >= 0 ? local / kDayMs : (local - kDayMs + 1) / kDayMs;
    return Date(static_cast<std::int32_t>(day_index));
}

int Date::year() const { return static_cast<int>(ymdOf(days_).year()); }
unsigned Date::month() const { return static_cast<unsigned>(ymdOf(days_).month()); }
unsigned Date::day() const { return static_cast<unsigned>(ymdOf(days_).day()); }

std::string Date::toIso() const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", year(), month(), day());
    return buf;
}

Date Date::plusMonths(int months) const {
    year_month_day ymd = ymdOf(days_);
    int total = static_cast<int>(ymd.year()) * 12 +
                static_cast<int>(static_cast<unsigned>(ymd.month())) - 1 + months;
    int y = total / 12;
    auto m = static_cast<unsigned>(total % 12 + 1);
    chr::year_month_day_last last{chr::year{y}, chr::month_day_last{chr::month{m}}};
    unsigned d = std::min(static_cast<unsigned>(ymd.day()), static_cast<unsigned>(last.day()));
    year_month_day out{chr::year{y}, chr::month{m}, chr::day{d}};
    return Date(static_cast<std::int32_t>(sys_days{out}.time_since_epoch().count()));
}

int monthsBetween(Date from, Date to) {
    int months = (to.year() - from.year()) * 12 + static_cast<int>(to.month()) -
                 static_cast<int>(from.month());
    while (months > 0 && from.plusMonths(months) > to) --months;
    return months < 0 ? 0 : months;
}

TimestampMs SystemClock::nowMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace yika
