#pragma once

// Automatic cut-off (日切) for `yikad serve` (issue 5): one thread that wakes at the scheduled
// end of the business date (day.cutoff_time) and runs cutOffIfDue through the single writer.
// It re-reads the business date at least every minute, so an operator's `yikad day cutoff`
// from another process moves its next wake-up too.

#include "card_core/domain/business_day.h"
#include "card_core/store/sqlite_store.h"

#include <condition_variable>
#include <mutex>
#include <thread>

namespace yika::server {

class CutoffScheduler {
  public:
    CutoffScheduler(store::SqliteStore& store, const Clock& clock, CutoffSchedule schedule);
    ~CutoffScheduler();  // stop()
    void start();        // no thread when the schedule is not automatic
    void stop();         // idempotent

  private:
    void loop();

    store::SqliteStore& store_;
    const Clock& clock_;
    CutoffSchedule schedule_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace yika::server
