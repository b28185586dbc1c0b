// Card life after sale through the SQLite store (yika_store_test): reload, freeze, replace,
// expiry and extension, redemption, breakage.

#include "card_core/domain/card_service.h"

#include "card_core/testing/store_fixture.h"

#include <gtest/gtest.h>

namespace yika {
namespace {

using test::cny;
using test::LineRow;
using test::yuan;

class CardLife : public test::StoreTest {
  protected:
    void SetUp() override {
        StoreTest::SetUp();
        named_ = addProduct(namedProduct("GIFT5000"));
        anonymous_ = addProduct(anonymousProduct("ANON1000"));
        shop_ = addMerchant("898310048160001");
        ASSERT_EQ(produceAndReceive(named_, 8).ids.size(), 8u);
        ASSERT_EQ(produceAndReceive(anonymous_, 8).ids.size(), 8u);
    }

    CardId sellOne(ProductId product, Money load, const Buyer& buyer) {
        std::vector<CardId> cards = sell(product, 1, load, buyer);
        EXPECT_EQ(cards.size(), 1u);
        return cards.empty() ? 0 : cards[0];
    }
    CardId namedCard(Money load) { return sellOne(named_, load, test::individualBuyer()); }
    CardId anonymousCard(Money load) { return sellOne(anonymous_, load, test::anonymousBuyer()); }

    CardId stockCard(ProductId product) {
        auto stock = reader().freeStock(product, kLocation, 1);
        EXPECT_EQ(stock.size(), 1u);
        return stock.empty() ? 0 : stock[0];
    }

    std::int64_t rows(const char* table) {
        return queryInt(std::string("SELECT COUNT(*) FROM ") + table);
    }

    ProductId named_ = 0;
    ProductId anonymous_ = 0;
    MerchantId shop_ = 0;
};

TEST_F(CardLife, ReloadCreditsTheCardFromTheReserveFund) {
    CardId c = namedCard(yuan(1000));
    auto reloaded = reload(c, yuan(200));
    ASSERT_OK(reloaded);
    EXPECT_EQ(reloaded->kind, TxnKind::Reload);
    EXPECT_EQ(reloaded->state, TxnState::Approved);
    EXPECT_EQ(reloaded->balance_after, yuan(1200));
    EXPECT_EQ(card(c).balance, yuan(1200));
    EXPECT_EQ(
        entryLines(txnEventKey(reloaded->id)),
        (std::vector<LineRow>{{1001, 0, yuan(200).minor(), 0}, {2201, c, 0, yuan(200).minor()}}));
    // Up to the cap exactly, by transfer at 3,800.00.
    ASSERT_OK(reload(c, yuan(3800), PaymentMethod::BankTransfer));
    EXPECT_EQ(card(c).balance, yuan(5000));
    expectLedgerInvariants();
}

TEST_F(CardLife, RefusedReloadsChangeNothing) {
    CardId named = namedCard(yuan(1000));
    CardId anonymous = anonymousCard(yuan(500));
    CardId empty = namedCard(yuan(10));
    ASSERT_OK(spend(empty, shop_, yuan(10)));
    ASSERT_TRUE(card(empty).balance.isZero());
    std::int64_t txns = rows("card_txn");
    std::int64_t entries = rows("journal_entry");
    EXPECT_ERROR(reload(anonymous, yuan(100)), ErrorCode::NotPermitted);
    EXPECT_ERROR(reload(named, cny(400001)), ErrorCode::OverCardCap);
    // 5,000.00 fits under the cap of the empty card but may not be paid in cash.
    EXPECT_ERROR(reload(empty, yuan(5000), PaymentMethod::Cash), ErrorCode::RuleViolation);
    EXPECT_ERROR(reload(named, yuan(100), PaymentMethod::PosCreditCard), ErrorCode::RuleViolation);
    ASSERT_OK(freeze(named));
    EXPECT_ERROR(reload(named, yuan(100)), ErrorCode::CardNotActive);
    EXPECT_ERROR(reload(999999, yuan(100)), ErrorCode::CardNotFound);
    EXPECT_EQ(card(named).balance, yuan(1000));
    EXPECT_EQ(card(anonymous).balance, yuan(500));
    EXPECT_TRUE(card(empty).balance.isZero());
    EXPECT_EQ(rows("card_txn"), txns);
    EXPECT_EQ(rows("journal_entry"), entries);
    expectLedgerInvariants();
}

TEST_F(CardLife, FreezeAndUnfreezeRecordWhoAndWhy) {
    CardId c = namedCard(yuan(100));
    ASSERT_OK(freeze(c));
    EXPECT_EQ(card(c).state, CardState::Frozen);
    EXPECT_ERROR(freeze(c), ErrorCode::IllegalTransition);
    ASSERT_OK(unfreeze(c));
    EXPECT_EQ(card(c).state, CardState::Active);
    EXPECT_ERROR(unfreeze(c), ErrorCode::IllegalTransition);
    std::vector<CardEvent> events = cardEvents(c);
    ASSERT_GE(events.size(), 2u);
    const CardEvent& frozen = events[events.size() - 2];
    const CardEvent& thawed = events.back();
    EXPECT_EQ(frozen.from, CardState::Active);
    EXPECT_EQ(frozen.to, CardState::Frozen);
    EXPECT_EQ(frozen.reason, reason::kLost);
    EXPECT_EQ(frozen.actor.id, operator_.id);
    EXPECT_EQ(thawed.to, CardState::Active);
    EXPECT_EQ(thawed.reason, reason::kFound);
    EXPECT_LT(frozen.at_ms, thawed.at_ms);
    // Cards in stock cannot be frozen; unknown cards are reported as such.
    EXPECT_ERROR(freeze(stockCard(named_)), ErrorCode::IllegalTransition);
    EXPECT_ERROR(freeze(999999), ErrorCode::CardNotFound);
    EXPECT_EQ(card(c).balance, yuan(100));
    expectLedgerInvariants();
}

TEST_F(CardLife, ReplaceMovesTheBalanceAndClosesTheOldCard) {
    CardId old_card = namedCard(yuan(800));
    ASSERT_OK(spend(old_card, shop_, yuan(100)));
    ASSERT_OK(freeze(old_card));  // reported lost
    const Money balance = card(old_card).balance;
    ASSERT_EQ(balance, yuan(700));
    const Card before = card(old_card);
    CardId new_card = stockCard(named_);

    auto replaced = replace(old_card, new_card);
    ASSERT_OK(replaced);
    EXPECT_EQ(replaced->kind, TxnKind::Replacement);
    EXPECT_EQ(replaced->card_id, old_card);
    EXPECT_EQ(replaced->counter_card_id, new_card);
    EXPECT_EQ(replaced->amount, balance);
    EXPECT_EQ(entryLines(txnEventKey(replaced->id)),
              (std::vector<LineRow>{{2201, old_card, balance.minor(), 0},
                                    {2201, new_card, 0, balance.minor()}}));
    Card closed = card(old_card);
    EXPECT_EQ(closed.state, CardState::Closed);
    EXPECT_TRUE(closed.balance.isZero());
    Card active = card(new_card);
    EXPECT_EQ(active.state, CardState::Active);
    EXPECT_EQ(active.balance, balance);
    EXPECT_EQ(active.buyer_key, before.buyer_key);  // redemption rights move along
    EXPECT_EQ(active.activated_on, before.activated_on);
    EXPECT_EQ(cardEvents(old_card).back().reason, reason::kReplaced);
    EXPECT_EQ(cardEvents(new_card).back().reason, reason::kReplacement);

    // The old card is dead; the new one spends.
    auto on_old = spend(old_card, shop_, yuan(1));
    ASSERT_OK(on_old);
    EXPECT_EQ(on_old->decline, ErrorCode::CardNotActive);
    ASSERT_OK(spend(new_card, shop_, yuan(1)));
    EXPECT_EQ(card(new_card).balance, balance.minus(yuan(1)).value());
    expectLedgerInvariants();
}

TEST_F(CardLife, ReplaceRefusalsChangeNothing) {
    CardId c = namedCard(yuan(300));
    CardId sold = namedCard(yuan(10));
    CardId other_product = stockCard(anonymous_);
    auto reserved_order = placeOrder(orderOf(named_, 1, yuan(100), test::individualBuyer()));
    ASSERT_OK(reserved_order);
    CardId reserved = order(*reserved_order).card_ids.at(0);
    CardId in_stock = stockCard(named_);
    std::int64_t entries = rows("journal_entry");

    EXPECT_ERROR(replace(c, sold), ErrorCode::NotPermitted);           // not in stock
    EXPECT_ERROR(replace(c, other_product), ErrorCode::NotPermitted);  // another product
    EXPECT_ERROR(replace(c, reserved), ErrorCode::NotPermitted);       // reserved by an order
    EXPECT_ERROR(replace(c, c), ErrorCode::CardNotFound);
    EXPECT_ERROR(replace(c, 999999), ErrorCode::CardNotFound);
    auto two_in_stock = reader().freeStock(named_, kLocation, 2);
    ASSERT_EQ(two_in_stock.size(), 2u);
    EXPECT_EQ(two_in_stock[0], in_stock);
    EXPECT_ERROR(replace(in_stock, two_in_stock[1]), ErrorCode::CardNotActive);  // no value

    EXPECT_EQ(card(c).state, CardState::Active);
    EXPECT_EQ(card(c).balance, yuan(300));
    EXPECT_EQ(card(sold).balance, yuan(10));
    EXPECT_EQ(card(in_stock).state, CardState::InStock);
    EXPECT_EQ(rows("journal_entry"), entries);
    expectLedgerInvariants();
}

TEST_F(CardLife, ExpiryRunAndExtension) {
    CardId anonymous = anonymousCard(yuan(500));
    CardId named = namedCard(yuan(500));
    const Date sold_on = businessDate();
    const Date expiry = *card(anonymous).expiry;
    EXPECT_EQ(expiry, sold_on.plusMonths(policies_.product.anonymous_validity_months_min));

    setBusinessDate(expiry);
    auto none = expiryRun();
    ASSERT_OK(none);
    EXPECT_EQ(*none, 0);  // valid through its expiry date
    setBusinessDate(expiry.plusDays(1));
    auto expired = expiryRun();
    ASSERT_OK(expired);
    EXPECT_EQ(*expired, 1);
    EXPECT_EQ(card(anonymous).state, CardState::Expired);
    EXPECT_EQ(card(anonymous).balance, yuan(500));    // still owed to the holder
    EXPECT_EQ(card(named).state, CardState::Active);  // named cards never expire
    EXPECT_EQ(cardEvents(anonymous).back().reason, reason::kExpiryRun);
    EXPECT_EQ(*expiryRun(), 0);  // nothing left to expire

    EXPECT_ERROR(extend(named), ErrorCode::IllegalTransition);
    ASSERT_OK(extend(anonymous));
    Card extended = card(anonymous);
    EXPECT_EQ(extended.state, CardState::Active);
    EXPECT_EQ(extended.expiry,
              businessDate().plusMonths(policies_.product.anonymous_validity_months_min));
    EXPECT_EQ(cardEvents(anonymous).back().reason, reason::kExtended);
    auto spent = spend(anonymous, shop_, yuan(20));
    ASSERT_OK(spent);
    EXPECT_EQ(spent->state, TxnState::Approved);
    EXPECT_EQ(card(anonymous).balance, yuan(480));
    expectLedgerInvariants();
}

TEST_F(CardLife, ExpiredCardReplacedTakesTheBalance) {
    CardId c = anonymousCard(yuan(300));
    setBusinessDate(card(c).expiry->plusDays(1));
    ASSERT_OK(expiryRun());
    ASSERT_EQ(card(c).state, CardState::Expired);
    CardId fresh = stockCard(anonymous_);
    ASSERT_OK(replace(c, fresh));
    EXPECT_EQ(card(c).state, CardState::Closed);
    Card now_active = card(fresh);
    EXPECT_EQ(now_active.state, CardState::Active);
    EXPECT_EQ(now_active.balance, yuan(300));
    EXPECT_EQ(now_active.expiry,
              businessDate().plusMonths(policies_.product.anonymous_validity_months_min));
    expectLedgerInvariants();
}

TEST_F(CardLife, RedemptionOnlyByTheBuyerFromThreeMonthsAfterPurchase) {
    const Buyer buyer = test::individualBuyer();
    const Buyer stranger = test::individualBuyer(test::residentIdWithCheck("31010119850615432"));
    CardId c = sellOne(named_, yuan(1000), buyer);
    ASSERT_OK(spend(c, shop_, yuan(100)));
    const Date sold_on = businessDate();
    const Date allowed_from = sold_on.plusMonths(policies_.sale.redemption_months_min);

    setBusinessDate(allowed_from.plusDays(-1));
    EXPECT_ERROR(redeem(c, buyerKey(buyer)), ErrorCode::RuleViolation);
    setBusinessDate(allowed_from);
    EXPECT_ERROR(redeem(c, buyerKey(stranger)), ErrorCode::NotPermitted);
    EXPECT_ERROR(redeem(c, ""), ErrorCode::NotPermitted);
    EXPECT_EQ(card(c).state, CardState::Active);
    EXPECT_EQ(card(c).balance, yuan(900));

    auto redeemed = redeem(c, buyerKey(buyer));
    ASSERT_OK(redeemed);
    EXPECT_EQ(redeemed->kind, TxnKind::Redemption);
    EXPECT_EQ(redeemed->amount, yuan(900));
    EXPECT_EQ(
        entryLines(txnEventKey(redeemed->id)),
        (std::vector<LineRow>{{2201, c, yuan(900).minor(), 0}, {1001, 0, 0, yuan(900).minor()}}));
    EXPECT_EQ(card(c).state, CardState::Closed);
    EXPECT_TRUE(card(c).balance.isZero());
    EXPECT_EQ(cardEvents(c).back().reason, reason::kRedeemed);
    EXPECT_ERROR(redeem(c, buyerKey(buyer)), ErrorCode::CardNotActive);
    expectLedgerInvariants();
}

TEST_F(CardLife, CompanyCardsAreRedeemedOnlyByTheCompany) {
    const Buyer company = test::companyBuyer();
    CardId c = sellOne(named_, yuan(2000), company);
    ASSERT_OK(freeze(c));  // frozen cards may be redeemed too
    setBusinessDate(businessDate().plusMonths(6));
    EXPECT_ERROR(redeem(c, buyerKey(test::individualBuyer())), ErrorCode::NotPermitted);
    ASSERT_OK(redeem(c, buyerKey(company)));
    EXPECT_EQ(card(c).state, CardState::Closed);
    expectLedgerInvariants();
}

TEST_F(CardLife, AnonymousCardsAreNotRedeemed) {
    CardId c = sellOne(anonymous_, yuan(100), test::individualBuyer());
    setBusinessDate(businessDate().plusMonths(6));
    EXPECT_ERROR(redeem(c, buyerKey(test::individualBuyer())), ErrorCode::NotPermitted);
    EXPECT_EQ(card(c).balance, yuan(100));
    expectLedgerInvariants();
}

TEST_F(CardLife, BreakageOnlyWhenEnabledAnd24MonthsAfterExpiry) {
    CardId c = anonymousCard(yuan(300));
    CardId spent = anonymousCard(yuan(100));
    ASSERT_OK(spend(spent, shop_, yuan(100)));
    const Date expiry = *card(c).expiry;
    setBusinessDate(expiry.plusDays(1));
    ASSERT_OK(expiryRun());
    ASSERT_EQ(card(c).state, CardState::Expired);

    // Disabled (the default): never, however long ago the card expired.
    ASSERT_FALSE(policies_.breakage.enabled);
    setBusinessDate(expiry.plusMonths(60));
    auto disabled = breakageRun();
    ASSERT_OK(disabled);
    EXPECT_EQ(*disabled, 0);
    EXPECT_EQ(card(c).state, CardState::Expired);

    policies_.breakage.enabled = true;
    ASSERT_EQ(policies_.breakage.months_after_expiry, 24);
    setBusinessDate(expiry.plusMonths(23));
    auto early = breakageRun();
    ASSERT_OK(early);
    EXPECT_EQ(*early, 0);
    EXPECT_EQ(card(c).balance, yuan(300));

    setBusinessDate(expiry.plusMonths(25));
    auto recognised = breakageRun();
    ASSERT_OK(recognised);
    EXPECT_EQ(*recognised, 1);  // the expired card with a balance; not the empty one
    EXPECT_EQ(card(c).state, CardState::Closed);
    EXPECT_TRUE(card(c).balance.isZero());
    EXPECT_EQ(cardEvents(c).back().reason, reason::kBreakage);
    EXPECT_EQ(card(spent).state, CardState::Expired);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM card_txn WHERE kind = 'breakage'"), 1);
    std::vector<LineRow> lines;
    {
        store::Statement s(
            *reader_db_, "SELECT e.event_key FROM journal_entry e WHERE e.event_type = 'breakage'");
        ASSERT_TRUE(s.step());
        lines = entryLines(s.columnText(0));
    }
    EXPECT_EQ(lines, (std::vector<LineRow>{{2201, c, yuan(300).minor(), 0},
                                           {6002, 0, 0, yuan(300).minor()}}));
    EXPECT_EQ(*breakageRun(), 0);
    expectLedgerInvariants();
}

}  // namespace
}  // namespace yika
