#include "card_core/store/reader_pool.h"

#include <chrono>

namespace yika::store {

ReaderPool::Lease ReaderPool::acquire() {
    std::unique_ptr<Reader> reader;
    {
        std::unique_lock lock(mutex_);
        const auto wait = std::chrono::milliseconds(store_.options().pool_wait_ms);
        const std::size_t max = std::max<std::size_t>(1, store_.options().pool_max);
        if (!released_.wait_for(lock, wait, [&] { return !free_.empty() || open_ < max; })) {
            throw StorageError(ErrorCode::StorageUnavailable,
                               "all " + std::to_string(max) + " database connections are busy");
        }
        if (!free_.empty()) {
            reader = std::move(free_.back());
            free_.pop_back();
        } else {
            ++open_;  // reserved; opened below without the lock
        }
    }
    if (!reader) {
        try {
            reader = std::make_unique<Reader>();
            reader->db = store_.openReader();
            reader->tx = std::make_unique<SqliteStoreTx>(*reader->db);
        } catch (...) {
            std::lock_guard lock(mutex_);
            --open_;
            released_.notify_one();
            throw;
        }
    }
    reader->tx->resetCaches();
    return Lease(*this, std::move(reader));
}

void ReaderPool::release(std::unique_ptr<Reader> reader) {
    {
        std::lock_guard lock(mutex_);
        free_.push_back(std::move(reader));
    }
    released_.notify_one();
}

}  // namespace yika::store
