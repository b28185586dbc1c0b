#pragma once

// Test support for the admin API: a real AdminServer on port 0 over AcceptanceWorld (a real
// store, real crypto, a product, a merchant and terminals), with one operator of each role
// logged in (two of issuance and finance, for maker-checker), a manufacturer key for sealed
// files, and the real payout_release executor (issue 5). Every test ends with the ledger
// invariants and the audit chain check.

#include "card_core/domain/spend_service.h"
#include "card_core/domain/store.h"
#include "crypto/audit_chain.h"
#include "crypto/seal_key.h"
#include "terminal_api/http/http_test_support.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>

#include "admin_api/admin_server.h"
#include "admin_api/audit_verify.h"
#include "admin_api/bootstrap.h"
#include "admin_api/json_tree.h"

namespace yika::admin::testing {

using http::testing::AcceptanceWorld;

struct Answer {
    int status = 0;
    std::string body;
    std::string content_type;
    Poco::JSON::Object::Ptr json;

    // A member by dotted path ("batch.id", "error.code"); empty / -1 when absent.
    Poco::Dynamic::Var at(const std::string& path) const {
        if (!json) return {};
        Poco::JSON::Object::Ptr o = json;
        std::string rest = path;
        for (;;) {
            auto dot = rest.find('.');
            std::string name = rest.substr(0, dot);
            if (!o->has(name)) return {};
            if (dot == std::string::npos) return o->get(name);
            o = o->getObject(name);
            if (!o) return {};
            rest = rest.substr(dot + 1);
        }
    }
    std::string str(const std::string& path) const {
        auto v = at(path);
        return v.isEmpty() ? std::string() : v.convert<std::string>();
    }
    std::int64_t num(const std::string& path) const {
        auto v = at(path);
        return v.isEmpty() ? -1 : v.convert<Poco::Int64>();
    }
    std::string code() const { return str("error.code"); }
    std::size_t items() const {
        return json && json->has("items") ? json->getArray("items")->size() : 0;
    }
};

class Client {
  public:
    Client(std::uint16_t port, std::string token) : port_(port), token_(std::move(token)) {}

    Answer send(const std::string& method, const std::string& path, const std::string& body = {},
                const std::vector<std::pair<std::string, std::string>>& headers = {}) const {
        Poco::Net::HTTPClientSession session("127.0.0.1", port_);
        session.setTimeout(Poco::Timespan(30, 0));
        Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        if (!token_.empty()) request.set("Authorization", "Bearer " + token_);
        if (method == "POST") {
            request.setContentType("application/json");
            request.setContentLength64(static_cast<Poco::Int64>(body.size()));
        }
        for (const auto& [name, value] : headers) request.set(name, value);
        session.sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        Answer a;
        a.status = static_cast<int>(response.getStatus());
        a.content_type = response.getContentType();
        std::ostringstream out;
        Poco::StreamCopier::copyStream(in, out);
        a.body = out.str();
        if (!a.body.empty() && a.body[0] == '{') {
            a.json = Poco::JSON::Parser().parse(a.body).extract<Poco::JSON::Object::Ptr>();
        }
        return a;
    }
    Answer get(const std::string& path) const { return send("GET", path); }
    Answer post(const std::string& path, const std::string& body = "{}") const {
        return send("POST", path, body);
    }
    const std::string& token() const { return token_; }

  private:
    std::uint16_t port_;
    std::string token_;
};

constexpr const char* kPassword = "correct-horse-battery";

class AdminApiTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("yika-admin-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
        std::filesystem::create_directories(dir_);
        auto pair = crypto::generateSealKeyPair();
        ASSERT_TRUE(crypto::writeSealPublicKeyFile(keyPath(), pair.public_key).ok());
        start();
    }

    void TearDown() override {
        server_.reset();
        auto report = world_.verify();
        EXPECT_TRUE(report.ok()) << report.summary();
        if (check_chain_) {
            auto chain = chainReport();
            EXPECT_TRUE(chain.ok()) << chain.summary();
        }
        std::filesystem::remove_all(dir_);
    }

    std::string keyPath() const { return (dir_ / "manufacturer.pub").string(); }

    void start() {
        limits_.password_ops = 1;  // fast hashing for tests
        limits_.password_mem_kib = 8;
        limits_.password_bytes_min = 12;
        AdminOptions options;
        options.limits = limits_;
        options.exports_dir = (dir_ / "exports").string();
        options.manufacturer_public_key = keyPath();
        options.batch_chunk_cards = 7;  // several chunks even for small batches
        options.on_terminal_added = [this](const std::string& tid) { added_tids_.push_back(tid); };
        options.kinds.emplace_back(ApprovalKind::PayoutRelease, payoutReleaseKind());
        options.day.chunk_cards = 100;
        server_ = std::make_unique<AdminServer>(
            AdminDeps{world_.store(), world_.pins, world_.vault, world_.random, world_.policies,
                      world_.clock, world_.keys},
            std::move(options));
        ASSERT_TRUE(server_->start("127.0.0.1", 0).ok());
        auto first =
            createFirstAdministrator(world_.store().writer(), world_.keys, world_.random,
                                     world_.clock, "admin", crypto::PasswordCost::forTests());
        ASSERT_TRUE(first.ok());
        first_password_ = first->one_time_password;
        admin_ = loginAndChange("admin", first_password_);
        for (auto [name, role] :
             {std::pair{"iss.a", "issuance"}, std::pair{"iss.b", "issuance"},
              std::pair{"fin.a", "finance"}, std::pair{"fin.b", "finance"},
              std::pair{"cs.a", "customer_service"}, std::pair{"aud.a", "auditor"}}) {
            Answer made = admin_.post("/v1/operators", std::string(R"({"name":")") + name +
                                                           R"(","display_name":")" + name +
                                                           R"(","role":")" + role + R"("})");
            ASSERT_EQ(made.status, 201) << made.body;
            clients_.emplace(name, loginAndChange(name, made.str("one_time_password")));
        }
    }

    Client anonymous() const { return Client(server_->port(), ""); }

    Answer login(const std::string& name, const std::string& password) const {
        return anonymous().post("/v1/session",
                                R"({"name":")" + name + R"(","password":")" + password + R"("})");
    }

    Client loginAndChange(const std::string& name, const std::string& one_time) {
        Answer in = login(name, one_time);
        EXPECT_EQ(in.status, 200) << in.body;
        EXPECT_EQ(in.at("operator.must_change_password").convert<bool>(), true);
        Client c(server_->port(), in.str("token"));
        Answer changed =
            c.post("/v1/session/password", R"({"old_password":")" + one_time +
                                               R"(","new_password":")" + kPassword + R"("})");
        EXPECT_EQ(changed.status, 200) << changed.body;
        return Client(server_->port(), changed.str("token"));
    }

    const Client& as(const std::string& name) const {
        if (name == "admin") return admin_;
        return clients_.at(name);
    }

    // A batch of `count` cards requested by iss.a, approved by iss.b, generated, exported and
    // received into stock at `location`; its id.
    std::int64_t stockedBatch(std::int64_t count, const std::string& location = "HQ") {
        Answer requested = as("iss.a").post(
            "/v1/batches", R"({"product_id":)" + std::to_string(world_.product_id) +
                               R"(,"quantity":)" + std::to_string(count) + R"(,"location":")" +
                               location + R"("})");
        EXPECT_EQ(requested.status, 201) << requested.body;
        std::int64_t batch = requested.num("batch.id");
        std::int64_t approval = requested.num("approval.id");
        EXPECT_EQ(as("iss.b").post("/v1/approvals/" + std::to_string(approval) + "/approve").status,
                  200);
        Answer generated = as("iss.a").post("/v1/batches/" + std::to_string(batch) + "/generate",
                                            R"({"wait":true})");
        EXPECT_EQ(generated.status, 200) << generated.body;
        EXPECT_EQ(generated.str("state"), "GENERATED") << generated.body;
        EXPECT_EQ(as("iss.a").post("/v1/batches/" + std::to_string(batch) + "/export").status, 200);
        EXPECT_EQ(as("iss.a").post("/v1/batches/" + std::to_string(batch) + "/receive").status,
                  200);
        return batch;
    }

    // Sells `count` stocked cards at HQ to a real-name individual through the API (customer
    // service creates, finance records the payment); the order id.
    std::int64_t soldOrder(std::int64_t count, std::int64_t load_each_minor,
                           const std::string& id_number = "11010519491231002X") {
        Answer order = as("cs.a").post("/v1/orders", orderBody(count, load_each_minor, id_number));
        EXPECT_EQ(order.status, 201) << order.body;
        std::int64_t id = order.num("order.id");
        Answer paid = as("fin.a").post(
            "/v1/orders/" + std::to_string(id) + "/payment",
            R"({"method":"bank_transfer","amount_minor":)" +
                std::to_string(order.num("order.pay_total_minor")) +
                R"(,"payer_name":"Zhang San","payer_account":"6222020200001234567","reference":"T1"})");
        EXPECT_EQ(paid.status, 200) << paid.body;
        return id;
    }

    std::string orderBody(std::int64_t count, std::int64_t load_each_minor,
                          const std::string& id_number) const {
        return R"({"buyer":{"kind":"individual","name":"Zhang San","id_type":"resident_id","id_number":")" +
               id_number + R"("},"lines":[{"product_id":)" + std::to_string(world_.product_id) +
               R"(,"count":)" + std::to_string(count) + R"(,"load_each_minor":)" +
               std::to_string(load_each_minor) +
               R"(}],"location":"HQ","payment_method":"bank_transfer"})";
    }

    std::vector<std::int64_t> cardsOf(std::int64_t order) const {
        Answer o = as("aud.a").get("/v1/orders/" + std::to_string(order));
        std::vector<std::int64_t> out;
        auto ids = o.json->getObject("order")->getArray("card_ids");
        for (unsigned i = 0; i < ids->size(); ++i) out.push_back(ids->getElement<Poco::Int64>(i));
        return out;
    }

    // Sells a card loaded with `load_minor` and spends `spend_minor` of it at the world's
    // merchant on the current business date.
    void spendAtMerchant(std::int64_t load_minor, std::int64_t spend_minor) {
        auto sold = world_.sellCards(1, Money::fromMinor(load_minor, Currency::Cny));
        ASSERT_TRUE(sold.ok()) << sold.error().detail;
        PurchaseRequest r;
        r.card_id = (*sold)[0].id;
        r.merchant_id = world_.merchant_id;
        r.amount = Money::fromMinor(spend_minor, Currency::Cny);
        r.idem_key = "admin-test-" + std::to_string(++purchases_);
        r.pin = (*sold)[0].pin;
        auto txn = world_.store().writer().run<CardTxn>([&](StoreTx& tx) {
            return purchase(tx, r, world_.pins, world_.policies, world_.clock.nowMs());
        });
        ASSERT_TRUE(txn.ok()) << txn.error().detail;
        ASSERT_EQ(txn->state, TxnState::Approved);
    }

    // Cuts off the business date (fin.a) and closes it through the API, waiting for the job;
    // the date closed.
    std::string cutOffAndClose() {
        Answer cut = as("fin.a").post("/v1/day/cutoff");
        EXPECT_EQ(cut.status, 200) << cut.body;
        std::string date = cut.str("cut_off_date");
        Answer closed = as("fin.a").post("/v1/days/" + date + "/close", R"({"wait":true})");
        EXPECT_EQ(closed.status, 200) << closed.body;
        EXPECT_EQ(closed.str("state"), "CLOSED") << closed.body;
        return date;
    }

    std::int64_t queryInt(const std::string& sql) {
        auto db = world_.store().openReader();
        store::Statement s(*db, sql);
        s.step();
        return s.columnInt(0);
    }

    AuditChainReport chainReport() {
        auto db = world_.store().openReader();
        store::SqliteStoreTx reader(*db);
        return verifyAuditChain(reader, crypto::SodiumAuditChain(world_.keys));
    }

    AcceptanceWorld world_;
    AdminLimits limits_;
    std::filesystem::path dir_;
    std::unique_ptr<AdminServer> server_;
    std::string first_password_;
    Client admin_{0, ""};
    std::map<std::string, Client> clients_;
    std::vector<std::string> added_tids_;
    bool check_chain_ = true;
    int purchases_ = 0;
    static inline int counter_ = 0;
};

}  // namespace yika::admin::testing
