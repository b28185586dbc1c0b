// 10,000 concurrent connections on one loop thread, each sending one frame and getting its reply,
// all open at the same time. Also reports the memory an idle connection costs the server.
//
// The clients run in a forked child: each side of a loopback connection is a descriptor, so
// server and clients in one process would need 20,000+ descriptors, and the hard RLIMIT_NOFILE
// of many machines (this one included) is exactly 20,000. Split, each process needs ~10,100.
// The child is forked before the server's thread starts (no thread but the main one exists), and
// it makes only system calls on memory prepared before the fork.

#include "terminal_api/tcp/tcp_server.h"
#include "terminal_api/tcp/tcp_test_support.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>

namespace yika::terminal {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): the test helpers

constexpr std::size_t kConnections = 10000;
constexpr std::size_t kChunk = 500;  // connects in flight at once, well under the accept backlog
constexpr std::size_t kBodyBytes = 32;
constexpr std::size_t kFrameBytes = 2 + kBodyBytes;
constexpr int kClientWaitMs = 60000;  // the child's bound on each wait

// The echo handler of the load test: no recording, so that RSS shows the server's own memory.
class EchoHandler : public FrameHandler {
  public:
    void attach(TcpServer& server) { server_ = &server; }
    void onFrame(ConnectionId id, std::span<const std::uint8_t> body) noexcept override {
        server_->reply(id, Bytes(body.begin(), body.end()));
    }

  private:
    TcpServer* server_ = nullptr;
};

// A field of /proc/self/status or /proc/meminfo, in kB.
long procKb(const char* file, const std::string& field) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(field + ":", 0) == 0) {
            return std::stol(line.substr(field.size() + 1));
        }
    }
    return -1;
}

// The child's frame for connection i: length 32, then i in the first 4 bytes of the body.
void fillFrame(std::uint8_t* frame, std::size_t i) {
    std::memset(frame, 0xA5, kFrameBytes);
    frame[0] = 0;
    frame[1] = static_cast<std::uint8_t>(kBodyBytes);
    for (std::size_t b = 0; b < 4; ++b) {
        frame[2 + b] = static_cast<std::uint8_t>(i >> (24 - 8 * b));
    }
}

// The child: opens kConnections in chunks, sends one frame on each and reads its reply, keeping
// every connection open; then reports and waits for the parent. Returns the exit code: 0, or the
// step that failed. System calls only, on memory prepared before the fork.
int runClients(std::uint16_t port, int go_fd, int ready_fd, int* fds) {
    char signal = 0;
    if (::read(go_fd, &signal, 1) != 1) {
        return 10;
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const timeval wait{kClientWaitMs / 1000, 0};
    std::uint8_t frame[kFrameBytes];
    std::uint8_t reply[kFrameBytes];
    for (std::size_t first = 0; first < kConnections; first += kChunk) {
        for (std::size_t i = first; i < first + kChunk; ++i) {
            fds[i] = ::socket(AF_INET, SOCK_STREAM, 0);
            if (fds[i] < 0) {
                return 11;
            }
            ::setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
            ::setsockopt(fds[i], SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait);
            if (::connect(fds[i], reinterpret_cast<const sockaddr*>(&address), sizeof address)) {
                return 12;
            }
            fillFrame(frame, i);
            if (::send(fds[i], frame, kFrameBytes, MSG_NOSIGNAL) != ssize_t(kFrameBytes)) {
                return 13;
            }
        }
        for (std::size_t i = first; i < first + kChunk; ++i) {
            std::size_t have = 0;
            while (have < kFrameBytes) {
                const ssize_t got = ::recv(fds[i], reply + have, kFrameBytes - have, 0);
                if (got <= 0) {
                    return 14;
                }
                have += std::size_t(got);
            }
            fillFrame(frame, i);
            if (std::memcmp(frame, reply, kFrameBytes) != 0) {
                return 15;
            }
        }
    }
    if (::write(ready_fd, "r", 1) != 1) {
        return 16;
    }
    // Holds every connection open until the parent says so (or dies: end of file).
    const ssize_t released = ::read(go_fd, &signal, 1);
    return released == 1 ? 0 : 17;
}

// Kills and reaps the child if the test ends early.
struct ChildGuard {
    pid_t pid = -1;
    ~ChildGuard() {
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
    }
    // Waits up to timeout for the child to exit; its exit code, or -1.
    int wait(milliseconds timeout) {
        int status = 0;
        const bool exited =
            waitUntil([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, timeout);
        if (!exited) {
            return -1;
        }
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
};

TEST(TcpServerLoad, TenThousandConcurrentConnections) {
    const std::size_t needed = kConnections + kFileDescriptorsReserved + 64;
    rlimit limit{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
    const std::string raise_it =
        "raise it with `ulimit -Hn " + std::to_string(needed) +
        "` (as root), LimitNOFILE= in systemd or docker --ulimit nofile=" + std::to_string(needed) +
        ":" + std::to_string(needed);
    ASSERT_TRUE(limit.rlim_max == RLIM_INFINITY || limit.rlim_max >= needed)
        << "the hard RLIMIT_NOFILE is " << limit.rlim_max << " but this test needs " << needed
        << " descriptors per process (server here, clients in a child process): " << raise_it;

    TcpLimits limits;
    limits.connections_max = kConnections;
    EchoHandler handler;
    TcpServer server(handler, limits);
    handler.attach(server);
    const Status listening = server.listen("127.0.0.1", 0);
    ASSERT_TRUE(listening.ok()) << listening.error().detail;  // raised the soft limit too

    std::vector<int> fds(kConnections, -1);
    int to_child[2];
    int to_parent[2];
    ASSERT_EQ(::pipe2(to_child, O_CLOEXEC), 0);
    ASSERT_EQ(::pipe2(to_parent, O_CLOEXEC), 0);
    ChildGuard child{::fork()};
    ASSERT_GE(child.pid, 0);
    if (child.pid == 0) {
        ::close(to_child[1]);
        ::close(to_parent[0]);
        ::_exit(runClients(server.port(), to_child[0], to_parent[1], fds.data()));
    }
    ::close(to_child[0]);
    ::close(to_parent[1]);

    server.start();
    const long rss_before_kb = procKb("/proc/self/status", "VmRSS");
    const long slab_before_kb = procKb("/proc/meminfo", "Slab");
    const auto started = Clock::now();
    ASSERT_EQ(::write(to_child[1], "g", 1), 1);
    char ready = 0;
    pollfd entry{to_parent[0], POLLIN, 0};
    ASSERT_EQ(::poll(&entry, 1, 120000), 1) << "the clients did not finish in 120 s";
    ASSERT_EQ(::read(to_parent[0], &ready, 1), 1)
        << "the client process failed at step " << child.wait(kWaitMax);
    const auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
    ASSERT_TRUE(waitUntil([&] { return server.stats().frames_out == kConnections; }));

    const TcpStats stats = server.stats();
    EXPECT_EQ(stats.open, kConnections);
    EXPECT_EQ(stats.accepted, kConnections);
    EXPECT_EQ(stats.refused_over_limit, 0U);
    EXPECT_EQ(stats.frames_in, kConnections);
    const long rss_after_kb = procKb("/proc/self/status", "VmRSS");
    const long slab_after_kb = procKb("/proc/meminfo", "Slab");
    std::printf(
        "[ load     ] %zu connections open, each answered once, in %lld ms\n"
        "[ load     ] server RSS %ld kB -> %ld kB: %.0f bytes per idle connection\n"
        "[ load     ] kernel slab +%ld kB for %zu sockets (both ends): %.0f bytes per socket\n",
        kConnections, static_cast<long long>(elapsed.count()), rss_before_kb, rss_after_kb,
        double(rss_after_kb - rss_before_kb) * 1024.0 / double(kConnections),
        slab_after_kb - slab_before_kb, 2 * kConnections,
        double(slab_after_kb - slab_before_kb) * 1024.0 / double(2 * kConnections));
    RecordProperty("bytes_per_idle_connection",
                   std::to_string((rss_after_kb - rss_before_kb) * 1024 / long(kConnections)));

    // The clients close everything; the server sees 10,000 peers go.
    ASSERT_EQ(::write(to_child[1], "x", 1), 1);
    EXPECT_EQ(child.wait(kWaitMax), 0);
    ASSERT_TRUE(waitUntil([&] { return server.stats().open == 0; }, milliseconds(30000)));
    EXPECT_EQ(server.stats().closed_peer, kConnections);
    EXPECT_TRUE(accountsBalance(server.stats()));
    server.stop();
    ::close(to_child[1]);
    ::close(to_parent[0]);
}

}  // namespace
}  // namespace yika::terminal
