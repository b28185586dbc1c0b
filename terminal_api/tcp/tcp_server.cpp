#include "terminal_api/tcp/tcp_server.h"

#include "card_core/domain/assert.h"
#include "terminal_api/tcp/event_loop.h"
#include "terminal_api/tcp/socket_ops.h"

#include <utility>

#include <pthread.h>
#include <unistd.h>

namespace yika::terminal {

namespace {

// What the mailbox may hold: one answer per frame the loop may have delivered, plus one close
// per connection. A correct handler never gets near it.
std::size_t mailboxCommandsMax(const TcpLimits& limits) {
    YIKA_ASSERT(checkTcpLimits(limits).ok());  // also keeps the product far from overflow
    return limits.connections_max * (limits.in_flight_per_connection_max + 1);
}

}  // namespace

TcpServer::TcpServer(FrameHandler& handler, TcpLimits limits)
    : handler_(handler), limits_(limits), mailbox_(mailboxCommandsMax(limits)) {}

TcpServer::~TcpServer() { stop(); }

Status TcpServer::listen(const std::string& address, std::uint16_t port) {
    YIKA_ASSERT(phase_ == Phase::Created);
    Status status = openSockets(address, port);
    if (!status) {
        loop_.reset();
        closeListenSocket();
        return status;
    }
    phase_ = Phase::Listening;
    return Ok{};
}

Status TcpServer::openSockets(const std::string& address, std::uint16_t port) {
    YIKA_TRY(raiseFileLimit(limits_.connections_max + kFileDescriptorsReserved));
    auto fd = openListenSocket(address, port);
    if (!fd) {
        return fd.error();
    }
    listen_fd_ = *fd;
    auto bound = localPort(listen_fd_);
    if (!bound) {
        return bound.error();
    }
    if (mailbox_.fd() < 0) {  // a failed listen() may have opened it already
        YIKA_TRY(mailbox_.open());
    }
    loop_ = std::make_unique<EventLoop>(handler_, limits_, listen_fd_, mailbox_, counters_);
    YIKA_TRY(loop_->open());
    port_.store(*bound, std::memory_order_release);
    return Ok{};
}

void TcpServer::start() {
    YIKA_ASSERT(phase_ == Phase::Listening);
    phase_ = Phase::Running;
    thread_ = std::thread([this] {
        ::pthread_setname_np(::pthread_self(), "yika-tcp");
        loop_->run(stop_requested_, &accept_stop_requested_);
    });
}

void TcpServer::stop() {
    if (phase_ == Phase::Stopped) {
        return;
    }
    if (phase_ == Phase::Running) {
        YIKA_ASSERT(std::this_thread::get_id() != thread_.get_id());  // not from a handler
        stop_requested_.store(true, std::memory_order_release);
        mailbox_.wake();
        thread_.join();
    }
    mailbox_.shut();
    loop_.reset();
    closeListenSocket();
    phase_ = Phase::Stopped;
}

void TcpServer::stopAccepting() {
    accept_stop_requested_.store(true, std::memory_order_release);
    if (phase_ == Phase::Running) {
        mailbox_.wake();  // the loop checks the flag after its next round of events
    }
}

void TcpServer::reply(ConnectionId id, std::vector<std::uint8_t> body) {
    YIKA_ASSERT(body.size() <= kReplyBodyBytesMax);
    if (!mailbox_.post({.id = id, .close = false, .body = std::move(body)})) {
        TcpCounters::add(counters_.replies_dropped);
    }
}

void TcpServer::close(ConnectionId id) {
    if (!mailbox_.post({.id = id, .close = true, .body = {}})) {
        TcpCounters::add(counters_.replies_dropped);
    }
}

void TcpServer::closeListenSocket() {
    if (listen_fd_ >= 0) {
        ::close(listen_fd_);
        listen_fd_ = -1;
    }
}

}  // namespace yika::terminal
