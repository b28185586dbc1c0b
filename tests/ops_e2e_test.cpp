// Operations end to end through the real yikad binary (issue 8): `yikad serve` with demo data
// and YIKA_* overrides, terminals buying over ISO 8583 in three threads, and meanwhile
// /healthz, /readyz, /metrics, an online backup, then SIGTERM. Afterwards: every purchase
// acknowledged before the stop is in the database, the ledger verifies, the backup restores into
// a new folder and verifies, and the JSON log holds no card number or PIN.

#include "card_core/domain/txn.h"
#include "crypto/hex.h"
#include "server/data_dir.h"
#include "terminal_api/iso8583/codec.h"
#include "terminal_api/term/requests.h"
#include "terminal_api/term/tcp_link.h"
#include "tests/support/yikad_process.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace yika {
namespace {

using iso8583::Field;
using iso8583::Message;
using iso8583::ResponseCode;
using iso8583::TransactionType;

constexpr int kTimeoutMs = 5000;
constexpr std::int64_t kAmountMinor = 100;

using testing::CliRun;
using testing::readCsv;

CliRun yikad(const std::string& args) { return testing::runYikad(YIKAD_PATH, args); }

std::pair<int, std::string> httpGet(std::uint16_t port, const std::string& path) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest request("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::string body((std::istreambuf_iterator<char>(in)), {});
    return {static_cast<int>(response.getStatus()), body};
}

// The acknowledged purchases: retrieval reference (the transaction id) and when.
struct Acknowledged {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<TxnId> txns;
    std::array<std::size_t, 3> per_terminal{};

    void add(std::size_t terminal, TxnId id) {
        {
            std::lock_guard lock(mutex);
            txns.push_back(id);
            ++per_terminal[terminal];
        }
        changed.notify_all();
    }
    std::size_t size() {
        std::lock_guard lock(mutex);
        return txns.size();
    }
    // Waits (bounded) until at least n purchases are acknowledged, one at least per terminal
    // (so that all three are connected and signed on).
    bool waitFor(std::size_t n) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, std::chrono::seconds(10), [&] {
            return txns.size() >= n && std::all_of(per_terminal.begin(), per_terminal.end(),
                                                   [](std::size_t count) { return count > 0; });
        });
    }
};

// One terminal buying 1.00 on its cards round-robin until `stop`, or until the server stops
// answering (the connection closes while yikad drains: those purchases were not acknowledged).
void buyUntilStopped(std::size_t index, std::uint16_t port, std::vector<std::string> terminal,
                     std::vector<std::string> pans, const std::atomic<bool>& stop,
                     Acknowledged& acked) {
    auto link = term::TcpLink::connect("127.0.0.1", port, kTimeoutMs);
    ASSERT_TRUE(link.ok());
    auto tmk = crypto::fromHex(terminal[2]);
    ASSERT_TRUE(tmk.has_value());
    term::TerminalContext context{terminal[0], terminal[1], "000001"};
    std::uint32_t trace = 1;
    auto exchange = [&](const Bytes& frame) -> std::optional<std::pair<Message, Bytes>> {
        if (!link->send(frame, kTimeoutMs).ok()) return std::nullopt;
        auto body = link->receiveFrame({}, kTimeoutMs);
        if (!body.ok()) return std::nullopt;
        auto m = iso8583::decode(*body, {});
        if (!m.ok()) return std::nullopt;
        return std::make_pair(*m, *body);
    };
    auto signed_on = exchange(term::sealFrame(term::buildSignOn(context, trace++), {}));
    ASSERT_TRUE(signed_on.has_value());
    auto accepted =
        term::acceptSignOnResponse(signed_on->first, Bytes(tmk->begin(), tmk->end()), terminal[0]);
    ASSERT_TRUE(accepted.ok());
    context.batch = accepted->batch;
    auto keys =
        crypto::deriveSessionKeys(Bytes(tmk->begin(), tmk->end()), terminal[0], accepted->nonce);
    for (std::size_t i = 0; !stop.load(); ++i) {
        term::CardRequest r;
        r.type = TransactionType::Purchase;
        r.pan = pans[i % pans.size()];
        r.amount = Money::fromMinor(kAmountMinor, Currency::Cny);
        r.trace = trace++;
        auto m = term::buildCardRequest(context, r, keys.pin_key.span());
        ASSERT_TRUE(m.ok());
        auto answer = exchange(term::sealFrame(*m, keys.mac_key.span()));
        if (!answer) return;  // draining: unanswered, so not acknowledged
        if (answer->first.responseCode() == ResponseCode::Approved) {
            acked.add(index, std::stoll(std::string(answer->first.get(Field::RetrievalReference))));
        }
    }
}

class OpsEndToEnd : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::path(::testing::TempDir()) /
               ("yika-ops-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        CliRun init = yikad("init --data " + data().string() + " --demo");
        ASSERT_EQ(init.exit_code, 0) << init.output;
    }
    void TearDown() override {
        server_.reset();
        std::filesystem::remove_all(dir_);
    }
    std::filesystem::path data() const { return dir_ / "data"; }
    std::filesystem::path log() const { return dir_ / "yikad.log"; }

    // Starts `yikad serve` on ephemeral ports with request logging through the environment
    // (stderr, the JSON log, goes to log() through log.file).
    void startServer() {
        server_ = std::make_unique<testing::YikadProcess>(YIKAD_PATH, data(), dir_ / "stderr.txt");
        ASSERT_TRUE(server_->start({"YIKA_LOG_LEVEL=debug", "YIKA_LOG_FILE=" + log().string()}))
            << server_->error();
        pos_port_ = server_->posPort();
        http_port_ = server_->httpPort();
        ops_port_ = server_->opsPort();
    }

    // SIGTERM, then the exit status (bounded by the test's timeout).
    int stopServer() { return server_->stop(); }

    std::string readLog() const {
        std::ifstream in(log());
        return std::string((std::istreambuf_iterator<char>(in)), {});
    }

    std::filesystem::path dir_;
    std::unique_ptr<testing::YikadProcess> server_;
    std::uint16_t pos_port_ = 0;
    std::uint16_t ops_port_ = 0;
    std::uint16_t http_port_ = 0;
};

TEST_F(OpsEndToEnd, ServeBackupStopRestartRestoreAndCleanLogs) {
    auto terminals = readCsv(data() / "demo/terminals.csv");
    auto cards = readCsv(data() / "demo/cards.csv");
    ASSERT_GE(terminals.size(), 3u);
    ASSERT_GE(cards.size(), 22u);
    startServer();

    auto health = httpGet(ops_port_, "/healthz");
    EXPECT_EQ(health.first, 200);
    auto ready = httpGet(ops_port_, "/readyz");
    EXPECT_EQ(ready.first, 200) << ready.second;
    EXPECT_NE(ready.second.find("store_writable ok"), std::string::npos) << ready.second;

    // Three terminals, each on its own named cards of 500.00 (cards 2-21).
    std::atomic<bool> stop{false};
    Acknowledged acked;
    std::vector<std::thread> buyers;
    for (std::size_t t = 0; t < 3; ++t) {
        std::vector<std::string> pans;
        for (std::size_t c = 2 + t; c < 22; c += 3) pans.push_back(cards[c][0]);
        buyers.emplace_back(buyUntilStopped, t, pos_port_, terminals[t], pans, std::cref(stop),
                            std::ref(acked));
    }
    // The JSON API: its document, and an unsigned purchase carrying a card number (refused;
    // the body is never logged).
    EXPECT_EQ(httpGet(http_port_, "/v1/openapi.yaml").first, 200);
    {
        Poco::Net::HTTPClientSession session("127.0.0.1", http_port_);
        session.setTimeout(Poco::Timespan(5, 0));
        Poco::Net::HTTPRequest request("POST", "/v1/terminal/purchase",
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        std::string body = R"({"pan":")" + cards[2][0] + R"(","pin":")" + cards[2][1] +
                           R"(","amount_minor":100,"currency":"CNY"})";
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
        session.sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        session.receiveResponse(response);
        EXPECT_EQ(response.getStatus(), Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED);
    }
    ASSERT_TRUE(acked.waitFor(30));
    const std::size_t acked_before_backup = acked.size();
    std::string backup = (dir_ / "yika-backup.db").string();
    CliRun backed_up = yikad("backup --data " + data().string() + " --to " + backup);
    ASSERT_EQ(backed_up.exit_code, 0) << backed_up.output;
    ASSERT_TRUE(acked.waitFor(acked.size() + 30)) << "purchases continue after the backup";

    auto metrics = httpGet(ops_port_, "/metrics");
    ASSERT_EQ(metrics.first, 200);
    EXPECT_NE(metrics.second.find("yika_requests_total{protocol=\"iso8583\",code=\"00\"} "),
              std::string::npos);
    EXPECT_NE(metrics.second.find("yika_request_duration_seconds_count{protocol=\"iso8583\"}"),
              std::string::npos);
    EXPECT_NE(metrics.second.find("yika_commit_batch_operations_count "), std::string::npos);
    EXPECT_NE(metrics.second.find("yika_requests_total{protocol=\"http\",status=\"200\"} 1\n"),
              std::string::npos);
    EXPECT_NE(metrics.second.find("yika_requests_total{protocol=\"http\",status=\"401\"} 1\n"),
              std::string::npos);
    EXPECT_NE(metrics.second.find("yika_open_connections{protocol=\"iso8583\"} 3\n"),
              std::string::npos)
        << metrics.second;
    EXPECT_NE(metrics.second.find("yika_day_close_duration_seconds_count 0\n"), std::string::npos);

    // SIGTERM while the terminals are still buying.
    EXPECT_EQ(stopServer(), 0) << readLog();
    stop.store(true);
    for (auto& b : buyers) b.join();
    std::vector<TxnId> acknowledged;
    {
        std::lock_guard lock(acked.mutex);
        acknowledged = acked.txns;
    }
    ASSERT_GE(acknowledged.size(), 60u);

    // Restart: every acknowledged purchase is there, approved, for its amount.
    {
        auto rt = server::openRuntime(data().string());
        ASSERT_TRUE(rt.ok()) << rt.error().detail;
        auto missing = (*rt)->store->writer().run<std::size_t>([&](StoreTx& tx) {
            std::size_t absent = 0;
            for (TxnId id : acknowledged) {
                auto txn = tx.txn(id);
                if (!txn || txn->state != TxnState::Approved || txn->amount.minor() != kAmountMinor)
                    ++absent;
            }
            return Result<std::size_t>(absent);
        });
        ASSERT_TRUE(missing.ok());
        EXPECT_EQ(*missing, 0u) << "of " << acknowledged.size() << " acknowledged purchases";
        auto report = (*rt)->store->verify();
        EXPECT_TRUE(report.ok()) << report.summary();
    }
    CliRun verified = yikad("verify --data " + data().string());
    EXPECT_EQ(verified.exit_code, 0) << verified.output;

    // Restore the backup taken under load into a new folder; it verifies, and it holds every
    // purchase acknowledged before the backup started.
    std::string restored = (dir_ / "restored").string();
    CliRun restore = yikad("restore --from " + backup + " --data " + restored + " --key-file " +
                           (data() / "keys/yika.keys").string());
    ASSERT_EQ(restore.exit_code, 0) << restore.output;
    CliRun verify_restored = yikad("verify --data " + restored);
    EXPECT_EQ(verify_restored.exit_code, 0) << verify_restored.output;
    {
        auto rt = server::openRuntime(restored);
        ASSERT_TRUE(rt.ok()) << rt.error().detail;
        auto present = (*rt)->store->writer().run<std::size_t>([&](StoreTx& tx) {
            std::size_t n = 0;
            for (std::size_t i = 0; i < acked_before_backup; ++i)
                if (tx.txn(acknowledged[i])) ++n;
            return Result<std::size_t>(n);
        });
        ASSERT_TRUE(present.ok());
        EXPECT_EQ(*present, acked_before_backup);
    }

    // The log: one JSON object per line, request lines with ids, no card number or PIN.
    std::string text = readLog();
    std::istringstream lines(text);
    std::string line;
    std::size_t request_lines = 0;
    while (std::getline(lines, line)) {
        ASSERT_FALSE(line.empty());
        EXPECT_EQ(line.front(), '{') << line;
        EXPECT_EQ(line.back(), '}') << line;
        EXPECT_NE(line.find("\"level\":\""), std::string::npos) << line;
        if (line.find("\"event\":\"iso8583_request\"") != std::string::npos) {
            ++request_lines;
            EXPECT_NE(line.find("\"request_id\":\""), std::string::npos) << line;
        }
    }
    EXPECT_GE(request_lines, acknowledged.size());
    EXPECT_NE(text.find("\"event\":\"stopped\""), std::string::npos);
    EXPECT_NE(text.find("\"event\":\"http_request\""), std::string::npos);
    for (const auto& card : cards) {
        EXPECT_EQ(text.find(card[0]), std::string::npos) << "card number in the log";
        std::regex pin("(^|[^0-9])" + card[1] + "([^0-9]|$)");
        EXPECT_FALSE(std::regex_search(text, pin)) << "a PIN in the log";
    }
    for (const auto& terminal : terminals) {
        EXPECT_EQ(text.find(terminal[2]), std::string::npos) << "a terminal master key in the log";
    }
}

}  // namespace
}  // namespace yika

namespace yika {
namespace {

// The operator commands without a running server: --config FILE as the package uses it,
// config check with environment overrides, key rotation.
TEST(OpsCommands, ConfigFileEnvironmentAndKeyRotation) {
    auto dir = std::filesystem::path(::testing::TempDir()) /
               ("yika-ops-cli-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string etc = (dir / "yikad.properties").string();
    const std::string data = (dir / "data").string();
    std::ofstream(etc) << "pos.port = 7001\n";

    CliRun init = yikad("--config " + etc + " init --data " + data);
    ASSERT_EQ(init.exit_code, 0) << init.output;
    EXPECT_FALSE(std::filesystem::exists(dir / "data/yikad.properties"))
        << "with --config, init leaves the given file as the only configuration";
    CliRun check = yikad("config check --data " + data + " --config " + etc);
    ASSERT_EQ(check.exit_code, 0) << check.output;
    EXPECT_NE(check.output.find("pos.port = 7001\n"), std::string::npos) << check.output;
    std::string env_prefix = "YIKA_POS_PORT=7002 YIKA_HTTP_THREADS_MAX=0 ";
    std::string command =
        env_prefix + YIKAD_PATH + " --config " + etc + " config check --data " + data + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::array<char, 4096> buf{};
    std::string out;
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
    int status = ::pclose(pipe);
    EXPECT_NE(WEXITSTATUS(status), 0);
    EXPECT_NE(out.find("YIKA_HTTP_THREADS_MAX"), std::string::npos) << out;
    EXPECT_NE(out.find("http.threads_max"), std::string::npos) << out;

    CliRun rotated =
        yikad("--config " + etc + " keys rotate --data " + data + " --purpose pin-verification");
    ASSERT_EQ(rotated.exit_code, 0) << rotated.output;
    EXPECT_NE(rotated.output.find("key id 2"), std::string::npos) << rotated.output;
    CliRun lookup =
        yikad("--config " + etc + " keys rotate --data " + data + " --purpose card-number-lookup");
    EXPECT_NE(lookup.exit_code, 0);
    EXPECT_NE(lookup.output.find("cannot be rotated"), std::string::npos) << lookup.output;
    CliRun verify = yikad("--config " + etc + " verify --data " + data);
    EXPECT_EQ(verify.exit_code, 0) << verify.output;
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace yika
