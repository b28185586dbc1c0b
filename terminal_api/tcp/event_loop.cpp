#include "terminal_api/tcp/event_loop.h"

#include "card_core/domain/assert.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <system_error>
#include <utility>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace yika::terminal {

namespace {

// epoll tokens of the loop's own descriptors; connection ids start above them.
constexpr std::uint64_t kListenToken = 0;
constexpr std::uint64_t kMailboxToken = 1;
constexpr ConnectionId kFirstConnectionId = 16;

constexpr std::uint32_t kIn = EPOLLIN;
constexpr std::uint32_t kOut = EPOLLOUT;
constexpr std::uint32_t kBroken = EPOLLERR | EPOLLHUP;

// Events taken per epoll_wait, and connections accepted per readiness of the listening socket.
// Both only bound one round of work; level triggering brings back whatever is left.
constexpr int kEventsPerWait = 256;
constexpr int kAcceptsPerEvent = 256;

std::int64_t monotonicMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Not a failure of the connection: try again when epoll says so.
bool transient(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == EINTR; }

// accept4() errors that say the process or system ran out of something, not that one incoming
// connection went wrong. Retrying at once would spin, so accepting pauses for one timer tick.
bool outOfResources(int error) {
    return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM;
}

}  // namespace

EventLoop::EventLoop(FrameHandler& handler, const TcpLimits& limits, int listen_fd,
                     Mailbox& mailbox, TcpCounters& counters)
    : handler_(handler),
      limits_(limits),
      codec_limits_{.frame_bytes_max = limits.frame_bytes_max},
      listen_fd_(listen_fd),
      mailbox_(mailbox),
      counters_(counters),
      next_id_(kFirstConnectionId) {
    YIKA_ASSERT(checkTcpLimits(limits).ok());
    YIKA_ASSERT(listen_fd >= 0);
    connections_.reserve(limits.connections_max);  // no rehash pauses while terminals connect
}

EventLoop::~EventLoop() {
    YIKA_ASSERT(connections_.empty());  // run() closes them all before it returns
    if (epoll_fd_ >= 0) {
        ::close(epoll_fd_);
    }
}

Status EventLoop::open() {
    YIKA_ASSERT(epoll_fd_ < 0);
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) {
        return makeError(ErrorCode::InvalidArgument,
                         "tcp: epoll_create1: " + std::generic_category().message(errno));
    }
    for (const auto& [fd, token] :
         {std::pair{listen_fd_, kListenToken}, std::pair{mailbox_.fd(), kMailboxToken}}) {
        epoll_event event{};
        event.events = kIn;
        event.data.u64 = token;
        if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
            return makeError(ErrorCode::InvalidArgument,
                             "tcp: epoll_ctl: " + std::generic_category().message(errno));
        }
    }
    return Ok{};
}

void EventLoop::run(const std::atomic<bool>& stop_requested,
                    const std::atomic<bool>* accept_stop_requested) {
    YIKA_ASSERT(epoll_fd_ >= 0);
    std::array<epoll_event, kEventsPerWait> events{};
    now_ms_ = monotonicMs();
    std::int64_t next_tick_ms = now_ms_ + limits_.timer_tick_ms;
    while (!stop_requested.load(std::memory_order_acquire)) {
        const auto wait_ms = static_cast<int>(
            std::clamp<std::int64_t>(next_tick_ms - now_ms_, 0, limits_.timer_tick_ms));
        const int ready = ::epoll_wait(epoll_fd_, events.data(), kEventsPerWait, wait_ms);
        YIKA_ASSERT(ready >= 0 || errno == EINTR);  // anything else is a bad descriptor: our bug
        now_ms_ = monotonicMs();
        for (int i = 0; i < ready; ++i) {
            const epoll_event& event = events[static_cast<std::size_t>(i)];
            dispatch(event.data.u64, event.events);
        }
        if (now_ms_ >= next_tick_ms) {
            expireTimers();
            next_tick_ms = now_ms_ + limits_.timer_tick_ms;
        }
        if (!accept_stopped_ && accept_stop_requested != nullptr &&
            accept_stop_requested->load(std::memory_order_acquire)) {
            // Connections waiting in the backlog are reset when the listening socket closes.
            setAccepting(false);
            accept_stopped_ = true;
        }
    }
    // Stopping: replies already queued go out if the sockets take them at once, but no new frame
    // reaches the handler (its answers would be dropped anyway).
    stopping_ = true;
    drainMailbox();
    closeAll();
}

void EventLoop::dispatch(std::uint64_t token, std::uint32_t events) {
    if (token == kListenToken) {
        acceptConnections();
        return;
    }
    if (token == kMailboxToken) {
        drainMailbox();
        return;
    }
    const auto found = connections_.find(token);
    if (found == connections_.end()) {
        return;  // closed earlier in this round (invariant 6)
    }
    Connection& connection = *found->second;
    // EPOLLHUP on a TCP socket means a reset or both directions shut: nothing more can be sent,
    // and it is reported even with an empty interest set, so it must close the connection.
    if ((events & kBroken) != 0) {
        closeConnection(connection, CloseReason::Peer);
        return;
    }
    if ((events & kIn) != 0 && !onReadable(connection)) {
        return;
    }
    if ((events & kOut) != 0) {
        onWritable(connection);
    }
}

void EventLoop::acceptConnections() {
    for (int i = 0; i < kAcceptsPerEvent; ++i) {
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            const int error = errno;
            if (transient(error)) {
                return;
            }
            if (outOfResources(error)) {
                setAccepting(false);  // expireTimers() turns it back on next tick
                TcpCounters::add(counters_.accept_pauses);
                return;
            }
            // Otherwise one pending connection failed (ECONNABORTED, EPROTO, a network error
            // passed on from the new socket): go on with the next. A bad descriptor is our bug.
            YIKA_ASSERT(error != EBADF && error != EINVAL && error != ENOTSOCK && error != EFAULT);
            continue;
        }
        if (connections_.size() >= limits_.connections_max) {
            ::close(fd);
            TcpCounters::add(counters_.refused_over_limit);
            continue;
        }
        addConnection(fd);
    }
}

void EventLoop::addConnection(int fd) {
    // Each reply is one small frame sent as soon as it is ready; Nagle's algorithm would hold it
    // back until the previous reply is acknowledged. Failure only costs latency.
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

    const ConnectionId id = next_id_++;
    epoll_event event{};
    event.events = kIn;
    event.data.u64 = id;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
        // Only memory or fs.epoll.max_user_watches can refuse: a limit like connections_max.
        ::close(fd);
        TcpCounters::add(counters_.refused_over_limit);
        return;
    }
    auto connection = std::make_unique<Connection>(id, fd, codec_limits_);
    connection->interest = kIn;
    idle_timers_.pushBack(connection->idle_timer, now_ms_ + limits_.idle_timeout_ms);
    connections_.emplace(id, std::move(connection));
    TcpCounters::add(counters_.accepted);
    TcpCounters::add(counters_.open);
}

bool EventLoop::onReadable(Connection& connection) {
    YIKA_ASSERT(!connection.paused && connection.read_ahead.empty());  // invariants 1 and 3
    const ssize_t got = ::recv(connection.fd, read_buffer_.data(), read_buffer_.size(), 0);
    if (got > 0) {
        return consumeInput(connection, {read_buffer_.data(), static_cast<std::size_t>(got)});
    }
    if (got == 0) {
        return onInputEnded(connection);
    }
    if (transient(errno)) {
        return true;
    }
    closeConnection(connection, CloseReason::Peer);
    return false;
}

void EventLoop::onWritable(Connection& connection) {
    if (connection.output.empty()) {
        return;  // EPOLLOUT can come with EPOLLIN after the output drained
    }
    const auto pending = connection.output.pending();
    const ssize_t sent = ::send(connection.fd, pending.data(), pending.size(), MSG_NOSIGNAL);
    if (sent < 0) {
        if (!transient(errno)) {
            closeConnection(connection, CloseReason::Peer);
        }
        return;
    }
    connection.output.consume(static_cast<std::size_t>(sent));
    if (connection.output.empty() && !closeIfDone(connection)) {
        updateInterest(connection);
    }
}

bool EventLoop::onInputEnded(Connection& connection) {
    // The peer shut its side. A partial frame is discarded (protocol section 2); answers to the
    // complete frames still go out, then the connection closes.
    connection.input_ended = true;
    frame_timers_.removeIfLinked(connection.frame_timer);
    if (closeIfDone(connection)) {
        return false;
    }
    updateInterest(connection);
    return true;
}

bool EventLoop::consumeInput(Connection& connection, std::span<const std::uint8_t> bytes) {
    const FeedResult result = feed(connection, bytes);
    if (result.bad_frame) {
        // The stream cannot be resynchronised: close at once, without an answer (section 13).
        closeConnection(connection, CloseReason::BadFrame);
        return false;
    }
    if (connection.reader.ready()) {
        // The in-flight limit stopped delivery. Keep the rest of this read (at most
        // kReadChunkBytes) and leave the remainder in the kernel until replies drain.
        connection.read_ahead.append(bytes.subspan(result.consumed));
        connection.paused = true;
        updateInterest(connection);
    }
    return true;
}

EventLoop::FeedResult EventLoop::feed(Connection& connection, std::span<const std::uint8_t> bytes) {
    std::size_t consumed = 0;
    // Each pass delivers a frame (which raises in_flight, so at most in_flight_per_connection_max
    // passes do) or consumes at least one byte: the loop ends.
    for (;;) {
        if (connection.reader.ready()) {
            if (connection.in_flight >= limits_.in_flight_per_connection_max) {
                return {consumed, false};
            }
            deliver(connection);
            continue;
        }
        if (consumed == bytes.size()) {
            return {consumed, false};
        }
        const auto taken = connection.reader.feed(bytes.subspan(consumed));
        if (!taken) {
            return {consumed, true};
        }
        consumed += *taken;
        if (connection.reader.ready()) {
            frame_timers_.removeIfLinked(connection.frame_timer);
            idle_timers_.restart(connection.idle_timer, now_ms_ + limits_.idle_timeout_ms);
        } else if (!connection.frame_timer.linked()) {
            frame_timers_.pushBack(connection.frame_timer, now_ms_ + limits_.frame_timeout_ms);
        }
    }
}

void EventLoop::deliver(Connection& connection) {
    ++connection.in_flight;
    TcpCounters::add(counters_.frames_in);
    handler_.onFrame(connection.id, connection.reader.frame());
    connection.reader.pop();
}

bool EventLoop::resumeReading(Connection& connection) {
    // read_ahead is not touched while feed() runs (the handler can only post to the mailbox), so
    // the span stays valid.
    connection.paused = false;
    const FeedResult result = feed(connection, connection.read_ahead.pending());
    if (result.bad_frame) {
        closeConnection(connection, CloseReason::BadFrame);
        return false;
    }
    connection.read_ahead.consume(result.consumed);
    connection.paused = connection.reader.ready();
    YIKA_ASSERT(connection.paused || connection.read_ahead.empty());  // invariant 3
    return true;
}

void EventLoop::drainMailbox() {
    mailbox_.takeAll(commands_);
    for (MailboxCommand& command : commands_) {
        const auto found = connections_.find(command.id);
        if (found == connections_.end() || found->second->close_requested) {
            TcpCounters::add(counters_.replies_dropped);
            continue;
        }
        Connection& connection = *found->second;
        if (command.close) {
            connection.close_requested = true;
            if (!closeIfDone(connection)) {
                updateInterest(connection);
            }
            continue;
        }
        applyReply(connection, command.body);
    }
    commands_.clear();  // frees the reply bodies, keeps the vector's capacity
}

void EventLoop::applyReply(Connection& connection, std::span<const std::uint8_t> body) {
    if (connection.in_flight > 0) {
        --connection.in_flight;
    }
    idle_timers_.restart(connection.idle_timer, now_ms_ + limits_.idle_timeout_ms);
    if (!writeFrame(connection, body)) {
        return;
    }
    if (connection.paused && !stopping_ &&
        connection.in_flight < limits_.in_flight_per_connection_max && !resumeReading(connection)) {
        return;
    }
    if (!closeIfDone(connection)) {
        updateInterest(connection);
    }
}

bool EventLoop::writeFrame(Connection& connection, std::span<const std::uint8_t> body) {
    YIKA_ASSERT(body.size() <= kReplyBodyBytesMax);
    std::array<std::uint8_t, iso8583::kLengthPrefixBytes> prefix{
        static_cast<std::uint8_t>(body.size() >> 8), static_cast<std::uint8_t>(body.size())};
    std::size_t sent = 0;
    if (connection.output.empty()) {
        // The usual case: straight to the socket, prefix and body in one call, no copy. sendmsg
        // does not write through iov_base; the const_cast only satisfies struct iovec.
        std::array<iovec, 2> parts{{{prefix.data(), prefix.size()},
                                    {const_cast<std::uint8_t*>(body.data()), body.size()}}};
        msghdr message{};
        message.msg_iov = parts.data();
        message.msg_iovlen = parts.size();
        const ssize_t written = ::sendmsg(connection.fd, &message, MSG_NOSIGNAL);
        if (written < 0 && !transient(errno)) {
            closeConnection(connection, CloseReason::Peer);
            return false;
        }
        sent = written > 0 ? static_cast<std::size_t>(written) : 0;
    }
    const std::size_t frame_bytes = prefix.size() + body.size();
    if (sent < frame_bytes) {
        if (connection.output.size() + (frame_bytes - sent) > limits_.write_buffer_bytes_max) {
            closeConnection(connection, CloseReason::WriteOverflow);  // invariant 5
            return false;
        }
        if (sent < prefix.size()) {
            connection.output.append(std::span<const std::uint8_t>(prefix).subspan(sent));
        }
        connection.output.append(body.subspan(sent > prefix.size() ? sent - prefix.size() : 0));
    }
    TcpCounters::add(counters_.frames_out);
    return true;
}

bool EventLoop::closeIfDone(Connection& connection) {
    if (!connection.output.empty()) {
        return false;
    }
    if (connection.close_requested) {
        closeConnection(connection, CloseReason::Requested);
        return true;
    }
    if (connection.input_ended && connection.in_flight == 0) {
        closeConnection(connection, CloseReason::Peer);
        return true;
    }
    return false;
}

void EventLoop::updateInterest(Connection& connection) {
    const bool reading =
        !connection.paused && !connection.input_ended && !connection.close_requested;
    const std::uint32_t wanted = (reading ? kIn : 0U) | (connection.output.empty() ? 0U : kOut);
    if (wanted == connection.interest) {
        return;
    }
    epoll_event event{};
    event.events = wanted;
    event.data.u64 = connection.id;
    // MOD of a registered descriptor allocates nothing; it can only fail on our own bug.
    const int done = ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, connection.fd, &event);
    YIKA_ASSERT(done == 0);
    connection.interest = wanted;
}

void EventLoop::expireTimers() {
    // Each close unlinks the connection from both lists, so every pass shortens a list.
    while (Connection* connection = idle_timers_.expired(now_ms_)) {
        closeConnection(*connection, CloseReason::Idle);
    }
    while (Connection* connection = frame_timers_.expired(now_ms_)) {
        closeConnection(*connection, CloseReason::Slow);
    }
    if (!accepting_ && !accept_stopped_) {
        setAccepting(true);
    }
}

void EventLoop::setAccepting(bool accepting) {
    epoll_event event{};
    event.events = accepting ? kIn : 0U;
    event.data.u64 = kListenToken;
    const int done = ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &event);
    YIKA_ASSERT(done == 0);
    accepting_ = accepting;
}

void EventLoop::closeConnection(Connection& connection, CloseReason reason) {
    const ConnectionId id = connection.id;
    // Deregister explicitly: close() alone leaves the registration alive while a forked child
    // still holds a copy of the descriptor, and a level-triggered registration of a connection we
    // forgot would then be reported forever.
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, connection.fd, nullptr);
    ::close(connection.fd);
    idle_timers_.removeIfLinked(connection.idle_timer);
    frame_timers_.removeIfLinked(connection.frame_timer);
    connections_.erase(id);  // destroys `connection`
    TcpCounters::subtract(counters_.open);
    TcpCounters::add(closeCounter(reason));
    handler_.onClosed(id);
}

void EventLoop::closeAll() {
    while (!connections_.empty()) {
        closeConnection(*connections_.begin()->second, CloseReason::Stopped);
    }
}

TcpCounters::Counter& EventLoop::closeCounter(CloseReason reason) {
    switch (reason) {
        case CloseReason::Peer:
            return counters_.closed_peer;
        case CloseReason::Requested:
            return counters_.closed_requested;
        case CloseReason::Idle:
            return counters_.closed_idle;
        case CloseReason::Slow:
            return counters_.closed_slow;
        case CloseReason::BadFrame:
            return counters_.closed_bad_frame;
        case CloseReason::WriteOverflow:
            return counters_.closed_write_overflow;
        case CloseReason::Stopped:
            return counters_.closed_stopped;
    }
    YIKA_ASSERT(false);
    return counters_.closed_peer;
}

}  // namespace yika::terminal
