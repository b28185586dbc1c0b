#include "terminal_api/tcp/tcp_limits.h"

#include <gtest/gtest.h>

namespace yika::terminal {
namespace {

TEST(TcpLimits, DefaultsAreValid) { EXPECT_TRUE(checkTcpLimits(TcpLimits{}).ok()); }

TEST(TcpLimits, RefusesEachLimitOutOfRange) {
    const auto refused = [](auto change) {
        TcpLimits limits;
        change(limits);
        return checkTcpLimits(limits).ok() ? std::string() : checkTcpLimits(limits).error().detail;
    };
    EXPECT_NE(refused([](TcpLimits& l) { l.connections_max = 0; }).find("connections_max"),
              std::string::npos);
    EXPECT_NE(refused([](TcpLimits& l) {
                  l.connections_max = kConnectionsMaxCeiling + 1;
              }).find("connections_max"),
              std::string::npos);
    EXPECT_NE(refused([](TcpLimits& l) { l.frame_bytes_max = 20; }), "");
    EXPECT_NE(refused([](TcpLimits& l) { l.frame_bytes_max = 70000; }), "");
    EXPECT_NE(refused([](TcpLimits& l) { l.timer_tick_ms = 0; }).find("timer_tick_ms"),
              std::string::npos);
    EXPECT_NE(refused([](TcpLimits& l) { l.idle_timeout_ms = 50; }).find("idle_timeout_ms"),
              std::string::npos);
    EXPECT_NE(refused([](TcpLimits& l) { l.frame_timeout_ms = -1; }).find("frame_timeout_ms"),
              std::string::npos);
    EXPECT_NE(refused([](TcpLimits& l) {
                  l.write_buffer_bytes_max = 2049;
              }).find("write_buffer_bytes_max"),
              std::string::npos);
    EXPECT_NE(refused([](TcpLimits& l) {
                  l.in_flight_per_connection_max = 0;
              }).find("in_flight_per_connection_max"),
              std::string::npos);
    EXPECT_NE(refused([](TcpLimits& l) {
                  l.in_flight_per_connection_max = kInFlightPerConnectionCeiling + 1;
              }).find("in_flight_per_connection_max"),
              std::string::npos);
}

TEST(TcpLimits, AcceptsTheSmallestSensibleValues) {
    TcpLimits limits;
    limits.connections_max = 1;
    limits.frame_bytes_max = 21;
    limits.timer_tick_ms = 1;
    limits.idle_timeout_ms = 1;
    limits.frame_timeout_ms = 1;
    limits.write_buffer_bytes_max = 23;
    limits.in_flight_per_connection_max = 1;
    EXPECT_TRUE(checkTcpLimits(limits).ok());
}

}  // namespace
}  // namespace yika::terminal
