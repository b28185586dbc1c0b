#include "terminal_api/http/terminal_requests.h"

#include "card_core/domain/card_number.h"

#include <array>
#include <limits>
#include <utility>

namespace yika::http {

namespace {

constexpr std::array<std::pair<Operation, std::string_view>, 9> kPaths = {{
    {Operation::Balance, "/v1/terminal/balance"},
    {Operation::Purchase, "/v1/terminal/purchase"},
    {Operation::PreAuth, "/v1/terminal/preauth"},
    {Operation::PreAuthComplete, "/v1/terminal/preauth/complete"},
    {Operation::PreAuthCancel, "/v1/terminal/preauth/cancel"},
    {Operation::Void, "/v1/terminal/void"},
    {Operation::Refund, "/v1/terminal/refund"},
    {Operation::Reversal, "/v1/terminal/reversal"},
    {Operation::Settle, "/v1/terminal/settle"},
}};

constexpr std::int64_t kCountMax = 999;  // ISO 8583 field 48 counts are n3

Error invalid(std::string detail) {
    return makeError(ErrorCode::InvalidArgument, std::move(detail));
}

// Unwraps a field reader's result into `out`, or returns its error from the caller.
#define YIKA_FIELD(out, expr)                         \
    do {                                              \
        auto yika_field_ = (expr);                    \
        if (!yika_field_) return yika_field_.error(); \
        out = std::move(*yika_field_);                \
    } while (false)

Status readCard(const JsonObject& body, TerminalRequest& r) {
    std::optional<std::string> pan;
    YIKA_FIELD(pan, stringField(body, "pan", true));
    if (pan->size() < kPanDigitsMin || pan->size() > kPanDigitsMax || !isAllDigits(*pan)) {
        return invalid("pan: must be 13-19 digits");
    }
    r.pan = std::move(*pan);
    YIKA_FIELD(r.pin, stringField(body, "pin", false));
    if (r.pin && (r.pin->size() != kPinDigits || !isAllDigits(*r.pin))) {
        r.pin.reset();
        return invalid("pin: must be 6 digits");
    }
    return Ok{};
}

Result<Currency> readCurrency(const JsonObject& body) {
    std::optional<std::string> alpha;
    YIKA_FIELD(alpha, stringField(body, "currency", true));
    auto currency = currencyFromAlpha(*alpha);
    if (!currency) return invalid("currency: unknown ISO 4217 code");
    return *currency;
}

Result<Money> readAmount(const JsonObject& body, std::string_view name, std::int64_t min,
                         const HttpApiLimits& limits, Currency currency) {
    std::optional<std::int64_t> minor;
    YIKA_FIELD(minor, integerField(body, name, min, limits.amount_minor_max, true));
    return Money::fromMinor(*minor, currency);
}

Status readOriginal(const JsonObject& body, TerminalRequest& r) {
    std::optional<std::int64_t> id;
    YIKA_FIELD(id, integerField(body, "original_txn_id", 1,
                                std::numeric_limits<std::int64_t>::max(), true));
    r.original_id = *id;
    return Ok{};
}

Status readSettlement(const JsonObject& body, const HttpApiLimits& limits, TerminalRequest& r) {
    Currency currency = Currency::Cny;
    YIKA_FIELD(currency, readCurrency(body));
    std::optional<std::int64_t> batch;
    YIKA_FIELD(batch, integerField(body, "batch_no", 1, kBatchNoMax, true));
    r.batch_no = static_cast<int>(*batch);
    YIKA_FIELD(r.totals.debit, readAmount(body, "debit_minor", 0, limits, currency));
    YIKA_FIELD(r.totals.credit, readAmount(body, "credit_minor", 0, limits, currency));
    std::optional<std::int64_t> count;
    YIKA_FIELD(count, integerField(body, "debit_count", 0, kCountMax, true));
    r.totals.debit_count = static_cast<int>(*count);
    YIKA_FIELD(count, integerField(body, "credit_count", 0, kCountMax, true));
    r.totals.credit_count = static_cast<int>(*count);
    return Ok{};
}

Status readBody(Operation op, const JsonObject& body, const HttpApiLimits& limits,
                TerminalRequest& r) {
    switch (op) {
        case Operation::Balance:
            YIKA_TRY(onlyFields(body, {"pan", "pin"}));
            return readCard(body, r);
        case Operation::Purchase:
        case Operation::PreAuth: {
            YIKA_TRY(onlyFields(body, {"pan", "pin", "amount_minor", "currency"}));
            YIKA_TRY(readCard(body, r));
            Currency currency = Currency::Cny;
            YIKA_FIELD(currency, readCurrency(body));
            YIKA_FIELD(r.amount, readAmount(body, "amount_minor", 1, limits, currency));
            return Ok{};
        }
        case Operation::PreAuthComplete:
        case Operation::Void:
        case Operation::Refund: {
            YIKA_TRY(onlyFields(body, {"original_txn_id", "amount_minor", "currency"}));
            YIKA_TRY(readOriginal(body, r));
            Currency currency = Currency::Cny;
            YIKA_FIELD(currency, readCurrency(body));
            YIKA_FIELD(r.amount, readAmount(body, "amount_minor", 1, limits, currency));
            return Ok{};
        }
        case Operation::PreAuthCancel:
            YIKA_TRY(onlyFields(body, {"original_txn_id"}));
            return readOriginal(body, r);
        case Operation::Reversal: {
            YIKA_TRY(onlyFields(body, {"original_idempotency_key"}));
            std::optional<std::string> key;
            YIKA_FIELD(key, stringField(body, "original_idempotency_key", true));
            if (!isValidIdempotencyKey(*key)) {
                return invalid("original_idempotency_key: 1-64 characters of A-Z a-z 0-9 - _ . ~");
            }
            r.original_idem_key = std::move(*key);
            return Ok{};
        }
        case Operation::Settle:
            YIKA_TRY(onlyFields(body, {"batch_no", "currency", "debit_minor", "debit_count",
                                       "credit_minor", "credit_count"}));
            return readSettlement(body, limits, r);
    }
    return invalid("body: unknown operation");
}

#undef YIKA_FIELD

}  // namespace

std::string_view pathOf(Operation op) {
    for (const auto& [o, path] : kPaths) {
        if (o == op) return path;
    }
    return {};
}

std::optional<Operation> operationForPath(std::string_view path) {
    for (const auto& [op, p] : kPaths) {
        if (p == path) return op;
    }
    return std::nullopt;
}

bool needsIdempotencyKey(Operation op) {
    return op != Operation::Balance && op != Operation::Reversal && op != Operation::Settle;
}

std::optional<TxnKind> txnKindOf(Operation op) {
    switch (op) {
        case Operation::Purchase:
            return TxnKind::Purchase;
        case Operation::PreAuth:
            return TxnKind::PreAuth;
        case Operation::PreAuthComplete:
            return TxnKind::PreAuthCompletion;
        case Operation::PreAuthCancel:
            return TxnKind::PreAuthCancel;
        case Operation::Void:
            return TxnKind::Void;
        case Operation::Refund:
            return TxnKind::Refund;
        case Operation::Reversal:
            return TxnKind::Reversal;
        case Operation::Balance:
        case Operation::Settle:
            return std::nullopt;
    }
    return std::nullopt;
}

bool isValidIdempotencyKey(std::string_view key) {
    if (key.size() < kIdempotencyKeyCharsMin || key.size() > kIdempotencyKeyCharsMax) return false;
    for (char c : key) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.' || c == '~';
        if (!ok) return false;
    }
    return true;
}

Result<TerminalRequest> parseTerminalRequest(Operation op, const JsonObject& body,
                                             const HttpApiLimits& limits) {
    TerminalRequest r;
    r.op = op;
    YIKA_TRY(readBody(op, body, limits, r));
    return r;
}

}  // namespace yika::http
