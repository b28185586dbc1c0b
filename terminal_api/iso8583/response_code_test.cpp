#include "terminal_api/iso8583/response_code.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace yika::iso8583 {
namespace {

TEST(ResponseCode, EveryCodeRoundTripsThroughItsWireForm) {
    std::set<std::string_view> seen;
    for (const ResponseCode code : kResponseCodes) {
        const std::string_view wire = wireCode(code);
        EXPECT_EQ(wire.size(), 2u);
        EXPECT_TRUE(seen.insert(wire).second) << wire;
        EXPECT_EQ(parseResponseCode(wire), code);
        EXPECT_FALSE(describe(code).empty());
    }
}

TEST(ResponseCode, DesignSectionSixCodes) {
    const std::string expected = "00 05 12 13 14 25 30 51 54 55 57 61 62 65 75 94 95 96 A0 ";
    std::string actual;
    for (const ResponseCode code : kResponseCodes) {
        actual.append(wireCode(code)).append(" ");
    }
    EXPECT_EQ(actual, expected);
    EXPECT_EQ(wireCode(ResponseCode::MacFailure), "A0");
    EXPECT_EQ(describe(ResponseCode::InsufficientFunds), "insufficient funds");
}

TEST(ResponseCode, UnknownCodesDoNotParse) {
    EXPECT_FALSE(parseResponseCode("98").has_value());
    EXPECT_FALSE(parseResponseCode("a0").has_value());
    EXPECT_FALSE(parseResponseCode("0").has_value());
    EXPECT_FALSE(parseResponseCode("000").has_value());
}

}  // namespace
}  // namespace yika::iso8583
