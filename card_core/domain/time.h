#pragma once

// Calendar dates and timestamps. Business dates are civil dates in the issuer's time zone
// (China Standard Time, UTC+8, no daylight saving); timestamps are Unix milliseconds.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yika {

using TimestampMs = std::int64_t;  // Unix epoch milliseconds

class Date {
  public:
    constexpr Date() = default;
    static Date fromDays(std::int32_t days_since_epoch) { return Date(days_since_epoch); }
    static std::optional<Date> fromYmd(int year, unsigned month, unsigned day);
    static std::optional<Date> parseIso(std::string_view text);  // "2026-11-23"
    // The civil date in UTC+8 of a Unix-millisecond timestamp.
    static Date ofTimestampCst(TimestampMs at_ms);

    std::int32_t days() const { return days_; }
    int year() const;
    unsigned month() const;
    unsigned day() const;
    std::string toIso() const;
    // Adds calendar months, clamping the day (Jan 31 + 1 month = Feb 28/29).
    Date plusMonths(int months) const;
    Date plusDays(int days) const { return Date(days_ + days); }

    friend constexpr auto operator<=>(Date a, Date b) = default;

  private:
    constexpr explicit Date(std::int32_t days) : days_(days) {}
    std::int32_t days_ = 0;
};

// Whole months from `from` to `to` (to >= from): the largest m with from.plusMonths(m) <= to.
int monthsBetween(Date from, Date to);

// Time source port: tests inject a fixed or stepping clock; production uses the system clock.
class Clock {
  public:
    virtual ~Clock() = default;
    virtual TimestampMs nowMs() const = 0;
    Date todayCst() const { return Date::ofTimestampCst(nowMs()); }
};

class SystemClock final : public Clock {
  public:
    TimestampMs nowMs() const override;
};

// A clock that only moves when told to. Not thread-safe; for tests and simulations.
class ManualClock final : public Clock {
  public:
    explicit ManualClock(TimestampMs start_ms) : now_ms_(start_ms) {}
    TimestampMs nowMs() const override { return now_ms_; }
    void advanceMs(TimestampMs delta_ms) { now_ms_ += delta_ms; }
    void set(TimestampMs at_ms) { now_ms_ = at_ms; }

  private:
    TimestampMs now_ms_;
};

}  // namespace yika
