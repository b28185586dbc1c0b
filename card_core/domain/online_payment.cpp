#include "card_core/domain/online_payment.h"

#include "card_core/domain/postings.h"
#include "card_core/domain/spend_service.h"

#include <algorithm>

namespace yika {

namespace {

constexpr std::size_t kMerchantOrderIdCharsMax = 64;

std::string legKey(PaymentOrderId order, int seq) {
    return "OP:" + std::to_string(order) + ":" + std::to_string(seq);
}

std::string refundLegKey(PaymentOrderId order, std::string_view refund_key, int seq) {
    return "OR:" + std::to_string(order) + ":" + std::string(refund_key) + ":" +
           std::to_string(seq);
}

Money minOf(Money a, Money b) { return lessThan(a, b) ? a : b; }

// Debits one leg: the card's counters and balance, then its transaction and journal entry.
Result<CardTxn> debitLeg(StoreTx& tx, Card& card, MerchantId merchant, Money amount,
                         std::string idem_key, Date today, TimestampMs now_ms) {
    if (card.spend_day != today) {
        card.spend_day = today;
        card.spent_today = Money::zero(amount.currency());
        card.count_today = 0;
    }
    card.spent_today = *card.spent_today.plus(amount);
    card.count_today += 1;
    card.balance = *card.balance.minus(amount);
    YIKA_ASSERT(!card.balance.isNegative() && !card.available().isNegative());
    tx.updateCard(card);
    CardTxn txn;
    txn.kind = TxnKind::Purchase;
    txn.card_id = card.id;
    txn.merchant_id = merchant;
    txn.amount = amount;
    txn.refunded = Money::zero(amount.currency());
    txn.hold_open = txn.refunded;
    txn.idem_key = std::move(idem_key);
    txn.business_date = today;
    txn.at_ms = now_ms;
    txn.balance_after = card.balance;
    return insertTxnWithEntry(
        tx, txn,
        {debitLine(cardAccount(card.id), amount), creditLine(merchantPending(merchant), amount)});
}

}  // namespace

std::string_view toString(PaymentOrderState state) {
    switch (state) {
        case PaymentOrderState::Pending:
            return "PENDING";
        case PaymentOrderState::Paid:
            return "PAID";
        case PaymentOrderState::Refunded:
            return "REFUNDED";
        case PaymentOrderState::Expired:
            return "EXPIRED";
    }
    return "PENDING";
}

std::optional<PaymentOrderState> paymentOrderStateFromString(std::string_view text) {
    for (auto s : {PaymentOrderState::Pending, PaymentOrderState::Paid, PaymentOrderState::Refunded,
                   PaymentOrderState::Expired}) {
        if (toString(s) == text) return s;
    }
    return std::nullopt;
}

PaymentOrderState PaymentOrder::stateAt(TimestampMs now_ms) const {
    if (state == PaymentOrderState::Pending && now_ms >= expires_at_ms) {
        return PaymentOrderState::Expired;
    }
    return state;
}

Result<std::vector<LegPlan>> splitAmount(Money amount, std::vector<SplitCandidate> candidates) {
    YIKA_ASSERT(amount.isPositive());
    std::sort(candidates.begin(), candidates.end(),
              [](const SplitCandidate& a, const SplitCandidate& b) {
                  // Earliest expiry first; a card that never expires comes after every dated one.
                  if (a.expiry != b.expiry) {
                      if (!a.expiry) return false;
                      if (!b.expiry) return true;
                      return *a.expiry < *b.expiry;
                  }
                  if (a.available.minor() != b.available.minor()) {
                      return a.available.minor() < b.available.minor();
                  }
                  return a.card_id < b.card_id;
              });
    std::vector<LegPlan> legs;
    Money left = amount;
    Money can_pay = Money::zero(amount.currency());
    for (const SplitCandidate& c : candidates) {
        YIKA_ASSERT(c.leg_max.minor() <= c.available.minor());
        if (!c.leg_max.isPositive() || c.leg_max.currency() != amount.currency()) continue;
        can_pay = can_pay.plus(c.leg_max).value_or(can_pay);
        if (!left.isPositive()) continue;
        Money take = minOf(left, c.leg_max);
        legs.push_back({c.card_id, take});
        left = *left.minus(take);
    }
    if (left.isPositive()) {
        return makeError(ErrorCode::InsufficientFunds, "the account's cards can pay " +
                                                           can_pay.toDecimal() + " of " +
                                                           amount.toDecimal() + " here today");
    }
    return legs;
}

Money legCapacity(const Card& card, const CardProduct& product, const Merchant& merchant,
                  Date today) {
    Money zero = Money::zero(product.currency);
    if (card.state != CardState::Active || (card.expiry && *card.expiry < today)) return zero;
    if (!inAcceptanceScope(product, merchant)) return zero;
    bool new_day = card.spend_day != today;
    Money spent = new_day ? zero : card.spent_today;
    int count = new_day ? 0 : card.count_today;
    if (count + 1 > product.daily_count_max) return zero;
    Money cap = minOf(card.available(), product.purchase_max);
    auto daily_left = product.daily_spend_max.minus(spent);
    if (!daily_left || !daily_left->isPositive()) return zero;
    cap = minOf(cap, *daily_left);
    return cap.isPositive() ? cap : zero;
}

Result<PaymentOrder> createPaymentOrder(StoreTx& tx, const PaymentOrderRequest& request,
                                        TimestampMs now_ms) {
    if (!request.amount.isPositive()) {
        return makeError(ErrorCode::InvalidAmount, "amount must be positive");
    }
    if (request.merchant_order_id.empty() ||
        request.merchant_order_id.size() > kMerchantOrderIdCharsMax) {
        return makeError(ErrorCode::InvalidArgument, "merchant_order_id: 1-64 characters");
    }
    if (request.expires_at_ms <= now_ms) {
        return makeError(ErrorCode::InvalidArgument, "expires_at_ms must be in the future");
    }
    if (!tx.merchant(request.merchant_id)) {
        return makeError(ErrorCode::NotFound, "unknown merchant");
    }
    auto& store = tx.accounts();
    if (auto first =
            store.paymentOrderByMerchantRef(request.merchant_id, request.merchant_order_id)) {
        if (first->amount == request.amount) return *first;
        return makeError(ErrorCode::Duplicate,
                         "merchant_order_id was used for an order of another amount");
    }
    PaymentOrder order;
    order.token = request.token;
    order.merchant_id = request.merchant_id;
    order.merchant_order_id = request.merchant_order_id;
    order.amount = request.amount;
    order.description = request.description;
    order.return_url = request.return_url;
    order.callback_url = request.callback_url;
    order.shop_tid = request.shop_tid;
    order.refunded = Money::zero(request.amount.currency());
    order.created_at_ms = now_ms;
    order.expires_at_ms = request.expires_at_ms;
    order.id = store.insertPaymentOrder(order);
    return order;
}

Result<PaidOrder> payOrder(StoreTx& tx, std::string_view token, AccountId account,
                           TimestampMs now_ms) {
    auto& store = tx.accounts();
    auto order = store.paymentOrderByToken(token);
    if (!order) return makeError(ErrorCode::NotFound, "no such payment order");
    PaymentOrderState state = order->stateAt(now_ms);
    if (state != PaymentOrderState::Pending) {
        if (state == PaymentOrderState::Paid && order->account_id == account) {
            return PaidOrder{*order, store.paymentLegs(order->id)};
        }
        return makeError(ErrorCode::NotPermitted,
                         "the order is " + std::string(toString(state)) + "; it cannot be paid");
    }
    auto merchant = tx.merchant(order->merchant_id);
    YIKA_ASSERT(merchant.has_value());
    Date today = tx.businessDate();
    std::vector<Card> cards;
    std::vector<SplitCandidate> candidates;
    for (CardId id : store.boundCards(account)) {
        auto card = tx.card(id);
        if (!card) continue;
        auto product = tx.product(card->product_id);
        YIKA_ASSERT(product.has_value());
        if (product->currency != order->amount.currency()) continue;
        candidates.push_back({card->id, card->expiry, card->available(),
                              legCapacity(*card, *product, *merchant, today)});
        cards.push_back(std::move(*card));
    }
    auto plan = splitAmount(order->amount, candidates);
    if (!plan) return plan.error();
    PaidOrder paid{*order, {}};
    int seq = 0;
    for (const LegPlan& leg : *plan) {
        auto card = std::find_if(cards.begin(), cards.end(),
                                 [&](const Card& c) { return c.id == leg.card_id; });
        YIKA_ASSERT(card != cards.end());
        seq += 1;
        auto txn =
            debitLeg(tx, *card, merchant->id, leg.amount, legKey(order->id, seq), today, now_ms);
        if (!txn) return txn.error();  // rolls back every leg (P1)
        PaymentLeg row{order->id, seq, card->id, txn->id, leg.amount};
        store.insertPaymentLeg(row);
        paid.legs.push_back(row);
    }
    paid.order.state = PaymentOrderState::Paid;
    paid.order.account_id = account;
    paid.order.paid_at_ms = now_ms;
    store.updatePaymentOrder(paid.order);
    if (!paid.order.callback_url.empty()) {
        store.upsertCallback({paid.order.id, paid.order.callback_url, "PENDING", 0, now_ms});
    }
    return paid;
}

Result<PaidOrder> refundPaymentOrder(StoreTx& tx, MerchantId merchant, PaymentOrderId order_id,
                                     Money amount, std::string_view refund_key,
                                     TimestampMs now_ms) {
    auto& store = tx.accounts();
    auto order = store.paymentOrder(order_id);
    if (!order || order->merchant_id != merchant) {
        return makeError(ErrorCode::OriginalNotFound, "no such payment order at this merchant");
    }
    if (refund_key.empty() || refund_key.size() > kMerchantOrderIdCharsMax) {
        return makeError(ErrorCode::InvalidArgument, "refund_id: 1-64 characters");
    }
    if (auto first = store.paymentRefund(order_id, refund_key)) {
        if (*first == amount) return PaidOrder{*order, store.paymentLegs(order_id)};
        return makeError(ErrorCode::Duplicate, "refund_id was used for another amount");
    }
    if (order->state != PaymentOrderState::Paid) {
        return makeError(ErrorCode::NotPermitted, "only a PAID order can be refunded");
    }
    auto left = order->amount.minus(order->refunded);
    if (amount.currency() != order->amount.currency() || !amount.isPositive() ||
        amount.minor() > left->minor()) {
        return makeError(ErrorCode::InvalidAmount,
                         "refund must be positive and at most " + left->toDecimal());
    }
    std::vector<PaymentLeg> legs = store.paymentLegs(order_id);
    // What the legs still hold. Equal to `left` when only this function refunds legs; checked
    // anyway, because a leg refunded some other way (a terminal refund before that was refused)
    // must give an error here, not the assertion below.
    Money legs_left = Money::zero(amount.currency());
    for (const PaymentLeg& leg : legs) {
        auto original = tx.txn(leg.txn_id);
        YIKA_ASSERT(original.has_value());
        legs_left = *legs_left.plus(*original->amount.minus(original->refunded));
    }
    if (amount.minor() > legs_left.minor()) {
        return makeError(ErrorCode::InvalidAmount, "refund must be at most " +
                                                       legs_left.toDecimal() +
                                                       ", what the payment's cards can take back");
    }
    Money remaining = amount;
    // Most recently debited leg first (P3).
    for (auto leg = legs.rbegin(); leg != legs.rend() && remaining.isPositive(); ++leg) {
        auto original = tx.txn(leg->txn_id);
        YIKA_ASSERT(original.has_value());
        Money leg_left = *original->amount.minus(original->refunded);
        if (!leg_left.isPositive()) continue;
        Money take = minOf(remaining, leg_left);
        RefundRequest request;
        request.original_id = leg->txn_id;
        request.amount = take;
        request.idem_key = refundLegKey(order_id, refund_key, leg->seq);
        auto refunded = refund(tx, request, now_ms);
        if (!refunded) return refunded.error();  // rolls back every leg's refund
        remaining = *remaining.minus(take);
    }
    YIKA_ASSERT(remaining.isZero());
    order->refunded = *order->refunded.plus(amount);
    if (order->refunded == order->amount) order->state = PaymentOrderState::Refunded;
    store.updatePaymentOrder(*order);
    store.insertPaymentRefund(order_id, refund_key, amount, now_ms);
    return PaidOrder{*order, std::move(legs)};
}

}  // namespace yika
