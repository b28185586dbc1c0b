// Pure rules of issue 5: clearing arithmetic and postings, cut-off instants, the CSV formats.

#include "card_core/domain/business_day.h"
#include "card_core/domain/clearing.h"
#include "card_core/domain/csv.h"
#include "card_core/domain/json_writer.h"
#include "card_core/domain/reconciliation.h"
#include "card_core/domain/reports.h"
#include "card_core/domain/settlement.h"
#include "card_core/testing/assertions.h"

#include <gtest/gtest.h>

namespace yika {
namespace {

Money cny(std::int64_t minor) { return Money::fromMinor(minor, Currency::Cny); }
const Date kDay = *Date::fromYmd(2026, 3, 2);

Merchant merchant(std::int64_t bps, FeeMode mode) {
    Merchant m;
    m.id = 7;
    m.mid = "898310048160001";
    m.fee_bps = bps;
    m.fee_mode = mode;
    return m;
}

MerchantDayTotals totals(std::int64_t purchases, std::int64_t refunds) {
    return {7, cny(purchases), purchases > 0 ? 1 : 0, cny(refunds), refunds > 0 ? 1 : 0};
}

ClearingRecord cleared(std::int64_t bps, FeeMode mode, std::int64_t purchases, std::int64_t refunds,
                       std::int64_t carried_in = 0) {
    auto r =
        clearMerchantDay(kDay, merchant(bps, mode), totals(purchases, refunds), cny(carried_in));
    EXPECT_OK(r);
    return r ? *r : ClearingRecord{};
}

TEST(Clearing, FeeRoundsHalfUpOnceOnTheDaysNet) {
    // 38 bps of 1,315.79 = 4.99999... fen -> 5; of 131.57 = 0.49997 -> 0; of 131.58 = 0.50004 -> 1.
    EXPECT_EQ(cleared(38, FeeMode::Net, 131'579, 0).fee, cny(500));
    EXPECT_EQ(cleared(38, FeeMode::Net, 13'157, 0).fee, cny(50));
    // Exactly half a fen rounds up: 50 bps of 1 fen = 0.005 fen -> 0; of 100 fen = 0.5 fen -> 1.
    EXPECT_EQ(cleared(50, FeeMode::Net, 100, 0).fee, cny(1));
    EXPECT_EQ(cleared(50, FeeMode::Net, 99, 0).fee, cny(0));
    EXPECT_EQ(cleared(50, FeeMode::Net, 300, 0).fee, cny(2));  // 1.5 -> 2
    EXPECT_EQ(cleared(50, FeeMode::Net, 500, 0).fee, cny(3));  // 2.5 -> 3, not banker's 2
    EXPECT_EQ(cleared(0, FeeMode::Net, 12'345, 0).fee, cny(0));
    EXPECT_EQ(cleared(10000, FeeMode::Net, 12'345, 0).fee, cny(12'345));
}

TEST(Clearing, FeeIsOnNetNotPerPurchase) {
    // Two purchases of 1.00 at 50 bps: per transaction 0.5 + 0.5 would round to 2 fen; once on
    // the day's 2.00 it is 1 fen.
    auto r =
        clearMerchantDay(kDay, merchant(50, FeeMode::Net), {7, cny(200), 2, cny(0), 0}, cny(0));
    ASSERT_OK(r);
    EXPECT_EQ(r->fee, cny(1));
    // A refund lowers the base: 10.00 - 4.00 at 50 bps = 3 fen.
    EXPECT_EQ(cleared(50, FeeMode::Net, 1000, 400).fee, cny(3));
}

TEST(Clearing, NetModeDeductsTheFee) {
    ClearingRecord r = cleared(60, FeeMode::Net, 1'000'000, 100'000);
    EXPECT_EQ(r.net, cny(900'000));
    EXPECT_EQ(r.fee, cny(5'400));
    EXPECT_EQ(r.payable, cny(894'600));
    auto entry = clearingEntry(r, 1);
    ASSERT_OK(entry);
    ASSERT_TRUE(entry->has_value());
    const auto& lines = (*entry)->lines;
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0].account, merchantPending(7));
    EXPECT_EQ(lines[0].side, Side::Debit);
    EXPECT_EQ(lines[0].amount, cny(900'000));
    EXPECT_EQ(lines[1].account, merchantPayable(7));
    EXPECT_EQ(lines[1].side, Side::Credit);
    EXPECT_EQ(lines[1].amount, cny(894'600));
    EXPECT_EQ(lines[2].account, account(AccountCode::FeeIncome));
    EXPECT_EQ(lines[2].side, Side::Credit);
    EXPECT_EQ(lines[2].amount, cny(5'400));
    EXPECT_EQ((*entry)->event_key, "clearing:2026-03-02:7");
}

TEST(Clearing, GrossModeSettlesGrossAndBillsTheFee) {
    ClearingRecord r = cleared(60, FeeMode::Gross, 1'000'000, 0);
    EXPECT_EQ(r.fee, cny(6'000));
    EXPECT_EQ(r.payable, cny(1'000'000));
    auto entry = clearingEntry(r, 1);
    ASSERT_OK(entry);
    const auto& lines = (*entry)->lines;
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[0].account, merchantPending(7));
    EXPECT_EQ(lines[0].amount, cny(1'000'000));
    EXPECT_EQ(lines[1].account, account(AccountCode::FeeReceivable));
    EXPECT_EQ(lines[1].side, Side::Debit);
    EXPECT_EQ(lines[1].amount, cny(6'000));
    EXPECT_EQ(lines[2].account, merchantPayable(7));
    EXPECT_EQ(lines[2].amount, cny(1'000'000));
    EXPECT_EQ(lines[3].account, account(AccountCode::FeeIncome));
    EXPECT_EQ(lines[3].amount, cny(6'000));
}

TEST(Clearing, RefundsAbovePurchasesCarryForwardAndPostNothing) {
    ClearingRecord r = cleared(50, FeeMode::Net, 1'000, 3'000);
    EXPECT_EQ(r.net, cny(-2'000));
    EXPECT_EQ(r.fee, cny(0));
    EXPECT_EQ(r.payable, cny(0));
    EXPECT_EQ(r.carried_out, cny(-2'000));
    auto entry = clearingEntry(r, 1);
    ASSERT_OK(entry);
    EXPECT_FALSE(entry->has_value());
    // The next day nets it: 5,000 - 2,000 carried = 3,000, fee on 3,000.
    ClearingRecord next = cleared(50, FeeMode::Net, 5'000, 0, -2'000);
    EXPECT_EQ(next.net, cny(3'000));
    EXPECT_EQ(next.fee, cny(15));
    EXPECT_EQ(next.payable, cny(2'985));
    EXPECT_EQ(next.carried_out, cny(0));
    // Exactly zero: nothing posted, nothing carried.
    ClearingRecord even = cleared(50, FeeMode::Net, 2'000, 2'000);
    EXPECT_EQ(even.carried_out, cny(0));
    EXPECT_FALSE(clearingEntry(even, 1)->has_value());
}

TEST(BusinessDay, CutoffInstantIsTheConfiguredTimeOfTheDateInCst) {
    CutoffSchedule s;
    s.minute_of_day = 23 * 60;
    // 2026-03-02 23:00 CST = 2026-03-02 15:00 UTC.
    TimestampMs expected = std::int64_t{kDay.days()} * 86'400'000 + 15 * 3'600'000LL;
    EXPECT_EQ(cutoffInstantMs(kDay, s), expected);
    s.minute_of_day = 0;  // midnight that ends the day
    EXPECT_EQ(cutoffInstantMs(kDay, s), expected + 3'600'000);
    EXPECT_EQ(parseCutoffTime("23:00"), 23 * 60);
    EXPECT_EQ(parseCutoffTime("00:00"), 0);
    EXPECT_EQ(parseCutoffTime("23:59"), 23 * 60 + 59);
    EXPECT_FALSE(parseCutoffTime("24:00"));
    EXPECT_FALSE(parseCutoffTime("7:00"));
    EXPECT_FALSE(parseCutoffTime("07:60"));
    EXPECT_FALSE(parseCutoffTime("07-00"));
}

TEST(Csv, ParsesQuotedFieldsAndCrlf) {
    auto rows = parseCsv("a,b,c\r\n1,\"x, \"\"y\"\"\",3\r\n\r\n4,,\"multi\nline\"\n", "a,b,c");
    ASSERT_OK(rows);
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_EQ((*rows)[0].fields[1], "x, \"y\"");
    EXPECT_EQ((*rows)[0].line_no, 2);
    EXPECT_EQ((*rows)[1].line_no, 4);
    EXPECT_EQ((*rows)[1].fields[2], "multi\nline");
}

TEST(Csv, RefusesNamingTheLine) {
    auto wrong_header = parseCsv("a,b\n1,2\n", "a,b,c");
    ASSERT_ERROR(wrong_header, ErrorCode::InvalidArgument);
    EXPECT_NE(wrong_header.error().detail.find("line 1:"), std::string::npos);
    auto short_row = parseCsv("a,b\n1,2\n3\n", "a,b");
    ASSERT_ERROR(short_row, ErrorCode::InvalidArgument);
    EXPECT_NE(short_row.error().detail.find("line 3: expected 2 fields, found 1"),
              std::string::npos);
    EXPECT_NE(short_row.error().detail.find("nothing was imported"), std::string::npos);
    EXPECT_ERROR(parseCsv("a,b\n\"open,2\n", "a,b"), ErrorCode::InvalidArgument);
    EXPECT_ERROR(parseCsv("a,b\n\"x\"y,2\n", "a,b"), ErrorCode::InvalidArgument);
    CsvLimits small;
    small.rows_max = 1;
    EXPECT_ERROR(parseCsv("a\n1\n2\n", "a", small), ErrorCode::InvalidArgument);
}

TEST(Csv, QuotesFieldsAndDisarmsFormulas) {
    EXPECT_EQ(csvField("plain"), "plain");
    EXPECT_EQ(csvField("a,b"), "\"a,b\"");
    EXPECT_EQ(csvField("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csvField("=SUM(A1)"), "\"'=SUM(A1)\"");
    EXPECT_EQ(csvField("-12.50"), "-12.50");
}

TEST(PayoutResults, ParsesPaidAndFailedLines) {
    auto lines = parsePayoutResults(
        "reference,status,amount,bank_reference,reason\n"
        "YKP0000000001,PAID,894.60,ICBC20260303001,\n"
        "YKP0000000002,FAILED,10.00,,account closed\n");
    ASSERT_OK(lines);
    ASSERT_EQ(lines->size(), 2u);
    EXPECT_EQ((*lines)[0].payout_id, 1);
    EXPECT_EQ((*lines)[0].outcome, PayoutOutcome::Paid);
    EXPECT_EQ((*lines)[0].amount, cny(89'460));
    EXPECT_EQ((*lines)[1].outcome, PayoutOutcome::Failed);
    EXPECT_EQ((*lines)[1].reason, "account closed");
}

TEST(PayoutResults, RefusesMalformedLinesWithTheirNumber) {
    const std::string head = "reference,status,amount,bank_reference,reason\n";
    const std::string good = "YKP0000000001,PAID,1.00,B1,\n";
    struct Case {
        std::string line;
        std::string reason;
    };
    for (const Case& c : std::vector<Case>{
             {"PO1,PAID,1.00,B1,\n", "is not YKP"},
             {"YKP0000000002,DONE,1.00,B1,\n", "status must be PAID or FAILED"},
             {"YKP0000000002,PAID,-1.00,B1,\n", "amount must be"},
             {"YKP0000000002,PAID,1.005,B1,\n", "amount must be"},
             {"YKP0000000002,PAID,1.00,,\n", "needs the bank's reference"},
             {"YKP0000000002,FAILED,1.00,,\n", "needs a reason"},
             {"YKP0000000001,PAID,1.00,B1,\n", "appears twice"},
         }) {
        auto r = parsePayoutResults(head + good + c.line);
        ASSERT_ERROR(r, ErrorCode::InvalidArgument) << c.line;
        EXPECT_NE(r.error().detail.find("line 3: "), std::string::npos) << r.error().detail;
        EXPECT_NE(r.error().detail.find(c.reason), std::string::npos) << r.error().detail;
    }
}

TEST(BankStatement, ParsesAndRefusesMalformedLines) {
    const std::string head(bankStatementHeader());
    auto ok = parseBankStatement(head + "\nB1,2026-03-03,CR,5000.00,CNY,Example Co,6217001,REF1\n" +
                                 "B2,2026-03-03,DR,894.60,CNY,Merchant,6222,YKP0000000001\n");
    ASSERT_OK(ok);
    ASSERT_EQ(ok->size(), 2u);
    EXPECT_EQ((*ok)[0].direction, BankDirection::Credit);
    EXPECT_EQ((*ok)[1].amount, cny(89'460));
    for (const std::string& bad : {
             std::string("B1,2026-13-03,CR,1.00,CNY,a,b,c\n"),
             std::string("B1,2026-03-03,IN,1.00,CNY,a,b,c\n"),
             std::string("B1,2026-03-03,CR,abc,CNY,a,b,c\n"),
             std::string("B1,2026-03-03,CR,1.00,XXX,a,b,c\n"),
             std::string(",2026-03-03,CR,1.00,CNY,a,b,c\n"),
         }) {
        auto r = parseBankStatement(head + "\n" + bad);
        ASSERT_ERROR(r, ErrorCode::InvalidArgument) << bad;
        EXPECT_NE(r.error().detail.find("line 2: "), std::string::npos) << r.error().detail;
    }
}

TEST(TrialBalance, TotalsAndBalance) {
    std::vector<TrialBalanceRow> rows = {
        {AccountCode::ReserveFund, cny(1000), cny(500), cny(0), cny(1500)},
        {AccountCode::CardStoredValue, cny(-1000), cny(200), cny(500), cny(-1300)},
        {AccountCode::MerchantPending, cny(0), cny(0), cny(200), cny(-200)},
    };
    TrialBalance tb = makeTrialBalance(kDay, rows);
    EXPECT_TRUE(tb.balanced);
    EXPECT_EQ(tb.rows.size(), chartOfAccounts().size());
    EXPECT_EQ(tb.opening_debit, cny(1000));
    EXPECT_EQ(tb.opening_credit, cny(1000));
    EXPECT_EQ(tb.debits, cny(700));
    EXPECT_EQ(tb.credits, cny(700));
    EXPECT_EQ(tb.closing_debit, cny(1500));
    EXPECT_EQ(tb.closing_credit, cny(1500));
    rows[0].closing = cny(1499);  // closing != opening + movements
    EXPECT_FALSE(makeTrialBalance(kDay, rows).balanced);
}

TEST(JsonWriter, EscapesAndNests) {
    JsonWriter w;
    w.beginObject().str("a", "x\"\n\x01").money("m", cny(-1250)).beginArray("l");
    w.num("", 1).num("", 2).endArray().endObject();
    EXPECT_EQ(w.text(),
              "{\"a\":\"x\\\"\\n\\u0001\",\"m_minor\":-1250,\"m\":\"-12.50\",\"l\":[1,2]}");
}

TEST(Payouts, ReferenceRoundTrips) {
    EXPECT_EQ(payoutReference(42), "YKP0000000042");
    EXPECT_EQ(payoutIdFromReference("YKP0000000042"), 42);
    EXPECT_FALSE(payoutIdFromReference("YKP000000004"));
    EXPECT_FALSE(payoutIdFromReference("YKP00000000x2"));
    EXPECT_FALSE(payoutIdFromReference("YKP0000000000"));
}

}  // namespace
}  // namespace yika
