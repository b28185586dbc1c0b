#include "crypto/hex.h"

#include <gtest/gtest.h>

#include <array>

namespace yika::crypto {
namespace {

TEST(Hex, RoundTrips) {
    const Bytes bytes = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
    EXPECT_EQ(toHex(bytes), "00017f80abff");
    EXPECT_EQ(fromHex("00017f80abff"), bytes);
    EXPECT_EQ(toHex({}), "");
    EXPECT_EQ(fromHex(""), Bytes{});
}

TEST(Hex, AcceptsUpperCase) { EXPECT_EQ(fromHex("ABcd"), (Bytes{0xab, 0xcd})); }

TEST(Hex, RefusesOddLengthAndNonHex) {
    EXPECT_FALSE(fromHex("abc").has_value());
    EXPECT_FALSE(fromHex("zz").has_value());
    EXPECT_FALSE(fromHex("ab cd").has_value());
    EXPECT_FALSE(fromHex("abcd\n").has_value());
    EXPECT_FALSE(fromHex("0x12").has_value());
}

TEST(Hex, FromHexIntoRequiresExactLengthAndZeroesOnFailure) {
    std::array<std::uint8_t, 2> out = {0x11, 0x22};
    EXPECT_TRUE(fromHexInto("abcd", out));
    EXPECT_EQ(out, (std::array<std::uint8_t, 2>{0xab, 0xcd}));
    EXPECT_FALSE(fromHexInto("ab", out));
    EXPECT_EQ(out, (std::array<std::uint8_t, 2>{0, 0}));
    EXPECT_FALSE(fromHexInto("abcdef", out));
    EXPECT_FALSE(fromHexInto("abcg", out));
}

TEST(Hex, LongInputsCrossSliceBoundaries) {
    Bytes bytes(200);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        bytes[i] = static_cast<std::uint8_t>(i * 7);
    }
    const std::string hex = toHex(bytes);
    EXPECT_EQ(hex.size(), 400u);
    EXPECT_EQ(hex.substr(126, 4), "b9c0");  // bytes 63 and 64 straddle the 64-byte slices
    EXPECT_EQ(fromHex(hex), bytes);
}

}  // namespace
}  // namespace yika::crypto
