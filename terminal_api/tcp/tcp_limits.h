#pragma once

// TcpLimits: every limit of the terminal TCP listener (config section `tcp.*`), checked once at
// startup by checkTcpLimits().

#include "card_core/domain/result.h"

#include <cstddef>

namespace yika::terminal {

// File descriptors the process needs apart from terminal connections: the listening socket, the
// loop's epoll and eventfd, stdio, logs, database files, the HTTP server's sockets.
inline constexpr std::size_t kFileDescriptorsReserved = 64;

// The largest tcp.connections_max accepted. Linux caps RLIMIT_NOFILE at fs.nr_open (1048576 by
// default), so a larger value could never be served.
inline constexpr std::size_t kConnectionsMaxCeiling = std::size_t{1} << 20;

// The largest tcp.in_flight_per_connection_max accepted. A terminal sends one request and waits
// for its answer (docs/terminal-protocol.md section 2), so anything near this is already lax.
inline constexpr std::size_t kInFlightPerConnectionCeiling = 1024;

// Bytes read from a socket per readiness event. It also bounds the input held for a connection
// whose reading is paused (in_flight_per_connection_max reached): at most one read's worth.
inline constexpr std::size_t kReadChunkBytes = 4096;

// The largest reply body: what the 2-byte length prefix can express.
inline constexpr std::size_t kReplyBodyBytesMax = 0xFFFF;

struct TcpLimits {
    // Open connections served at once (tcp.connections_max). A connection accepted beyond it is
    // closed at once and counted in refused_over_limit. listen() needs RLIMIT_NOFILE of at least
    // connections_max + kFileDescriptorsReserved.
    std::size_t connections_max = 20000;
    // The largest request frame body (tcp.frame_bytes_max), passed to iso8583::FrameReader.
    std::size_t frame_bytes_max = 2048;
    // A connection with no complete request frame and no reply for this long is closed
    // (tcp.idle_timeout_ms).
    int idle_timeout_ms = 300000;
    // A request frame started but not completed within this time is a slow sender: closed
    // (tcp.frame_timeout_ms). The clock does not run while the server itself has stopped reading
    // the connection.
    int frame_timeout_ms = 10000;
    // Reply bytes buffered for a peer that does not read; one more byte closes the connection
    // (tcp.write_buffer_bytes_max). Bytes the kernel's socket buffer took do not count.
    std::size_t write_buffer_bytes_max = 65536;
    // Requests delivered to the handler and not yet answered; at this many the server stops
    // reading the connection until replies drain (tcp.in_flight_per_connection_max).
    std::size_t in_flight_per_connection_max = 16;
    // How often idle and frame timeouts are checked (tcp.timer_tick_ms): a timeout fires between
    // its deadline and one tick later.
    int timer_tick_ms = 100;
};

// Checks limits read from config: 1 <= connections_max <= kConnectionsMaxCeiling; frame_bytes_max
// within iso8583::checkLimits(); 1 <= timer_tick_ms <= 1000; both timeouts >= timer_tick_ms;
// write_buffer_bytes_max >= 2 + frame_bytes_max (one echo-sized reply fits);
// 1 <= in_flight_per_connection_max <= kInFlightPerConnectionCeiling.
// Errors: InvalidArgument naming the limit.
Status checkTcpLimits(const TcpLimits& limits);

}  // namespace yika::terminal
