// Sales orders, payment and atomic activation through the SQLite store (yika_store_test).

#include "card_core/domain/sales_service.h"

#include "card_core/store/sqlite_db.h"
#include "card_core/testing/store_fixture.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace yika {
namespace {

using test::cny;
using test::LineRow;
using test::yuan;

class Sales : public test::StoreTest {
  protected:
    void SetUp() override {
        StoreTest::SetUp();
        named_ = addProduct(namedProduct("GIFT5000"));
        anonymous_ = addProduct(anonymousProduct("ANON1000"));
        named_cards_ = produceAndReceive(named_, 12).ids;
        anonymous_cards_ = produceAndReceive(anonymous_, 12).ids;
        ASSERT_EQ(named_cards_.size(), 12u);
        ASSERT_EQ(anonymous_cards_.size(), 12u);
    }

    void expectInStockUnpaid(CardId id, std::optional<OrderId> reserved_by) {
        Card c = card(id);
        EXPECT_EQ(c.state, CardState::InStock) << id;
        EXPECT_EQ(c.order_id, reserved_by) << id;
        EXPECT_TRUE(c.balance.isZero()) << id;
        EXPECT_FALSE(c.activated_on) << id;
        EXPECT_EQ(c.buyer_key, "") << id;
    }

    ProductId named_ = 0;
    ProductId anonymous_ = 0;
    std::vector<CardId> named_cards_;
    std::vector<CardId> anonymous_cards_;
};

TEST_F(Sales, OrderReservesTheLowestFreeSerialsPendingPayment) {
    auto id = placeOrder(orderOf(named_, 3, yuan(500), test::individualBuyer()));
    ASSERT_OK(id);
    SalesOrder o = order(*id);
    EXPECT_EQ(o.state, OrderState::PendingPayment);
    EXPECT_EQ(o.face_total, yuan(1500));
    EXPECT_EQ(o.pay_total, yuan(1500));
    EXPECT_FALSE(o.structuring_flag);
    EXPECT_EQ(o.card_ids, std::vector<CardId>(named_cards_.begin(), named_cards_.begin() + 3));
    for (CardId c : o.card_ids) expectInStockUnpaid(c, *id);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry"), 0);
    expectLedgerInvariants();
}

TEST_F(Sales, SaleActivationIsAtomic) {
    auto id = placeOrder(orderOf(named_, 3, yuan(500), test::individualBuyer()));
    ASSERT_OK(id);
    std::vector<CardId> cards = order(*id).card_ids;
    ASSERT_EQ(cards.size(), 3u);

    // Refused payments: wrong amount, wrong method, a credit card.
    Payment short_paid = paymentFor(*id);
    short_paid.amount = cny(short_paid.amount.minor() - 1);
    EXPECT_ERROR(pay(*id, short_paid), ErrorCode::InvalidAmount);
    Payment by_transfer = paymentFor(*id);
    by_transfer.method = PaymentMethod::BankTransfer;
    by_transfer.payer_account = "6222021001122334455";
    EXPECT_ERROR(pay(*id, by_transfer), ErrorCode::RuleViolation);
    Payment by_credit = paymentFor(*id);
    by_credit.method = PaymentMethod::PosCreditCard;
    EXPECT_ERROR(pay(*id, by_credit), ErrorCode::RuleViolation);

    // Nothing moved: every card IN_STOCK, still reserved, without value; no entry, no payment.
    for (CardId c : cards) expectInStockUnpaid(c, *id);
    EXPECT_EQ(order(*id).state, OrderState::PendingPayment);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry"), 0);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM payment"), 0);
    expectLedgerInvariants();

    // The right payment activates all cards at once.
    TimestampMs before = now_ms_;
    ASSERT_OK(pay(*id, paymentFor(*id)));
    for (CardId c : cards) {
        Card paid = card(c);
        EXPECT_EQ(paid.state, CardState::Active);
        EXPECT_EQ(paid.balance, yuan(500));
        EXPECT_EQ(paid.activated_on, businessDate());
        EXPECT_EQ(paid.buyer_key, buyerKey(test::individualBuyer()));
        EXPECT_FALSE(paid.expiry);  // named cards never expire
        std::vector<CardEvent> events = cardEvents(c);
        ASSERT_FALSE(events.empty());
        EXPECT_EQ(events.back().to, CardState::Active);
        EXPECT_EQ(events.back().reason, reason::kSold);
        EXPECT_EQ(events.back().actor.id, operator_.id);
        EXPECT_GT(events.back().at_ms, before);
    }
    SalesOrder paid = order(*id);
    EXPECT_EQ(paid.state, OrderState::Paid);
    EXPECT_EQ(paid.business_date, businessDate());
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry"), 1);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM payment"), 1);
    expectLedgerInvariants();
}

TEST_F(Sales, ActivationFailingOnOneCardActivatesNone) {
    auto id = placeOrder(orderOf(anonymous_, 3, yuan(200), test::anonymousBuyer()));
    ASSERT_OK(id);
    std::vector<CardId> cards = order(*id).card_ids;
    ASSERT_EQ(cards.size(), 3u);
    // Corrupt the last card behind the service's back so that its activation fails after the
    // first two cards were already updated in the same operation.
    {
        auto raw = openRawConnection();
        raw->exec("UPDATE card SET state = 'DESTROYED' WHERE id = " + std::to_string(cards[2]));
    }
    EXPECT_ERROR(pay(*id, paymentFor(*id)), ErrorCode::IllegalTransition);
    expectInStockUnpaid(cards[0], *id);
    expectInStockUnpaid(cards[1], *id);
    EXPECT_EQ(order(*id).state, OrderState::PendingPayment);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry"), 0);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM payment"), 0);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM card_event WHERE reason = 'SOLD'"), 0);
    expectLedgerInvariants();
}

TEST_F(Sales, SaleWithDiscountPostsReserveDiscountAndCardLiability) {
    const Money load = yuan(500);
    const std::int64_t count = 2;
    const Money discount = yuan(30);
    SalesOrder o = orderOf(named_, count, load, test::individualBuyer());
    o.discount = discount;
    auto id = placeOrder(o);
    ASSERT_OK(id);
    const std::int64_t face = load.minor() * count;
    const std::int64_t paid = face - discount.minor();
    EXPECT_EQ(order(*id).face_total.minor(), face);
    EXPECT_EQ(order(*id).pay_total.minor(), paid);
    ASSERT_OK(pay(*id, paymentFor(*id)));

    std::vector<CardId> cards = order(*id).card_ids;
    std::vector<LineRow> lines = entryLines(orderEventKey(*id));
    std::vector<LineRow> expected = {
        {static_cast<std::int64_t>(AccountCode::ReserveFund), 0, paid, 0},
        {static_cast<std::int64_t>(AccountCode::SalesDiscount), 0, face - paid, 0},
    };
    for (CardId c : cards) {
        expected.push_back(
            {static_cast<std::int64_t>(AccountCode::CardStoredValue), c, 0, load.minor()});
    }
    EXPECT_EQ(lines, expected);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry WHERE event_type = 'sale'"), 1);
    expectLedgerInvariants();
}

TEST_F(Sales, SaleWithoutDiscountHasNoDiscountLine) {
    std::vector<CardId> cards = sell(anonymous_, 2, yuan(1000), test::anonymousBuyer());
    ASSERT_EQ(cards.size(), 2u);
    auto o = reader().order(*card(cards[0]).order_id);
    ASSERT_TRUE(o);
    std::vector<LineRow> lines = entryLines(orderEventKey(o->id));
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0], (LineRow{1001, 0, yuan(2000).minor(), 0}));
    for (const LineRow& l : lines) EXPECT_NE(l.account, 6401);
    // Anonymous cards are valid for the product's months from activation.
    for (CardId c : cards) {
        EXPECT_EQ(card(c).expiry,
                  businessDate().plusMonths(policies_.product.anonymous_validity_months_min));
    }
    expectLedgerInvariants();
}

TEST_F(Sales, StructuringFlagSetOnTheThirdOrderJustUnderTheRealNameLine) {
    // 2 x 4,750.00 = 9,500.00: within 1,000.00 under the 10,000.00 real-name line.
    const Buyer buyer = test::individualBuyer();
    auto just_under = [&] { return placeOrder(orderOf(named_, 2, yuan(4750), buyer)); };
    auto first = just_under();
    auto second = just_under();
    ASSERT_OK(first);
    ASSERT_OK(second);
    EXPECT_FALSE(order(*first).structuring_flag);
    EXPECT_FALSE(order(*second).structuring_flag);
    // An order outside the band neither counts nor is flagged.
    auto small = placeOrder(orderOf(anonymous_, 1, yuan(100), buyer));
    ASSERT_OK(small);
    EXPECT_FALSE(order(*small).structuring_flag);
    // Another buyer's first order is not flagged.
    auto other =
        placeOrder(orderOf(named_, 2, yuan(4750),
                           test::individualBuyer(test::residentIdWithCheck("44030119900101123"))));
    ASSERT_OK(other);
    EXPECT_FALSE(order(*other).structuring_flag);
    auto third = just_under();
    ASSERT_OK(third);
    EXPECT_TRUE(order(*third).structuring_flag);
    // The flag is reported, not a refusal: the order is payable.
    EXPECT_OK(pay(*third, paymentFor(*third)));
    expectLedgerInvariants();
}

TEST_F(Sales, StructuringCountsTodaysOrdersThatWereNotCancelled) {
    const Buyer buyer = test::individualBuyer();
    auto just_under = [&] { return placeOrder(orderOf(named_, 2, yuan(4750), buyer)); };
    auto first = just_under();
    auto second = just_under();
    ASSERT_OK(first);
    ASSERT_OK(second);
    ASSERT_OK(runStatus([&](StoreTx& tx) { return cancelOrder(tx, *second); }));
    auto third = just_under();  // the cancelled one does not count
    ASSERT_OK(third);
    EXPECT_FALSE(order(*third).structuring_flag);
    setBusinessDate(businessDate().plusDays(1));
    auto next_day = just_under();  // a new day starts a new count
    ASSERT_OK(next_day);
    EXPECT_FALSE(order(*next_day).structuring_flag);
    setBusinessDate(businessDate().plusDays(-1));
    auto fourth = just_under();
    ASSERT_OK(fourth);
    EXPECT_TRUE(order(*fourth).structuring_flag);
    expectLedgerInvariants();
}

TEST_F(Sales, CancelReturnsCardsToStock) {
    auto id = placeOrder(orderOf(anonymous_, 3, yuan(100), test::anonymousBuyer()));
    ASSERT_OK(id);
    std::vector<CardId> cards = order(*id).card_ids;
    ASSERT_OK(runStatus([&](StoreTx& tx) { return cancelOrder(tx, *id); }));
    EXPECT_EQ(order(*id).state, OrderState::Cancelled);
    for (CardId c : cards) expectInStockUnpaid(c, std::nullopt);
    // A cancelled order can be neither paid nor cancelled again.
    EXPECT_ERROR(pay(*id, paymentFor(*id)), ErrorCode::IllegalTransition);
    EXPECT_ERROR(runStatus([&](StoreTx& tx) { return cancelOrder(tx, *id); }),
                 ErrorCode::IllegalTransition);
    // The cards are free again: the next order takes the same ones.
    auto again = placeOrder(orderOf(anonymous_, 3, yuan(100), test::anonymousBuyer()));
    ASSERT_OK(again);
    EXPECT_EQ(order(*again).card_ids, cards);
    ASSERT_OK(pay(*again, paymentFor(*again)));
    // A paid order cannot be cancelled.
    EXPECT_ERROR(runStatus([&](StoreTx& tx) { return cancelOrder(tx, *again); }),
                 ErrorCode::IllegalTransition);
    EXPECT_ERROR(runStatus([&](StoreTx& tx) { return cancelOrder(tx, 9999); }),
                 ErrorCode::NotFound);
    expectLedgerInvariants();
}

TEST_F(Sales, OrderBeyondFreeStockReservesNothing) {
    auto first = placeOrder(orderOf(anonymous_, 10, yuan(100), test::anonymousBuyer()));
    ASSERT_OK(first);
    EXPECT_ERROR(placeOrder(orderOf(anonymous_, 3, yuan(100), test::anonymousBuyer())),
                 ErrorCode::NotPermitted);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM sales_order"), 1);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM card WHERE order_id IS NOT NULL"), 10);
    // Stock at another location is not this location's stock.
    SalesOrder elsewhere = orderOf(anonymous_, 1, yuan(100), test::anonymousBuyer());
    elsewhere.location = "BJ-STORE-02";
    EXPECT_ERROR(placeOrder(elsewhere), ErrorCode::NotPermitted);
    expectLedgerInvariants();
}

TEST_F(Sales, OrderRulesRefuseBeforeReserving) {
    SalesOrder credit = orderOf(anonymous_, 1, yuan(100), test::anonymousBuyer());
    credit.payment_method = PaymentMethod::PosCreditCard;
    EXPECT_ERROR(placeOrder(credit), ErrorCode::RuleViolation);
    EXPECT_ERROR(placeOrder(orderOf(named_, 1, yuan(100), test::anonymousBuyer())),
                 ErrorCode::InvalidArgument);  // named card without a registered buyer
    EXPECT_ERROR(
        placeOrder(orderOf(named_ + anonymous_ + 10, 1, yuan(100), test::individualBuyer())),
        ErrorCode::NotFound);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM sales_order"), 0);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM card WHERE order_id IS NOT NULL"), 0);
    expectLedgerInvariants();
}

TEST_F(Sales, SaleBySerialRange) {
    SalesOrder o = orderOf(anonymous_, 0, yuan(100), test::anonymousBuyer());
    o.lines[0].first_card_id = anonymous_cards_[4];
    o.lines[0].last_card_id = anonymous_cards_[6];
    auto id = placeOrder(o);
    ASSERT_OK(id);
    EXPECT_EQ(order(*id).card_ids,
              std::vector<CardId>(anonymous_cards_.begin() + 4, anonymous_cards_.begin() + 7));
    ASSERT_OK(pay(*id, paymentFor(*id)));
    // A range overlapping sold cards is refused whole.
    o.lines[0].first_card_id = anonymous_cards_[6];
    o.lines[0].last_card_id = anonymous_cards_[8];
    EXPECT_ERROR(placeOrder(o), ErrorCode::NotPermitted);
    EXPECT_FALSE(card(anonymous_cards_[7]).order_id);
    // A range of another product's serials is refused.
    o.lines[0].first_card_id = named_cards_[0];
    o.lines[0].last_card_id = named_cards_[0];
    EXPECT_ERROR(placeOrder(o), ErrorCode::NotPermitted);
    expectLedgerInvariants();
}

TEST_F(Sales, PaidOrderIsNotPaidTwice) {
    auto id = placeOrder(orderOf(named_, 1, yuan(800), test::individualBuyer()));
    ASSERT_OK(id);
    ASSERT_OK(pay(*id, paymentFor(*id)));
    SalesOrder o = order(*id);
    Payment again = paymentFor(*id);
    EXPECT_ERROR(pay(*id, again), ErrorCode::IllegalTransition);
    EXPECT_EQ(card(o.card_ids[0]).balance, yuan(800));
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry"), 1);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM payment"), 1);
    EXPECT_ERROR(pay(9999, again), ErrorCode::NotFound);
    expectLedgerInvariants();
}

TEST_F(Sales, CompanyBuysByTransferAndThePayerIsRecorded) {
    const Buyer company = test::companyBuyer();
    SalesOrder o = orderOf(named_, 3, yuan(2000), company);
    ASSERT_EQ(o.payment_method, PaymentMethod::BankTransfer);
    auto id = placeOrder(o);
    ASSERT_OK(id);
    Payment p = paymentFor(*id);
    ASSERT_EQ(p.method, PaymentMethod::BankTransfer);
    Payment no_account = p;
    no_account.payer_account = "";
    EXPECT_ERROR(pay(*id, no_account), ErrorCode::RuleViolation);
    ASSERT_OK(pay(*id, p));
    EXPECT_EQ(
        queryInt("SELECT COUNT(*) FROM payment WHERE method = 'bank_transfer' AND "
                 "payer_account = '" +
                 p.payer_account + "' AND amount_minor = " + std::to_string(yuan(6000).minor())),
        1);
    for (CardId c : order(*id).card_ids) EXPECT_EQ(card(c).buyer_key, buyerKey(company));
    // The same company paying 5,000.00 or more in cash is refused at order time.
    SalesOrder cash = orderOf(named_, 1, yuan(5000), company);
    cash.payment_method = PaymentMethod::Cash;
    EXPECT_ERROR(placeOrder(cash), ErrorCode::RuleViolation);
    expectLedgerInvariants();
}

}  // namespace
}  // namespace yika
