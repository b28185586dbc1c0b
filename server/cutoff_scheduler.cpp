#include "server/cutoff_scheduler.h"

#include "ops/log/json_log.h"

#include <algorithm>
#include <chrono>

namespace yika::server {

namespace {
constexpr TimestampMs kRecheckMs = 60'000;
}  // namespace

CutoffScheduler::CutoffScheduler(store::SqliteStore& store, const Clock& clock,
                                 CutoffSchedule schedule)
    : store_(store), clock_(clock), schedule_(schedule) {}

CutoffScheduler::~CutoffScheduler() { stop(); }

void CutoffScheduler::start() {
    if (!schedule_.automatic || thread_.joinable()) return;
    thread_ = std::thread([this] { loop(); });
}

void CutoffScheduler::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void CutoffScheduler::loop() {
    for (;;) {
        TimestampMs next_ms = clock_.nowMs() + kRecheckMs;
        auto ran = store_.writer().run<int>([&](StoreTx& tx) -> Result<int> {
            auto done = cutOffIfDue(tx, schedule_, clock_.nowMs());
            if (done) next_ms = std::min(next_ms, cutoffInstantMs(tx.businessDate(), schedule_));
            return done;
        });
        if (!ran) {
            logs::error("cutoff_failed", {{"error", ran.error().detail}});
        } else if (*ran > 0) {
            logs::info("cutoff", {{"days", std::to_string(*ran)}});
        }
        TimestampMs wait_ms = std::clamp<TimestampMs>(next_ms - clock_.nowMs(), 0, kRecheckMs);
        std::unique_lock<std::mutex> lock(mutex_);
        if (wake_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return stopping_; }))
            return;
    }
}

}  // namespace yika::server
