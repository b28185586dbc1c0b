// End to end through the real yikad binary (issues 5 and 6): a demo day of purchases is cut off
// and closed through the admin API by a finance operator; the report CSVs the API answers are
// the bytes `yikad report NAME --csv` prints for the same data; the payout file released by a
// second operator's approval is the file `yikad payout export` writes; `yikad verify` (ledger
// invariants and the audit chain) passes afterwards.

#include "tests/support/yikad_process.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <unistd.h>

namespace yika {
namespace {

struct Reply {
    int status = 0;
    std::string body;
    Poco::JSON::Object::Ptr json;
    std::string str(const std::string& name) const {
        return json && json->has(name) ? json->getValue<std::string>(name) : std::string();
    }
};

class Api {
  public:
    Api(std::uint16_t port, std::string token) : port_(port), token_(std::move(token)) {}
    Reply send(const std::string& method, const std::string& path,
               const std::string& body = {}) const {
        Poco::Net::HTTPClientSession session("127.0.0.1", port_);
        session.setTimeout(Poco::Timespan(60, 0));
        Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        if (!token_.empty()) request.set("Authorization", "Bearer " + token_);
        if (method == "POST") {
            request.setContentType("application/json");
            request.setContentLength64(static_cast<Poco::Int64>(body.size()));
        }
        session.sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        Reply r;
        r.status = static_cast<int>(response.getStatus());
        std::ostringstream out;
        Poco::StreamCopier::copyStream(in, out);
        r.body = out.str();
        if (!r.body.empty() && r.body[0] == '{') {
            r.json = Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>();
        }
        return r;
    }
    Reply get(const std::string& path) const { return send("GET", path); }
    Reply post(const std::string& path, const std::string& body = "{}") const {
        return send("POST", path, body);
    }

  private:
    std::uint16_t port_;
    std::string token_;
};

constexpr const char* kPassword = "end-to-end-password-1";

std::string readAll(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), {}};
}

class AdminDayE2e : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::path(::testing::TempDir()) /
               ("yika-admin-day-e2e-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string data() const { return "--data " + (dir_ / "data").string(); }

    // Logs in with a one-time password and changes it; a client with the new session.
    Api firstLogin(std::uint16_t port, const std::string& name, const std::string& one_time) {
        Reply in = Api(port, "").post(
            "/v1/session", R"({"name":")" + name + R"(","password":")" + one_time + R"("})");
        EXPECT_EQ(in.status, 200) << in.body;
        Reply changed =
            Api(port, in.str("token"))
                .post("/v1/session/password", R"({"old_password":")" + one_time +
                                                  R"(","new_password":")" + kPassword + R"("})");
        EXPECT_EQ(changed.status, 200) << changed.body;
        return Api(port, changed.str("token"));
    }

    Api newOperator(const Api& admin, std::uint16_t port, const std::string& name,
                    const std::string& role) {
        Reply made = admin.post("/v1/operators", R"({"name":")" + name + R"(","display_name":")" +
                                                     name + R"(","role":")" + role + R"("})");
        EXPECT_EQ(made.status, 201) << made.body;
        return firstLogin(port, name, made.str("one_time_password"));
    }

    std::filesystem::path dir_;
};

TEST_F(AdminDayE2e, CloseThroughTheApiAndTheCommandLineAgree) {
    testing::CliRun init = testing::runYikad(YIKAD_PATH, "init " + data() + " --demo");
    ASSERT_EQ(init.exit_code, 0) << init.output;
    const std::string marker = "change it at first login): ";
    auto at = init.output.find(marker);
    ASSERT_NE(at, std::string::npos) << init.output;
    std::string one_time = init.output.substr(at + marker.size());
    one_time = one_time.substr(0, one_time.find('\n'));

    testing::YikadProcess server(YIKAD_PATH, dir_ / "data", dir_ / "stderr.txt");
    // Cheap password hashing keeps the test quick; day.auto_cutoff off: only operators cut off.
    ASSERT_TRUE(server.start({"YIKA_ADMIN_PASSWORD_MEM_KIB=8192", "YIKA_DAY_AUTO_CUTOFF=false"}))
        << server.error();
    const std::uint16_t port = server.adminPort();
    ASSERT_NE(port, 0);
    Api admin = firstLogin(port, "admin", one_time);
    Api fin_a = newOperator(admin, port, "fin.a", "finance");
    Api fin_b = newOperator(admin, port, "fin.b", "finance");

    Reply cut = fin_a.post("/v1/day/cutoff");
    ASSERT_EQ(cut.status, 200) << cut.body;
    const std::string day = cut.str("cut_off_date");
    Reply closed = fin_a.post("/v1/days/" + day + "/close", R"({"wait":true})");
    ASSERT_EQ(closed.status, 200) << closed.body;
    ASSERT_EQ(closed.str("state"), "CLOSED") << closed.body;

    std::map<std::string, std::string> api_csv;
    for (const char* name : {"trial-balance", "settlement", "activity", "day", "liability"}) {
        Reply r = fin_a.get("/v1/reports/" + std::string(name) + "?date=" + day + "&format=csv");
        ASSERT_EQ(r.status, 200) << name << ": " << r.body;
        api_csv[name] = r.body;
    }
    EXPECT_NE(api_csv["trial-balance"].find(",balanced,"), std::string::npos)
        << api_csv["trial-balance"];

    Reply requested = fin_a.post("/v1/days/" + day + "/payout-release");
    ASSERT_EQ(requested.status, 201) << requested.body;
    EXPECT_EQ(fin_a.get("/v1/days/" + day + "/payout-file").status, 409);
    Reply approved =
        fin_b.post("/v1/approvals/" + std::to_string(requested.json->getValue<Poco::Int64>("id")) +
                   "/approve");
    ASSERT_EQ(approved.str("state"), "EXECUTED") << approved.body;
    Reply file = fin_a.get("/v1/days/" + day + "/payout-file");
    ASSERT_EQ(file.status, 200) << file.body;
    EXPECT_EQ(server.stop(), 0) << server.stderrText();

    // The command line, on the same data: the same bytes.
    for (const auto& [name, csv] : api_csv) {
        testing::CliRun cli = testing::runYikad(
            YIKAD_PATH, "report " + name + " " + data() + " --date " + day + " --csv");
        ASSERT_EQ(cli.exit_code, 0) << cli.output;
        EXPECT_EQ(cli.output, csv) << name;
    }
    const auto exported = dir_ / "payout.csv";
    testing::CliRun payout = testing::runYikad(
        YIKAD_PATH, "payout export " + data() + " --date " + day + " --to " + exported.string());
    ASSERT_EQ(payout.exit_code, 0) << payout.output;
    EXPECT_EQ(readAll(exported), file.body);
    testing::CliRun verify = testing::runYikad(YIKAD_PATH, "verify " + data());
    EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

}  // namespace
}  // namespace yika
