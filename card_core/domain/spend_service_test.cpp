// Purchases and refunds through the SQLite store (yika_store_test), and the PIN check.

#include "card_core/domain/spend_service.h"

#include "card_core/domain/acceptance_service.h"
#include "card_core/testing/store_fixture.h"

#include <gtest/gtest.h>

#include <map>

namespace yika {
namespace {

using test::cny;
using test::kDayMs;
using test::LineRow;
using test::yuan;

// ---- checkPin on its own (no store) ----

Card cardWithPin(const test::FakePinVerifier& pins, std::string_view pin) {
    Card c;
    c.id = 77;
    c.pvv = pins.pinVerificationValue(c.id, pin);
    return c;
}

TEST(CheckPin, RightPinResetsTheFailureCount) {
    test::FakePinVerifier pins;
    PinPolicy policy;
    Card c = cardWithPin(pins, "123456");
    EXPECT_ERROR(checkPin(c, "654321", pins, policy, 1000), ErrorCode::WrongPin);
    EXPECT_ERROR(checkPin(c, "654321", pins, policy, 1000), ErrorCode::WrongPin);
    EXPECT_EQ(c.pin_failures, 2);
    EXPECT_OK(checkPin(c, "123456", pins, policy, 1000));
    EXPECT_EQ(c.pin_failures, 0);
}

TEST(CheckPin, MalformedPinsCountAsWrong) {
    test::FakePinVerifier pins;
    PinPolicy policy;
    Card c = cardWithPin(pins, "123456");
    for (std::string_view bad : {"", "12345", "1234567", "12345a", "12 456"}) {
        EXPECT_ERROR(checkPin(c, bad, pins, policy, 1000), ErrorCode::WrongPin) << bad;
        c.pin_failures = 0;
    }
}

TEST(CheckPin, LockAfterTheConfiguredFailuresForTheConfiguredTime) {
    test::FakePinVerifier pins;
    PinPolicy policy;
    policy.failures_max = 3;
    policy.lock_ms = 60'000;
    Card c = cardWithPin(pins, "123456");
    const TimestampMs t0 = 5'000'000;
    EXPECT_ERROR(checkPin(c, "000000", pins, policy, t0), ErrorCode::WrongPin);
    EXPECT_ERROR(checkPin(c, "000000", pins, policy, t0), ErrorCode::WrongPin);
    EXPECT_ERROR(checkPin(c, "000000", pins, policy, t0), ErrorCode::PinLocked);
    EXPECT_EQ(c.pin_locked_until_ms, t0 + policy.lock_ms);
    // Locked: even the right PIN is refused, and refusals while locked do not extend the lock.
    EXPECT_ERROR(checkPin(c, "123456", pins, policy, t0 + 1), ErrorCode::PinLocked);
    EXPECT_ERROR(checkPin(c, "000000", pins, policy, t0 + policy.lock_ms - 1),
                 ErrorCode::PinLocked);
    EXPECT_EQ(c.pin_locked_until_ms, t0 + policy.lock_ms);
    // After the lock the right PIN works again.
    EXPECT_OK(checkPin(c, "123456", pins, policy, t0 + policy.lock_ms));
    EXPECT_EQ(c.pin_failures, 0);
}

// ---- purchases and refunds through the store ----

class Spending : public test::StoreTest {
  protected:
    void SetUp() override {
        StoreTest::SetUp();
        CardProduct named = namedProduct("GIFT5000");
        named.purchase_max = yuan(2000);
        named.daily_spend_max = yuan(3000);
        named.daily_count_max = 5;
        named.pin_threshold_daily = yuan(1000);
        named_ = addProduct(named);
        anonymous_ = addProduct(anonymousProduct("ANON1000"));
        group_ = addMerchantGroup("MALL");
        CardProduct mall = anonymousProduct("MALL1000");
        mall.scope_group = group_;
        mall_ = addProduct(mall);
        shop_ = addMerchant("898310048160001");
        mall_shop_ = addMerchant("898310048160002", group_);
        for (ProductId p : {named_, anonymous_, mall_}) {
            test::ProducedCards produced = produceAndReceive(p, 6);
            ASSERT_EQ(produced.ids.size(), 6u);
            for (const auto& [id, record] : produced.records) pins_by_card_[id] = record.pin;
        }
    }

    // One sold named card holding `load`.
    CardId namedCard(Money load) {
        std::vector<CardId> cards = sell(named_, 1, load);
        EXPECT_EQ(cards.size(), 1u);
        return cards.empty() ? 0 : cards[0];
    }

    std::string pinOf(CardId id) { return pins_by_card_.at(id); }
    std::string wrongPinOf(CardId id) {
        std::string pin = pinOf(id);
        pin[0] = pin[0] == '9' ? '0' : static_cast<char>(pin[0] + 1);
        return pin;
    }

    // A declined purchase: recorded as declined without entry, card unchanged except the PIN
    // counters.
    void expectDeclined(const Result<CardTxn>& result, ErrorCode code, const Card& before) {
        ASSERT_OK(result);
        EXPECT_EQ(result->state, TxnState::Declined);
        EXPECT_EQ(result->decline, code) << toString(result->decline);
        EXPECT_FALSE(result->entry_id);
        EXPECT_EQ(result->balance_after, before.balance);
        EXPECT_TRUE(entryLines(txnEventKey(result->id)).empty());
        CardTxn stored = txn(result->id);
        EXPECT_EQ(stored.state, TxnState::Declined);
        EXPECT_EQ(stored.decline, code);
        Card after = card(before.id);
        EXPECT_EQ(after.state, before.state);
        EXPECT_EQ(after.balance, before.balance);
        EXPECT_EQ(after.held, before.held);
        EXPECT_EQ(after.spend_day, before.spend_day);
        EXPECT_EQ(after.spent_today, before.spent_today);
        EXPECT_EQ(after.count_today, before.count_today);
    }

    void expectApproved(const Result<CardTxn>& result, Money amount, Money balance_after) {
        ASSERT_OK(result);
        EXPECT_EQ(result->state, TxnState::Approved) << toString(result->decline);
        EXPECT_EQ(result->amount, amount);
        EXPECT_EQ(result->balance_after, balance_after);
        EXPECT_TRUE(result->entry_id);
        EXPECT_EQ(card(result->card_id).balance, balance_after);
    }

    ProductId named_ = 0;
    ProductId anonymous_ = 0;
    ProductId mall_ = 0;
    MerchantGroupId group_ = 0;
    MerchantId shop_ = 0;
    MerchantId mall_shop_ = 0;
    std::map<CardId, std::string> pins_by_card_;
};

TEST_F(Spending, PurchaseDebitsTheCardAndCreditsMerchantPending) {
    CardId c = namedCard(yuan(1000));
    auto bought = spend(c, shop_, cny(12345));
    expectApproved(bought, cny(12345), cny(100000 - 12345));
    EXPECT_EQ(bought->kind, TxnKind::Purchase);
    EXPECT_EQ(bought->merchant_id, shop_);
    EXPECT_EQ(bought->business_date, businessDate());
    EXPECT_EQ(entryLines(txnEventKey(bought->id)),
              (std::vector<LineRow>{{2201, c, 12345, 0}, {2202, shop_, 0, 12345}}));
    Card after = card(c);
    EXPECT_EQ(after.spend_day, businessDate());
    EXPECT_EQ(after.spent_today, cny(12345));
    EXPECT_EQ(after.count_today, 1);
    CardTxn stored = txn(bought->id);
    EXPECT_EQ(stored.entry_id, bought->entry_id);
    EXPECT_EQ(stored.amount, cny(12345));
    expectLedgerInvariants();
}

TEST_F(Spending, FrozenCardDeclinedAndUnchanged) {
    CardId c = namedCard(yuan(1000));
    ASSERT_OK(freeze(c));
    Card before = card(c);
    expectDeclined(spend(c, shop_, yuan(10)), ErrorCode::CardFrozen, before);
    ASSERT_OK(unfreeze(c));
    expectApproved(spend(c, shop_, yuan(10)), yuan(10), yuan(990));
    expectLedgerInvariants();
}

TEST_F(Spending, ExpiredCardDeclinedBeforeAndAfterTheExpiryRun) {
    std::vector<CardId> cards = sell(anonymous_, 1, yuan(500), test::anonymousBuyer());
    ASSERT_EQ(cards.size(), 1u);
    CardId c = cards[0];
    Date expiry = *card(c).expiry;
    setBusinessDate(expiry);  // the last valid day
    expectApproved(spend(c, shop_, yuan(1)), yuan(1), yuan(499));
    setBusinessDate(expiry.plusDays(1));
    Card before = card(c);
    ASSERT_EQ(before.state, CardState::Active);  // the expiry run has not run yet
    expectDeclined(spend(c, shop_, yuan(1)), ErrorCode::CardExpired, before);
    auto expired = expiryRun();
    ASSERT_OK(expired);
    EXPECT_EQ(*expired, 1);
    before = card(c);
    ASSERT_EQ(before.state, CardState::Expired);
    expectDeclined(spend(c, shop_, yuan(1)), ErrorCode::CardExpired, before);
    EXPECT_EQ(card(c).balance, yuan(499));  // the balance stays a liability
    expectLedgerInvariants();
}

TEST_F(Spending, InsufficientFundsDeclined) {
    CardId c = namedCard(yuan(100));
    Card before = card(c);
    expectDeclined(spend(c, shop_, cny(10001)), ErrorCode::InsufficientFunds, before);
    expectApproved(spend(c, shop_, yuan(100)), yuan(100), yuan(0));
    before = card(c);
    expectDeclined(spend(c, shop_, cny(1)), ErrorCode::InsufficientFunds, before);
    expectLedgerInvariants();
}

TEST_F(Spending, OverPurchaseMaximumDeclined) {
    CardId c = namedCard(yuan(5000));
    Card before = card(c);
    expectDeclined(spend(c, shop_, cny(200001), pinOf(c)), ErrorCode::OverPurchaseLimit, before);
    expectApproved(spend(c, shop_, yuan(2000), pinOf(c)), yuan(2000), yuan(3000));
    expectLedgerInvariants();
}

TEST_F(Spending, InvalidAmountDeclined) {
    CardId c = namedCard(yuan(100));
    Card before = card(c);
    expectDeclined(spend(c, shop_, cny(0)), ErrorCode::InvalidAmount, before);
    expectDeclined(spend(c, shop_, Money::fromMinor(100, Currency::Usd)), ErrorCode::InvalidAmount,
                   before);
    expectLedgerInvariants();
}

TEST_F(Spending, OverDailySpendLimitDeclinedUntilTheNextBusinessDay) {
    CardId c = namedCard(yuan(5000));
    expectApproved(spend(c, shop_, yuan(2000), pinOf(c)), yuan(2000), yuan(3000));
    Card before = card(c);
    // 2,000.00 + 1,000.01 > 3,000.00 today.
    expectDeclined(spend(c, shop_, cny(100001), pinOf(c)), ErrorCode::OverDailyLimit, before);
    expectApproved(spend(c, shop_, yuan(1000), pinOf(c)), yuan(1000), yuan(2000));
    before = card(c);
    expectDeclined(spend(c, shop_, cny(1), pinOf(c)), ErrorCode::OverDailyLimit, before);
    setBusinessDate(businessDate().plusDays(1));
    expectApproved(spend(c, shop_, cny(1), pinOf(c)), cny(1), cny(199999));
    EXPECT_EQ(card(c).spent_today, cny(1));
    expectLedgerInvariants();
}

// Found by the whole-server simulation (tests/simulation_test.cpp): a reversal after the
// cut-off of the previous business day's purchase took its amount and count off today's
// counters (spent today went negative), so the card could spend past its daily limits.
TEST_F(Spending, ReversalOfAnEarlierDaysPurchaseLeavesTodaysCountersAlone) {
    CardId c = namedCard(yuan(5000));
    Terminal pos;
    pos.tid = "POS00001";
    pos.merchant_id = shop_;
    auto terminal =
        run<TerminalId>([&](StoreTx& tx) -> Result<TerminalId> { return tx.insertTerminal(pos); });
    ASSERT_OK(terminal);
    Bytes lookup = card(c).pan_lookup;
    auto at = [&](int trace) { return TerminalRef{*terminal, pos.tid, shop_, 1, trace, "", ""}; };
    AcceptanceDeps deps{pins_, policies_};
    auto buy = [&](int trace, Money amount) {
        TimestampMs now = tick();
        return run<CardTxn>([&](StoreTx& tx) {
            return terminalPurchase(tx, at(trace), lookup, amount, pinOf(c), deps, now);
        });
    };
    expectApproved(buy(1, yuan(2000)), yuan(2000), yuan(3000));
    setBusinessDate(businessDate().plusDays(1));
    expectApproved(buy(2, yuan(100)), yuan(100), yuan(2900));
    TimestampMs now = tick();
    ASSERT_OK(run<CardTxn>([&](StoreTx& tx) { return reverse(tx, at(1), now); }));
    Card after = card(c);
    EXPECT_EQ(after.balance, yuan(4900));
    EXPECT_EQ(after.spent_today, yuan(100));
    EXPECT_EQ(after.count_today, 1);
    // Today's limit (3,000.00) still counts the 100.00: after 1,900.00 more, 1,000.01 is over.
    expectApproved(buy(3, yuan(1900)), yuan(1900), yuan(3000));
    Card before = card(c);
    expectDeclined(buy(4, cny(100001)), ErrorCode::OverDailyLimit, before);
    expectLedgerInvariants();
}

TEST_F(Spending, OverDailyCountDeclinedUntilTheNextBusinessDay) {
    CardId c = namedCard(yuan(100));
    for (int i = 0; i < 5; ++i) {
        expectApproved(spend(c, shop_, yuan(1)), yuan(1), yuan(99 - i));
    }
    Card before = card(c);
    EXPECT_EQ(before.count_today, 5);
    expectDeclined(spend(c, shop_, yuan(1)), ErrorCode::OverCountLimit, before);
    setBusinessDate(businessDate().plusDays(1));
    expectApproved(spend(c, shop_, yuan(1)), yuan(1), yuan(94));
    EXPECT_EQ(card(c).count_today, 1);
    expectLedgerInvariants();
}

TEST_F(Spending, PinRequiredOnceTheDaysSpendExceedsTheThreshold) {
    CardId c = namedCard(yuan(3000));
    expectApproved(spend(c, shop_, yuan(600)), yuan(600), yuan(2400));
    expectApproved(spend(c, shop_, yuan(400)), yuan(400), yuan(2000));  // exactly 1,000.00 today
    Card before = card(c);
    expectDeclined(spend(c, shop_, cny(1)), ErrorCode::PinRequired, before);
    expectApproved(spend(c, shop_, cny(1), pinOf(c)), cny(1), cny(199999));
    // A single purchase above the threshold needs it too, also on a fresh day.
    setBusinessDate(businessDate().plusDays(1));
    before = card(c);
    expectDeclined(spend(c, shop_, cny(100001)), ErrorCode::PinRequired, before);
    expectApproved(spend(c, shop_, cny(100001), pinOf(c)), cny(100001), cny(99998));
    expectLedgerInvariants();
}

TEST_F(Spending, WrongPinFiveTimesLocksEvenTheRightPin) {
    CardId c = namedCard(yuan(500));
    ASSERT_EQ(policies_.pin.failures_max, 5);
    for (int i = 1; i <= 4; ++i) {
        Card before = card(c);
        expectDeclined(spend(c, shop_, yuan(10), wrongPinOf(c)), ErrorCode::WrongPin, before);
        EXPECT_EQ(card(c).pin_failures, i);
    }
    Card before = card(c);
    expectDeclined(spend(c, shop_, yuan(10), wrongPinOf(c)), ErrorCode::PinLocked, before);
    TimestampMs locked_until = card(c).pin_locked_until_ms;
    EXPECT_EQ(locked_until, now_ms_ + policies_.pin.lock_ms);  // from the fifth failure
    before = card(c);
    expectDeclined(spend(c, shop_, yuan(10), pinOf(c)), ErrorCode::PinLocked, before);
    EXPECT_EQ(card(c).pin_locked_until_ms, locked_until);
    EXPECT_EQ(card(c).balance, yuan(500));
    // 24 hours later the right PIN works again.
    now_ms_ = locked_until;
    expectApproved(spend(c, shop_, yuan(10), pinOf(c)), yuan(10), yuan(490));
    EXPECT_EQ(card(c).pin_failures, 0);
    expectLedgerInvariants();
}

TEST_F(Spending, RightPinAfterFailuresResetsTheCount) {
    CardId c = namedCard(yuan(500));
    for (int i = 0; i < 3; ++i) ASSERT_OK(spend(c, shop_, yuan(10), wrongPinOf(c)));
    EXPECT_EQ(card(c).pin_failures, 3);
    // A right PIN on a purchase declined for another reason still resets the count.
    Card before = card(c);
    expectDeclined(spend(c, shop_, yuan(600), pinOf(c)), ErrorCode::InsufficientFunds, before);
    EXPECT_EQ(card(c).pin_failures, 0);
    for (int i = 0; i < 4; ++i) ASSERT_OK(spend(c, shop_, yuan(10), wrongPinOf(c)));
    EXPECT_EQ(card(c).pin_failures, 4);  // not locked: the count restarted
    expectApproved(spend(c, shop_, yuan(10), pinOf(c)), yuan(10), yuan(490));
    expectLedgerInvariants();
}

TEST_F(Spending, OutOfScopeMerchantDeclined) {
    std::vector<CardId> cards = sell(mall_, 1, yuan(300), test::anonymousBuyer());
    ASSERT_EQ(cards.size(), 1u);
    Card before = card(cards[0]);
    expectDeclined(spend(cards[0], shop_, yuan(10)), ErrorCode::OutOfScope, before);
    expectApproved(spend(cards[0], mall_shop_, yuan(10)), yuan(10), yuan(290));
    // A network-wide card is accepted at the group's merchant too.
    CardId c = namedCard(yuan(100));
    expectApproved(spend(c, mall_shop_, yuan(10)), yuan(10), yuan(90));
    expectLedgerInvariants();
}

TEST_F(Spending, CardsNotYetSoldAreDeclined) {
    auto stock = reader().freeStock(named_, kLocation, 1);
    ASSERT_EQ(stock.size(), 1u);
    Card before = card(stock[0]);
    expectDeclined(spend(stock[0], shop_, yuan(1)), ErrorCode::CardNotActive, before);
    expectLedgerInvariants();
}

TEST_F(Spending, UnknownCardOrMerchantIsAnErrorAndRecordsNothing) {
    CardId c = namedCard(yuan(100));
    EXPECT_ERROR(spend(999999, shop_, yuan(1)), ErrorCode::CardNotFound);
    EXPECT_ERROR(spend(c, 999999, yuan(1)), ErrorCode::NotFound);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM card_txn"), 0);
    expectLedgerInvariants();
}

TEST_F(Spending, IdempotentPurchaseReturnsTheFirstTransactionAndDebitsOnce) {
    CardId c = namedCard(yuan(500));
    auto first = spend(c, shop_, yuan(120), std::nullopt, "T0001:000123");
    expectApproved(first, yuan(120), yuan(380));
    auto retry = spend(c, shop_, yuan(120), std::nullopt, "T0001:000123");
    ASSERT_OK(retry);
    EXPECT_EQ(retry->id, first->id);
    EXPECT_EQ(retry->state, TxnState::Approved);
    EXPECT_EQ(retry->entry_id, first->entry_id);
    EXPECT_EQ(retry->balance_after, yuan(380));
    // Even a retry that differs gets the first answer, never a second debit.
    auto different = spend(c, shop_, yuan(7), std::nullopt, "T0001:000123");
    ASSERT_OK(different);
    EXPECT_EQ(different->id, first->id);
    EXPECT_EQ(different->amount, yuan(120));
    EXPECT_EQ(card(c).balance, yuan(380));
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM card_txn"), 1);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry WHERE event_type = 'purchase'"), 1);
    expectLedgerInvariants();
}

TEST_F(Spending, IdempotentRetryOfADeclineKeepsTheDecline) {
    CardId c = namedCard(yuan(500));
    ASSERT_OK(freeze(c));
    auto first = spend(c, shop_, yuan(50), std::nullopt, "T0001:000124");
    ASSERT_OK(first);
    EXPECT_EQ(first->decline, ErrorCode::CardFrozen);
    ASSERT_OK(unfreeze(c));
    auto retry = spend(c, shop_, yuan(50), std::nullopt, "T0001:000124");
    ASSERT_OK(retry);
    EXPECT_EQ(retry->id, first->id);
    EXPECT_EQ(retry->state, TxnState::Declined);
    EXPECT_EQ(retry->decline, ErrorCode::CardFrozen);
    EXPECT_EQ(card(c).balance, yuan(500));
    // A new request (new key) is decided afresh.
    expectApproved(spend(c, shop_, yuan(50), std::nullopt, "T0001:000125"), yuan(50), yuan(450));
    expectLedgerInvariants();
}

TEST_F(Spending, RefundPartialAndCumulativeAtMostTheOriginal) {
    CardId c = namedCard(yuan(1000));
    auto bought = spend(c, shop_, yuan(300));
    expectApproved(bought, yuan(300), yuan(700));
    auto r1 = refundOf(bought->id, yuan(100));
    ASSERT_OK(r1);
    EXPECT_EQ(r1->kind, TxnKind::Refund);
    EXPECT_EQ(r1->original_id, bought->id);
    EXPECT_EQ(r1->balance_after, yuan(800));
    EXPECT_EQ(entryLines(txnEventKey(r1->id)),
              (std::vector<LineRow>{{2202, shop_, yuan(100).minor(), 0},
                                    {2201, c, 0, yuan(100).minor()}}));
    ASSERT_OK(refundOf(bought->id, yuan(150)));
    EXPECT_EQ(txn(bought->id).refunded, yuan(250));
    // 50.01 would take the refunds past the original 300.00.
    EXPECT_ERROR(refundOf(bought->id, cny(5001)), ErrorCode::InvalidAmount);
    EXPECT_EQ(card(c).balance, yuan(950));
    ASSERT_OK(refundOf(bought->id, yuan(50)));
    EXPECT_EQ(txn(bought->id).refunded, yuan(300));
    EXPECT_ERROR(refundOf(bought->id, cny(1)), ErrorCode::InvalidAmount);
    EXPECT_ERROR(refundOf(bought->id, cny(0)), ErrorCode::InvalidAmount);
    EXPECT_EQ(card(c).balance, yuan(1000));
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM card_txn WHERE kind = 'refund'"), 3);
    expectLedgerInvariants();
}

TEST_F(Spending, RefundIsIdempotentByKey) {
    CardId c = namedCard(yuan(1000));
    auto bought = spend(c, shop_, yuan(300));
    ASSERT_OK(bought);
    auto first = refundOf(bought->id, yuan(100), "R-1");
    auto again = refundOf(bought->id, yuan(100), "R-1");
    ASSERT_OK(first);
    ASSERT_OK(again);
    EXPECT_EQ(again->id, first->id);
    EXPECT_EQ(card(c).balance, yuan(800));
    EXPECT_EQ(txn(bought->id).refunded, yuan(100));
    expectLedgerInvariants();
}

TEST_F(Spending, RefundNeedsAnApprovedPurchase) {
    CardId c = namedCard(yuan(100));
    auto declined = spend(c, shop_, yuan(500));
    ASSERT_OK(declined);
    ASSERT_EQ(declined->state, TxnState::Declined);
    EXPECT_ERROR(refundOf(declined->id, yuan(1)), ErrorCode::OriginalNotFound);
    EXPECT_ERROR(refundOf(987654, yuan(1)), ErrorCode::OriginalNotFound);
    auto bought = spend(c, shop_, yuan(50));
    ASSERT_OK(bought);
    auto refunded = refundOf(bought->id, yuan(10));
    ASSERT_OK(refunded);
    EXPECT_ERROR(refundOf(refunded->id, yuan(1)), ErrorCode::OriginalNotFound);  // not a purchase
    EXPECT_EQ(card(c).balance, yuan(60));
    expectLedgerInvariants();
}

TEST_F(Spending, RefundAboveTheCapRefused) {
    CardId c = namedCard(yuan(5000));
    auto bought = spend(c, shop_, yuan(100));
    expectApproved(bought, yuan(100), yuan(4900));
    ASSERT_OK(reload(c, yuan(100)));
    EXPECT_EQ(card(c).balance, yuan(5000));
    EXPECT_ERROR(refundOf(bought->id, yuan(100)), ErrorCode::OverCardCap);
    EXPECT_EQ(card(c).balance, yuan(5000));
    EXPECT_TRUE(txn(bought->id).refunded.isZero());
    expectLedgerInvariants();
}

TEST_F(Spending, RefundGoesToFrozenCardsButNotToClosedOnes) {
    CardId c = namedCard(yuan(1000));
    auto bought = spend(c, shop_, yuan(300));
    ASSERT_OK(bought);
    ASSERT_OK(freeze(c));
    ASSERT_OK(refundOf(bought->id, yuan(100)));
    EXPECT_EQ(card(c).balance, yuan(800));
    auto stock = reader().freeStock(named_, kLocation, 1);
    ASSERT_EQ(stock.size(), 1u);
    ASSERT_OK(replace(c, stock[0]));
    EXPECT_ERROR(refundOf(bought->id, yuan(100)), ErrorCode::CardNotActive);
    EXPECT_EQ(card(stock[0]).balance, yuan(800));
    expectLedgerInvariants();
}

}  // namespace
}  // namespace yika
