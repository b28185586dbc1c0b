#include "terminal_api/tcp/byte_queue.h"

#include "card_core/domain/assert.h"

namespace yika::terminal {

void ByteQueue::append(std::span<const std::uint8_t> bytes) {
    // Dropping the consumed prefix only once it is at least half the storage makes the moves
    // amortised O(1) per byte while keeping the storage under twice the queued bytes.
    if (head_ > 0 && head_ * 2 >= bytes_.size()) {
        bytes_.erase(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
    }
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
}

void ByteQueue::consume(std::size_t n) {
    YIKA_ASSERT(n <= size());
    head_ += n;
    if (head_ == bytes_.size()) {
        bytes_.clear();
        head_ = 0;
        if (bytes_.capacity() > kRetainedBytes) {
            bytes_.shrink_to_fit();
        }
    }
}

}  // namespace yika::terminal
