#include "terminal_api/pos/pos_service.h"

#include "card_core/domain/acceptance_service.h"
#include "card_core/domain/card_number.h"
#include "ops/log/json_log.h"
#include "ops/metrics/yika_metrics.h"
#include "terminal_api/iso8583/mandatory.h"
#include "terminal_api/iso8583/subfields.h"
#include "terminal_api/pos/response_mapping.h"

#include <cstdio>

namespace yika::pos {

using iso8583::Field;
using iso8583::Message;
using iso8583::ResponseCode;
using iso8583::TransactionType;

struct PosService::Pending {
    ConnectionId conn = 0;
    Message request;
    TransactionType type = TransactionType::EchoTest;
    TerminalRef ref;
    std::string pan;
    Bytes lookup;
    std::optional<std::string> pin;
    Money amount = Money::zero(Currency::Cny);
    TxnId original_id = 0;
    BatchTotals reported;
    std::vector<UploadedItem> upload;  // batch upload (0320, 201)
    int upload_count = 0;              // batch upload end (0320, 202)
    crypto::SessionNonce nonce{};
    // Results, written by the work on the writer thread.
    std::optional<CardTxn> txn;
    std::optional<BalanceAnswer> balance;
    std::optional<SettlementAnswer> settlement;
    std::optional<Error> error;
    int batch_no = 0;
    std::int64_t received_ns = 0;  // metrics (issue 8): latency from receipt to answer
};

namespace {

int digitsToInt(std::string_view digits) {
    int value = 0;
    for (char c : digits) value = value * 10 + (c - '0');
    return value;
}

std::string padded(std::int64_t value, int width) {
    std::string s = std::to_string(value);
    if (static_cast<int>(s.size()) < width)
        s.insert(0, static_cast<std::size_t>(width) - s.size(), '0');
    return s.substr(s.size() - static_cast<std::size_t>(width));
}

// The card number from field 2, else from track 2 (field 35) before the separator.
std::string panOf(const Message& m) {
    if (auto pan = m.find(Field::Pan)) return std::string(*pan);
    std::string_view track = m.get(Field::Track2);
    return std::string(track.substr(0, track.find('=')));
}

bool requiresMac(TransactionType t) {
    return t != TransactionType::SignOn && t != TransactionType::SignOff &&
           t != TransactionType::EchoTest;
}

Result<TxnId> originalReference(const Message& m) {
    auto rrn = m.find(Field::RetrievalReference);
    if (!rrn || !isAllDigits(*rrn)) {
        return makeError(ErrorCode::OriginalNotFound,
                         "field 37 must carry the original's reference");
    }
    return static_cast<TxnId>(std::stoll(std::string(*rrn)));
}

// The original of a void, refund or pre-authorisation follow-up: by its reference number (field
// 37) when the terminal sends it, else by its identity on this terminal (field 61: original
// batch and trace), checked against the authorization id (field 38) when present.
Result<TxnId> findOriginal(StoreTx& tx, const TerminalRef& ref, const Message& m) {
    if (m.has(Field::RetrievalReference)) return originalReference(m);
    auto f61 = iso8583::parseField61(m.get(Field::OriginalData));
    if (!f61) return makeError(ErrorCode::OriginalNotFound, "field 61 must name the original");
    TerminalRef original = ref;
    original.batch_no = digitsToInt(f61->original_batch);
    original.trace_no = digitsToInt(f61->original_trace);
    auto txn = tx.txnByIdemKey(requestKey(original));
    if (!txn || (m.has(Field::AuthorizationId) &&
                 padded(txn->id % 1000000, 6) != m.get(Field::AuthorizationId))) {
        return makeError(ErrorCode::OriginalNotFound, "no such original on this terminal");
    }
    return txn->id;
}

}  // namespace

PosService::PosService(PosDeps deps, FrameSink& sink) : deps_(deps), sink_(sink) {}

void PosService::answerNow(ConnectionId id, const Message& request, ResponseCode code) {
    metrics::yikaMetrics().iso8583.responses.add(iso8583::wireCode(code));  // issue 8
    Message response = iso8583::makeResponse(request);
    response.setResponseCode(code);
    sink_.reply(id, iso8583::encode(response));
}

void PosService::onFrame(ConnectionId id, std::span<const std::uint8_t> body) {
    stats_.requests.fetch_add(1, std::memory_order_relaxed);
    // --- operations (issue 8): while draining for shutdown, take no new work; the terminal
    // sees the connection close unanswered and reverses or retries after the restart.
    if (draining_.load(std::memory_order_relaxed)) {
        sink_.close(id);
        return;
    }
    auto p = std::make_shared<Pending>();
    p->conn = id;
    p->received_ns = metrics::steadyNowNs();
    if (Status decoded = iso8583::decodeInto(body, deps_.limits, p->request); !decoded) {
        stats_.undecodable.fetch_add(1, std::memory_order_relaxed);
        sink_.close(id);
        return;
    }
    const Message& m = p->request;
    auto type = iso8583::classify(m);
    if (!type || !iso8583::checkMandatory(m)) {
        stats_.format_errors.fetch_add(1, std::memory_order_relaxed);
        answerNow(id, m, ResponseCode::FormatError);
        return;
    }
    p->type = *type;
    std::string_view tid = m.get(Field::TerminalId);
    auto terminal = deps_.terminals.find(tid);
    if (!terminal || !terminal->active || terminal->mid != m.get(Field::MerchantId)) {
        answerNow(id, m, ResponseCode::DoNotHonor);
        return;
    }
    if (p->type == TransactionType::EchoTest || p->type == TransactionType::SignOff) {
        answerNow(id, m, ResponseCode::Approved);
        return;
    }
    if (requiresMac(p->type)) {
        auto input = iso8583::macInput(body);
        if (!input || !m.has(Field::Mac) ||
            !deps_.terminals.verifyMac(
                tid, *input,
                std::span(reinterpret_cast<const std::uint8_t*>(m.get(Field::Mac).data()),
                          m.get(Field::Mac).size()))) {
            stats_.mac_failures.fetch_add(1, std::memory_order_relaxed);
            answerNow(id, m, ResponseCode::MacFailure);
            return;
        }
    }
    auto f60 = iso8583::parseField60(m.get(Field::Reserved60));
    p->ref.terminal_id = terminal->id;
    p->ref.tid = std::string(tid);
    p->ref.merchant_id = terminal->merchant_id;
    p->ref.batch_no = f60 ? digitsToInt(f60->batch_number) : 0;
    p->ref.trace_no = m.has(Field::Trace) ? static_cast<int>(*m.trace()) : 0;
    if (m.has(Field::Amount)) {
        auto amount = m.amount();
        if (!amount) {
            answerNow(id, m, ResponseCode::InvalidAmount);
            return;
        }
        p->amount = *amount;
    }
    if (m.has(Field::Pan) || m.has(Field::Track2)) {
        p->pan = panOf(m);
        if (!validatePanFormat(p->pan)) {
            answerNow(id, m, ResponseCode::InvalidCard);
            return;
        }
        p->lookup = deps_.vault.lookupHash(p->pan);
    }
    if (m.has(Field::PinData) && m.get(Field::SecurityControl) != crypto::kPinSecurityControl) {
        // Only the PIN block scheme of the protocol document is understood.
        stats_.format_errors.fetch_add(1, std::memory_order_relaxed);
        answerNow(id, m, ResponseCode::FormatError);
        return;
    }
    if (m.has(Field::PinData)) {
        crypto::PinBlockContext context{tid, f60 ? f60->batch_number : std::string_view{},
                                        m.get(Field::Trace)};
        std::string_view block = m.get(Field::PinData);
        // A block that does not decrypt to a well-formed PIN counts as a wrong PIN.
        p->pin = deps_.terminals
                     .decryptPin(context,
                                 std::span(reinterpret_cast<const std::uint8_t*>(block.data()),
                                           block.size()),
                                 p->pan)
                     .value_or("x");
    }
    if (p->type == TransactionType::SignOn) {
        p->nonce = crypto::generateSessionNonce();
    }
    if (p->type == TransactionType::BatchSettlement) {
        auto totals = iso8583::parseSettlementTotals(m.get(Field::AdditionalData));
        if (!totals) {
            answerNow(id, m, ResponseCode::FormatError);
            return;
        }
        p->reported.debit = Money::fromMinor(totals->debit_amount_minor, Currency::Cny);
        p->reported.debit_count = static_cast<int>(totals->debit_count);
        p->reported.credit = Money::fromMinor(totals->credit_amount_minor, Currency::Cny);
        p->reported.credit_count = static_cast<int>(totals->credit_count);
    }
    if (p->type == TransactionType::BatchUpload) {
        auto items = iso8583::parseBatchUpload(m.get(Field::AdditionalData));
        if (!items) {
            stats_.format_errors.fetch_add(1, std::memory_order_relaxed);
            answerNow(id, m, ResponseCode::FormatError);
            return;
        }
        for (const iso8583::BatchUploadItem& item : *items) {
            if (!validatePanFormat(item.pan)) {
                answerNow(id, m, ResponseCode::InvalidCard);
                return;
            }
            p->upload.push_back(UploadedItem{digitsToInt(item.trace),
                                             deps_.vault.lookupHash(item.pan), maskPan(item.pan),
                                             Money::fromMinor(item.amount_minor, Currency::Cny)});
        }
    }
    if (p->type == TransactionType::BatchUploadEnd) {
        std::string_view count = m.get(Field::AdditionalData);
        if (count.size() != 4 || !isAllDigits(count)) {
            stats_.format_errors.fetch_add(1, std::memory_order_relaxed);
            answerNow(id, m, ResponseCode::FormatError);
            return;
        }
        p->upload_count = digitsToInt(count);
    }
    submit(std::move(p));
}

void PosService::submit(std::shared_ptr<Pending> p) {
    AcceptanceDeps deps{deps_.pins, deps_.policies};
    const Clock& clock = deps_.clock;
    auto work = [p, deps, &clock](StoreTx& tx) -> Status {
        TimestampMs now = clock.nowMs();
        // A refused operation rolls back whatever it wrote (its savepoint); a decline recorded
        // as a transaction (purchase with a wrong PIN, over a limit) is a success here.
        Status result = Ok{};
        auto keep = [&](Result<CardTxn> r) {
            if (r) {
                p->txn = *r;
            } else {
                p->error = r.error();
                result = r.error();
            }
        };
        switch (p->type) {
            case TransactionType::SignOn: {
                auto terminal = tx.terminal(p->ref.terminal_id);
                if (!terminal) {
                    p->error = makeError(ErrorCode::NotFound, "terminal");
                    break;
                }
                terminal->session_nonce.assign(p->nonce.begin(), p->nonce.end());
                terminal->signed_on_at_ms = now;
                tx.updateTerminal(*terminal);
                p->batch_no = terminal->batch_no;
                break;
            }
            case TransactionType::BalanceInquiry: {
                // Commits even when refused: a wrong PIN must still count.
                auto r = balanceInquiry(tx, p->ref, p->lookup, p->pin, deps, now);
                if (r) {
                    p->balance = *r;
                } else {
                    p->error = r.error();
                }
                break;
            }
            case TransactionType::Purchase:
                keep(terminalPurchase(tx, p->ref, p->lookup, p->amount, p->pin, deps, now));
                break;
            case TransactionType::PreAuth:
                keep(preAuthorize(tx, p->ref, p->lookup, p->amount, p->pin, deps, now));
                break;
            case TransactionType::PreAuthCompletion:
            case TransactionType::PreAuthCompletionAdvice: {
                auto original = findOriginal(tx, p->ref, p->request);
                keep(original ? completePreAuth(tx, p->ref, *original, p->amount, now)
                              : Result<CardTxn>(original.error()));
                break;
            }
            case TransactionType::PreAuthCancel: {
                auto original = findOriginal(tx, p->ref, p->request);
                keep(original ? cancelPreAuth(tx, p->ref, *original, now)
                              : Result<CardTxn>(original.error()));
                break;
            }
            case TransactionType::PurchaseVoid:
            case TransactionType::PreAuthCompletionVoid: {
                auto original = findOriginal(tx, p->ref, p->request);
                keep(original ? voidTxn(tx, p->ref, *original, p->amount, now)
                              : Result<CardTxn>(original.error()));
                break;
            }
            case TransactionType::Refund: {
                auto original = findOriginal(tx, p->ref, p->request);
                keep(original ? terminalRefund(tx, p->ref, *original, p->amount, now)
                              : Result<CardTxn>(original.error()));
                break;
            }
            case TransactionType::Reversal:
                keep(reverse(tx, p->ref, now));
                break;
            case TransactionType::BatchSettlement: {
                auto r = settleBatch(tx, p->ref, p->reported, now);
                if (r) {
                    p->settlement = *r;
                    auto terminal = tx.terminal(p->ref.terminal_id);
                    terminal->batch_no = p->ref.batch_no % 999999 + 1;
                    tx.updateTerminal(*terminal);
                } else {
                    p->error = r.error();
                }
                break;
            }
            case TransactionType::BatchUpload: {
                auto r = recordBatchUpload(tx, p->ref, p->upload, now);
                if (!r) p->error = r.error();
                break;
            }
            case TransactionType::BatchUploadEnd: {
                auto r = endBatchUpload(tx, p->ref, p->upload_count, now);
                if (!r) p->error = r.error();
                break;
            }
            case TransactionType::EchoTest:
            case TransactionType::SignOff:
                break;
        }
        return result;
    };
    auto done = [this, p](const Status& status) {
        if (!status && !p->error) p->error = status.error();
        respond(*p);
    };
    in_flight_.fetch_add(1, std::memory_order_relaxed);  // issue 8: drained at shutdown
    metrics::yikaMetrics().iso8583.in_progress.add();
    if (!deps_.writer.submit(std::move(work), std::move(done))) {
        in_flight_.fetch_sub(1, std::memory_order_relaxed);
        metrics::yikaMetrics().iso8583.in_progress.sub();
        stats_.overloaded.fetch_add(1, std::memory_order_relaxed);
        logs::warn("iso8583_overloaded", {{"request_id", requestId(p->ref)}});
        answerNow(p->conn, p->request, ResponseCode::SystemError);
    }
}

void PosService::respond(Pending& p) {
    Message response = iso8583::makeResponse(p.request);
    TimestampMs now = deps_.clock.nowMs();
    Date today = Date::ofTimestampCst(now);
    std::int64_t seconds = ((now + 8LL * 3600 * 1000) / 1000) % 86400;
    (void)response.set(Field::LocalTime, padded(seconds / 3600, 2) + padded(seconds / 60 % 60, 2) +
                                             padded(seconds % 60, 2));
    (void)response.set(Field::LocalDate, padded(today.month(), 2) + padded(today.day(), 2));
    ResponseCode code = ResponseCode::Approved;
    if (p.error) {
        code = toResponseCode(p.error->code);
    } else if (p.txn && p.txn->state == TxnState::Declined) {
        code = toResponseCode(p.txn->decline);
    }
    if (p.txn) {
        (void)response.set(Field::RetrievalReference, padded(p.txn->id, 12));
    } else if (p.type == TransactionType::BalanceInquiry) {
        // An inquiry records no transaction; its reference only has to be unique for a receipt.
        (void)response.set(Field::RetrievalReference, padded(now % 1'000'000'000'000, 12));
    }
    if (code == ResponseCode::Approved && p.txn) {
        if (p.type == TransactionType::Purchase || p.type == TransactionType::PreAuth ||
            p.type == TransactionType::PreAuthCompletion) {
            (void)response.set(Field::AuthorizationId, padded(p.txn->id % 1000000, 6));
        }
    }
    if (code == ResponseCode::Approved && p.balance) {
        (void)response.set(Field::Balance, iso8583::formatBalance(p.balance->available));
    }
    if (p.settlement) {
        iso8583::SettlementTotals totals;
        totals.debit_amount_minor = p.settlement->host.debit.minor();
        totals.debit_count = static_cast<std::uint32_t>(p.settlement->host.debit_count);
        totals.credit_amount_minor = p.settlement->host.credit.minor();
        totals.credit_count = static_cast<std::uint32_t>(p.settlement->host.credit_count);
        totals.result = p.settlement->balanced ? 1 : 2;
        (void)response.set(Field::AdditionalData, iso8583::formatSettlementTotals(totals));
    }
    if (p.type == TransactionType::SignOn && code == ResponseCode::Approved) {
        auto key_data =
            crypto::formatSignOnKeyData(deps_.terminals.startSession(p.ref.tid, p.nonce));
        (void)response.set(
            Field::Reserved62,
            std::string_view(reinterpret_cast<const char*>(key_data.data()), key_data.size()));
        (void)response.set(Field::Reserved60,
                           iso8583::formatField60("00", padded(p.batch_no, 6), "003"));
    }
    response.setResponseCode(code);
    (code == ResponseCode::Approved ? stats_.approved : stats_.declined)
        .fetch_add(1, std::memory_order_relaxed);
    bool sign = code == ResponseCode::Approved && requiresMac(p.type);
    if (sign) (void)response.set(Field::Mac, std::string(iso8583::kMacBytes, '\0'));
    Bytes body = iso8583::encode(response);
    if (sign) {
        auto input = iso8583::macInput(body);
        auto mac = input ? deps_.terminals.mac(p.ref.tid, *input) : std::nullopt;
        YIKA_ASSERT(mac.has_value());  // the request's MAC verified with the same session
        iso8583::setMac(body, *mac);
    }
    sink_.reply(p.conn, std::move(body));
    // --- operations (issue 8): metrics, request log, drain accounting ---
    std::uint64_t latency_us = metrics::elapsedUs(p.received_ns);
    metrics::yikaMetrics().iso8583.answered(iso8583::wireCode(code), latency_us);
    metrics::yikaMetrics().iso8583.in_progress.sub();
    if (code == ResponseCode::SystemError) {
        logs::warn("iso8583_system_error",
                   {{"request_id", requestId(p.ref)},
                    {"error", p.error ? std::string_view(p.error->detail) : std::string_view()}});
    } else if (logs::enabled(logs::Level::Debug)) {
        logs::debug("iso8583_request", {{"request_id", requestId(p.ref)},
                                        {"code", iso8583::wireCode(code)},
                                        {"latency_us", std::to_string(latency_us)}});
    }
    in_flight_.fetch_sub(1, std::memory_order_release);
}

// --- operations (issue 8) ---
std::string PosService::requestId(const TerminalRef& ref) {
    return ref.tid + ":" + std::to_string(ref.batch_no) + ":" + std::to_string(ref.trace_no);
}

}  // namespace yika::pos
