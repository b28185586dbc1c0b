#pragma once

// Closing a business day (design section 8): the steps of CloseStep, in order, each in its own
// durable transaction that also records the step's completion (StepProgress). A crash between
// or inside steps loses at most the step in progress (rolled back whole); running closeDay
// again skips the completed steps and gives exactly the result of an uninterrupted close:
// every posting carries the day's close_started_at_ms and derives only from committed data.
//
//   CUT_OFF ──clearing──▶ ──settlement──▶ ──expiry*──▶ ──breakage*──▶ ──trial_balance──▶
//           ──internal_recon──▶ ──day_report──▶ CLOSED        (* in chunks of chunk_cards)
//
// The scans (clearing's 2202 totals, the trial balance's movements) run on a read snapshot,
// so the single writer keeps serving terminals meanwhile; they read only CUT_OFF data, which
// nothing but the close itself can change.

#include "card_core/domain/business_day.h"
#include "card_core/domain/policies.h"
#include "card_core/domain/reports.h"
#include "card_core/domain/store.h"

#include <functional>
#include <vector>

namespace yika {

// Runs units of work in their own transactions (the store's single writer, or a test's).
class TxRunner {
  public:
    virtual ~TxRunner() = default;
    // Runs `work` in a write transaction, durable before it returns; an error rolls it back.
    virtual Status write(const std::function<Status(StoreTx&)>& work) = 0;
    // Runs `work` on a consistent read-only snapshot of committed data.
    virtual Status read(const std::function<Status(StoreTx&)>& work) = 0;
};

struct DayCloseOptions {
    Policies policies;                 // breakage policy
    std::int64_t chunk_cards = 20000;  // cards per expiry / breakage transaction
    std::int64_t mismatches_max = 1000;
    // Called after each step (ran: this call did it), e.g. for an operator's progress lines.
    std::function<void(CloseStep step, bool ran)> progress;
};

struct DayCloseOutcome {
    Date date;
    std::vector<CloseStep> ran;      // steps this call completed
    std::vector<CloseStep> skipped;  // steps an earlier call had completed
    DayReport report;
};

// Closes `date` (CUT_OFF, every earlier day CLOSED); a CLOSED day returns at once with every
// step skipped. IllegalTransition for an OPEN day or an earlier unclosed day; RuleViolation
// when the trial balance does not balance (the close stops before the report).
Result<DayCloseOutcome> closeDay(TxRunner& runner, Date date, const DayCloseOptions& options,
                                 TimestampMs now_ms);

// Each step's progress for `date`, in step order (missing steps not started).
std::vector<StepProgress> closeProgress(StoreTx& tx, Date date);

}  // namespace yika
