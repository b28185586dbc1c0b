#pragma once

// TcpLink: one blocking-with-deadline TCP connection from the simulated terminal to the host,
// carrying length-prefixed frames (docs/terminal-protocol.md section 2). Every wait is bounded
// by a timeout (poll), so the simulator never hangs on a silent host.
//
// Also the socket helpers the load generator shares: name resolution and non-blocking connect.
//
// Thread-safety: none; one link per thread. Move-only; closes the socket on destruction.

#include "card_core/domain/result.h"
#include "terminal_api/iso8583/codec.h"

#include <cstdint>
#include <span>
#include <string>

#include <sys/socket.h>

namespace yika::term {

// A resolved IPv4 or IPv6 socket address.
struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = 0;
};

// Resolves `host` (a name or a numeric address) and `port`. Errors: InvalidArgument.
Result<SocketAddress> resolveAddress(const std::string& host, std::uint16_t port);

// A non-blocking TCP socket (TCP_NODELAY, close-on-exec) with connect() started; the caller
// waits for writability and checks SO_ERROR. Errors: StorageUnavailable naming errno (the
// environment failed: no descriptors left, network unreachable).
Result<int> startConnect(const SocketAddress& address);

class TcpLink {
  public:
    // Connects within `timeout_ms`. Errors: StorageUnavailable (refused, unreachable, timed
    // out), InvalidArgument (bad host).
    static Result<TcpLink> connect(const std::string& host, std::uint16_t port, int timeout_ms);

    TcpLink(TcpLink&& other) noexcept;
    TcpLink& operator=(TcpLink&& other) noexcept;
    TcpLink(const TcpLink&) = delete;
    TcpLink& operator=(const TcpLink&) = delete;
    ~TcpLink();

    // Writes all of `frame` (length prefix included) within `timeout_ms`.
    // Errors: StorageUnavailable (timeout, reset).
    Status send(std::span<const std::uint8_t> frame, int timeout_ms);

    // The next frame body (without its length prefix) within `timeout_ms`. Errors:
    // StorageUnavailable on timeout or when the host closes the connection (the detail says
    // which); InvalidArgument when the host sends a length outside `limits`.
    Result<iso8583::Bytes> receiveFrame(const iso8583::CodecLimits& limits, int timeout_ms);

  private:
    explicit TcpLink(int fd) : fd_(fd) {}

    int fd_ = -1;
    iso8583::Bytes pending_;  // read past the end of the last frame
};

}  // namespace yika::term
