#pragma once

// Test helpers for yika_tcp_test: a blocking loopback client whose every wait has a deadline, a
// handler that records what the server delivers, and waitUntil() for conditions seen only
// through TcpServer::stats(). No test sleeps to synchronise; each waits for a condition with a
// bounded timeout.

#include "terminal_api/tcp/frame_handler.h"
#include "terminal_api/tcp/tcp_server.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace yika::terminal::testing {

using Bytes = std::vector<std::uint8_t>;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

inline constexpr milliseconds kWaitMax{10000};  // the bound on every wait; never reached if OK

// A frame body of `size` bytes (>= 21, the protocol minimum) starting with `sequence`.
inline Bytes makeBody(std::uint32_t sequence, std::size_t size = 32) {
    Bytes body(size, 0xA5);
    for (std::size_t i = 0; i < 4; ++i) {
        body[i] = static_cast<std::uint8_t>(sequence >> (24 - 8 * i));
    }
    return body;
}

// The 2-byte big-endian length followed by the body.
inline Bytes makeFrame(const Bytes& body) {
    Bytes frame{static_cast<std::uint8_t>(body.size() >> 8),
                static_cast<std::uint8_t>(body.size())};
    frame.insert(frame.end(), body.begin(), body.end());
    return frame;
}

// Polls `condition` until it holds or `timeout` passes; returns whether it held. For conditions
// only visible in stats(); handler events use RecordingHandler's condition variable instead.
template <typename Condition>
bool waitUntil(Condition condition, milliseconds timeout = kWaitMax) {
    const auto deadline = Clock::now() + timeout;
    while (!condition()) {
        if (Clock::now() >= deadline) {
            return false;
        }
        // The polling interval, not a synchronisation: the condition decides, the deadline bounds.
        std::this_thread::sleep_for(milliseconds(1));
    }
    return true;
}

inline int remainingMs(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

// A blocking client socket on 127.0.0.1. Reads wait with poll() up to a deadline.
class Client {
  public:
    enum class Outcome { Closed, Data, Timeout };

    explicit Client(std::uint16_t port, int receive_buffer_bytes = 0) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) {
            return;
        }
        if (receive_buffer_bytes > 0) {
            ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes,
                         sizeof receive_buffer_bytes);
        }
        const int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    ~Client() { closeNow(); }
    Client(Client&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Client& operator=(Client&&) = delete;
    Client(const Client&) = delete;

    bool connected() const { return fd_ >= 0; }
    int fd() const { return fd_; }
    void closeNow() {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }

    bool sendBytes(std::span<const std::uint8_t> bytes) {
        while (!bytes.empty()) {
            const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (sent <= 0) {
                return false;
            }
            bytes = bytes.subspan(static_cast<std::size_t>(sent));
        }
        return true;
    }
    bool sendFrame(const Bytes& body) { return sendBytes(makeFrame(body)); }

    // Reads exactly n bytes; empty on close, error or timeout.
    std::optional<Bytes> readExactly(std::size_t n, milliseconds timeout = kWaitMax) {
        const auto deadline = Clock::now() + timeout;
        Bytes bytes(n);
        std::size_t have = 0;
        while (have < n) {
            pollfd entry{fd_, POLLIN, 0};
            if (::poll(&entry, 1, remainingMs(deadline)) != 1) {
                return std::nullopt;
            }
            const ssize_t got = ::recv(fd_, bytes.data() + have, n - have, 0);
            if (got <= 0) {
                return std::nullopt;
            }
            have += static_cast<std::size_t>(got);
        }
        return bytes;
    }

    // Reads one frame and returns its body; empty on close, error or timeout.
    std::optional<Bytes> readFrame(milliseconds timeout = kWaitMax) {
        const auto deadline = Clock::now() + timeout;
        const auto prefix = readExactly(2, timeout);
        if (!prefix) {
            return std::nullopt;
        }
        const std::size_t length = std::size_t{(*prefix)[0]} << 8 | (*prefix)[1];
        return readExactly(length,
                           std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
    }

    // Waits for the server to close: end of stream or a reset. Data first means Data.
    Outcome awaitClose(milliseconds timeout = kWaitMax) {
        pollfd entry{fd_, POLLIN, 0};
        if (::poll(&entry, 1, static_cast<int>(timeout.count())) != 1) {
            return Outcome::Timeout;
        }
        std::uint8_t byte = 0;
        const ssize_t got = ::recv(fd_, &byte, 1, 0);
        return got > 0 ? Outcome::Data : Outcome::Closed;
    }

  private:
    int fd_ = -1;
};

// Records every frame and close; optionally answers through `respond` (set before start()).
class RecordingHandler : public FrameHandler {
  public:
    struct Frame {
        ConnectionId id;
        Bytes body;
    };
    using Respond = std::function<void(ConnectionId, std::span<const std::uint8_t>)>;

    void setRespond(Respond respond) { respond_ = std::move(respond); }

    void onFrame(ConnectionId id, std::span<const std::uint8_t> body) noexcept override {
        {
            std::lock_guard lock(mutex_);
            frames_.push_back({id, Bytes(body.begin(), body.end())});
        }
        changed_.notify_all();
        if (respond_) {
            respond_(id, body);
        }
    }
    void onClosed(ConnectionId id) noexcept override {
        {
            std::lock_guard lock(mutex_);
            closed_.push_back(id);
        }
        changed_.notify_all();
    }

    bool waitFrames(std::size_t n, milliseconds timeout = kWaitMax) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return frames_.size() >= n; });
    }
    bool waitClosed(std::size_t n, milliseconds timeout = kWaitMax) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return closed_.size() >= n; });
    }
    std::vector<Frame> frames() {
        std::lock_guard lock(mutex_);
        return frames_;
    }
    std::vector<ConnectionId> closed() {
        std::lock_guard lock(mutex_);
        return closed_;
    }

  private:
    Respond respond_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Frame> frames_;
    std::vector<ConnectionId> closed_;
};

// Answers each frame with the same body, through the mailbox like any handler.
inline void echoWith(RecordingHandler& handler, TcpServer& server) {
    handler.setRespond([&server](ConnectionId id, std::span<const std::uint8_t> body) {
        server.reply(id, Bytes(body.begin(), body.end()));
    });
}

// accepted == open + every closed_* counter (tcp_stats.h), once the loop is quiet.
inline bool accountsBalance(const TcpStats& s) {
    return s.accepted == s.open + s.closed_peer + s.closed_requested + s.closed_idle +
                             s.closed_slow + s.closed_bad_frame + s.closed_write_overflow +
                             s.closed_stopped;
}

}  // namespace yika::terminal::testing
