#include "admin_api/day_jobs.h"

namespace yika::admin {

yika::Status DayCloseJobs::start(Date date, TimestampMs now_ms, Work work) {
    std::unique_lock lock(mutex_);
    if (stopping_) return makeError(ErrorCode::NotPermitted, "the server is stopping");
    if (running_) {
        return makeError(
            ErrorCode::IllegalTransition,
            "the close of " + running_->toIso() + " is running; one close at a time / 日结进行中");
    }
    if (thread_.joinable()) {
        // The previous close has ended (running_ is empty): its thread is finishing or done.
        std::thread ended = std::move(thread_);
        lock.unlock();
        ended.join();
        lock.lock();
        if (running_ || stopping_) {
            return makeError(ErrorCode::IllegalTransition, "another close has just started");
        }
    }
    jobs_[date] = Status{date, "running", {}, {}, now_ms};
    running_ = date;
    thread_ = std::thread([this, date, work = std::move(work)] {
        auto report = [this, date](CloseStep step, bool) {
            std::lock_guard l(mutex_);
            jobs_[date].step = std::string(toString(step));
        };
        yika::Status outcome = work(report);
        std::lock_guard l(mutex_);
        Status& s = jobs_[date];
        s.state = outcome ? "done" : "failed";
        if (!outcome) {
            s.error = std::string(toString(outcome.error().code)) + ": " + outcome.error().detail;
        }
        running_.reset();
        ended_.notify_all();
    });
    return Ok{};
}

std::optional<DayCloseJobs::Status> DayCloseJobs::status(Date date) const {
    std::lock_guard lock(mutex_);
    auto it = jobs_.find(date);
    if (it == jobs_.end()) return std::nullopt;
    return it->second;
}

std::optional<DayCloseJobs::Status> DayCloseJobs::running() const {
    std::lock_guard lock(mutex_);
    if (!running_) return std::nullopt;
    return jobs_.at(*running_);
}

void DayCloseJobs::wait(Date date) {
    std::unique_lock lock(mutex_);
    ended_.wait(lock, [&] { return running_ != date; });
}

void DayCloseJobs::stop() {
    std::thread t;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        t = std::move(thread_);
    }
    if (t.joinable()) t.join();
}

}  // namespace yika::admin
