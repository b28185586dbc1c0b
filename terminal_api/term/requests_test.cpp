#include "terminal_api/term/requests.h"

#include "crypto/hex.h"

#include <gtest/gtest.h>

#include <string>

namespace yika::term {
namespace {

using iso8583::Field;
using T = TransactionType;

// The worked example of docs/terminal-protocol.md, "Key management, MAC and PIN".
constexpr std::string_view kTmkHex = "0123456789abcdeffedcba9876543210";
constexpr std::string_view kNonceHex = "5f8a1c2e9b3d4f60718293a4b5c6d7e8";
constexpr std::string_view kPan = "6288881234567890128";
const TerminalContext kContext{"10000001", "898310048140001", "000001"};

crypto::SecureBuffer exampleTmk() {
    crypto::SecureBuffer tmk(crypto::kTerminalMasterKeyBytes);
    EXPECT_TRUE(crypto::fromHexInto(kTmkHex, tmk.span()));
    return tmk;
}

crypto::SessionNonce exampleNonce() {
    crypto::SessionNonce nonce{};
    EXPECT_TRUE(crypto::fromHexInto(kNonceHex, nonce));
    return nonce;
}

// The host's view: keys derived independently from the TMK and the nonce.
crypto::SessionKeys hostKeys() {
    return crypto::deriveSessionKeys(exampleTmk().span(), kContext.tid, exampleNonce());
}

std::span<const std::uint8_t> bytesOf(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

CardRequest purchase(std::string pin = "") {
    CardRequest request;
    request.type = T::Purchase;
    request.trace = 2;
    request.pan = std::string(kPan);
    request.amount = Money::fromMinor(1250, Currency::Cny);
    request.pin = std::move(pin);
    return request;
}

// A request of every card type, with the references it needs.
CardRequest requestOf(T type) {
    CardRequest request = purchase();
    request.type = type;
    if (type == T::BalanceInquiry) {
        request.amount.reset();
    }
    if (type == T::PurchaseVoid || type == T::Refund || type == T::PreAuthCompletionVoid) {
        request.original_rrn = "000000000042";
    }
    if (type == T::PreAuthCancel || type == T::PreAuthCompletion ||
        type == T::PreAuthCompletionVoid) {
        request.auth_id = "A00042";
    }
    if (type != T::BalanceInquiry && type != T::Purchase && type != T::PreAuth) {
        request.original_data = iso8583::formatField61("000001", "000001", "0315");
    }
    return request;
}

constexpr std::array kCardTypes = {
    T::BalanceInquiry, T::Purchase,      T::PurchaseVoid,      T::Refund,
    T::PreAuth,        T::PreAuthCancel, T::PreAuthCompletion, T::PreAuthCompletionVoid};

TEST(Requests, EveryCardRequestPassesCheckMandatoryWithAndWithoutPin) {
    const crypto::SessionKeys keys = hostKeys();
    for (const T type : kCardTypes) {
        for (const std::string pin : {"", "123456"}) {
            CardRequest request = requestOf(type);
            request.pin = pin;
            auto message = buildCardRequest(kContext, request, keys.pin_key.span());
            ASSERT_TRUE(message.ok()) << iso8583::toString(type) << ": " << message.error().detail;
            EXPECT_TRUE(iso8583::checkMandatory(*message).ok())
                << iso8583::toString(type) << ": "
                << iso8583::checkMandatory(*message).error().detail;
            EXPECT_EQ(iso8583::classify(*message).value(), type);
            EXPECT_EQ(message->has(Field::PinData), !pin.empty());
            EXPECT_EQ(message->get(Field::PosEntryMode), pin.empty() ? "012" : "011");
            EXPECT_TRUE(message->has(Field::Mac));
        }
    }
}

TEST(Requests, NetworkAndSettlementRequestsPassCheckMandatory) {
    const std::vector<iso8583::BatchUploadItem> items = {{"000002", std::string(kPan), 1250}};
    const std::vector<Message> messages = {
        buildSignOn(kContext, 1),
        buildEchoTest(kContext, 2),
        buildSettlement(kContext, 3, iso8583::SettlementTotals{1250, 1, 0, 0, 0}),
        buildBatchUpload(kContext, 4, items),
        buildBatchUploadEnd(kContext, 5, 1),
    };
    const std::array expected = {T::SignOn, T::EchoTest, T::BatchSettlement, T::BatchUpload,
                                 T::BatchUploadEnd};
    for (std::size_t i = 0; i < messages.size(); ++i) {
        EXPECT_TRUE(iso8583::checkMandatory(messages[i]).ok()) << i;
        EXPECT_EQ(iso8583::classify(messages[i]).value(), expected[i]);
    }
    EXPECT_FALSE(messages[0].has(Field::Mac));  // sign-on and echo test carry no MAC
    EXPECT_FALSE(messages[1].has(Field::Mac));
    EXPECT_EQ(messages[0].get(Field::Reserved60), "00000001003");
}

// The full worked-example frame of the protocol document, byte for byte: the builder, the
// codec, the PIN block and the MAC together reproduce what an independent implementation
// computed.
TEST(Requests, WorkedExamplePurchaseFrameIsExact) {
    const crypto::SessionKeys keys = hostKeys();
    auto message = buildCardRequest(kContext, purchase("123456"), keys.pin_key.span());
    ASSERT_TRUE(message.ok());
    const Bytes frame = sealFrame(*message, keys.mac_key.span());
    EXPECT_EQ(crypto::toHex(frame),
              "006860000300006031000000000200702004c000c0981119628888123456789012800000000000"
              "00001250000002011000123130303030303031383938333130303438313430303031313536a49250"
              "77abb75bae2900000000000000000822000001e04103e2c1a3d431");
}

TEST(Requests, MacOfBuiltMessagesVerifiesWithHostKeys) {
    const crypto::SessionKeys keys = hostKeys();
    for (const T type : kCardTypes) {
        auto message = buildCardRequest(kContext, requestOf(type), keys.pin_key.span());
        ASSERT_TRUE(message.ok());
        const Bytes frame = sealFrame(*message, keys.mac_key.span());
        const auto body = std::span(frame).subspan(iso8583::kLengthPrefixBytes);
        auto decoded = iso8583::decode(body, iso8583::CodecLimits{});
        ASSERT_TRUE(decoded.ok());
        const auto input = iso8583::macInput(body);
        ASSERT_TRUE(input.ok());
        EXPECT_TRUE(
            crypto::verifyMac(keys.mac_key.span(), *input, bytesOf(decoded->get(Field::Mac))));
        EXPECT_EQ(checkMac(body, *decoded, keys.mac_key.span()), MacCheck::Valid);
    }
}

TEST(Requests, CheckMacRefusesTamperingAndOtherKeys) {
    const crypto::SessionKeys keys = hostKeys();
    auto message = buildCardRequest(kContext, purchase(), {});
    ASSERT_TRUE(message.ok());
    Bytes frame = sealFrame(*message, keys.mac_key.span());
    frame[30] ^= 0x01;  // inside field 2
    auto body = std::span<const std::uint8_t>(frame).subspan(2);
    auto decoded = iso8583::decode(body, iso8583::CodecLimits{});
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(checkMac(body, *decoded, keys.mac_key.span()), MacCheck::Invalid);
    frame[30] ^= 0x01;
    decoded = iso8583::decode(body, iso8583::CodecLimits{});
    EXPECT_EQ(checkMac(body, *decoded, keys.pin_key.span()), MacCheck::Invalid);
    const Bytes sign_on = sealFrame(buildSignOn(kContext, 1), {});
    auto sign_on_body = std::span<const std::uint8_t>(sign_on).subspan(2);
    EXPECT_EQ(
        checkMac(sign_on_body, iso8583::decode(sign_on_body, {}).value(), keys.mac_key.span()),
        MacCheck::Absent);
}

TEST(Requests, PinBlockDecryptsBackWithTheRequestsOwnContext) {
    const crypto::SessionKeys keys = hostKeys();
    for (const std::string pin : {"1234", "123456", "123456789012"}) {
        CardRequest request = purchase(pin);
        request.trace = 999'999;
        auto message = buildCardRequest(kContext, request, keys.pin_key.span());
        ASSERT_TRUE(message.ok());
        EXPECT_EQ(message->get(Field::SecurityControl), crypto::kPinSecurityControl);
        EXPECT_EQ(message->get(Field::PinCaptureCode), kPinCaptureCode);
        const auto field60 = iso8583::parseField60(message->get(Field::Reserved60));
        ASSERT_TRUE(field60.ok());
        const crypto::PinBlockContext context{message->get(Field::TerminalId),
                                              field60->batch_number, message->get(Field::Trace)};
        EXPECT_EQ(crypto::decryptPin(keys.pin_key.span(), context,
                                     bytesOf(message->get(Field::PinData)), kPan),
                  pin);
    }
}

TEST(Requests, ReversalDropsPinDataAndPassesCheckMandatory) {
    const crypto::SessionKeys keys = hostKeys();
    for (const T type : {T::Purchase, T::PurchaseVoid, T::PreAuth, T::PreAuthCancel,
                         T::PreAuthCompletion, T::PreAuthCompletionVoid}) {
        CardRequest request = requestOf(type);
        request.pin = "123456";
        auto original = buildCardRequest(kContext, request, keys.pin_key.span());
        ASSERT_TRUE(original.ok());
        auto reversal = buildReversal(*original, "98");
        ASSERT_TRUE(reversal.ok()) << iso8583::toString(type);
        EXPECT_EQ(reversal->mti(), iso8583::Mti::ReversalAdvice);
        EXPECT_FALSE(reversal->has(Field::PinData));
        EXPECT_FALSE(reversal->has(Field::PinCaptureCode));
        EXPECT_FALSE(reversal->has(Field::SecurityControl));
        EXPECT_EQ(reversal->get(Field::ResponseCode), "98");
        EXPECT_EQ(reversal->get(Field::Trace), original->get(Field::Trace));
        EXPECT_TRUE(iso8583::checkMandatory(*reversal).ok())
            << iso8583::checkMandatory(*reversal).error().detail;
        EXPECT_EQ(iso8583::reversedType(*reversal).value(), type);
    }
}

TEST(Requests, ReversalRefusesUnreversibleTypesAndBadReasons) {
    auto refund = buildCardRequest(kContext, requestOf(T::Refund), {});
    ASSERT_TRUE(refund.ok());
    EXPECT_FALSE(buildReversal(*refund, "98").ok());
    auto balance = buildCardRequest(kContext, requestOf(T::BalanceInquiry), {});
    ASSERT_TRUE(balance.ok());
    EXPECT_FALSE(buildReversal(*balance, "98").ok());
    auto sale = buildCardRequest(kContext, purchase(), {});
    ASSERT_TRUE(sale.ok());
    EXPECT_FALSE(buildReversal(*sale, "00").ok());
    EXPECT_TRUE(buildReversal(*sale, "A0").ok());
    EXPECT_TRUE(buildReversal(*sale, "06").ok());
}

TEST(Requests, BuildCardRequestRefusesBadInput) {
    const crypto::SessionKeys keys = hostKeys();
    const auto refused = [&](CardRequest request, std::span<const std::uint8_t> pin_key) {
        auto message = buildCardRequest(kContext, request, pin_key);
        if (message.ok()) {
            return false;
        }
        // The detail never echoes card data.
        EXPECT_EQ(message.error().detail.find(request.pan.substr(6)), std::string::npos);
        return true;
    };
    CardRequest r = purchase();
    r.pan = "628888123456";  // 12 digits
    EXPECT_TRUE(refused(r, {}));
    r = purchase();
    r.pan = "62888812345678901X8";
    EXPECT_TRUE(refused(r, {}));
    EXPECT_TRUE(refused(purchase("123"), keys.pin_key.span()));
    EXPECT_TRUE(refused(purchase("12345a"), keys.pin_key.span()));
    EXPECT_TRUE(refused(purchase("123456"), {}));  // a PIN needs a session key
    r = purchase();
    r.amount.reset();
    EXPECT_TRUE(refused(r, {}));
    r = purchase();
    r.amount = Money::fromMinor(0, Currency::Cny);
    EXPECT_TRUE(refused(r, {}));
    r = requestOf(T::BalanceInquiry);
    r.amount = Money::fromMinor(1, Currency::Cny);
    EXPECT_TRUE(refused(r, {}));
    r = requestOf(T::PurchaseVoid);
    r.original_rrn.clear();
    EXPECT_TRUE(refused(r, {}));
    r = requestOf(T::Refund);
    r.original_data = iso8583::formatField61("000001", "000001");  // refunds need 61.3
    EXPECT_TRUE(refused(r, {}));
    r = requestOf(T::PreAuthCompletion);
    r.auth_id = "A1";
    EXPECT_TRUE(refused(r, {}));
    r = purchase();
    r.trace = 0;
    EXPECT_TRUE(refused(r, {}));
    r = purchase();
    r.type = T::SignOn;
    EXPECT_TRUE(refused(r, {}));
    EXPECT_FALSE(buildCardRequest({"1000001", "898310048140001", "000001"}, purchase(), {}).ok());
    EXPECT_FALSE(buildCardRequest({"10000001", "898310048140001", "1"}, purchase(), {}).ok());
}

Message signOnAnswer(const crypto::SessionNonce& nonce, const crypto::SessionKeys& keys) {
    Message response = iso8583::makeResponse(buildSignOn(kContext, 1));
    response.setResponseCode(iso8583::ResponseCode::Approved);
    const auto key_data = crypto::formatSignOnKeyData(
        crypto::makeSignOnKeyData(nonce, keys.mac_key.span(), keys.pin_key.span()));
    EXPECT_TRUE(
        response.set(Field::Reserved62, std::string(key_data.begin(), key_data.end())).ok());
    EXPECT_TRUE(response.set(Field::Reserved60, "00000042003").ok());
    EXPECT_TRUE(response.set(Field::LocalTime, "120000").ok());
    EXPECT_TRUE(response.set(Field::LocalDate, "0315").ok());
    return response;
}

TEST(Requests, AcceptSignOnResponseChecksTheKeyCheckValues) {
    const Message response = signOnAnswer(exampleNonce(), hostKeys());
    EXPECT_TRUE(iso8583::checkMandatory(response).ok());
    auto accepted = acceptSignOnResponse(response, exampleTmk().span(), kContext.tid);
    ASSERT_TRUE(accepted.ok()) << accepted.error().detail;
    EXPECT_EQ(accepted->nonce, exampleNonce());
    EXPECT_EQ(accepted->batch, "000042");

    const crypto::SecureBuffer other_tmk = crypto::generateTerminalMasterKey();
    EXPECT_FALSE(acceptSignOnResponse(response, other_tmk.span(), kContext.tid).ok());

    Message declined = response;
    declined.setResponseCode(iso8583::ResponseCode::DoNotHonor);
    EXPECT_FALSE(acceptSignOnResponse(declined, exampleTmk().span(), kContext.tid).ok());

    Message short_62 = response;
    EXPECT_TRUE(short_62.set(Field::Reserved62, std::string(21, 'x')).ok());
    EXPECT_FALSE(acceptSignOnResponse(short_62, exampleTmk().span(), kContext.tid).ok());

    Message tampered = response;
    std::string field62(tampered.get(Field::Reserved62));
    field62[0] = static_cast<char>(field62[0] ^ 1);  // another nonce, the same KCVs
    EXPECT_TRUE(tampered.set(Field::Reserved62, field62).ok());
    EXPECT_FALSE(acceptSignOnResponse(tampered, exampleTmk().span(), kContext.tid).ok());
}

TEST(Requests, CheckResponseMatches) {
    const Message request = buildEchoTest(kContext, 7);
    Message response = iso8583::makeResponse(request);
    EXPECT_TRUE(checkResponseMatches(request, response).ok());
    response.setTrace(8);
    EXPECT_FALSE(checkResponseMatches(request, response).ok());
    EXPECT_FALSE(
        checkResponseMatches(request, iso8583::makeResponse(buildSignOn(kContext, 7))).ok());
}

TEST(Requests, TraceAndBatchWrap) {
    EXPECT_EQ(nextTrace(1), 2U);
    EXPECT_EQ(nextTrace(999'999), 1U);
    EXPECT_EQ(nextBatch(999'999), 1U);
    EXPECT_EQ(sixDigits(42), "000042");
}

TEST(Requests, ResponseNeedsMac) {
    EXPECT_TRUE(responseNeedsMac(T::Purchase));
    EXPECT_TRUE(responseNeedsMac(T::Reversal));
    EXPECT_TRUE(responseNeedsMac(T::BatchSettlement));
    EXPECT_FALSE(responseNeedsMac(T::SignOn));
    EXPECT_FALSE(responseNeedsMac(T::EchoTest));
}

}  // namespace
}  // namespace yika::term
