#include "crypto/nonce_pool.h"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

namespace yika::crypto {
namespace {

using Nonce = std::array<std::uint8_t, 24>;

Nonce draw() {
    Nonce nonce{};
    NoncePool::fill(nonce);
    return nonce;
}

TEST(NoncePool, NeverRepeatsAcrossManyRefills) {
    std::set<Nonce> seen;
    // 10,000 nonces span about 60 pool refills.
    for (int i = 0; i < 10000; ++i) {
        ASSERT_TRUE(seen.insert(draw()).second);
    }
    EXPECT_NE(*seen.begin(), Nonce{});
}

TEST(NoncePool, ThreadsDrawDistinctBytes) {
    std::vector<Nonce> first(100);
    std::vector<Nonce> second(100);
    std::thread a([&] {
        for (auto& n : first) n = draw();
    });
    std::thread b([&] {
        for (auto& n : second) n = draw();
    });
    a.join();
    b.join();
    std::set<Nonce> all(first.begin(), first.end());
    all.insert(second.begin(), second.end());
    EXPECT_EQ(all.size(), 200u);
}

// Without the fork generation the child would inherit the parent's half-used pool and hand out
// the very bytes the parent hands out next.
TEST(NoncePool, ForkedChildDoesNotRepeatParentBytes) {
    draw();  // the pool is now filled and partly used
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        const Nonce nonce = draw();
        const bool sent =
            ::write(pipe_fds[1], nonce.data(), nonce.size()) == static_cast<ssize_t>(nonce.size());
        ::_exit(sent ? 0 : 1);
    }
    ::close(pipe_fds[1]);
    const Nonce parent_nonce = draw();
    Nonce child_nonce{};
    EXPECT_EQ(::read(pipe_fds[0], child_nonce.data(), child_nonce.size()),
              static_cast<ssize_t>(child_nonce.size()));
    ::close(pipe_fds[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    EXPECT_NE(parent_nonce, child_nonce);
}

}  // namespace
}  // namespace yika::crypto
