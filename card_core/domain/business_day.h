#pragma once

// The business day (日切, design section 8).
//
//   OPEN ──cutOff (operator, or the schedule at day.cutoff_time)──▶ CUT_OFF ──closeDay──▶ CLOSED
//
// Invariants:
//   B1. Exactly one date is the business date (StoreTx::businessDate), and it is OPEN (or has
//       no row yet: a database from before issue 5, or a test that sets the date directly).
//       Every posting made by the terminals, the portal and the sales desk carries it.
//   B2. cutOff moves the business date to the next calendar date in the same transaction that
//       marks the old one CUT_OFF: whatever the single writer runs after it belongs to the next
//       date, whatever it ran before to the old one.
//   B3. Nothing posts into a CLOSED day (checkPostable, called by post()). A CUT_OFF day takes
//       only the postings of its own close (clearing, breakage).
//   B4. Days close in date order: a day closes only when every earlier day is CLOSED.

#include "card_core/domain/card.h"
#include "card_core/domain/day_store.h"
#include "card_core/domain/store.h"

#include <cstdint>
#include <optional>

namespace yika {

// Automatic cut-off: business date D ends at `minute_of_day` (CST) on D, or at the midnight
// that ends D when minute_of_day is 0.
struct CutoffSchedule {
    bool automatic = true;
    int minute_of_day = 23 * 60;  // 23:00
    int catch_up_days_max = 400;  // cut-offs one call may make after yikad was down for days
};

// Parses "HH:MM" (00:00-23:59) into minutes; empty otherwise.
std::optional<int> parseCutoffTime(std::string_view text);
// The instant business date `day` ends under `schedule`.
TimestampMs cutoffInstantMs(Date day, const CutoffSchedule& schedule);

// Cuts off the current business date D: D becomes CUT_OFF, D+1 the OPEN business date.
// Returns D. `by` names the operator (or "schedule").
Result<Date> cutOff(StoreTx& tx, std::string_view by, TimestampMs now_ms);

// Cuts off every business date whose scheduled end is at or before `now_ms` (none when the
// schedule is not automatic); returns how many.
Result<int> cutOffIfDue(StoreTx& tx, const CutoffSchedule& schedule, TimestampMs now_ms);

// B3: NotPermitted when `date` is a CLOSED day. Cheap for the current business date (no read).
Status checkPostable(StoreTx& tx, Date date);

// The day's row; a day without a row (never cut off) reads as OPEN.
BusinessDay dayOrOpen(StoreTx& tx, Date date);

}  // namespace yika
