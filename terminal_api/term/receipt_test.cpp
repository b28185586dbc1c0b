#include "terminal_api/term/receipt.h"

#include "crypto/hex.h"

#include <gtest/gtest.h>

namespace yika::term {
namespace {

TEST(Receipt, MasksTheCardAndDescribesTheCode) {
    Receipt r;
    r.title = "PURCHASE";
    r.tid = "10000001";
    r.pan = "6288881234567890128";
    r.amount = Money::fromMinor(1250, Currency::Cny);
    r.trace = "000002";
    r.date = "0315";
    r.time = "142502";
    r.response_code = "51";
    const std::string text = formatReceipt(r);
    EXPECT_NE(text.find("628888*********0128"), std::string::npos) << text;
    EXPECT_EQ(text.find("6288881234567890128"), std::string::npos);
    EXPECT_NE(text.find("CNY 12.50"), std::string::npos);
    EXPECT_NE(text.find("51 insufficient funds"), std::string::npos);
    EXPECT_NE(text.find("03-15"), std::string::npos);
    EXPECT_NE(text.find("14:25:02"), std::string::npos);
    r.response_code.clear();
    EXPECT_NE(formatReceipt(r).find("no answer"), std::string::npos);
}

TEST(Receipt, DescribeResponseCode) {
    EXPECT_EQ(describeResponseCode("00"), "00 approved");
    EXPECT_EQ(describeResponseCode("A0"), "A0 MAC failure");
    EXPECT_EQ(describeResponseCode("ZZ"), "ZZ (unknown code)");
}

TEST(Receipt, HexDumpMasksCardNumbersAtAnyNibble) {
    // Field 2 as on the wire (LLVAR 19, left-aligned) and a right-aligned n20 copy at an odd
    // nibble, as in a batch upload.
    const auto bytes = crypto::fromHex(
        "0200"
        "19"
        "6288881234567890128"
        "0"
        "0"
        "6288881234567890128"
        "ff");
    ASSERT_TRUE(bytes.has_value());
    const std::vector<std::string> pans = {"6288881234567890128"};
    const std::string dump = hexDump(">> test", *bytes, pans);
    std::string digits;
    for (const char c : dump) {
        if (c != ' ' && c != '\n') {
            digits += c;
        }
    }
    EXPECT_EQ(digits.find("1234567890"), std::string::npos) << dump;
    EXPECT_NE(dump.find("62 88 88 **"), std::string::npos) << dump;
    EXPECT_NE(dump.find(">> test (24 bytes)"), std::string::npos);
    EXPECT_NE(dump.find("0010 "), std::string::npos);
    const std::string plain = hexDump("x", *bytes);
    EXPECT_NE(plain.find("62 88 88 12 34"), std::string::npos);
}

}  // namespace
}  // namespace yika::term
