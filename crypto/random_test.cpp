#include "crypto/random.h"

#include <gtest/gtest.h>

#include <array>

namespace yika::crypto {
namespace {

TEST(SodiumRandom, UniformStaysInRangeAndCoversIt) {
    SodiumRandom random;
    std::array<int, 10> seen{};
    for (int i = 0; i < 2000; ++i) {
        const std::uint32_t value = random.uniform(10);
        ASSERT_LT(value, 10u);
        ++seen[value];
    }
    for (int count : seen) {
        EXPECT_GT(count, 0);  // each value's chance of never appearing is 0.9^2000
    }
}

TEST(SodiumRandom, DigitsAreDecimal) {
    SodiumRandom random;
    const std::string digits = random.digits(19);
    EXPECT_EQ(digits.size(), 19u);
    EXPECT_EQ(digits.find_first_not_of("0123456789"), std::string::npos);
}

}  // namespace
}  // namespace yika::crypto
