#include "card_core/domain/merchant.h"

#include "card_core/testing/assertions.h"

#include <gtest/gtest.h>

namespace yika {
namespace {

Merchant validMerchant() {
    Merchant m;
    m.mid = "898310048160001";
    m.name = "Example Bakery";
    m.fee_bps = 38;
    return m;
}

TEST(MerchantRules, ValidMerchantAccepted) { EXPECT_OK(validateMerchant(validMerchant())); }

TEST(MerchantRules, MidIsFifteenDigitsOrCapitals) {
    for (const char* bad :
         {"", "89831004816000", "8983100481600012", "898310048l60001", "898310048 60001"}) {
        Merchant m = validMerchant();
        m.mid = bad;
        EXPECT_ERROR(validateMerchant(m), ErrorCode::InvalidArgument) << bad;
    }
    Merchant m = validMerchant();
    m.mid = "ABCDEFGHIJKLMN0";
    EXPECT_OK(validateMerchant(m));
}

TEST(MerchantRules, FeeAndSettlementCycleBounded) {
    for (std::int64_t bps : {-1, 10001}) {
        Merchant m = validMerchant();
        m.fee_bps = bps;
        EXPECT_ERROR(validateMerchant(m), ErrorCode::InvalidArgument) << bps;
    }
    for (int days : {0, 31}) {
        Merchant m = validMerchant();
        m.settle_days = days;
        EXPECT_ERROR(validateMerchant(m), ErrorCode::InvalidArgument) << days;
    }
    Merchant m = validMerchant();
    m.name = "";
    EXPECT_ERROR(validateMerchant(m), ErrorCode::InvalidArgument);
}

TEST(AcceptanceScope, NetworkProductIsAcceptedEverywhere) {
    CardProduct p;
    Merchant m = validMerchant();
    EXPECT_TRUE(inAcceptanceScope(p, m));
    m.group = 4;
    EXPECT_TRUE(inAcceptanceScope(p, m));
}

TEST(AcceptanceScope, GroupProductOnlyInsideItsGroup) {
    CardProduct p;
    p.scope_group = 4;
    Merchant m = validMerchant();
    EXPECT_FALSE(inAcceptanceScope(p, m));  // no group
    m.group = 5;
    EXPECT_FALSE(inAcceptanceScope(p, m));
    m.group = 4;
    EXPECT_TRUE(inAcceptanceScope(p, m));
}

}  // namespace
}  // namespace yika
