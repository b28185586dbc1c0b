#include "crypto/password_pool.h"

#include "card_core/domain/assert.h"

#include <algorithm>
#include <memory>

namespace yika::crypto {

namespace {

void wipe(std::string& secret) { std::fill(secret.begin(), secret.end(), '\0'); }

}  // namespace

PasswordPool::PasswordPool(std::size_t threads, std::size_t queue_max, crypto::PasswordCost cost)
    : queue_max_(queue_max), cost_(cost) {
    YIKA_ASSERT(threads >= 1);
    decoy_ = crypto::hashPassword("yika-decoy-password", cost_);
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { loop(); });
}

PasswordPool::~PasswordPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
}

bool PasswordPool::enqueue(std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        // Jobs waiting or running, against the threads plus the queue: with queue_max 0 only
        // idle threads take work, and nothing waits.
        if (stopping_ || accepted_ >= queue_max_ + threads_.size()) return false;
        accepted_ += 1;
        queue_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
}

void PasswordPool::finished() {
    std::lock_guard lock(mutex_);
    accepted_ -= 1;
}

std::optional<std::future<bool>> PasswordPool::verify(std::string stored, std::string password) {
    auto promise = std::make_shared<std::promise<bool>>();
    auto future = promise->get_future();
    // The slot is given back before the caller hears the answer, so that its next request
    // finds it free.
    bool queued = enqueue(
        [this, promise, stored = std::move(stored), password = std::move(password)]() mutable {
            bool ok = crypto::verifyPassword(stored, password);
            wipe(password);
            finished();
            promise->set_value(ok);
        });
    if (!queued) return std::nullopt;
    return future;
}

std::optional<std::future<std::string>> PasswordPool::hash(std::string password) {
    auto promise = std::make_shared<std::promise<std::string>>();
    auto future = promise->get_future();
    bool queued = enqueue([this, promise, password = std::move(password)]() mutable {
        std::string out = crypto::hashPassword(password, cost_);
        wipe(password);
        finished();
        promise->set_value(std::move(out));
    });
    if (!queued) return std::nullopt;
    return future;
}

void PasswordPool::loop() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping, and nothing left to do
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        job();
    }
}

}  // namespace yika::crypto
