#include "admin_api/admin_state.h"

#include "crypto/session_token.h"

namespace yika::admin {

namespace {

crypto::PasswordCost costOf(const AdminLimits& limits) {
    return {static_cast<unsigned long long>(limits.password_ops),
            static_cast<std::size_t>(limits.password_mem_kib) * 1024};
}

}  // namespace

yika::Status GenerationJobs::start(BatchId batch, std::int64_t total, Work work) {
    std::lock_guard lock(mutex_);
    if (stopping_) return makeError(ErrorCode::NotPermitted, "the server is stopping");
    auto it = jobs_.find(batch);
    if (it != jobs_.end() && it->second.state == "running") {
        return makeError(ErrorCode::Duplicate, "this batch is already being generated");
    }
    if (running_ >= jobs_max_) {
        return makeError(ErrorCode::NotPermitted,
                         "another batch is being generated; try again when it is done");
    }
    jobs_[batch] = Status{"running", 0, total, {}};
    running_ += 1;
    threads_.emplace_back([this, batch, work = std::move(work)] {
        auto progress = [this, batch](std::int64_t done, std::int64_t all) {
            std::lock_guard l(mutex_);
            jobs_[batch].done = done;
            jobs_[batch].total = all;
            return !stopping_;
        };
        yika::Status outcome = work(progress);
        std::lock_guard l(mutex_);
        Status& s = jobs_[batch];
        s.state = outcome ? "done" : "failed";
        if (!outcome) s.error = outcome.error().detail;
        running_ -= 1;
        ended_.notify_all();
    });
    return Ok{};
}

std::optional<GenerationJobs::Status> GenerationJobs::status(BatchId batch) const {
    std::lock_guard lock(mutex_);
    auto it = jobs_.find(batch);
    if (it == jobs_.end()) return std::nullopt;
    return it->second;
}

void GenerationJobs::wait(BatchId batch) {
    std::unique_lock lock(mutex_);
    ended_.wait(lock, [&] {
        auto it = jobs_.find(batch);
        return it == jobs_.end() || it->second.state != "running";
    });
}

void GenerationJobs::stop() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        threads.swap(threads_);
    }
    for (auto& t : threads) t.join();
}

AdminState::AdminState(AdminDeps d, AdminOptions o)
    : deps(d),
      options(std::move(o)),
      limits(options.limits),
      passwords(static_cast<std::size_t>(limits.password_threads),
                static_cast<std::size_t>(limits.password_queue_max), costOf(limits)),
      readers(d.store),
      chain(d.keys),
      jobs(static_cast<std::size_t>(limits.generation_jobs_max)) {
    kinds_[ApprovalKind::ProductionBatch] = productionBatchKind();
    kinds_[ApprovalKind::ManualAdjustment] = manualAdjustmentKind();
    kinds_[ApprovalKind::MerchantFeeChange] = merchantFeeChangeKind();
    for (auto& [kind, handler] : options.kinds) kinds_[kind] = handler;
}

AdminState::~AdminState() {
    jobs.stop();
    closes.stop();
}

Bytes AdminState::tokenHash(std::string_view token) const {
    return crypto::sessionTokenHash(deps.keys, "yika-admin-session-v1", token);
}

ApprovalKindHandler* AdminState::kind(ApprovalKind kind) const {
    auto it = kinds_.find(kind);
    return it == kinds_.end() ? nullptr : it->second.get();
}

LoginPolicy AdminState::loginPolicy() const {
    return LoginPolicy{static_cast<int>(limits.login_failures_max), limits.login_lock_ms};
}

}  // namespace yika::admin
