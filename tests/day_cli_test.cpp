// End to end through the real yikad binary (issue 5): a demo day of purchases is cut off and
// closed; the payout file, the trial balance and `yikad verify` agree; the bank's payout result
// posts the paid payouts and leaves the failed one payable; a malformed file is refused naming
// its line and changes nothing; a bank statement's unmatched line becomes an exception an
// operator resolves; closing again changes nothing.

#include "card_core/domain/csv.h"
#include "card_core/domain/money.h"
#include "card_core/testing/pg_test_db.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

namespace yika {
namespace {

struct CliRun {
    int exit_code;
    std::string output;  // stdout and stderr
};

CliRun yikad(const std::string& args) {
    std::string command = std::string(YIKAD_PATH) + " " + args + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    EXPECT_NE(pipe, nullptr);
    std::string out;
    std::array<char, 4096> buf{};
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
    int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string readAll(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), {}};
}

void writeFile(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
}

std::vector<CsvRow> csvRows(const std::string& text, const std::string& header) {
    auto rows = parseCsv(text, header);
    EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().detail) << "\n" << text;
    return rows.ok() ? *rows : std::vector<CsvRow>{};
}

// Fen of a "1234.56" amount (the files' yuan format).
std::int64_t fen(const std::string& yuan) {
    auto m = Money::parseDecimal(yuan, Currency::Cny);
    EXPECT_TRUE(m.has_value()) << yuan;
    return m ? m->minor() : 0;
}

class DayCliTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::path(::testing::TempDir()) /
               ("yika-day-cli-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        // Issue 7: on PostgreSQL when YIKA_TEST_PG_URL is set (pg.*), in a schema of its own;
        // every yikad this test runs inherits db.engine and db.url from these variables.
        if (auto url = test::testPgUrl()) {
            schema_ = std::make_unique<test::PgTestSchema>(*url);
            ::setenv("YIKA_DB_ENGINE", "postgresql", 1);
            ::setenv("YIKA_DB_URL", schema_->url().c_str(), 1);
        }
    }
    void TearDown() override {
        std::filesystem::remove_all(dir_);
        ::unsetenv("YIKA_DB_ENGINE");
        ::unsetenv("YIKA_DB_URL");
        schema_.reset();
    }
    std::string data() const { return "--data " + dir_.string(); }
    std::filesystem::path dir_;
    std::unique_ptr<test::PgTestSchema> schema_;
};

TEST_F(DayCliTest, DayOfPurchasesClosesToAPayoutFileAndABalancedLedger) {
    ASSERT_EQ(yikad("init " + data() + " --demo").exit_code, 0);
    CliRun status = yikad("day status " + data());
    ASSERT_EQ(status.exit_code, 0) << status.output;
    std::string day = status.output.substr(status.output.find("business date ") + 14, 10);

    CliRun early = yikad("day close " + data() + " --date " + day);
    EXPECT_EQ(early.exit_code, 1) << "an OPEN day must not close: " << early.output;
    CliRun cut = yikad("day cutoff " + data() + " --by op.li");
    ASSERT_EQ(cut.exit_code, 0) << cut.output;
    CliRun close = yikad("day close " + data());
    ASSERT_EQ(close.exit_code, 0) << close.output;
    EXPECT_NE(close.output.find("trial balance balanced"), std::string::npos) << close.output;

    // The payout file: one line per merchant with a positive payable, amounts = the report's.
    auto payout_file = dir_ / "exports" / ("payout-" + day + ".csv");
    std::string payout_csv = readAll(payout_file);
    auto payouts = csvRows(payout_csv,
                           "reference,business_date,value_date,mid,merchant_name,bank_name,"
                           "bank_account,amount,currency");
    ASSERT_FALSE(payouts.empty()) << payout_csv;
    CliRun settlement = yikad("report settlement " + data() + " --date " + day + " --csv");
    ASSERT_EQ(settlement.exit_code, 0) << settlement.output;
    auto cleared = csvRows(settlement.output,
                           "date,mid,name,fee_mode,fee_bps,purchases,purchase_count,refunds,"
                           "refund_count,carried_in,net,fee,payable,carried_out,payout_reference,"
                           "payout_state");
    std::map<std::string, std::int64_t> payable_by_mid;
    for (const CsvRow& r : cleared) {
        if (fen(r.fields[12]) > 0) payable_by_mid[r.fields[1]] = fen(r.fields[12]);
        // 内扣 deducts the fee, 外收 settles gross.
        std::int64_t expected = fen(r.fields[10]) - (r.fields[3] == "NET" ? fen(r.fields[11]) : 0);
        if (fen(r.fields[10]) > 0) {
            EXPECT_EQ(fen(r.fields[12]), expected) << r.fields[1];
        }
    }
    ASSERT_EQ(payouts.size(), payable_by_mid.size());
    for (const CsvRow& p : payouts) {
        EXPECT_EQ(p.fields[1], day);
        EXPECT_EQ(fen(p.fields[7]), payable_by_mid[p.fields[3]]) << p.fields[3];
        EXPECT_EQ(p.fields[8], "CNY");
    }

    // The trial balance: totals equal, 2202 cleared to zero.
    CliRun tb = yikad("report trial-balance " + data() + " --date " + day + " --csv");
    ASSERT_EQ(tb.exit_code, 0) << tb.output;
    auto tb_rows = csvRows(tb.output,
                           "date,account,name,opening_debit,opening_credit,debits,credits,"
                           "closing_debit,closing_credit");
    ASSERT_FALSE(tb_rows.empty());
    const CsvRow& total = tb_rows.back();
    EXPECT_EQ(total.fields[2], "balanced");
    EXPECT_EQ(total.fields[5], total.fields[6]);
    EXPECT_EQ(total.fields[7], total.fields[8]);
    for (const CsvRow& r : tb_rows) {
        if (r.fields[1] == "2202") {
            EXPECT_EQ(fen(r.fields[7]) + fen(r.fields[8]), 0) << tb.output;
        }
    }
    CliRun verify = yikad("verify " + data());
    EXPECT_EQ(verify.exit_code, 0) << verify.output;

    // Closing again: every step already done, the same payout file.
    CliRun again = yikad("day close " + data() + " --date " + day);
    ASSERT_EQ(again.exit_code, 0) << again.output;
    EXPECT_NE(again.output.find("0 steps run, 7 already done"), std::string::npos) << again.output;
    EXPECT_EQ(readAll(payout_file), payout_csv);

    // A malformed result file names its line and imports nothing.
    std::string head = "reference,status,amount,bank_reference,reason\n";
    writeFile(dir_ / "bad.csv", head + payouts[0].fields[0] + ",PAID," + payouts[0].fields[7] +
                                    ",B-1,\n" + payouts[1].fields[0] + ",SENT,1.00,B-2,\n");
    CliRun bad = yikad("payout import " + data() + " --file " + (dir_ / "bad.csv").string());
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.output.find("line 3: status must be PAID or FAILED"), std::string::npos)
        << bad.output;
    CliRun still_open = yikad("payout list " + data() + " --csv");
    EXPECT_EQ(csvRows(still_open.output,
                      "reference,business_date,value_date,mid,name,amount,"
                      "state,bank_reference,failure_reason")
                  .size(),
              payouts.size());

    // The bank's result: the first paid, the second failed, one unknown reference.
    writeFile(dir_ / "result.csv", head + payouts[0].fields[0] + ",PAID," + payouts[0].fields[7] +
                                       ",B-1,\n" + payouts[1].fields[0] + ",FAILED," +
                                       payouts[1].fields[7] + ",,account frozen\n" +
                                       "YKP0000999999,PAID,1.00,B-9,\n");
    CliRun result = yikad("payout import " + data() + " --file " + (dir_ / "result.csv").string());
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("1 paid"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("1 failed"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("1 exceptions"), std::string::npos) << result.output;
    CliRun open_after = yikad("payout list " + data() + " --csv");
    auto open_rows = csvRows(open_after.output,
                             "reference,business_date,value_date,mid,name,"
                             "amount,state,bank_reference,failure_reason");
    ASSERT_EQ(open_rows.size(), payouts.size() - 1);
    EXPECT_EQ(open_rows[0].fields[6], "FAILED");
    EXPECT_EQ(open_rows[0].fields[8], "account frozen");
    EXPECT_EQ(yikad("verify " + data()).exit_code, 0);

    // A bank statement with a line nothing explains: an exception, resolved with a comment.
    writeFile(dir_ / "statement.csv",
              "bank_txn_id,value_date,direction,amount,currency,counterparty_name,"
              "counterparty_account,reference\nS-1," +
                  day + ",CR,77.77,CNY,Unknown payer,999,gift\n");
    CliRun statement =
        yikad("bank-statement import " + data() + " --file " + (dir_ / "statement.csv").string());
    ASSERT_EQ(statement.exit_code, 0) << statement.output;
    CliRun listed = yikad("recon list " + data() + " --csv");
    auto exceptions = csvRows(
        listed.output, "id,kind,reference,detail,state,created_at_ms,resolved_by,resolution");
    auto bank = std::find_if(exceptions.begin(), exceptions.end(),
                             [](const CsvRow& r) { return r.fields[2] == "bank:S-1"; });
    ASSERT_NE(bank, exceptions.end()) << listed.output;
    CliRun no_comment = yikad("recon resolve " + bank->fields[0] + " " + data() + " --by op.zhao");
    EXPECT_EQ(no_comment.exit_code, 2);
    CliRun resolved = yikad("recon resolve " + bank->fields[0] + " " + data() +
                            " --by op.zhao --comment 'returned to payer'");
    ASSERT_EQ(resolved.exit_code, 0) << resolved.output;
    CliRun all = yikad("recon list " + data() + " --all --csv");
    EXPECT_NE(all.output.find("RESOLVED,"), std::string::npos) << all.output;
    EXPECT_NE(all.output.find("returned to payer"), std::string::npos) << all.output;

    CliRun unknown = yikad("report no-such-report " + data());
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_EQ(yikad("verify " + data()).exit_code, 0);
}

}  // namespace
}  // namespace yika
