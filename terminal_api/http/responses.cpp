#include "terminal_api/http/responses.h"

#include "card_core/domain/assert.h"

#include <cstdio>

namespace yika::http {

namespace {

constexpr std::int64_t kReferenceLimit = 1'000'000'000'000;  // 12 digits

// A JSON object written member by member, in call order.
class JsonOut {
  public:
    JsonOut& str(std::string_view key, std::string_view value) {
        return raw(key, jsonString(value));
    }
    JsonOut& num(std::string_view key, std::int64_t value) {
        return raw(key, std::to_string(value));
    }
    JsonOut& raw(std::string_view key, std::string_view json) {
        text_ += text_.size() == 1 ? "" : ",";
        text_ += jsonString(key);
        text_ += ':';
        text_ += json;
        return *this;
    }
    std::string done() { return std::move(text_) + "}"; }

  private:
    std::string text_ = "{";
};

std::string zeroFilled(std::int64_t value, int width) {
    std::string digits = std::to_string(value);
    if (static_cast<int>(digits.size()) < width) {
        digits.insert(0, static_cast<std::size_t>(width) - digits.size(), '0');
    }
    return digits;
}

std::string errorObject(std::string_view code, std::string_view message) {
    return JsonOut().str("code", code).str("message", message).done();
}

bool hasAuthCode(TxnKind kind) {
    return kind == TxnKind::Purchase || kind == TxnKind::PreAuth ||
           kind == TxnKind::PreAuthCompletion;
}

Reply declinedTxnReply(const CardTxn& t, int batch_no) {
    Reply r;
    r.status = toHttpStatus(t.decline);
    JsonOut out;
    out.str("result", "declined").num("txn_id", t.id).str("reference", referenceNumber(t.id));
    out.num("batch_no", batch_no);
    out.raw("error", errorObject(toString(t.decline), declineMessage(t.decline)));
    r.body = out.done();
    return r;
}

Reply approvedTxnReply(const CardTxn& t, const OperationOutcome& o) {
    JsonOut out;
    out.str("result", "approved").num("txn_id", t.id).str("reference", referenceNumber(t.id));
    if (hasAuthCode(t.kind)) out.str("auth_code", authCode(t.id));
    if (t.original_id) out.num("original_txn_id", *t.original_id);
    out.num("amount_minor", t.amount.minor()).str("currency", currencyAlpha(t.amount.currency()));
    if (t.card_id != 0) {
        out.num("balance_minor", t.balance_after.minor());
        if (o.available) out.num("available_minor", o.available->minor());
    }
    out.num("batch_no", o.batch_no);
    Reply r;
    r.body = out.done();
    return r;
}

std::string totalsObject(const BatchTotals& t) {
    return JsonOut()
        .num("debit_minor", t.debit.minor())
        .num("debit_count", t.debit_count)
        .num("credit_minor", t.credit.minor())
        .num("credit_count", t.credit_count)
        .done();
}

}  // namespace

std::string referenceNumber(TxnId id) {
    YIKA_ASSERT(id > 0 && id < kReferenceLimit);
    return zeroFilled(id, 12);
}

std::string authCode(TxnId id) { return zeroFilled(id % 1'000'000, 6); }

std::string jsonString(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

Reply errorReply(const Problem& problem, std::int64_t retry_after_s) {
    Reply r;
    r.status = problem.status;
    JsonOut out;
    if (problem.status == 402) out.str("result", "declined");
    out.raw("error", errorObject(problem.code, problem.message));
    r.body = out.done();
    if (problem.status == 503) r.retry_after_s = retry_after_s;
    return r;
}

Reply outcomeReply(Operation op, const OperationOutcome& o, std::int64_t retry_after_s) {
    if (o.terminal_disabled) {
        return errorReply(problemOf(HttpError::TerminalDisabled, "the terminal is disabled"),
                          retry_after_s);
    }
    if (o.conflict) {
        return errorReply(problemOf(HttpError::IdempotencyConflict,
                                    "X-Yika-Idempotency-Key was already used for a different "
                                    "request"),
                          retry_after_s);
    }
    if (o.declined) return errorReply(problemOf(*o.declined), retry_after_s);
    Reply r;
    if (op == Operation::Balance) {
        YIKA_ASSERT(o.balance.has_value());
        r.body = JsonOut()
                     .str("result", "approved")
                     .num("balance_minor", o.balance->balance.minor())
                     .num("available_minor", o.balance->available.minor())
                     .str("currency", currencyAlpha(o.balance->balance.currency()))
                     .done();
        return r;
    }
    if (op == Operation::Settle) {
        YIKA_ASSERT(o.settlement.has_value());
        r.body = JsonOut()
                     .str("result", o.settlement->balanced ? "balanced" : "not_balanced")
                     .num("batch_no", o.batch_no)
                     .num("next_batch_no", o.next_batch_no)
                     .raw("host", totalsObject(o.settlement->host))
                     .done();
        return r;
    }
    YIKA_ASSERT(o.txn.has_value());
    r = o.txn->state == TxnState::Declined ? declinedTxnReply(*o.txn, o.batch_no)
                                           : approvedTxnReply(*o.txn, o);
    r.replayed = o.replayed;
    return r;
}

}  // namespace yika::http
