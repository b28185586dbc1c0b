#pragma once

// Merchant acceptance (design section 6): what a terminal may ask of a card, over a StoreTx.
// The ISO 8583 and HTTP adapters translate their messages into these calls and the results
// back into response codes.
//
// Request identity: every terminal request is identified by (TID, batch, trace, terminal date
// MMDD). A retried request finds its first transaction by that key and gets the same answer;
// it never debits twice. A reversal is keyed by the same values of the request it reverses,
// with its own prefix, so that it is idempotent too, and so that an original arriving after its
// reversal finds the reversal and is neutralised.

#include "card_core/domain/policies.h"
#include "card_core/domain/secrets.h"
#include "card_core/domain/spend_service.h"
#include "card_core/domain/store.h"
#include "card_core/domain/terminal.h"
#include "card_core/domain/txn.h"

#include <optional>
#include <string>
#include <string_view>

namespace yika {

struct TerminalRef {
    TerminalId terminal_id = 0;
    std::string tid;
    MerchantId merchant_id = 0;
    int batch_no = 0;
    int trace_no = 0;
    std::string terminal_date;  // MMDD of the request (field 13), part of its identity
    // HTTP requests: the client's idempotency key (1-64 URL-safe characters, never ':'). When
    // set, it identifies the request together with the TID, in place of batch, trace and date.
    std::string idem_key;
};

// "T:<tid>:<batch>:<trace>:<mmdd>" and "R:..." for its reversal; with an idempotency key
// "TH:<tid>:<key>" and "RH:<tid>:<key>", which no ISO 8583 key can equal.
std::string requestKey(const TerminalRef& ref);
std::string reversalKey(const TerminalRef& ref);

struct BalanceAnswer {
    Money balance = Money::zero(Currency::Cny);
    Money available = Money::zero(Currency::Cny);
};

struct AcceptanceDeps {
    const PinVerifier& pins;
    const Policies& policies;
};

// Balance inquiry: checks the card and the PIN (counting failures); changes nothing else.
Result<BalanceAnswer> balanceInquiry(StoreTx& tx, const TerminalRef& ref, const Bytes& pan_lookup,
                                     const std::optional<std::string>& pin, AcceptanceDeps deps,
                                     TimestampMs now_ms);

// Purchase: see spend_service.h purchase(); records the terminal's identity. Declines are
// recorded (so retries repeat them) and returned as a Declined transaction.
Result<CardTxn> terminalPurchase(StoreTx& tx, const TerminalRef& ref, const Bytes& pan_lookup,
                                 Money amount, const std::optional<std::string>& pin,
                                 AcceptanceDeps deps, TimestampMs now_ms);

// Pre-authorisation: places a hold of `amount` on the card (available balance drops, no entry).
Result<CardTxn> preAuthorize(StoreTx& tx, const TerminalRef& ref, const Bytes& pan_lookup,
                             Money amount, const std::optional<std::string>& pin,
                             AcceptanceDeps deps, TimestampMs now_ms);

// Completion of a hold by the pre-authorisation's transaction id (its reference number), for at
// most the hold; releases the whole hold and debits `amount`.
Result<CardTxn> completePreAuth(StoreTx& tx, const TerminalRef& ref, TxnId preauth_id, Money amount,
                                TimestampMs now_ms);
// Cancels a hold entirely.
Result<CardTxn> cancelPreAuth(StoreTx& tx, const TerminalRef& ref, TxnId preauth_id,
                              TimestampMs now_ms);

// Void (撤销) of a purchase or completion: same business day, same terminal, full amount,
// nothing refunded yet. Posts the original's opposite.
Result<CardTxn> voidTxn(StoreTx& tx, const TerminalRef& ref, TxnId original_id, Money amount,
                        TimestampMs now_ms);

// Refund (退货) at a terminal of the purchase's merchant, any later day, cumulative <= original.
Result<CardTxn> terminalRefund(StoreTx& tx, const TerminalRef& ref, TxnId original_id, Money amount,
                               TimestampMs now_ms);

// Reversal (冲正) of the request identified by `ref` (the original's batch, trace and date).
// Idempotent; succeeds when the original never arrived (and neutralises it if it comes later).
Result<CardTxn> reverse(StoreTx& tx, const TerminalRef& ref, TimestampMs now_ms);

struct SettlementAnswer {
    bool balanced = false;
    BatchTotals host;
};

// Batch settlement (结算): compares the terminal's totals with the host's for the batch; a
// mismatch is recorded as a reconciliation exception (the terminal then uploads its batch).
// Either way the terminal moves on to the next batch.
Result<SettlementAnswer> settleBatch(StoreTx& tx, const TerminalRef& ref,
                                     const BatchTotals& terminal, TimestampMs now_ms);

// Batch upload (批上送), after a settlement that did not balance: the terminal sends the
// batch's transactions, up to 8 per message. Each item is compared with the host's counted
// transaction of the same trace number and recorded; every difference becomes a reconciliation
// exception. A re-sent item is recorded once. Moves no money.
// Errors: NotPermitted if the batch (ref.batch_no) was never settled.
struct UploadAnswer {
    int recorded = 0;     // items new in this message
    int differences = 0;  // of which did not match the host
};
Result<UploadAnswer> recordBatchUpload(StoreTx& tx, const TerminalRef& ref,
                                       const std::vector<UploadedItem>& items, TimestampMs now_ms);

// The end of a batch upload, with the number of items the terminal sent: every host
// transaction of the batch the terminal did not upload, and a count that differs from what was
// received, become reconciliation exceptions (once; a re-sent end changes nothing).
// Errors: NotPermitted if the batch was never settled.
Result<UploadAnswer> endBatchUpload(StoreTx& tx, const TerminalRef& ref, int terminal_count,
                                    TimestampMs now_ms);

}  // namespace yika
