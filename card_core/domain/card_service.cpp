#include "card_core/domain/card_service.h"

#include "card_core/domain/postings.h"
#include "card_core/domain/sale.h"

namespace yika {

namespace {

Status changeState(StoreTx& tx, Card& card, CardState to, const Actor& actor,
                   std::string_view reason_code, TimestampMs now_ms) {
    CardState from = card.state;
    YIKA_TRY(transition(card, to));
    tx.updateCard(card);
    tx.insertCardEvent({card.id, from, to, actor, std::string(reason_code), now_ms});
    return Ok{};
}

CardTxn newTxn(TxnKind kind, const Card& card, Money amount, Date day, TimestampMs now_ms) {
    CardTxn txn;
    txn.kind = kind;
    txn.card_id = card.id;
    txn.amount = amount;
    txn.business_date = day;
    txn.at_ms = now_ms;
    txn.refunded = Money::zero(amount.currency());
    txn.balance_after = card.balance;
    return txn;
}

}  // namespace

Status freezeCard(StoreTx& tx, CardId id, const Actor& actor, std::string_view reason_code,
                  TimestampMs now_ms) {
    auto card = tx.card(id);
    if (!card) return makeError(ErrorCode::CardNotFound, "unknown card");
    return changeState(tx, *card, CardState::Frozen, actor, reason_code, now_ms);
}

Status unfreezeCard(StoreTx& tx, CardId id, const Actor& actor, TimestampMs now_ms) {
    auto card = tx.card(id);
    if (!card) return makeError(ErrorCode::CardNotFound, "unknown card");
    if (card->state != CardState::Frozen) {
        return makeError(ErrorCode::IllegalTransition, "only a FROZEN card can be unfrozen");
    }
    return changeState(tx, *card, CardState::Active, actor, reason::kFound, now_ms);
}

Result<CardTxn> replaceCard(StoreTx& tx, CardId old_id, CardId new_id, const Actor& actor,
                            TimestampMs now_ms) {
    auto old_card = tx.card(old_id);
    auto new_card = tx.card(new_id);
    if (!old_card || !new_card || old_id == new_id) {
        return makeError(ErrorCode::CardNotFound, "unknown card");
    }
    if (!holdsValue(old_card->state)) {
        return makeError(ErrorCode::CardNotActive, "the old card holds no value to move");
    }
    if (!old_card->held.isZero()) {
        return makeError(ErrorCode::NotPermitted, "the old card has open pre-authorisations");
    }
    if (new_card->state != CardState::InStock || new_card->order_id ||
        new_card->product_id != old_card->product_id) {
        return makeError(ErrorCode::NotPermitted,
                         "the new card must be a free IN_STOCK card of the same product");
    }
    auto product = tx.product(new_card->product_id);
    YIKA_ASSERT(product.has_value());
    Date today = tx.businessDate();
    Money moved = old_card->balance;
    new_card->balance = moved;
    new_card->buyer_key = old_card->buyer_key;
    new_card->activated_on = old_card->activated_on;
    new_card->expiry = std::nullopt;
    if (product->validity_months > 0) new_card->expiry = today.plusMonths(product->validity_months);
    old_card->balance = Money::zero(moved.currency());
    YIKA_TRY(changeState(tx, *new_card, CardState::Active, actor, reason::kReplacement, now_ms));
    YIKA_TRY(changeState(tx, *old_card, CardState::Closed, actor, reason::kReplaced, now_ms));
    CardTxn txn = newTxn(TxnKind::Replacement, *old_card, moved, today, now_ms);
    txn.counter_card_id = new_id;
    if (moved.isZero()) {
        // Nothing to post: a transaction without value would have no entry.
        return txn;
    }
    return insertTxnWithEntry(
        tx, txn, {debitLine(cardAccount(old_id), moved), creditLine(cardAccount(new_id), moved)});
}

Result<std::int64_t> runExpiry(StoreTx& tx, Date date, std::int64_t limit, TimestampMs now_ms) {
    Actor system{ActorKind::System, "expiry-run", Channel::System};
    std::int64_t done = 0;
    for (CardId id : tx.cardsExpiringBefore(date, limit)) {
        auto card = tx.card(id);
        YIKA_ASSERT(card.has_value());
        YIKA_TRY(changeState(tx, *card, CardState::Expired, system, reason::kExpiryRun, now_ms));
        ++done;
    }
    return done;
}

Status extendCard(StoreTx& tx, CardId id, const Actor& actor, TimestampMs now_ms) {
    auto card = tx.card(id);
    if (!card) return makeError(ErrorCode::CardNotFound, "unknown card");
    if (card->state != CardState::Expired) {
        return makeError(ErrorCode::IllegalTransition, "only an EXPIRED card can be extended");
    }
    auto product = tx.product(card->product_id);
    YIKA_ASSERT(product.has_value() && product->validity_months > 0);
    card->expiry = tx.businessDate().plusMonths(product->validity_months);
    return changeState(tx, *card, CardState::Active, actor, reason::kExtended, now_ms);
}

Result<CardTxn> reloadCard(StoreTx& tx, CardId id, Money amount, const Payment& payment,
                           const Actor& actor, const Policies& policies, TimestampMs now_ms) {
    (void)actor;
    auto card = tx.card(id);
    if (!card) return makeError(ErrorCode::CardNotFound, "unknown card");
    auto product = tx.product(card->product_id);
    YIKA_ASSERT(product.has_value());
    YIKA_TRY(validateReload(*card, *product, amount, payment, policies.sale));
    card->balance = *card->balance.plus(amount);
    tx.updateCard(*card);
    Date today = tx.businessDate();
    return insertTxnWithEntry(tx, newTxn(TxnKind::Reload, *card, amount, today, now_ms),
                              {debitLine(account(AccountCode::ReserveFund), amount),
                               creditLine(cardAccount(id), amount)});
}

Result<CardTxn> redeemCard(StoreTx& tx, CardId id, std::string_view buyer_key, const Actor& actor,
                           const Policies& policies, TimestampMs now_ms) {
    auto card = tx.card(id);
    if (!card) return makeError(ErrorCode::CardNotFound, "unknown card");
    auto product = tx.product(card->product_id);
    YIKA_ASSERT(product.has_value());
    if (!product->named) return makeError(ErrorCode::NotPermitted, "only named cards are redeemed");
    if (card->state != CardState::Active && card->state != CardState::Frozen) {
        return makeError(ErrorCode::CardNotActive, "the card is not ACTIVE or FROZEN");
    }
    if (buyer_key.empty() || card->buyer_key != buyer_key) {
        return makeError(ErrorCode::NotPermitted, "only the buyer of the card may redeem it");
    }
    Date today = tx.businessDate();
    YIKA_ASSERT(card->activated_on.has_value());
    if (today < card->activated_on->plusMonths(policies.sale.redemption_months_min)) {
        return makeError(ErrorCode::RuleViolation,
                         "a card may be redeemed from " +
                             std::to_string(policies.sale.redemption_months_min) +
                             " months after purchase");
    }
    if (!card->held.isZero()) return makeError(ErrorCode::NotPermitted, "the card has open holds");
    Money amount = card->balance;
    card->balance = Money::zero(amount.currency());
    YIKA_TRY(changeState(tx, *card, CardState::Closed, actor, reason::kRedeemed, now_ms));
    CardTxn txn = newTxn(TxnKind::Redemption, *card, amount, today, now_ms);
    if (amount.isZero()) return txn;
    return insertTxnWithEntry(tx, txn,
                              {debitLine(cardAccount(id), amount),
                               creditLine(account(AccountCode::ReserveFund), amount)});
}

Result<std::int64_t> runBreakage(StoreTx& tx, Date date, std::int64_t limit,
                                 const Policies& policies, TimestampMs now_ms) {
    if (!policies.breakage.enabled) return std::int64_t{0};
    Actor system{ActorKind::System, "breakage-run", Channel::System};
    Date cutoff = date.plusMonths(-policies.breakage.months_after_expiry);
    std::int64_t done = 0;
    for (CardId id : tx.expiredCardsWithBalanceBefore(cutoff, limit)) {
        auto card = tx.card(id);
        YIKA_ASSERT(card.has_value() && card->held.isZero());
        Money amount = card->balance;
        card->balance = Money::zero(amount.currency());
        YIKA_TRY(changeState(tx, *card, CardState::Closed, system, reason::kBreakage, now_ms));
        auto txn = insertTxnWithEntry(tx, newTxn(TxnKind::Breakage, *card, amount, date, now_ms),
                                      {debitLine(cardAccount(id), amount),
                                       creditLine(account(AccountCode::BreakageIncome), amount)});
        if (!txn) return txn.error();
        ++done;
    }
    return done;
}

}  // namespace yika
