// A randomized model-based test in the manner of LevelDB's: a seeded random sequence of card
// operations runs against the real services and the SQLite store, and against a small
// in-memory model (std::map card id -> expected state) that predicts each outcome from the
// product rules alone. After every step the store's card states and balances must equal the
// model's and the ledger invariants must hold.
//
// The seed is printed on failure; YIKA_SEED=<n> replays it, YIKA_RANDOM_STEPS=<n> changes the
// number of steps.

#include "card_core/store/invariants.h"
#include "card_core/testing/store_fixture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace yika {
namespace {

using test::cny;
using test::yuan;

// The outcome of an operation: empty when it succeeded (or the purchase was approved).
using Outcome = std::optional<ErrorCode>;

std::string show(const Outcome& o) { return o ? std::string(toString(*o)) : "ok"; }

template <typename R>
Outcome outcomeOf(const R& result) {
    return result.ok() ? Outcome{} : Outcome{result.code()};
}

std::uint64_t envNumber(const char* name, std::uint64_t fallback) {
    const char* text = std::getenv(name);
    if (text == nullptr || *text == '\0') return fallback;
    return std::strtoull(text, nullptr, 10);
}

constexpr std::uint64_t kDefaultSeed = 301;
constexpr int kDefaultSteps = 3000;

// The rules of a product as the model knows them (set up once, then read only).
struct ProductSpec {
    ProductId id = 0;
    bool named = true;
    std::int64_t cap = 0;
    std::int64_t purchase_max = 0;
    std::int64_t daily_max = 0;
    int count_max = 0;
    std::int64_t pin_threshold = 0;
    int validity_months = 0;
    std::optional<MerchantGroupId> scope;
    std::vector<std::int64_t> loads;  // empty: any amount
};

struct ModelCard {
    CardId id = 0;
    ProductId product = 0;
    std::string pin;
    CardState state = CardState::InStock;
    std::int64_t balance = 0;
    std::optional<OrderId> order;
    std::string buyer_key;
    std::optional<Date> activated_on;
    std::optional<Date> expiry;
    int pin_failures = 0;
    TimestampMs locked_until = 0;
    std::optional<Date> spend_day;
    std::int64_t spent_today = 0;
    int count_today = 0;
};

struct ModelPurchase {
    TxnId id = 0;
    CardId card = 0;
    MerchantId merchant = 0;
    std::int64_t amount = 0;
    std::int64_t refunded = 0;
};

// A purchase request already answered, for retries with the same idempotency key.
struct SentPurchase {
    PurchaseRequest request;
    TxnId id = 0;
    Outcome outcome;
};

class Randomized : public test::StoreTest {
  protected:
    void SetUp() override;
    void TearDown() override {
        check_db_.reset();  // before the fixture removes the database files
        StoreTest::TearDown();
    }
    void runSteps(int steps);

    // A random order of one product (sometimes breaking a rule) and the model's verdict on it.
    SalesOrder randomOrder(const ProductSpec& spec);
    Outcome predictOrder(const SalesOrder& o, const ProductSpec& spec,
                         std::size_t free_stock) const;

    // One random operation each.
    void sellOp();
    void purchaseOp();
    void retryOp();
    void refundOp();
    void reloadOp();
    void freezeOp();
    void unfreezeOp();
    void replaceOp();
    void advanceOp();
    void extendOp();
    void redeemOp();

    // The model's decision on a purchase. Updates `next` as the store would: fully when
    // approved; when declined, only its PIN counters are meant to be kept.
    Outcome decidePurchase(ModelCard& next, MerchantId merchant, std::int64_t amount,
                           const std::optional<std::string>& pin, TimestampMs at) const;
    void expectOutcome(const Outcome& actual, const Outcome& expected);
    void checkStoreMatchesModel();

    std::uint32_t pick(std::uint32_t n) {
        return std::uniform_int_distribution<std::uint32_t>(0, n - 1)(rng_);
    }
    std::int64_t between(std::int64_t low, std::int64_t high) {  // inclusive
        return std::uniform_int_distribution<std::int64_t>(low, high)(rng_);
    }
    bool chance(std::uint32_t percent) { return pick(100) < percent; }
    // Mostly a card that holds value, sometimes any sold card, sometimes any card at all.
    ModelCard& someCard();
    // Produces and receives a new batch when free stock runs low, as operations would.
    void restockIfLow(ProductId product);
    std::vector<CardId> freeStock(ProductId product) const;
    std::string wrongPin(const std::string& pin) const;
    bool holdsValue(CardState s) const {
        return s == CardState::Active || s == CardState::Frozen || s == CardState::Expired;
    }
    Date today() const { return today_; }

    std::uint64_t seed_ = kDefaultSeed;
    std::mt19937_64 rng_;
    Date today_;
    std::map<ProductId, ProductSpec> specs_;
    ProductId named_ = 0;
    ProductId anonymous_ = 0;
    std::map<MerchantId, std::optional<MerchantGroupId>> merchants_;
    std::vector<Buyer> individuals_;
    Buyer company_;
    std::map<CardId, ModelCard> model_;
    std::vector<ModelPurchase> purchases_;
    std::vector<TxnId> not_refundable_;  // declined purchases and refunds
    std::vector<SentPurchase> sent_;
    CardId last_purchase_card_ = 0;
    std::string op_;                    // the current step, for failure messages
    std::map<std::string, int> tally_;  // operation -> outcome -> count
    std::unique_ptr<store::Database> check_db_;
};

void Randomized::SetUp() {
    StoreTest::SetUp();
    seed_ = envNumber("YIKA_SEED", kDefaultSeed);
    rng_.seed(seed_);
    policies_.breakage.enabled = true;
    policies_.pin.failures_max = 3;  // a lower setting, so that locks happen in a short run

    CardProduct named = namedProduct("NAMED");
    named.purchase_max = yuan(2000);
    named.daily_spend_max = yuan(3000);
    named.daily_count_max = 2;
    named.pin_threshold_daily = yuan(500);
    named_ = addProduct(named);
    MerchantGroupId mall = addMerchantGroup("MALL");
    CardProduct anonymous = anonymousProduct("ANON");
    anonymous.load_amounts = {yuan(100), yuan(200), yuan(500), yuan(1000)};
    anonymous.purchase_max = yuan(1000);
    anonymous.daily_spend_max = yuan(600);
    anonymous.daily_count_max = 2;
    anonymous.pin_threshold_daily = yuan(500);
    anonymous.scope_group = mall;
    anonymous_ = addProduct(anonymous);
    specs_[named_] = {named_, true, 500000, 200000, 300000, 2, 50000, 0, std::nullopt, {}};
    specs_[anonymous_] = {anonymous_, false, 100000, 100000, 60000,
                          2,          50000, 36,     mall,   {10000, 20000, 50000, 100000}};

    merchants_[addMerchant("898310048160001", mall)] = mall;
    merchants_[addMerchant("898310048160002", mall)] = mall;
    merchants_[addMerchant("898310048160003")] = std::nullopt;

    for (const char* first17 :
         {"11010519491231002", "44030119900101123", "31010119850615432", "51010419800101555"}) {
        individuals_.push_back(test::individualBuyer(test::residentIdWithCheck(first17)));
    }
    company_ = test::companyBuyer();

    for (auto [product, count] : {std::pair{named_, 24}, std::pair{anonymous_, 16}}) {
        test::ProducedCards produced = produceAndReceive(product, count);
        ASSERT_EQ(produced.ids.size(), static_cast<std::size_t>(count));
        for (const auto& [id, record] : produced.records) {
            ModelCard c;
            c.id = id;
            c.product = product;
            c.pin = record.pin;
            model_[id] = c;
        }
    }
    today_ = businessDate();
    check_db_ = store_->openReader();
}

ModelCard& Randomized::someCard() {
    std::vector<CardId> with_value;
    std::vector<CardId> sold;
    for (const auto& [id, c] : model_) {
        if (holdsValue(c.state)) with_value.push_back(id);
        if (c.state != CardState::InStock) sold.push_back(id);
    }
    const std::uint32_t kind = pick(100);
    if (!with_value.empty() && kind < 75) {
        return model_[with_value[pick(static_cast<std::uint32_t>(with_value.size()))]];
    }
    if (!sold.empty() && kind < 85)
        return model_[sold[pick(static_cast<std::uint32_t>(sold.size()))]];
    auto it = model_.begin();
    std::advance(it, pick(static_cast<std::uint32_t>(model_.size())));
    return it->second;
}

void Randomized::restockIfLow(ProductId product) {
    // Keep about kLiveCardsMax cards in play: new stock replaces cards that were closed.
    constexpr std::size_t kStockMin = 4;
    constexpr std::size_t kLiveCardsMax = 44;
    constexpr std::int64_t kBatch = 8;
    std::size_t live = 0;
    for (const auto& [id, c] : model_) live += c.state == CardState::Closed ? 0 : 1;
    if (freeStock(product).size() >= kStockMin || live + kBatch > kLiveCardsMax) return;
    op_ = "restock " + std::to_string(kBatch);
    test::ProducedCards produced = produceAndReceive(product, kBatch);
    EXPECT_EQ(produced.ids.size(), static_cast<std::size_t>(kBatch)) << op_;
    for (const auto& [id, record] : produced.records) {
        ModelCard c;
        c.id = id;
        c.product = product;
        c.pin = record.pin;
        model_[id] = c;
    }
    tally_["restock"] += 1;
}

std::vector<CardId> Randomized::freeStock(ProductId product) const {
    std::vector<CardId> out;
    for (const auto& [id, c] : model_) {  // ordered by id, as the store hands them out
        if (c.product == product && c.state == CardState::InStock && !c.order) out.push_back(id);
    }
    return out;
}

std::string Randomized::wrongPin(const std::string& pin) const {
    std::string wrong = pin;
    wrong[2] = wrong[2] == '9' ? '0' : static_cast<char>(wrong[2] + 1);
    return wrong;
}

void Randomized::expectOutcome(const Outcome& actual, const Outcome& expected) {
    EXPECT_EQ(show(actual), show(expected)) << op_;
    tally_[op_.substr(0, op_.find(' ')) + " -> " + show(actual)] += 1;
}

SalesOrder Randomized::randomOrder(const ProductSpec& spec) {
    const std::int64_t count = between(1, 3);
    std::int64_t load = 0;
    Buyer buyer;
    if (spec.named) {
        load = chance(5) ? spec.cap + between(1, 100000) : 100 * between(1, spec.cap / 100);
        buyer = chance(25) ? company_
                           : individuals_[pick(static_cast<std::uint32_t>(individuals_.size()))];
    } else {
        load = chance(10) ? 30000 : spec.loads[pick(static_cast<std::uint32_t>(spec.loads.size()))];
        if (chance(50)) buyer = individuals_[pick(static_cast<std::uint32_t>(individuals_.size()))];
    }
    SalesOrder o = orderOf(spec.id, count, cny(load), buyer);
    const std::int64_t face = load * count;
    o.discount = cny(chance(30) ? between(0, face / 10) : 0);
    const bool transfer_required =
        buyer.kind == BuyerKind::Company && face - o.discount.minor() >= 500000;
    if (chance(4)) {
        o.payment_method = PaymentMethod::PosCreditCard;
    } else if (transfer_required) {
        o.payment_method = chance(90) ? PaymentMethod::BankTransfer : PaymentMethod::Cash;
    } else {
        o.payment_method = std::array{PaymentMethod::Cash, PaymentMethod::PosDebitCard,
                                      PaymentMethod::BankTransfer}[pick(3)];
    }
    op_ = "sell " + std::to_string(count) + " x " + cny(load).toDecimal() + " of " +
          (spec.named ? "named" : "anonymous") + ", discount " + o.discount.toDecimal() + ", " +
          std::string(toString(o.payment_method));
    return o;
}

Outcome Randomized::predictOrder(const SalesOrder& o, const ProductSpec& spec,
                                 std::size_t free_stock) const {
    // The rules in the order the service applies them, then the stock.
    const std::int64_t load = o.lines[0].load_each.minor();
    const std::int64_t pay_total = load * o.lines[0].count - o.discount.minor();
    if (load > spec.cap) return ErrorCode::RuleViolation;
    if (!spec.loads.empty() &&
        std::find(spec.loads.begin(), spec.loads.end(), load) == spec.loads.end()) {
        return ErrorCode::InvalidAmount;
    }
    if (o.payment_method == PaymentMethod::PosCreditCard) return ErrorCode::RuleViolation;
    if (o.buyer.kind == BuyerKind::Company && pay_total >= 500000 &&
        o.payment_method != PaymentMethod::BankTransfer) {
        return ErrorCode::RuleViolation;
    }
    if (static_cast<std::int64_t>(free_stock) < o.lines[0].count) return ErrorCode::NotPermitted;
    return std::nullopt;
}

void Randomized::sellOp() {
    const ProductSpec& spec = specs_[chance(60) ? named_ : anonymous_];
    restockIfLow(spec.id);
    const SalesOrder o = randomOrder(spec);
    const std::vector<CardId> stock = freeStock(spec.id);
    const Outcome expected = predictOrder(o, spec, stock.size());
    auto id = placeOrder(o);
    expectOutcome(outcomeOf(id), expected);
    if (!id || expected) return;

    const std::int64_t load = o.lines[0].load_each.minor();
    const std::int64_t pay_total = load * o.lines[0].count - o.discount.minor();
    SalesOrder stored = order(*id);
    std::vector<CardId> reserved(stock.begin(), stock.begin() + o.lines[0].count);
    EXPECT_EQ(stored.card_ids, reserved) << op_;
    EXPECT_EQ(stored.pay_total, cny(pay_total)) << op_;
    for (CardId c : reserved) model_[c].order = *id;

    Payment payment;
    payment.method = o.payment_method;
    payment.amount = cny(pay_total);
    payment.payer_name = o.buyer.name.empty() ? "walk-in customer" : o.buyer.name;
    if (payment.method == PaymentMethod::BankTransfer)
        payment.payer_account = "6222021001122334455";
    if (chance(8)) {
        // A wrong amount is refused and the order is cancelled: the cards go back to stock.
        payment.amount = cny(pay_total + (chance(50) ? 1 : -1));
        op_ += ", paid wrong";
        expectOutcome(outcomeOf(pay(*id, payment)), ErrorCode::InvalidAmount);
        op_ += ", cancelled";
        EXPECT_OK(runStatus([&](StoreTx& tx) { return cancelOrder(tx, *id); })) << op_;
        for (CardId c : reserved) model_[c].order.reset();
        return;
    }
    Status paid = pay(*id, payment);
    EXPECT_OK(paid) << op_;
    if (!paid) return;
    for (CardId c : reserved) {
        ModelCard& m = model_[c];
        m.state = CardState::Active;
        m.balance = load;
        m.buyer_key = buyerKey(o.buyer);
        m.activated_on = today();
        if (spec.validity_months > 0) m.expiry = today().plusMonths(spec.validity_months);
    }
}

Outcome Randomized::decidePurchase(ModelCard& next, MerchantId merchant, std::int64_t amount,
                                   const std::optional<std::string>& pin, TimestampMs at) const {
    const ProductSpec& spec = specs_.at(next.product);
    if (pin) {
        if (next.locked_until > at) return ErrorCode::PinLocked;
        if (*pin != next.pin) {
            next.pin_failures += 1;
            if (next.pin_failures >= policies_.pin.failures_max) {
                next.locked_until = at + policies_.pin.lock_ms;
                next.pin_failures = 0;
                return ErrorCode::PinLocked;
            }
            return ErrorCode::WrongPin;
        }
        next.pin_failures = 0;
    }
    if (next.state == CardState::Frozen) return ErrorCode::CardFrozen;
    if (next.state == CardState::Expired ||
        (next.state == CardState::Active && next.expiry && *next.expiry < today())) {
        return ErrorCode::CardExpired;
    }
    if (next.state != CardState::Active) return ErrorCode::CardNotActive;
    if (spec.scope && merchants_.at(merchant) != spec.scope) return ErrorCode::OutOfScope;
    if (amount <= 0) return ErrorCode::InvalidAmount;
    if (amount > spec.purchase_max) return ErrorCode::OverPurchaseLimit;
    if (next.spend_day != today()) {
        next.spend_day = today();
        next.spent_today = 0;
        next.count_today = 0;
    }
    if (next.count_today + 1 > spec.count_max) return ErrorCode::OverCountLimit;
    if (next.spent_today + amount > spec.daily_max) return ErrorCode::OverDailyLimit;
    if (amount > next.balance) return ErrorCode::InsufficientFunds;
    next.spent_today += amount;
    next.count_today += 1;
    next.balance -= amount;
    if (!pin && next.spent_today > spec.pin_threshold) return ErrorCode::PinRequired;
    return std::nullopt;
}

void Randomized::purchaseOp() {
    // Often the same card again (a shopper paying several times), which reaches the daily
    // limits and the PIN lock.
    ModelCard& card_model =
        last_purchase_card_ != 0 && chance(35) ? model_[last_purchase_card_] : someCard();
    last_purchase_card_ = card_model.id;
    auto merchant = merchants_.begin();
    std::advance(merchant, pick(static_cast<std::uint32_t>(merchants_.size())));
    std::int64_t amount = 0;
    const std::uint32_t size = pick(100);
    if (size < 2) {
        amount = 0;
    } else if (size < 70) {
        amount = between(1, 30000);
    } else if (size < 88) {
        amount = between(30000, 250000);
    } else {
        amount = std::max<std::int64_t>(card_model.balance, 1);  // the whole balance
    }
    std::optional<std::string> pin;
    const std::uint32_t pin_kind = pick(100);
    if (pin_kind < 40) {
        pin = card_model.pin;
    } else if (pin_kind < 55) {
        pin = wrongPin(card_model.pin);
    }
    PurchaseRequest request;
    request.card_id = card_model.id;
    request.merchant_id = merchant->first;
    request.amount = cny(amount);
    request.pin = pin;
    request.idem_key = "P" + std::to_string(sent_.size());
    const TimestampMs at = tick();
    op_ = "purchase " + cny(amount).toDecimal() + " on card " + std::to_string(card_model.id) +
          " (" + std::string(toString(card_model.state)) + ", " +
          cny(card_model.balance).toDecimal() + ") at merchant " + std::to_string(merchant->first) +
          (pin ? (*pin == card_model.pin ? " with the PIN" : " with a wrong PIN") : "");

    ModelCard next = card_model;
    Outcome expected = decidePurchase(next, merchant->first, amount, pin, at);
    auto txn =
        run<CardTxn>([&](StoreTx& tx) { return purchase(tx, request, pins_, policies_, at); });
    EXPECT_OK(txn) << op_;
    if (!txn) return;
    Outcome actual = txn->state == TxnState::Approved ? Outcome{} : Outcome{txn->decline};
    expectOutcome(actual, expected);
    if (expected) {
        card_model.pin_failures = next.pin_failures;
        card_model.locked_until = next.locked_until;
        not_refundable_.push_back(txn->id);
    } else {
        card_model = next;
        purchases_.push_back({txn->id, card_model.id, merchant->first, amount, 0});
    }
    sent_.push_back({request, txn->id, actual});
}

void Randomized::retryOp() {
    if (sent_.empty()) return purchaseOp();
    const SentPurchase& first = sent_[pick(static_cast<std::uint32_t>(sent_.size()))];
    PurchaseRequest again = first.request;
    if (chance(50)) again.amount = cny(again.amount.minor() + 1);  // a retry that differs
    const TimestampMs at = tick();
    op_ = "retry " + first.request.idem_key;
    auto txn = run<CardTxn>([&](StoreTx& tx) { return purchase(tx, again, pins_, policies_, at); });
    EXPECT_OK(txn) << op_;
    if (!txn) return;
    EXPECT_EQ(txn->id, first.id) << op_;
    expectOutcome(txn->state == TxnState::Approved ? Outcome{} : Outcome{txn->decline},
                  first.outcome);
}

void Randomized::refundOp() {
    if (purchases_.empty()) return purchaseOp();
    RefundRequest request;
    ModelPurchase* original = nullptr;
    std::int64_t amount = 0;
    if (!not_refundable_.empty() && chance(10)) {
        request.original_id =
            not_refundable_[pick(static_cast<std::uint32_t>(not_refundable_.size()))];
        amount = between(1, 10000);
    } else {
        original = &purchases_[pick(static_cast<std::uint32_t>(purchases_.size()))];
        request.original_id = original->id;
        const std::int64_t left = original->amount - original->refunded;
        const std::uint32_t kind = pick(100);
        if (kind < 10) {
            amount = left + 1;
        } else if (kind < 30 || left < 1) {
            amount = std::max<std::int64_t>(left, 1);
        } else {
            amount = between(1, left);
        }
    }
    request.amount = cny(amount);
    op_ = "refund " + cny(amount).toDecimal() + " of txn " + std::to_string(request.original_id);
    Outcome expected;
    if (original == nullptr) {
        expected = ErrorCode::OriginalNotFound;
    } else {
        const ModelCard& c = model_[original->card];
        const ProductSpec& spec = specs_[c.product];
        if (amount <= 0 || amount > original->amount - original->refunded) {
            expected = ErrorCode::InvalidAmount;
        } else if (!holdsValue(c.state)) {
            expected = ErrorCode::CardNotActive;
        } else if (c.balance + amount > spec.cap) {
            expected = ErrorCode::OverCardCap;
        }
    }
    const TimestampMs at = tick();
    auto txn = run<CardTxn>([&](StoreTx& tx) { return refund(tx, request, at); });
    expectOutcome(outcomeOf(txn), expected);
    if (txn && !expected && original != nullptr) {
        original->refunded += amount;
        model_[original->card].balance += amount;
        not_refundable_.push_back(txn->id);
    }
}

void Randomized::reloadOp() {
    ModelCard& c = someCard();
    const std::int64_t amount = chance(10) ? 500000 : 100 * between(1, 3000);
    PaymentMethod method = std::array{PaymentMethod::Cash, PaymentMethod::PosDebitCard,
                                      PaymentMethod::BankTransfer}[pick(3)];
    if (chance(5)) method = PaymentMethod::PosCreditCard;
    op_ = "reload " + cny(amount).toDecimal() + " on card " + std::to_string(c.id) + " (" +
          std::string(toString(c.state)) + ", " + cny(c.balance).toDecimal() + ") by " +
          std::string(toString(method));
    const ProductSpec& spec = specs_[c.product];
    Outcome expected;
    if (!spec.named) {
        expected = ErrorCode::NotPermitted;
    } else if (c.state != CardState::Active) {
        expected = ErrorCode::CardNotActive;
    } else if (c.balance + amount > spec.cap) {
        expected = ErrorCode::OverCardCap;
    } else if (method == PaymentMethod::PosCreditCard) {
        expected = ErrorCode::RuleViolation;
    } else if (amount >= 500000 && method == PaymentMethod::Cash) {
        expected = ErrorCode::RuleViolation;
    }
    auto txn = reload(c.id, cny(amount), method);
    expectOutcome(outcomeOf(txn), expected);
    if (txn && !expected) c.balance += amount;
}

void Randomized::freezeOp() {
    ModelCard& c = someCard();
    op_ = "freeze card " + std::to_string(c.id) + " (" + std::string(toString(c.state)) + ")";
    Outcome expected;
    if (c.state != CardState::Active) expected = ErrorCode::IllegalTransition;
    Status s = freeze(c.id);
    expectOutcome(outcomeOf(s), expected);
    if (s && !expected) c.state = CardState::Frozen;
}

void Randomized::unfreezeOp() {
    // Mostly a frozen card, if there is one.
    std::vector<CardId> frozen;
    for (const auto& [id, c] : model_) {
        if (c.state == CardState::Frozen) frozen.push_back(id);
    }
    ModelCard& c = !frozen.empty() && chance(80)
                       ? model_[frozen[pick(static_cast<std::uint32_t>(frozen.size()))]]
                       : someCard();
    op_ = "unfreeze card " + std::to_string(c.id) + " (" + std::string(toString(c.state)) + ")";
    Outcome expected;
    if (c.state != CardState::Frozen) expected = ErrorCode::IllegalTransition;
    Status s = unfreeze(c.id);
    expectOutcome(outcomeOf(s), expected);
    if (s && !expected) c.state = CardState::Active;
}

void Randomized::replaceOp() {
    ModelCard& old_card = someCard();
    restockIfLow(old_card.product);
    std::vector<CardId> stock = freeStock(old_card.product);
    CardId new_id = 0;
    if (!stock.empty() && chance(80)) {
        new_id = stock[pick(static_cast<std::uint32_t>(stock.size()))];
    } else {
        auto it = model_.begin();
        std::advance(it, pick(static_cast<std::uint32_t>(model_.size())));
        new_id = it->first;
    }
    ModelCard& new_card = model_[new_id];
    op_ = "replace card " + std::to_string(old_card.id) + " (" +
          std::string(toString(old_card.state)) + ") by card " + std::to_string(new_id) + " (" +
          std::string(toString(new_card.state)) + ")";
    Outcome expected;
    if (old_card.id == new_id) {
        expected = ErrorCode::CardNotFound;
    } else if (!holdsValue(old_card.state)) {
        expected = ErrorCode::CardNotActive;
    } else if (new_card.state != CardState::InStock || new_card.order ||
               new_card.product != old_card.product) {
        expected = ErrorCode::NotPermitted;
    }
    auto txn = replace(old_card.id, new_id);
    expectOutcome(outcomeOf(txn), expected);
    if (!txn || expected) return;
    const ProductSpec& spec = specs_[old_card.product];
    new_card.state = CardState::Active;
    new_card.balance = old_card.balance;
    new_card.buyer_key = old_card.buyer_key;
    new_card.activated_on = old_card.activated_on;
    new_card.expiry.reset();
    if (spec.validity_months > 0) new_card.expiry = today().plusMonths(spec.validity_months);
    old_card.state = CardState::Closed;
    old_card.balance = 0;
}

void Randomized::advanceOp() {
    const std::uint32_t kind = pick(100);
    int days = 1;
    if (kind >= 70 && kind < 92) {
        days = static_cast<int>(between(2, 30));
    } else if (kind >= 92) {
        days = static_cast<int>(between(60, 400));
    }
    today_ = today_.plusDays(days);
    op_ = "advance " + std::to_string(days) + " days to " + today_.toIso();
    setBusinessDate(today_);

    std::int64_t expiring = 0;
    for (auto& [id, c] : model_) {
        if (c.state == CardState::Active && c.expiry && *c.expiry < today_) {
            c.state = CardState::Expired;
            ++expiring;
        }
    }
    auto expired = expiryRun();
    EXPECT_OK(expired) << op_;
    if (expired) {
        EXPECT_EQ(*expired, expiring) << op_;
    }

    const Date cutoff = today_.plusMonths(-policies_.breakage.months_after_expiry);
    std::int64_t broken = 0;
    for (auto& [id, c] : model_) {
        if (c.state == CardState::Expired && c.balance > 0 && c.expiry && *c.expiry <= cutoff) {
            c.state = CardState::Closed;
            c.balance = 0;
            ++broken;
        }
    }
    auto recognised = breakageRun();
    EXPECT_OK(recognised) << op_;
    if (recognised) {
        EXPECT_EQ(*recognised, broken) << op_;
    }
    tally_["advance -> expired " + std::to_string(expiring > 0 ? 1 : 0)] += 1;
    if (broken > 0) tally_["advance -> breakage"] += 1;
}

void Randomized::extendOp() {
    std::vector<CardId> expired;
    for (const auto& [id, c] : model_) {
        if (c.state == CardState::Expired) expired.push_back(id);
    }
    ModelCard& c = !expired.empty() && chance(80)
                       ? model_[expired[pick(static_cast<std::uint32_t>(expired.size()))]]
                       : someCard();
    op_ = "extend card " + std::to_string(c.id) + " (" + std::string(toString(c.state)) + ")";
    Outcome expected;
    if (c.state != CardState::Expired) expected = ErrorCode::IllegalTransition;
    Status s = extend(c.id);
    expectOutcome(outcomeOf(s), expected);
    if (s && !expected) {
        c.state = CardState::Active;
        c.expiry = today().plusMonths(specs_[c.product].validity_months);
    }
}

void Randomized::redeemOp() {
    ModelCard& c = someCard();
    std::string key = c.buyer_key;
    if (chance(30)) {
        key = chance(50)
                  ? buyerKey(individuals_[pick(static_cast<std::uint32_t>(individuals_.size()))])
                  : buyerKey(company_);
    }
    op_ = "redeem card " + std::to_string(c.id) + " (" + std::string(toString(c.state)) + ", " +
          cny(c.balance).toDecimal() + ") as '" + key + "'";
    const ProductSpec& spec = specs_[c.product];
    Outcome expected;
    if (!spec.named) {
        expected = ErrorCode::NotPermitted;
    } else if (c.state != CardState::Active && c.state != CardState::Frozen) {
        expected = ErrorCode::CardNotActive;
    } else if (key.empty() || key != c.buyer_key) {
        expected = ErrorCode::NotPermitted;
    } else if (today() < c.activated_on->plusMonths(policies_.sale.redemption_months_min)) {
        expected = ErrorCode::RuleViolation;
    }
    auto txn = redeem(c.id, key);
    expectOutcome(outcomeOf(txn), expected);
    if (txn && !expected) {
        c.state = CardState::Closed;
        c.balance = 0;
    }
}

void Randomized::checkStoreMatchesModel() {
    store::Statement s(*check_db_,
                       "SELECT id, state, balance_minor, pin_failures FROM card ORDER BY id");
    auto it = model_.begin();
    while (s.step()) {
        ASSERT_NE(it, model_.end()) << "the store has more cards than the model";
        const ModelCard& m = it->second;
        ASSERT_EQ(s.columnInt(0), m.id);
        EXPECT_EQ(s.columnText(1), toString(m.state)) << "card " << m.id << " after " << op_;
        EXPECT_EQ(s.columnInt(2), m.balance) << "card " << m.id << " after " << op_;
        EXPECT_EQ(s.columnInt(3), m.pin_failures) << "card " << m.id << " after " << op_;
        ++it;
    }
    EXPECT_EQ(it, model_.end()) << "the model has more cards than the store";
    store::InvariantReport report = store::checkInvariants(*check_db_);
    EXPECT_TRUE(report.ok()) << "after " << op_ << ":\n" << report.summary();
}

void Randomized::runSteps(int steps) {
    for (int step = 0; step < steps; ++step) {
        op_.clear();
        const std::uint32_t dice = pick(100);
        if (dice < 9) {
            sellOp();
        } else if (dice < 43) {
            purchaseOp();
        } else if (dice < 48) {
            retryOp();
        } else if (dice < 58) {
            refundOp();
        } else if (dice < 67) {
            reloadOp();
        } else if (dice < 72) {
            freezeOp();
        } else if (dice < 77) {
            unfreezeOp();
        } else if (dice < 81) {
            replaceOp();
        } else if (dice < 86) {
            advanceOp();
        } else if (dice < 93) {
            extendOp();
        } else {
            redeemOp();
        }
        checkStoreMatchesModel();
        if (HasFailure()) {
            std::cerr << "Randomized: failed at step " << step << " (" << op_
                      << "); replay with YIKA_SEED=" << seed_ << "\n";
            return;
        }
    }
}

TEST_F(Randomized, StoreAgreesWithTheModelAfterEveryStep) {
    const int steps = static_cast<int>(envNumber("YIKA_RANDOM_STEPS", kDefaultSteps));
    RecordProperty("seed", std::to_string(seed_));
    runSteps(steps);
    // Print what the run covered, so a change that makes most operations fail stands out.
    std::cout << "Randomized: seed " << seed_ << ", " << steps << " steps\n";
    for (const auto& [what, n] : tally_) std::cout << "  " << what << ": " << n << "\n";
    expectLedgerInvariants();
}

}  // namespace
}  // namespace yika
