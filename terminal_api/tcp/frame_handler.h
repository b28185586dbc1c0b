#pragma once

// FrameHandler: what the TCP listener calls with each request frame. Implemented by the ISO 8583
// service; it answers later, from any thread, through TcpServer::reply() or TcpServer::close().

#include <cstdint>
#include <span>

namespace yika::terminal {

// Names one accepted connection. Unique for the life of the process: never reused, so a late
// reply can never reach a newer connection.
using ConnectionId = std::uint64_t;

class FrameHandler {
  public:
    virtual ~FrameHandler() = default;

    // Called on the server's loop thread for each complete request frame; `body` is the frame
    // body (after the 2-byte length) and is valid only during the call. Each call should be
    // answered by exactly one TcpServer::reply() (or a close()): the server counts unanswered
    // frames per connection against in_flight_per_connection_max.
    // Must not block: every connection of the server waits while it runs. Must not call
    // TcpServer::stop(). noexcept because the loop has no sensible way to go on after a handler
    // failed half way: the handler catches at its top, as every handler does (style guide 4).
    virtual void onFrame(ConnectionId id, std::span<const std::uint8_t> body) noexcept = 0;

    // Called on the loop thread once a connection is closed, for whatever reason (peer, timeout,
    // limit, close(), stop()). Replies still queued for it are dropped. Same rules as onFrame().
    virtual void onClosed(ConnectionId /*id*/) noexcept {}
};

}  // namespace yika::terminal
