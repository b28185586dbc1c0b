#include "terminal_api/tcp/mailbox.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include <poll.h>

namespace yika::terminal {
namespace {

MailboxCommand reply(ConnectionId id) { return {.id = id, .close = false, .body = {}}; }

bool readable(int fd) {
    pollfd entry{fd, POLLIN, 0};
    return ::poll(&entry, 1, 0) == 1;
}

TEST(Mailbox, DropsBeforeOpen) {
    Mailbox mailbox(4);
    EXPECT_FALSE(mailbox.post(reply(1)));
}

TEST(Mailbox, WakesOncePerGroupAndKeepsOrder) {
    Mailbox mailbox(8);
    ASSERT_TRUE(mailbox.open().ok());
    EXPECT_FALSE(readable(mailbox.fd()));
    for (ConnectionId id = 1; id <= 3; ++id) {
        EXPECT_TRUE(mailbox.post({.id = id, .close = false, .body = {std::uint8_t(id)}}));
    }
    EXPECT_TRUE(readable(mailbox.fd()));
    std::vector<MailboxCommand> taken;
    mailbox.takeAll(taken);
    EXPECT_FALSE(readable(mailbox.fd()));
    ASSERT_EQ(taken.size(), 3U);
    for (std::size_t i = 0; i < taken.size(); ++i) {
        EXPECT_EQ(taken[i].id, i + 1);
        EXPECT_EQ(taken[i].body, std::vector<std::uint8_t>{std::uint8_t(i + 1)});
    }
}

TEST(Mailbox, DropsBeyondCommandsMaxAndAfterShut) {
    Mailbox mailbox(2);
    ASSERT_TRUE(mailbox.open().ok());
    EXPECT_TRUE(mailbox.post(reply(1)));
    EXPECT_TRUE(mailbox.post(reply(2)));
    EXPECT_FALSE(mailbox.post(reply(3)));
    mailbox.shut();
    EXPECT_FALSE(mailbox.post(reply(4)));
    std::vector<MailboxCommand> taken;
    mailbox.takeAll(taken);
    EXPECT_TRUE(taken.empty());
}

// Many posting threads against one taker: every command arrives exactly once, and the eventfd
// is readable whenever commands wait (no lost wake-up).
TEST(Mailbox, LosesNoCommandUnderConcurrentPosts) {
    constexpr std::size_t kThreads = 4;
    constexpr std::size_t kPerThread = 20000;
    Mailbox mailbox(kThreads * kPerThread);
    ASSERT_TRUE(mailbox.open().ok());
    std::vector<std::thread> posters;
    for (std::size_t t = 0; t < kThreads; ++t) {
        posters.emplace_back([&mailbox, t] {
            for (std::size_t i = 0; i < kPerThread; ++i) {
                EXPECT_TRUE(mailbox.post(reply(ConnectionId(t * kPerThread + i))));
            }
        });
    }
    std::vector<int> seen(kThreads * kPerThread, 0);
    std::size_t total = 0;
    std::vector<MailboxCommand> taken;
    while (total < seen.size()) {
        pollfd entry{mailbox.fd(), POLLIN, 0};
        ASSERT_EQ(::poll(&entry, 1, 10000), 1) << "no wake-up with " << total << " taken";
        mailbox.takeAll(taken);
        for (const auto& command : taken) {
            ++seen[command.id];
        }
        total += taken.size();
        taken.clear();
    }
    for (auto& poster : posters) {
        poster.join();
    }
    for (int count : seen) {
        ASSERT_EQ(count, 1);
    }
}

}  // namespace
}  // namespace yika::terminal
