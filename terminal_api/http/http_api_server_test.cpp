// End to end over loopback: every endpoint's success path, idempotent retries, reversal,
// settlement and concurrent purchases on one card. Refusals are in http_api_errors_test.cpp.

#include "terminal_api/http/http_api_fixture.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

namespace yika::http::testing {
namespace {

TEST_F(HttpApiTest, BalanceInquiryShowsBalanceAndAvailable) {
    Response r =
        client_->post("/v1/terminal/balance", cardBody(cards_[0], std::nullopt, cards_[0].pin));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body,
              "{\"result\":\"approved\",\"balance_minor\":100000,\"available_minor\":100000,"
              "\"currency\":\"CNY\"}");
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_EQ(r.header("cache-control"), "no-store");
    expectInvariants();
}

TEST_F(HttpApiTest, PurchaseIsApprovedWithReferenceAndAuthCode) {
    Response r = purchase(cards_[0], 1250);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(jsonText(r.body, "result"), "approved");
    std::int64_t id = jsonInt(r.body, "txn_id");
    ASSERT_GT(id, 0);
    std::string reference = jsonText(r.body, "reference");
    EXPECT_EQ(reference.size(), 12u);
    EXPECT_EQ(std::stoll(reference), id);
    EXPECT_EQ(jsonText(r.body, "auth_code").size(), 6u);
    EXPECT_EQ(jsonInt(r.body, "amount_minor"), 1250);
    EXPECT_EQ(jsonText(r.body, "currency"), "CNY");
    EXPECT_EQ(jsonInt(r.body, "balance_minor"), kLoadMinor - 1250);
    EXPECT_EQ(jsonInt(r.body, "available_minor"), kLoadMinor - 1250);
    EXPECT_EQ(jsonInt(r.body, "batch_no"), 1);
    EXPECT_EQ(r.header("x-yika-replayed"), "");
    EXPECT_EQ(balanceOf(cards_[0]), kLoadMinor - 1250);
    auto txn = world_->txn(id);
    ASSERT_TRUE(txn.has_value());
    EXPECT_EQ(txn->terminal_id, world_->terminal_id);
    EXPECT_EQ(txn->idem_key.rfind("TH:HTTP0001:key-", 0), 0u) << txn->idem_key;
    expectInvariants();
}

TEST_F(HttpApiTest, RetriedPurchaseReturnsTheFirstAnswerAndDebitsOnce) {
    std::string key = nextKey();
    Response first = purchase(cards_[0], 1250, key);
    ASSERT_EQ(first.status, 200) << first.body;
    // The terminal did not get the answer and sends the same request again (new nonce, later
    // timestamp, same idempotency key and body).
    world_->clock.advanceMs(5000);
    Response again = purchase(cards_[0], 1250, key);
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(again.header("x-yika-replayed"), "true");
    EXPECT_EQ(balanceOf(cards_[0]), kLoadMinor - 1250);
    expectInvariants();
}

TEST_F(HttpApiTest, RetriedDeclineReturnsTheSameDecline) {
    std::string key = nextKey();
    Response first = purchase(cards_[0], kLoadMinor + 1, key);
    ASSERT_EQ(first.status, 402) << first.body;
    EXPECT_EQ(jsonText(first.body, "error.code"), "insufficient_funds");
    EXPECT_GT(jsonInt(first.body, "txn_id"), 0);
    Response again = purchase(cards_[0], kLoadMinor + 1, key);
    EXPECT_EQ(again.status, 402);
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(balanceOf(cards_[0]), kLoadMinor);
    expectInvariants();
}

TEST_F(HttpApiTest, PreAuthorisationHoldsThenCompletesForLess) {
    Response hold = client_->post("/v1/terminal/preauth",
                                  cardBody(cards_[1], 30'000, cards_[1].pin), nextKey());
    ASSERT_EQ(hold.status, 200) << hold.body;
    EXPECT_EQ(jsonInt(hold.body, "balance_minor"), kLoadMinor);
    EXPECT_EQ(jsonInt(hold.body, "available_minor"), kLoadMinor - 30'000);
    EXPECT_EQ(heldOf(cards_[1]), 30'000);
    std::int64_t hold_id = jsonInt(hold.body, "txn_id");
    Response done =
        client_->post("/v1/terminal/preauth/complete", originalBody(hold_id, 25'000), nextKey());
    ASSERT_EQ(done.status, 200) << done.body;
    EXPECT_EQ(jsonInt(done.body, "original_txn_id"), hold_id);
    EXPECT_EQ(jsonInt(done.body, "amount_minor"), 25'000);
    EXPECT_EQ(jsonInt(done.body, "balance_minor"), kLoadMinor - 25'000);
    EXPECT_EQ(jsonInt(done.body, "available_minor"), kLoadMinor - 25'000);
    EXPECT_EQ(heldOf(cards_[1]), 0);
    EXPECT_EQ(balanceOf(cards_[1]), kLoadMinor - 25'000);
    expectInvariants();
}

TEST_F(HttpApiTest, PreAuthorisationCancelReleasesTheHold) {
    Response hold =
        client_->post("/v1/terminal/preauth", cardBody(cards_[1], 30'000, std::nullopt), nextKey());
    ASSERT_EQ(hold.status, 200) << hold.body;
    std::int64_t hold_id = jsonInt(hold.body, "txn_id");
    Response cancel = client_->post("/v1/terminal/preauth/cancel",
                                    originalBody(hold_id, std::nullopt), nextKey());
    ASSERT_EQ(cancel.status, 200) << cancel.body;
    EXPECT_EQ(jsonInt(cancel.body, "amount_minor"), 30'000);
    EXPECT_EQ(jsonInt(cancel.body, "available_minor"), kLoadMinor);
    EXPECT_EQ(heldOf(cards_[1]), 0);
    EXPECT_EQ(balanceOf(cards_[1]), kLoadMinor);
    // Completing a cancelled hold finds no open pre-authorisation.
    Response late =
        client_->post("/v1/terminal/preauth/complete", originalBody(hold_id, 100), nextKey());
    EXPECT_EQ(late.status, 404) << late.body;
    EXPECT_EQ(jsonText(late.body, "error.code"), "original_not_found");
    expectInvariants();
}

TEST_F(HttpApiTest, VoidRestoresTheFullAmount) {
    Response bought = purchase(cards_[2], 8800);
    ASSERT_EQ(bought.status, 200) << bought.body;
    std::int64_t id = jsonInt(bought.body, "txn_id");
    Response partial = client_->post("/v1/terminal/void", originalBody(id, 100), nextKey());
    EXPECT_EQ(partial.status, 400) << partial.body;  // a void is for the full amount
    EXPECT_EQ(jsonText(partial.body, "error.code"), "invalid_amount");
    Response voided = client_->post("/v1/terminal/void", originalBody(id, 8800), nextKey());
    ASSERT_EQ(voided.status, 200) << voided.body;
    EXPECT_EQ(jsonInt(voided.body, "original_txn_id"), id);
    EXPECT_EQ(jsonInt(voided.body, "balance_minor"), kLoadMinor);
    EXPECT_EQ(balanceOf(cards_[2]), kLoadMinor);
    expectInvariants();
}

TEST_F(HttpApiTest, RefundReturnsPartOfAPurchase) {
    Response bought = purchase(cards_[2], 10'000);
    ASSERT_EQ(bought.status, 200) << bought.body;
    std::int64_t id = jsonInt(bought.body, "txn_id");
    Response refunded = client_->post("/v1/terminal/refund", originalBody(id, 4000), nextKey());
    ASSERT_EQ(refunded.status, 200) << refunded.body;
    EXPECT_EQ(jsonInt(refunded.body, "balance_minor"), kLoadMinor - 6000);
    Response too_much = client_->post("/v1/terminal/refund", originalBody(id, 6001), nextKey());
    EXPECT_EQ(too_much.status, 400) << too_much.body;
    EXPECT_EQ(balanceOf(cards_[2]), kLoadMinor - 6000);
    expectInvariants();
}

TEST_F(HttpApiTest, ReversalOfAPurchaseRestoresTheBalanceAndIsIdempotent) {
    std::string key = nextKey();
    Response bought = purchase(cards_[3], 4321, key);
    ASSERT_EQ(bought.status, 200) << bought.body;
    std::string reversal = "{\"original_idempotency_key\":\"" + key + "\"}";
    Response reversed = client_->post("/v1/terminal/reversal", reversal);
    ASSERT_EQ(reversed.status, 200) << reversed.body;
    EXPECT_EQ(jsonInt(reversed.body, "original_txn_id"), jsonInt(bought.body, "txn_id"));
    EXPECT_EQ(jsonInt(reversed.body, "balance_minor"), kLoadMinor);
    EXPECT_EQ(balanceOf(cards_[3]), kLoadMinor);
    Response again = client_->post("/v1/terminal/reversal", reversal);
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(again.body, reversed.body);
    EXPECT_EQ(again.header("x-yika-replayed"), "true");
    EXPECT_EQ(balanceOf(cards_[3]), kLoadMinor);
    expectInvariants();
}

TEST_F(HttpApiTest, ReversalBeforeTheOriginalNeutralisesIt) {
    std::string key = nextKey();
    Response reversed =
        client_->post("/v1/terminal/reversal", "{\"original_idempotency_key\":\"" + key + "\"}");
    ASSERT_EQ(reversed.status, 200) << reversed.body;
    EXPECT_EQ(jsonMember(reversed.body, "original_txn_id"), "");
    // The purchase it reversed arrives late: declined, nothing debited.
    Response late = purchase(cards_[3], 4321, key);
    EXPECT_EQ(late.status, 409) << late.body;
    EXPECT_EQ(jsonText(late.body, "result"), "declined");
    EXPECT_EQ(jsonText(late.body, "error.code"), "duplicate");
    EXPECT_EQ(balanceOf(cards_[3]), kLoadMinor);
    expectInvariants();
}

TEST_F(HttpApiTest, SettlementComparesTotalsAndMovesToTheNextBatch) {
    Response bought = purchase(cards_[0], 5000);
    ASSERT_EQ(bought.status, 200);
    Response refunded = client_->post(
        "/v1/terminal/refund", originalBody(jsonInt(bought.body, "txn_id"), 1000), nextKey());
    ASSERT_EQ(refunded.status, 200) << refunded.body;
    std::string totals =
        "{\"batch_no\":1,\"currency\":\"CNY\",\"debit_minor\":5000,"
        "\"debit_count\":1,\"credit_minor\":1000,\"credit_count\":1}";
    Response settled = client_->post("/v1/terminal/settle", totals);
    ASSERT_EQ(settled.status, 200) << settled.body;
    EXPECT_EQ(settled.body,
              "{\"result\":\"balanced\",\"batch_no\":1,\"next_batch_no\":2,\"host\":"
              "{\"debit_minor\":5000,\"debit_count\":1,\"credit_minor\":1000,"
              "\"credit_count\":1}}");
    EXPECT_EQ(world_->terminal(AcceptanceWorld::kTid)->batch_no, 2);
    // Retrying the settlement gives the same comparison and does not skip a batch.
    Response again = client_->post("/v1/terminal/settle", totals);
    EXPECT_EQ(again.body, settled.body);
    EXPECT_EQ(world_->terminal(AcceptanceWorld::kTid)->batch_no, 2);
    // New transactions belong to batch 2, which does not balance against wrong totals.
    Response next = purchase(cards_[0], 700);
    EXPECT_EQ(jsonInt(next.body, "batch_no"), 2);
    Response wrong = client_->post("/v1/terminal/settle",
                                   "{\"batch_no\":2,\"currency\":\"CNY\",\"debit_minor\":1,"
                                   "\"debit_count\":1,\"credit_minor\":0,\"credit_count\":0}");
    ASSERT_EQ(wrong.status, 200) << wrong.body;
    EXPECT_EQ(jsonText(wrong.body, "result"), "not_balanced");
    EXPECT_EQ(jsonInt(wrong.body, "host.debit_minor"), 700);
    Response ahead = client_->post("/v1/terminal/settle",
                                   "{\"batch_no\":9,\"currency\":\"CNY\",\"debit_minor\":0,"
                                   "\"debit_count\":0,\"credit_minor\":0,\"credit_count\":0}");
    EXPECT_EQ(ahead.status, 400) << ahead.body;
    expectInvariants();
}

TEST_F(HttpApiTest, WrongPinsOnBalanceInquiriesLockThePin) {
    // The failure counter must survive the refusal, or PINs could be guessed without limit.
    std::string wrong = cards_[0].pin == "000000" ? "111111" : "000000";
    for (int i = 0; i + 1 < world_->policies.pin.failures_max; ++i) {
        Response r =
            client_->post("/v1/terminal/balance", cardBody(cards_[0], std::nullopt, wrong));
        EXPECT_EQ(r.status, 402);
        EXPECT_EQ(jsonText(r.body, "error.code"), "wrong_pin");
    }
    Response locked =
        client_->post("/v1/terminal/balance", cardBody(cards_[0], std::nullopt, wrong));
    EXPECT_EQ(jsonText(locked.body, "error.code"), "pin_locked");
    Response right =
        client_->post("/v1/terminal/balance", cardBody(cards_[0], std::nullopt, cards_[0].pin));
    EXPECT_EQ(jsonText(right.body, "error.code"), "pin_locked");
    expectInvariants();
}

TEST_F(HttpApiTest, ConcurrentPurchasesOnOneCardNeverOverdraw) {
    constexpr int kThreads = 5;
    constexpr int kPerThread = 10;  // 50 purchases of 30.00 against 1,000.00
    constexpr std::int64_t kAmount = 3000;
    std::atomic<int> approved{0};
    std::atomic<int> declined{0};
    std::atomic<int> other{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            auto client = newClient();
            for (int i = 0; i < kPerThread; ++i) {
                std::string key = "c" + std::to_string(t) + "-" + std::to_string(i);
                Response r = client->post("/v1/terminal/purchase",
                                          cardBody(cards_[0], kAmount, std::nullopt), key);
                if (r.status == 200) {
                    approved += 1;
                } else if (r.status == 402 &&
                           jsonText(r.body, "error.code") == "insufficient_funds") {
                    declined += 1;
                } else {
                    other += 1;
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(approved.load(), static_cast<int>(kLoadMinor / kAmount));  // 33
    EXPECT_EQ(approved + declined, kThreads * kPerThread);
    EXPECT_EQ(balanceOf(cards_[0]), kLoadMinor - approved.load() * kAmount);
    EXPECT_GE(balanceOf(cards_[0]), 0);
    expectInvariants();
}

TEST_F(HttpApiTest, TerminalAddedAfterStartIsFoundOnFirstUse) {
    Terminal t;
    t.tid = "HTTP0003";
    t.merchant_id = world_->merchant_id;
    t.tmk_wrapped = Bytes(58, 0xCD);
    ASSERT_TRUE(world_->store()
                    .writer()
                    .runStatus([&](StoreTx& tx) -> Status {
                        tx.insertTerminal(t);
                        return Ok{};
                    })
                    .ok());
    std::vector<std::uint8_t> tmk(16, 0x42);
    world_->terminal_keys.add(t.tid, tmk);
    SigningClient client("127.0.0.1", server_->port(), t.tid, deriveHttpKey(tmk, t.tid),
                         world_->clock);
    Response r =
        client.post("/v1/terminal/balance", cardBody(cards_[0], std::nullopt, std::nullopt));
    EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(HttpApiTest, ServesItsOpenApiDocument) {
    RequestSpec spec;
    spec.method = "GET";
    spec.path = "/v1/openapi.yaml";
    spec.sign = false;
    spec.content_type.clear();
    Response r = client_->send(spec);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), "application/yaml");
    std::ifstream file(YIKA_OPENAPI_YAML_PATH, std::ios::binary);
    std::stringstream expected;
    expected << file.rdbuf();
    EXPECT_EQ(r.body, expected.str());
    EXPECT_NE(r.body.find("openapi: 3.0"), std::string::npos);
}

TEST_F(HttpApiTest, StopReturnsPromptlyWithIdleKeepAliveConnections) {
    ASSERT_EQ(purchase(cards_[0], 100).status, 200);  // leaves a keep-alive connection open
    auto started = std::chrono::steady_clock::now();
    server_->stop();
    auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_LT(waited, std::chrono::milliseconds(limits_.keep_alive_timeout_ms / 2));
    expectInvariants();
}

}  // namespace
}  // namespace yika::http::testing
