#pragma once

// A small bounded pool for argon2id hashing and verification, apart from the request threads
// and the single writer: each hash costs tens of milliseconds of a core and tens of MiB, so
// logins run at most `threads` at a time and at most `queue_max` wait. Beyond that a request is
// refused at once (nullopt) and the caller answers 503 "busy, try again". Shared by the portal and
// the admin API (each has its own pool and limits).
//
// Thread-safe. The destructor finishes queued work and joins the threads.

#include "crypto/password.h"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace yika::crypto {

class PasswordPool {
  public:
    // Preconditions (asserted): threads >= 1.
    PasswordPool(std::size_t threads, std::size_t queue_max, crypto::PasswordCost cost);
    ~PasswordPool();
    PasswordPool(const PasswordPool&) = delete;
    PasswordPool& operator=(const PasswordPool&) = delete;

    // verifyPassword(stored, password) on the pool; nullopt when the queue is full.
    std::optional<std::future<bool>> verify(std::string stored, std::string password);
    // hashPassword(password, cost) on the pool; nullopt when the queue is full.
    std::optional<std::future<std::string>> hash(std::string password);

    // A hash of a random password at the pool's cost: verified against when a login names no
    // account, so that the answer takes as long as for a real account.
    const std::string& decoyHash() const { return decoy_; }

  private:
    bool enqueue(std::function<void()> job);
    void finished();
    void loop();

    const std::size_t queue_max_;
    const crypto::PasswordCost cost_;
    std::string decoy_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> queue_;
    std::size_t accepted_ = 0;  // queued or running
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace yika::crypto
