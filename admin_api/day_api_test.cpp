// The admin API's business day, settlement, reconciliation, invoices, reports and dashboard
// (issue 5) over real HTTP: every endpoint with its main errors, the payout file's
// maker-checker release, imports that refuse a malformed file whole, and a day close through
// the API that ends balanced. Every test ends (TearDown) with the ledger invariants and the
// audit chain check.

#include "card_core/domain/reconciliation.h"
#include "card_core/domain/report_catalog.h"
#include "card_core/domain/settlement.h"
#include "card_core/store/pg_db.h"

#include <future>

#include "admin_api/admin_test_fixture.h"
#include "admin_api/day_jobs.h"

namespace yika::admin::testing {
namespace {

using DayApi = AdminApiTest;

std::string id(std::int64_t v) { return std::to_string(v); }

// A JSON string member of a CSV file's text.
std::string csvBody(const std::string& csv) {
    std::string out = R"({"csv":")";
    for (char c : csv) {
        if (c == '\n') {
            out += "\\n";
        } else if (c == '"') {
            out += "\\\"";
        } else {
            out += c;
        }
    }
    return out + "\"}";
}

TEST_F(DayApi, CutOffAndCloseADayWithPurchasesEndsBalanced) {
    spendAtMerchant(50000, 12000);
    spendAtMerchant(30000, 30000);
    Answer before = as("aud.a").get("/v1/day");
    ASSERT_EQ(before.status, 200) << before.body;
    const std::string today = before.str("business_date");
    EXPECT_EQ(before.str("cutoff_time"), "23:00");
    auto days = before.json->getArray("days");
    ASSERT_GE(days->size(), 1u);
    EXPECT_EQ(days->getObject(0)->getValue<std::string>("date"), today);
    EXPECT_EQ(days->getObject(0)->getValue<std::string>("state"), "OPEN");

    // Only finance cuts off; a stale guard cuts off nothing.
    EXPECT_EQ(as("cs.a").post("/v1/day/cutoff").code(), "forbidden");
    EXPECT_EQ(as("admin").post("/v1/day/cutoff").code(), "forbidden");
    EXPECT_EQ(as("fin.a").post("/v1/day/cutoff", R"({"business_date":"2001-01-01"})").status, 409);
    EXPECT_EQ(as("fin.a").post("/v1/day/cutoff", R"({"business_date":5})").status, 400);
    Answer cut = as("fin.a").post("/v1/day/cutoff", R"({"business_date":")" + today + R"("})");
    ASSERT_EQ(cut.status, 200) << cut.body;
    EXPECT_EQ(cut.str("cut_off_date"), today);
    const std::string tomorrow = cut.str("business_date");
    EXPECT_EQ(tomorrow, Date::parseIso(today)->plusDays(1).toIso());
    Answer after = as("fin.a").get("/v1/day");
    EXPECT_EQ(after.str("business_date"), tomorrow);
    EXPECT_EQ(after.str("next_to_close"), today);
    auto listed = after.json->getArray("days");  // newest first
    ASSERT_GE(listed->size(), 2u);
    EXPECT_EQ(listed->getObject(0)->getValue<std::string>("date"), tomorrow);
    EXPECT_EQ(listed->getObject(1)->getValue<std::string>("date"), today);
    EXPECT_EQ(listed->getObject(1)->getValue<std::string>("state"), "CUT_OFF");
    EXPECT_EQ(listed->getObject(1)->getValue<std::string>("cut_off_by"), "fin.a");

    // Bad dates, an OPEN day, a role without the permission: refused, audited, nothing changed.
    EXPECT_EQ(as("fin.a").post("/v1/days/2026-02-30/close").str("error.field"), "date");
    EXPECT_EQ(as("fin.a").post("/v1/days/yesterday/close").status, 400);
    EXPECT_EQ(as("fin.a").get("/v1/days/2026-1-01").status, 400);
    EXPECT_EQ(as("fin.a").post("/v1/days/" + tomorrow + "/close").code(), "illegal_transition");
    EXPECT_EQ(as("cs.a").post("/v1/days/" + today + "/close").code(), "forbidden");
    EXPECT_EQ(as("aud.a").post("/v1/days/" + today + "/close").code(), "forbidden");
    EXPECT_EQ(as("fin.a").post("/v1/days/" + today + "/close", R"({"wait":"yes"})").status, 400);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM day_close_step"), 0);

    // The close runs as a job (202); asking again with wait joins it (or finds it done).
    Answer started = as("fin.a").post("/v1/days/" + today + "/close");
    ASSERT_EQ(started.status, 202) << started.body;
    EXPECT_EQ(started.str("date"), today);
    Answer closed = as("fin.a").post("/v1/days/" + today + "/close", R"({"wait":true})");
    ASSERT_EQ(closed.status, 200) << closed.body;
    EXPECT_EQ(closed.str("state"), "CLOSED");
    EXPECT_EQ(closed.str("error"), "");
    auto steps = closed.json->getArray("steps");
    ASSERT_EQ(steps->size(), 7u);
    for (unsigned i = 0; i < steps->size(); ++i) {
        EXPECT_TRUE(steps->getObject(i)->getValue<bool>("done"))
            << steps->getObject(i)->getValue<std::string>("name");
    }
    EXPECT_EQ(steps->getObject(0)->getValue<std::string>("name"), "clearing");
    EXPECT_EQ(closed.num("payouts"), 1);
    EXPECT_EQ(closed.str("payout_release.state"), "NONE");

    // The trial balance of the day balances; the progress reads the same for the auditor.
    Answer tb = as("aud.a").get("/v1/reports/trial-balance?date=" + today);
    ASSERT_EQ(tb.status, 200) << tb.body;
    EXPECT_TRUE(tb.at("balanced").convert<bool>()) << tb.body;
    Answer day = as("aud.a").get("/v1/reports/day?date=" + today);
    EXPECT_TRUE(day.at("trial_balance_balanced").convert<bool>()) << day.body;
    EXPECT_EQ(day.num("activity.purchases_minor"), 42000) << day.body;
    EXPECT_EQ(as("aud.a").get("/v1/days/" + today).str("state"), "CLOSED");

    // Closing again changes nothing (the close is idempotent).
    std::int64_t entries = queryInt("SELECT COUNT(*) FROM journal_entry");
    Answer again = as("fin.a").post("/v1/days/" + today + "/close", R"({"wait":true})");
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry"), entries);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM admin_audit WHERE action = 'day.cutoff' AND "
                       "outcome = 'ok'"),
              1);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM admin_audit WHERE action = 'day.close.end' AND "
                       "outcome = 'ok'"),
              1);
    EXPECT_GE(queryInt("SELECT COUNT(*) FROM admin_audit WHERE action = 'day.close' AND "
                       "outcome = 'illegal_transition'"),
              1);
}

TEST_F(DayApi, ClosingAfterAnEarlierUnclosedDayIsRefused) {
    Answer first = as("fin.a").post("/v1/day/cutoff");
    Answer second = as("fin.a").post("/v1/day/cutoff");
    ASSERT_EQ(second.status, 200);
    Answer refused = as("fin.a").post("/v1/days/" + second.str("cut_off_date") + "/close");
    EXPECT_EQ(refused.code(), "illegal_transition");
    EXPECT_NE(refused.str("error.message").find(first.str("cut_off_date")), std::string::npos);
    EXPECT_EQ(as("fin.a")
                  .post("/v1/days/" + first.str("cut_off_date") + "/close", R"({"wait":true})")
                  .str("state"),
              "CLOSED");
}

TEST_F(DayApi, PayoutFileIsReleasedOnlyAfterASecondOperatorApproves) {
    spendAtMerchant(50000, 20000);
    const std::string date = cutOffAndClose();
    const std::string file = "/v1/days/" + date + "/payout-file";
    const std::string release = "/v1/days/" + date + "/payout-release";
    EXPECT_EQ(as("fin.a").get(file).code(), "illegal_transition");  // nothing requested

    // Customer service and auditors neither request nor approve.
    EXPECT_EQ(as("cs.a").post(release).code(), "forbidden");
    EXPECT_EQ(as("aud.a").post(release).code(), "forbidden");
    EXPECT_EQ(as("fin.a").post(release, R"({"colour":"red"})").str("error.field"), "colour");
    Answer requested = as("fin.a").post(release, R"({"note":"day 1"})");
    ASSERT_EQ(requested.status, 201) << requested.body;
    EXPECT_EQ(requested.str("kind"), "payout_release");
    EXPECT_EQ(requested.str("state"), "PENDING");
    EXPECT_NE(requested.str("summary").find("1 payouts"), std::string::npos);
    EXPECT_EQ(as("fin.b").post(release).code(), "duplicate");  // one pending per day
    EXPECT_EQ(as("fin.a").get(file).code(), "illegal_transition");
    EXPECT_EQ(as("fin.a").get("/v1/days/" + date).str("payout_release.state"), "PENDING");

    const std::string approve = "/v1/approvals/" + id(requested.num("id")) + "/approve";
    EXPECT_EQ(as("fin.a").post(approve).code(), "maker_checker_violation");  // the maker
    EXPECT_EQ(as("cs.a").post(approve).code(), "forbidden");
    EXPECT_EQ(as("aud.a").post(approve).code(), "forbidden");
    EXPECT_EQ(as("iss.a").post(approve).code(), "forbidden");
    EXPECT_EQ(as("fin.a").get(file).status, 409);
    Answer approved = as("fin.b").post(approve);
    ASSERT_EQ(approved.str("state"), "EXECUTED") << approved.body;

    // Now finance downloads the file, exactly as the bank gets it; nobody else does.
    Answer csv = as("fin.a").get(file);
    ASSERT_EQ(csv.status, 200) << csv.body;
    EXPECT_EQ(csv.content_type.rfind("text/csv", 0), 0u);
    std::string expected;
    {
        auto db = world_.store().openReader();
        store::SqliteStoreTx reader(*db);
        expected = payoutFileCsv(reader.days().payouts(*Date::parseIso(date)));
    }
    EXPECT_EQ(csv.body, expected);
    EXPECT_EQ(csv.body.rfind(std::string(payoutFileHeader()), 0), 0u);
    EXPECT_NE(csv.body.find("6222020200112233445"), std::string::npos);
    EXPECT_EQ(as("aud.a").get(file).code(), "forbidden");
    EXPECT_EQ(as("cs.a").get(file).code(), "forbidden");
    EXPECT_EQ(as("admin").get(file).code(), "forbidden");
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM admin_audit WHERE action = 'payout.download' AND "
                       "outcome = 'ok'"),
              1);
    EXPECT_EQ(as("fin.a").post(release).code(), "duplicate");  // released once
    EXPECT_EQ(as("aud.a").get("/v1/days/" + date).str("payout_release.state"), "EXECUTED");

    // The listing masks the bank account.
    Answer payouts = as("aud.a").get("/v1/payouts?date=" + date);
    ASSERT_EQ(payouts.items(), 1u) << payouts.body;
    auto p = payouts.json->getArray("items")->getObject(0);
    EXPECT_EQ(p->getValue<std::string>("bank_account_masked"), "6222***********3445");
    EXPECT_EQ(payouts.body.find("6222020200112233445"), std::string::npos);
    EXPECT_EQ(p->getValue<std::string>("state"), "PENDING");
    EXPECT_EQ(p->getValue<Poco::Int64>("amount_minor"), 20000 - 76);  // fee 38 bps, net mode
    EXPECT_EQ(as("aud.a").get("/v1/payouts?state=pending").items(), 1u);
    EXPECT_EQ(as("aud.a").get("/v1/payouts?state=paid").items(), 0u);
    EXPECT_EQ(as("aud.a").get("/v1/payouts").items(), 1u);
    EXPECT_EQ(as("aud.a").get("/v1/payouts?state=lost").str("error.field"), "state");
    EXPECT_EQ(as("aud.a").get("/v1/payouts?date=2026-13-01").str("error.field"), "date");
    EXPECT_EQ(as("cs.a").get("/v1/payouts").code(), "forbidden");
}

TEST_F(DayApi, PayoutReleaseNeedsAClosedDayWithPayouts) {
    Answer open = as("fin.a").post("/v1/days/" + as("fin.a").get("/v1/day").str("business_date") +
                                   "/payout-release");
    EXPECT_EQ(open.code(), "illegal_transition");
    const std::string empty_day = cutOffAndClose();  // no purchases: no payouts
    EXPECT_EQ(as("fin.a").post("/v1/days/" + empty_day + "/payout-release").code(),
              "rule_violation");
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM approval_request"), 0);
}

TEST_F(DayApi, PayoutResultsImportPaysAndAMalformedFileChangesNothing) {
    spendAtMerchant(50000, 20000);
    const std::string date = cutOffAndClose();
    Answer listed = as("fin.a").get("/v1/payouts?date=" + date);
    auto payout = listed.json->getArray("items")->getObject(0);
    const std::string reference = payout->getValue<std::string>("reference");
    const std::string amount = payout->getValue<std::string>("amount_yuan");

    // Line 3 is malformed: the whole file is refused, naming the line; line 2 is not applied.
    const std::int64_t entries = queryInt("SELECT COUNT(*) FROM journal_entry");
    const std::int64_t exceptions = queryInt("SELECT COUNT(*) FROM recon_exception");
    std::string bad = std::string(payoutResultHeader()) + "\n" + reference + ",PAID," + amount +
                      ",BANK-1,\n" + "YKP0000000099,MAYBE,1.00,,\n";
    Answer refused = as("fin.a").post("/v1/payout-results", csvBody(bad));
    EXPECT_EQ(refused.status, 400) << refused.body;
    EXPECT_EQ(refused.str("error.field"), "csv");
    EXPECT_NE(refused.str("error.message").find("line 3"), std::string::npos) << refused.body;
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry"), entries);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM recon_exception"), exceptions);
    EXPECT_EQ(as("fin.a").get("/v1/payouts?state=paid").items(), 0u);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM admin_audit WHERE action = "
                       "'payout.import_results' AND outcome = 'invalid_argument'"),
              1);
    EXPECT_EQ(as("fin.a").post("/v1/payout-results", R"({"csv":5})").status, 400);
    EXPECT_EQ(as("fin.a").post("/v1/payout-results", R"({})").str("error.field"), "csv");
    EXPECT_EQ(as("cs.a").post("/v1/payout-results", csvBody(bad)).code(), "forbidden");
    EXPECT_EQ(as("aud.a").post("/v1/payout-results", csvBody(bad)).code(), "forbidden");

    std::string good =
        std::string(payoutResultHeader()) + "\n" + reference + ",PAID," + amount + ",BANK-1,\n";
    Answer paid = as("fin.a").post("/v1/payout-results", csvBody(good));
    ASSERT_EQ(paid.status, 200) << paid.body;
    EXPECT_EQ(paid.num("paid"), 1);
    EXPECT_EQ(paid.str("paid_total_yuan"), amount);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry"), entries + 1);
    EXPECT_EQ(as("fin.a").get("/v1/payouts?state=paid").items(), 1u);
    Answer again = as("fin.a").post("/v1/payout-results", csvBody(good));
    EXPECT_EQ(again.num("already"), 1);  // re-importing changes nothing
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry"), entries + 1);
}

TEST_F(DayApi, ImportBodiesMayBeLargerThanOtherBodiesButNotUnbounded) {
    // Over admin.body_bytes_max, under admin.import_bytes_max: read and parsed (and refused here
    // as malformed at its line 2), not refused for its size.
    std::string big = std::string(bankStatementHeader()) + "\n" + std::string(70'000, 'x') + "\n";
    Answer parsed = as("fin.a").post("/v1/bank-statements", csvBody(big));
    EXPECT_EQ(parsed.status, 400) << parsed.body.substr(0, 300);
    EXPECT_NE(parsed.str("error.message").find("line 2"), std::string::npos);
    // The same size elsewhere is too large, and an import over its own limit too.
    EXPECT_EQ(as("fin.a")
                  .send("POST", "/v1/recon/exceptions/1/resolve", "",
                        {{"Content-Length", std::to_string(csvBody(big).size())}})
                  .status,
              413);
    Answer huge =
        as("fin.a").send("POST", "/v1/payout-results", "",
                         {{"Content-Length", std::to_string(limits_.import_bytes_max + 1)}});
    EXPECT_EQ(huge.code(), "payload_too_large");
    // The larger limit is only for a session that may import: without a session, with a forged
    // token, or as a role that may not import, a body of that size is refused unread. (The test
    // announces the size without sending the bytes: a server that answers without reading makes
    // the kernel reset a connection that still has a body in flight.)
    const std::vector<std::pair<std::string, std::string>> big_length{
        {"Content-Length", std::to_string(csvBody(big).size())}};
    EXPECT_EQ(anonymous().send("POST", "/v1/bank-statements", "", big_length).code(),
              "payload_too_large");
    EXPECT_EQ(Client(server_->port(), std::string(64, 'a'))
                  .send("POST", "/v1/bank-statements", "", big_length)
                  .code(),
              "payload_too_large");
    EXPECT_EQ(as("aud.a").send("POST", "/v1/bank-statements", "", big_length).code(),
              "payload_too_large");
    EXPECT_EQ(as("cs.a").send("POST", "/v1/payout-results", "", big_length).code(),
              "payload_too_large");
    // A small body from them still gets the router's own answer (401, 403), audited there.
    EXPECT_EQ(anonymous().post("/v1/bank-statements", csvBody("x")).status, 401);
    EXPECT_EQ(as("aud.a").post("/v1/bank-statements", csvBody("x")).code(), "forbidden");
}

TEST_F(DayApi, BankStatementExceptionsAreResolvedWithAComment) {
    std::string statement = std::string(bankStatementHeader()) +
                            "\nICBC-0001,2026-03-02,CR,88.00,CNY,Somebody,6222000011112222,X1\n";
    const std::int64_t exceptions = queryInt("SELECT COUNT(*) FROM recon_exception");
    std::string malformed = std::string(bankStatementHeader()) +
                            "\nICBC-0001,2026-03-02,CR,88.00,CNY,Somebody,6222000011112222,X1\n"
                            "ICBC-0002,2026-03-02,SIDEWAYS,1.00,CNY,A,B,C\n";
    Answer refused = as("fin.a").post("/v1/bank-statements", csvBody(malformed));
    EXPECT_EQ(refused.status, 400);
    EXPECT_NE(refused.str("error.message").find("line 3"), std::string::npos) << refused.body;
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM recon_exception"), exceptions);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM bank_statement_line"), 0);

    Answer imported = as("fin.a").post("/v1/bank-statements", csvBody(statement));
    ASSERT_EQ(imported.status, 200) << imported.body;
    EXPECT_EQ(imported.num("lines"), 1);
    EXPECT_EQ(imported.num("unmatched_bank"), 1);
    Answer open = as("aud.a").get("/v1/recon/exceptions");
    ASSERT_EQ(open.status, 200) << open.body;
    ASSERT_GE(open.items(), 1u);
    auto e = open.json->getArray("items")->getObject(0);
    const std::string resolve =
        "/v1/recon/exceptions/" + id(e->getValue<Poco::Int64>("id")) + "/resolve";
    EXPECT_EQ(e->getValue<std::string>("kind"), "bank_unmatched");
    EXPECT_EQ(as("fin.a").post(resolve, R"({"comment":""})").str("error.field"), "comment");
    EXPECT_EQ(as("fin.a").post(resolve).str("error.field"), "comment");
    EXPECT_EQ(as("cs.a").post(resolve, R"({"comment":"x"})").code(), "forbidden");
    EXPECT_EQ(as("aud.a").post(resolve, R"({"comment":"x"})").code(), "forbidden");
    Answer resolved = as("fin.a").post(resolve, R"({"comment":"refund of a test transfer"})");
    ASSERT_EQ(resolved.status, 200) << resolved.body;
    EXPECT_EQ(resolved.str("state"), "RESOLVED");
    EXPECT_EQ(resolved.str("resolved_by"), "fin.a");
    EXPECT_EQ(as("fin.a").post(resolve, R"({"comment":"again"})").status, 409);
    EXPECT_EQ(as("fin.a").post("/v1/recon/exceptions/999/resolve", R"({"comment":"x"})").status,
              404);
    EXPECT_EQ(as("aud.a").get("/v1/recon/exceptions").items(), open.items() - 1);
    EXPECT_EQ(as("aud.a").get("/v1/recon/exceptions?state=all").items(), open.items());
    EXPECT_EQ(as("aud.a").get("/v1/recon/exceptions?state=closed").str("error.field"), "state");
    EXPECT_EQ(as("fin.a").post("/v1/bank-statements", csvBody(statement)).num("already"), 1);
}

TEST_F(DayApi, InvoicesToBuyersNeverExceedWhatWasPaid) {
    stockedBatch(4);
    std::int64_t order = soldOrder(2, 50000);  // 1,000.00 paid
    const std::string path = "/v1/orders/" + id(order) + "/invoices";
    Answer none = as("aud.a").get(path);
    ASSERT_EQ(none.status, 200) << none.body;
    EXPECT_EQ(none.num("paid_minor"), 100000);
    EXPECT_EQ(none.num("invoiceable_minor"), 100000);
    EXPECT_EQ(none.items(), 0u);

    std::string body = R"({"number":"INV-0001","date":"2026-03-02","title":"Zhang San",)"
                       R"("tax_id":"","amount_minor":60000})";
    EXPECT_EQ(as("cs.a").post(path, body).code(), "forbidden");
    EXPECT_EQ(as("aud.a").post(path, body).code(), "forbidden");
    Answer issued = as("fin.a").post(path, body);
    ASSERT_EQ(issued.status, 201) << issued.body;
    EXPECT_EQ(issued.num("amount_minor"), 60000);
    EXPECT_EQ(issued.str("issued_by"), "fin.a");
    EXPECT_EQ(as("fin.a")
                  .post(path, R"({"number":"INV-0001","date":"2026-03-02","amount_minor":1})")
                  .str("error.field"),
              "number");  // issued before

    Answer over =
        as("fin.a").post(path, R"({"number":"INV-0002","date":"2026-03-02","amount_minor":40001})");
    EXPECT_EQ(over.status, 422) << over.body;
    EXPECT_EQ(over.code(), "rule_violation");
    EXPECT_EQ(over.str("error.field"), "amount_minor");
    EXPECT_EQ(as("fin.a")
                  .post(path, R"({"number":"INV-0003","date":"2026-02-30","amount_minor":1})")
                  .str("error.field"),
              "date");
    EXPECT_EQ(as("fin.a")
                  .post(path, R"({"number":"INV-0003","date":"2026-03-02","amount_minor":1.5})")
                  .str("error.field"),
              "amount_minor");
    EXPECT_EQ(as("fin.a")
                  .post("/v1/orders/999/invoices",
                        R"({"number":"INV-9","date":"2026-03-02","amount_minor":1})")
                  .status,
              404);
    EXPECT_EQ(as("fin.a")
                  .post(path, R"({"number":"INV-0004","date":"2026-03-02","amount_minor":40000})")
                  .status,
              201);
    Answer all = as("fin.a").get(path);
    EXPECT_EQ(all.items(), 2u);
    EXPECT_EQ(all.num("issued_minor"), 100000);
    EXPECT_EQ(all.num("invoiceable_minor"), 0);
    EXPECT_EQ(as("cs.a").get(path).code(), "forbidden");
    EXPECT_EQ(as("aud.a").get("/v1/orders/999/invoices").status, 404);
}

TEST_F(DayApi, MerchantInvoicesAreExpectedPerSettlementMonth) {
    spendAtMerchant(50000, 20000);
    const std::string date = cutOffAndClose();
    const std::string month = date.substr(0, 7);
    const std::string path = "/v1/merchants/" + id(world_.merchant_id) + "/invoices";
    Answer expected = as("aud.a").get(path);
    ASSERT_EQ(expected.status, 200) << expected.body;
    ASSERT_EQ(expected.items(), 1u) << expected.body;
    auto row = expected.json->getArray("items")->getObject(0);
    EXPECT_EQ(row->getValue<std::string>("period"), month);
    EXPECT_EQ(row->getValue<Poco::Int64>("expected_minor"), 20000 - 76);
    EXPECT_EQ(row->getValue<Poco::Int64>("outstanding_minor"), 20000 - 76);
    EXPECT_FALSE(row->getValue<bool>("overdue"));

    std::string wrong_remark = R"({"period":")" + month + R"(","number":"M-1","date":")" + date +
                               R"(","amount_minor":19924,"remark":"goods"})";
    Answer refused = as("fin.a").post(path, wrong_remark);
    EXPECT_EQ(refused.status, 422);
    EXPECT_EQ(refused.str("error.field"), "remark");
    EXPECT_EQ(as("fin.a")
                  .post(path, R"({"period":"2026-13","number":"M-1","date":")" + date +
                                  R"(","amount_minor":1,"remark":"收到预付卡结算款"})")
                  .str("error.field"),
              "period");
    std::string right = R"({"period":")" + month + R"(","number":"M-1","date":")" + date +
                        R"(","amount_minor":19924,"remark":"收到预付卡结算款"})";
    EXPECT_EQ(as("cs.a").post(path, right).code(), "forbidden");
    Answer recorded = as("fin.a").post(path, right);
    ASSERT_EQ(recorded.status, 201) << recorded.body;
    EXPECT_EQ(recorded.str("period"), month);
    EXPECT_EQ(as("fin.a").post(path, right).code(), "duplicate");
    Answer after = as("aud.a").get(path + "?from=" + month + "&to=" + month);
    auto settled = after.json->getArray("items")->getObject(0);
    EXPECT_EQ(settled->getValue<Poco::Int64>("received_minor"), 19924);
    EXPECT_EQ(settled->getValue<Poco::Int64>("outstanding_minor"), 0);
    EXPECT_EQ(settled->getArray("invoices")->size(), 1u);
    EXPECT_EQ(as("aud.a").get(path + "?from=2026-1").str("error.field"), "from");
    EXPECT_EQ(as("aud.a").get("/v1/merchants/999/invoices").status, 404);
}

TEST_F(DayApi, EveryReportAnswersJsonAndTheCommandLinesCsv) {
    spendAtMerchant(50000, 20000);
    const std::string date = cutOffAndClose();
    for (std::string_view name : reportNames()) {
        const std::string path = "/v1/reports/" + std::string(name) + "?date=" + date;
        Answer json = as("aud.a").get(path);
        ASSERT_EQ(json.status, 200) << name << ": " << json.body;
        EXPECT_EQ(json.content_type, "application/json") << name;
        ASSERT_TRUE(json.json) << name;
        Answer csv = as("fin.a").get(path + "&format=csv");
        ASSERT_EQ(csv.status, 200) << name << ": " << csv.body;
        EXPECT_EQ(csv.content_type.rfind("text/csv", 0), 0u) << name;
        // `yikad report NAME --date D --csv` renders through the same catalog on a snapshot.
        std::string cli;
        {
            auto db = world_.store().openReader();
            store::SqliteStoreTx reader(*db);
            auto range = reportRange(date, std::nullopt, std::nullopt, reader.businessDate());
            ASSERT_TRUE(range.ok());
            ReportSettings settings;
            cli = renderReport(reader, name, *range, settings, ReportFormat::Csv).value();
        }
        EXPECT_EQ(csv.body, cli) << name;
        EXPECT_EQ(as("fin.a")
                      .send("GET", "/v1/reports/" + std::string(name) + "?date=" + date, "",
                            {{"Accept", "text/csv"}})
                      .body,
                  cli)
            << name;
    }
    EXPECT_EQ(as("aud.a")
                  .get("/v1/reports/trial-balance?date=" + date + "&format=csv")
                  .body.rfind("date,account,name,", 0),
              0u);
    EXPECT_EQ(as("aud.a").get("/v1/reports/profits").code(), "not_found");
    EXPECT_EQ(as("aud.a").get("/v1/reports/Trial_Balance").str("error.field"), "name");
    EXPECT_EQ(as("aud.a").get("/v1/reports/activity?from=2026-03-05&to=2026-03-01").status, 400);
    EXPECT_EQ(as("aud.a").get("/v1/reports/activity?from=tomorrow").str("error.field"), "from");
    EXPECT_EQ(as("aud.a").get("/v1/reports/day?format=xml").str("error.field"), "format");
    EXPECT_EQ(as("cs.a").get("/v1/reports/liability").code(), "forbidden");
    EXPECT_EQ(as("iss.a").get("/v1/reports/liability").code(), "forbidden");
    Answer months = as("aud.a").get("/v1/reports/invoice-pool?from=" + date.substr(0, 7) +
                                    "&to=" + date.substr(0, 7));
    EXPECT_EQ(months.status, 200) << months.body;
}

TEST_F(DayApi, DashboardIsCheapAndReadableByEveryRole) {
    spendAtMerchant(50000, 12000);
    Answer d = as("cs.a").get("/v1/dashboard");
    ASSERT_EQ(d.status, 200) << d.body;
    const std::string today = as("fin.a").get("/v1/day").str("business_date");
    EXPECT_EQ(d.str("business_date"), today);
    EXPECT_EQ(d.num("liability_minor"), 50000 - 12000);
    EXPECT_EQ(d.num("today.sales_minor"), 50000);
    EXPECT_EQ(d.num("today.redemptions_minor"), 12000);
    auto days = d.json->getArray("last_30_days");
    ASSERT_EQ(days->size(), 30u);
    EXPECT_EQ(days->getObject(29)->getValue<std::string>("date"), today);
    EXPECT_EQ(days->getObject(29)->getValue<Poco::Int64>("redemptions_minor"), 12000);
    EXPECT_EQ(days->getObject(0)->getValue<Poco::Int64>("sales_minor"), 0);
    EXPECT_EQ(d.num("pending_approvals"), 0);
    EXPECT_EQ(d.num("open_recon_exceptions"), 0);
    EXPECT_EQ(d.num("overdue_merchant_invoices"), 0);
    for (const char* who : {"admin", "iss.a", "fin.a", "aud.a"}) {
        EXPECT_EQ(as(who).get("/v1/dashboard").status, 200) << who;
    }
    // Within admin.dashboard_cache_ms the figures are not recomputed; after it they are.
    spendAtMerchant(10000, 1000);
    EXPECT_EQ(as("fin.a").get("/v1/dashboard").num("today.redemptions_minor"), 12000);
    world_.clock.advanceMs(limits_.dashboard_cache_ms);
    EXPECT_EQ(as("fin.a").get("/v1/dashboard").num("today.redemptions_minor"), 13000);
    // Once the day is closed its figures come from its stored day report, unchanged.
    const std::string closed = cutOffAndClose();
    world_.clock.advanceMs(limits_.dashboard_cache_ms);
    Answer next = as("fin.a").get("/v1/dashboard");
    auto month = next.json->getArray("last_30_days");
    ASSERT_EQ(month->size(), 30u);
    EXPECT_EQ(month->getObject(28)->getValue<std::string>("date"), closed);
    EXPECT_EQ(month->getObject(28)->getValue<Poco::Int64>("sales_minor"), 60000);
    EXPECT_EQ(month->getObject(28)->getValue<Poco::Int64>("redemptions_minor"), 13000);
    EXPECT_EQ(next.num("today.sales_minor"), 0);
    EXPECT_EQ(next.num("liability_minor"), 60000 - 13000);
}

TEST_F(DayApi, DashboardReadsClosedDaysFromTheirStoredDayReports) {
    cutOffAndClose();  // the world's first day, from before any cut-off
    spendAtMerchant(50000, 12000);
    std::string first;
    for (int i = 0; i < 29; ++i) {
        std::string closed = cutOffAndClose();
        if (i == 0) first = closed;
    }
    Answer d = as("aud.a").get("/v1/dashboard");
    auto month = d.json->getArray("last_30_days");
    ASSERT_EQ(month->size(), 30u);
    EXPECT_EQ(month->getObject(0)->getValue<std::string>("date"), first);
    EXPECT_EQ(month->getObject(0)->getValue<Poco::Int64>("redemptions_minor"), 12000);
    EXPECT_EQ(month->getObject(0)->getValue<Poco::Int64>("sales_minor"), 50000);
    // Proof that the closed day's figure is the stored one, not the journal read again: a
    // stored report edited behind the server's back shows through.
    // A writable connection of the store's own engine (the test runs on SQLite and PostgreSQL).
    const store::SqliteStoreOptions& options = world_.store().options();
    auto db =
        options.engine == store::Engine::Postgres
            ? std::make_unique<store::Database>(std::make_unique<store::PgConnection>(options.pg))
            : std::make_unique<store::Database>(options.path, store::Database::Options{});
    store::Database& rw = *db;
    rw.exec(
        "UPDATE day_report SET body = replace(body, '\"purchases_minor\":12000', "
        "'\"purchases_minor\":12001') WHERE business_date = '" +
        first + "'");
    world_.clock.advanceMs(limits_.dashboard_cache_ms);
    EXPECT_EQ(as("aud.a")
                  .get("/v1/dashboard")
                  .json->getArray("last_30_days")
                  ->getObject(0)
                  ->getValue<Poco::Int64>("redemptions_minor"),
              12001);
    rw.exec(
        "UPDATE day_report SET body = replace(body, '\"purchases_minor\":12001', "
        "'\"purchases_minor\":12000') WHERE business_date = '" +
        first + "'");
}

TEST(DayCloseJobs, OneCloseAtATime) {
    DayCloseJobs jobs;
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    Date first = *Date::parseIso("2026-03-01");
    Date second = *Date::parseIso("2026-03-02");
    ASSERT_TRUE(jobs.start(first, 1,
                           [released](const DayCloseJobs::StepReport& report) {
                               report(CloseStep::Clearing, true);
                               released.wait();
                               return yika::Status(Ok{});
                           })
                    .ok());
    auto refused =
        jobs.start(second, 2, [](const DayCloseJobs::StepReport&) { return yika::Status(Ok{}); });
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.code(), ErrorCode::IllegalTransition);
    EXPECT_EQ(jobs.running()->date, first);
    release.set_value();
    jobs.wait(first);
    EXPECT_EQ(jobs.status(first)->state, "done");
    EXPECT_EQ(jobs.status(first)->step, "clearing");
    EXPECT_FALSE(jobs.running());
    ASSERT_TRUE(jobs.start(second, 3,
                           [](const DayCloseJobs::StepReport&) {
                               return yika::Status(
                                   makeError(ErrorCode::RuleViolation, "unbalanced"));
                           })
                    .ok());
    jobs.wait(second);
    EXPECT_EQ(jobs.status(second)->state, "failed");
    EXPECT_EQ(jobs.status(second)->error, "rule_violation: unbalanced");
    EXPECT_FALSE(jobs.status(*Date::parseIso("2026-03-03")));
}

}  // namespace
}  // namespace yika::admin::testing
