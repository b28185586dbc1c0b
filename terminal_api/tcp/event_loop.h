#pragma once

// EventLoop: the one thread that serves every terminal connection of a TcpServer, over epoll.
//
// Level-triggered epoll, chosen over edge-triggered for two reasons:
//   - Fairness without bookkeeping: each readiness event gets one recv() of kReadChunkBytes and
//     the kernel reports the socket again next round if more waits, so a fast sender cannot
//     starve the other 9,999 connections. Edge-triggered would require draining to EAGAIN (or a
//     private "still readable" list) on every event.
//   - No lost wake-ups when we stop reading on purpose (in-flight limit, close requested): with
//     level triggering we just drop EPOLLIN from the interest set and add it back later, and the
//     kernel tells us about whatever arrived meanwhile. With edge triggering, forgetting one
//     re-read after a resume leaves a connection silent forever.
// The cost, epoll_ctl(MOD) on interest changes, is paid only on transitions that are rare in
// steady state (a reply the socket could not take at once, a pause); see updateInterest().
//
// Per connection:
//
//   accept4 ──> READING ──frame ready and in_flight == max──> PAUSED ──reply, in_flight < max──┐
//                 ^  │                                                    (resumeReading)       │
//                 │  └─────────────────────────────────────────────────────────────────────────┘
//                 │
//   READING ──recv() == 0────────> INPUT ENDED ──in_flight == 0, output empty──> closed (peer)
//   any ─────close() command─────> CLOSING ─────output empty───────────────────> closed (requested)
//   any ──idle / frame timeout, bad length prefix, write overflow, socket error, stop()──> closed
//
// Invariants (checked where they are relied on):
//   1. interest == EPOLLIN if reading (not paused, input not ended, no close requested), plus
//      EPOLLOUT if output is not empty, after each event has been handled.
//   2. paused implies reader.ready() and in_flight >= in_flight_per_connection_max.
//   3. read_ahead is empty unless paused.
//   4. The frame timer runs exactly while the reader holds part of a frame and input has not
//      ended; the idle timer runs from accept to close.
//   5. output.size() <= write_buffer_bytes_max.
//   6. An epoll event carries the connection id, never a pointer: an event for a connection
//      closed earlier in the same batch finds nothing in connections_ and is ignored.
//
// Thread-safety: open() and the destructor on the owner thread; run() on the loop thread; the
// two never overlap (TcpServer joins before destroying).

#include "card_core/domain/result.h"
#include "terminal_api/iso8583/codec.h"
#include "terminal_api/tcp/connection.h"
#include "terminal_api/tcp/deadline_list.h"
#include "terminal_api/tcp/frame_handler.h"
#include "terminal_api/tcp/mailbox.h"
#include "terminal_api/tcp/tcp_limits.h"
#include "terminal_api/tcp/tcp_stats.h"

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

namespace yika::terminal {

class EventLoop {
  public:
    // Borrows all four; they outlive the loop. Precondition: checkTcpLimits(limits) succeeds and
    // listen_fd is a listening, non-blocking socket.
    EventLoop(FrameHandler& handler, const TcpLimits& limits, int listen_fd, Mailbox& mailbox,
              TcpCounters& counters);
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // Creates the epoll instance and registers the listening socket and the mailbox.
    // Errors: InvalidArgument with the OS error.
    Status open();

    // Serves connections until stop_requested is set (the caller then wakes the mailbox), then
    // sends what the mailbox holds if the sockets take it at once and closes every connection.
    // Precondition: open() succeeded. Call once. Once `accept_stop_requested` (may be null) is
    // set, no further connection is accepted (graceful stop: existing ones are still served).
    void run(const std::atomic<bool>& stop_requested,
             const std::atomic<bool>* accept_stop_requested = nullptr);

  private:
    enum class CloseReason : std::uint8_t {
        Peer,
        Requested,
        Idle,
        Slow,
        BadFrame,
        WriteOverflow,
        Stopped
    };
    struct FeedResult {
        std::size_t consumed = 0;
        bool bad_frame = false;
    };

    // Functions returning bool return false when they closed (and destroyed) the connection.
    void dispatch(std::uint64_t token, std::uint32_t events);
    void acceptConnections();
    void addConnection(int fd);
    bool onReadable(Connection& connection);
    void onWritable(Connection& connection);
    bool onInputEnded(Connection& connection);
    bool consumeInput(Connection& connection, std::span<const std::uint8_t> bytes);
    FeedResult feed(Connection& connection, std::span<const std::uint8_t> bytes);
    void deliver(Connection& connection);
    bool resumeReading(Connection& connection);
    void drainMailbox();
    void applyReply(Connection& connection, std::span<const std::uint8_t> body);
    bool writeFrame(Connection& connection, std::span<const std::uint8_t> body);
    bool closeIfDone(Connection& connection);
    void updateInterest(Connection& connection);
    void expireTimers();
    void setAccepting(bool accepting);
    void closeConnection(Connection& connection, CloseReason reason);
    void closeAll();
    TcpCounters::Counter& closeCounter(CloseReason reason);

    FrameHandler& handler_;
    const TcpLimits limits_;
    const iso8583::CodecLimits codec_limits_;
    const int listen_fd_;
    Mailbox& mailbox_;
    TcpCounters& counters_;

    int epoll_fd_ = -1;
    bool accepting_ = true;
    bool accept_stopped_ = false;  // graceful stop: accepting never resumes
    bool stopping_ = false;        // run() is closing down: deliver no more frames
    std::int64_t now_ms_ = 0;      // the monotonic clock, read once per round of events
    ConnectionId next_id_;
    DeadlineList<Connection> idle_timers_;
    DeadlineList<Connection> frame_timers_;
    // Declared after the lists: connections unlink their timers before the lists go away.
    std::unordered_map<ConnectionId, std::unique_ptr<Connection>> connections_;
    std::vector<MailboxCommand> commands_;  // swapped with the mailbox's queue; keeps capacity
    std::array<std::uint8_t, kReadChunkBytes> read_buffer_{};  // shared by all connections
};

}  // namespace yika::terminal
