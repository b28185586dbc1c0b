#pragma once

// Online payment across an account's cards (design section 5).
//
//   createPaymentOrder          payOrder (all legs, one writer operation)
//   ------------------> PENDING ---------------------------------------> PAID
//                          |                                             | refundPaymentOrder
//                          | now > expires_at (seen lazily)              v (partial: stays PAID)
//                          v                                           REFUNDED (in full)
//                       EXPIRED
//
// Split rule: the account's cards that can pay at this merchant (ACTIVE, not past expiry, in
// the product's acceptance scope, under their per-purchase, daily amount and daily count
// limits), ordered by expiry (earliest first, never-expiring last), then by available balance
// (smallest first), then by card id; each takes as much as it can until the amount is covered.
//
// Invariants:
//   P1. An order is paid in full or not at all: every leg is its own approved CardTxn
//       (kind Purchase, idempotency key "OP:<order>:<seq>") with its own journal entry
//       2201/card -> 2202/merchant, and all legs are written in the caller's one StoreTx;
//       any refusal returns an error, which rolls the whole operation back.
//   P2. Sum of legs = order amount; each leg > 0 and within its card's limits at the time.
//   P3. Refunds go back to the legs, the most recently debited leg first, never more than a
//       leg's amount (each is a spend_service refund of the leg's transaction); the refunded
//       total never exceeds the order amount.
//   P4. A merchant order id is unique per merchant: creating it again with the same amount
//       returns the first order (idempotent), with another amount is Duplicate.

#include "card_core/domain/account.h"
#include "card_core/domain/store.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace yika {

using PaymentOrderId = std::int64_t;

enum class PaymentOrderState : std::uint8_t { Pending, Paid, Refunded, Expired };
std::string_view toString(PaymentOrderState state);
std::optional<PaymentOrderState> paymentOrderStateFromString(std::string_view text);

struct PaymentOrder {
    PaymentOrderId id = 0;
    std::string token;  // unguessable public id used in the payment link
    MerchantId merchant_id = 0;
    std::string merchant_order_id;
    Money amount = Money::zero(Currency::Cny);
    std::string description;
    std::string return_url;
    std::string callback_url;  // empty: the shop polls
    std::string shop_tid;      // the shop terminal that created it (signs its callbacks)
    PaymentOrderState state = PaymentOrderState::Pending;
    std::optional<AccountId> account_id;  // who paid
    Money refunded = Money::zero(Currency::Cny);
    TimestampMs created_at_ms = 0;
    TimestampMs expires_at_ms = 0;
    TimestampMs paid_at_ms = 0;

    // The state as of `now_ms`: a PENDING order past its expiry is EXPIRED.
    PaymentOrderState stateAt(TimestampMs now_ms) const;
};

struct PaymentLeg {
    PaymentOrderId order_id = 0;
    int seq = 0;  // 1.. in debit order
    CardId card_id = 0;
    TxnId txn_id = 0;
    Money amount = Money::zero(Currency::Cny);
};

// A signed notification of an order's outcome to the shop, retried until acknowledged.
struct ShopCallback {
    PaymentOrderId order_id = 0;
    std::string url;
    std::string state;  // "PENDING", "DELIVERED", "FAILED" (gave up)
    int attempts = 0;
    TimestampMs next_at_ms = 0;
};

// ---- the split rule (pure) -------------------------------------------------------------------

struct SplitCandidate {
    CardId card_id = 0;
    std::optional<Date> expiry;  // nullopt: never expires
    Money available = Money::zero(Currency::Cny);
    Money leg_max = Money::zero(Currency::Cny);  // what this card may pay now (<= available)
};
struct LegPlan {
    CardId card_id = 0;
    Money amount = Money::zero(Currency::Cny);
};

// The legs for `amount` (positive) by the split rule. InsufficientFunds if the candidates
// together cannot cover it (the detail says how much they can).
Result<std::vector<LegPlan>> splitAmount(Money amount, std::vector<SplitCandidate> candidates);

// What `card` may pay at `merchant` today as one online leg: zero if it cannot pay at all.
Money legCapacity(const Card& card, const CardProduct& product, const Merchant& merchant,
                  Date today);

// ---- operations (each inside the caller's StoreTx) -------------------------------------------

struct PaymentOrderRequest {
    MerchantId merchant_id = 0;
    std::string merchant_order_id;  // 1-64 characters
    Money amount = Money::zero(Currency::Cny);
    std::string description;
    std::string return_url;
    std::string callback_url;
    std::string shop_tid;
    TimestampMs expires_at_ms = 0;
    std::string token;  // chosen by the caller from a CSPRNG
};

// Creates the order (invariant P4). InvalidAmount for a non-positive amount, InvalidArgument
// for an expiry not after now.
Result<PaymentOrder> createPaymentOrder(StoreTx& tx, const PaymentOrderRequest& request,
                                        TimestampMs now_ms);

struct PaidOrder {
    PaymentOrder order;
    std::vector<PaymentLeg> legs;
};

// Pays order `token` from the cards of `account` (invariants P1, P2). Paying an order this
// account already paid returns it again. NotFound (no such order), NotPermitted (paid by
// another account, refunded, or expired), InsufficientFunds (the cards together cannot pay).
Result<PaidOrder> payOrder(StoreTx& tx, std::string_view token, AccountId account,
                           TimestampMs now_ms);

// Refunds `amount` of a paid order of `merchant` under the shop's `refund_key` (idempotent:
// the same key and amount return the order again; another amount is Duplicate). Invariant P3.
Result<PaidOrder> refundPaymentOrder(StoreTx& tx, MerchantId merchant, PaymentOrderId order_id,
                                     Money amount, std::string_view refund_key, TimestampMs now_ms);

}  // namespace yika
