#include "card_core/domain/card_number.h"

#include "card_core/testing/assertions.h"
#include "card_core/testing/fakes.h"

#include <gtest/gtest.h>

#include <set>

namespace yika {
namespace {

// `prefix` completed with its Luhn check digit.
std::string withCheckDigit(const std::string& prefix) { return prefix + luhnCheckDigit(prefix); }

TEST(Luhn, AcceptsKnownValidNumbers) {
    for (const char* pan : {"4111111111111111", "79927398713", "5500005555555559",
                            "378282246310005", "6011111111111117", "0000000000000000"}) {
        EXPECT_TRUE(luhnValid(pan)) << pan;
    }
}

TEST(Luhn, CheckDigitCompletesKnownNumbers) {
    EXPECT_EQ(luhnCheckDigit("7992739871"), '3');
    EXPECT_EQ(luhnCheckDigit("411111111111111"), '1');
    EXPECT_EQ(luhnCheckDigit("550000555555555"), '9');
}

TEST(Luhn, CatchesEverySingleDigitError) {
    const std::string valid = "4111111111111111";
    for (std::size_t pos = 0; pos < valid.size(); ++pos) {
        for (char digit = '0'; digit <= '9'; ++digit) {
            if (digit == valid[pos]) continue;
            std::string wrong = valid;
            wrong[pos] = digit;
            EXPECT_FALSE(luhnValid(wrong)) << wrong;
        }
    }
    EXPECT_FALSE(luhnValid("79927398710"));
}

TEST(Luhn, CatchesAdjacentTranspositions) {
    const std::string valid = "79927398713";
    for (std::size_t pos = 0; pos + 1 < valid.size(); ++pos) {
        std::string swapped = valid;
        std::swap(swapped[pos], swapped[pos + 1]);
        // Luhn misses only the 09 <-> 90 swap (and equal digits, which change nothing).
        bool undetectable = swapped == valid || (valid[pos] == '0' && valid[pos + 1] == '9') ||
                            (valid[pos] == '9' && valid[pos + 1] == '0');
        if (!undetectable) {
            EXPECT_FALSE(luhnValid(swapped)) << swapped;
        }
    }
}

TEST(Luhn, RejectsNonDigitsAndTooShortInput) {
    for (const char* bad : {"", "0", "4111-1111-1111-1111", "411111111111111a", " 4111111111111111",
                            "\xef\xbc\x94"
                            "111111111111111"}) {
        EXPECT_FALSE(luhnValid(bad)) << bad;
    }
}

TEST(PanFormat, AcceptsValidNumbersOf16To19Digits) {
    for (std::size_t length = kPanLengthMin; length <= kPanLengthMax; ++length) {
        std::string pan = withCheckDigit("621483" + std::string(length - 7, '7'));
        ASSERT_EQ(pan.size(), length);
        EXPECT_OK(validatePanFormat(pan));
    }
}

TEST(PanFormat, RejectsWrongLength) {
    std::string fifteen = "378282246310005";                     // valid Luhn
    std::string twenty = withCheckDigit("6214839000000000000");  // valid Luhn
    ASSERT_TRUE(luhnValid(fifteen) && luhnValid(twenty));
    EXPECT_ERROR(validatePanFormat(fifteen), ErrorCode::InvalidCardNumber);
    EXPECT_ERROR(validatePanFormat(twenty), ErrorCode::InvalidCardNumber);
    EXPECT_ERROR(validatePanFormat(""), ErrorCode::InvalidCardNumber);
}

TEST(PanFormat, RejectsNonDigits) {
    EXPECT_ERROR(validatePanFormat("41111111111111a1"), ErrorCode::InvalidCardNumber);
    EXPECT_ERROR(validatePanFormat("4111 1111 1111 1111"), ErrorCode::InvalidCardNumber);
    EXPECT_ERROR(validatePanFormat("-4111111111111111"), ErrorCode::InvalidCardNumber);
}

TEST(PanFormat, RejectsWrongCheckDigit) {
    EXPECT_ERROR(validatePanFormat("4111111111111112"), ErrorCode::InvalidCardNumber);
}

TEST(PanFormat, ErrorDetailNeverEchoesTheNumber) {
    for (std::string pan : {"4111111111111112", "41111111111111a1", "411111111111111"}) {
        Status s = validatePanFormat(pan);
        ASSERT_FALSE(s.ok()) << pan;
        EXPECT_EQ(s.error().detail.find(pan), std::string::npos) << s.error().detail;
    }
}

TEST(PanForProduct, AcceptsItsOwnNumbers) {
    std::string pan = withCheckDigit("62148390" + std::string(10, '5'));
    EXPECT_OK(validatePanForProduct(pan, "62148390", 19));
}

TEST(PanForProduct, RejectsAnotherBin) {
    EXPECT_ERROR(validatePanForProduct("4111111111111111", "621483", 16),
                 ErrorCode::InvalidCardNumber);
    // A BIN that differs only in its last digit.
    std::string pan = withCheckDigit("62148391" + std::string(7, '0'));
    EXPECT_ERROR(validatePanForProduct(pan, "62148390", 16), ErrorCode::InvalidCardNumber);
}

TEST(PanForProduct, RejectsAnotherLength) {
    std::string nineteen = withCheckDigit("621483" + std::string(12, '1'));
    EXPECT_OK(validatePanFormat(nineteen));
    EXPECT_ERROR(validatePanForProduct(nineteen, "621483", 16), ErrorCode::InvalidCardNumber);
}

TEST(PanForProduct, RejectsBadFormatFirst) {
    EXPECT_ERROR(validatePanForProduct("6214830000000001", "621483", 16),
                 ErrorCode::InvalidCardNumber);
}

TEST(GeneratePan, AlwaysValidWithTheBinAndLength) {
    test::SeededRandom random(7);
    for (std::string bin : {"621483", "6214839", "62148390"}) {
        for (std::size_t length = kPanLengthMin; length <= kPanLengthMax; ++length) {
            for (int i = 0; i < 200; ++i) {
                std::string pan = generatePan(bin, length, random);
                ASSERT_EQ(pan.size(), length);
                ASSERT_EQ(pan.substr(0, bin.size()), bin);
                ASSERT_TRUE(luhnValid(pan)) << pan;
                ASSERT_TRUE(validatePanForProduct(pan, bin, length).ok()) << pan;
            }
        }
    }
}

TEST(GeneratePan, BodyIsRandomNotSequential) {
    test::SeededRandom random(11);
    std::set<std::string> seen;
    std::set<std::uint64_t> gaps;
    std::uint64_t previous = 0;
    constexpr int kDraws = 1000;
    for (int i = 0; i < kDraws; ++i) {
        std::string pan = generatePan("62148390", 16, random);  // 7 random digits
        seen.insert(pan);
        std::uint64_t value = panToU64(pan);
        gaps.insert(value > previous ? value - previous : previous - value);
        previous = value;
    }
    // 1000 draws from 10^7 bodies: a repeat is rare, and consecutive numbers are not evenly spaced.
    EXPECT_GE(seen.size(), 990u);
    EXPECT_GE(gaps.size(), 990u);
}

TEST(GeneratePan, SameSeedSameNumbers) {
    test::SeededRandom a(42);
    test::SeededRandom b(42);
    for (int i = 0; i < 50; ++i)
        EXPECT_EQ(generatePan("621483", 19, a), generatePan("621483", 19, b));
}

TEST(MaskPan, ShowsTheFirstSixAndLastFourDigits) {
    for (std::size_t length = kPanLengthMin; length <= kPanLengthMax; ++length) {
        std::string pan = withCheckDigit("621483" + std::string(length - 7, '9'));
        std::string masked = maskPan(pan);
        ASSERT_EQ(masked.size(), pan.size());
        EXPECT_EQ(masked.substr(0, 6), pan.substr(0, 6));
        EXPECT_EQ(masked.substr(length - 4), pan.substr(length - 4));
        EXPECT_EQ(masked.substr(6, length - 10), std::string(length - 10, '*'));
    }
}

TEST(MaskPan, ShortInputShowsAtMostTheLastFour) {
    EXPECT_EQ(maskPan("1234567890"), "******7890");
    EXPECT_EQ(maskPan("12345"), "*2345");
    EXPECT_EQ(maskPan("1234"), "1234");
    EXPECT_EQ(maskPan(""), "");
}

TEST(PanToU64, ReadsTheDigits) {
    EXPECT_EQ(panToU64("0000000000000000001"), 1u);
    EXPECT_EQ(panToU64("4111111111111111"), 4111111111111111u);
    EXPECT_EQ(panToU64("9999999999999999999"), 9999999999999999999u);
}

TEST(RandomSource, DigitsAreDecimalDigitsOnly) {
    test::SeededRandom random(3);
    EXPECT_EQ(random.digits(0), "");
    std::set<char> seen;
    for (int i = 0; i < 100; ++i) {
        std::string pin = random.digits(6);
        ASSERT_EQ(pin.size(), 6u);
        ASSERT_TRUE(isAllDigits(pin)) << pin;
        seen.insert(pin.begin(), pin.end());
    }
    EXPECT_EQ(seen.size(), 10u);  // 600 draws cover every digit
}

TEST(IsAllDigits, EmptyIsNotDigits) {
    EXPECT_FALSE(isAllDigits(""));
    EXPECT_TRUE(isAllDigits("0123456789"));
    EXPECT_FALSE(isAllDigits("0x12"));
}

}  // namespace
}  // namespace yika
