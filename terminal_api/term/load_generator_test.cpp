#include "terminal_api/term/load_generator.h"

#include "terminal_api/term/fake_host.h"

#include <gtest/gtest.h>

#include <sstream>

namespace yika::term {
namespace {

using testing::FakeHost;
using testing::FakeHostConfig;

std::string terminalsText(std::size_t count) {
    std::string text;
    for (std::size_t i = 0; i < count; ++i) {
        const std::string tid = std::to_string(10'000'001 + i);
        text += tid + ",898310048140001,0123456789abcdeffedcba98765432" +
                std::to_string(10 + i % 90) + "\n";
    }
    return text;
}

FakeHostConfig hostFor(std::size_t terminals) {
    FakeHostConfig config;
    for (std::size_t i = 0; i < terminals; ++i) {
        config.tmk_hex_by_tid[std::to_string(10'000'001 + i)] =
            "0123456789abcdeffedcba98765432" + std::to_string(10 + i % 90);
    }
    config.cards_by_pan["6288881234567890128"] = {"123456", 1'000'000'000};
    config.cards_by_pan["6288889876543210987"] = {"", 1'000'000'000};
    return config;
}

TEST(LoadGenerator, DrivesPipelinedPurchasesAndIdleConnections) {
    FakeHost host(hostFor(8));
    auto terminals = parseTerminals(terminalsText(8));
    ASSERT_TRUE(terminals.ok());
    auto cards = parseCards("6288881234567890128,123456\n6288889876543210987,\n");
    ASSERT_TRUE(cards.ok());
    LoadOptions options;
    options.port = host.port();
    options.connections = 4;
    options.idle_connections = 3;
    options.inflight = 3;
    options.pin_every = 2;
    options.duration = std::chrono::milliseconds(300);
    options.timeout_ms = 5000;
    options.connect_concurrency = 2;
    options.seed = 7;
    ASSERT_TRUE(checkLoadOptions(options, terminals->size()).ok());
    auto report = runLoad(options, *terminals, *cards, nullptr);
    ASSERT_TRUE(report.ok()) << report.error().detail;
    EXPECT_EQ(report->active_signed_on, 4U);
    EXPECT_EQ(report->idle_signed_on, 3U);
    EXPECT_EQ(report->idle_open_at_end, 3U);
    EXPECT_EQ(report->connect_failures + report->sign_on_failures + report->closed_by_host, 0U);
    EXPECT_GT(report->approved, 0U);
    EXPECT_EQ(report->mac_failures, 0U);
    EXPECT_EQ(host.macFailures(), 0U);
    EXPECT_EQ(report->timeouts, 0U);
    EXPECT_EQ(report->unmatched, 0U);
    EXPECT_EQ(report->sent, report->answered);
    EXPECT_EQ(report->by_response_code["00"], report->approved);
    EXPECT_EQ(report->latency_us.count(), report->answered);
    // Every PIN the host decrypted is the card's PIN (cards without a PIN never send one).
    const auto pins = host.decryptedPins();
    EXPECT_FALSE(pins.empty());
    for (const std::string& pin : pins) {
        EXPECT_EQ(pin, "123456");
    }
    const std::string text = formatLoadReport(*report);
    EXPECT_NE(text.find("approved/s"), std::string::npos);
    EXPECT_NE(text.find("p99"), std::string::npos);
    EXPECT_NE(text.find("00 approved"), std::string::npos);
}

TEST(LoadGenerator, RateLimitHoldsTheSendRate) {
    FakeHost host(hostFor(2));
    auto terminals = parseTerminals(terminalsText(2));
    auto cards = parseCards("6288889876543210987,\n");
    ASSERT_TRUE(terminals.ok() && cards.ok());
    LoadOptions options;
    options.port = host.port();
    options.connections = 2;
    options.inflight = 4;
    options.rate_per_second = 200;
    options.duration = std::chrono::milliseconds(500);
    auto report = runLoad(options, *terminals, *cards, nullptr);
    ASSERT_TRUE(report.ok());
    // 200/s for 0.5 s is 100 requests, plus at most one 10 ms burst.
    EXPECT_GE(report->sent, 50U);
    EXPECT_LE(report->sent, 110U);
    EXPECT_EQ(report->approved, report->sent);
}

TEST(LoadGenerator, CountsSignOnFailuresAndRefusedConnections) {
    FakeHostConfig config = hostFor(1);  // knows only the first terminal
    FakeHost host(config);
    auto terminals = parseTerminals(terminalsText(2));
    auto cards = parseCards("6288889876543210987,\n");
    ASSERT_TRUE(terminals.ok() && cards.ok());
    LoadOptions options;
    options.port = host.port();
    options.connections = 2;
    options.duration = std::chrono::milliseconds(100);
    auto report = runLoad(options, *terminals, *cards, nullptr);
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->active_signed_on, 1U);
    EXPECT_EQ(report->sign_on_failures, 1U);
    EXPECT_GT(report->approved, 0U);
}

TEST(LoadGenerator, CheckLoadOptions) {
    LoadOptions options;
    EXPECT_TRUE(checkLoadOptions(options, 1).ok());
    options.connections = 2;
    EXPECT_FALSE(checkLoadOptions(options, 1).ok());  // more connections than terminals
    options.connections = 1;
    options.idle_connections = 1;
    EXPECT_FALSE(checkLoadOptions(options, 1).ok());
    options.idle_connections = 0;
    options.inflight = 0;
    EXPECT_FALSE(checkLoadOptions(options, 1).ok());
    options.inflight = kLoadInflightMax + 1;
    EXPECT_FALSE(checkLoadOptions(options, 1).ok());
    options.inflight = 1;
    options.duration = std::chrono::milliseconds(0);
    EXPECT_FALSE(checkLoadOptions(options, 1).ok());
    options.duration = std::chrono::milliseconds(1);
    options.amount_min_minor = 0;
    EXPECT_FALSE(checkLoadOptions(options, 1).ok());
    options.amount_min_minor = 1;
    options.connections = 0;
    EXPECT_FALSE(checkLoadOptions(options, 1).ok());
}

}  // namespace
}  // namespace yika::term
