#include "terminal_api/iso8583/bcd.h"

#include <gtest/gtest.h>

#include <string>

namespace yika::iso8583::detail {
namespace {

std::vector<std::uint8_t> packed(std::string_view digits, bool pad_first) {
    std::vector<std::uint8_t> out;
    appendBcd(digits, pad_first, true, out);
    return out;
}

TEST(Bcd, PacksTwoDigitsPerByteWithThePadOnTheChosenSide) {
    EXPECT_EQ(packed("1234", false), (std::vector<std::uint8_t>{0x12, 0x34}));
    EXPECT_EQ(packed("123", false), (std::vector<std::uint8_t>{0x12, 0x30}));
    EXPECT_EQ(packed("123", true), (std::vector<std::uint8_t>{0x01, 0x23}));
    EXPECT_EQ(packed("1=2", false), (std::vector<std::uint8_t>{0x1D, 0x20}));
    EXPECT_TRUE(packed("", true).empty());
}

BcdStatus unpack(std::vector<std::uint8_t> in, std::size_t digits, bool pad_first,
                 bool allow_separator, std::string& out) {
    out.assign(digits, '?');
    return unpackBcd(in, pad_first, allow_separator, out);
}

TEST(Bcd, UnpacksAndRefusesBadNibbles) {
    std::string out;
    EXPECT_EQ(unpack({0x01, 0x23}, 3, true, false, out), BcdStatus::Ok);
    EXPECT_EQ(out, "123");
    EXPECT_EQ(unpack({0x11, 0x23}, 3, true, false, out), BcdStatus::BadPad);
    EXPECT_EQ(unpack({0x12, 0x31}, 3, false, false, out), BcdStatus::BadPad);
    EXPECT_EQ(unpack({0x1D, 0x20}, 3, false, false, out), BcdStatus::BadNibble);
    EXPECT_EQ(unpack({0x1D, 0x20}, 3, false, true, out), BcdStatus::Ok);
    EXPECT_EQ(out, "1=2");
    EXPECT_EQ(unpack({0x1E, 0x20}, 3, false, true, out), BcdStatus::BadNibble);
}

TEST(Bcd, NumbersRoundTrip) {
    std::vector<std::uint8_t> out;
    appendBcdNumber(322, 2, out);
    appendBcdNumber(7, 1, out);
    EXPECT_EQ(out, (std::vector<std::uint8_t>{0x03, 0x22, 0x07}));
    std::uint32_t value = 0;
    EXPECT_TRUE(readBcdNumber(std::span(out).first(2), value));
    EXPECT_EQ(value, 322u);
    EXPECT_TRUE(readBcdNumber(std::vector<std::uint8_t>{0x99, 0x99, 0x99, 0x99}, value));
    EXPECT_EQ(value, 99'999'999u);
    value = 5;
    EXPECT_FALSE(readBcdNumber(std::vector<std::uint8_t>{0x0A}, value));
    EXPECT_EQ(value, 5u);
}

}  // namespace
}  // namespace yika::iso8583::detail
