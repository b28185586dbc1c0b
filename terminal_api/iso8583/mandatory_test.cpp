#include "terminal_api/iso8583/mandatory.h"

#include "terminal_api/iso8583/subfields.h"
#include "terminal_api/iso8583/test_messages.h"

#include <gtest/gtest.h>

namespace yika::iso8583 {
namespace {

using testing::setOrDie;

std::string mandatoryError(const Message& message) {
    const Status status = checkMandatory(message);
    if (status.ok()) {
        ADD_FAILURE() << "accepted";
        return {};
    }
    EXPECT_EQ(status.code(), ErrorCode::InvalidArgument);
    return status.error().detail;
}

// A request of the given financial kind built on the sample purchase.
Message financial(Mti mti, std::string_view processing, std::string_view condition,
                  std::string_view type_code) {
    Message message = testing::purchaseRequest();
    message.setMti(mti);
    setOrDie(message, Field::ProcessingCode, std::string(processing) + "0000");
    setOrDie(message, Field::ConditionCode, condition);
    setOrDie(message, Field::Reserved60, formatField60(type_code, "000001", "000"));
    setOrDie(message, Field::RetrievalReference, "000000000042");
    setOrDie(message, Field::AuthorizationId, "A1B2C3");
    setOrDie(message, Field::OriginalData, formatField61("000001", "000002", "1123"));
    return message;
}

Message network(Mti mti, std::string_view network_code) {
    Message message(mti);
    setOrDie(message, Field::Trace, "000003");
    setOrDie(message, Field::TerminalId, testing::kTerminalId);
    setOrDie(message, Field::MerchantId, testing::kMerchantId);
    setOrDie(message, Field::Reserved60, formatField60("00", "000001", network_code));
    return message;
}

TEST(Mandatory, SamplesPass) {
    for (const Message& message :
         {testing::signOnRequest(), testing::purchaseRequest(), testing::reversalRequest()}) {
        const Status status = checkMandatory(message);
        EXPECT_TRUE(status.ok()) << status.error().detail;
    }
}

TEST(Mandatory, ClassifiesEveryTransactionType) {
    struct Case {
        Message message;
        TransactionType type;
    };
    const Case cases[] = {
        {network(Mti::NetworkRequest, "003"), TransactionType::SignOn},
        {network(Mti::NetworkAdvice, "002"), TransactionType::SignOff},
        {network(Mti::NetworkAdvice, "301"), TransactionType::EchoTest},
        {financial(Mti::FinancialRequest, "31", "00", "01"), TransactionType::BalanceInquiry},
        {financial(Mti::FinancialRequest, "00", "00", "22"), TransactionType::Purchase},
        {financial(Mti::FinancialRequest, "20", "00", "23"), TransactionType::PurchaseVoid},
        {financial(Mti::FinancialAdvice, "20", "00", "25"), TransactionType::Refund},
        {financial(Mti::AuthorizationRequest, "03", "06", "10"), TransactionType::PreAuth},
        {financial(Mti::AuthorizationRequest, "20", "06", "11"), TransactionType::PreAuthCancel},
        {financial(Mti::FinancialRequest, "00", "06", "20"), TransactionType::PreAuthCompletion},
        {financial(Mti::FinancialRequest, "20", "06", "21"),
         TransactionType::PreAuthCompletionVoid},
        {financial(Mti::FinancialAdvice, "00", "06", "24"),
         TransactionType::PreAuthCompletionAdvice},
        {testing::reversalRequest(), TransactionType::Reversal},
        {network(Mti::SettlementRequest, "201"), TransactionType::BatchSettlement},
        {network(Mti::BatchUploadAdvice, "201"), TransactionType::BatchUpload},
        {network(Mti::BatchUploadAdvice, "202"), TransactionType::BatchUploadEnd},
    };
    for (const Case& test : cases) {
        auto type = classify(test.message);
        ASSERT_TRUE(type.ok()) << type.error().detail;
        EXPECT_EQ(*type, test.type) << toString(test.type);
        // Responses echo the identifying fields and classify the same way.
        auto response_type = classify(makeResponse(test.message));
        ASSERT_TRUE(response_type.ok());
        EXPECT_EQ(*response_type, test.type);
    }
}

TEST(Mandatory, FinancialSamplesOfEveryTypePass) {
    for (const auto& [mti, processing, condition, type_code] :
         {std::tuple{Mti::FinancialRequest, "31", "00", "01"},
          {Mti::FinancialRequest, "00", "00", "22"},
          {Mti::FinancialRequest, "20", "00", "23"},
          {Mti::FinancialAdvice, "20", "00", "25"},
          {Mti::AuthorizationRequest, "03", "06", "10"},
          {Mti::AuthorizationRequest, "20", "06", "11"},
          {Mti::FinancialRequest, "00", "06", "20"},
          {Mti::FinancialRequest, "20", "06", "21"},
          {Mti::FinancialAdvice, "00", "06", "24"}}) {
        const Status status = checkMandatory(financial(mti, processing, condition, type_code));
        EXPECT_TRUE(status.ok()) << status.error().detail;
    }
}

TEST(Mandatory, RefusesUnknownCombinations) {
    EXPECT_NE(mandatoryError(financial(Mti::FinancialRequest, "03", "06", "10"))
                  .find("0200: no transaction with processing code '03'"),
              std::string::npos);
    EXPECT_FALSE(checkMandatory(network(Mti::NetworkRequest, "001")).ok());  // single DES
    Message no60 = testing::purchaseRequest();
    no60.clear(Field::Reserved60);
    EXPECT_NE(mandatoryError(no60).find("field 60"), std::string::npos);
    Message short60 = testing::purchaseRequest();
    setOrDie(short60, Field::Reserved60, "2200000");
    EXPECT_NE(mandatoryError(short60).find("field 60"), std::string::npos);
}

TEST(Mandatory, NamesTheMissingField) {
    Message message = testing::purchaseRequest();
    message.clear(Field::Amount);
    EXPECT_EQ(mandatoryError(message), "0200 purchase: field 4 (amount) is missing");
    message = testing::purchaseRequest();
    message.clear(Field::Mac);
    EXPECT_EQ(mandatoryError(message), "0200 purchase: field 64 (MAC) is missing");
    message = testing::signOnRequest();
    message.clear(Field::TerminalId);
    EXPECT_EQ(mandatoryError(message), "0800 sign-on: field 41 (terminal id) is missing");
}

TEST(Mandatory, NeedsCardData) {
    Message message = testing::purchaseRequest();
    message.clear(Field::Track2);
    EXPECT_NE(mandatoryError(message).find("field 2 (PAN) or field 35"), std::string::npos);
    setOrDie(message, Field::Pan, testing::kPan);
    EXPECT_TRUE(checkMandatory(message).ok());
}

TEST(Mandatory, PinFieldsFollowTheEntryMode) {
    Message message = testing::purchaseRequest();
    message.clear(Field::SecurityControl);
    EXPECT_NE(mandatoryError(message).find("needs fields 26, 52 and 53"), std::string::npos);
    message = testing::purchaseRequest();
    setOrDie(message, Field::PosEntryMode, "022");
    EXPECT_NE(mandatoryError(message).find("22.3 is not 1"), std::string::npos);
    for (const Field field : {Field::PinData, Field::SecurityControl, Field::PinCaptureCode}) {
        message.clear(field);
    }
    EXPECT_TRUE(checkMandatory(message).ok());
}

TEST(Mandatory, RefundNeedsTheOriginalDate) {
    Message refund = financial(Mti::FinancialAdvice, "20", "00", "25");
    setOrDie(refund, Field::OriginalData, formatField61("000001", "000002"));
    EXPECT_NE(mandatoryError(refund).find("61.3"), std::string::npos);
    setOrDie(refund, Field::OriginalData, "0000010000021");
    EXPECT_NE(mandatoryError(refund).find("field 61"), std::string::npos);
}

TEST(Mandatory, ReversalRules) {
    auto reversed = reversedType(testing::reversalRequest());
    ASSERT_TRUE(reversed.ok());
    EXPECT_EQ(*reversed, TransactionType::Purchase);
    EXPECT_FALSE(reversedType(testing::purchaseRequest()).ok());

    Message message = testing::reversalRequest();
    setOrDie(message, Field::ResponseCode, "00");
    EXPECT_NE(mandatoryError(message).find("not 98, 06 or A0"), std::string::npos);
    for (const std::string_view reason : {"98", "06", "A0"}) {
        setOrDie(message, Field::ResponseCode, reason);
        EXPECT_TRUE(checkMandatory(message).ok());
    }
    message.clear(Field::Pan);
    EXPECT_EQ(mandatoryError(message), "0400 reversal: field 2 (PAN) is missing");

    Message balance = testing::reversalRequest();
    setOrDie(balance, Field::ProcessingCode, "310000");
    setOrDie(balance, Field::Reserved60, "01000001000");
    EXPECT_NE(mandatoryError(balance).find("cannot be reversed"), std::string::npos);

    Message void_reversal = testing::reversalRequest();
    setOrDie(void_reversal, Field::ProcessingCode, "200000");
    setOrDie(void_reversal, Field::Reserved60, "23000001000");
    EXPECT_NE(mandatoryError(void_reversal).find("field 37"), std::string::npos);
    EXPECT_EQ(reversalRequestFields(TransactionType::PurchaseVoid) & bitmapBit(52), 0u);
}

TEST(Mandatory, ApprovedResponsesNeedMore) {
    Message response = makeResponse(testing::purchaseRequest());
    setOrDie(response, Field::LocalTime, "101500");
    setOrDie(response, Field::LocalDate, "1123");
    setOrDie(response, Field::RetrievalReference, "000000000042");
    response.setResponseCode(ResponseCode::InsufficientFunds);
    EXPECT_TRUE(checkMandatory(response).ok());
    response.setResponseCode(ResponseCode::Approved);
    EXPECT_EQ(mandatoryError(response), "0210 purchase: field 64 (MAC) is missing");
    setOrDie(response, Field::Mac, std::string(8, '\0'));
    EXPECT_TRUE(checkMandatory(response).ok());

    Message sign_on = makeResponse(testing::signOnRequest());
    sign_on.setResponseCode(ResponseCode::Approved);
    EXPECT_EQ(mandatoryError(sign_on), "0810 sign-on: field 12 (local time) is missing");
}

TEST(Mandatory, FieldSetsAreConsistent) {
    for (int i = 0; i <= static_cast<int>(TransactionType::BatchUploadEnd); ++i) {
        const auto type = static_cast<TransactionType>(i);
        EXPECT_FALSE(toString(type).empty());
        EXPECT_EQ(responseFields(type) & bitmapBit(39), bitmapBit(39)) << toString(type);
        EXPECT_EQ((requestFields(type) | responseFields(type) | approvedResponseFields(type)) &
                      ~kDefinedFieldsBitmap,
                  0u);
    }
}

}  // namespace
}  // namespace yika::iso8583
