// The ledger invariants check (`yikad verify`): it passes on books the services wrote and names
// the right invariant for each kind of tampering done behind the services' back.

#include "card_core/store/invariants.h"

#include "card_core/testing/store_fixture.h"

#include <gtest/gtest.h>

#include <set>

namespace yika {
namespace {

using test::cny;
using test::yuan;

class Invariants : public test::StoreTest {
  protected:
    void SetUp() override {
        StoreTest::SetUp();
        product_ = addProduct(namedProduct("GIFT5000"));
        shop_ = addMerchant("898310048160001");
        stock_ = produceAndReceive(product_, 6).ids;
        ASSERT_EQ(stock_.size(), 6u);
        cards_ = sell(product_, 3, yuan(1000));
        ASSERT_EQ(cards_.size(), 3u);
        auto bought = spend(cards_[0], shop_, yuan(250));
        ASSERT_OK(bought);
        purchase_ = bought->id;
        ASSERT_OK(refundOf(purchase_, yuan(50)));
        ASSERT_OK(reload(cards_[1], yuan(300)));
        auto pending = placeOrder(orderOf(product_, 1, yuan(100), test::individualBuyer()));
        ASSERT_OK(pending);
        pending_order_ = *pending;
        raw_ = openRawConnection();
    }

    void TearDown() override {
        raw_.reset();
        StoreTest::TearDown();
    }

    // The invariants named by a check on the raw connection (as `yikad verify` runs it).
    std::set<std::string> violated(int per_check_max = 20) {
        store::InvariantReport report = store::checkInvariants(*raw_, per_check_max);
        std::set<std::string> names;
        for (const store::Violation& v : report.violations) names.insert(v.invariant);
        return names;
    }

    const store::Violation* find(const store::InvariantReport& report, const std::string& name) {
        for (const store::Violation& v : report.violations) {
            if (v.invariant == name) return &v;
        }
        return nullptr;
    }

    // The journal refuses changes; tests of V1-V3 need to get past the triggers first.
    void allowJournalEdits() {
        raw_->exec(onPostgres() ? "DROP TRIGGER journal_line_no_update ON journal_line; "
                                  "DROP TRIGGER journal_line_no_delete ON journal_line"
                                : "DROP TRIGGER journal_line_no_update; "
                                  "DROP TRIGGER journal_line_no_delete");
    }

    ProductId product_ = 0;
    MerchantId shop_ = 0;
    std::vector<CardId> stock_;
    std::vector<CardId> cards_;
    TxnId purchase_ = 0;
    OrderId pending_order_ = 0;
    std::unique_ptr<store::Database> raw_;
};

TEST_F(Invariants, BooksWrittenByTheServicesPass) {
    EXPECT_TRUE(violated().empty());
    store::InvariantReport report = store_->verify();
    EXPECT_TRUE(report.ok()) << report.summary();
    EXPECT_EQ(report.summary(), "");
    expectLedgerInvariants();
}

// The test for `yikad verify`: a card balance changed without a journal entry.
TEST_F(Invariants, TamperedCardBalanceNamesV4AndV7) {
    const CardId victim = cards_[2];
    const std::int64_t balance = card(victim).balance.minor();
    const std::int64_t total =
        queryInt("SELECT SUM(credit_minor - debit_minor) FROM journal_line WHERE account = 2201");
    raw_->exec("UPDATE card SET balance_minor = balance_minor + 1 WHERE id = " +
               std::to_string(victim));

    store::InvariantReport report = store::checkInvariants(*raw_);
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(violated(), (std::set<std::string>{"V4", "V7"})) << report.summary();
    const store::Violation* v4 = find(report, "V4");
    ASSERT_NE(v4, nullptr);
    // The row: the card, its balance, its ledger sub-account.
    EXPECT_NE(v4->detail.find(std::to_string(victim) + ", " + std::to_string(balance + 1) + ", " +
                              std::to_string(balance)),
              std::string::npos)
        << v4->detail;
    const store::Violation* v7 = find(report, "V7");
    ASSERT_NE(v7, nullptr);
    EXPECT_NE(v7->detail.find(std::to_string(total + 1) + ", " + std::to_string(total)),
              std::string::npos)
        << v7->detail;
    EXPECT_NE(report.summary().find("V4: "), std::string::npos);
    EXPECT_NE(report.summary().find("V7: "), std::string::npos);
    EXPECT_FALSE(store_->verify().ok());

    // Putting the balance back makes the books whole again.
    raw_->exec("UPDATE card SET balance_minor = balance_minor - 1 WHERE id = " +
               std::to_string(victim));
    expectLedgerInvariants();
}

TEST_F(Invariants, ValueOnAStockCardNamesV4V6AndV7) {
    raw_->exec("UPDATE card SET balance_minor = 100 WHERE id = " + std::to_string(stock_.back()));
    EXPECT_EQ(violated(), (std::set<std::string>{"V4", "V6", "V7"}));
}

TEST_F(Invariants, BalanceAboveTheCapNamesV5) {
    // Lower the product's cap under the balances instead of touching any balance.
    raw_->exec("UPDATE product SET max_balance_minor = 1 WHERE id = " + std::to_string(product_));
    EXPECT_EQ(violated(), (std::set<std::string>{"V5"}));
}

TEST_F(Invariants, HoldAboveTheBalanceNamesV5) {
    raw_->exec("UPDATE card SET held_minor = balance_minor + 1 WHERE id = " +
               std::to_string(cards_[1]));
    EXPECT_EQ(violated(), (std::set<std::string>{"V5"}));
}

TEST_F(Invariants, ApprovedTransactionWithoutItsEntryNamesV8AndV9) {
    raw_->exec("UPDATE card_txn SET entry_id = NULL WHERE id = " + std::to_string(purchase_));
    EXPECT_EQ(violated(), (std::set<std::string>{"V8", "V9"}));
}

TEST_F(Invariants, DeclinedTransactionWithAnEntryNamesV8) {
    raw_->exec(
        "UPDATE card_txn SET state = 'DECLINED', decline = 'insufficient_funds' WHERE id = " +
        std::to_string(purchase_));
    EXPECT_EQ(violated(), (std::set<std::string>{"V8"}));
}

TEST_F(Invariants, EntryWithoutItsEventNamesV9) {
    raw_->exec("DELETE FROM card_txn WHERE id = " + std::to_string(purchase_));
    EXPECT_EQ(violated(), (std::set<std::string>{"V9"}));
}

TEST_F(Invariants, UnpaidOrderWithAnEntryNamesV9) {
    OrderId paid = *card(cards_[0]).order_id;
    raw_->exec("UPDATE sales_order SET state = 'PENDING_PAYMENT' WHERE id = " +
               std::to_string(paid));
    EXPECT_EQ(violated(), (std::set<std::string>{"V9"}));
}

TEST_F(Invariants, PaidOrderWithoutItsEntryNamesV10) {
    raw_->exec("UPDATE sales_order SET state = 'PAID' WHERE id = " +
               std::to_string(pending_order_));
    EXPECT_EQ(violated(), (std::set<std::string>{"V10"}));
}

TEST_F(Invariants, UnbalancedEntryNamesV1AndV3) {
    allowJournalEdits();
    // A merchant-side line, so that no card sub-account changes.
    raw_->exec(
        "UPDATE journal_line SET credit_minor = credit_minor + 1 WHERE account = 2202 AND "
        "credit_minor > 0");
    EXPECT_EQ(violated(), (std::set<std::string>{"V1", "V3"}));
}

TEST_F(Invariants, OneSidedOrUnknownLinesNameV2) {
    allowJournalEdits();
    raw_->exec("UPDATE journal_line SET account = 9999 WHERE account = 2202");
    EXPECT_EQ(violated(), (std::set<std::string>{"V2"}));
}

TEST_F(Invariants, EntryWithASingleLineNamesV1) {
    allowJournalEdits();
    raw_->exec("DELETE FROM journal_line WHERE account = 2202 AND debit_minor > 0");  // the refund
    std::set<std::string> names = violated();
    EXPECT_TRUE(names.count("V1"));
    EXPECT_TRUE(names.count("V3"));
}

TEST_F(Invariants, ListsAtMostTheRequestedViolationsPerCheck) {
    raw_->exec("UPDATE card SET balance_minor = balance_minor + 1 WHERE id IN (" +
               std::to_string(cards_[0]) + ", " + std::to_string(cards_[1]) + ", " +
               std::to_string(cards_[2]) + ")");
    store::InvariantReport all = store::checkInvariants(*raw_, 20);
    store::InvariantReport two = store::checkInvariants(*raw_, 2);
    auto count = [](const store::InvariantReport& r, const std::string& name) {
        int n = 0;
        for (const store::Violation& v : r.violations) n += v.invariant == name ? 1 : 0;
        return n;
    };
    EXPECT_EQ(count(all, "V4"), 3);
    EXPECT_EQ(count(two, "V4"), 2);
}

}  // namespace
}  // namespace yika
