#pragma once

// Internal to admin_api/: the state the request handlers share (pools, readers, the audit
// chain, approval kinds, generation jobs), and the session token scheme:
//
//   token      = 32 random bytes, hex, sent as "Authorization: Bearer <token>"
//   token_hash = HMAC-SHA256(SessionToken key, "yika-admin-session-v1" || token)   stored
//
// A bearer header is no ambient credential (no cookie), so the admin API needs no CSRF check.

#include "card_core/store/reader_pool.h"
#include "crypto/audit_chain.h"
#include "crypto/password_pool.h"

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "admin_api/admin_server.h"
#include "admin_api/batch_generation.h"
#include "admin_api/day_jobs.h"

namespace yika::admin {

// Background generation of production batches, at most `jobs_max` at once. Thread-safe.
class GenerationJobs {
  public:
    struct Status {
        std::string state;  // "running", "done", "failed"
        std::int64_t done = 0;
        std::int64_t total = 0;
        std::string error;  // when failed
    };
    using Work = std::function<yika::Status(const GenerationProgress&)>;

    explicit GenerationJobs(std::size_t jobs_max) : jobs_max_(jobs_max) {}
    ~GenerationJobs() { stop(); }

    // Starts `work` for `batch`. Duplicate when that batch is running, NotPermitted (busy)
    // when jobs_max jobs run.
    yika::Status start(BatchId batch, std::int64_t total, Work work);
    std::optional<Status> status(BatchId batch) const;
    // Blocks until the batch's job (if any) has ended.
    void wait(BatchId batch);
    // Asks running jobs to stop after their current chunk and joins them. Idempotent.
    void stop();

  private:
    const std::size_t jobs_max_;
    mutable std::mutex mutex_;
    std::condition_variable ended_;
    std::map<BatchId, Status> jobs_;
    std::size_t running_ = 0;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

class AdminState {
  public:
    AdminState(AdminDeps deps, AdminOptions options);
    ~AdminState();

    AdminDeps deps;
    AdminOptions options;
    const AdminLimits& limits;
    crypto::PasswordPool passwords;
    store::ReaderPool readers;
    crypto::SodiumAuditChain chain;
    GenerationJobs jobs;
    DayCloseJobs closes;  // issue 5: POST /v1/days/{date}/close

    // GET /v1/dashboard's answer, recomputed at most once per admin.dashboard_cache_ms.
    struct Dashboard {
        std::mutex mutex;
        std::string json;
        TimestampMs computed_at_ms = 0;
    } dashboard;

    Bytes tokenHash(std::string_view token) const;
    // The handler of a kind; nullptr when no executor is registered (payout_release until
    // issue 5 registers one).
    ApprovalKindHandler* kind(ApprovalKind kind) const;
    LoginPolicy loginPolicy() const;

  private:
    std::map<ApprovalKind, std::shared_ptr<ApprovalKindHandler>> kinds_;
};

// The kinds the admin API carries out itself (approvals_api.cpp).
std::shared_ptr<ApprovalKindHandler> productionBatchKind();
std::shared_ptr<ApprovalKindHandler> manualAdjustmentKind();
std::shared_ptr<ApprovalKindHandler> merchantFeeChangeKind();

}  // namespace yika::admin
