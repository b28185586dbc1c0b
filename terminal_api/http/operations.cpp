#include "terminal_api/http/operations.h"

#include "card_core/domain/assert.h"

namespace yika::http {

namespace {

TerminalRef refOf(const OperationInput& in, int batch_no) {
    TerminalRef ref;
    ref.terminal_id = in.terminal_id;
    ref.tid = in.tid;
    ref.merchant_id = in.merchant_id;
    ref.batch_no = batch_no;
    ref.idem_key =
        in.request.op == Operation::Reversal ? in.request.original_idem_key : in.idem_key;
    return ref;
}

// Whether `first`, found under this request's key, answers this same request. A client that
// reuses a key for another request must hear so instead of getting an unrelated answer.
bool sameRequest(StoreTx& tx, const CardTxn& first, const OperationInput& in) {
    const TerminalRequest& r = in.request;
    if (first.kind != txnKindOf(r.op)) return false;
    switch (r.op) {
        case Operation::Purchase:
        case Operation::PreAuth: {
            auto card = tx.cardByLookup(in.pan_lookup);
            return card && card->id == first.card_id && first.amount == r.amount;
        }
        case Operation::PreAuthCancel:
            return first.original_id == r.original_id;
        case Operation::PreAuthComplete:
        case Operation::Void:
        case Operation::Refund:
            return first.original_id == r.original_id && first.amount == r.amount;
        case Operation::Balance:
        case Operation::Reversal:
        case Operation::Settle:
            return true;
    }
    return false;
}

Result<CardTxn> runCardTxn(StoreTx& tx, const OperationInput& in, const TerminalRef& ref,
                           AcceptanceDeps deps) {
    const TerminalRequest& r = in.request;
    switch (r.op) {
        case Operation::Purchase:
            return terminalPurchase(tx, ref, in.pan_lookup, r.amount, r.pin, deps, in.now_ms);
        case Operation::PreAuth:
            return preAuthorize(tx, ref, in.pan_lookup, r.amount, r.pin, deps, in.now_ms);
        case Operation::PreAuthComplete:
            return completePreAuth(tx, ref, r.original_id, r.amount, in.now_ms);
        case Operation::PreAuthCancel:
            return cancelPreAuth(tx, ref, r.original_id, in.now_ms);
        case Operation::Void:
            return voidTxn(tx, ref, r.original_id, r.amount, in.now_ms);
        case Operation::Refund:
            return terminalRefund(tx, ref, r.original_id, r.amount, in.now_ms);
        case Operation::Reversal:
            return reverse(tx, ref, in.now_ms);
        case Operation::Balance:
        case Operation::Settle:
            break;
    }
    YIKA_ASSERT(false && "not a card transaction");
    return makeError(ErrorCode::InvalidArgument, "not a card transaction");
}

// Settlement closes the batch the terminal reports and, when that is its current batch, moves
// the terminal to the next one (1-999999, wrapping, as ISO 8583 field 60.2). Settling an earlier
// batch again is a retry: the same comparison, no second reconciliation exception.
Result<OperationOutcome> runSettle(StoreTx& tx, const OperationInput& in, Terminal& terminal,
                                   OperationOutcome out) {
    const TerminalRequest& r = in.request;
    if (r.batch_no > terminal.batch_no) {
        return makeError(ErrorCode::InvalidArgument,
                         "batch_no: the terminal is in batch " + std::to_string(terminal.batch_no));
    }
    auto answer = settleBatch(tx, refOf(in, r.batch_no), r.totals, in.now_ms);
    if (!answer) return answer.error();
    if (r.batch_no == terminal.batch_no) {
        terminal.batch_no = terminal.batch_no % kBatchNoMax + 1;
        tx.updateTerminal(terminal);
    }
    out.settlement = *answer;
    out.batch_no = r.batch_no;
    out.next_batch_no = terminal.batch_no;
    return out;
}

}  // namespace

Result<OperationOutcome> runOperation(StoreTx& tx, const OperationInput& in, AcceptanceDeps deps) {
    const TerminalRequest& r = in.request;
    YIKA_ASSERT(!needsIdempotencyKey(r.op) || !in.idem_key.empty());
    OperationOutcome out;
    // The terminal row is read here, inside the transaction, for its current batch: the cached
    // copy the request thread authenticated with may be older.
    auto terminal = tx.terminal(in.terminal_id);
    if (!terminal || terminal->state != TerminalState::Active) {
        out.terminal_disabled = true;
        return out;
    }
    out.batch_no = terminal->batch_no;
    if (r.op == Operation::Settle) return runSettle(tx, in, *terminal, out);
    TerminalRef ref = refOf(in, terminal->batch_no);
    if (r.op == Operation::Balance) {
        auto answer = balanceInquiry(tx, ref, in.pan_lookup, r.pin, deps, in.now_ms);
        // A refused inquiry is returned as a value, not an error, so that the commit queue keeps
        // what it wrote: the wrong-PIN counter. Returned as an error, the savepoint would be
        // rolled back and PINs could be guessed through balance inquiries without limit.
        if (!answer) {
            out.declined = answer.error();
        } else {
            out.balance = *answer;
            out.available = answer->available;
        }
        return out;
    }
    std::string key = r.op == Operation::Reversal ? reversalKey(ref) : requestKey(ref);
    if (auto first = tx.txnByIdemKey(key)) {
        out.replayed = true;
        if (!sameRequest(tx, *first, in)) {
            out.conflict = true;
            return out;
        }
    }
    auto txn = runCardTxn(tx, in, ref, deps);
    if (!txn) return txn.error();
    if (txn->card_id != 0) {
        if (auto card = tx.card(txn->card_id)) out.available = card->available();
    }
    out.batch_no = txn->batch_no;  // a replay's batch is the first answer's
    out.txn = std::move(*txn);
    return out;
}

}  // namespace yika::http
