#pragma once

// Spending a card at a merchant (design sections 6 and 7): the authorization checks, the
// purchase posting 2201/card -> 2202/merchant, and refunds back to the card. The acceptance
// adapters (ISO 8583, HTTP) translate their requests into these calls.
//
// Only the card's own row is read and written here, plus one transaction row and one journal
// entry: no per-merchant balance row is touched on the authorization path (hot account).

#include "card_core/domain/policies.h"
#include "card_core/domain/secrets.h"
#include "card_core/domain/store.h"
#include "card_core/domain/txn.h"

#include <optional>
#include <string>
#include <string_view>

namespace yika {

struct PurchaseRequest {
    CardId card_id = 0;
    MerchantId merchant_id = 0;
    Money amount = Money::zero(Currency::Cny);
    std::string idem_key;            // a retry with the same key gets the first answer
    std::optional<std::string> pin;  // clear PIN digits, if the cardholder entered one
    bool hold = false;               // pre-authorisation: hold the amount instead of debiting
    // Terminal requests: recorded with the transaction.
    std::optional<std::int64_t> terminal_id;
    int batch_no = 0;
    int trace_no = 0;
};

struct RefundRequest {
    TxnId original_id = 0;
    Money amount = Money::zero(Currency::Cny);
    std::string idem_key;
    // Terminal refunds: recorded with the transaction (as for purchases).
    std::optional<std::int64_t> terminal_id;
    int batch_no = 0;
    int trace_no = 0;
};

// Checks the PIN against the card's PVV, counting consecutive failures; after
// `failures_max` the PIN is locked for `lock_ms` (PinLocked) whatever the PIN. Updates `card`
// (the caller saves it).
Status checkPin(Card& card, std::string_view pin, const PinVerifier& pins, const PinPolicy& policy,
                TimestampMs now_ms);

// Authorises and posts a purchase (or, with `hold`, places a pre-authorisation hold and posts
// nothing), or records the decline. Returns the transaction either way
// (state Approved or Declined with its code) so the caller can answer retries identically;
// errors are returned only for storage or programming problems... and for requests that cannot
// be recorded (unknown card or merchant).
Result<CardTxn> purchase(StoreTx& tx, const PurchaseRequest& request, const PinVerifier& pins,
                         const Policies& policies, TimestampMs now_ms);
// purchase() for a caller that has already looked for a transaction with the request's
// idempotency key (and found none) and read the card (`loaded`, whose id is request.card_id):
// the terminal path, which must read both anyway, so that the writer does not read them twice.
Result<CardTxn> purchaseLoaded(StoreTx& tx, const PurchaseRequest& request, Card loaded,
                               const PinVerifier& pins, const Policies& policies,
                               TimestampMs now_ms);

// Refund (退货) of part or all of an approved purchase, cumulative refunds <= the original.
Result<CardTxn> refund(StoreTx& tx, const RefundRequest& request, TimestampMs now_ms);

}  // namespace yika
