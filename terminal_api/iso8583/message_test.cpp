#include "terminal_api/iso8583/message.h"

#include "terminal_api/iso8583/test_messages.h"

#include <gtest/gtest.h>

namespace yika::iso8583 {
namespace {

TEST(Message, SetValidatesAgainstTheTable) {
    Message message;
    EXPECT_TRUE(message.set(Field::Amount, "000000001250").ok());
    const Status short_amount = message.set(Field::Amount, "1250");
    ASSERT_FALSE(short_amount.ok());
    EXPECT_EQ(short_amount.code(), ErrorCode::InvalidArgument);
    EXPECT_EQ(short_amount.error().detail, "field 4 (amount): length 4, expected 12");
    EXPECT_EQ(message.get(Field::Amount), "000000001250") << "a refused set leaves the field";
    EXPECT_FALSE(message.set(Field::Amount, "00000000125x").ok());
    EXPECT_FALSE(message.set(Field::Pan, std::string(20, '1')).ok());
    EXPECT_TRUE(message.set(Field::Pan, std::string(19, '1')).ok());
    EXPECT_FALSE(message.set(Field::Track2, "6288=28:1").ok());
    EXPECT_TRUE(message.set(Field::RetrievalReference, "ABC 123 xyz0").ok());
    EXPECT_FALSE(message.set(Field::RetrievalReference, "ABC-123-xyz0").ok());
    EXPECT_TRUE(message.set(Field::Reserved63, "CUP ~!").ok());
    EXPECT_FALSE(message.set(Field::Reserved63, "\t").ok());
    EXPECT_TRUE(message.set(Field::PinData, std::string(8, '\0')).ok());
    EXPECT_FALSE(message.set(Field::PinData, std::string(7, '\0')).ok());
}

TEST(Message, ClearRemovesTheFieldAndItsBit) {
    Message message = testing::signOnRequest();
    const std::uint64_t before = message.bitmap();
    message.clear(Field::Reserved63);
    EXPECT_FALSE(message.has(Field::Reserved63));
    EXPECT_EQ(message.get(Field::Reserved63), "");
    EXPECT_FALSE(message.find(Field::Reserved63).has_value());
    EXPECT_EQ(message.bitmap(), before & ~bitmapBit(63));
    Message again = message;
    ASSERT_TRUE(again.set(Field::Reserved63, "001").ok());
    EXPECT_EQ(again, testing::signOnRequest());
}

TEST(Message, BitmapFollowsTheWireOrder) {
    Message message;
    ASSERT_TRUE(message.set(Field::Pan, "1234567890123").ok());
    ASSERT_TRUE(message.set(Field::Mac, std::string(8, 'x')).ok());
    EXPECT_EQ(message.bitmap(), 0x4000000000000001u);
}

TEST(Message, TypedAccessors) {
    Message message = testing::purchaseRequest();
    EXPECT_EQ(message.amountMinor(), 1250);
    auto amount = message.amount();
    ASSERT_TRUE(amount.ok());
    EXPECT_EQ(*amount, Money::fromMinor(1250, Currency::Cny));
    EXPECT_EQ(message.trace(), 2u);
    EXPECT_FALSE(message.responseCode().has_value());

    message.setAmount(Money::fromMinor(999'999'999'999, Currency::Usd));
    EXPECT_EQ(message.get(Field::Amount), "999999999999");
    EXPECT_EQ(message.get(Field::Currency), "840");
    message.setTrace(999'999);
    EXPECT_EQ(message.get(Field::Trace), "999999");
    message.setResponseCode(ResponseCode::MacFailure);
    EXPECT_EQ(message.get(Field::ResponseCode), "A0");
    EXPECT_EQ(message.responseCode(), ResponseCode::MacFailure);
    ASSERT_TRUE(message.set(Field::ResponseCode, "98").ok());
    EXPECT_FALSE(message.responseCode().has_value());
}

TEST(Message, AmountNeedsAKnownCurrency) {
    Message message;
    EXPECT_FALSE(message.amount().ok());
    ASSERT_TRUE(message.set(Field::Amount, "000000000001").ok());
    EXPECT_NE(message.amount().error().detail.find("field 49"), std::string::npos);
    ASSERT_TRUE(message.set(Field::Currency, "999").ok());
    EXPECT_FALSE(message.amount().ok());
    ASSERT_TRUE(message.set(Field::Currency, "CNY").ok());
    EXPECT_FALSE(message.amount().ok()) << "field 49 is the numeric code";
}

TEST(Message, MakeResponseSwapsTheTpduAndEchoes) {
    Message request = testing::purchaseRequest();
    Header header = request.header();
    header.terminal_status = 1;
    request.setHeader(header);
    const Message response = makeResponse(request);
    EXPECT_EQ(response.mti(), Mti::FinancialResponse);
    EXPECT_EQ(response.tpdu(), (Tpdu{0x0000, 0x0003}));
    EXPECT_EQ(response.header().terminal_status, 1);
    EXPECT_EQ(response.header().processing_requirement, 0);
    for (const Field field :
         {Field::ProcessingCode, Field::Amount, Field::Trace, Field::ConditionCode,
          Field::TerminalId, Field::MerchantId, Field::Currency, Field::Reserved60}) {
        EXPECT_EQ(response.get(field), request.get(field)) << fieldNumber(field);
    }
    EXPECT_FALSE(response.has(Field::Track2));
    EXPECT_FALSE(response.has(Field::PinData));
    EXPECT_FALSE(response.has(Field::Mac));
}

TEST(Message, MtiHelpers) {
    EXPECT_EQ(mtiFromNumber(200), Mti::FinancialRequest);
    EXPECT_FALSE(mtiFromNumber(600).has_value());
    EXPECT_FALSE(mtiFromNumber(-1).has_value());
    EXPECT_TRUE(isResponse(Mti::BatchUploadResponse));
    EXPECT_FALSE(isResponse(Mti::FinancialAdvice));
    EXPECT_EQ(responseMti(Mti::ReversalAdvice), Mti::ReversalResponse);
    EXPECT_EQ(requestMti(Mti::NetworkAdviceResponse), Mti::NetworkAdvice);
    EXPECT_EQ(mtiText(Mti::AuthorizationRequest), "0100");
}

TEST(Message, CheckHeaderAcceptsOnlyOurValues) {
    EXPECT_TRUE(checkHeader(Header{}).ok());
    EXPECT_TRUE(checkHeader(Header{60, 0, 1, 3, 999'999}).ok());
    EXPECT_FALSE(checkHeader(Header{61, 31, 0, 0, 0}).ok());
    EXPECT_FALSE(checkHeader(Header{60, 100, 0, 0, 0}).ok());
    EXPECT_FALSE(checkHeader(Header{60, 31, 2, 0, 0}).ok());
    EXPECT_FALSE(checkHeader(Header{60, 31, 0, 1, 0}).ok());
    EXPECT_FALSE(checkHeader(Header{60, 31, 0, 0, 1'000'000}).ok());
}

}  // namespace
}  // namespace yika::iso8583
