#include "card_core/domain/spend_service.h"

#include "card_core/domain/card_number.h"
#include "card_core/domain/postings.h"

namespace yika {

Status checkPin(Card& card, std::string_view pin, const PinVerifier& pins, const PinPolicy& policy,
                TimestampMs now_ms) {
    if (card.pin_locked_until_ms > now_ms) {
        return makeError(ErrorCode::PinLocked, "PIN tries exceeded; try again later");
    }
    if (pin.size() != 6 || !isAllDigits(pin) || !pins.verifyPin(card.id, pin, card.pvv)) {
        card.pin_failures += 1;
        if (card.pin_failures >= policy.failures_max) {
            card.pin_locked_until_ms = now_ms + policy.lock_ms;
            card.pin_failures = 0;
            return makeError(ErrorCode::PinLocked, "PIN tries exceeded; try again later");
        }
        return makeError(ErrorCode::WrongPin, "wrong PIN");
    }
    card.pin_failures = 0;
    return Ok{};
}

namespace {

// The decision on a purchase, with the card's counters updated when approved.
Status authorize(Card& card, const CardProduct& product, const Merchant& merchant,
                 const PurchaseRequest& request, Date today) {
    Money amount = request.amount;
    if (card.state == CardState::Frozen) return makeError(ErrorCode::CardFrozen, "card is frozen");
    if (card.state == CardState::Expired ||
        (card.state == CardState::Active && card.expiry && *card.expiry < today)) {
        return makeError(ErrorCode::CardExpired, "card has expired");
    }
    if (card.state != CardState::Active)
        return makeError(ErrorCode::CardNotActive, "card is not active");
    if (!inAcceptanceScope(product, merchant)) {
        return makeError(ErrorCode::OutOfScope, "card is not accepted at this merchant");
    }
    if (amount.currency() != product.currency || !amount.isPositive()) {
        return makeError(ErrorCode::InvalidAmount, "amount must be positive in the card currency");
    }
    if (amount.minor() > product.purchase_max.minor()) {
        return makeError(ErrorCode::OverPurchaseLimit, "over the per-purchase limit");
    }
    if (card.spend_day != today) {
        card.spend_day = today;
        card.spent_today = Money::zero(product.currency);
        card.count_today = 0;
    }
    if (card.count_today + 1 > product.daily_count_max) {
        return makeError(ErrorCode::OverCountLimit, "over the daily purchase count");
    }
    auto spent = card.spent_today.plus(amount);
    if (!spent || spent->minor() > product.daily_spend_max.minor()) {
        return makeError(ErrorCode::OverDailyLimit, "over the daily spend limit");
    }
    if (amount.minor() > card.available().minor()) {
        return makeError(ErrorCode::InsufficientFunds, "insufficient funds");
    }
    card.spent_today = *spent;
    card.count_today += 1;
    if (request.hold) {
        card.held = *card.held.plus(amount);
    } else {
        card.balance = *card.balance.minus(amount);
    }
    return Ok{};
}

}  // namespace

Result<CardTxn> purchase(StoreTx& tx, const PurchaseRequest& request, const PinVerifier& pins,
                         const Policies& policies, TimestampMs now_ms) {
    if (!request.idem_key.empty()) {
        if (auto first = tx.txnByIdemKey(request.idem_key)) return *first;
    }
    auto card = tx.card(request.card_id);
    if (!card) return makeError(ErrorCode::CardNotFound, "unknown card");
    return purchaseLoaded(tx, request, std::move(*card), pins, policies, now_ms);
}

Result<CardTxn> purchaseLoaded(StoreTx& tx, const PurchaseRequest& request, Card loaded,
                               const PinVerifier& pins, const Policies& policies,
                               TimestampMs now_ms) {
    YIKA_ASSERT(loaded.id == request.card_id);
    std::optional<Card> card = std::move(loaded);
    auto merchant = tx.merchant(request.merchant_id);
    if (!merchant) return makeError(ErrorCode::NotFound, "unknown merchant");
    auto product = tx.product(card->product_id);
    YIKA_ASSERT(product.has_value());
    Date today = tx.businessDate();

    CardTxn txn;
    txn.kind = request.hold ? TxnKind::PreAuth : TxnKind::Purchase;
    txn.card_id = card->id;
    txn.merchant_id = merchant->id;
    txn.amount = request.amount;
    txn.refunded = Money::zero(request.amount.currency());
    txn.hold_open = txn.refunded;
    txn.idem_key = request.idem_key;
    txn.business_date = today;
    txn.at_ms = now_ms;
    txn.terminal_id = request.terminal_id;
    txn.batch_no = request.batch_no;
    txn.trace_no = request.trace_no;

    Card before = *card;
    Status decision = Ok{};
    if (request.pin) decision = checkPin(*card, *request.pin, pins, policies.pin, now_ms);
    if (decision) decision = authorize(*card, *product, *merchant, request, today);
    if (decision && !request.pin &&
        card->spent_today.minor() > product->pin_threshold_daily.minor()) {
        decision = makeError(ErrorCode::PinRequired, "PIN required for this amount");
    }
    if (!decision) {
        // A decline changes nothing on the card except the PIN failure counters.
        before.pin_failures = card->pin_failures;
        before.pin_locked_until_ms = card->pin_locked_until_ms;
        if (before.pin_failures != card->pin_failures || request.pin) tx.updateCard(before);
        txn.state = TxnState::Declined;
        txn.decline = decision.code();
        txn.balance_after = before.balance;
        txn.id = tx.insertTxn(txn);
        return txn;
    }
    tx.updateCard(*card);
    txn.balance_after = card->balance;
    if (request.hold) {
        txn.hold_open = request.amount;
        txn.id = tx.insertTxn(txn);
        return txn;
    }
    txn.id = tx.insertTxn(txn);
    auto entry = EntryBuilder("purchase", txnEventKey(txn.id), today, now_ms)
                     .debit(cardAccount(card->id), request.amount)
                     .credit(merchantPending(merchant->id), request.amount)
                     .build();
    if (!entry) return entry.error();
    auto posted = postNew(tx, *entry);
    if (!posted) return posted.error();
    txn.entry_id = *posted;
    tx.updateTxn(txn);
    return txn;
}

Result<CardTxn> refund(StoreTx& tx, const RefundRequest& request, TimestampMs now_ms) {
    if (!request.idem_key.empty()) {
        if (auto first = tx.txnByIdemKey(request.idem_key)) return *first;
    }
    auto original = tx.txn(request.original_id);
    bool refundable =
        original && original->state == TxnState::Approved &&
        (original->kind == TxnKind::Purchase || original->kind == TxnKind::PreAuthCompletion);
    if (!refundable) {
        return makeError(ErrorCode::OriginalNotFound, "no approved purchase to refund");
    }
    Money amount = request.amount;
    auto left = original->amount.minus(original->refunded);
    if (amount.currency() != original->amount.currency() || !amount.isPositive() ||
        amount.minor() > left->minor()) {
        return makeError(ErrorCode::InvalidAmount,
                         "refund must be positive and at most " + left->toDecimal());
    }
    auto card = tx.card(original->card_id);
    YIKA_ASSERT(card.has_value());
    auto product = tx.product(card->product_id);
    if (!holdsValue(card->state)) {
        return makeError(ErrorCode::CardNotActive, "the card no longer holds value");
    }
    auto after = card->balance.plus(amount);
    if (!after || after->minor() > product->max_balance.minor()) {
        return makeError(ErrorCode::OverCardCap, "refund would take the card above its cap");
    }
    card->balance = *after;
    tx.updateCard(*card);
    original->refunded = *original->refunded.plus(amount);
    tx.updateTxn(*original);
    Date today = tx.businessDate();
    CardTxn txn;
    txn.kind = TxnKind::Refund;
    txn.card_id = card->id;
    txn.merchant_id = original->merchant_id;
    txn.amount = amount;
    txn.original_id = original->id;
    txn.refunded = Money::zero(amount.currency());
    txn.idem_key = request.idem_key;
    txn.business_date = today;
    txn.at_ms = now_ms;
    txn.balance_after = card->balance;
    txn.terminal_id = request.terminal_id;
    txn.batch_no = request.batch_no;
    txn.trace_no = request.trace_no;
    txn.id = tx.insertTxn(txn);
    auto entry = EntryBuilder("refund", txnEventKey(txn.id), today, now_ms)
                     .debit(merchantPending(*original->merchant_id), amount)
                     .credit(cardAccount(card->id), amount)
                     .build();
    if (!entry) return entry.error();
    auto posted = post(tx, *entry);
    if (!posted) return posted.error();
    txn.entry_id = *posted;
    tx.updateTxn(txn);
    return txn;
}

}  // namespace yika
