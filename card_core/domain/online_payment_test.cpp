// Accounts, binding and online payment across cards over the real SQLite store (design
// section 5). Every test that moves money ends with the ledger invariants.

#include "card_core/domain/online_payment.h"

#include "card_core/domain/acceptance_service.h"
#include "card_core/testing/store_fixture.h"

#include <future>
#include <thread>

namespace yika {
namespace {

using test::cny;
using test::yuan;

// ---- the split rule, pure ----

SplitCandidate candidate(CardId id, std::optional<Date> expiry, Money available,
                         std::optional<Money> leg_max = std::nullopt) {
    return {id, expiry, available, leg_max.value_or(available)};
}

TEST(SplitAmount, EarliestExpiryFirstThenSmallestBalance) {
    Date early = *Date::fromYmd(2027, 1, 1);
    Date late = *Date::fromYmd(2029, 1, 1);
    auto legs =
        splitAmount(yuan(250), {candidate(1, std::nullopt, yuan(50)), candidate(2, late, yuan(100)),
                                candidate(3, early, yuan(80)), candidate(4, late, yuan(60))});
    ASSERT_OK(legs);
    ASSERT_EQ(legs->size(), 4u);
    EXPECT_EQ((*legs)[0].card_id, 3);
    EXPECT_EQ((*legs)[0].amount, yuan(80));
    EXPECT_EQ((*legs)[1].card_id, 4);
    EXPECT_EQ((*legs)[1].amount, yuan(60));
    EXPECT_EQ((*legs)[2].card_id, 2);
    EXPECT_EQ((*legs)[2].amount, yuan(100));
    EXPECT_EQ((*legs)[3].card_id, 1);  // never expires: last
    EXPECT_EQ((*legs)[3].amount, yuan(10));
}

TEST(SplitAmount, ExactBalancesUseEveryCardInFull) {
    auto legs = splitAmount(cny(30001), {candidate(1, std::nullopt, cny(10000)),
                                         candidate(2, std::nullopt, cny(20001))});
    ASSERT_OK(legs);
    ASSERT_EQ(legs->size(), 2u);
    EXPECT_EQ((*legs)[0].amount, cny(10000));
    EXPECT_EQ((*legs)[1].amount, cny(20001));
}

TEST(SplitAmount, OneCardEnoughTakesOnlyIt) {
    auto legs = splitAmount(
        yuan(10), {candidate(1, std::nullopt, yuan(500)), candidate(2, std::nullopt, yuan(20))});
    ASSERT_OK(legs);
    ASSERT_EQ(legs->size(), 1u);
    EXPECT_EQ((*legs)[0].card_id, 2);  // smallest balance first
}

TEST(SplitAmount, LegLimitsCapEachCard) {
    auto legs = splitAmount(yuan(150), {candidate(1, std::nullopt, yuan(100), yuan(40)),
                                        candidate(2, std::nullopt, yuan(200), yuan(0)),
                                        candidate(3, std::nullopt, yuan(300))});
    ASSERT_OK(legs);
    ASSERT_EQ(legs->size(), 2u);
    EXPECT_EQ((*legs)[0].amount, yuan(40));
    EXPECT_EQ((*legs)[1].card_id, 3);
    EXPECT_EQ((*legs)[1].amount, yuan(110));
}

TEST(SplitAmount, MoreThanAllCardsIsInsufficient) {
    EXPECT_ERROR(splitAmount(cny(30002), {candidate(1, std::nullopt, cny(10000)),
                                          candidate(2, std::nullopt, cny(20001))}),
                 ErrorCode::InsufficientFunds);
    EXPECT_ERROR(splitAmount(cny(1), {}), ErrorCode::InsufficientFunds);
}

TEST(NormalizeLogin, PhonesAndEmails) {
    EXPECT_EQ(*normalizeLogin("13800138000"), "13800138000");
    EXPECT_EQ(*normalizeLogin("Li.Lei@Example.COM"), "li.lei@example.com");
    for (std::string_view bad : {"", "1380013800", "23800138000", "a@", "@b", "a b@c", "a@b@c"}) {
        EXPECT_ERROR(normalizeLogin(bad), ErrorCode::InvalidArgument) << bad;
    }
}

// ---- accounts, binding and payment through the store ----

class OnlinePayment : public test::StoreTest {
  protected:
    void SetUp() override {
        StoreTest::SetUp();
        CardProduct named = namedProduct("NAMED5000");
        named.purchase_max = yuan(2000);
        named_ = addProduct(named);
        anonymous_ = addProduct(anonymousProduct("ANON1000"));
        shop_ = addMerchant("898310048160001");
        for (ProductId p : {named_, anonymous_}) {
            test::ProducedCards produced = produceAndReceive(p, 8);
            for (const auto& [id, record] : produced.records) records_[id] = record;
        }
        account_ = registerNew("13800138000");
    }

    AccountId registerNew(std::string login) {
        auto id = run<AccountId>(
            [&](StoreTx& tx) { return registerAccount(tx, login, "$argon2id$fake", tick()); });
        EXPECT_OK(id);
        return id.ok() ? *id : 0;
    }

    CardId sold(ProductId product, Money load) {
        auto cards = sell(product, 1, load);
        EXPECT_EQ(cards.size(), 1u);
        return cards.empty() ? 0 : cards[0];
    }

    Result<BindOutcome> bind(AccountId account, CardId card, std::optional<std::string> pin = {}) {
        BindRequest request{account, vault_.lookupHash(records_.at(card).pan),
                            pin.value_or(records_.at(card).pin), "127.0.0.1"};
        return run<BindOutcome>(
            [&](StoreTx& tx) { return bindCard(tx, request, pins_, policies_, limits_, tick()); });
    }

    CardId soldAndBound(ProductId product, Money load) {
        CardId id = sold(product, load);
        auto bound = bind(account_, id);
        EXPECT_OK(bound);
        EXPECT_EQ(bound->failure, BindFailure::None);
        return id;
    }

    std::string wrongPin(CardId id) {
        std::string pin = records_.at(id).pin;
        pin[0] = pin[0] == '9' ? '0' : static_cast<char>(pin[0] + 1);
        return pin;
    }

    Result<PaymentOrder> newOrder(Money amount, std::string ref,
                                  TimestampMs ttl_ms = test::kHourMs) {
        PaymentOrderRequest r;
        r.merchant_id = shop_;
        r.merchant_order_id = std::move(ref);
        r.amount = amount;
        r.description = "order";
        r.return_url = "https://shop.example/return";
        r.token = "tok-" + r.merchant_order_id;
        TimestampMs now = tick();
        r.expires_at_ms = now + ttl_ms;
        return run<PaymentOrder>([&](StoreTx& tx) { return createPaymentOrder(tx, r, now); });
    }

    Result<PaidOrder> pay(const PaymentOrder& order, AccountId account = 0) {
        AccountId who = account ? account : account_;
        TimestampMs now = tick();
        return run<PaidOrder>([&](StoreTx& tx) { return payOrder(tx, order.token, who, now); });
    }

    Result<PaidOrder> refundOrder(const PaymentOrder& order, Money amount, std::string key) {
        TimestampMs now = tick();
        return run<PaidOrder>(
            [&](StoreTx& tx) { return refundPaymentOrder(tx, shop_, order.id, amount, key, now); });
    }

    void setExpiry(CardId id, std::optional<Date> expiry) {
        ASSERT_OK(runStatus([&](StoreTx& tx) -> Status {
            auto c = tx.card(id);
            c->expiry = expiry;
            tx.updateCard(*c);
            return Ok{};
        }));
    }

    ProductId named_ = 0;
    ProductId anonymous_ = 0;
    MerchantId shop_ = 0;
    AccountId account_ = 0;
    AccountLimits limits_;
    std::map<CardId, test::ManufacturerRecord> records_;
};

TEST_F(OnlinePayment, RegisterRefusesDuplicateAndBadLogins) {
    EXPECT_ERROR(run<AccountId>([&](StoreTx& tx) {
                     return registerAccount(tx, "13800138000", "$argon2id$x", tick());
                 }),
                 ErrorCode::Duplicate);
    EXPECT_ERROR(run<AccountId>([&](StoreTx& tx) {
                     return registerAccount(tx, "not a login", "$argon2id$x", tick());
                 }),
                 ErrorCode::InvalidArgument);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM account"), 1);
}

TEST_F(OnlinePayment, BindSucceedsOnceAndIsIdempotentForTheSameAccount) {
    CardId card = sold(named_, yuan(100));
    auto first = bind(account_, card);
    ASSERT_OK(first);
    EXPECT_EQ(first->failure, BindFailure::None);
    EXPECT_EQ(first->card_id, card);
    auto again = bind(account_, card);
    ASSERT_OK(again);
    EXPECT_EQ(again->failure, BindFailure::None);
    AccountId other = registerNew("someone@example.com");
    auto elsewhere = bind(other, card);
    ASSERT_OK(elsewhere);
    EXPECT_EQ(elsewhere->failure, BindFailure::BoundElsewhere);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM account_card"), 1);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM account_audit WHERE outcome = "
                       "'card_bound_elsewhere'"),
              1);
}

TEST_F(OnlinePayment, WrongPinAndUnknownCardGiveTheSameAnswerAndAreCounted) {
    CardId card = sold(named_, yuan(100));
    auto wrong = bind(account_, card, wrongPin(card));
    ASSERT_OK(wrong);
    EXPECT_EQ(wrong->failure, BindFailure::CardOrPin);
    EXPECT_EQ(this->card(card).pin_failures, 1);
    BindRequest unknown{account_, vault_.lookupHash("6214839000000000000"), "123456", "10.0.0.9"};
    auto none = run<BindOutcome>(
        [&](StoreTx& tx) { return bindCard(tx, unknown, pins_, policies_, limits_, tick()); });
    ASSERT_OK(none);
    EXPECT_EQ(none->failure, BindFailure::CardOrPin);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM account_audit WHERE outcome = 'card_or_pin'"), 2);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM account_card"), 0);
}

TEST_F(OnlinePayment, FiveWrongPinsLockTheCardWhateverAccountTries) {
    CardId card = sold(named_, yuan(100));
    AccountId other = registerNew("other@example.com");
    for (int i = 0; i < 5; ++i) {
        auto r = bind(i % 2 ? other : account_, card, wrongPin(card));
        ASSERT_OK(r);
        EXPECT_EQ(r->failure, BindFailure::CardOrPin);
    }
    EXPECT_GT(this->card(card).pin_locked_until_ms, now_ms_);
    auto locked = bind(account_, card);  // the right PIN, but locked
    ASSERT_OK(locked);
    EXPECT_EQ(locked->failure, BindFailure::CardOrPin);
    now_ms_ += policies_.pin.lock_ms;
    auto later = bind(account_, card);
    ASSERT_OK(later);
    EXPECT_EQ(later->failure, BindFailure::None);
}

TEST_F(OnlinePayment, UnsoldCardsCannotBeBoundAndAccountsHaveACardLimit) {
    CardId in_stock = records_.begin()->first;
    ASSERT_EQ(card(in_stock).state, CardState::InStock);
    auto r = bind(account_, in_stock);
    ASSERT_OK(r);
    EXPECT_EQ(r->failure, BindFailure::NotBindable);
    limits_.cards_per_account_max = 1;
    soldAndBound(named_, yuan(10));
    CardId second = sold(named_, yuan(10));
    auto over = bind(account_, second);
    ASSERT_OK(over);
    EXPECT_EQ(over->failure, BindFailure::TooManyCards);
}

TEST_F(OnlinePayment, UnbindAndFreezeOnlyTheAccountsOwnCards) {
    CardId mine = soldAndBound(named_, yuan(10));
    AccountId other = registerNew("other@example.com");
    EXPECT_ERROR(runStatus([&](StoreTx& tx) { return freezeBoundCard(tx, other, mine, tick()); }),
                 ErrorCode::NotFound);
    EXPECT_ERROR(runStatus([&](StoreTx& tx) { return unbindCard(tx, other, mine, tick()); }),
                 ErrorCode::NotFound);
    EXPECT_OK(runStatus([&](StoreTx& tx) { return freezeBoundCard(tx, account_, mine, tick()); }));
    EXPECT_EQ(card(mine).state, CardState::Frozen);
    EXPECT_ERROR(
        runStatus([&](StoreTx& tx) { return freezeBoundCard(tx, account_, mine, tick()); }),
        ErrorCode::IllegalTransition);
    auto events = cardEvents(mine);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().reason, reason::kLost);
    EXPECT_EQ(events.back().actor.id, "account:" + std::to_string(account_));
    EXPECT_OK(runStatus([&](StoreTx& tx) { return unbindCard(tx, account_, mine, tick()); }));
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM account_card"), 0);
}

TEST_F(OnlinePayment, OrderNeedingTwoCardsDebitsEachWithItsOwnTxnAndEntry) {
    CardId a = soldAndBound(named_, yuan(300));
    CardId b = soldAndBound(named_, yuan(500));
    auto order = newOrder(yuan(600), "SO-1");
    ASSERT_OK(order);
    auto paid = pay(*order);
    ASSERT_OK(paid);
    EXPECT_EQ(paid->order.state, PaymentOrderState::Paid);
    ASSERT_EQ(paid->legs.size(), 2u);
    EXPECT_EQ(paid->legs[0].card_id, a);  // smallest balance first
    EXPECT_EQ(paid->legs[0].amount, yuan(300));
    EXPECT_EQ(paid->legs[1].card_id, b);
    EXPECT_EQ(paid->legs[1].amount, yuan(300));
    EXPECT_EQ(card(a).balance, yuan(0));
    EXPECT_EQ(card(b).balance, yuan(200));
    for (const PaymentLeg& leg : paid->legs) {
        CardTxn t = txn(leg.txn_id);
        EXPECT_EQ(t.kind, TxnKind::Purchase);
        EXPECT_EQ(t.amount, leg.amount);
        ASSERT_TRUE(t.entry_id.has_value());
        EXPECT_EQ(entryLines(txnEventKey(t.id)).size(), 2u);
    }
    // Paying again returns the same order and moves nothing.
    auto again = pay(*order);
    ASSERT_OK(again);
    EXPECT_EQ(again->legs.size(), 2u);
    EXPECT_EQ(card(b).balance, yuan(200));
    // Another account cannot pay it.
    EXPECT_ERROR(pay(*order, registerNew("x@example.com")), ErrorCode::NotPermitted);
    expectLedgerInvariants();
}

TEST_F(OnlinePayment, ExactBalancesEmptyEveryCard) {
    CardId a = soldAndBound(named_, cny(12345));
    CardId b = soldAndBound(anonymous_, cny(67890));
    auto order = newOrder(cny(12345 + 67890), "SO-EXACT");
    ASSERT_OK(order);
    auto paid = pay(*order);
    ASSERT_OK(paid);
    EXPECT_EQ(paid->legs.size(), 2u);
    EXPECT_EQ(paid->legs[0].card_id, b);  // the anonymous card expires; named never do
    EXPECT_EQ(card(a).balance, cny(0));
    EXPECT_EQ(card(b).balance, cny(0));
    expectLedgerInvariants();
}

TEST_F(OnlinePayment, EarliestExpiryFirstThenSmallestBalance) {
    CardId late = soldAndBound(anonymous_, yuan(100));
    CardId early = soldAndBound(anonymous_, yuan(400));
    CardId never = soldAndBound(named_, yuan(50));
    setExpiry(early, card(late).expiry->plusDays(-30));
    auto order = newOrder(yuan(450), "SO-ORDER");
    ASSERT_OK(order);
    auto paid = pay(*order);
    ASSERT_OK(paid);
    ASSERT_EQ(paid->legs.size(), 2u);
    EXPECT_EQ(paid->legs[0].card_id, early);
    EXPECT_EQ(paid->legs[0].amount, yuan(400));
    EXPECT_EQ(paid->legs[1].card_id, late);
    EXPECT_EQ(paid->legs[1].amount, yuan(50));
    EXPECT_EQ(card(never).balance, yuan(50));
    expectLedgerInvariants();
}

TEST_F(OnlinePayment, FrozenCardIsSkippedAndLargerThanAllCardsChangesNothing) {
    CardId a = soldAndBound(named_, yuan(100));
    CardId frozen = soldAndBound(named_, yuan(900));
    ASSERT_OK(
        runStatus([&](StoreTx& tx) { return freezeBoundCard(tx, account_, frozen, tick()); }));
    auto order = newOrder(yuan(150), "SO-BIG");
    ASSERT_OK(order);
    EXPECT_ERROR(pay(*order), ErrorCode::InsufficientFunds);
    EXPECT_EQ(card(a).balance, yuan(100));
    EXPECT_EQ(card(frozen).balance, yuan(900));
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM card_txn WHERE kind = 'purchase'"), 0);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM payment_leg"), 0);
    EXPECT_EQ(queryInt("SELECT state = 'PENDING' FROM payment_order"), 1);
    auto small = newOrder(yuan(100), "SO-SMALL");
    ASSERT_OK(small);
    auto paid = pay(*small);
    ASSERT_OK(paid);
    ASSERT_EQ(paid->legs.size(), 1u);
    EXPECT_EQ(paid->legs[0].card_id, a);
    expectLedgerInvariants();
}

TEST_F(OnlinePayment, PerPurchaseLimitCapsEachLeg) {
    CardId a = soldAndBound(named_, yuan(5000));  // purchase_max 2,000 per leg
    CardId b = soldAndBound(named_, yuan(4000));
    auto order = newOrder(yuan(3500), "SO-LIMIT");
    ASSERT_OK(order);
    auto paid = pay(*order);
    ASSERT_OK(paid);
    ASSERT_EQ(paid->legs.size(), 2u);
    EXPECT_EQ(paid->legs[0].card_id, b);
    EXPECT_EQ(paid->legs[0].amount, yuan(2000));
    EXPECT_EQ(paid->legs[1].card_id, a);
    EXPECT_EQ(paid->legs[1].amount, yuan(1500));
    auto too_big = newOrder(yuan(4001), "SO-LIMIT-2");
    ASSERT_OK(too_big);
    EXPECT_ERROR(pay(*too_big), ErrorCode::InsufficientFunds);  // 2,000 per card per leg
    expectLedgerInvariants();
}

TEST_F(OnlinePayment, ExpiredOrderAndUnknownOrderCannotBePaid) {
    soldAndBound(named_, yuan(100));
    auto order = newOrder(yuan(10), "SO-EXP", 1000);
    ASSERT_OK(order);
    now_ms_ += 5000;
    EXPECT_ERROR(pay(*order), ErrorCode::NotPermitted);
    PaymentOrder ghost;
    ghost.token = "no-such-token";
    EXPECT_ERROR(pay(ghost), ErrorCode::NotFound);
    expectLedgerInvariants();
}

TEST_F(OnlinePayment, CreatingAnOrderIsIdempotentByMerchantOrderId) {
    auto first = newOrder(yuan(10), "SO-IDEM");
    ASSERT_OK(first);
    auto again = newOrder(yuan(10), "SO-IDEM");
    ASSERT_OK(again);
    EXPECT_EQ(again->id, first->id);
    EXPECT_ERROR(newOrder(yuan(11), "SO-IDEM"), ErrorCode::Duplicate);
    EXPECT_ERROR(newOrder(yuan(0), "SO-ZERO"), ErrorCode::InvalidAmount);
    EXPECT_ERROR(newOrder(yuan(1), ""), ErrorCode::InvalidArgument);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM payment_order"), 1);
}

TEST_F(OnlinePayment, RefundsGoToTheLastLegFirstNeverMoreThanALeg) {
    CardId a = soldAndBound(named_, yuan(300));
    CardId b = soldAndBound(named_, yuan(500));
    auto order = newOrder(yuan(600), "SO-REF");
    ASSERT_OK(order);
    ASSERT_OK(pay(*order));
    // Leg 2 (card b) took 300, leg 1 (card a) took 300.
    auto partial = refundOrder(*order, yuan(400), "R1");
    ASSERT_OK(partial);
    EXPECT_EQ(partial->order.state, PaymentOrderState::Paid);
    EXPECT_EQ(partial->order.refunded, yuan(400));
    EXPECT_EQ(card(b).balance, yuan(500));
    EXPECT_EQ(card(a).balance, yuan(100));
    auto repeat = refundOrder(*order, yuan(400), "R1");  // the same refund again
    ASSERT_OK(repeat);
    EXPECT_EQ(card(a).balance, yuan(100));
    EXPECT_ERROR(refundOrder(*order, yuan(1), "R1"), ErrorCode::Duplicate);
    EXPECT_ERROR(refundOrder(*order, yuan(201), "R2"), ErrorCode::InvalidAmount);
    auto rest = refundOrder(*order, yuan(200), "R2");
    ASSERT_OK(rest);
    EXPECT_EQ(rest->order.state, PaymentOrderState::Refunded);
    EXPECT_EQ(card(a).balance, yuan(300));
    EXPECT_ERROR(refundOrder(*order, yuan(1), "R3"), ErrorCode::NotPermitted);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM card_txn WHERE kind = 'refund'"), 3);
    expectLedgerInvariants();
}

// Found by the whole-server simulation (tests/simulation_test.cpp): a terminal of the shop's
// merchant refunded an online payment leg by its transaction id, and the order's own refund
// then found less on its legs than the order had left and stopped the server on an assertion.
// A leg is refunded only through its order.
TEST_F(OnlinePayment, ATerminalCannotRefundAnOnlineLegAndTheOrderStillRefundsInFull) {
    CardId a = soldAndBound(named_, yuan(300));
    CardId b = soldAndBound(named_, yuan(500));
    auto order = newOrder(yuan(600), "SO-LEG");
    ASSERT_OK(order);
    auto paid = pay(*order);
    ASSERT_OK(paid);
    ASSERT_EQ(paid->legs.size(), 2u);
    Terminal pos;
    pos.tid = "POS00001";
    pos.merchant_id = shop_;
    auto terminal =
        run<TerminalId>([&](StoreTx& tx) -> Result<TerminalId> { return tx.insertTerminal(pos); });
    ASSERT_OK(terminal);
    TerminalRef ref{*terminal, pos.tid, shop_, 1, 7, "", ""};
    TimestampMs now = tick();
    EXPECT_ERROR(run<CardTxn>([&](StoreTx& tx) {
                     return terminalRefund(tx, ref, paid->legs[0].txn_id, yuan(100), now);
                 }),
                 ErrorCode::OriginalNotFound);
    EXPECT_EQ(card(a).balance.minor() + card(b).balance.minor(), 20'000);  // 600 paid, none back
    auto all = refundOrder(*order, yuan(600), "R-ALL");
    ASSERT_OK(all);
    EXPECT_EQ(all->order.state, PaymentOrderState::Refunded);
    EXPECT_EQ(card(a).balance, yuan(300));
    EXPECT_EQ(card(b).balance, yuan(500));
    expectLedgerInvariants();
}

// A leg refunded outside its order (as a terminal could before the rule above) makes an order
// refund for more than the legs hold an InvalidAmount error that changes nothing, not an abort.
TEST_F(OnlinePayment, AnOrderRefundBeyondWhatItsLegsHoldIsRefused) {
    CardId a = soldAndBound(named_, yuan(300));
    auto order = newOrder(yuan(200), "SO-OUTSIDE");
    ASSERT_OK(order);
    auto paid = pay(*order);
    ASSERT_OK(paid);
    ASSERT_EQ(paid->legs.size(), 1u);
    TimestampMs now = tick();
    RefundRequest outside;
    outside.original_id = paid->legs[0].txn_id;
    outside.amount = yuan(150);
    outside.idem_key = "outside-1";
    ASSERT_OK(run<CardTxn>([&](StoreTx& tx) { return refund(tx, outside, now); }));
    EXPECT_ERROR(refundOrder(*order, yuan(51), "R1"), ErrorCode::InvalidAmount);
    EXPECT_EQ(card(a).balance, yuan(250));
    ASSERT_OK(refundOrder(*order, yuan(50), "R2"));
    EXPECT_EQ(card(a).balance, yuan(300));
    expectLedgerInvariants();
}

TEST_F(OnlinePayment, TwoPaymentsRacingOnOneAccountNeverOverdraw) {
    soldAndBound(named_, yuan(400));
    soldAndBound(named_, yuan(600));
    constexpr int kOrders = 8;
    std::vector<PaymentOrder> orders;
    for (int i = 0; i < kOrders; ++i) {
        auto o = newOrder(yuan(300), "SO-RACE-" + std::to_string(i));
        ASSERT_OK(o);
        orders.push_back(*o);
    }
    TimestampMs now = tick();
    std::vector<std::future<bool>> results;
    for (const PaymentOrder& o : orders) {
        results.push_back(std::async(std::launch::async, [this, o, now] {
            auto r = store_->writer().run<PaidOrder>(
                [&](StoreTx& tx) { return payOrder(tx, o.token, account_, now); });
            return r.ok();
        }));
    }
    int paid = 0;
    for (auto& f : results) paid += f.get() ? 1 : 0;
    EXPECT_EQ(paid, 3);  // 1,000 pays three orders of 300, never a fourth
    EXPECT_EQ(queryInt("SELECT SUM(balance_minor) FROM card"), yuan(100).minor());
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM payment_order WHERE state = 'PAID'"), 3);
    expectLedgerInvariants();
}

}  // namespace
}  // namespace yika
