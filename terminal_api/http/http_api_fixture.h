#pragma once

// The GoogleTest fixture of the end-to-end HTTP tests: a server on 127.0.0.1, port 0, over a
// real SqliteStore with sold cards (http_test_support.h), and a signing client. Every test that
// moves money ends with expectInvariants().

#include "terminal_api/http/http_api_server.h"
#include "terminal_api/http/http_test_support.h"
#include "terminal_api/http/store_service_context.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace yika::http::testing {

inline Money yuan(std::int64_t whole) { return Money::fromMinor(whole * 100, Currency::Cny); }

class HttpApiTest : public ::testing::Test {
  protected:
    static constexpr std::int64_t kLoadMinor = 100'000;  // each card starts with 1,000.00

    void SetUp() override {
        world_ = std::make_unique<AcceptanceWorld>();
        auto sold = world_->sellCards(4, Money::fromMinor(kLoadMinor, Currency::Cny));
        ASSERT_TRUE(sold.ok()) << sold.error().detail;
        cards_ = *sold;
        ASSERT_EQ(cards_.size(), 4u);
        startServer();
    }

    void TearDown() override {
        client_.reset();
        if (server_) server_->stop();
        server_.reset();
        context_.reset();
        world_.reset();
    }

    void startServer() {
        context_ = std::make_unique<StoreServiceContext>(
            world_->store(), world_->pins, world_->vault, world_->policies, world_->clock,
            world_->terminal_keys, limits_);
        server_ = std::make_unique<HttpApiServer>(*context_, limits_);
        Status started = server_->start("127.0.0.1", 0);
        ASSERT_TRUE(started.ok()) << started.error().detail;
        ASSERT_NE(server_->port(), 0);
        client_ = newClient();
    }

    std::unique_ptr<SigningClient> newClient(std::string_view tid = AcceptanceWorld::kTid) {
        return std::make_unique<SigningClient>("127.0.0.1", server_->port(), std::string(tid),
                                               world_->httpKey(tid), world_->clock);
    }

    static std::string nextKey() {
        static int counter = 0;
        return "key-" + std::to_string(++counter);
    }

    // {"pan":...,"pin":...,"amount_minor":...,"currency":"CNY"}
    static std::string cardBody(const SoldCard& card, std::optional<std::int64_t> amount_minor,
                                std::optional<std::string> pin) {
        std::string body = "{\"pan\":\"" + card.pan + "\"";
        if (pin) body += ",\"pin\":\"" + *pin + "\"";
        if (amount_minor) {
            body += ",\"amount_minor\":" + std::to_string(*amount_minor) + ",\"currency\":\"CNY\"";
        }
        return body + "}";
    }
    static std::string originalBody(std::int64_t original, std::optional<std::int64_t> amount) {
        std::string body = "{\"original_txn_id\":" + std::to_string(original);
        if (amount)
            body += ",\"amount_minor\":" + std::to_string(*amount) + ",\"currency\":\"CNY\"";
        return body + "}";
    }

    Response purchase(const SoldCard& card, std::int64_t amount_minor,
                      const std::string& key = nextKey()) {
        return client_->post("/v1/terminal/purchase", cardBody(card, amount_minor, card.pin), key);
    }

    std::int64_t balanceOf(const SoldCard& card) {
        auto c = world_->card(card.id);
        return c ? c->balance.minor() : -1;
    }
    std::int64_t heldOf(const SoldCard& card) {
        auto c = world_->card(card.id);
        return c ? c->held.minor() : -1;
    }

    void expectInvariants() {
        store::InvariantReport report = world_->verify();
        EXPECT_TRUE(report.ok()) << report.summary();
    }

    HttpApiLimits limits_;
    std::unique_ptr<AcceptanceWorld> world_;
    std::vector<SoldCard> cards_;
    std::unique_ptr<StoreServiceContext> context_;
    std::unique_ptr<HttpApiServer> server_;
    std::unique_ptr<SigningClient> client_;
};

}  // namespace yika::http::testing
