#pragma once

// ByteQueue: a FIFO of bytes over one std::vector, for a connection's unsent reply bytes and for
// input read ahead while its reading is paused. Appends go to the back, consume() advances a head
// offset, and the consumed prefix is dropped lazily (when it is at least half the storage), so
// each byte is moved at most once on average.
//
// Memory: the caller bounds size() (write_buffer_bytes_max, kReadChunkBytes); the storage is at
// most about twice the largest size() reached, and is released when the queue drains if it grew
// beyond kRetainedBytes, so an idle connection keeps no large buffer after a burst.
//
// Thread-safety: none; the loop thread owns each queue.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace yika::terminal {

class ByteQueue {
  public:
    // Storage kept when the queue drains; larger storage is freed.
    static constexpr std::size_t kRetainedBytes = 4096;

    std::size_t size() const { return bytes_.size() - head_; }
    bool empty() const { return size() == 0; }

    // The queued bytes, oldest first; valid until the next append() or consume().
    std::span<const std::uint8_t> pending() const {
        return std::span<const std::uint8_t>(bytes_).subspan(head_);
    }

    void append(std::span<const std::uint8_t> bytes);

    // Drops the n oldest bytes. Precondition: n <= size().
    void consume(std::size_t n);

  private:
    std::vector<std::uint8_t> bytes_;
    std::size_t head_ = 0;  // bytes_[0, head_) are consumed
};

}  // namespace yika::terminal
