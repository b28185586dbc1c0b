#pragma once

// TcpServer: the event-driven TCP listener for POS terminals (docs/terminal-protocol.md section
// 2). One loop thread serves every connection over epoll (event_loop.h has the design), so tens of
// thousands of terminals can hold connections open without a thread each.
//
//   terminal ──frames──> loop thread ──FrameHandler::onFrame(id, body)──> ISO 8583 service
//   terminal <──frames── loop thread <──eventfd── mailbox <──reply(id, body)── any thread
//
// Replies may come later and from any thread (the database writer completes requests in groups);
// they go through a mailbox that wakes the loop once per group.
//
// Typical use (server/):
//
//   TcpServer server(service, limits);        // limits from config, checkTcpLimits() first
//   if (auto listening = server.listen("0.0.0.0", 9100); !listening) { ...fail startup... }
//   server.start();
//   ...waitForTerminationRequest()...
//   server.stop();
//
// Thread-safety: listen(), start(), stop() and the destructor on one owner thread, never from a
// handler callback. reply(), close(), stats() and port() from any thread.

#include "card_core/domain/result.h"
#include "terminal_api/tcp/frame_handler.h"
#include "terminal_api/tcp/mailbox.h"
#include "terminal_api/tcp/tcp_limits.h"
#include "terminal_api/tcp/tcp_stats.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace yika::terminal {

class EventLoop;

class TcpServer {
  public:
    using Stats = TcpStats;

    // Precondition: checkTcpLimits(limits) succeeds. `handler` must outlive the server.
    TcpServer(FrameHandler& handler, TcpLimits limits);
    // stop().
    ~TcpServer();
    TcpServer(const TcpServer&) = delete;
    TcpServer& operator=(const TcpServer&) = delete;

    // Raises the soft RLIMIT_NOFILE to the hard limit (process-wide), then binds and listens on
    // `address` (an IPv4 or IPv6 literal) and `port` (0: an ephemeral port; see port()).
    // Precondition: not listening yet. After an error nothing is held and listen() may be
    // called again.
    // Errors: InvalidArgument if RLIMIT_NOFILE stays below connections_max +
    // kFileDescriptorsReserved, for a bad address, or when the OS refuses (port in use, ...).
    Status listen(const std::string& address, std::uint16_t port);

    // The bound port, once listen() succeeded; 0 before.
    std::uint16_t port() const { return port_.load(std::memory_order_acquire); }

    // Starts the loop thread. Precondition: listen() succeeded; start() not called before.
    void start();

    // Stops accepting, sends queued replies the sockets take at once, closes every connection
    // (FrameHandler::onClosed for each, on the loop thread), joins the loop thread and closes the
    // listening socket. Idempotent; returns within about one timer tick plus the handler's
    // onClosed calls. Later reply() and close() calls are dropped.
    void stop();

    // Graceful stop, first step: accept no further connection; the open ones are still served
    // (frames delivered, replies written) until stop(). Owner thread, like stop(); takes effect
    // within one loop round. Idempotent.
    void stopAccepting();

    // Queues `body` (a frame body; the server adds the 2-byte length) for connection `id` and
    // counts it as the answer to one of its frames. Dropped (counted in replies_dropped) if the
    // connection is gone, close() was called for it, or the server is stopped. Precondition:
    // body.size() <= kReplyBodyBytesMax. A body that the socket and write_buffer_bytes_max
    // together cannot take closes the connection (closed_write_overflow).
    void reply(ConnectionId id, std::vector<std::uint8_t> body);

    // Closes connection `id` once the replies queued before this call are written; stops reading
    // it at once. Dropped if the connection is gone.
    void close(ConnectionId id);

    // A snapshot of the counters; cheap (relaxed atomic loads).
    Stats stats() const { return counters_.snapshot(); }

  private:
    enum class Phase : std::uint8_t { Created, Listening, Running, Stopped };

    Status openSockets(const std::string& address, std::uint16_t port);
    void closeListenSocket();

    FrameHandler& handler_;
    const TcpLimits limits_;
    TcpCounters counters_;
    Mailbox mailbox_;
    std::unique_ptr<EventLoop> loop_;
    int listen_fd_ = -1;
    std::atomic<std::uint16_t> port_{0};
    std::atomic<bool> stop_requested_{false};
    std::atomic<bool> accept_stop_requested_{false};
    std::thread thread_;
    Phase phase_ = Phase::Created;  // owner thread only
};

}  // namespace yika::terminal
