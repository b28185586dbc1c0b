#include "card_core/store/reader_pool.h"

namespace yika::store {

ReaderPool::Lease ReaderPool::acquire() {
    std::unique_ptr<Reader> reader;
    {
        std::lock_guard lock(mutex_);
        if (!free_.empty()) {
            reader = std::move(free_.back());
            free_.pop_back();
        }
    }
    if (!reader) {
        reader = std::make_unique<Reader>();
        reader->db = store_.openReader();
        reader->tx = std::make_unique<SqliteStoreTx>(*reader->db);
    }
    reader->tx->resetCaches();
    return Lease(*this, std::move(reader));
}

void ReaderPool::release(std::unique_ptr<Reader> reader) {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(reader));
}

}  // namespace yika::store
