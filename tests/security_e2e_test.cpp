// Security end to end (issue 9) through the real yikad binary, with request logging on:
// - PIN guessing on one card across all three channels (ISO 8583, the terminal JSON API, the
//   portal's card binding) is stopped after 5 wrong PINs in total: then even the right PIN is
//   refused everywhere (75 / pin_locked / the portal's one generic answer);
// - a wrong MAC is refused (A0) and changes nothing; an unsigned, a wrongly signed and a
//   replayed HTTP request are refused;
// - afterwards no card number (ASCII or BCD), PIN, terminal master key, HTTP key or key-file key
//   appears in the log, in any response, or in the database and its WAL in clear.

#include "card_core/domain/time.h"
#include "card_core/testing/pg_test_db.h"
#include "crypto/hex.h"
#include "crypto/key_ring.h"
#include "server/data_dir.h"
#include "terminal_api/http/http_test_support.h"
#include "terminal_api/http/request_signature.h"
#include "tests/support/pos_terminal.h"
#include "tests/support/yikad_process.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>

#include <unistd.h>

namespace yika {
namespace {

using iso8583::Field;
using iso8583::TransactionType;

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

// A plain JSON POST to the portal, with a bearer token when given.
http::testing::Response portalPost(std::uint16_t port, const std::string& path,
                                   const std::string& body, const std::string& token = {}) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest request("POST", path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    if (!token.empty()) request.set("Authorization", "Bearer " + token);
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    http::testing::Response out;
    out.status = static_cast<int>(response.getStatus());
    out.body.assign(std::istreambuf_iterator<char>(in), {});
    return out;
}

// The stable code of an error body {"error":{"code":"...","message":"..."}}.
std::string errorCode(const std::string& body) {
    std::smatch m;
    return std::regex_search(body, m, std::regex(R"re("code":"([a-z_]+)")re")) ? m[1].str() : "";
}

std::string wrongPin(const std::string& pin) {
    std::string other = pin;
    other[0] = pin[0] == '9' ? '0' : static_cast<char>(pin[0] + 1);
    return other;
}

TEST(SecurityEndToEnd, PinGuessingMacsSignaturesReplaysAndNoSecretInTheClear) {
    const auto dir = std::filesystem::path(::testing::TempDir()) /
                     ("yika-security-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    // Issue 7: on PostgreSQL when YIKA_TEST_PG_URL is set (pg.*), in a schema of its own; every
    // yikad this test runs inherits db.engine and db.url from these variables.
    std::unique_ptr<test::PgTestSchema> schema;
    if (auto url = test::testPgUrl()) {
        schema = std::make_unique<test::PgTestSchema>(*url);
        ::setenv("YIKA_DB_ENGINE", "postgresql", 1);
        ::setenv("YIKA_DB_URL", schema->url().c_str(), 1);
    }
    const auto data = dir / "data";
    const auto log = dir / "yikad.log";
    auto init = testing::runYikad(YIKAD_PATH, "init --data " + data.string() + " --demo");
    ASSERT_EQ(init.exit_code, 0) << init.output;
    auto terminals = testing::readCsv(data / "demo/terminals.csv");
    auto cards = testing::readCsv(data / "demo/cards.csv");
    ASSERT_GE(terminals.size(), 2u);
    ASSERT_GE(cards.size(), 4u);
    const std::string pan = cards[2][0];
    const std::string pin = cards[2][1];

    testing::YikadProcess server(YIKAD_PATH, data, dir / "stderr.txt");
    ASSERT_TRUE(server.start({"YIKA_LOG_LEVEL=debug", "YIKA_LOG_FILE=" + log.string()}))
        << server.error();
    ASSERT_NE(server.portalPort(), 0);
    std::string responses;  // every HTTP answer body, for the secrets scan
    std::uint32_t trace = 1;
    auto pos = testing::PosTerminal::connect(server.posPort(), terminals[0], trace);
    ASSERT_TRUE(pos.has_value());
    auto balance = [&](const std::string& with_pin, bool corrupt_mac = false) {
        term::CardRequest r;
        r.type = TransactionType::BalanceInquiry;
        r.pan = pan;
        r.pin = with_pin;
        r.trace = trace++;
        auto answer = pos->cardRequest(r, corrupt_mac);
        return answer ? std::string(answer->get(Field::ResponseCode)) : std::string("none");
    };
    SystemClock clock;
    auto tmk = crypto::fromHex(terminals[1][2]);
    ASSERT_TRUE(tmk.has_value());
    const http::HttpKey http_key = http::deriveHttpKey(*tmk, terminals[1][0]);
    http::testing::SigningClient api("127.0.0.1", server.httpPort(), terminals[1][0], http_key,
                                     clock);
    auto httpBalance = [&](const std::string& with_pin) {
        auto r = api.post("/v1/terminal/balance",
                          R"({"pan":")" + pan + R"(","pin":")" + with_pin + R"("})");
        responses += r.body;
        return std::to_string(r.status) + " " + errorCode(r.body);
    };

    // Five wrong PINs over three channels: 2 ISO 8583, 2 HTTP, 1 portal.
    EXPECT_EQ(balance(wrongPin(pin)), "55");
    EXPECT_EQ(balance(wrongPin(pin)), "55");
    EXPECT_EQ(httpBalance(wrongPin(pin)), "402 wrong_pin");
    EXPECT_EQ(httpBalance(wrongPin(pin)), "402 wrong_pin");
    auto registered = portalPost(server.portalPort(), "/api/register",
                                 R"({"login":"13900139000","password":"secret-pass-1"})");
    ASSERT_EQ(registered.status, 201) << registered.body;
    const std::string token = http::testing::jsonText(registered.body, "token");
    ASSERT_FALSE(token.empty());
    auto bind = [&](const std::string& with_pin) {
        auto r =
            portalPost(server.portalPort(), "/api/cards/bind",
                       R"({"card_number":")" + pan + R"(","pin":")" + with_pin + R"("})", token);
        responses += r.body;
        return std::to_string(r.status) + " " + errorCode(r.body);
    };
    const std::string generic = bind(wrongPin(pin));
    EXPECT_EQ(generic, "422 card_or_pin");
    // Locked: the right PIN is refused on every channel now.
    EXPECT_EQ(balance(pin), "75");
    EXPECT_EQ(httpBalance(pin), "402 pin_locked");
    EXPECT_EQ(bind(pin), generic);
    // Another card is untouched by the lock.
    {
        term::CardRequest r;
        r.type = TransactionType::BalanceInquiry;
        r.pan = cards[3][0];
        r.pin = cards[3][1];
        r.trace = trace++;
        auto answer = pos->cardRequest(r);
        ASSERT_TRUE(answer.has_value());
        EXPECT_EQ(std::string(answer->get(Field::ResponseCode)), "00");
    }

    // A wrong MAC is refused and debits nothing.
    {
        term::CardRequest r;
        r.type = TransactionType::Purchase;
        r.pan = cards[3][0];
        r.amount = Money::fromMinor(100, Currency::Cny);
        r.trace = trace++;
        auto answer = pos->cardRequest(r, true);
        ASSERT_TRUE(answer.has_value());
        EXPECT_EQ(std::string(answer->get(Field::ResponseCode)), "A0");
    }
    // HTTP: unsigned, wrongly signed, replayed.
    {
        http::testing::RequestSpec unsigned_request;
        unsigned_request.path = "/v1/terminal/balance";
        unsigned_request.body = R"({"pan":")" + cards[3][0] + R"("})";
        unsigned_request.sign = false;
        auto r = api.send(unsigned_request);
        responses += r.body;
        EXPECT_EQ(r.status, 401) << r.body;

        http::testing::RequestSpec forged = unsigned_request;
        forged.sign = true;
        forged.signature = std::string(64, '0');
        r = api.send(forged);
        responses += r.body;
        EXPECT_EQ(r.status, 401) << r.body;

        http::testing::RequestSpec once = unsigned_request;
        once.sign = true;
        once.nonce = http::testing::SigningClient::newNonce();
        r = api.send(once);
        responses += r.body;
        EXPECT_EQ(r.status, 200) << r.body;
        r = api.send(once);
        responses += r.body;
        EXPECT_EQ(r.status, 401) << "a replayed request: " << r.body;
        EXPECT_EQ(errorCode(r.body), "replayed_nonce") << r.body;
    }
    std::string frames;  // every ISO 8583 answer
    for (const iso8583::Bytes& body : pos->received()) frames.append(body.begin(), body.end());
    pos.reset();
    EXPECT_EQ(server.stop(), 0) << server.stderrText();

    // The scan: the log, the server's stderr, every response, the database and its WAL.
    const std::string log_text = readFile(log) + readFile(dir / "stderr.txt");
    ASSERT_FALSE(log_text.empty());
    std::vector<std::pair<std::string, std::string>> secrets;  // what, bytes
    for (const auto& card : cards) {
        secrets.emplace_back("a card number", card[0]);
        std::string bcd;  // the digits packed two per byte, as field 2 carries them
        for (std::size_t i = 0; i + 1 < card[0].size(); i += 2) {
            bcd.push_back(static_cast<char>((card[0][i] - '0') << 4 | (card[0][i + 1] - '0')));
        }
        secrets.emplace_back("a BCD card number", bcd);
    }
    for (const auto& terminal : terminals) {
        secrets.emplace_back("a terminal master key (hex)", terminal[2]);
        auto key = crypto::fromHex(terminal[2]);
        if (key)
            secrets.emplace_back("a terminal master key", std::string(key->begin(), key->end()));
    }
    secrets.emplace_back("the HTTP key (hex)", crypto::toHex(http_key));
    {
        auto rt = server::openRuntime(data.string());
        ASSERT_TRUE(rt.ok()) << rt.error().detail;
        for (crypto::KeyPurpose purpose : crypto::kAllKeyPurposes) {
            auto key = (*rt)->keys.current(purpose).bytes;
            secrets.emplace_back("a key-file key", std::string(key.begin(), key.end()));
            secrets.emplace_back("a key-file key (hex)", crypto::toHex(key));
        }
        auto report = (*rt)->store->verify();
        EXPECT_TRUE(report.ok()) << report.summary();
    }
    // The database's bytes: the SQLite file and its WAL, or on PostgreSQL a dump of the test's
    // schema (bytea columns appear there in hex, so secrets are looked for in hex too).
    std::string database;
    if (schema) {
        auto dump = testing::runYikad(
            "/usr/lib/postgresql/15/bin/pg_dump",
            "--data-only --schema=" + schema->name() + " '" + *test::testPgUrl() + "'");
        ASSERT_EQ(dump.exit_code, 0) << dump.output;
        database = dump.output;
        ASSERT_NE(database.find("COPY " + schema->name() + ".card "), std::string::npos);
    } else {
        database = readFile(data / "yika.db") + readFile(data / "yika.db-wal");
    }
    ASSERT_FALSE(database.empty());
    for (const auto& [what, bytes] : secrets) {
        EXPECT_EQ(log_text.find(bytes), std::string::npos) << what << " in the log";
        EXPECT_EQ(responses.find(bytes), std::string::npos) << what << " in an HTTP answer";
        EXPECT_EQ(frames.find(bytes), std::string::npos) << what << " in an ISO 8583 answer";
        EXPECT_EQ(database.find(bytes), std::string::npos) << what << " in the database";
        if (schema) {
            const std::string hex = crypto::toHex(Bytes(bytes.begin(), bytes.end()));
            EXPECT_EQ(database.find(hex), std::string::npos) << what << " in the database (hex)";
        }
    }
    // PINs: six digits occur by chance in any large binary file, so they are looked for as
    // numbers standing alone in the text the server wrote (the log and the answers); the
    // database holds only PIN verification values by construction (no PIN column).
    for (const auto& card : cards) {
        const std::regex alone("(^|[^0-9])" + card[1] + "([^0-9]|$)");
        EXPECT_FALSE(std::regex_search(log_text, alone)) << "a PIN in the log";
        EXPECT_FALSE(std::regex_search(responses, alone)) << "a PIN in an HTTP answer";
    }
    std::filesystem::remove_all(dir);
    ::unsetenv("YIKA_DB_ENGINE");
    ::unsetenv("YIKA_DB_URL");
}

}  // namespace
}  // namespace yika
