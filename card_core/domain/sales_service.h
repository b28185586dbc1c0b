#pragma once

// Selling cards: orders, payment and atomic activation (design section 4), over a StoreTx.

#include "card_core/domain/policies.h"
#include "card_core/domain/sale.h"
#include "card_core/domain/store.h"

namespace yika {

// Validates the order against the sale rules, reserves its cards from stock and stores it
// PENDING_PAYMENT. Sets the structuring flag when this buyer reaches the configured count of
// orders just under the real-name line today.
Result<OrderId> createOrder(StoreTx& tx, SalesOrder order, const Policies& policies,
                            TimestampMs now_ms);

// Records the payment and activates every card of the order at once with its load, in the
// caller's transaction, posting one entry: 1001 paid, 6401 discount / 2201 per card.
Status recordPayment(StoreTx& tx, OrderId id, const Payment& payment, const Actor& actor,
                     const Policies& policies, TimestampMs now_ms);

// PENDING_PAYMENT -> CANCELLED; the reserved cards return to free stock.
Status cancelOrder(StoreTx& tx, OrderId id);

}  // namespace yika
