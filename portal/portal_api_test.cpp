// The portal's JSON API and the web-shop API over real HTTP on port 0, with a real store and
// real crypto (AcceptanceWorld): every endpoint, its errors, the whole flow of binding two cards
// and paying an order that needs both, refunds and signed callbacks. Every test ends with the
// ledger invariants.

#include "card_core/domain/online_payment.h"
#include "terminal_api/http/http_test_support.h"
#include "terminal_api/http/request_signature.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <sstream>

#include "portal/portal_server.h"

namespace yika::portal {
namespace {

using http::testing::AcceptanceWorld;
using http::testing::SoldCard;

struct Answer {
    int status = 0;
    std::string body;
    std::vector<std::string> set_cookies;
    Poco::JSON::Object::Ptr json;

    std::string str(const std::string& name) const {
        return json && json->has(name) ? json->getValue<std::string>(name) : std::string();
    }
    std::int64_t num(const std::string& name) const {
        return json && json->has(name) ? json->getValue<Poco::Int64>(name) : -1;
    }
    std::string errorCode() const {
        if (!json || !json->has("error")) return {};
        return json->getObject("error")->getValue<std::string>("code");
    }
};

// A browser-like client: keeps the cookies it is given and sends the CSRF header on POSTs.
class PortalClient {
  public:
    explicit PortalClient(std::uint16_t port) : port_(port) {}

    Answer send(const std::string& method, const std::string& path, const std::string& body = {},
                std::vector<std::pair<std::string, std::string>> headers = {},
                bool with_csrf = true) {
        Poco::Net::HTTPClientSession session("127.0.0.1", port_);
        session.setTimeout(Poco::Timespan(10, 0));
        Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        std::string cookie_header;
        for (const auto& [name, value] : cookies_) {
            if (!cookie_header.empty()) cookie_header += "; ";
            cookie_header += name + "=" + value;
        }
        if (!cookie_header.empty()) request.set("Cookie", cookie_header);
        if (method == "POST") {
            request.setContentType("application/json");
            request.setContentLength64(static_cast<Poco::Int64>(body.size()));
            if (with_csrf && cookies_.count("yika_csrf")) {
                request.set("X-CSRF-Token", cookies_["yika_csrf"]);
            }
        }
        for (const auto& [name, value] : headers) request.set(name, value);
        session.sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        Answer a;
        a.status = static_cast<int>(response.getStatus());
        std::ostringstream out;
        Poco::StreamCopier::copyStream(in, out);
        a.body = out.str();
        for (const auto& [name, value] : response) {
            if (Poco::icompare(name, "Set-Cookie") != 0) continue;
            a.set_cookies.push_back(value);
            std::string pair = value.substr(0, value.find(';'));
            std::string cname = pair.substr(0, pair.find('='));
            std::string cvalue = pair.substr(pair.find('=') + 1);
            if (cvalue.empty()) {
                cookies_.erase(cname);
            } else {
                cookies_[cname] = cvalue;
            }
        }
        if (a.body.size() > 0 && a.body[0] == '{') {
            a.json = Poco::JSON::Parser().parse(a.body).extract<Poco::JSON::Object::Ptr>();
        }
        return a;
    }
    Answer post(const std::string& path, const std::string& body) {
        return send("POST", path, body);
    }
    Answer get(const std::string& path) { return send("GET", path); }

    std::map<std::string, std::string> cookies_;

  private:
    std::uint16_t port_;
};

std::string credentials(const std::string& login, const std::string& password) {
    return R"({"login":")" + login + R"(","password":")" + password + R"("})";
}

std::string bindBody(const SoldCard& card, const std::string& pin) {
    return R"({"card_number":")" + card.pan + R"(","pin":")" + pin + R"("})";
}

std::string wrongPin(const std::string& pin) {
    std::string out = pin;
    out[0] = out[0] == '9' ? '0' : static_cast<char>(out[0] + 1);
    return out;
}

constexpr const char* kPassword = "secret-pass-1";

class PortalApi : public ::testing::Test {
  protected:
    void SetUp() override { start(PortalLimits{}); }

    // Fast hashing for tests unless `real_cost`.
    void start(PortalLimits limits, bool real_cost = false) {
        server_.reset();
        if (!real_cost) {
            limits.password_ops = 1;
            limits.password_mem_kib = 8;
        }
        limits_ = limits;
        PortalDeps deps{world_.store(), world_.pins, world_.vault,        world_.policies,
                        world_.clock,   world_.keys, world_.terminal_keys};
        server_ = std::make_unique<PortalServer>(deps, PortalOptions{limits, ""});
        ASSERT_TRUE(server_->start("127.0.0.1", 0).ok());
        shop_ = std::make_unique<http::testing::SigningClient>(
            "127.0.0.1", server_->port(), std::string(AcceptanceWorld::kTid),
            world_.httpKey(AcceptanceWorld::kTid), world_.clock);
    }

    void TearDown() override {
        server_.reset();
        auto report = world_.verify();
        EXPECT_TRUE(report.ok()) << report.summary();
    }

    PortalClient client() { return PortalClient(server_->port()); }

    // A logged-in client of a new account with a payment password.
    PortalClient account(const std::string& login) {
        PortalClient c = client();
        Answer r = c.post("/api/register", credentials(login, kPassword));
        EXPECT_EQ(r.status, 201) << r.body;
        Answer p = c.post("/api/pay-password", R"({"password":")" + std::string(kPassword) +
                                                   R"(","pay_password":"246810"})");
        EXPECT_EQ(p.status, 200) << p.body;
        return c;
    }

    std::vector<SoldCard> cards(std::int64_t count, Money load) {
        auto sold = world_.sellCards(count, load);
        EXPECT_TRUE(sold.ok());
        return sold.ok() ? *sold : std::vector<SoldCard>{};
    }

    http::testing::Response createOrder(const std::string& ref, std::int64_t amount_minor,
                                        const std::string& extra = {}) {
        return shop_->post(
            "/v1/shop/orders",
            R"({"merchant_order_id":")" + ref + R"(","amount_minor":)" +
                std::to_string(amount_minor) +
                R"(,"description":"2 items","return_url":"https://shop.example/done")" + extra +
                "}");
    }

    http::testing::Response shopGet(const std::string& path) {
        http::testing::RequestSpec spec;
        spec.method = "GET";
        spec.path = path;
        spec.content_type.clear();
        return shop_->send(spec);
    }

    std::string tokenOf(const http::testing::Response& created) {
        return http::testing::jsonText(created.body, "pay_token");
    }

    std::int64_t auditRows(const std::string& outcome) {
        auto reader = world_.store().openReader();
        store::Statement s(*reader, "SELECT COUNT(*) FROM account_audit WHERE outcome = ?1");
        s.bind(1, outcome);
        s.step();
        return s.columnInt(0);
    }

    AcceptanceWorld world_;
    PortalLimits limits_;
    std::unique_ptr<PortalServer> server_;
    std::unique_ptr<http::testing::SigningClient> shop_;
};

TEST_F(PortalApi, ServesThePageAndItsAssets) {
    PortalClient c = client();
    Answer page = c.get("/");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("一卡"), std::string::npos);
    EXPECT_EQ(c.get("/app.js").status, 200);
    EXPECT_EQ(c.get("/style.css").status, 200);
    EXPECT_EQ(c.get("/nothing-here").status, 404);
}

TEST_F(PortalApi, RegisterSetsHardenedCookiesAndLogoutEndsTheSession) {
    PortalClient c = client();
    Answer r = c.post("/api/register", credentials("13800138000", kPassword));
    ASSERT_EQ(r.status, 201) << r.body;
    ASSERT_EQ(r.set_cookies.size(), 2u);
    EXPECT_NE(r.set_cookies[0].find("HttpOnly"), std::string::npos);
    EXPECT_NE(r.set_cookies[0].find("SameSite=Strict"), std::string::npos);
    EXPECT_EQ(r.set_cookies[1].find("HttpOnly"), std::string::npos);  // the page reads the CSRF one
    Answer me = c.get("/api/me");
    EXPECT_EQ(me.status, 200);
    EXPECT_EQ(me.str("login"), "13800138000");
    EXPECT_EQ(c.post("/api/logout", "{}").status, 200);
    EXPECT_EQ(c.get("/api/me").status, 401);
    // Logging in again works; the session token also works as a bearer token.
    Answer login = c.post("/api/login", credentials("13800138000", kPassword));
    ASSERT_EQ(login.status, 200) << login.body;
    PortalClient bare = client();
    EXPECT_EQ(
        bare.send("GET", "/api/me", {}, {{"Authorization", "Bearer " + login.str("token")}}).status,
        200);
    world_.clock.advanceMs(limits_.session_ttl_ms + 1);
    EXPECT_EQ(c.get("/api/me").status, 401);  // expired
}

TEST_F(PortalApi, RegisterRefusesBadInput) {
    PortalClient c = client();
    EXPECT_EQ(c.post("/api/register", credentials("not-a-login", kPassword)).errorCode(),
              "invalid_argument");
    EXPECT_EQ(c.post("/api/register", credentials("13800138000", "short")).status, 400);
    EXPECT_EQ(c.post("/api/register", R"({"login":"13800138000"})").status, 400);
    EXPECT_EQ(
        c.post("/api/register", R"({"login":"13800138000","password":"x12345678","x":1})").status,
        400);
    EXPECT_EQ(c.post("/api/register", "{not json").status, 400);
    EXPECT_EQ(c.send("POST", "/api/register", credentials("13800138000", kPassword),
                     {{"Content-Type", "text/plain"}})
                  .status,
              415);
    EXPECT_EQ(c.get("/api/register").status, 405);
    ASSERT_EQ(c.post("/api/register", credentials("a@example.com", kPassword)).status, 201);
    PortalClient other = client();
    Answer dup = other.post("/api/register", credentials("A@Example.com", kPassword));
    EXPECT_EQ(dup.status, 409);
    EXPECT_EQ(dup.errorCode(), "duplicate");
}

TEST_F(PortalApi, WrongPasswordAndUnknownLoginGetTheSameAnswer) {
    account("13800138000");
    PortalClient c = client();
    Answer wrong = c.post("/api/login", credentials("13800138000", "wrong-password"));
    Answer unknown = c.post("/api/login", credentials("13900139000", kPassword));
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(unknown.status, 401);
    EXPECT_EQ(wrong.body, unknown.body);
    EXPECT_EQ(auditRows("bad_credentials"), 2);
}

TEST_F(PortalApi, LoginIsRateLimitedPerAccount) {
    PortalLimits limits;
    limits.login_per_account_max = 3;
    start(limits);
    account("13800138000");
    PortalClient c = client();
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(c.post("/api/login", credentials("13800138000", "wrong-password")).status, 401);
    }
    Answer limited = c.post("/api/login", credentials("13800138000", kPassword));
    EXPECT_EQ(limited.status, 429);
    EXPECT_EQ(limited.errorCode(), "rate_limited");
    world_.clock.advanceMs(limits.rate_window_ms);
    EXPECT_EQ(c.post("/api/login", credentials("13800138000", kPassword)).status, 200);
}

TEST_F(PortalApi, ALoginStormBeyondThePasswordPoolGetsTryAgain) {
    PortalLimits limits;
    limits.password_threads = 1;
    limits.password_queue_max = 0;
    limits.login_per_address_max = 1000;
    start(limits, true);  // argon2id at libsodium's interactive cost: tens of ms a login
    constexpr int kLogins = 12;
    std::vector<std::future<Answer>> answers;
    for (int i = 0; i < kLogins; ++i) {
        answers.push_back(std::async(std::launch::async, [this, i] {
            return client().post("/api/login",
                                 credentials("1380013800" + std::to_string(i % 10), "wrong-pass"));
        }));
    }
    int busy = 0;
    for (auto& f : answers) {
        Answer a = f.get();
        EXPECT_TRUE(a.status == 401 || a.status == 503) << a.status;
        if (a.status == 503) {
            busy += 1;
            EXPECT_EQ(a.errorCode(), "busy_try_again");
        }
    }
    EXPECT_GT(busy, 0);
}

TEST_F(PortalApi, CookiePostsNeedTheCsrfHeader) {
    PortalClient c = account("13800138000");
    EXPECT_EQ(c.send("POST", "/api/logout", "{}", {}, false).status, 403);
    Answer forged =
        c.send("POST", "/api/logout", "{}", {{"X-CSRF-Token", std::string(64, 'a')}}, false);
    EXPECT_EQ(forged.status, 403);
    EXPECT_EQ(forged.errorCode(), "csrf");
    EXPECT_EQ(c.get("/api/me").status, 200);  // still logged in
    EXPECT_EQ(client().get("/api/cards").status, 401);
}

TEST_F(PortalApi, BindTwoCardsAndPayAnOrderThatNeedsBoth) {
    auto sold = cards(2, Money::fromMinor(30'000, Currency::Cny));
    ASSERT_EQ(sold.size(), 2u);
    PortalClient c = account("13800138000");
    for (const SoldCard& card : sold) {
        Answer bound = c.post("/api/cards/bind", bindBody(card, card.pin));
        ASSERT_EQ(bound.status, 200) << bound.body;
    }
    Answer list = c.get("/api/cards");
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.num("available_total_minor"), 60'000);
    EXPECT_EQ(list.body.find(sold[0].pan), std::string::npos);  // masked only

    auto created = createOrder("WEB-1001", 45'000);
    ASSERT_EQ(created.status, 201) << created.body;
    std::string token = tokenOf(created);
    EXPECT_EQ(createOrder("WEB-1001", 45'000).status, 200);  // idempotent
    Answer view = client().get("/api/orders/" + token);
    EXPECT_EQ(view.status, 200);
    EXPECT_EQ(view.str("state"), "PENDING");
    EXPECT_EQ(view.str("merchant_name").empty(), false);

    Answer wrong = c.post("/api/orders/" + token + "/pay", R"({"pay_password":"111111"})");
    EXPECT_EQ(wrong.status, 403);
    EXPECT_EQ(wrong.errorCode(), "bad_pay_password");
    Answer paid = c.post("/api/orders/" + token + "/pay", R"({"pay_password":"246810"})");
    ASSERT_EQ(paid.status, 200) << paid.body;
    EXPECT_EQ(paid.str("state"), "PAID");
    ASSERT_EQ(paid.json->getArray("legs")->size(), 2u);
    EXPECT_EQ(c.get("/api/cards").num("available_total_minor"), 15'000);
    EXPECT_EQ(world_.card(sold[0].id)->balance.minor() + world_.card(sold[1].id)->balance.minor(),
              15'000);

    auto polled = shopGet("/v1/shop/orders/WEB-1001");
    EXPECT_EQ(polled.status, 200);
    EXPECT_EQ(http::testing::jsonText(polled.body, "state"), "PAID");
    Answer history = c.get("/api/cards/" + std::to_string(sold[0].id) + "/history");
    EXPECT_EQ(history.status, 200);
    EXPECT_GE(history.json->getArray("history")->size(), 1u);

    auto refund = shop_->post("/v1/shop/orders/WEB-1001/refund",
                              R"({"refund_id":"R-1","amount_minor":45000})");
    EXPECT_EQ(refund.status, 200) << refund.body;
    EXPECT_EQ(http::testing::jsonText(refund.body, "state"), "REFUNDED");
    EXPECT_EQ(c.get("/api/cards").num("available_total_minor"), 60'000);
}

TEST_F(PortalApi, BindFailuresSayNothingAboutWhichPartWasWrong) {
    auto sold = cards(1, Money::fromMinor(10'000, Currency::Cny));
    PortalClient c = account("13800138000");
    Answer wrong_pin = c.post("/api/cards/bind", bindBody(sold[0], wrongPin(sold[0].pin)));
    SoldCard ghost{0, "6214830000000000000", "123456"};
    Answer unknown = c.post("/api/cards/bind", bindBody(ghost, "123456"));
    EXPECT_EQ(wrong_pin.status, 422);
    EXPECT_EQ(wrong_pin.body, unknown.body);
    EXPECT_EQ(wrong_pin.errorCode(), "card_or_pin");
    EXPECT_EQ(c.post("/api/cards/bind", bindBody(sold[0], "12345")).status, 400);
    EXPECT_EQ(c.post("/api/cards/bind", R"({"card_number":"12","pin":"123456"})").status, 400);
    EXPECT_EQ(auditRows("card_or_pin"), 2);
    EXPECT_EQ(world_.card(sold[0].id)->pin_failures, 1);
    ASSERT_EQ(c.post("/api/cards/bind", bindBody(sold[0], sold[0].pin)).status, 200);
    PortalClient other = account("other@example.com");
    Answer elsewhere = other.post("/api/cards/bind", bindBody(sold[0], sold[0].pin));
    EXPECT_EQ(elsewhere.status, 409);
    EXPECT_EQ(elsewhere.errorCode(), "card_bound_elsewhere");
}

TEST_F(PortalApi, FivePinFailuresLockTheCardAcrossAccounts) {
    auto sold = cards(1, Money::fromMinor(10'000, Currency::Cny));
    PortalClient a = account("13800138000");
    PortalClient b = account("13900139000");
    for (int i = 0; i < 5; ++i) {
        PortalClient& who = i % 2 ? b : a;
        EXPECT_EQ(who.post("/api/cards/bind", bindBody(sold[0], wrongPin(sold[0].pin))).status,
                  422);
    }
    EXPECT_EQ(a.post("/api/cards/bind", bindBody(sold[0], sold[0].pin)).errorCode(), "card_or_pin");
    EXPECT_GT(world_.card(sold[0].id)->pin_locked_until_ms, world_.clock.nowMs());
}

TEST_F(PortalApi, BindingIsRateLimitedPerAccount) {
    PortalLimits limits;
    limits.bind_per_account_max = 2;
    start(limits);
    auto sold = cards(1, Money::fromMinor(10'000, Currency::Cny));
    PortalClient c = account("13800138000");
    for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(c.post("/api/cards/bind", bindBody(sold[0], wrongPin(sold[0].pin))).status, 422);
    }
    EXPECT_EQ(c.post("/api/cards/bind", bindBody(sold[0], sold[0].pin)).status, 429);
    EXPECT_EQ(auditRows("rate_limited"), 1);
}

// The per-address limits hold across accounts: one client address trying many accounts or
// many cards is stopped even though no single account reached its own limit.
TEST_F(PortalApi, LoginAndBindingAreRateLimitedPerClientAddress) {
    PortalLimits limits;
    limits.login_per_address_max = 4;
    limits.bind_per_address_max = 2;
    start(limits);
    account("13800138001");
    account("13800138002");
    PortalClient c = client();
    for (int i = 0; i < 4; ++i) {
        const char* login = i % 2 == 0 ? "13800138001" : "13800138002";
        EXPECT_EQ(c.post("/api/login", credentials(login, "wrong-password")).status, 401);
    }
    Answer limited = c.post("/api/login", credentials("13800138001", kPassword));
    EXPECT_EQ(limited.status, 429);
    EXPECT_EQ(limited.errorCode(), "rate_limited");

    auto sold = cards(1, Money::fromMinor(10'000, Currency::Cny));
    PortalClient a = account("13800138003");
    PortalClient b = account("13800138004");
    EXPECT_EQ(a.post("/api/cards/bind", bindBody(sold[0], wrongPin(sold[0].pin))).status, 422);
    EXPECT_EQ(b.post("/api/cards/bind", bindBody(sold[0], wrongPin(sold[0].pin))).status, 422);
    Answer bind_limited = a.post("/api/cards/bind", bindBody(sold[0], sold[0].pin));
    EXPECT_EQ(bind_limited.status, 429);
    EXPECT_EQ(a.get("/api/cards").body.find("\"card_id\""), std::string::npos);
    world_.clock.advanceMs(limits.rate_window_ms);
    EXPECT_EQ(a.post("/api/cards/bind", bindBody(sold[0], sold[0].pin)).status, 200);
}

TEST_F(PortalApi, FreezeUnbindAndOtherAccountsCards) {
    auto sold = cards(1, Money::fromMinor(10'000, Currency::Cny));
    PortalClient c = account("13800138000");
    ASSERT_EQ(c.post("/api/cards/bind", bindBody(sold[0], sold[0].pin)).status, 200);
    std::string base = "/api/cards/" + std::to_string(sold[0].id);
    PortalClient other = account("other@example.com");
    EXPECT_EQ(other.post(base + "/freeze", "{}").status, 404);
    EXPECT_EQ(other.get(base + "/history").status, 404);
    EXPECT_EQ(c.post(base + "/freeze", "{}").status, 200);
    EXPECT_EQ(world_.card(sold[0].id)->state, CardState::Frozen);
    EXPECT_EQ(c.post(base + "/freeze", "{}").status, 409);
    EXPECT_EQ(c.post(base + "/unbind", "{}").status, 200);
    EXPECT_EQ(c.get("/api/cards").json->getArray("cards")->size(), 0u);
    EXPECT_EQ(c.post("/api/cards/abc/freeze", "{}").status, 404);
}

TEST_F(PortalApi, PaymentErrors) {
    auto sold = cards(2, Money::fromMinor(10'000, Currency::Cny));
    PortalClient c = client();
    ASSERT_EQ(c.post("/api/register", credentials("13800138000", kPassword)).status, 201);
    for (const SoldCard& card : sold) {
        ASSERT_EQ(c.post("/api/cards/bind", bindBody(card, card.pin)).status, 200);
    }
    std::string token = tokenOf(createOrder("WEB-2", 15'000));
    Answer no_pay_password =
        c.post("/api/orders/" + token + "/pay", R"({"pay_password":"246810"})");
    EXPECT_EQ(no_pay_password.status, 422);
    EXPECT_EQ(no_pay_password.errorCode(), "pay_password_not_set");
    EXPECT_EQ(
        c.post("/api/pay-password", R"({"password":"wrong-pass","pay_password":"246810"})").status,
        403);
    EXPECT_EQ(c.post("/api/pay-password",
                     R"({"password":")" + std::string(kPassword) + R"(","pay_password":"12ab56"})")
                  .status,
              400);
    ASSERT_EQ(c.post("/api/pay-password",
                     R"({"password":")" + std::string(kPassword) + R"(","pay_password":"246810"})")
                  .status,
              200);
    // Freeze one card: the other alone cannot pay 150.00.
    ASSERT_EQ(c.post("/api/cards/" + std::to_string(sold[0].id) + "/freeze", "{}").status, 200);
    Answer short_of = c.post("/api/orders/" + token + "/pay", R"({"pay_password":"246810"})");
    EXPECT_EQ(short_of.status, 402);
    EXPECT_EQ(short_of.errorCode(), "insufficient_funds");
    EXPECT_EQ(world_.card(sold[1].id)->balance.minor(), 10'000);  // nothing taken
    Answer unknown = c.post("/api/orders/nope/pay", R"({"pay_password":"246810"})");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(client().get("/api/orders/nope").status, 404);
    std::string expiring = tokenOf(createOrder("WEB-3", 100, R"(,"expires_in_s":60)"));
    world_.clock.advanceMs(61'000);
    EXPECT_EQ(c.post("/api/orders/" + expiring + "/pay", R"({"pay_password":"246810"})").status,
              422);
}

TEST_F(PortalApi, ChangingThePasswordEndsEverySession) {
    PortalClient c = account("13800138000");
    PortalClient second = client();
    ASSERT_EQ(second.post("/api/login", credentials("13800138000", kPassword)).status, 200);
    Answer changed = c.post("/api/password", R"({"password":")" + std::string(kPassword) +
                                                 R"(","new_password":"another-pass-2"})");
    EXPECT_EQ(changed.status, 200) << changed.body;
    EXPECT_EQ(second.get("/api/me").status, 401);
    EXPECT_EQ(client().post("/api/login", credentials("13800138000", kPassword)).status, 401);
    EXPECT_EQ(client().post("/api/login", credentials("13800138000", "another-pass-2")).status,
              200);
}

TEST_F(PortalApi, ShopRequestsMustBeSignedAndValid) {
    http::testing::RequestSpec unsigned_spec;
    unsigned_spec.path = "/v1/shop/orders";
    unsigned_spec.body = R"({"merchant_order_id":"X","amount_minor":1,"return_url":"https://a/"})";
    unsigned_spec.sign = false;
    EXPECT_EQ(shop_->send(unsigned_spec).status, 401);
    http::testing::RequestSpec bad = unsigned_spec;
    bad.sign = true;
    bad.signature = std::string(64, '0');
    EXPECT_EQ(shop_->send(bad).status, 401);
    EXPECT_EQ(createOrder("WEB-9", 0).status, 400);
    EXPECT_EQ(createOrder("WEB-9", 100, R"(,"callback_url":"ftp://x")").status, 400);
    EXPECT_EQ(
        shop_->post("/v1/shop/orders", R"({"merchant_order_id":"W","amount_minor":5})").status,
        400);  // return_url required
    auto made = createOrder("WEB-9", 100);
    ASSERT_EQ(made.status, 201) << made.body;
    auto conflict = createOrder("WEB-9", 200);
    EXPECT_EQ(conflict.status, 409);
    EXPECT_EQ(shopGet("/v1/shop/orders/NOPE").status, 404);
    EXPECT_EQ(
        shop_->post("/v1/shop/orders/WEB-9/refund", R"({"refund_id":"R","amount_minor":1})").status,
        422);  // not paid
    EXPECT_EQ(
        shop_->post("/v1/shop/orders/NOPE/refund", R"({"refund_id":"R","amount_minor":1})").status,
        404);
    EXPECT_EQ(shopGet("/v1/shop/elsewhere").status, 404);
}

// A shop's callback endpoint: records each delivery; answers 500 to the first, then 200.
class ShopEndpoint {
  public:
    struct Delivery {
        std::string target, tid, timestamp, nonce, signature, body;
    };

    ShopEndpoint() : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
        Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
        server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket_, params);
        server_->start();
    }
    ~ShopEndpoint() { server_->stopAll(true); }
    std::uint16_t port() const { return socket_.address().port(); }

    // Waits (bounded) for `count` deliveries.
    std::vector<Delivery> await(std::size_t count) {
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, std::chrono::seconds(10), [&] { return deliveries_.size() >= count; });
        return deliveries_;
    }

  private:
    class Handler final : public Poco::Net::HTTPRequestHandler {
      public:
        explicit Handler(ShopEndpoint& shop) : shop_(shop) {}
        void handleRequest(Poco::Net::HTTPServerRequest& req,
                           Poco::Net::HTTPServerResponse& resp) override {
            std::ostringstream body;
            Poco::StreamCopier::copyStream(req.stream(), body);
            std::size_t n = 0;
            {
                std::lock_guard lock(shop_.mutex_);
                shop_.deliveries_.push_back(
                    {req.getURI(), req.get("X-Yika-Terminal", ""), req.get("X-Yika-Timestamp", ""),
                     req.get("X-Yika-Nonce", ""), req.get("X-Yika-Signature", ""), body.str()});
                n = shop_.deliveries_.size();
            }
            shop_.cv_.notify_all();
            resp.setStatus(n == 1 ? Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR
                                  : Poco::Net::HTTPResponse::HTTP_OK);
            resp.setContentLength(0);
            resp.send();
        }

      private:
        ShopEndpoint& shop_;
    };
    class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
      public:
        explicit Factory(ShopEndpoint& shop) : shop_(shop) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(
            const Poco::Net::HTTPServerRequest&) override {
            return new Handler(shop_);
        }

      private:
        ShopEndpoint& shop_;
    };

    Poco::Net::ServerSocket socket_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<Delivery> deliveries_;
};

TEST_F(PortalApi, PaidOrdersAreCalledBackSignedAndRetriedUntilAcknowledged) {
    PortalLimits limits;
    limits.callback_backoff_ms = 10;
    limits.callback_poll_ms = 10;
    start(limits);
    ShopEndpoint endpoint;
    auto sold = cards(1, Money::fromMinor(10'000, Currency::Cny));
    PortalClient c = account("13800138000");
    ASSERT_EQ(c.post("/api/cards/bind", bindBody(sold[0], sold[0].pin)).status, 200);
    std::string url = "http://127.0.0.1:" + std::to_string(endpoint.port()) + "/notify?o=1";
    std::string token = tokenOf(createOrder("WEB-CB", 2'500, R"(,"callback_url":")" + url + "\""));
    ASSERT_EQ(c.post("/api/orders/" + token + "/pay", R"({"pay_password":"246810"})").status, 200);
    // The test clock stands still; the retry is due after 10 ms of it.
    auto first = endpoint.await(1);
    ASSERT_EQ(first.size(), 1u);
    world_.clock.advanceMs(20);
    auto deliveries = endpoint.await(2);
    ASSERT_EQ(deliveries.size(), 2u);
    for (const auto& d : deliveries) {
        EXPECT_EQ(d.target, "/notify?o=1");
        EXPECT_EQ(d.tid, AcceptanceWorld::kTid);
        EXPECT_TRUE(http::verifySignature(
            world_.httpKey(AcceptanceWorld::kTid),
            http::canonicalRequest("POST", d.target, d.timestamp, d.nonce, d.body), d.signature));
        EXPECT_EQ(http::testing::jsonText(d.body, "state"), "PAID");
    }
    EXPECT_NE(deliveries[0].nonce, deliveries[1].nonce);
}

}  // namespace
}  // namespace yika::portal
