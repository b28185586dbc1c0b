#include "terminal_api/tcp/byte_queue.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <random>
#include <vector>

namespace yika::terminal {
namespace {

std::vector<std::uint8_t> bytesOf(std::initializer_list<std::uint8_t> list) { return list; }

TEST(ByteQueue, AppendsAndConsumesInOrder) {
    ByteQueue queue;
    EXPECT_TRUE(queue.empty());
    queue.append(bytesOf({1, 2, 3}));
    queue.append(bytesOf({4}));
    EXPECT_EQ(queue.size(), 4U);
    queue.consume(2);
    const auto pending = queue.pending();
    EXPECT_EQ(std::vector<std::uint8_t>(pending.begin(), pending.end()), bytesOf({3, 4}));
    queue.consume(2);
    EXPECT_TRUE(queue.empty());
}

TEST(ByteQueue, AppendsEmptySpan) {
    ByteQueue queue;
    queue.append({});
    EXPECT_TRUE(queue.empty());
}

// A randomized run against std::deque: the same bytes come out in the same order.
TEST(ByteQueue, MatchesDequeModel) {
    std::mt19937 random(12345);
    ByteQueue queue;
    std::deque<std::uint8_t> model;
    std::uint8_t next = 0;
    for (int step = 0; step < 20000; ++step) {
        if (random() % 2 == 0) {
            std::vector<std::uint8_t> chunk(random() % 300);
            for (auto& byte : chunk) {
                byte = next++;
            }
            queue.append(chunk);
            model.insert(model.end(), chunk.begin(), chunk.end());
        } else {
            const std::size_t n = model.empty() ? 0 : random() % (model.size() + 1);
            const auto pending = queue.pending();
            ASSERT_TRUE(
                std::equal(pending.begin(), pending.begin() + static_cast<long>(n), model.begin()));
            queue.consume(n);
            model.erase(model.begin(), model.begin() + static_cast<long>(n));
        }
        ASSERT_EQ(queue.size(), model.size());
    }
}

}  // namespace
}  // namespace yika::terminal
