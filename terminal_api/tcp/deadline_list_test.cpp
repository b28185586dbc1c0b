#include "terminal_api/tcp/deadline_list.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace yika::terminal {
namespace {

struct Timer {
    int name = 0;
    DeadlineLink<Timer> link{*this};
};

// Pops and unlinks every timer expired at now_ms, in order.
std::vector<int> expire(DeadlineList<Timer>& list, std::int64_t now_ms) {
    std::vector<int> names;
    while (Timer* timer = list.expired(now_ms)) {
        names.push_back(timer->name);
        list.remove(timer->link);
    }
    return names;
}

TEST(DeadlineList, ExpiresInDeadlineOrder) {
    std::array<Timer, 3> timers{{{1}, {2}, {3}}};
    DeadlineList<Timer> list;
    list.pushBack(timers[0].link, 100);
    list.pushBack(timers[1].link, 100);
    list.pushBack(timers[2].link, 150);
    EXPECT_EQ(list.expired(99), nullptr);
    EXPECT_EQ(expire(list, 120), (std::vector<int>{1, 2}));
    EXPECT_EQ(expire(list, 200), (std::vector<int>{3}));
    EXPECT_TRUE(list.empty());
}

TEST(DeadlineList, RestartMovesToBack) {
    std::array<Timer, 3> timers{{{1}, {2}, {3}}};
    DeadlineList<Timer> list;
    for (auto& timer : timers) {
        list.pushBack(timer.link, 100);
    }
    list.restart(timers[0].link, 300);  // the front moves to the back
    list.restart(timers[1].link, 300);  // the middle too
    EXPECT_EQ(list.size(), 3U);
    EXPECT_EQ(expire(list, 200), (std::vector<int>{3}));
    EXPECT_EQ(expire(list, 300), (std::vector<int>{1, 2}));
}

TEST(DeadlineList, RemovesFromAnyPosition) {
    std::array<Timer, 4> timers{{{1}, {2}, {3}, {4}}};
    DeadlineList<Timer> list;
    for (auto& timer : timers) {
        list.pushBack(timer.link, 10);
    }
    list.remove(timers[3].link);  // back
    list.remove(timers[0].link);  // front
    list.remove(timers[1].link);  // middle
    EXPECT_FALSE(timers[1].link.linked());
    list.removeIfLinked(timers[1].link);  // not linked: nothing happens
    EXPECT_EQ(expire(list, 10), (std::vector<int>{3}));
}

TEST(DeadlineList, ReusesLinksAfterRemoval) {
    Timer timer{7};
    DeadlineList<Timer> list;
    for (std::int64_t round = 0; round < 3; ++round) {
        list.pushBack(timer.link, round * 10);
        EXPECT_TRUE(timer.link.linked());
        EXPECT_EQ(timer.link.deadlineMs(), round * 10);
        EXPECT_EQ(expire(list, round * 10), (std::vector<int>{7}));
    }
}

TEST(DeadlineListDeathTest, RefusesAnEarlierDeadlineAtTheBack) {
    EXPECT_DEATH(
        {
            Timer a{1};
            Timer b{2};
            DeadlineList<Timer> list;
            list.pushBack(a.link, 100);
            list.pushBack(b.link, 99);
        },
        "deadline_ms");
}

}  // namespace
}  // namespace yika::terminal
