#pragma once

// TcpStats: the listener's counters, for metrics and tests. TcpCounters holds them as relaxed
// atomics: the loop thread writes, any thread reads a (not mutually consistent) snapshot.
//
// Invariant, once the loop is idle: accepted == open + closed_peer + closed_requested +
// closed_idle + closed_slow + closed_bad_frame + closed_write_overflow + closed_stopped.

#include <atomic>
#include <cstdint>

namespace yika::terminal {

struct TcpStats {
    std::uint64_t open = 0;                   // connections open now
    std::uint64_t accepted = 0;               // connections taken into service
    std::uint64_t refused_over_limit = 0;     // accepted and closed at once: connections_max
    std::uint64_t closed_peer = 0;            // the peer closed, reset or failed
    std::uint64_t closed_requested = 0;       // TcpServer::close()
    std::uint64_t closed_idle = 0;            // idle_timeout_ms
    std::uint64_t closed_slow = 0;            // frame_timeout_ms
    std::uint64_t closed_bad_frame = 0;       // a length prefix out of range
    std::uint64_t closed_write_overflow = 0;  // write_buffer_bytes_max
    std::uint64_t closed_stopped = 0;         // TcpServer::stop()
    std::uint64_t frames_in = 0;              // request frames delivered to the handler
    std::uint64_t frames_out = 0;             // reply frames written or buffered for writing
    std::uint64_t replies_dropped = 0;        // replies and closes for connections already gone
    std::uint64_t accept_pauses = 0;  // accepting paused for a tick: out of descriptors or memory
};

class TcpCounters {
  public:
    using Counter = std::atomic<std::uint64_t>;

    static void add(Counter& counter, std::uint64_t n = 1) {
        counter.fetch_add(n, std::memory_order_relaxed);
    }
    static void subtract(Counter& counter) { counter.fetch_sub(1, std::memory_order_relaxed); }

    TcpStats snapshot() const {
        auto get = [](const Counter& counter) { return counter.load(std::memory_order_relaxed); };
        return {.open = get(open),
                .accepted = get(accepted),
                .refused_over_limit = get(refused_over_limit),
                .closed_peer = get(closed_peer),
                .closed_requested = get(closed_requested),
                .closed_idle = get(closed_idle),
                .closed_slow = get(closed_slow),
                .closed_bad_frame = get(closed_bad_frame),
                .closed_write_overflow = get(closed_write_overflow),
                .closed_stopped = get(closed_stopped),
                .frames_in = get(frames_in),
                .frames_out = get(frames_out),
                .replies_dropped = get(replies_dropped),
                .accept_pauses = get(accept_pauses)};
    }

    Counter open{0};
    Counter accepted{0};
    Counter refused_over_limit{0};
    Counter closed_peer{0};
    Counter closed_requested{0};
    Counter closed_idle{0};
    Counter closed_slow{0};
    Counter closed_bad_frame{0};
    Counter closed_write_overflow{0};
    Counter closed_stopped{0};
    Counter frames_in{0};
    Counter frames_out{0};
    Counter replies_dropped{0};
    Counter accept_pauses{0};
};

}  // namespace yika::terminal
