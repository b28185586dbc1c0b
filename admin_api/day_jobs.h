#pragma once

// Internal to admin_api/ (issue 5): the day close (card_core/domain/day_close.h) run in the
// background for POST /v1/days/{date}/close, one close at a time, like batch generation jobs.
// The close itself is resumable and idempotent and records each step durably
// (closeProgress); this class only knows whether a close is running and how the last one of
// each date ended, so that the operator sees the error of a failed close. Thread-safe.

#include "card_core/domain/day_store.h"
#include "card_core/domain/result.h"
#include "card_core/domain/time.h"

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace yika::admin {

class DayCloseJobs {
  public:
    struct Status {
        Date date;
        std::string state;  // "running", "done", "failed"
        std::string step;   // the last step finished ("" before the first)
        std::string error;  // when failed: the close's error code and message
        TimestampMs started_at_ms = 0;
    };
    // Reports each finished step, as DayCloseOptions::progress does.
    using StepReport = std::function<void(CloseStep step, bool ran)>;
    using Work = std::function<yika::Status(const StepReport&)>;

    DayCloseJobs() = default;
    ~DayCloseJobs() { stop(); }
    DayCloseJobs(const DayCloseJobs&) = delete;
    DayCloseJobs& operator=(const DayCloseJobs&) = delete;

    // Starts `work` for `date` on a thread of its own. IllegalTransition when a close (of any
    // date) is running; NotPermitted when stopping.
    yika::Status start(Date date, TimestampMs now_ms, Work work);
    // The last job of `date` (running or ended) since the server started.
    std::optional<Status> status(Date date) const;
    // The running job, if any.
    std::optional<Status> running() const;
    // Blocks until no close of `date` runs.
    void wait(Date date);
    // Waits for a running close to end (a close cannot be interrupted between its own commits
    // safely by this class; the domain close resumes on the next run anyway) and joins it.
    void stop();

  private:
    mutable std::mutex mutex_;
    std::condition_variable ended_;
    std::map<Date, Status> jobs_;
    std::optional<Date> running_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace yika::admin
