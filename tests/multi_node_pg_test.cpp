// Several yikad nodes on one PostgreSQL database (issue 7), through the real binary:
//
//   TwoNodesNeverOverdrawLoseOrDouble: two `yikad serve` processes share one database; four
//   terminals of one merchant (the hot merchant), two on each node, buy concurrently on the same
//   six cards until the cards run out. Afterwards no card is overdrawn, each card's balance fell
//   by exactly the approved amounts on it, the approved purchases in the database are exactly the
//   approvals the terminals received, and every ledger invariant holds (`yikad verify`).
//
//   AStoppedDatabaseAnswers96AndServiceRecovers: with the database server stopped, a purchase is
//   answered 96 within a bounded time; started again, the same node approves without a restart.
//
// The first needs YIKA_TEST_PG_URL (CTest's pg_cluster fixture sets it and starts the cluster);
// the second stops and starts a database server, so it starts a throwaway cluster of its own
// (tests/support/pg_cluster.sh) rather than disturb the tests that share the fixture's.

#include "card_core/domain/time.h"
#include "card_core/testing/pg_test_db.h"
#include "crypto/hex.h"
#include "server/data_dir.h"
#include "terminal_api/http/http_test_support.h"
#include "terminal_api/http/request_signature.h"
#include "terminal_api/iso8583/message.h"
#include "tests/support/pos_terminal.h"
#include "tests/support/yikad_process.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <unistd.h>

namespace yika {
namespace {

using iso8583::Field;
using iso8583::ResponseCode;

constexpr std::size_t kFirstCard = 2;  // the demo's named cards (about 500.00 each)
constexpr std::size_t kCards = 6;
constexpr std::int64_t kAmountMinor = 1500;
constexpr int kPurchasesPerTerminal = 60;
constexpr const char* kHotMid = "898310048160001";

const std::string kClusterScript = std::string(YIKA_SOURCE_DIR) + "/tests/support/pg_cluster.sh";

class MultiNodePg : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::path(::testing::TempDir()) /
               ("yika-multinode-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        std::optional<std::string> url = test::testPgUrl();
        if (ownCluster()) {
            cluster_ = (dir_ / "pg").string();
            auto started = testing::runYikad(kClusterScript, "start " + cluster_);
            ASSERT_EQ(started.exit_code, 0) << started.output;
            url = "postgresql://yika@/postgres?host=" + cluster_;
        }
        ASSERT_TRUE(url.has_value()) << "needs YIKA_TEST_PG_URL (ctest runs it as pg.*)";
        schema_ = std::make_unique<test::PgTestSchema>(*url);
        // Every yikad this test starts inherits these: the database is the test's schema.
        ::setenv("YIKA_DB_ENGINE", "postgresql", 1);
        ::setenv("YIKA_DB_URL", schema_->url().c_str(), 1);
        auto init = testing::runYikad(YIKAD_PATH, "init --data " + data().string() + " --demo");
        ASSERT_EQ(init.exit_code, 0) << init.output;
        cards_ = testing::readCsv(data() / "demo/cards.csv");
        ASSERT_GE(cards_.size(), kFirstCard + kCards);
        // Four terminals of the same merchant: the demo's and three more.
        for (const auto& row : testing::readCsv(data() / "demo/terminals.csv")) {
            if (row.size() >= 3 && row[1] == kHotMid) terminals_.push_back(row);
        }
        for (int i = 1; i <= 3; ++i) {
            const std::string tid = "2000000" + std::to_string(i);
            auto add = testing::runYikad(YIKAD_PATH, "terminal add --data " + data().string() +
                                                         " --mid " + kHotMid + " --tid " + tid);
            ASSERT_EQ(add.exit_code, 0) << add.output;
            const std::string marker = "(shown once, inject it into the device): ";
            auto at = add.output.find(marker);
            ASSERT_NE(at, std::string::npos) << add.output;
            const std::string tmk = add.output.substr(at + marker.size(), 32);
            terminals_.push_back({tid, kHotMid, tmk});
        }
        ASSERT_EQ(terminals_.size(), 4u);
    }
    void TearDown() override {
        ::unsetenv("YIKA_DB_ENGINE");
        ::unsetenv("YIKA_DB_URL");
        schema_.reset();
        if (!cluster_.empty()) testing::runYikad(kClusterScript, "stop " + cluster_);
        std::filesystem::remove_all(dir_);
    }
    virtual bool ownCluster() const { return false; }
    std::filesystem::path data() const { return dir_ / "data"; }

    // The balances of the test's cards and the count of approved purchases, read directly.
    struct Books {
        std::map<std::size_t, std::int64_t> balance;  // by row of cards.csv
        std::int64_t approved_purchases = 0;
    };
    Books readBooks() {
        Books b;
        auto rt = server::openRuntime(data().string());
        EXPECT_TRUE(rt.ok()) << (rt.ok() ? "" : rt.error().detail);
        if (!rt.ok()) return b;
        auto db = (*rt)->store->openReader();
        store::SqliteStoreTx tx(*db);
        for (std::size_t i = kFirstCard; i < kFirstCard + kCards; ++i) {
            auto card = tx.cardByLookup((*rt)->vault.lookupHash(cards_[i][0]));
            EXPECT_TRUE(card.has_value());
            if (card) b.balance[i] = card->balance.minor();
        }
        store::Statement count(*db,
                               "SELECT COUNT(*) FROM card_txn WHERE kind = 'purchase' AND state "
                               "= 'APPROVED'");
        count.step();
        b.approved_purchases = count.columnInt(0);
        return b;
    }

    std::unique_ptr<test::PgTestSchema> schema_;
    std::string cluster_;  // a cluster of the test's own, if any
    std::filesystem::path dir_;
    std::vector<std::vector<std::string>> cards_;
    std::vector<std::vector<std::string>> terminals_;
};

TEST_F(MultiNodePg, TwoNodesNeverOverdrawLoseOrDouble) {
    const Books before = readBooks();
    testing::YikadProcess a(YIKAD_PATH, data(), dir_ / "a.stderr");
    testing::YikadProcess b(YIKAD_PATH, data(), dir_ / "b.stderr");
    ASSERT_TRUE(a.start()) << a.error() << a.stderrText();
    ASSERT_TRUE(b.start()) << b.error() << b.stderrText();

    std::mutex mutex;
    std::map<std::size_t, std::int64_t> approved_minor;  // by card row
    std::int64_t approvals = 0;
    std::map<std::string, int> codes;
    std::atomic<int> lost_connections{0};
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < terminals_.size(); ++t) {
        threads.emplace_back([&, t] {
            const std::uint16_t port = t % 2 == 0 ? a.posPort() : b.posPort();
            std::uint32_t trace = 1;
            auto term = testing::PosTerminal::connect(port, terminals_[t], trace);
            if (!term) {
                lost_connections.fetch_add(1);
                return;
            }
            for (int i = 0; i < kPurchasesPerTerminal; ++i) {
                // Terminals walk the cards from different starting points: every card is hit
                // from both nodes at once.
                const std::size_t card = kFirstCard + (t + static_cast<std::size_t>(i)) % kCards;
                auto answer = term->purchase(trace++, cards_[card][0], kAmountMinor);
                if (!answer) {
                    lost_connections.fetch_add(1);
                    return;
                }
                std::lock_guard lock(mutex);
                codes[std::string(answer->get(Field::ResponseCode))] += 1;
                if (answer->responseCode() == ResponseCode::Approved) {
                    approved_minor[card] += kAmountMinor;
                    ++approvals;
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(a.stop(), 0) << a.stderrText();
    EXPECT_EQ(b.stop(), 0) << b.stderrText();
    ASSERT_EQ(lost_connections.load(), 0);

    std::string summary;
    for (const auto& [code, n] : codes) summary += code + ":" + std::to_string(n) + " ";
    // Both outcomes happened: the cards ran out under the load (51), and many were approved.
    EXPECT_GT(codes["00"], 100) << summary;
    EXPECT_GT(codes["51"], 0) << summary;
    // Nothing else was answered: no 96 (a deadlock or lock wait between the nodes is retried).
    EXPECT_EQ(codes["00"] + codes["51"],
              static_cast<int>(terminals_.size()) * kPurchasesPerTerminal)
        << summary;

    const Books after = readBooks();
    for (std::size_t i = kFirstCard; i < kFirstCard + kCards; ++i) {
        EXPECT_GE(after.balance.at(i), 0) << "card row " << i << " overdrawn";
        EXPECT_LT(after.balance.at(i), kAmountMinor) << "card row " << i << " not spent down";
        EXPECT_EQ(before.balance.at(i) - after.balance.at(i), approved_minor[i])
            << "card row " << i << ": balance change != approved purchases";
    }
    EXPECT_EQ(after.approved_purchases - before.approved_purchases, approvals)
        << "approved purchases in the database != approvals answered";
    auto verify = testing::runYikad(YIKAD_PATH, "verify --data " + data().string());
    EXPECT_EQ(verify.exit_code, 0) << verify.output;
    std::printf("two nodes: %s(approved %lld)\n", summary.c_str(),
                static_cast<long long>(approvals));
}

class DatabaseOutagePg : public MultiNodePg {
  protected:
    bool ownCluster() const override { return true; }
};

TEST_F(DatabaseOutagePg, AStoppedDatabaseAnswers96AndServiceRecovers) {
    testing::YikadProcess node(YIKAD_PATH, data(), dir_ / "node.stderr");
    ASSERT_TRUE(node.start()) << node.error() << node.stderrText();
    std::uint32_t trace = 1;
    auto term = testing::PosTerminal::connect(node.posPort(), terminals_[0], trace);
    ASSERT_TRUE(term.has_value());
    auto first = term->purchase(trace++, cards_[kFirstCard][0], 100);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->responseCode(), ResponseCode::Approved);

    auto down = testing::runYikad(kClusterScript, "pause " + cluster_);
    ASSERT_EQ(down.exit_code, 0) << down.output;
    const auto asked = std::chrono::steady_clock::now();
    auto refused = term->purchase(trace++, cards_[kFirstCard][0], 100);
    const auto waited = std::chrono::steady_clock::now() - asked;
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(std::string(refused->get(Field::ResponseCode)), "96");
    // Bounded: the connect timeout (db.connect_timeout_ms, 3 s) and a margin, not a hang.
    EXPECT_LT(waited, std::chrono::seconds(10));
    // The HTTP terminal API refuses the same way: 503, at once.
    SystemClock clock;
    auto tmk = crypto::fromHex(terminals_[0][2]);
    ASSERT_TRUE(tmk.has_value());
    http::testing::SigningClient api("127.0.0.1", node.httpPort(), terminals_[0][0],
                                     http::deriveHttpKey(*tmk, terminals_[0][0]), clock);
    const std::string body = R"({"pan":")" + cards_[kFirstCard][0] + R"(","pin":")" +
                             cards_[kFirstCard][1] + R"(","amount_minor":100,"currency":"CNY"})";
    auto http_refused = api.post("/v1/terminal/purchase", body, "outage-http-1");
    EXPECT_EQ(http_refused.status, 503) << http_refused.body;

    auto up = testing::runYikad(kClusterScript, "resume " + cluster_);
    ASSERT_EQ(up.exit_code, 0) << up.output;
    // The node reconnects by itself, without a restart: purchases are answered 96 until its next
    // connection attempt (at most db.reconnect_interval_ms later), then approved.
    bool approved = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!approved && std::chrono::steady_clock::now() < deadline) {
        auto again = term->purchase(trace++, cards_[kFirstCard][0], 100);
        ASSERT_TRUE(again.has_value());
        approved = again->responseCode() == ResponseCode::Approved;
        if (!approved) {
            ASSERT_EQ(std::string(again->get(Field::ResponseCode)), "96");
        }
    }
    EXPECT_TRUE(approved) << node.stderrText();
    std::printf("database down: 96 after %lld ms; back: approved after %u more requests\n",
                static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(waited).count()),
                trace - 4);
    EXPECT_EQ(node.stop(), 0) << node.stderrText();
    auto verify = testing::runYikad(YIKAD_PATH, "verify --data " + data().string());
    EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

}  // namespace
}  // namespace yika
