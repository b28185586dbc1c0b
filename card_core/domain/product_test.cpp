#include "card_core/domain/product.h"

#include "card_core/testing/assertions.h"

#include <gtest/gtest.h>

namespace yika {
namespace {

Money cny(std::int64_t minor) { return Money::fromMinor(minor, Currency::Cny); }

CardProduct validNamed(const ProductPolicy& policy = {}) {
    CardProduct p = defaultProduct(true, policy);
    p.code = "GIFT-500";
    p.name = "Named gift card";
    p.bin = "621483";
    p.pan_length = 19;
    return p;
}

CardProduct validAnonymous(const ProductPolicy& policy = {}) {
    CardProduct p = defaultProduct(false, policy);
    p.code = "ANON_1000";
    p.name = "Anonymous gift card";
    p.bin = "62148390";
    p.pan_length = 16;
    return p;
}

TEST(ProductRules, DefaultNamedProductFollowsThePolicy) {
    ProductPolicy policy;
    CardProduct p = validNamed(policy);
    EXPECT_OK(validateProduct(p, policy));
    EXPECT_TRUE(p.named);
    EXPECT_EQ(p.max_balance, policy.named_cap_max);
    EXPECT_TRUE(p.reloadable);
    EXPECT_EQ(p.validity_months, 0);
}

TEST(ProductRules, DefaultAnonymousProductFollowsThePolicy) {
    ProductPolicy policy;
    CardProduct p = validAnonymous(policy);
    EXPECT_OK(validateProduct(p, policy));
    EXPECT_FALSE(p.named);
    EXPECT_EQ(p.max_balance, policy.anonymous_cap_max);
    EXPECT_FALSE(p.reloadable);
    EXPECT_EQ(p.validity_months, policy.anonymous_validity_months_min);
}

TEST(ProductRules, BinMustBeSixToEightDigits) {
    ProductPolicy policy;
    for (const char* bad : {"", "62148", "621483901", "62148a", "6214 83", "-62148"}) {
        CardProduct p = validNamed();
        p.bin = bad;
        EXPECT_ERROR(validateProduct(p, policy), ErrorCode::InvalidArgument) << bad;
    }
    for (const char* good : {"621483", "6214839", "62148390"}) {
        CardProduct p = validNamed();
        p.bin = good;
        EXPECT_OK(validateProduct(p, policy));
    }
}

TEST(ProductRules, CardNumberLengthMustBe16To19) {
    ProductPolicy policy;
    for (std::size_t length : {0u, 15u, 20u}) {
        CardProduct p = validNamed();
        p.pan_length = length;
        EXPECT_ERROR(validateProduct(p, policy), ErrorCode::InvalidArgument) << length;
    }
    for (std::size_t length : {16u, 19u}) {
        CardProduct p = validNamed();
        p.pan_length = length;
        EXPECT_OK(validateProduct(p, policy));
    }
}

TEST(ProductRules, NamedCapAbove5000Refused) {
    ProductPolicy policy;
    CardProduct p = validNamed();
    p.max_balance = cny(500001);
    EXPECT_ERROR(validateProduct(p, policy), ErrorCode::RuleViolation);
    p.max_balance = cny(500000);
    EXPECT_OK(validateProduct(p, policy));
}

TEST(ProductRules, AnonymousCapAbove1000Refused) {
    ProductPolicy policy;
    CardProduct p = validAnonymous();
    p.max_balance = cny(100001);
    p.purchase_max = cny(100000);
    p.daily_spend_max = cny(100000);
    EXPECT_ERROR(validateProduct(p, policy), ErrorCode::RuleViolation);
    p.max_balance = cny(100000);
    EXPECT_OK(validateProduct(p, policy));
}

TEST(ProductRules, CapCeilingIsAPolicySetting) {
    ProductPolicy policy;
    policy.named_cap_max = cny(300000);
    CardProduct p = validNamed(policy);
    EXPECT_OK(validateProduct(p, policy));
    p.max_balance = cny(300001);
    EXPECT_ERROR(validateProduct(p, policy), ErrorCode::RuleViolation);
}

TEST(ProductRules, NonPositiveCapRefused) {
    ProductPolicy policy;
    CardProduct p = validNamed();
    p.max_balance = cny(0);
    EXPECT_ERROR(validateProduct(p, policy), ErrorCode::InvalidArgument);
}

TEST(ProductRules, AnonymousReloadableRefused) {
    ProductPolicy policy;
    CardProduct p = validAnonymous();
    p.reloadable = true;
    EXPECT_ERROR(validateProduct(p, policy), ErrorCode::RuleViolation);
}

TEST(ProductRules, AnonymousValidityUnder36MonthsRefused) {
    ProductPolicy policy;
    CardProduct p = validAnonymous();
    for (int months : {0, 12, 35}) {
        p.validity_months = months;
        EXPECT_ERROR(validateProduct(p, policy), ErrorCode::RuleViolation) << months;
    }
    for (int months : {36, 60}) {
        p.validity_months = months;
        EXPECT_OK(validateProduct(p, policy));
    }
}

TEST(ProductRules, NamedCardsNeverExpire) {
    ProductPolicy policy;
    CardProduct p = validNamed();
    for (int months : {-1, 1, 36}) {
        p.validity_months = months;
        EXPECT_ERROR(validateProduct(p, policy), ErrorCode::RuleViolation) << months;
    }
}

TEST(ProductRules, CodeAndNameAreChecked) {
    ProductPolicy policy;
    for (const char* bad :
         {"", "gift", "GIFT 500", "GIFT/500", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"}) {
        CardProduct p = validNamed();
        p.code = bad;
        EXPECT_ERROR(validateProduct(p, policy), ErrorCode::InvalidArgument) << bad;
    }
    CardProduct p = validNamed();
    p.name = "";
    EXPECT_ERROR(validateProduct(p, policy), ErrorCode::InvalidArgument);
    p.name = std::string(201, 'n');
    EXPECT_ERROR(validateProduct(p, policy), ErrorCode::InvalidArgument);
}

TEST(ProductRules, LoadAmountsArePositiveAndWithinTheCap) {
    ProductPolicy policy;
    CardProduct p = validNamed();
    p.load_amounts = {cny(10000), cny(50000)};
    EXPECT_OK(validateProduct(p, policy));
    p.load_amounts = {cny(10000), cny(500001)};
    EXPECT_ERROR(validateProduct(p, policy), ErrorCode::InvalidArgument);
    p.load_amounts = {cny(0)};
    EXPECT_ERROR(validateProduct(p, policy), ErrorCode::InvalidArgument);
    p.load_amounts = {Money::fromMinor(10000, Currency::Usd)};
    EXPECT_ERROR(validateProduct(p, policy), ErrorCode::InvalidArgument);
    p.load_amounts.assign(65, cny(100));
    EXPECT_ERROR(validateProduct(p, policy), ErrorCode::InvalidArgument);
}

TEST(ProductRules, LimitsMustBePositive) {
    ProductPolicy policy;
    {
        CardProduct p = validNamed();
        p.purchase_max = cny(0);
        EXPECT_ERROR(validateProduct(p, policy), ErrorCode::InvalidArgument);
    }
    {
        CardProduct p = validNamed();
        p.daily_spend_max = cny(-1);
        EXPECT_ERROR(validateProduct(p, policy), ErrorCode::InvalidArgument);
    }
    for (int count : {0, -1, 100001}) {
        CardProduct p = validNamed();
        p.daily_count_max = count;
        EXPECT_ERROR(validateProduct(p, policy), ErrorCode::InvalidArgument) << count;
    }
    {
        CardProduct p = validNamed();
        p.pin_threshold_daily = cny(-1);
        EXPECT_ERROR(validateProduct(p, policy), ErrorCode::InvalidArgument);
        p.pin_threshold_daily = cny(0);  // zero: every purchase needs the PIN
        EXPECT_OK(validateProduct(p, policy));
    }
}

TEST(ProductRules, AmountsMustBeInTheProductCurrency) {
    ProductPolicy policy;
    CardProduct p = validNamed();
    p.purchase_max = Money::fromMinor(100000, Currency::Usd);
    EXPECT_ERROR(validateProduct(p, policy), ErrorCode::InvalidArgument);
}

TEST(ProductRules, AllowedLoadAmounts) {
    CardProduct p = validNamed();
    EXPECT_TRUE(isAllowedLoadAmount(p, cny(12345)));  // empty list: any amount
    p.load_amounts = {cny(10000), cny(50000)};
    EXPECT_TRUE(isAllowedLoadAmount(p, cny(50000)));
    EXPECT_FALSE(isAllowedLoadAmount(p, cny(20000)));
    EXPECT_FALSE(isAllowedLoadAmount(p, Money::fromMinor(50000, Currency::Usd)));
}

}  // namespace
}  // namespace yika
