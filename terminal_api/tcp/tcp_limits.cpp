#include "terminal_api/tcp/tcp_limits.h"

#include "terminal_api/iso8583/codec.h"

#include <string>

namespace yika::terminal {

namespace {

Error invalid(const std::string& what) {
    return makeError(ErrorCode::InvalidArgument, "tcp: " + what);
}

}  // namespace

Status checkTcpLimits(const TcpLimits& limits) {
    if (limits.connections_max < 1 || limits.connections_max > kConnectionsMaxCeiling) {
        return invalid("connections_max " + std::to_string(limits.connections_max) +
                       " is outside [1, " + std::to_string(kConnectionsMaxCeiling) + "]");
    }
    if (auto codec = iso8583::checkLimits({.frame_bytes_max = limits.frame_bytes_max}); !codec) {
        return invalid(codec.error().detail);
    }
    if (limits.timer_tick_ms < 1 || limits.timer_tick_ms > 1000) {
        return invalid("timer_tick_ms " + std::to_string(limits.timer_tick_ms) +
                       " is outside [1, 1000]");
    }
    if (limits.idle_timeout_ms < limits.timer_tick_ms) {
        return invalid("idle_timeout_ms " + std::to_string(limits.idle_timeout_ms) +
                       " is below timer_tick_ms");
    }
    if (limits.frame_timeout_ms < limits.timer_tick_ms) {
        return invalid("frame_timeout_ms " + std::to_string(limits.frame_timeout_ms) +
                       " is below timer_tick_ms");
    }
    if (limits.write_buffer_bytes_max < iso8583::kLengthPrefixBytes + limits.frame_bytes_max) {
        return invalid("write_buffer_bytes_max " + std::to_string(limits.write_buffer_bytes_max) +
                       " is below one frame of frame_bytes_max");
    }
    if (limits.in_flight_per_connection_max < 1 ||
        limits.in_flight_per_connection_max > kInFlightPerConnectionCeiling) {
        return invalid("in_flight_per_connection_max " +
                       std::to_string(limits.in_flight_per_connection_max) + " is outside [1, " +
                       std::to_string(kInFlightPerConnectionCeiling) + "]");
    }
    return Ok{};
}

}  // namespace yika::terminal
