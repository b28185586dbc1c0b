// The admin API over real HTTP on port 0 with a real store and real crypto: every endpoint, its
// main errors, maker-checker, the audit trail. Every test ends (TearDown) with the ledger
// invariants and the audit chain check.

#include "admin_api/admin_test_fixture.h"

namespace yika::admin::testing {
namespace {

using AdminApi = AdminApiTest;

std::string id(std::int64_t v) { return std::to_string(v); }

TEST_F(AdminApi, FirstLoginMustChangeThePasswordAndSessionsEnd) {
    // The one-time password no longer works once changed.
    EXPECT_EQ(login("admin", first_password_).code(), "bad_credentials");
    Answer in = login("admin", kPassword);
    ASSERT_EQ(in.status, 200) << in.body;
    Client c(server_->port(), in.str("token"));
    EXPECT_EQ(c.get("/v1/session").str("operator.role"), "administrator");
    EXPECT_EQ(c.post("/v1/session/logout").status, 200);
    EXPECT_EQ(c.get("/v1/session").status, 401);

    // A new operator's one-time password allows nothing but changing it.
    Answer made =
        admin_.post("/v1/operators", R"({"name":"new.op","display_name":"New","role":"auditor"})");
    ASSERT_EQ(made.status, 201) << made.body;
    ASSERT_EQ(made.str("one_time_password").size(), kOneTimePasswordChars);
    Client fresh(server_->port(), login("new.op", made.str("one_time_password")).str("token"));
    EXPECT_EQ(fresh.get("/v1/products").code(), "password_change_required");
    EXPECT_EQ(fresh.get("/v1/session").status, 200);
    EXPECT_EQ(
        fresh
            .post("/v1/session/password",
                  R"({"old_password":"wrong-password-1","new_password":"another-password-2"})")
            .status,
        400);
    EXPECT_EQ(
        fresh
            .post("/v1/session/password", R"({"old_password":")" + made.str("one_time_password") +
                                              R"(","new_password":"short"})")
            .str("error.field"),
        "new_password");
}

TEST_F(AdminApi, ExpiredAndForgedTokensAreRefusedAndAudited) {
    Client forged(server_->port(), std::string(64, 'a'));
    EXPECT_EQ(forged.get("/v1/products").status, 401);
    EXPECT_EQ(Client(server_->port(), "not-even-hex").get("/v1/products").status, 401);
    EXPECT_EQ(anonymous().get("/v1/products").code(), "unauthenticated");
    world_.clock.advanceMs(limits_.session_ttl_ms + 1);
    EXPECT_EQ(as("aud.a").get("/v1/products").status, 401);  // expired
    EXPECT_GE(queryInt("SELECT COUNT(*) FROM admin_audit WHERE action = 'session.refused' AND "
                       "detail = 'expired session token'"),
              1);
    EXPECT_GE(queryInt("SELECT COUNT(*) FROM admin_audit WHERE action = 'session.refused' AND "
                       "detail = 'unknown session token'"),
              2);
    // Only a keyed hash of each token is stored.
    auto db = world_.store().openReader();
    const bool pg = db->engine() == store::Engine::Postgres;  // issue 7: both engines
    store::Statement s(*db, std::string("SELECT COUNT(*) FROM operator_session WHERE ") +
                                (pg ? "upper(encode(token_hash, 'hex'))" : "hex(token_hash)") +
                                " = upper(?1)");
    s.bind(1, std::string_view(as("fin.a").token()));
    s.step();
    EXPECT_EQ(s.columnInt(0), 0);
}

TEST_F(AdminApi, WrongPasswordsLockTheOperatorAndEveryFailureIsAudited) {
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(login("fin.b", "wrong-password-x").code(), "bad_credentials");
    EXPECT_EQ(login("fin.b", kPassword).code(), "locked");  // even the right password
    EXPECT_EQ(login("nobody", kPassword).code(), "bad_credentials");
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM admin_audit WHERE action = 'session.login' AND "
                       "outcome = 'bad_credentials'"),
              6);
    world_.clock.advanceMs(limits_.login_lock_ms + 1);
    EXPECT_EQ(login("fin.b", kPassword).status, 200);
    EXPECT_EQ(login("admin", R"(x","y":"z)").str("error.field"), "y");  // an unknown member
    EXPECT_EQ(anonymous().post("/v1/session", R"({"name":"admin"})").status, 400);
}

TEST_F(AdminApi, AdministratorsManageOperators) {
    Answer list = as("aud.a").get("/v1/operators");
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.items(), 7u);
    EXPECT_EQ(list.body.find("password_hash"), std::string::npos);
    EXPECT_EQ(
        admin_.post("/v1/operators", R"({"name":"fin.a","display_name":"x","role":"finance"})")
            .code(),
        "duplicate");
    EXPECT_EQ(
        admin_.post("/v1/operators", R"({"name":"Bad Name","display_name":"x","role":"finance"})")
            .str("error.field"),
        "name");
    EXPECT_EQ(admin_.post("/v1/operators", R"({"name":"okname","display_name":"x","role":"root"})")
                  .str("error.field"),
              "role");
    std::int64_t cs = list.json->getArray("items")->getObject(5)->getValue<Poco::Int64>("id");
    Answer reset = admin_.post("/v1/operators/" + id(cs) + "/reset-password");
    ASSERT_EQ(reset.status, 200);
    EXPECT_EQ(as("cs.a").get("/v1/session").status, 401);  // its sessions ended
    EXPECT_EQ(login("cs.a", reset.str("one_time_password")).status, 200);
    EXPECT_EQ(admin_.post("/v1/operators/" + id(cs) + "/disable").status, 200);
    EXPECT_EQ(login("cs.a", reset.str("one_time_password")).code(), "bad_credentials");
    EXPECT_EQ(admin_.post("/v1/operators/999/disable").status, 404);
}

TEST_F(AdminApi, ProductsAreCreatedByIssuanceAndValidated) {
    std::string body = R"({"code":"GIFT-B","name":"Gift 1000","bin":"62345678","named":false,
        "load_amounts_minor":[10000,50000],"validity_months":36})";
    Answer made = as("iss.a").post("/v1/products", body);
    ASSERT_EQ(made.status, 201) << made.body;
    EXPECT_EQ(made.num("max_balance_minor"), 100000);  // anonymous default cap
    EXPECT_EQ(as("iss.a").post("/v1/products", body).code(), "duplicate");
    EXPECT_EQ(
        as("iss.a")
            .post("/v1/products",
                  R"({"code":"X","name":"x","bin":"6234","named":false,"validity_months":12})")
            .status,
        400);
    EXPECT_EQ(as("iss.a")
                  .post("/v1/products",
                        R"({"code":"Y","name":"y","bin":"62345678","load_amounts_minor":[1.5]})")
                  .str("error.field"),
              "load_amounts_minor[0]");
    EXPECT_EQ(as("aud.a").get("/v1/products").items(), 2u);
    EXPECT_EQ(as("aud.a").get("/v1/products/" + id(made.num("id"))).str("code"), "GIFT-B");
    EXPECT_EQ(as("aud.a").get("/v1/products/999").status, 404);
}

TEST_F(AdminApi, BatchGoesThroughMakerCheckerGenerationExportAndStock) {
    Answer requested = as("iss.a").post("/v1/batches", R"({"product_id":)" + id(world_.product_id) +
                                                           R"(,"quantity":20,"location":"HQ"})");
    ASSERT_EQ(requested.status, 201) << requested.body;
    std::string approval = "/v1/approvals/" + id(requested.num("approval.id"));
    std::string batch = "/v1/batches/" + id(requested.num("batch.id"));
    EXPECT_EQ(requested.str("approval.kind"), "production_batch");
    EXPECT_EQ(as("iss.a").post(batch + "/generate").code(), "illegal_transition");  // not approved
    EXPECT_EQ(as("iss.a").post(approval + "/approve").code(), "maker_checker_violation");
    EXPECT_EQ(as("cs.a").post(approval + "/approve").code(), "forbidden");
    Answer approved = admin_.post(approval + "/approve", R"({"note":"ok"})");
    ASSERT_EQ(approved.status, 200) << approved.body;
    EXPECT_EQ(approved.str("state"), "EXECUTED");
    EXPECT_EQ(as("iss.b").post(approval + "/approve").code(), "illegal_transition");  // final
    EXPECT_EQ(as("aud.a").get(batch).str("state"), "APPROVED");
    EXPECT_EQ(as("iss.a").get(batch + "/file").code(), "illegal_transition");
    Answer generated = as("iss.a").post(batch + "/generate", R"({"wait":true})");
    ASSERT_EQ(generated.status, 200) << generated.body;
    EXPECT_EQ(generated.str("state"), "GENERATED");
    EXPECT_EQ(generated.num("generation.done"), 20);
    Answer file = as("iss.a").get(batch + "/file");
    EXPECT_EQ(file.status, 200);
    EXPECT_EQ(file.content_type, "application/octet-stream");
    EXPECT_GT(file.body.size(), 20u * 40);
    EXPECT_EQ(file.body.find("serial,card_number"), std::string::npos);  // sealed, not clear
    EXPECT_EQ(as("iss.a").post(batch + "/receive").code(), "illegal_transition");  // not exported
    EXPECT_EQ(as("iss.a").post(batch + "/export").str("state"), "EXPORTED");
    Answer received = as("iss.a").post(batch + "/receive");
    EXPECT_EQ(received.num("received"), 20);
    Answer stock = as("cs.a").get("/v1/stock?location=HQ");
    ASSERT_EQ(stock.items(), 1u) << stock.body;
    EXPECT_EQ(stock.json->getArray("items")->getObject(0)->getValue<int>("free"), 20);
    EXPECT_EQ(as("aud.a").get("/v1/batches").items(), 1u);
    EXPECT_EQ(
        queryInt("SELECT COUNT(*) FROM admin_audit WHERE action LIKE 'batch.%' AND outcome = 'ok'"),
        5);
}

TEST_F(AdminApi, ARejectedBatchIsFinal) {
    Answer requested = as("iss.a").post("/v1/batches", R"({"product_id":)" + id(world_.product_id) +
                                                           R"(,"quantity":5,"location":"HQ"})");
    std::string approval = "/v1/approvals/" + id(requested.num("approval.id"));
    EXPECT_EQ(as("iss.a").post(approval + "/reject").code(), "maker_checker_violation");
    EXPECT_EQ(as("iss.b").post(approval + "/reject", R"({"note":"not needed"})").str("state"),
              "REJECTED");
    EXPECT_EQ(as("aud.a").get("/v1/batches/" + id(requested.num("batch.id"))).str("state"),
              "REJECTED");
    EXPECT_EQ(as("iss.b").post(approval + "/approve").status, 409);
    EXPECT_EQ(as("aud.a").get("/v1/approvals?state=REJECTED").items(), 1u);
    EXPECT_EQ(as("iss.a")
                  .post("/v1/batches", R"({"product_id":999,"quantity":5,"location":"HQ"})")
                  .status,
              404);
    EXPECT_EQ(as("iss.a")
                  .post("/v1/batches", R"({"product_id":1,"quantity":0,"location":"HQ"})")
                  .str("error.field"),
              "quantity");
}

TEST_F(AdminApi, SaleRulesSpeakAndPaymentActivatesEveryCard) {
    stockedBatch(10);
    // A named card needs the buyer's identity: the rule's message names the field.
    Answer anonymous_buyer = as("cs.a").post(
        "/v1/orders",
        R"({"buyer":{"kind":"individual","name":"X"},"lines":[{"product_id":)" +
            id(world_.product_id) +
            R"(,"count":2,"load_each_minor":10000}],"location":"HQ","payment_method":"cash"})");
    EXPECT_EQ(anonymous_buyer.status, 422) << anonymous_buyer.body;
    EXPECT_FALSE(anonymous_buyer.str("error.message").empty());
    Answer over_cap = as("cs.a").post("/v1/orders", orderBody(2, 600000, "11010519491231002X"));
    EXPECT_EQ(over_cap.status, 422);
    // The rule names the request's own path, so the desktop tool puts it under that field.
    EXPECT_EQ(over_cap.str("error.field"), "lines[0].load_each_minor") << over_cap.body;
    Answer order = as("cs.a").post("/v1/orders", orderBody(3, 20000, "11010519491231002X"));
    ASSERT_EQ(order.status, 201) << order.body;
    EXPECT_EQ(order.str("order.state"), "PENDING_PAYMENT");
    EXPECT_EQ(order.str("order.buyer.id_number_masked"), "110***********002X");
    EXPECT_EQ(order.body.find("11010519491231002X"), std::string::npos);
    std::string pay = "/v1/orders/" + id(order.num("order.id")) + "/payment";
    EXPECT_EQ(
        as("fin.a")
            .post(pay, R"({"method":"bank_transfer","amount_minor":1,"payer_account":"62220202"})")
            .code(),
        "invalid_amount");
    EXPECT_EQ(as("fin.a").post(pay, R"({"method":"pos_credit_card","amount_minor":60000})").status,
              422);
    Answer paid = as("fin.a").post(
        pay,
        R"({"method":"bank_transfer","amount_minor":60000,"payer_name":"Zhang San","payer_account":"6222020200001234567"})");
    ASSERT_EQ(paid.status, 200) << paid.body;
    EXPECT_EQ(paid.num("activated_cards"), 3);
    for (std::int64_t card : cardsOf(order.num("order.id"))) {
        Answer c = as("aud.a").get("/v1/cards/" + id(card));
        EXPECT_EQ(c.str("state"), "ACTIVE");
        EXPECT_EQ(c.num("balance_minor"), 20000);
    }
    EXPECT_EQ(
        as("fin.a")
            .post(pay, R"({"method":"bank_transfer","amount_minor":60000,"payer_account":"6222"})")
            .status,
        409);
    // Cancel: a second order's cards return to stock.
    Answer second = as("cs.a").post("/v1/orders", orderBody(2, 10000, "11010519491231002X"));
    EXPECT_EQ(
        as("cs.a").post("/v1/orders/" + id(second.num("order.id")) + "/cancel").str("order.state"),
        "CANCELLED");
    EXPECT_EQ(as("aud.a").get("/v1/orders").items(), 2u);
    EXPECT_EQ(as("aud.a").get("/v1/orders/999").status, 404);
}

TEST_F(AdminApi, CardLookupIsMaskedAndOnlyCustomerServiceSeesTheNumber) {
    auto sold = world_.sellCards(1, Money::fromMinor(10000, Currency::Cny));
    ASSERT_TRUE(sold.ok());
    const auto& card = sold->front();
    std::string body = R"({"card_number":")" + card.pan + R"("})";
    Answer found = as("fin.a").post("/v1/cards/lookup", body);
    ASSERT_EQ(found.status, 200) << found.body;
    EXPECT_EQ(found.num("id"), card.id);
    EXPECT_EQ(found.body.find(card.pan), std::string::npos);
    EXPECT_EQ(found.str("pan_masked"), card.pan.substr(0, 6) +
                                           std::string(card.pan.size() - 10, '*') +
                                           card.pan.substr(card.pan.size() - 4));
    std::string wrong = card.pan;
    wrong.back() = wrong.back() == '0' ? '1' : '0';
    EXPECT_EQ(as("fin.a").post("/v1/cards/lookup", R"({"card_number":")" + wrong + R"("})").status,
              400);  // Luhn
    EXPECT_EQ(as("fin.a").get("/v1/cards/" + id(card.id) + "/number").code(), "forbidden");
    EXPECT_EQ(admin_.get("/v1/cards/" + id(card.id) + "/number").code(), "forbidden");
    Answer revealed = as("cs.a").get("/v1/cards/" + id(card.id) + "/number");
    ASSERT_EQ(revealed.status, 200);
    EXPECT_EQ(revealed.str("card_number"), card.pan);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM admin_audit WHERE action = 'card.reveal_number' AND "
                       "outcome = 'ok'"),
              1);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM admin_audit WHERE action = 'card.reveal_number' AND "
                       "outcome = 'forbidden'"),
              2);
    // No audit row holds the number.
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM admin_audit WHERE detail LIKE '%" + card.pan +
                       "%' OR target LIKE '%" + card.pan + "%'"),
              0);
    Answer history = as("aud.a").get("/v1/cards/" + id(card.id) + "/history");
    EXPECT_EQ(history.status, 200);
    EXPECT_GE(history.json->getArray("events")->size(), 2u);
    EXPECT_EQ(as("aud.a").get("/v1/cards/99999999/history").status, 404);
}

TEST_F(AdminApi, CardServiceFreezesReplacesAndRedeems) {
    stockedBatch(6);
    std::int64_t order = soldOrder(2, 30000);
    auto cards = cardsOf(order);
    std::string c0 = "/v1/cards/" + id(cards[0]);
    EXPECT_EQ(as("cs.a").post(c0 + "/freeze", R"({"reason":"STOLEN"})").str("error.field"),
              "reason");
    EXPECT_EQ(as("cs.a").post(c0 + "/freeze", R"({"reason":"LOST"})").str("state"), "FROZEN");
    EXPECT_EQ(as("cs.a").post(c0 + "/freeze").status, 409);
    EXPECT_EQ(as("cs.a").post(c0 + "/extend").status, 409);  // only an expired card
    EXPECT_EQ(as("cs.a").post(c0 + "/unfreeze").str("state"), "ACTIVE");
    EXPECT_EQ(as("cs.a").post(c0 + "/freeze").status, 200);
    // Replace the frozen card by a stock card: the balance moves.
    Answer stock_card = as("aud.a").get("/v1/cards/" + id(cards[1] + 1));
    ASSERT_EQ(stock_card.str("state"), "IN_STOCK") << stock_card.body;
    Answer replaced =
        as("cs.a").post(c0 + "/replace", R"({"new_card_id":)" + id(cards[1] + 1) + "}");
    ASSERT_EQ(replaced.status, 200) << replaced.body;
    EXPECT_EQ(replaced.str("old_card.state"), "CLOSED");
    EXPECT_EQ(replaced.num("new_card.balance_minor"), 30000);
    EXPECT_EQ(as("cs.a").post(c0 + "/replace", R"({"new_card_id":999999})").status, 404);
    // Redemption for cash: only the buyer, only 3 months after the purchase.
    std::string c1 = "/v1/cards/" + id(cards[1]);
    std::string buyer =
        R"({"buyer":{"kind":"individual","id_type":"resident_id","id_number":"11010519491231002X"}})";
    EXPECT_EQ(as("cs.a").post(c1 + "/redeem", buyer).status, 422);  // too early
    ASSERT_TRUE(world_.store()
                    .writer()
                    .runStatus([](StoreTx& tx) {
                        tx.setBusinessDate(tx.businessDate().plusMonths(4));
                        return Status(Ok{});
                    })
                    .ok());
    EXPECT_EQ(
        as("cs.a")
            .post(
                c1 + "/redeem",
                R"({"buyer":{"kind":"individual","id_type":"resident_id","id_number":"110105194912310001"}})")
            .status,
        422);
    Answer redeemed = as("cs.a").post(c1 + "/redeem", buyer);
    ASSERT_EQ(redeemed.status, 200) << redeemed.body;
    EXPECT_EQ(redeemed.str("card.state"), "CLOSED");
    EXPECT_EQ(redeemed.num("transaction.amount_minor"), 30000);
}

TEST_F(AdminApi, MerchantsStoresGroupsAndTerminalsWithTheKeyShownOnce) {
    Answer group = as("fin.a").post("/v1/merchant-groups", R"({"code":"GYM","name":"Gym chain"})");
    ASSERT_EQ(group.status, 201) << group.body;
    EXPECT_EQ(as("fin.a").post("/v1/merchant-groups", R"({"code":"GYM","name":"again"})").status,
              409);
    Answer m = as("fin.a").post(
        "/v1/merchants",
        R"({"mid":"898310048160077","name":"Gym One","group_id":)" + id(group.num("id")) +
            R"(,"fee_bps":60,"fee_mode":"net","bank_name":"ICBC","bank_account":"6222000011112222"})");
    ASSERT_EQ(m.status, 201) << m.body;
    EXPECT_EQ(
        as("fin.a")
            .post(
                "/v1/merchants",
                R"({"mid":"898310048160077","name":"dup","fee_bps":60,"fee_mode":"net","bank_name":"b","bank_account":"1"})")
            .status,
        409);
    EXPECT_EQ(
        as("fin.a")
            .post(
                "/v1/merchants",
                R"({"mid":"898310048160078","name":"x","fee_bps":60,"fee_mode":"both","bank_name":"b","bank_account":"1"})")
            .str("error.field"),
        "fee_mode");
    std::string merchant = "/v1/merchants/" + id(m.num("id"));
    Answer store =
        as("fin.a").post(merchant + "/stores", R"({"name":"Pudong","address":"1 Century Ave"})");
    ASSERT_EQ(store.status, 201) << store.body;
    EXPECT_EQ(as("aud.a").get(merchant + "/stores").items(), 1u);
    EXPECT_EQ(
        as("fin.a")
            .post("/v1/terminals", R"({"merchant_id":)" + id(m.num("id")) + R"(,"tid":"GYM00001"})")
            .code(),
        "forbidden");
    Answer t = admin_.post("/v1/terminals", R"({"merchant_id":)" + id(m.num("id")) +
                                                R"(,"tid":"GYM00001","store_id":)" +
                                                id(store.num("id")) + "}");
    ASSERT_EQ(t.status, 201) << t.body;
    EXPECT_EQ(t.str("terminal_master_key_hex").size(), 32u);
    EXPECT_FALSE(t.str("key_check_value_hex").empty());
    EXPECT_EQ(added_tids_, std::vector<std::string>{"GYM00001"});
    Answer again = as("aud.a").get("/v1/terminals/" + id(t.num("terminal.id")));
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(again.body.find(t.str("terminal_master_key_hex")), std::string::npos);
    EXPECT_EQ(again.body.find("key"), std::string::npos);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM admin_audit WHERE detail LIKE '%" +
                       t.str("terminal_master_key_hex") + "%'"),
              0);
    EXPECT_EQ(
        admin_
            .post("/v1/terminals", R"({"merchant_id":)" + id(m.num("id")) + R"(,"tid":"GYM00001"})")
            .status,
        409);
    EXPECT_EQ(admin_.post("/v1/terminals", R"({"merchant_id":999,"tid":"GYM00002"})").status, 404);
    EXPECT_EQ(as("aud.a").get("/v1/terminals?merchant_id=" + id(m.num("id"))).items(), 1u);
    EXPECT_EQ(as("aud.a").get("/v1/merchants").items(), 2u);
    EXPECT_EQ(as("aud.a").get("/v1/merchant-groups").items(), 1u);
}

TEST_F(AdminApi, ManualAdjustmentIsPostedOnlyWhenASecondOperatorApproves) {
    std::string body = R"({"reason":"bank interest on the reserve","lines":[
        {"account":1001,"side":"debit","amount_minor":1234},
        {"account":2204,"side":"credit","amount_minor":1234}]})";
    Answer requested = as("fin.a").post("/v1/adjustments", body);
    ASSERT_EQ(requested.status, 201) << requested.body;
    std::string approval = "/v1/approvals/" + id(requested.num("id"));
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry WHERE event_type = 'manual_adjustment'"),
              0);
    EXPECT_EQ(as("fin.a").post(approval + "/approve").code(), "maker_checker_violation");
    EXPECT_EQ(as("iss.a").post(approval + "/approve").code(), "forbidden");
    EXPECT_EQ(as("aud.a").post(approval + "/approve").code(), "forbidden");
    Answer approved = as("fin.b").post(approval + "/approve");
    ASSERT_EQ(approved.status, 200) << approved.body;
    EXPECT_EQ(approved.str("result").rfind("entry:", 0), 0u);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry WHERE event_type = 'manual_adjustment'"),
              1);
    // Refused and nothing stored: unbalanced, on a card's account, unknown account, no reason.
    std::int64_t before = queryInt("SELECT COUNT(*) FROM approval_request");
    EXPECT_EQ(
        as("fin.a")
            .post(
                "/v1/adjustments",
                R"({"reason":"x","lines":[{"account":1001,"side":"debit","amount_minor":5},{"account":2204,"side":"credit","amount_minor":4}]})")
            .status,
        400);
    EXPECT_EQ(
        as("fin.a")
            .post(
                "/v1/adjustments",
                R"({"reason":"x","lines":[{"account":2201,"sub":1,"side":"debit","amount_minor":5},{"account":1001,"side":"credit","amount_minor":5}]})")
            .str("error.field"),
        "lines[0]");
    EXPECT_EQ(
        as("fin.a")
            .post(
                "/v1/adjustments",
                R"({"reason":"x","lines":[{"account":1999,"side":"debit","amount_minor":5},{"account":1001,"side":"credit","amount_minor":5}]})")
            .str("error.field"),
        "lines[0].account");
    EXPECT_EQ(as("fin.a").post("/v1/adjustments", R"({"lines":[]})").status, 400);
    EXPECT_EQ(as("cs.a").post("/v1/adjustments", body).code(), "forbidden");
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM approval_request"), before);
}

TEST_F(AdminApi, FeeChangesNeedASecondFinanceOrAdministrator) {
    std::string path = "/v1/merchants/" + id(world_.merchant_id) + "/fee-change";
    EXPECT_EQ(as("iss.a").post(path, R"({"fee_bps":45,"fee_mode":"gross"})").code(), "forbidden");
    Answer requested =
        as("fin.a").post(path, R"({"fee_bps":45,"fee_mode":"gross","reason":"new contract"})");
    ASSERT_EQ(requested.status, 201) << requested.body;
    EXPECT_EQ(as("fin.b").post(path, R"({"fee_bps":50,"fee_mode":"net"})").code(),
              "duplicate");  // one pending
    EXPECT_EQ(as("fin.a").post(path, R"({"fee_bps":10001,"fee_mode":"net"})").str("error.field"),
              "fee_bps");
    EXPECT_EQ(as("fin.a")
                  .post("/v1/merchants/999/fee-change", R"({"fee_bps":1,"fee_mode":"net"})")
                  .status,
              404);
    EXPECT_EQ(as("aud.a").get("/v1/merchants/" + id(world_.merchant_id)).num("fee_bps"),
              world_.store()
                  .writer()
                  .run<std::int64_t>([&](StoreTx& tx) -> Result<std::int64_t> {
                      return tx.merchant(world_.merchant_id)->fee_bps;
                  })
                  .value());
    ASSERT_EQ(admin_.post("/v1/approvals/" + id(requested.num("id")) + "/approve").status, 200);
    Answer m = as("aud.a").get("/v1/merchants/" + id(world_.merchant_id));
    EXPECT_EQ(m.num("fee_bps"), 45);
    EXPECT_EQ(m.str("fee_mode"), "gross");
}

TEST_F(AdminApi, PayoutReleaseIsAGenericApprovalKind) {
    spendAtMerchant(50000, 20000);
    const std::string date = cutOffAndClose();
    std::string body = R"({"kind":"payout_release","payload":{"business_date":")" + date + R"("}})";
    EXPECT_EQ(as("cs.a").post("/v1/approvals", body).code(), "forbidden");
    Answer requested = as("fin.a").post("/v1/approvals", body);
    ASSERT_EQ(requested.status, 201) << requested.body;
    EXPECT_EQ(requested.str("reference"), "payout_release:" + date);
    std::string approval = "/v1/approvals/" + id(requested.num("id"));
    EXPECT_EQ(as("cs.a").post(approval + "/approve").code(), "forbidden");
    EXPECT_EQ(as("fin.a").post(approval + "/approve").code(), "maker_checker_violation");
    EXPECT_EQ(as("fin.a").get("/v1/days/" + date + "/payout-file").status, 409);
    Answer approved = as("fin.b").post(approval + "/approve");
    EXPECT_EQ(approved.str("state"), "EXECUTED") << approved.body;
    EXPECT_EQ(approved.str("result"), "payout_file:" + date);
    EXPECT_EQ(as("fin.a").get("/v1/days/" + date + "/payout-file").status, 200);
    EXPECT_EQ(
        as("fin.a").post("/v1/approvals", R"({"kind":"coffee","payload":{}})").str("error.field"),
        "kind");
    EXPECT_EQ(
        as("fin.a").post("/v1/approvals", R"({"kind":"payout_release","payload":{"x":1}})").status,
        400);
    EXPECT_EQ(as("aud.a").get("/v1/approvals/999").status, 404);
    EXPECT_EQ(as("fin.b").post("/v1/approvals/999/approve").status, 404);
}

TEST_F(AdminApi, BadInputGetsAClearErrorAndChangesNothing) {
    std::int64_t products = queryInt("SELECT COUNT(*) FROM product");
    std::int64_t audit = queryInt("SELECT COUNT(*) FROM admin_audit");
    const Client& iss = as("iss.a");
    EXPECT_EQ(iss.post("/v1/products", "{not json").code(), "invalid_argument");
    EXPECT_EQ(iss.post("/v1/products", "[1,2]").status, 400);
    EXPECT_EQ(iss.post("/v1/products", R"({"code":"A","code":"B"})").status, 400);  // twice
    EXPECT_EQ(
        iss.post("/v1/products", R"({"code":5,"name":"x","bin":"62345678"})").str("error.field"),
        "code");
    EXPECT_EQ(iss.post("/v1/products", R"({"code":"Z","name":"x","bin":"62345678","colour":"red"})")
                  .str("error.field"),
              "colour");
    EXPECT_EQ(iss.post("/v1/products", R"({"a":{"b":{"c":{"d":{"e":1}}}}})").status,
              400);  // too deep
    EXPECT_EQ(iss.post("/v1/products", "{\"code\":\"" + std::string(2000, 'x') + "\"}").status,
              400);
    // Refused on its Content-Length, before a byte of the body is read.
    Answer huge = iss.send("POST", "/v1/products", "", {{"Content-Length", "70000"}});
    EXPECT_EQ(huge.status, 413);
    EXPECT_EQ(huge.code(), "payload_too_large");
    EXPECT_EQ(iss.send("POST", "/v1/products", "{}", {{"Content-Type", "text/plain"}}).status, 415);
    EXPECT_EQ(iss.get("/v1/nothing").code(), "unknown_endpoint");
    EXPECT_EQ(iss.get("/v1/products/abc").status, 404);
    EXPECT_EQ(iss.get("/v1/products/0").status, 404);
    EXPECT_EQ(iss.post("/v1/products/1").status, 405);
    EXPECT_EQ(iss.get("/v1/products?limit=0").str("error.field"), "limit");
    EXPECT_EQ(iss.get("/v1/products?limit=100000").status, 400);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM product"), products);
    // Each failed change attempt is on record, and nothing else was written.
    EXPECT_EQ(
        queryInt("SELECT COUNT(*) FROM admin_audit WHERE outcome = 'ok'"),
        queryInt("SELECT COUNT(*) FROM admin_audit WHERE outcome = 'ok' AND id <= " + id(audit)));
}

TEST_F(AdminApi, AuditLogIsReadableByAuditorsAndVerifyNamesTheFirstEditedRow) {
    stockedBatch(3);
    Answer list = as("aud.a").get("/v1/audit?limit=5");
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.items(), 5u);
    EXPECT_EQ(list.num("next_after_id"), 5);
    EXPECT_EQ(as("fin.a").get("/v1/audit").code(), "forbidden");
    Answer ok = as("aud.a").get("/v1/audit/verify");
    EXPECT_TRUE(ok.at("ok").convert<bool>()) << ok.body;
    std::int64_t rows = ok.num("rows");
    EXPECT_GT(rows, 20);
    // The log refuses changes; someone with the database file drops the trigger and edits row 7.
    auto db = world_.store().openReader();
    store::Database rw(world_.store().options().path, store::Database::Options{});
    EXPECT_THROW(rw.exec("UPDATE admin_audit SET detail = 'x' WHERE id = 7"), StorageError);
    EXPECT_THROW(rw.exec("DELETE FROM admin_audit WHERE id = 7"), StorageError);
    rw.exec("DROP TRIGGER admin_audit_no_update");
    rw.exec("UPDATE admin_audit SET outcome = 'ok', actor = 'someone.else' WHERE id = 7");
    Answer broken = as("aud.a").get("/v1/audit/verify");
    EXPECT_FALSE(broken.at("ok").convert<bool>());
    EXPECT_EQ(broken.num("first_broken_id"), 7);
    AuditChainReport report = chainReport();
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(*report.first_broken, 7);
    EXPECT_NE(report.summary().find("row 7"), std::string::npos);
    check_chain_ = false;
}

TEST_F(AdminApi, ADeletedAuditRowBreaksTheChainAtTheNextRow) {
    store::Database rw(world_.store().options().path, store::Database::Options{});
    rw.exec("DROP TRIGGER admin_audit_no_delete");
    rw.exec("DELETE FROM admin_audit WHERE id = 4");
    AuditChainReport report = chainReport();
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(*report.first_broken, 5);
    check_chain_ = false;
}

}  // namespace
}  // namespace yika::admin::testing

namespace yika::admin::testing {
namespace {

using AdminApi = AdminApiTest;

// Role escalation (issue 9): every way an operator might raise its own or someone's powers is
// refused on the server, changes nothing, and is audited.
TEST_F(AdminApi, EveryRoleEscalationTriedIsRefused) {
    const std::string admin_id = std::to_string(
        admin_.get("/v1/session").json->getObject("operator")->getValue<Poco::Int64>("id"));
    const std::int64_t operators_before = queryInt("SELECT COUNT(*) FROM operator");
    const std::int64_t forbidden_before =
        queryInt("SELECT COUNT(*) FROM admin_audit WHERE outcome = 'forbidden'");
    int tries = 0;
    for (const char* name : {"iss.a", "fin.a", "cs.a", "aud.a"}) {
        const Client& c = as(name);
        // Making a new administrator, or an operator of its own kind, to act as a second checker.
        for (const char* role : {"administrator", "finance", "issuance"}) {
            Answer made =
                c.post("/v1/operators", std::string(R"({"name":"x)") + name[0] +
                                            R"(","display_name":"x","role":")" + role + R"("})");
            EXPECT_EQ(made.status, 403) << name << " made a " << role << ": " << made.body;
            ++tries;
        }
        // Taking over the administrator: a new password for it, or locking it out.
        EXPECT_EQ(c.post("/v1/operators/" + admin_id + "/reset-password").status, 403) << name;
        EXPECT_EQ(c.post("/v1/operators/" + admin_id + "/disable").status, 403) << name;
        tries += 2;
        // A role smuggled into its own password change is refused as an unknown member.
        Answer smuggled =
            c.post("/v1/session/password",
                   R"({"old_password":"x","new_password":"y","role":"administrator"})");
        EXPECT_EQ(smuggled.status, 400) << name << ": " << smuggled.body;
        // What its session says it may do has not grown.
        Answer session = c.get("/v1/session");
        ASSERT_EQ(session.status, 200);
        EXPECT_EQ(session.body.find("operator_manage"), std::string::npos) << name;
    }
    // The administrator cannot disable itself (then nobody could manage operators).
    EXPECT_NE(admin_.post("/v1/operators/" + admin_id + "/disable").status, 200);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM operator"), operators_before);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM admin_audit WHERE outcome = 'forbidden'"),
              forbidden_before + tries);
    EXPECT_EQ(admin_.get("/v1/session").status, 200) << "the administrator still works";
}

}  // namespace
}  // namespace yika::admin::testing
