#include "card_core/domain/day_close.h"

#include "card_core/domain/card_service.h"
#include "card_core/domain/clearing.h"
#include "card_core/domain/reconciliation.h"
#include "card_core/domain/report_writers.h"
#include "card_core/domain/settlement.h"

namespace yika {

namespace {

constexpr CloseStep kSteps[] = {
    CloseStep::Clearing,     CloseStep::Settlement,    CloseStep::Expiry,   CloseStep::Breakage,
    CloseStep::TrialBalance, CloseStep::InternalRecon, CloseStep::DayReport};

bool stepDone(StoreTx& tx, Date date, CloseStep step) {
    auto p = tx.days().closeStep(date, step);
    return p && p->done;
}

void markStep(StoreTx& tx, Date date, CloseStep step, std::int64_t count, bool done,
              TimestampMs now_ms) {
    StepProgress p = tx.days().closeStep(date, step).value_or(StepProgress{step});
    p.count += count;
    p.done = done;
    if (done) p.done_at_ms = now_ms;
    tx.days().saveCloseStep(date, p);
}

// Checks the day may close and fixes the time its postings carry (the first run's).
Result<TimestampMs> beginClose(TxRunner& runner, Date date, TimestampMs now_ms, bool& closed) {
    TimestampMs at_ms = 0;
    Status begun = runner.write([&](StoreTx& tx) -> Status {
        BusinessDay day = dayOrOpen(tx, date);
        if (day.state == DayState::Closed) {
            closed = true;
            return Ok{};
        }
        if (day.state != DayState::CutOff) {
            return makeError(ErrorCode::IllegalTransition,
                             "business day " + date.toIso() + " is not cut off (日切) yet");
        }
        if (auto earlier = tx.days().earliestUnclosedBefore(date)) {
            return makeError(ErrorCode::IllegalTransition,
                             "close " + earlier->toIso() + " first: days close in order");
        }
        if (day.close_started_at_ms == 0) {
            day.close_started_at_ms = now_ms;
            tx.days().saveDay(day);
        }
        at_ms = day.close_started_at_ms;
        return Ok{};
    });
    if (!begun) return begun.error();
    return at_ms;
}

Status runClearingStep(TxRunner& runner, Date date, TimestampMs at_ms) {
    std::vector<MerchantDayTotals> totals;
    YIKA_TRY(runner.read([&](StoreTx& tx) -> Status {
        totals = tx.days().merchantDayTotals(date);
        return Ok{};
    }));
    return runner.write([&](StoreTx& tx) -> Status {
        if (stepDone(tx, date, CloseStep::Clearing)) return Ok{};  // a concurrent close did it
        auto records = runClearing(tx, date, totals, at_ms);
        if (!records) return records.error();
        markStep(tx, date, CloseStep::Clearing, *records, true, at_ms);
        return Ok{};
    });
}

// Expiry and breakage: chunks, each recording its progress; the last (short) one marks done.
Status runCardChunks(TxRunner& runner, Date date, CloseStep step, const DayCloseOptions& options,
                     TimestampMs at_ms) {
    for (;;) {
        bool done = false;
        YIKA_TRY(runner.write([&](StoreTx& tx) -> Status {
            if (stepDone(tx, date, step)) {
                done = true;
                return Ok{};
            }
            // Cards valid through their expiry date expire at the close of that date.
            auto n = step == CloseStep::Expiry
                         ? runExpiry(tx, date.plusDays(1), options.chunk_cards, at_ms)
                         : runBreakage(tx, date, options.chunk_cards, options.policies, at_ms);
            if (!n) return n.error();
            done = *n < options.chunk_cards;
            markStep(tx, date, step, *n, done, at_ms);
            return Ok{};
        }));
        if (done) return Ok{};
    }
}

Status runTrialBalanceStep(TxRunner& runner, Date date, TimestampMs at_ms) {
    TrialBalance tb;
    YIKA_TRY(runner.read([&](StoreTx& tx) -> Status {
        tb = computeTrialBalance(tx, date);
        return Ok{};
    }));
    if (!tb.balanced) {
        return makeError(ErrorCode::RuleViolation,
                         "the trial balance of " + date.toIso() +
                             " does not balance; the close stops here (see yikad report "
                             "trial-balance)");
    }
    return runner.write([&](StoreTx& tx) -> Status {
        if (stepDone(tx, date, CloseStep::TrialBalance)) return Ok{};
        for (const TrialBalanceRow& row : tb.rows) tx.days().insertTrialBalanceRow(date, row);
        markStep(tx, date, CloseStep::TrialBalance, static_cast<std::int64_t>(tb.rows.size()), true,
                 at_ms);
        return Ok{};
    });
}

Status runDayReportStep(TxRunner& runner, Date date, TimestampMs at_ms) {
    DayReport report;
    YIKA_TRY(runner.read([&](StoreTx& tx) -> Status {
        report = dayReport(tx, date);
        return Ok{};
    }));
    report.state = DayState::Closed;  // what this step makes it
    return runner.write([&](StoreTx& tx) -> Status {
        if (stepDone(tx, date, CloseStep::DayReport)) return Ok{};
        markStep(tx, date, CloseStep::DayReport, 1, true, at_ms);
        tx.days().saveDayReport(date, toJson(report));
        BusinessDay day = dayOrOpen(tx, date);
        day.state = DayState::Closed;
        day.closed_at_ms = at_ms;
        tx.days().saveDay(day);
        return Ok{};
    });
}

Status runStep(TxRunner& runner, Date date, CloseStep step, const DayCloseOptions& options,
               TimestampMs at_ms) {
    switch (step) {
        case CloseStep::Clearing:
            return runClearingStep(runner, date, at_ms);
        case CloseStep::Settlement:
            return runner.write([&](StoreTx& tx) -> Status {
                if (stepDone(tx, date, step)) return Ok{};
                auto n = createPayouts(tx, date);
                if (!n) return n.error();
                markStep(tx, date, step, *n, true, at_ms);
                return Ok{};
            });
        case CloseStep::Expiry:
        case CloseStep::Breakage:
            return runCardChunks(runner, date, step, options, at_ms);
        case CloseStep::TrialBalance:
            return runTrialBalanceStep(runner, date, at_ms);
        case CloseStep::InternalRecon:
            return runner.write([&](StoreTx& tx) -> Status {
                if (stepDone(tx, date, step)) return Ok{};
                auto n = reconcileLedger(tx, date, options.mismatches_max, at_ms);
                if (!n) return n.error();
                markStep(tx, date, step, *n, true, at_ms);
                return Ok{};
            });
        case CloseStep::DayReport:
            return runDayReportStep(runner, date, at_ms);
    }
    return Ok{};
}

}  // namespace

std::vector<StepProgress> closeProgress(StoreTx& tx, Date date) {
    std::vector<StepProgress> out;
    for (CloseStep step : kSteps) {
        if (auto p = tx.days().closeStep(date, step)) out.push_back(*p);
    }
    return out;
}

Result<DayCloseOutcome> closeDay(TxRunner& runner, Date date, const DayCloseOptions& options,
                                 TimestampMs now_ms) {
    YIKA_ASSERT(options.chunk_cards > 0);
    DayCloseOutcome out;
    out.date = date;
    bool closed = false;
    auto at_ms = beginClose(runner, date, now_ms, closed);
    if (!at_ms) return at_ms.error();
    for (CloseStep step : kSteps) {
        bool done = false;
        YIKA_TRY(runner.read([&](StoreTx& tx) -> Status {
            done = stepDone(tx, date, step);
            return Ok{};
        }));
        if (done || closed) {
            out.skipped.push_back(step);
            if (options.progress) options.progress(step, false);
            continue;
        }
        YIKA_TRY(runStep(runner, date, step, options, *at_ms));
        out.ran.push_back(step);
        if (options.progress) options.progress(step, true);
    }
    YIKA_TRY(runner.read([&](StoreTx& tx) -> Status {
        out.report = dayReport(tx, date);
        return Ok{};
    }));
    return out;
}

}  // namespace yika
