#include "terminal_api/http/terminal_requests.h"

#include <gtest/gtest.h>

namespace yika::http {
namespace {

constexpr std::string_view kPan = "6214839000000000017";

Result<TerminalRequest> parse(Operation op, std::string_view body) {
    HttpApiLimits limits;
    auto object = parseFlatObject(body, JsonLimits{4, 16, 64});
    if (!object) return object.error();
    return parseTerminalRequest(op, *object, limits);
}

std::string errorOf(Operation op, std::string_view body) {
    auto r = parse(op, body);
    return r ? std::string("ok") : r.error().detail;
}

TEST(TerminalRequests, PathsRoundTrip) {
    for (Operation op : {Operation::Balance, Operation::Purchase, Operation::PreAuth,
                         Operation::PreAuthComplete, Operation::PreAuthCancel, Operation::Void,
                         Operation::Refund, Operation::Reversal, Operation::Settle}) {
        EXPECT_EQ(operationForPath(pathOf(op)), op);
    }
    EXPECT_FALSE(operationForPath("/v1/terminal/purchase/").has_value());
    EXPECT_FALSE(operationForPath("/v1/terminal/purchase?a=1").has_value());
    EXPECT_FALSE(operationForPath("/V1/terminal/purchase").has_value());
}

TEST(TerminalRequests, IdempotencyKeys) {
    EXPECT_TRUE(isValidIdempotencyKey("a"));
    EXPECT_TRUE(isValidIdempotencyKey("order-2026.03.02_0001~retry"));
    EXPECT_TRUE(isValidIdempotencyKey(std::string(64, 'k')));
    EXPECT_FALSE(isValidIdempotencyKey(""));
    EXPECT_FALSE(isValidIdempotencyKey(std::string(65, 'k')));
    EXPECT_FALSE(isValidIdempotencyKey("a:b"));
    EXPECT_FALSE(isValidIdempotencyKey("a b"));
    EXPECT_FALSE(isValidIdempotencyKey("ключ"));
    EXPECT_TRUE(needsIdempotencyKey(Operation::Purchase));
    EXPECT_FALSE(needsIdempotencyKey(Operation::Balance));
    EXPECT_FALSE(needsIdempotencyKey(Operation::Reversal));
    EXPECT_FALSE(needsIdempotencyKey(Operation::Settle));
}

TEST(TerminalRequests, Purchase) {
    auto r = parse(
        Operation::Purchase,
        R"({"pan":"6214839000000000017","pin":"123456","amount_minor":1250,"currency":"CNY"})");
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(r->pan, kPan);
    EXPECT_EQ(r->pin, "123456");
    EXPECT_EQ(r->amount, Money::fromMinor(1250, Currency::Cny));
    auto no_pin = parse(Operation::PreAuth,
                        R"({"pan":"6214839000000000017","amount_minor":1,"currency":"USD"})");
    ASSERT_TRUE(no_pin.ok());
    EXPECT_FALSE(no_pin->pin.has_value());
    EXPECT_EQ(no_pin->amount.currency(), Currency::Usd);
}

TEST(TerminalRequests, PurchaseRefusals) {
    const auto op = Operation::Purchase;
    EXPECT_EQ(errorOf(op, R"({"pan":"6214839000000000017","amount_minor":0,"currency":"CNY"})"),
              "amount_minor: must be in 1..999999999999");
    EXPECT_EQ(
        errorOf(op,
                R"({"pan":"6214839000000000017","amount_minor":1000000000000,"currency":"CNY"})"),
        "amount_minor: must be in 1..999999999999");
    EXPECT_EQ(errorOf(op, R"({"pan":"621483900000000001x","amount_minor":1,"currency":"CNY"})"),
              "pan: must be 13-19 digits");
    EXPECT_EQ(errorOf(op, R"({"pan":"62148390000000000171","amount_minor":1,"currency":"CNY"})"),
              "pan: must be 13-19 digits");
    EXPECT_EQ(
        errorOf(op,
                R"({"pan":"6214839000000000017","pin":"1234","amount_minor":1,"currency":"CNY"})"),
        "pin: must be 6 digits");
    EXPECT_EQ(errorOf(op, R"({"pan":"6214839000000000017","amount_minor":1,"currency":"cny"})"),
              "currency: unknown ISO 4217 code");
    EXPECT_EQ(
        errorOf(op, R"({"pan":"6214839000000000017","amount_minor":1,"currency":"CNY","x":1})"),
        "x: unknown field");
    EXPECT_EQ(errorOf(op, R"({"pan":"6214839000000000017","currency":"CNY"})"),
              "amount_minor: required");
    EXPECT_EQ(errorOf(Operation::Balance, R"({"pan":"6214839000000000017","amount_minor":1})"),
              "amount_minor: unknown field");
}

TEST(TerminalRequests, OriginalsAndReversal) {
    auto r =
        parse(Operation::Refund, R"({"original_txn_id":42,"amount_minor":100,"currency":"CNY"})");
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(r->original_id, 42);
    EXPECT_EQ(
        errorOf(Operation::Void, R"({"original_txn_id":0,"amount_minor":1,"currency":"CNY"})"),
        "original_txn_id: must be in 1..9223372036854775807");
    EXPECT_EQ(errorOf(Operation::PreAuthCancel, R"({"original_txn_id":"42"})"),
              "original_txn_id: must be an integer, not a string");
    EXPECT_EQ(errorOf(Operation::PreAuthCancel, R"({"original_txn_id":42,"amount_minor":1})"),
              "amount_minor: unknown field");
    auto rev = parse(Operation::Reversal, R"({"original_idempotency_key":"k-1"})");
    ASSERT_TRUE(rev.ok());
    EXPECT_EQ(rev->original_idem_key, "k-1");
    EXPECT_EQ(errorOf(Operation::Reversal, R"({"original_idempotency_key":"k:1"})")
                  .rfind("original_idempotency_key:", 0),
              0u);
}

TEST(TerminalRequests, Settlement) {
    auto r = parse(Operation::Settle, R"({"batch_no":7,"currency":"CNY","debit_minor":5000,)"
                                      R"("debit_count":2,"credit_minor":0,"credit_count":0})");
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(r->batch_no, 7);
    EXPECT_EQ(r->totals.debit.minor(), 5000);
    EXPECT_EQ(r->totals.debit_count, 2);
    EXPECT_EQ(errorOf(Operation::Settle, R"({"batch_no":1000000,"currency":"CNY","debit_minor":0,)"
                                         R"("debit_count":0,"credit_minor":0,"credit_count":0})"),
              "batch_no: must be in 1..999999");
    EXPECT_EQ(
        errorOf(Operation::Settle, R"({"batch_no":1,"currency":"CNY","debit_minor":0,)"
                                   R"("debit_count":1000,"credit_minor":0,"credit_count":0})"),
        "debit_count: must be in 0..999");
}

}  // namespace
}  // namespace yika::http
