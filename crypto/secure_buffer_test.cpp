#include "crypto/secure_buffer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>

namespace yika::crypto {
namespace {

TEST(SecureBuffer, StartsZeroedWithRequestedSize) {
    SecureBuffer buffer(100);
    ASSERT_NE(buffer.data(), nullptr);
    EXPECT_EQ(buffer.size(), 100u);
    EXPECT_FALSE(buffer.empty());
    EXPECT_TRUE(std::all_of(buffer.span().begin(), buffer.span().end(),
                            [](std::uint8_t b) { return b == 0; }));
}

TEST(SecureBuffer, EmptyBufferHasNoData) {
    SecureBuffer none;
    SecureBuffer zero(0);
    EXPECT_TRUE(none.empty());
    EXPECT_EQ(none.data(), nullptr);
    EXPECT_TRUE(zero.empty());
    EXPECT_EQ(zero.span().size(), 0u);
}

TEST(SecureBuffer, MoveTransfersOwnership) {
    SecureBuffer a(32);
    a.data()[0] = 42;
    const std::uint8_t* bytes = a.data();
    SecureBuffer b(std::move(a));
    EXPECT_EQ(b.data(), bytes);
    EXPECT_EQ(b.data()[0], 42);
    EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the moved-from state is specified
    SecureBuffer c(16);
    c = std::move(b);
    EXPECT_EQ(c.size(), 32u);
    EXPECT_EQ(c.data()[0], 42);
}

TEST(SecureBuffer, ReadOnlyBufferStaysReadableAndIsFreed) {
    SecureBuffer buffer(32);
    buffer.data()[31] = 7;
    buffer.makeReadOnly();
    buffer.makeReadOnly();  // idempotent
    EXPECT_EQ(std::as_const(buffer).data()[31], 7);
    // Destruction restores write access to wipe; reaching the end without a fault is the test.
}

TEST(SecureBufferDeathTest, WriteAfterMakeReadOnlyFaults) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_DEATH(
        {
            SecureBuffer buffer(32);
            buffer.makeReadOnly();
            volatile std::uint8_t* bytes = buffer.data();
            bytes[0] = 1;
        },
        "");
}

TEST(SecureBufferDeathTest, OverrunHitsGuardPage) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_DEATH(
        {
            SecureBuffer buffer(32);
            volatile std::uint8_t* bytes = buffer.data();
            bytes[32] = 1;  // one past the end: the first byte of the guard page
        },
        "");
}

}  // namespace
}  // namespace yika::crypto
