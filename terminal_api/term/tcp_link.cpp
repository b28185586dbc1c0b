#include "terminal_api/term/tcp_link.h"

#include "terminal_api/iso8583/frame_reader.h"

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <unistd.h>

namespace yika::term {

namespace {

using Clock = std::chrono::steady_clock;

Error systemError(const std::string& what) {
    return makeError(ErrorCode::StorageUnavailable, what + ": " + std::strerror(errno));
}

// Milliseconds left until `deadline`, at least 0.
int remainingMs(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(left);
}

// Waits for `events` on `fd` until `deadline`. Errors: timeout or poll failure.
Status waitFor(int fd, short events, Clock::time_point deadline, const char* what) {
    for (;;) {
        pollfd entry{fd, events, 0};
        const int ready = ::poll(&entry, 1, remainingMs(deadline));
        if (ready > 0) {
            return Ok{};
        }
        if (ready == 0) {
            return makeError(ErrorCode::StorageUnavailable, std::string("timed out ") + what);
        }
        if (errno != EINTR) {
            return systemError("poll");
        }
    }
}

}  // namespace

Result<SocketAddress> resolveAddress(const std::string& host, std::uint16_t port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
    if (rc != 0 || found == nullptr) {
        return makeError(ErrorCode::InvalidArgument,
                         "cannot resolve host '" + host + "': " + ::gai_strerror(rc));
    }
    SocketAddress address;
    std::memcpy(&address.storage, found->ai_addr, found->ai_addrlen);
    address.length = found->ai_addrlen;
    address.family = found->ai_family;
    ::freeaddrinfo(found);
    return address;
}

Result<int> startConnect(const SocketAddress& address) {
    const int fd = ::socket(address.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return systemError("socket");
    }
    // Frames are small and each waits for its answer: Nagle's algorithm would only add delay.
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.length) != 0 &&
        errno != EINPROGRESS) {
        const Error error = systemError("connect");
        ::close(fd);
        return error;
    }
    return fd;
}

Result<TcpLink> TcpLink::connect(const std::string& host, std::uint16_t port, int timeout_ms) {
    auto address = resolveAddress(host, port);
    if (!address) {
        return address.error();
    }
    auto fd = startConnect(*address);
    if (!fd) {
        return fd.error();
    }
    TcpLink link(*fd);
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    YIKA_TRY(waitFor(link.fd_, POLLOUT, deadline, "connecting"));
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(link.fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) {
        errno = error;
        return systemError("connect to " + host + ":" + std::to_string(port));
    }
    return link;
}

TcpLink::TcpLink(TcpLink&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), pending_(std::move(other.pending_)) {}

TcpLink& TcpLink::operator=(TcpLink&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = std::exchange(other.fd_, -1);
        pending_ = std::move(other.pending_);
    }
    return *this;
}

TcpLink::~TcpLink() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

Status TcpLink::send(std::span<const std::uint8_t> frame, int timeout_ms) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!frame.empty()) {
        const ssize_t n = ::send(fd_, frame.data(), frame.size(), MSG_NOSIGNAL);
        if (n > 0) {
            frame = frame.subspan(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            return systemError("send");
        }
        YIKA_TRY(waitFor(fd_, POLLOUT, deadline, "sending"));
    }
    return Ok{};
}

Result<iso8583::Bytes> TcpLink::receiveFrame(const iso8583::CodecLimits& limits, int timeout_ms) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    iso8583::FrameReader reader(limits);
    // Bytes a previous read took past the end of its frame start this one.
    iso8583::Bytes input = std::move(pending_);
    pending_.clear();
    std::array<std::uint8_t, 4096> buffer;
    for (;;) {
        std::span<const std::uint8_t> rest(input);
        while (!rest.empty() && !reader.ready()) {
            auto consumed = reader.feed(rest);
            if (!consumed) {
                return consumed.error();
            }
            rest = rest.subspan(*consumed);
        }
        if (reader.ready()) {
            pending_.assign(rest.begin(), rest.end());
            const auto frame = reader.frame();
            return iso8583::Bytes(frame.begin(), frame.end());
        }
        YIKA_TRY(waitFor(fd_, POLLIN, deadline, "waiting for the host's answer"));
        const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
        if (n == 0) {
            return makeError(ErrorCode::StorageUnavailable,
                             reader.midFrame() ? "the host closed the connection mid-frame"
                                               : "the host closed the connection");
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            return systemError("recv");
        }
        input.assign(buffer.begin(), buffer.begin() + (n < 0 ? 0 : n));
    }
}

}  // namespace yika::term
