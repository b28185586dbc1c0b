// Crash recovery (issue 9) through the real yikad binary: terminals buy over ISO 8583 while the
// test kills yikad with SIGKILL at a random moment, in 24 rounds. After each kill, with yikad
// down, every purchase a terminal got an approval for is in the database, approved, for its
// amount; `yikad verify` passes. After each restart every request of the round is sent again
// (same terminal, batch and trace): an approved one gets its first answer (same reference and
// authorization code), one that was never answered is approved exactly once. At the end each
// card's balance is its balance before the test less exactly one debit per request: nothing
// lost, nothing doubled.
//
// The kill moment: after a random number (seeded) of answers in the round, plus a random spin
// of up to 2 ms, with three terminals each keeping one request in flight, so that kills fall
// before, inside and after the writer's commit (the summary line counts the rounds whose kill
// left a request committed but unanswered, and those that left one not committed).

#include "card_core/domain/txn.h"
#include "card_core/testing/pg_test_db.h"
#include "server/data_dir.h"
#include "terminal_api/term/requests.h"
#include "tests/support/pos_terminal.h"
#include "tests/support/yikad_process.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <unistd.h>

namespace yika {
namespace {

using iso8583::Field;
using iso8583::Message;
using iso8583::ResponseCode;
using iso8583::TransactionType;

constexpr int kTimeoutMs = 5000;
constexpr int kRounds = 24;
constexpr std::size_t kTerminals = 3;
constexpr std::int64_t kAmountMinor = 100;
constexpr std::size_t kFirstCard = 2;  // the demo's named cards 2-21 (about 500.00 each)
constexpr std::size_t kCards = 20;
constexpr std::uint32_t kSeed = 20261203;

enum class Outcome : std::uint8_t { Unknown, Approved };

struct Request {
    std::size_t terminal = 0;
    std::uint32_t trace = 0;
    std::size_t card = 0;  // row of demo/cards.csv
    Outcome outcome = Outcome::Unknown;
    std::string rrn;   // field 37 of the first approval: the transaction id
    std::string auth;  // field 38
};

// What the terminals did in one round, shared with the thread that kills yikad.
struct Round {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<Request> requests;
    std::size_t answered = 0;
    std::size_t in_flight = 0;

    std::size_t add(const Request& r) {
        std::lock_guard lock(mutex);
        requests.push_back(r);
        ++in_flight;
        return requests.size() - 1;
    }
    void answer(std::size_t index, const Message& m) {
        {
            std::lock_guard lock(mutex);
            Request& r = requests[index];
            if (m.responseCode() == ResponseCode::Approved) {
                r.outcome = Outcome::Approved;
                r.rrn = std::string(m.get(Field::RetrievalReference));
                r.auth = std::string(m.get(Field::AuthorizationId));
            }
            ++answered;
            --in_flight;
        }
        changed.notify_all();
    }
    bool waitForAnswers(std::size_t n) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, std::chrono::seconds(20), [&] { return answered >= n; });
    }
};

class CrashEndToEnd : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::path(::testing::TempDir()) /
               ("yika-crash-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        // Issue 7: on PostgreSQL when YIKA_TEST_PG_URL is set (pg.*), in a schema of its own;
        // every yikad this test runs inherits db.engine and db.url from these variables.
        if (auto url = test::testPgUrl()) {
            schema_ = std::make_unique<test::PgTestSchema>(*url);
            ::setenv("YIKA_DB_ENGINE", "postgresql", 1);
            ::setenv("YIKA_DB_URL", schema_->url().c_str(), 1);
        }
        auto init = testing::runYikad(YIKAD_PATH, "init --data " + data().string() + " --demo");
        ASSERT_EQ(init.exit_code, 0) << init.output;
        terminals_ = testing::readCsv(data() / "demo/terminals.csv");
        cards_ = testing::readCsv(data() / "demo/cards.csv");
        ASSERT_GE(terminals_.size(), kTerminals);
        ASSERT_GE(cards_.size(), kFirstCard + kCards);
        server_ = std::make_unique<testing::YikadProcess>(YIKAD_PATH, data(), dir_ / "stderr.txt");
    }
    void TearDown() override {
        server_.reset();
        std::filesystem::remove_all(dir_);
        ::unsetenv("YIKA_DB_ENGINE");
        ::unsetenv("YIKA_DB_URL");
        schema_.reset();
    }
    std::unique_ptr<test::PgTestSchema> schema_;  // PostgreSQL runs (issue 7)
    std::filesystem::path data() const { return dir_ / "data"; }

    // With yikad down: each approved request of `round` is in the database as its approved
    // purchase. Returns how many unanswered requests were committed anyway.
    std::size_t checkApprovalsDurable(const std::vector<Request>& round) {
        auto rt = server::openRuntime(data().string());
        EXPECT_TRUE(rt.ok()) << rt.error().detail;
        if (!rt.ok()) return 0;
        auto lost = (*rt)->store->writer().run<std::size_t>([&](StoreTx& tx) {
            std::size_t absent = 0;
            for (const Request& r : round) {
                if (r.outcome != Outcome::Approved) continue;
                auto txn = tx.txn(std::stoll(r.rrn));
                if (!txn || txn->state != TxnState::Approved || txn->kind != TxnKind::Purchase ||
                    txn->amount.minor() != kAmountMinor) {
                    ++absent;
                }
            }
            return Result<std::size_t>(absent);
        });
        EXPECT_TRUE(lost.ok());
        EXPECT_EQ(lost.ok() ? *lost : 1, 0u) << "an approved purchase is missing after SIGKILL";
        auto report = (*rt)->store->verify();
        EXPECT_TRUE(report.ok()) << report.summary();
        return purchasesSince(**rt) - approvedSoFar(round);
    }

    // Purchases in the database beyond those the demo data made.
    std::size_t purchasesSince(server::Runtime& rt) {
        auto reader = rt.store->openReader();
        store::Statement s(*reader, "SELECT COUNT(*) FROM card_txn WHERE kind = ?1");
        s.bind(1, toString(TxnKind::Purchase));
        s.step();
        return static_cast<std::size_t>(s.columnInt(0)) - demo_purchases_;
    }

    // Requests answered approved so far: the earlier rounds' (all approved after their
    // retries) and this round's approved ones.
    std::size_t approvedSoFar(const std::vector<Request>& round) const {
        std::size_t n = done_.size();
        for (const Request& r : round) n += r.outcome == Outcome::Approved ? 1 : 0;
        return n;
    }

    std::filesystem::path dir_;
    std::vector<std::vector<std::string>> terminals_, cards_;
    std::unique_ptr<testing::YikadProcess> server_;
    std::size_t demo_purchases_ = 0;
    std::map<CardId, std::int64_t> opening_;  // every card's balance before the test
    std::vector<Request> done_;               // every request of the finished rounds, approved
};

TEST_F(CrashEndToEnd, SigkillUnderLoadLosesNoApprovalAndRetriesGetTheirFirstAnswer) {
    {
        auto rt = server::openRuntime(data().string());
        ASSERT_TRUE(rt.ok()) << rt.error().detail;
        demo_purchases_ = 0;
        demo_purchases_ = purchasesSince(**rt);
        auto reader = (*rt)->store->openReader();
        store::Statement s(*reader, "SELECT id, balance_minor FROM card");
        while (s.step()) opening_[s.columnInt(0)] = s.columnInt(1);
    }
    std::mt19937 rng(kSeed);
    std::array<std::uint32_t, kTerminals> traces{};
    traces.fill(1);
    std::size_t committed_unanswered_rounds = 0, uncommitted_rounds = 0;
    std::vector<Request> previous;  // the last round's requests, to retry after the restart

    for (int round_no = 0; round_no <= kRounds; ++round_no) {
        ASSERT_TRUE(server_->start()) << server_->error();

        // Retry every request of the round before the kill, from its own terminal.
        for (std::size_t t = 0; t < kTerminals; ++t) {
            auto terminal =
                testing::PosTerminal::connect(server_->posPort(), terminals_[t], traces[t]);
            ASSERT_TRUE(terminal.has_value()) << "terminal " << t << " cannot sign on";
            for (Request& r : previous) {
                if (r.terminal != t) continue;
                auto answer = terminal->purchase(r.trace, cards_[r.card][0], kAmountMinor);
                ASSERT_TRUE(answer.has_value()) << "retry of trace " << r.trace;
                ASSERT_EQ(answer->responseCode(), ResponseCode::Approved)
                    << "retry of trace " << r.trace << " answered "
                    << std::string(answer->get(Field::ResponseCode));
                if (r.outcome == Outcome::Approved) {
                    EXPECT_EQ(std::string(answer->get(Field::RetrievalReference)), r.rrn);
                    EXPECT_EQ(std::string(answer->get(Field::AuthorizationId)), r.auth);
                } else {
                    r.outcome = Outcome::Approved;
                    r.rrn = std::string(answer->get(Field::RetrievalReference));
                    r.auth = std::string(answer->get(Field::AuthorizationId));
                }
            }
        }
        done_.insert(done_.end(), previous.begin(), previous.end());
        previous.clear();
        if (round_no == kRounds) break;

        // Load, then SIGKILL after a random number of answers.
        Round round;
        std::atomic<bool> stop{false};
        std::vector<std::thread> buyers;
        for (std::size_t t = 0; t < kTerminals; ++t) {
            buyers.emplace_back([&, t, port = server_->posPort()] {
                auto terminal = testing::PosTerminal::connect(port, terminals_[t], traces[t]);
                if (!terminal) return;  // killed during the sign-on
                for (std::size_t i = 0; !stop.load(); ++i) {
                    Request r;
                    r.terminal = t;
                    r.trace = traces[t];
                    traces[t] = term::nextTrace(traces[t]);
                    r.card = kFirstCard + (t + kTerminals * (r.trace % 7)) % kCards;
                    const std::size_t index = round.add(r);
                    auto answer = terminal->purchase(r.trace, cards_[r.card][0], kAmountMinor);
                    if (!answer) return;  // killed: this request is unanswered
                    round.answer(index, *answer);
                }
            });
        }
        const std::size_t answers = std::uniform_int_distribution<std::size_t>(1, 18)(rng);
        ASSERT_TRUE(round.waitForAnswers(answers)) << server_->stderrText();
        const auto spin =
            std::chrono::microseconds(std::uniform_int_distribution<int>(0, 2000)(rng));
        for (auto until = std::chrono::steady_clock::now() + spin;
             std::chrono::steady_clock::now() < until;) {
        }
        server_->kill();
        stop.store(true);
        for (auto& b : buyers) b.join();

        const std::size_t unanswered = round.in_flight;
        const std::size_t committed_anyway = checkApprovalsDurable(round.requests);
        EXPECT_LE(committed_anyway, unanswered);
        if (committed_anyway > 0) ++committed_unanswered_rounds;
        if (unanswered > committed_anyway) ++uncommitted_rounds;
        auto verify = testing::runYikad(YIKAD_PATH, "verify --data " + data().string());
        ASSERT_EQ(verify.exit_code, 0) << "round " << round_no << ":\n" << verify.output;
        previous = std::move(round.requests);
    }
    server_->stop();

    // Every request approved exactly once: per card, one debit per request and no other.
    auto rt = server::openRuntime(data().string());
    ASSERT_TRUE(rt.ok()) << rt.error().detail;
    EXPECT_EQ(purchasesSince(**rt), done_.size());
    using Balances = std::map<CardId, std::pair<std::int64_t, std::int64_t>>;  // debits, balance
    auto balances = (*rt)->store->writer().run<Balances>([&](StoreTx& tx) -> Result<Balances> {
        Balances out;
        std::map<std::size_t, CardId> card_of_row;
        for (const Request& r : done_) {
            auto txn = tx.txn(std::stoll(r.rrn));
            if (!txn) return makeError(ErrorCode::NotFound, "txn " + r.rrn);
            auto [it, fresh] = card_of_row.emplace(r.card, txn->card_id);
            if (!fresh && it->second != txn->card_id) {
                return makeError(ErrorCode::InvalidArgument, "txn " + r.rrn + " on another card");
            }
            auto card = tx.card(txn->card_id);
            if (!card) return makeError(ErrorCode::NotFound, "card of txn " + r.rrn);
            out[card->id].first += kAmountMinor;
            out[card->id].second = card->balance.minor();
        }
        return out;
    });
    ASSERT_TRUE(balances.ok()) << balances.error().detail;
    for (const auto& [card, figures] : *balances) {
        EXPECT_EQ(figures.second, opening_.at(card) - figures.first) << "card " << card;
    }
    auto report = (*rt)->store->verify();
    EXPECT_TRUE(report.ok()) << report.summary();
    std::printf(
        "crash rounds: %d kills, %zu requests, %zu rounds left a committed request "
        "unanswered, %zu left an uncommitted one\n",
        kRounds, done_.size(), committed_unanswered_rounds, uncommitted_rounds);
    EXPECT_GE(done_.size(), static_cast<std::size_t>(kRounds));
}

}  // namespace
}  // namespace yika
