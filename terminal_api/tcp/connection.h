#pragma once

// Connection: the loop thread's state for one accepted terminal socket. Plain data; the EventLoop
// drives it (event_loop.h has the state diagram).
//
// Memory while idle: this struct, the FrameReader's body buffer (frame_bytes_max, reserved once)
// and nothing else; the two ByteQueues hold storage only while they hold bytes.

#include "terminal_api/iso8583/frame_reader.h"
#include "terminal_api/tcp/byte_queue.h"
#include "terminal_api/tcp/deadline_list.h"
#include "terminal_api/tcp/frame_handler.h"

#include <cstddef>
#include <cstdint>

namespace yika::terminal {

struct Connection {
    Connection(ConnectionId id_in, int fd_in, const iso8583::CodecLimits& codec_limits)
        : id(id_in), fd(fd_in), reader(codec_limits) {}
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    const ConnectionId id;
    const int fd;  // owned; closed by EventLoop::closeConnection
    iso8583::FrameReader reader;
    ByteQueue output;              // reply bytes the socket did not take yet
    ByteQueue read_ahead;          // input read before reading paused, not yet fed to `reader`
    std::size_t in_flight = 0;     // frames delivered to the handler and not answered
    bool paused = false;           // in_flight reached its limit while a frame is ready
    bool input_ended = false;      // the peer shut its side (read returned 0)
    bool close_requested = false;  // TcpServer::close(): close once `output` drains
    std::uint32_t interest = 0;    // the epoll events registered for fd
    DeadlineLink<Connection> idle_timer{*this};
    DeadlineLink<Connection> frame_timer{*this};
};

}  // namespace yika::terminal
