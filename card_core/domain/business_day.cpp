#include "card_core/domain/business_day.h"

#include <charconv>

namespace yika {

namespace {
constexpr TimestampMs kMinuteMs = 60'000;
constexpr TimestampMs kDayMs = 24 * 60 * kMinuteMs;
constexpr TimestampMs kCstOffsetMs = 8 * 60 * kMinuteMs;
}  // namespace

std::string_view toString(DayState state) {
    switch (state) {
        case DayState::Open:
            return "OPEN";
        case DayState::CutOff:
            return "CUT_OFF";
        case DayState::Closed:
            return "CLOSED";
    }
    return "OPEN";
}

std::optional<DayState> dayStateFromString(std::string_view text) {
    for (DayState s : {DayState::Open, DayState::CutOff, DayState::Closed}) {
        if (toString(s) == text) return s;
    }
    return std::nullopt;
}

std::optional<int> parseCutoffTime(std::string_view text) {
    if (text.size() != 5 || text[2] != ':') return std::nullopt;
    int hours = 0;
    int minutes = 0;
    auto h = std::from_chars(text.data(), text.data() + 2, hours);
    auto m = std::from_chars(text.data() + 3, text.data() + 5, minutes);
    if (h.ec != std::errc{} || h.ptr != text.data() + 2 || m.ec != std::errc{} ||
        m.ptr != text.data() + 5) {
        return std::nullopt;
    }
    if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return std::nullopt;
    return hours * 60 + minutes;
}

TimestampMs cutoffInstantMs(Date day, const CutoffSchedule& schedule) {
    YIKA_ASSERT(schedule.minute_of_day >= 0 && schedule.minute_of_day < 24 * 60);
    TimestampMs midnight = std::int64_t{day.days()} * kDayMs - kCstOffsetMs;
    // 00:00 means the midnight that ends the day, not the one that starts it.
    int minute = schedule.minute_of_day == 0 ? 24 * 60 : schedule.minute_of_day;
    return midnight + minute * kMinuteMs;
}

BusinessDay dayOrOpen(StoreTx& tx, Date date) {
    if (auto row = tx.days().day(date)) return *row;
    BusinessDay day;
    day.date = date;
    return day;
}

Result<Date> cutOff(StoreTx& tx, std::string_view by, TimestampMs now_ms) {
    Date current = tx.businessDate();
    BusinessDay day = dayOrOpen(tx, current);
    if (day.state != DayState::Open) {
        return makeError(ErrorCode::IllegalTransition,
                         "business date " + current.toIso() + " is not OPEN");
    }
    Date next = current.plusDays(1);
    BusinessDay following = dayOrOpen(tx, next);
    if (following.state != DayState::Open) {
        return makeError(ErrorCode::IllegalTransition,
                         "the next business date " + next.toIso() + " is not OPEN");
    }
    if (day.opened_at_ms == 0) day.opened_at_ms = now_ms;
    day.state = DayState::CutOff;
    day.cutoff_at_ms = now_ms;
    day.cutoff_by = std::string(by);
    tx.days().saveDay(day);
    following.opened_at_ms = now_ms;
    tx.days().saveDay(following);
    tx.setBusinessDate(next);
    return current;
}

Result<int> cutOffIfDue(StoreTx& tx, const CutoffSchedule& schedule, TimestampMs now_ms) {
    if (!schedule.automatic) return 0;
    int done = 0;
    while (done < schedule.catch_up_days_max &&
           now_ms >= cutoffInstantMs(tx.businessDate(), schedule)) {
        auto cut = cutOff(tx, "schedule", now_ms);
        if (!cut) return cut.error();
        ++done;
    }
    return done;
}

Status checkPostable(StoreTx& tx, Date date) {
    // B1: the business date itself is always open, and nearly every posting carries it.
    if (date == tx.businessDate()) return Ok{};
    auto row = tx.days().day(date);
    if (row && row->state == DayState::Closed) {
        return makeError(ErrorCode::NotPermitted,
                         "business day " + date.toIso() + " is closed; nothing posts into it");
    }
    return Ok{};
}

}  // namespace yika
