// Settlement, reconciliation and invoices over the real SQLite store (issue 5): payout results
// (paid, failed, unknown, repeated), bank statement matching, exceptions resolved with a
// comment, malformed files refused with nothing imported, invoices never above what was paid,
// merchant invoices outstanding and overdue, the invoice pool.

#include "card_core/domain/invoices.h"
#include "card_core/domain/reconciliation.h"
#include "card_core/domain/report_writers.h"
#include "card_core/domain/settlement.h"
#include "card_core/testing/day_fixture.h"

namespace yika::test {
namespace {

class SettlementTest : public DayTest {
  protected:
    void SetUp() override {
        DayTest::SetUp();
        a_ = addMerchantWith("898310048160001", 50, FeeMode::Net);
        b_ = addMerchantWith("898310048160002", 50, FeeMode::Net);
        ProductId product = addProduct(namedProduct("GIFT-N"));
        produceAndReceive(product, 4);
        cards_ = sell(product, 2, yuan(3000), companyBuyer());  // by bank transfer
        EXPECT_OK(spend(cards_[0], a_, yuan(100)));             // payable 99.50
        EXPECT_OK(spend(cards_[1], b_, yuan(200)));             // payable 199.00
        day_ = cutOffNow();
        EXPECT_OK(closeDate(day_));
        payouts_ = reader().days().payouts(day_);
        EXPECT_EQ(payouts_.size(), 2u);
    }

    Result<PayoutImportSummary> importResults(const std::string& body) {
        auto lines = parsePayoutResults(std::string(payoutResultHeader()) + "\n" + body);
        if (!lines) return lines.error();
        TimestampMs at = tick();
        return run<PayoutImportSummary>(
            [&](StoreTx& tx) { return applyPayoutResults(tx, *lines, at); });
    }

    Result<BankImportSummary> importStatement(const std::string& body) {
        auto lines = parseBankStatement(std::string(bankStatementHeader()) + "\n" + body);
        if (!lines) return lines.error();
        TimestampMs at = tick();
        return run<BankImportSummary>(
            [&](StoreTx& tx) { return importBankStatement(tx, *lines, BankMatchLimits{}, at); });
    }

    std::int64_t balance(int account, std::int64_t sub) {
        return queryInt(
            "SELECT COALESCE(SUM(credit_minor - debit_minor), 0) FROM journal_line "
            "WHERE account = " +
            std::to_string(account) + " AND sub_id = " + std::to_string(sub));
    }

    std::string ref(int i) const { return payoutReference(payouts_[static_cast<size_t>(i)].id); }

    MerchantId a_ = 0;
    MerchantId b_ = 0;
    std::vector<CardId> cards_;
    Date day_;
    std::vector<Payout> payouts_;
};

TEST_F(SettlementTest, PayoutFileListsEveryInstruction) {
    std::string csv = payoutFileCsv(payouts_);
    auto rows = parseCsv(csv, payoutFileHeader());
    ASSERT_OK(rows);
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_EQ((*rows)[0].fields[0], ref(0));
    EXPECT_EQ((*rows)[0].fields[3], "898310048160001");
    EXPECT_EQ((*rows)[0].fields[7], "99.50");
    EXPECT_EQ((*rows)[1].fields[7], "199.00");
    EXPECT_EQ((*rows)[1].fields[2], day_.plusDays(1).toIso());
}

TEST_F(SettlementTest, PaidResultsPostAndFailedOnesStayPayable) {
    auto s =
        importResults(ref(0) + ",PAID,99.50,BANK-1,\n" + ref(1) +
                      ",FAILED,199.00,,account closed\n" + "YKP0000009999,PAID,1.00,BANK-3,\n");
    ASSERT_OK(s);
    EXPECT_EQ(s->paid, 1);
    EXPECT_EQ(s->paid_total, cny(9'950));
    EXPECT_EQ(s->failed, 1);
    EXPECT_EQ(s->exceptions, 1);  // the unknown payout
    EXPECT_EQ(entryLines("payout:" + std::to_string(payouts_[0].id)),
              (std::vector<LineRow>{{2203, a_, 9'950, 0}, {1001, 0, 0, 9'950}}));
    EXPECT_EQ(balance(2203, a_), 0);
    EXPECT_EQ(balance(2203, b_), 19'900);  // failed: still payable
    auto open = openPayouts(reader(), 100);
    ASSERT_EQ(open.size(), 1u);
    EXPECT_EQ(open[0].state, PayoutState::Failed);
    EXPECT_EQ(open[0].failure_reason, "account closed");
    auto exceptions = reader().days().reconExceptions(true, 100);
    ASSERT_EQ(exceptions.size(), 1u);
    EXPECT_EQ(exceptions[0].kind, "payout_result");
    EXPECT_EQ(exceptions[0].reference, "YKP0000009999");
    // The same file again: nothing posts twice, no second exception... the unknown line raises
    // its exception again only while none is open for it (it is open).
    auto again = importResults(ref(0) + ",PAID,99.50,BANK-1,\n" + ref(1) +
                               ",FAILED,199.00,,account closed\n");
    ASSERT_OK(again);
    EXPECT_EQ(again->paid, 0);
    EXPECT_EQ(again->already, 2);
    // The bank pays the failed one on a retry.
    auto retried = importResults(ref(1) + ",PAID,199.00,BANK-2,\n");
    ASSERT_OK(retried);
    EXPECT_EQ(retried->paid, 1);
    EXPECT_EQ(balance(2203, b_), 0);
    EXPECT_TRUE(openPayouts(reader(), 100).empty());
    expectLedgerInvariants();
}

TEST_F(SettlementTest, ResultsThatDisagreeBecomeExceptionsAndChangeNothing) {
    auto s = importResults(ref(0) + ",PAID,99.49,BANK-1,\n");
    ASSERT_OK(s);
    EXPECT_EQ(s->paid, 0);
    EXPECT_EQ(s->exceptions, 1);
    EXPECT_EQ(balance(2203, a_), 9'950);
    ASSERT_OK(importResults(ref(0) + ",PAID,99.50,BANK-1,\n"));
    auto late_failure = importResults(ref(0) + ",FAILED,99.50,,returned\n");
    ASSERT_OK(late_failure);
    EXPECT_EQ(late_failure->exceptions, 1);
    EXPECT_EQ(reader().days().payout(payouts_[0].id)->state, PayoutState::Paid);
    expectLedgerInvariants();
}

TEST_F(SettlementTest, MalformedResultFileImportsNothing) {
    auto lines = parsePayoutResults(std::string(payoutResultHeader()) + "\n" + ref(0) +
                                    ",PAID,99.50,BANK-1,\n" + ref(1) + ",PAID,199,00,BANK-2,\n");
    ASSERT_ERROR(lines, ErrorCode::InvalidArgument);
    EXPECT_NE(lines.error().detail.find("line 3: expected 5 fields, found 6"), std::string::npos);
    // Nothing was applied: the caller had no lines to apply.
    EXPECT_EQ(reader().days().payout(payouts_[0].id)->state, PayoutState::Pending);
    EXPECT_EQ(balance(2203, a_), 9'950);
    expectLedgerInvariants();
}

TEST_F(SettlementTest, BankStatementMatchesPaymentsAndPayoutsAndFlagsTheRest) {
    ASSERT_OK(importResults(ref(0) + ",PAID,99.50,BANK-1,\n" + ref(1) + ",PAID,199.00,BANK-2,\n"));
    // The sale's payment: its reference and amount (recorded by the fixture as REF-<order>).
    std::int64_t payment_amount = queryInt("SELECT amount_minor FROM payment ORDER BY id LIMIT 1");
    std::string payment_ref = "REF-" + std::to_string(queryInt("SELECT order_id FROM payment"));
    std::string when = day_.toIso();
    std::string next = day_.plusDays(1).toIso();
    auto s = importStatement(
        "B1," + when + ",CR," + Money::fromMinor(payment_amount, Currency::Cny).toDecimal() +
        ",CNY,Fuzhou Example Co.,6222021001122334455," + payment_ref + "\n" +  //
        "B2," + next + ",DR,99.50,CNY,Merchant A,62220202160001," + ref(0) + "\n" + "B3," + next +
        ",CR,12.34,CNY,Somebody,111,unknown transfer\n");
    ASSERT_OK(s);
    EXPECT_EQ(s->matched_payments, 1);
    EXPECT_EQ(s->matched_payouts, 1);
    EXPECT_EQ(s->unmatched_bank, 1);
    // The second payout, PAID with value date in the statement's dates, is not on it.
    EXPECT_EQ(s->unmatched_system, 1);
    auto open = reader().days().reconExceptions(true, 100);
    ASSERT_EQ(open.size(), 2u);
    EXPECT_EQ(open[0].kind, "bank_unmatched");
    EXPECT_EQ(open[0].reference, "bank:B3");
    EXPECT_EQ(open[1].kind, "payout_not_in_statement");
    // Importing the same statement again adds nothing.
    auto again = importStatement("B3," + next + ",CR,12.34,CNY,Somebody,111,unknown transfer\n");
    ASSERT_OK(again);
    EXPECT_EQ(again->already, 1);
    EXPECT_EQ(reader().days().reconExceptions(true, 100).size(), 2u);
    // An operator resolves one, with a comment; without one it is refused.
    TimestampMs at = tick();
    EXPECT_ERROR(runStatus([&](StoreTx& tx) {
                     return resolveReconException(tx, open[0].id, "op.zhao", "", at);
                 }),
                 ErrorCode::InvalidArgument);
    ASSERT_OK(runStatus([&](StoreTx& tx) {
        return resolveReconException(tx, open[0].id, "op.zhao", "refunded to sender", at);
    }));
    EXPECT_ERROR(runStatus([&](StoreTx& tx) {
                     return resolveReconException(tx, open[0].id, "op.zhao", "again", at);
                 }),
                 ErrorCode::IllegalTransition);
    auto resolved = reader().days().reconException(open[0].id);
    EXPECT_EQ(resolved->state, "RESOLVED");
    EXPECT_EQ(resolved->resolved_by, "op.zhao");
    EXPECT_EQ(resolved->resolution, "refunded to sender");
    EXPECT_EQ(reader().days().openReconExceptionCount(), 1);
    expectLedgerInvariants();
}

TEST_F(SettlementTest, MalformedStatementImportsNothing) {
    auto lines = parseBankStatement(
        std::string(bankStatementHeader()) + "\n" + "B1,2026-03-02,CR,1.00,CNY,a,b,c\n" +
        "B2,2026-03-02,CR,1.00,CNY,a,b,c\n" + "B3,2026-02-30,CR,1.00,CNY,a,b,c\n");
    ASSERT_ERROR(lines, ErrorCode::InvalidArgument);
    EXPECT_NE(lines.error().detail.find("line 4: value_date"), std::string::npos);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM bank_statement_line"), 0);
}

TEST_F(SettlementTest, InvoicesToABuyerNeverExceedWhatWasPaid) {
    std::int64_t order_id = queryInt("SELECT MAX(id) FROM sales_order");
    std::int64_t paid =
        queryInt("SELECT pay_total_minor FROM sales_order WHERE id = " + std::to_string(order_id));
    InvoiceRules rules;
    auto issue = [&](std::string number, std::int64_t minor) {
        IssueInvoiceRequest r;
        r.order_id = order_id;
        r.number = std::move(number);
        r.issued_on = day_;
        r.amount = cny(minor);
        TimestampMs at = tick();
        return run<IssuedInvoice>(
            [&](StoreTx& tx) { return issueInvoice(tx, r, "op.qian", rules, at); });
    };
    auto first = issue("04400000001", paid - 100);
    ASSERT_OK(first);
    EXPECT_EQ(first->title, "Fuzhou Example Co., Ltd.");  // the buyer when no title was given
    EXPECT_ERROR(issue("04400000002", 101), ErrorCode::RuleViolation);
    EXPECT_ERROR(issue("04400000001", 1), ErrorCode::Duplicate);
    EXPECT_ERROR(issue("04400000003", 0), ErrorCode::InvalidAmount);
    ASSERT_OK(issue("04400000004", 100));  // exactly what was paid, in total
    EXPECT_ERROR(issue("04400000005", 1), ErrorCode::RuleViolation);
    auto report = invoicesOutReport(reader(), day_.plusDays(-3650), day_, 100);
    auto row = std::find_if(report.rows.begin(), report.rows.end(),
                            [&](const auto& r) { return r.order.order_id == order_id; });
    ASSERT_NE(row, report.rows.end());
    EXPECT_EQ(row->invoiceable, cny(0));
    EXPECT_EQ(row->invoices.size(), 2u);
    EXPECT_NE(toCsv(report).find("04400000004"), std::string::npos);
}

TEST_F(SettlementTest, MerchantInvoicesOutstandingOverdueAndThePool) {
    InvoiceRules rules;
    rules.merchant_invoice_due_days = 10;
    std::string month = monthOf(day_);
    auto receive = [&](std::string mid, std::string number, std::int64_t minor,
                       std::string remark = std::string(kMerchantInvoiceRemark)) {
        ReceiveInvoiceRequest r;
        r.mid = std::move(mid);
        r.period = month;
        r.number = std::move(number);
        r.issued_on = day_;
        r.amount = cny(minor);
        r.remark = std::move(remark);
        TimestampMs at = tick();
        return run<ReceivedInvoice>(
            [&](StoreTx& tx) { return recordMerchantInvoice(tx, r, "op.sun", rules, at); });
    };
    EXPECT_ERROR(receive("898310048160001", "M-1", 9'950, "goods"), ErrorCode::RuleViolation);
    ASSERT_OK(receive("898310048160001", "M-1", 9'950));
    ASSERT_OK(receive("898310048160002", "M-2", 10'000));
    EXPECT_ERROR(receive("898310048160002", "M-2", 1), ErrorCode::Duplicate);
    EXPECT_ERROR(receive("898310099999999", "M-3", 1), ErrorCode::NotFound);
    Date month_start = *Date::parseIso(month + "-01");
    Date due = month_start.plusMonths(1).plusDays(9);
    auto on = [&](Date today) { return invoicesInReport(reader(), month, month, today, rules); };
    auto before_due = on(due);
    ASSERT_EQ(before_due.rows.size(), 2u);
    EXPECT_EQ(before_due.rows[0].expected, cny(9'950));
    EXPECT_EQ(before_due.rows[0].outstanding, cny(0));
    EXPECT_EQ(before_due.rows[1].expected, cny(19'900));
    EXPECT_EQ(before_due.rows[1].outstanding, cny(9'900));
    EXPECT_EQ(before_due.rows[1].due_on, due);
    EXPECT_FALSE(before_due.rows[1].overdue);
    auto after_due = on(due.plusDays(1));
    EXPECT_FALSE(after_due.rows[0].overdue);  // nothing outstanding
    EXPECT_TRUE(after_due.rows[1].overdue);
    // Pool: received 199.50 this month; issued nothing yet.
    auto pool = invoicePoolReport(reader(), month, month);
    ASSERT_EQ(pool.months.size(), 1u);
    EXPECT_EQ(pool.months[0].received, cny(19'950));
    EXPECT_EQ(pool.months[0].issued, cny(0));
    EXPECT_EQ(pool.months[0].difference, cny(-19'950));
}

TEST_F(SettlementTest, ReportsRenderTheirFigures) {
    SettlementReport s = settlementReport(reader(), day_);
    EXPECT_EQ(s.payable, cny(29'850));
    EXPECT_EQ(s.fees, cny(150));
    std::string csv = toCsv(s);
    EXPECT_NE(csv.find("898310048160001"), std::string::npos);
    EXPECT_NE(toJson(s).find("\"payable_minor\":29850"), std::string::npos);
    LiabilityReport l = liabilityReport(reader());
    EXPECT_EQ(l.total, cny(600'000 - 30'000));
    ASSERT_EQ(l.by_product.size(), 1u);
    EXPECT_EQ(l.by_product[0].cards, 2);
    ActivityReport a = activityReport(reader(), day_, day_);
    ASSERT_EQ(a.days.size(), 1u);
    EXPECT_EQ(a.days[0].purchases, cny(30'000));
    EXPECT_EQ(a.days[0].fees, cny(150));
    TrialBalance tb = trialBalanceReport(reader(), day_);
    EXPECT_TRUE(tb.balanced);
    EXPECT_NE(toCsv(tb).find(",total,balanced,"), std::string::npos);
    EXPECT_NE(reader().days().dayReport(day_)->find("\"state\":\"CLOSED\""), std::string::npos);
}

}  // namespace
}  // namespace yika::test
