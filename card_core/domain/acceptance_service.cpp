#include "card_core/domain/acceptance_service.h"

#include "card_core/domain/postings.h"

#include <algorithm>

namespace yika {

std::string requestKey(const TerminalRef& ref) {
    if (!ref.idem_key.empty()) return "TH:" + ref.tid + ":" + ref.idem_key;
    return "T:" + ref.tid + ":" + std::to_string(ref.batch_no) + ":" +
           std::to_string(ref.trace_no) + ":" + ref.terminal_date;
}

std::string reversalKey(const TerminalRef& ref) { return "R" + requestKey(ref).substr(1); }

namespace {

CardTxn terminalTxn(TxnKind kind, const TerminalRef& ref, const Card& card, Money amount, Date day,
                    TimestampMs now_ms) {
    CardTxn t;
    t.kind = kind;
    t.card_id = card.id;
    t.merchant_id = ref.merchant_id;
    t.amount = amount;
    t.refunded = Money::zero(amount.currency());
    t.hold_open = t.refunded;
    t.idem_key = requestKey(ref);
    t.business_date = day;
    t.at_ms = now_ms;
    t.terminal_id = ref.terminal_id;
    t.batch_no = ref.batch_no;
    t.trace_no = ref.trace_no;
    t.balance_after = card.balance;
    return t;
}

std::vector<JournalLine> spendLines(CardId card, MerchantId merchant, Money amount) {
    return {{cardAccount(card), Side::Debit, amount},
            {merchantPending(merchant), Side::Credit, amount}};
}

// The lines an original posted, if any, reversed.
std::vector<JournalLine> oppositeOf(const CardTxn& original) {
    return reversedLines(spendLines(original.card_id, *original.merchant_id, original.amount));
}

Result<CardTxn> authorizeAt(StoreTx& tx, const TerminalRef& ref, const Bytes& pan_lookup,
                            Money amount, const std::optional<std::string>& pin, bool hold,
                            AcceptanceDeps deps, TimestampMs now_ms) {
    if (auto first = tx.txnByIdemKey(requestKey(ref))) return *first;
    auto card = tx.cardByLookup(pan_lookup);
    if (!card) return makeError(ErrorCode::CardNotFound, "unknown card");
    if (tx.txnByIdemKey(reversalKey(ref))) {
        // The terminal already reversed this request: it arrived late and must do nothing.
        CardTxn late = terminalTxn(hold ? TxnKind::PreAuth : TxnKind::Purchase, ref, *card, amount,
                                   tx.businessDate(), now_ms);
        late.state = TxnState::Declined;
        late.decline = ErrorCode::Duplicate;
        late.id = tx.insertTxn(late);
        return late;
    }
    PurchaseRequest request{card->id, ref.merchant_id, amount,       requestKey(ref), pin,
                            hold,     ref.terminal_id, ref.batch_no, ref.trace_no};
    // The request key was looked up first thing above, and the card read.
    return purchaseLoaded(tx, request, std::move(*card), deps.pins, deps.policies, now_ms);
}

Result<CardTxn> findOriginal(StoreTx& tx, const TerminalRef& ref, TxnId id) {
    auto original = tx.txn(id);
    if (!original || original->merchant_id != ref.merchant_id) {
        return makeError(ErrorCode::OriginalNotFound, "no such transaction at this merchant");
    }
    return *original;
}

}  // namespace

Result<BalanceAnswer> balanceInquiry(StoreTx& tx, const TerminalRef& ref, const Bytes& pan_lookup,
                                     const std::optional<std::string>& pin, AcceptanceDeps deps,
                                     TimestampMs now_ms) {
    auto card = tx.cardByLookup(pan_lookup);
    if (!card) return makeError(ErrorCode::CardNotFound, "unknown card");
    auto product = tx.product(card->product_id);
    auto merchant = tx.merchant(ref.merchant_id);
    YIKA_ASSERT(product && merchant);
    if (pin) {
        Status checked = checkPin(*card, *pin, deps.pins, deps.policies.pin, now_ms);
        tx.updateCard(*card);  // keeps the failure counter, or its reset
        if (!checked) return checked.error();
    } else if (card->pin_locked_until_ms > now_ms) {
        return makeError(ErrorCode::PinLocked, "PIN tries exceeded");
    }
    if (card->state == CardState::Frozen) return makeError(ErrorCode::CardFrozen, "card is frozen");
    if (card->state == CardState::Expired)
        return makeError(ErrorCode::CardExpired, "card has expired");
    if (card->state != CardState::Active)
        return makeError(ErrorCode::CardNotActive, "card is not active");
    if (!inAcceptanceScope(*product, *merchant)) {
        return makeError(ErrorCode::OutOfScope, "card is not accepted at this merchant");
    }
    return BalanceAnswer{card->balance, card->available()};
}

Result<CardTxn> terminalPurchase(StoreTx& tx, const TerminalRef& ref, const Bytes& pan_lookup,
                                 Money amount, const std::optional<std::string>& pin,
                                 AcceptanceDeps deps, TimestampMs now_ms) {
    return authorizeAt(tx, ref, pan_lookup, amount, pin, false, deps, now_ms);
}

Result<CardTxn> preAuthorize(StoreTx& tx, const TerminalRef& ref, const Bytes& pan_lookup,
                             Money amount, const std::optional<std::string>& pin,
                             AcceptanceDeps deps, TimestampMs now_ms) {
    return authorizeAt(tx, ref, pan_lookup, amount, pin, true, deps, now_ms);
}

Result<CardTxn> completePreAuth(StoreTx& tx, const TerminalRef& ref, TxnId preauth_id, Money amount,
                                TimestampMs now_ms) {
    if (auto first = tx.txnByIdemKey(requestKey(ref))) return *first;
    auto hold = findOriginal(tx, ref, preauth_id);
    if (!hold) return hold.error();
    if (hold->kind != TxnKind::PreAuth || hold->state != TxnState::Approved ||
        hold->hold_open.isZero()) {
        return makeError(ErrorCode::OriginalNotFound, "no open pre-authorisation");
    }
    if (!amount.isPositive() || amount.currency() != hold->amount.currency() ||
        amount.minor() > hold->hold_open.minor()) {
        return makeError(ErrorCode::InvalidAmount,
                         "completion must be positive and at most the hold");
    }
    auto card = tx.card(hold->card_id);
    YIKA_ASSERT(card.has_value());
    // Release the whole hold, then take the completed amount; the hold guaranteed it.
    card->held = *card->held.minus(hold->hold_open);
    card->balance = *card->balance.minus(amount);
    YIKA_ASSERT(!card->balance.isNegative() && !card->held.isNegative());
    tx.updateCard(*card);
    hold->hold_open = Money::zero(amount.currency());
    tx.updateTxn(*hold);
    CardTxn done =
        terminalTxn(TxnKind::PreAuthCompletion, ref, *card, amount, tx.businessDate(), now_ms);
    done.original_id = hold->id;
    return insertTxnWithEntry(tx, done, spendLines(card->id, ref.merchant_id, amount));
}

Result<CardTxn> cancelPreAuth(StoreTx& tx, const TerminalRef& ref, TxnId preauth_id,
                              TimestampMs now_ms) {
    if (auto first = tx.txnByIdemKey(requestKey(ref))) return *first;
    auto hold = findOriginal(tx, ref, preauth_id);
    if (!hold) return hold.error();
    if (hold->kind != TxnKind::PreAuth || hold->state != TxnState::Approved ||
        hold->hold_open.isZero()) {
        return makeError(ErrorCode::OriginalNotFound, "no open pre-authorisation");
    }
    auto card = tx.card(hold->card_id);
    YIKA_ASSERT(card.has_value());
    Money released = hold->hold_open;
    card->held = *card->held.minus(released);
    tx.updateCard(*card);
    hold->hold_open = Money::zero(released.currency());
    tx.updateTxn(*hold);
    CardTxn cancel =
        terminalTxn(TxnKind::PreAuthCancel, ref, *card, released, tx.businessDate(), now_ms);
    cancel.original_id = hold->id;
    cancel.id = tx.insertTxn(cancel);
    return cancel;
}

Result<CardTxn> voidTxn(StoreTx& tx, const TerminalRef& ref, TxnId original_id, Money amount,
                        TimestampMs now_ms) {
    if (auto first = tx.txnByIdemKey(requestKey(ref))) return *first;
    auto original = findOriginal(tx, ref, original_id);
    if (!original) return original.error();
    Date today = tx.businessDate();
    bool voidable =
        (original->kind == TxnKind::Purchase || original->kind == TxnKind::PreAuthCompletion) &&
        original->state == TxnState::Approved && original->terminal_id == ref.terminal_id;
    if (!voidable)
        return makeError(ErrorCode::OriginalNotFound, "no voidable transaction on this terminal");
    if (original->business_date != today) {
        return makeError(ErrorCode::NotPermitted,
                         "a void is only possible on the same business day; refund instead");
    }
    if (amount != original->amount || !original->refunded.isZero()) {
        return makeError(ErrorCode::InvalidAmount,
                         "a void is for the full amount of an unrefunded transaction");
    }
    auto card = tx.card(original->card_id);
    YIKA_ASSERT(card.has_value());
    card->balance = *card->balance.plus(amount);
    if (card->spend_day == today && original->kind == TxnKind::Purchase) {
        card->spent_today = *card->spent_today.minus(amount);
        card->count_today -= 1;
    }
    tx.updateCard(*card);
    original->state = TxnState::Reversed;
    tx.updateTxn(*original);
    CardTxn v = terminalTxn(TxnKind::Void, ref, *card, amount, today, now_ms);
    v.original_id = original->id;
    return insertTxnWithEntry(tx, v, oppositeOf(*original));
}

Result<CardTxn> terminalRefund(StoreTx& tx, const TerminalRef& ref, TxnId original_id, Money amount,
                               TimestampMs now_ms) {
    if (auto first = tx.txnByIdemKey(requestKey(ref))) return *first;
    auto original = findOriginal(tx, ref, original_id);
    if (!original) return original.error();
    if (original->kind != TxnKind::Purchase && original->kind != TxnKind::PreAuthCompletion) {
        return makeError(ErrorCode::OriginalNotFound, "only purchases are refunded");
    }
    if (!original->terminal_id) {
        // An online payment leg: refunded through its payment order, which tracks what each leg
        // still holds. Refunded here, the order would later try to give back more than its legs
        // have left (design section 5: refunds go back to the cards the payment came from).
        return makeError(ErrorCode::OriginalNotFound,
                         "an online payment is refunded through its order, not at a terminal");
    }
    RefundRequest request;
    request.original_id = original_id;
    request.amount = amount;
    request.idem_key = requestKey(ref);
    request.terminal_id = ref.terminal_id;
    request.batch_no = ref.batch_no;
    request.trace_no = ref.trace_no;
    return refund(tx, request, now_ms);
}

namespace {

// Undoes an approved original; returns the lines to post (possibly none).
Result<std::vector<JournalLine>> undo(StoreTx& tx, CardTxn& original, Date today) {
    auto card = tx.card(original.card_id);
    YIKA_ASSERT(card.has_value());
    std::vector<JournalLine> lines;
    switch (original.kind) {
        case TxnKind::Purchase:
        case TxnKind::PreAuthCompletion:
            if (!original.refunded.isZero()) {
                return makeError(ErrorCode::NotPermitted, "the original was partly refunded");
            }
            card->balance = *card->balance.plus(original.amount);
            // The day's counters give back only what they counted: a purchase of an earlier
            // business day (reversed after the cut-off) is not in today's spend and count, and
            // taking it off would let the card spend past its daily limits.
            if (card->spend_day == today && original.business_date == today &&
                original.kind == TxnKind::Purchase) {
                card->spent_today = *card->spent_today.minus(original.amount);
                card->count_today -= 1;
            }
            lines = oppositeOf(original);
            break;
        case TxnKind::PreAuth:
            card->held = *card->held.minus(original.hold_open);
            original.hold_open = Money::zero(original.amount.currency());
            break;
        default:
            return makeError(ErrorCode::NotPermitted, "this transaction cannot be reversed");
    }
    tx.updateCard(*card);
    original.state = TxnState::Reversed;
    tx.updateTxn(original);
    return lines;
}

}  // namespace

Result<CardTxn> reverse(StoreTx& tx, const TerminalRef& ref, TimestampMs now_ms) {
    if (auto first = tx.txnByIdemKey(reversalKey(ref))) return *first;
    Date today = tx.businessDate();
    auto original = tx.txnByIdemKey(requestKey(ref));
    CardTxn rev;
    rev.kind = TxnKind::Reversal;
    rev.idem_key = reversalKey(ref);
    rev.business_date = today;
    rev.at_ms = now_ms;
    rev.terminal_id = ref.terminal_id;
    rev.batch_no = ref.batch_no;
    rev.trace_no = ref.trace_no;
    rev.merchant_id = ref.merchant_id;
    if (!original || original->state != TxnState::Approved) {
        // Never arrived (a tombstone that neutralises it if it comes), declined, or already
        // undone: the reversal succeeds and changes nothing.
        if (original) {
            rev.card_id = original->card_id;
            rev.amount = original->amount;
            rev.original_id = original->id;
        }
        rev.refunded = Money::zero(rev.amount.currency());
        rev.hold_open = rev.refunded;
        rev.balance_after = rev.refunded;
        rev.id = tx.insertTxn(rev);
        return rev;
    }
    auto lines = undo(tx, *original, today);
    if (!lines) return lines.error();
    auto card = tx.card(original->card_id);
    rev.card_id = original->card_id;
    rev.amount = original->amount;
    rev.original_id = original->id;
    rev.refunded = Money::zero(rev.amount.currency());
    rev.hold_open = rev.refunded;
    rev.balance_after = card->balance;
    if (lines->empty()) {
        rev.id = tx.insertTxn(rev);
        return rev;
    }
    return insertTxnWithEntry(tx, rev, std::move(*lines));
}

Result<SettlementAnswer> settleBatch(StoreTx& tx, const TerminalRef& ref,
                                     const BatchTotals& terminal, TimestampMs now_ms) {
    BatchTotals host = tx.hostBatchTotals(ref.terminal_id, ref.batch_no);
    bool balanced = host == terminal;
    bool first_time = tx.insertTerminalBatch(ref.terminal_id, ref.batch_no, tx.businessDate(), host,
                                             terminal, now_ms);
    if (!balanced && first_time) {
        tx.insertReconException(
            "terminal_batch", ref.tid + ":" + std::to_string(ref.batch_no),
            "terminal totals debit " + terminal.debit.toDecimal() + "/" +
                std::to_string(terminal.debit_count) + " credit " + terminal.credit.toDecimal() +
                "/" + std::to_string(terminal.credit_count) + " vs host debit " +
                host.debit.toDecimal() + "/" + std::to_string(host.debit_count) + " credit " +
                host.credit.toDecimal() + "/" + std::to_string(host.credit_count),
            now_ms);
    }
    return SettlementAnswer{balanced, host};
}

namespace {

std::string uploadReference(const TerminalRef& ref, int trace_no) {
    return ref.tid + ":" + std::to_string(ref.batch_no) + ":" + std::to_string(trace_no);
}

Status requireSettled(StoreTx& tx, const TerminalRef& ref) {
    if (!tx.terminalBatchSettled(ref.terminal_id, ref.batch_no)) {
        return makeError(ErrorCode::NotPermitted,
                         "batch " + std::to_string(ref.batch_no) + " was not settled");
    }
    return Ok{};
}

}  // namespace

Result<UploadAnswer> recordBatchUpload(StoreTx& tx, const TerminalRef& ref,
                                       const std::vector<UploadedItem>& items, TimestampMs now_ms) {
    if (Status settled = requireSettled(tx, ref); !settled) return settled.error();
    const std::vector<CardTxn> host = tx.countedBatchTxns(ref.terminal_id, ref.batch_no);
    UploadAnswer answer;
    for (const UploadedItem& item : items) {
        auto same_trace = std::find_if(host.begin(), host.end(), [&](const CardTxn& t) {
            return t.trace_no == item.trace_no;
        });
        UploadMatch match = UploadMatch::Matched;
        std::optional<TxnId> host_txn;
        std::string detail = item.masked_pan + " " + item.amount.toDecimal();
        if (same_trace == host.end()) {
            match = UploadMatch::NotAtHost;
        } else {
            host_txn = same_trace->id;
            auto card = tx.cardByLookup(item.pan_lookup);
            if (!card || card->id != same_trace->card_id) {
                match = UploadMatch::CardDiffers;
            } else if (item.amount != same_trace->amount) {
                match = UploadMatch::AmountDiffers;
            }
            detail += " vs host txn " + std::to_string(same_trace->id) + " " +
                      same_trace->amount.toDecimal();
        }
        if (!tx.insertBatchUploadItem(ref.terminal_id, ref.batch_no, item, host_txn, match,
                                      now_ms)) {
            continue;  // re-sent
        }
        ++answer.recorded;
        if (match != UploadMatch::Matched) {
            ++answer.differences;
            tx.insertReconException("batch_item", uploadReference(ref, item.trace_no),
                                    std::string(toString(match)) + ": " + detail, now_ms);
        }
    }
    return answer;
}

Result<UploadAnswer> endBatchUpload(StoreTx& tx, const TerminalRef& ref, int terminal_count,
                                    TimestampMs now_ms) {
    if (Status settled = requireSettled(tx, ref); !settled) return settled.error();
    UploadAnswer answer;
    if (!tx.endBatchUpload(ref.terminal_id, ref.batch_no, terminal_count, now_ms)) {
        return answer;  // re-sent
    }
    std::vector<int> uploaded = tx.uploadedTraces(ref.terminal_id, ref.batch_no);
    std::sort(uploaded.begin(), uploaded.end());
    for (const CardTxn& t : tx.countedBatchTxns(ref.terminal_id, ref.batch_no)) {
        if (std::binary_search(uploaded.begin(), uploaded.end(), t.trace_no)) continue;
        ++answer.differences;
        tx.insertReconException("batch_item", uploadReference(ref, t.trace_no),
                                std::string(toString(UploadMatch::NotAtTerminal)) + ": host txn " +
                                    std::to_string(t.id) + " " + t.amount.toDecimal(),
                                now_ms);
    }
    if (static_cast<std::size_t>(terminal_count) != uploaded.size()) {
        ++answer.differences;
        tx.insertReconException("batch_upload", ref.tid + ":" + std::to_string(ref.batch_no),
                                "terminal counted " + std::to_string(terminal_count) +
                                    " uploaded items, host received " +
                                    std::to_string(uploaded.size()),
                                now_ms);
    }
    return answer;
}

}  // namespace yika
