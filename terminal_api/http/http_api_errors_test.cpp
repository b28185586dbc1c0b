// End to end over loopback: every class of refusal gets its status and error code, and changes
// nothing (the card's balance and the ledger invariants are checked after each).

#include "terminal_api/http/http_api_fixture.h"
#include "terminal_api/http/request_signature.h"

#include <Poco/String.h>

namespace yika::http::testing {
namespace {

class HttpApiErrorsTest : public HttpApiTest {
  protected:
    // A correctly signed purchase of 10.00 on card 0 with a fresh key, for the tests to spoil.
    RequestSpec purchaseSpec() {
        RequestSpec spec;
        spec.path = "/v1/terminal/purchase";
        spec.body = cardBody(cards_[0], 1000, std::nullopt);
        spec.idem_key = nextKey();
        return spec;
    }

    void expectRefused(const Response& r, int status, const std::string& code) {
        EXPECT_EQ(r.status, status) << r.body;
        EXPECT_EQ(jsonText(r.body, "error.code"), code) << r.body;
        EXPECT_FALSE(jsonText(r.body, "error.message").empty()) << r.body;
        EXPECT_EQ(balanceOf(cards_[0]), kLoadMinor);
        expectInvariants();
    }

    void expectInvalid(const std::string& body, const std::string& field) {
        RequestSpec spec = purchaseSpec();
        spec.body = body;
        Response r = client_->send(spec);
        expectRefused(r, 400, "invalid_argument");
        EXPECT_EQ(jsonText(r.body, "error.message").rfind(field + ":", 0), 0u)
            << "the message should name " << field << ": " << r.body;
    }
};

TEST_F(HttpApiErrorsTest, BadSignatureIsRefused) {
    RequestSpec spec = purchaseSpec();
    spec.signature = std::string(64, 'a');
    expectRefused(client_->send(spec), 401, "bad_signature");
    // Signed with another terminal's key.
    auto other = std::make_unique<SigningClient>(
        "127.0.0.1", server_->port(), std::string(AcceptanceWorld::kTid),
        world_->httpKey(AcceptanceWorld::kOtherTid), world_->clock);
    expectRefused(other->send(purchaseSpec()), 401, "bad_signature");
}

TEST_F(HttpApiErrorsTest, BodyChangedAfterSigningIsRefused) {
    RequestSpec spec = purchaseSpec();
    std::string timestamp = std::to_string(world_->clock.nowMs());
    std::string nonce = SigningClient::newNonce();
    spec.timestamp = timestamp;
    spec.nonce = nonce;
    spec.signature =
        signCanonical(world_->httpKey(AcceptanceWorld::kTid),
                      canonicalRequest("POST", spec.path, timestamp, nonce, spec.body));
    spec.body = cardBody(cards_[0], 100'000, std::nullopt);  // 1,000.00 instead of 10.00
    expectRefused(client_->send(spec), 401, "bad_signature");
}

TEST_F(HttpApiErrorsTest, StaleAndFutureTimestampsAreRefused) {
    RequestSpec spec = purchaseSpec();
    spec.timestamp = std::to_string(world_->clock.nowMs() - limits_.clock_skew_ms - 1);
    expectRefused(client_->send(spec), 401, "stale_timestamp");
    spec = purchaseSpec();
    spec.timestamp = std::to_string(world_->clock.nowMs() + limits_.clock_skew_ms + 1);
    expectRefused(client_->send(spec), 401, "stale_timestamp");
    spec = purchaseSpec();
    spec.timestamp = std::to_string(world_->clock.nowMs() - limits_.clock_skew_ms);
    EXPECT_EQ(client_->send(spec).status, 200);  // the edge of the window is inside it
}

TEST_F(HttpApiErrorsTest, ReplayedNonceIsRefused) {
    RequestSpec spec = purchaseSpec();
    spec.timestamp = std::to_string(world_->clock.nowMs());
    spec.nonce = SigningClient::newNonce();
    Response first = client_->send(spec);
    ASSERT_EQ(first.status, 200) << first.body;
    world_->clock.advanceMs(1000);
    Response replay = client_->send(spec);  // the captured request, byte for byte
    EXPECT_EQ(replay.status, 401) << replay.body;
    EXPECT_EQ(jsonText(replay.body, "error.code"), "replayed_nonce");
    EXPECT_EQ(balanceOf(cards_[0]), kLoadMinor - 1000);
    // Once outside the window the time check refuses it instead.
    world_->clock.advanceMs(limits_.clock_skew_ms);
    EXPECT_EQ(jsonText(client_->send(spec).body, "error.code"), "stale_timestamp");
    expectInvariants();
}

TEST_F(HttpApiErrorsTest, UnknownAndDisabledTerminalsAreRefused) {
    RequestSpec spec = purchaseSpec();
    spec.tid = "NOSUCH01";
    expectRefused(client_->send(spec), 401, "unknown_terminal");
    auto disabled = newClient(AcceptanceWorld::kOtherTid);
    expectRefused(disabled->send(purchaseSpec()), 403, "terminal_disabled");
}

TEST_F(HttpApiErrorsTest, MissingOrMalformedAuthenticationHeadersAreRefused) {
    RequestSpec spec = purchaseSpec();
    spec.sign = false;
    expectRefused(client_->send(spec), 401, "unauthenticated");
    spec = purchaseSpec();
    spec.tid = "short";
    expectRefused(client_->send(spec), 401, "unauthenticated");
    spec = purchaseSpec();
    spec.timestamp = "12ab";
    expectRefused(client_->send(spec), 401, "unauthenticated");
    spec = purchaseSpec();
    spec.nonce = "too-short";
    expectRefused(client_->send(spec), 401, "unauthenticated");
    spec = purchaseSpec();
    spec.nonce = std::string(16, '!');
    expectRefused(client_->send(spec), 401, "unauthenticated");
}

TEST_F(HttpApiErrorsTest, IdempotencyKeyIsRequiredAndChecked) {
    RequestSpec spec = purchaseSpec();
    spec.idem_key.clear();
    expectRefused(client_->send(spec), 400, "invalid_argument");
    spec = purchaseSpec();
    spec.idem_key = "has:colon";
    expectRefused(client_->send(spec), 400, "invalid_argument");
    spec = purchaseSpec();
    spec.idem_key = std::string(65, 'k');
    expectRefused(client_->send(spec), 400, "invalid_argument");
}

TEST_F(HttpApiErrorsTest, SameKeyForADifferentRequestIsAConflict) {
    std::string key = nextKey();
    ASSERT_EQ(purchase(cards_[1], 1000, key).status, 200);
    std::int64_t after_first = balanceOf(cards_[1]);
    Response other_amount = purchase(cards_[1], 2000, key);
    EXPECT_EQ(other_amount.status, 409) << other_amount.body;
    EXPECT_EQ(jsonText(other_amount.body, "error.code"), "idempotency_conflict");
    Response other_card = purchase(cards_[2], 1000, key);
    EXPECT_EQ(other_card.status, 409);
    Response other_operation =
        client_->post("/v1/terminal/preauth", cardBody(cards_[1], 1000, std::nullopt), key);
    EXPECT_EQ(other_operation.status, 409);
    EXPECT_EQ(balanceOf(cards_[1]), after_first);
    EXPECT_EQ(balanceOf(cards_[2]), kLoadMinor);
    expectInvariants();
}

TEST_F(HttpApiErrorsTest, MalformedJsonIsRefused) {
    for (std::string body : {"", "{", "{\"pan\":}", "[1,2]", "\"text\"", "{\"pan\":\"1\"} trailing",
                             "{'pan':'6214839000000000001'}", "{\"pan\":\"6214\" /* c */}"}) {
        SCOPED_TRACE(body);
        RequestSpec spec = purchaseSpec();
        spec.body = body;
        expectRefused(client_->send(spec), 400, "invalid_argument");
    }
}

TEST_F(HttpApiErrorsTest, WrongTypesNameTheField) {
    const std::string pan = "\"pan\":\"" + cards_[0].pan + "\"";
    expectInvalid("{" + pan + ",\"amount_minor\":\"1000\",\"currency\":\"CNY\"}", "amount_minor");
    expectInvalid("{" + pan + ",\"amount_minor\":10.5,\"currency\":\"CNY\"}", "amount_minor");
    expectInvalid("{" + pan + ",\"amount_minor\":1e3,\"currency\":\"CNY\"}", "amount_minor");
    expectInvalid("{" + pan + ",\"amount_minor\":null,\"currency\":\"CNY\"}", "amount_minor");
    expectInvalid("{" + pan + ",\"amount_minor\":[1],\"currency\":\"CNY\"}", "amount_minor");
    expectInvalid("{\"pan\":6214839000000000001,\"amount_minor\":1000,\"currency\":\"CNY\"}",
                  "pan");
    expectInvalid("{" + pan + ",\"amount_minor\":1000,\"currency\":156}", "currency");
    expectInvalid("{" + pan + ",\"pin\":123456,\"amount_minor\":1000,\"currency\":\"CNY\"}", "pin");
}

TEST_F(HttpApiErrorsTest, UnknownDuplicateAndMissingFieldsAreRefused) {
    const std::string pan = "\"pan\":\"" + cards_[0].pan + "\"";
    expectInvalid("{" + pan + ",\"amount_minor\":1000,\"currency\":\"CNY\",\"tip\":1}", "tip");
    expectInvalid("{" + pan + ",\"amount_minor\":1,\"amount_minor\":1000,\"currency\":\"CNY\"}",
                  "amount_minor");
    expectInvalid("{" + pan + ",\"currency\":\"CNY\"}", "amount_minor");
    expectInvalid("{\"amount_minor\":1000,\"currency\":\"CNY\"}", "pan");
    expectInvalid("{" + pan + ",\"amount_minor\":1000}", "currency");
}

TEST_F(HttpApiErrorsTest, BadAmountsPansAndPinsAreRefused) {
    const std::string pan = "\"pan\":\"" + cards_[0].pan + "\"";
    const std::string cny = ",\"currency\":\"CNY\"}";
    expectInvalid("{" + pan + ",\"amount_minor\":0" + cny, "amount_minor");
    expectInvalid("{" + pan + ",\"amount_minor\":-100" + cny, "amount_minor");
    expectInvalid("{" + pan + ",\"amount_minor\":1000000000000" + cny, "amount_minor");
    expectInvalid("{" + pan + ",\"amount_minor\":99999999999999999999999" + cny, "amount_minor");
    expectInvalid("{" + pan + ",\"amount_minor\":1000,\"currency\":\"XYZ\"}", "currency");
    expectInvalid("{\"pan\":\"62148390abc0000001\",\"amount_minor\":1000" + cny, "pan");
    expectInvalid("{\"pan\":\"123\",\"amount_minor\":1000" + cny, "pan");
    expectInvalid("{" + pan + ",\"pin\":\"12345\",\"amount_minor\":1000" + cny, "pin");
    expectInvalid("{" + pan + ",\"pin\":\"12345a\",\"amount_minor\":1000" + cny, "pin");
    expectInvalid("{\"pan\":\"" + std::string(100, '1') + "\",\"amount_minor\":1000" + cny, "pan");
}

TEST_F(HttpApiErrorsTest, OversizeBodiesAreRefusedBeforeTheyAreRead) {
    RequestSpec spec = purchaseSpec();
    spec.body = std::string(static_cast<std::size_t>(limits_.body_bytes_max) + 1, ' ');
    Response r = client_->send(spec);
    expectRefused(r, 413, "payload_too_large");
    EXPECT_EQ(Poco::toLower(r.header("connection")), "close");
    spec = purchaseSpec();
    spec.body = std::string(static_cast<std::size_t>(limits_.body_bytes_max) * 4, ' ');
    spec.chunked = true;
    expectRefused(client_->send(spec), 413, "payload_too_large");
    // The connection is reopened and works.
    EXPECT_EQ(client_->send(purchaseSpec()).status, 200);
}

TEST_F(HttpApiErrorsTest, TransportRefusals) {
    RequestSpec spec = purchaseSpec();
    spec.path = "/v1/terminal/nothing";
    expectRefused(client_->send(spec), 404, "unknown_endpoint");
    spec = purchaseSpec();
    spec.path = "/v1/terminal/purchase?x=1";
    expectRefused(client_->send(spec), 404, "unknown_endpoint");
    spec = purchaseSpec();
    spec.method = "GET";
    spec.body.clear();
    Response get = client_->send(spec);
    expectRefused(get, 405, "method_not_allowed");
    EXPECT_EQ(get.header("allow"), "POST");
    spec = purchaseSpec();
    spec.content_type = "text/plain";
    expectRefused(client_->send(spec), 415, "unsupported_media_type");
    spec = purchaseSpec();
    for (int i = 0; i < limits_.headers_max; ++i)
        spec.extra_headers.emplace_back("X-Pad-" + std::to_string(i), "1");
    expectRefused(client_->send(spec), 431, "headers_too_large");
    spec = purchaseSpec();
    spec.extra_headers.emplace_back(
        "X-Pad", std::string(static_cast<std::size_t>(limits_.header_bytes_max), 'p'));
    expectRefused(client_->send(spec), 431, "headers_too_large");
    spec = purchaseSpec();
    spec.content_type = "application/json; charset=utf-8";
    EXPECT_EQ(client_->send(spec).status, 200);
}

TEST_F(HttpApiErrorsTest, UnknownCardIsDeclined) {
    std::string pan = cards_[0].pan;
    pan.back() = pan.back() == '9' ? '0' : static_cast<char>(pan.back() + 1);
    RequestSpec spec = purchaseSpec();
    spec.body = "{\"pan\":\"" + pan + "\",\"amount_minor\":1000,\"currency\":\"CNY\"}";
    Response r = client_->send(spec);
    expectRefused(r, 402, "card_not_found");
    EXPECT_EQ(jsonText(r.body, "result"), "declined");
}

TEST_F(HttpApiErrorsTest, InsufficientFundsIsDeclinedAndRecorded) {
    Response r = purchase(cards_[0], kLoadMinor + 1);
    expectRefused(r, 402, "insufficient_funds");
    EXPECT_EQ(jsonText(r.body, "result"), "declined");
    auto txn = world_->txn(jsonInt(r.body, "txn_id"));
    ASSERT_TRUE(txn.has_value());
    EXPECT_EQ(txn->state, TxnState::Declined);
}

TEST_F(HttpApiErrorsTest, WrongPinIsDeclined) {
    std::string wrong = cards_[0].pin == "000000" ? "111111" : "000000";
    Response r =
        client_->post("/v1/terminal/purchase", cardBody(cards_[0], 1000, wrong), nextKey());
    expectRefused(r, 402, "wrong_pin");
    EXPECT_EQ(world_->card(cards_[0].id)->pin_failures, 1);
}

TEST_F(HttpApiErrorsTest, FrozenCardIsDeclined) {
    ASSERT_TRUE(world_->freeze(cards_[0].id).ok());
    expectRefused(purchase(cards_[0], 1000), 402, "card_frozen");
    Response balance =
        client_->post("/v1/terminal/balance", cardBody(cards_[0], std::nullopt, cards_[0].pin));
    expectRefused(balance, 402, "card_frozen");
}

TEST_F(HttpApiErrorsTest, OverThePurchaseLimitIsDeclined) {
    // The world's product allows 2,000.00 per purchase; load a card above that first.
    auto sold = world_->sellCards(1, yuan(5000));
    ASSERT_TRUE(sold.ok());
    const SoldCard& rich = (*sold)[0];
    Response r =
        client_->post("/v1/terminal/purchase", cardBody(rich, 200'001, rich.pin), nextKey());
    EXPECT_EQ(r.status, 402) << r.body;
    EXPECT_EQ(jsonText(r.body, "error.code"), "over_purchase_limit");
    EXPECT_EQ(balanceOf(rich), 500'000);
    expectInvariants();
}

TEST_F(HttpApiErrorsTest, UnknownOriginalIsNotFound) {
    Response r = client_->post("/v1/terminal/refund", originalBody(999'999, 100), nextKey());
    expectRefused(r, 404, "original_not_found");
    r = client_->post("/v1/terminal/void", originalBody(999'999, 100), nextKey());
    expectRefused(r, 404, "original_not_found");
}

TEST_F(HttpApiErrorsTest, StoppedWriterAnswers503WithRetryAfter) {
    world_->store().writer().stop();
    Response r = client_->send(purchaseSpec());
    expectRefused(r, 503, "overloaded");
    EXPECT_EQ(r.header("retry-after"), std::to_string(limits_.retry_after_s));
}

}  // namespace
}  // namespace yika::http::testing
