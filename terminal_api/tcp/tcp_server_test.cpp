#include "terminal_api/tcp/tcp_server.h"

#include "terminal_api/tcp/tcp_test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <memory>
#include <random>
#include <thread>

#include <sys/resource.h>

namespace yika::terminal {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): the test helpers

// The loop reads its clock in whole milliseconds, so a timeout may fire up to 1 ms before the
// test's own (finer) clock says it is due.
constexpr int kClockResolutionMs = 1;

// Short timeouts so that the timeout tests take a fraction of a second.
TcpLimits testLimits() {
    TcpLimits limits;
    limits.connections_max = 1000;
    limits.timer_tick_ms = 10;
    limits.idle_timeout_ms = 60000;
    limits.frame_timeout_ms = 60000;
    return limits;
}

// A server on 127.0.0.1, an ephemeral port, started.
struct Fixture {
    explicit Fixture(TcpLimits limits = testLimits()) : server(handler, limits) {
        const Status listening = server.listen("127.0.0.1", 0);
        EXPECT_TRUE(listening.ok()) << (listening.ok() ? "" : listening.error().detail);
    }
    void echoAndStart() {
        echoWith(handler, server);
        server.start();
    }
    RecordingHandler handler;
    TcpServer server;
};

TEST(TcpServer, EchoRoundTrip) {
    Fixture f;
    f.echoAndStart();
    ASSERT_NE(f.server.port(), 0);
    Client client(f.server.port());
    ASSERT_TRUE(client.connected());
    const Bytes body = makeBody(7);
    ASSERT_TRUE(client.sendFrame(body));
    EXPECT_EQ(client.readFrame(), body);
    // The loop counts a reply just after the socket took it, so the client may see it first.
    ASSERT_TRUE(waitUntil([&] { return f.server.stats().frames_out == 1; }));
    const TcpStats stats = f.server.stats();
    EXPECT_EQ(stats.frames_in, 1U);
    EXPECT_EQ(stats.open, 1U);
    EXPECT_EQ(stats.accepted, 1U);
}

// Replies come from a worker thread, in groups and out of order, as from the database writer.
TEST(TcpServer, RepliesFromAnotherThread) {
    constexpr std::size_t kClients = 8;
    Fixture f;
    std::mutex mutex;
    std::condition_variable queued;
    std::vector<RecordingHandler::Frame> pending;
    f.handler.setRespond([&](ConnectionId id, std::span<const std::uint8_t> body) {
        std::lock_guard lock(mutex);
        pending.push_back({id, Bytes(body.begin(), body.end())});
        queued.notify_all();
    });
    f.server.start();
    std::thread worker([&] {
        std::unique_lock lock(mutex);
        if (!queued.wait_for(lock, kWaitMax, [&] { return pending.size() == kClients; })) {
            return;  // the clients' reads time out and fail the test
        }
        std::reverse(pending.begin(), pending.end());
        for (auto& frame : pending) {
            f.server.reply(frame.id, std::move(frame.body));
        }
    });
    std::vector<Client> clients;
    for (std::uint32_t i = 0; i < kClients; ++i) {
        clients.emplace_back(f.server.port());
        EXPECT_TRUE(clients.back().sendFrame(makeBody(i)));  // no ASSERT: the worker must join
    }
    for (std::uint32_t i = 0; i < kClients; ++i) {
        EXPECT_EQ(clients[i].readFrame(), makeBody(i)) << "client " << i;
    }
    worker.join();
}

// 500 frames in one write; the in-flight limit (16) pauses and resumes reading many times.
TEST(TcpServer, PipelinedFramesArriveInOrder) {
    constexpr std::uint32_t kFrames = 500;
    Fixture f;
    f.echoAndStart();
    Client client(f.server.port());
    Bytes stream;
    for (std::uint32_t i = 0; i < kFrames; ++i) {
        const Bytes frame = makeFrame(makeBody(i, 21 + i % 50));
        stream.insert(stream.end(), frame.begin(), frame.end());
    }
    ASSERT_TRUE(client.sendBytes(stream));
    for (std::uint32_t i = 0; i < kFrames; ++i) {
        ASSERT_EQ(client.readFrame(), makeBody(i, 21 + i % 50)) << "frame " << i;
    }
    EXPECT_EQ(f.server.stats().frames_in, kFrames);
}

// With replies held back, the server delivers at most in_flight_per_connection_max frames, and
// one more for each reply.
TEST(TcpServer, InFlightLimitStopsReadingUntilRepliesDrain) {
    constexpr std::size_t kLimit = 4;
    constexpr std::uint32_t kFrames = 12;
    TcpLimits limits = testLimits();
    limits.in_flight_per_connection_max = kLimit;
    Fixture f(limits);
    std::atomic<std::size_t> delivered{0};
    std::atomic<std::size_t> replied{0};
    std::atomic<bool> over_limit{false};
    f.handler.setRespond([&](ConnectionId, std::span<const std::uint8_t>) {
        // The server learns of a reply after `replied` counts it, so its own in-flight count is
        // never below delivered - replied.
        if (++delivered > replied.load() + kLimit) {
            over_limit = true;
        }
    });
    f.server.start();
    Client client(f.server.port());
    Bytes stream;
    for (std::uint32_t i = 0; i < kFrames; ++i) {
        const Bytes frame = makeFrame(makeBody(i));
        stream.insert(stream.end(), frame.begin(), frame.end());
    }
    ASSERT_TRUE(client.sendBytes(stream));
    for (std::uint32_t i = 0; i < kFrames; ++i) {
        ASSERT_TRUE(f.handler.waitFrames(std::min<std::size_t>(i + kLimit, kFrames)));
        const auto frame = f.handler.frames()[i];
        ++replied;
        f.server.reply(frame.id, frame.body);
        ASSERT_EQ(client.readFrame(), makeBody(i));
    }
    EXPECT_FALSE(over_limit);
    EXPECT_EQ(f.handler.frames().size(), kFrames);
}

TEST(TcpServer, FrameSplitIntoSingleBytes) {
    Fixture f;
    f.echoAndStart();
    Client client(f.server.port());
    const Bytes body = makeBody(42, 300);
    for (std::uint8_t byte : makeFrame(body)) {
        ASSERT_TRUE(client.sendBytes({&byte, 1}));
    }
    EXPECT_EQ(client.readFrame(), body);
}

// A length prefix outside [21, frame_bytes_max] closes at once, without an answer (section 13).
TEST(TcpServer, BadLengthClosesWithoutAnswer) {
    TcpLimits limits = testLimits();
    limits.frame_bytes_max = 100;
    Fixture f(limits);
    f.echoAndStart();
    const std::vector<Bytes> prefixes = {{0x00, 101}, {0xFF, 0xFF}, {0x00, 20}, {0x00, 0x00}};
    for (const Bytes& prefix : prefixes) {
        Client client(f.server.port());
        Bytes stream = prefix;
        stream.resize(stream.size() + 120, 0x11);  // what an attacker sends after it
        ASSERT_TRUE(client.sendBytes(stream));
        EXPECT_EQ(client.awaitClose(), Client::Outcome::Closed);
    }
    ASSERT_TRUE(waitUntil([&] { return f.server.stats().closed_bad_frame == prefixes.size(); }));
    EXPECT_EQ(f.server.stats().frames_in, 0U);
    // The largest allowed length still passes.
    Client client(f.server.port());
    ASSERT_TRUE(client.sendFrame(makeBody(1, 100)));
    EXPECT_EQ(client.readFrame(), makeBody(1, 100));
}

TEST(TcpServer, SlowSenderIsClosedAfterFrameTimeout) {
    TcpLimits limits = testLimits();
    limits.frame_timeout_ms = 200;
    Fixture f(limits);
    f.echoAndStart();
    Client client(f.server.port());
    const Bytes frame = makeFrame(makeBody(1, 64));
    const auto started = Clock::now();
    ASSERT_TRUE(client.sendBytes(std::span(frame).first(frame.size() / 2)));
    EXPECT_EQ(client.awaitClose(), Client::Outcome::Closed);
    const auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
    EXPECT_GE(elapsed.count(), 200 - kClockResolutionMs);
    EXPECT_LT(elapsed.count(), 200 + 2000);
    ASSERT_TRUE(waitUntil([&] { return f.server.stats().closed_slow == 1; }));
    EXPECT_EQ(f.server.stats().closed_idle, 0U);
}

// Idle: no complete frame and no reply for idle_timeout_ms, whether or not the peer ever spoke.
TEST(TcpServer, IdleConnectionIsClosedAfterIdleTimeout) {
    TcpLimits limits = testLimits();
    limits.idle_timeout_ms = 200;
    Fixture f(limits);
    f.echoAndStart();
    Client silent(f.server.port());
    Client talker(f.server.port());
    const auto sent = Clock::now();  // before the server's last activity on `talker`
    ASSERT_TRUE(talker.sendFrame(makeBody(1)));
    ASSERT_EQ(talker.readFrame(), makeBody(1));
    EXPECT_EQ(talker.awaitClose(), Client::Outcome::Closed);
    const auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - sent);
    EXPECT_GE(elapsed.count(), 200 - kClockResolutionMs);
    EXPECT_LT(elapsed.count(), 200 + 2000);
    EXPECT_EQ(silent.awaitClose(), Client::Outcome::Closed);
    ASSERT_TRUE(waitUntil([&] { return f.server.stats().closed_idle == 2; }));
    EXPECT_EQ(f.server.stats().open, 0U);
}

TEST(TcpServer, ConnectionsOverLimitAreRefusedWhileOthersWork) {
    TcpLimits limits = testLimits();
    limits.connections_max = 3;
    Fixture f(limits);
    f.echoAndStart();
    std::vector<std::unique_ptr<Client>> clients;
    for (std::uint32_t i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<Client>(f.server.port()));
        ASSERT_TRUE(clients.back()->sendFrame(makeBody(i)));
        ASSERT_EQ(clients.back()->readFrame(), makeBody(i));
    }
    for (int extra = 0; extra < 2; ++extra) {
        Client refused(f.server.port());
        EXPECT_EQ(refused.awaitClose(), Client::Outcome::Closed);
    }
    ASSERT_TRUE(waitUntil([&] { return f.server.stats().refused_over_limit == 2; }));
    for (std::uint32_t i = 0; i < 3; ++i) {
        ASSERT_TRUE(clients[i]->sendFrame(makeBody(10 + i)));
        EXPECT_EQ(clients[i]->readFrame(), makeBody(10 + i));
    }
    // A closed connection frees its place.
    clients[0].reset();
    ASSERT_TRUE(f.handler.waitClosed(1));
    Client late(f.server.port());
    ASSERT_TRUE(late.sendFrame(makeBody(99)));
    EXPECT_EQ(late.readFrame(), makeBody(99));
    EXPECT_EQ(f.server.stats().accepted, 4U);
}

// The client never reads; 60 KB replies fill its receive buffer, then the kernel's send buffer,
// then write_buffer_bytes_max.
// Out of descriptors, accept4() fails with EMFILE. The listener must neither spin on the
// still-readable listening socket nor lose the waiting connections: it pauses accepting for a
// tick and serves them once descriptors are free again.
TEST(TcpServer, AcceptResumesAfterRunningOutOfDescriptors) {
    constexpr std::size_t kClients = 3;
    Fixture f;
    f.echoAndStart();
    std::vector<int> sockets;
    for (std::size_t i = 0; i < kClients; ++i) {
        sockets.push_back(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        ASSERT_GE(sockets.back(), 0);
    }
    rlimit saved{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
    // Every descriptor below the lowest free one is in use, so a soft limit there refuses any
    // new descriptor while the open ones (some above it) keep working.
    const int lowest_free = ::dup(0);
    ASSERT_GE(lowest_free, 0);
    ::close(lowest_free);
    rlimit lowered = saved;
    lowered.rlim_cur = static_cast<rlim_t>(lowest_free);
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(f.server.port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool sent = true;
    for (std::size_t i = 0; i < kClients; ++i) {
        // The handshake completes in the kernel's accept queue; no descriptor is needed yet.
        sent = sent && ::connect(sockets[i], reinterpret_cast<const sockaddr*>(&address),
                                 sizeof address) == 0;
        const Bytes frame = makeFrame(makeBody(std::uint32_t(i)));
        sent = sent && ::send(sockets[i], frame.data(), frame.size(), MSG_NOSIGNAL) ==
                           static_cast<ssize_t>(frame.size());
    }
    const bool paused = waitUntil([&] { return f.server.stats().accept_pauses >= 1; });
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);  // before any ASSERT can return
    ASSERT_TRUE(sent);
    ASSERT_TRUE(paused);
    for (std::size_t i = 0; i < kClients; ++i) {
        Bytes reply(2 + 32);
        pollfd entry{sockets[i], POLLIN, 0};
        std::size_t have = 0;
        while (have < reply.size() && ::poll(&entry, 1, 10000) == 1) {
            const ssize_t got = ::recv(sockets[i], reply.data() + have, reply.size() - have, 0);
            if (got <= 0) {
                break;
            }
            have += static_cast<std::size_t>(got);
        }
        EXPECT_EQ(reply, makeFrame(makeBody(std::uint32_t(i)))) << "client " << i;
        ::close(sockets[i]);
    }
    // A few pauses at most (one per tick while out of descriptors), not a spin.
    EXPECT_LT(f.server.stats().accept_pauses, 1000U);
}

TEST(TcpServer, PeerThatNeverReadsIsClosedOnWriteOverflow) {
    Fixture f;
    f.handler.setRespond([&f](ConnectionId id, std::span<const std::uint8_t>) {
        f.server.reply(id, Bytes(60000, 0x5A));
    });
    f.server.start();
    Client client(f.server.port(), 4096);
    const Bytes frame = makeFrame(makeBody(1));
    // Bounded: 60 KB each, 2000 replies are far beyond any loopback buffering.
    for (int i = 0; i < 2000 && f.server.stats().closed_write_overflow == 0; ++i) {
        if (!client.sendBytes(frame)) {
            break;  // the server closed and reset the connection
        }
        ASSERT_TRUE(waitUntil([&] {
            const TcpStats stats = f.server.stats();
            return stats.frames_in > std::uint64_t(i) || stats.closed_write_overflow == 1;
        }));
    }
    ASSERT_TRUE(waitUntil([&] { return f.server.stats().closed_write_overflow == 1; }));
    ASSERT_TRUE(f.handler.waitClosed(1));
    EXPECT_EQ(f.server.stats().open, 0U);
}

TEST(TcpServer, ReplyToClosedConnectionIsDropped) {
    Fixture f;
    f.server.start();  // holds every frame: no answer
    Client client(f.server.port());
    ASSERT_TRUE(client.sendFrame(makeBody(1)));
    ASSERT_TRUE(f.handler.waitFrames(1));
    const ConnectionId id = f.handler.frames()[0].id;
    // A reset, not a FIN: after a FIN the server would still send the answer (see
    // HalfClosedPeerStillGetsItsReply).
    const linger reset{1, 0};
    ASSERT_EQ(::setsockopt(client.fd(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset), 0);
    client.closeNow();
    ASSERT_TRUE(f.handler.waitClosed(1));
    EXPECT_EQ(f.handler.closed()[0], id);
    f.server.reply(id, makeBody(1));
    f.server.close(id);
    f.server.reply(id + 1000000, makeBody(2));  // never issued
    ASSERT_TRUE(waitUntil([&] { return f.server.stats().replies_dropped == 3; }));
    EXPECT_EQ(f.server.stats().frames_out, 0U);
    // A new connection gets a new id and is unaffected.
    Client next(f.server.port());
    ASSERT_TRUE(next.sendFrame(makeBody(3)));
    ASSERT_TRUE(f.handler.waitFrames(2));
    EXPECT_GT(f.handler.frames()[1].id, id);
}

TEST(TcpServer, CloseFlushesEarlierRepliesFirst) {
    Fixture f;
    f.server.start();
    Client client(f.server.port());
    ASSERT_TRUE(client.sendFrame(makeBody(1)));
    ASSERT_TRUE(f.handler.waitFrames(1));
    const ConnectionId id = f.handler.frames()[0].id;
    f.server.reply(id, makeBody(1, 5000));
    f.server.close(id);
    f.server.reply(id, makeBody(2));  // after close(): dropped
    EXPECT_EQ(client.readFrame(), makeBody(1, 5000));
    EXPECT_EQ(client.awaitClose(), Client::Outcome::Closed);
    ASSERT_TRUE(waitUntil([&] {
        const TcpStats stats = f.server.stats();
        return stats.closed_requested == 1 && stats.replies_dropped == 1;
    }));
    EXPECT_EQ(f.server.stats().frames_out, 1U);
}

// A terminal that shuts its sending side after a request still gets the answer.
TEST(TcpServer, HalfClosedPeerStillGetsItsReply) {
    Fixture f;
    f.server.start();
    Client client(f.server.port());
    ASSERT_TRUE(client.sendFrame(makeBody(1)));
    ASSERT_EQ(::shutdown(client.fd(), SHUT_WR), 0);
    ASSERT_TRUE(f.handler.waitFrames(1));
    ASSERT_TRUE(waitUntil([&] { return f.server.stats().open == 1; }));
    f.server.reply(f.handler.frames()[0].id, makeBody(1));
    EXPECT_EQ(client.readFrame(), makeBody(1));
    EXPECT_EQ(client.awaitClose(), Client::Outcome::Closed);
    ASSERT_TRUE(waitUntil([&] { return f.server.stats().closed_peer == 1; }));
}

TEST(TcpServer, StopWithOpenConnectionsReturnsPromptly) {
    constexpr std::size_t kClients = 100;
    Fixture f;
    f.server.start();  // holds every frame: some requests stay in flight
    std::vector<Client> clients;
    for (std::size_t i = 0; i < kClients; ++i) {
        clients.emplace_back(f.server.port());
        const Bytes frame = makeFrame(makeBody(std::uint32_t(i)));
        // A third send a whole frame, a third half a frame, a third nothing.
        const std::size_t bytes = i % 3 == 0 ? frame.size() : i % 3 == 1 ? frame.size() / 2 : 0;
        ASSERT_TRUE(clients.back().sendBytes(std::span(frame).first(bytes)));
    }
    ASSERT_TRUE(waitUntil([&] { return f.server.stats().open == kClients; }));
    ASSERT_TRUE(f.handler.waitFrames((kClients + 2) / 3));
    const auto started = Clock::now();
    f.server.stop();
    const auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
    EXPECT_LT(elapsed.count(), 1000);
    EXPECT_EQ(f.handler.closed().size(), kClients);  // onClosed ran before stop() returned
    const TcpStats stats = f.server.stats();
    EXPECT_EQ(stats.closed_stopped, kClients);
    EXPECT_EQ(stats.open, 0U);
    EXPECT_TRUE(accountsBalance(stats));
    for (auto& client : clients) {
        EXPECT_EQ(client.awaitClose(), Client::Outcome::Closed);
    }
    f.server.stop();                                        // idempotent
    f.server.reply(f.handler.frames()[0].id, makeBody(0));  // dropped, no crash
    EXPECT_EQ(f.server.stats().replies_dropped, 1U);
    Client refused(f.server.port());
    EXPECT_FALSE(refused.connected());  // the listening socket is closed
}

// Graceful stop (issue 8): after stopAccepting() the open connection is still served and a new
// one waits in the backlog, never accepted.
TEST(TcpServer, StopAcceptingKeepsServingOpenConnections) {
    Fixture f;
    f.echoAndStart();
    Client open(f.server.port());
    ASSERT_TRUE(open.connected());
    const Bytes body = makeBody(5);
    ASSERT_TRUE(open.sendFrame(body));
    ASSERT_EQ(open.readFrame(), body);
    f.server.stopAccepting();
    // The echo goes through the mailbox, so by the time it arrives the loop has finished the
    // round that saw the wake-up, and with it applied the flag.
    ASSERT_TRUE(open.sendFrame(body));
    ASSERT_EQ(open.readFrame(), body);
    Client late(f.server.port());  // connects into the kernel's backlog
    ASSERT_TRUE(late.sendFrame(body));
    ASSERT_TRUE(open.sendFrame(body));
    EXPECT_EQ(open.readFrame(), body);
    EXPECT_EQ(f.server.stats().accepted, 1u);
    EXPECT_EQ(f.server.stats().frames_in, 3u);
    f.server.stop();
}

TEST(TcpServer, StopWithoutStartAndWithoutListen) {
    RecordingHandler handler;
    TcpServer never_listened(handler, testLimits());
    never_listened.stop();
    never_listened.reply(1, makeBody(1));  // dropped
    EXPECT_EQ(never_listened.stats().replies_dropped, 1U);
    Fixture listened;
    listened.server.stop();
}

TEST(TcpServer, ListenRefusesBadAddressAndMayRetry) {
    RecordingHandler handler;
    TcpServer server(handler, testLimits());
    const Status bad = server.listen("localhost", 0);  // literals only, no name lookup
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().detail.find("localhost"), std::string::npos);
    Fixture other;
    const Status taken = server.listen("127.0.0.1", other.server.port());
    ASSERT_FALSE(taken.ok());
    EXPECT_NE(taken.error().detail.find("bind"), std::string::npos) << taken.error().detail;
    ASSERT_TRUE(server.listen("::1", 0).ok());  // IPv6 loopback
    EXPECT_NE(server.port(), 0);
}

TEST(TcpServer, ListenFailsClearlyWhenFileLimitIsBelowConnectionsMax) {
    rlimit limit{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
    ASSERT_NE(limit.rlim_max, RLIM_INFINITY);
    TcpLimits limits = testLimits();
    // One more connection than the hard limit allows with the reserve.
    limits.connections_max = limit.rlim_max - kFileDescriptorsReserved + 1;
    if (limits.connections_max > kConnectionsMaxCeiling) {
        GTEST_SKIP() << "hard RLIMIT_NOFILE " << limit.rlim_max << " is above what tcp allows";
    }
    RecordingHandler handler;
    TcpServer server(handler, limits);
    const Status status = server.listen("127.0.0.1", 0);
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().detail.find("RLIMIT_NOFILE"), std::string::npos)
        << status.error().detail;
}

// Hostile peers: random bytes, random split points, abrupt closes. Nothing crashes, every
// connection is accounted for, and the server still answers afterwards.
TEST(TcpServer, SurvivesRandomGarbage) {
    TcpLimits limits = testLimits();
    limits.frame_timeout_ms = 50;
    Fixture f(limits);
    f.echoAndStart();
    std::mt19937 random(2024);
    for (int round = 0; round < 200; ++round) {
        Client client(f.server.port());
        Bytes garbage(1 + random() % 3000);
        for (auto& byte : garbage) {
            byte = static_cast<std::uint8_t>(random());
        }
        if (round % 4 == 0 && garbage.size() >= 2) {
            garbage[0] = 0;  // a plausible length, so that some frames get through
            garbage[1] = static_cast<std::uint8_t>(21 + random() % 200);
        }
        client.sendBytes(garbage);  // may fail: the server may already have closed
        if (round % 2 == 0) {
            client.awaitClose(milliseconds(2000));
        }
    }
    ASSERT_TRUE(waitUntil([&] { return f.server.stats().open == 0; }));
    EXPECT_TRUE(accountsBalance(f.server.stats()));
    EXPECT_GT(f.server.stats().closed_bad_frame, 0U);
    Client client(f.server.port());
    ASSERT_TRUE(client.sendFrame(makeBody(5)));
    EXPECT_EQ(client.readFrame(), makeBody(5));
}

}  // namespace
}  // namespace yika::terminal
