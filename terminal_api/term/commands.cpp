#include "terminal_api/term/commands.h"

#include "card_core/domain/assert.h"
#include "crypto/card_vault.h"
#include "crypto/hex.h"
#include "terminal_api/iso8583/codec.h"
#include "terminal_api/term/receipt.h"
#include "terminal_api/term/tcp_link.h"
#include "terminal_api/term/terminal_state.h"

#include <charconv>
#include <optional>
#include <ostream>
#include <vector>

namespace yika::term {

namespace {

using iso8583::Field;
using T = TransactionType;

struct Answer {
    Message message;
    MacCheck mac = MacCheck::Absent;
};

std::optional<std::uint32_t> parseTraceArg(const std::string& text) {
    std::uint32_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > kTraceMax) {
        return std::nullopt;
    }
    return value;
}

std::string titleOf(T type) {
    switch (type) {
        case T::BalanceInquiry:
            return "BALANCE INQUIRY";
        case T::Purchase:
            return "PURCHASE";
        case T::PurchaseVoid:
            return "VOID";
        case T::Refund:
            return "REFUND";
        case T::PreAuth:
            return "PRE-AUTHORIZATION";
        case T::PreAuthCancel:
            return "PRE-AUTH CANCELLATION";
        case T::PreAuthCompletion:
            return "PRE-AUTH COMPLETION";
        case T::PreAuthCompletionVoid:
            return "COMPLETION VOID";
        default:
            return std::string(iso8583::toString(type));
    }
}

// The transaction that cancels an approved `type` on the same terminal (the "void" command).
std::optional<T> voidTypeOf(T type) {
    switch (type) {
        case T::Purchase:
            return T::PurchaseVoid;
        case T::PreAuthCompletion:
            return T::PreAuthCompletionVoid;
        case T::PreAuth:
            return T::PreAuthCancel;
        default:
            return std::nullopt;
    }
}

// Field 61 pointing at `original`: its batch, trace and (when the host gave one) date.
std::string originalDataOf(const TxnRecord& original) {
    const bool date_ok = original.date.size() == 4 &&
                         original.date.find_first_not_of("0123456789") == std::string::npos;
    return iso8583::formatField61(original.batch, sixDigits(original.trace),
                                  date_ok ? original.date : std::string());
}

std::string describeTotals(const iso8583::SettlementTotals& t) {
    return "debits " + std::to_string(t.debit_count) + " / " +
           formatAmount(Money::fromMinor(t.debit_amount_minor, Currency::Cny)) + ", credits " +
           std::to_string(t.credit_count) + " / " +
           formatAmount(Money::fromMinor(t.credit_amount_minor, Currency::Cny));
}

bool isReversible(T type) {
    return type == T::Purchase || type == T::PurchaseVoid || type == T::PreAuth ||
           type == T::PreAuthCancel || type == T::PreAuthCompletion ||
           type == T::PreAuthCompletionVoid;
}

// The state file entry of a card request about to be sent.
TxnRecord sentRecord(const CardRequest& request, std::string batch, std::uint32_t original_trace) {
    TxnRecord record;
    record.trace = request.trace;
    record.type = request.type;
    record.status = TxnStatus::Sent;
    record.batch = std::move(batch);
    record.pan = request.pan;
    record.amount_minor = request.amount ? request.amount->minor() : 0;
    record.pin_entered = !request.pin.empty();
    record.sent_rrn = request.original_rrn;
    record.sent_auth_id = request.auth_id;
    record.sent_original_data = request.original_data;
    record.original_trace = original_trace;
    return record;
}

class Terminal {
  public:
    Terminal(const TermConfig& config, std::ostream& out, std::ostream& err)
        : config_(config), out_(out), err_(err) {}

    int run(const CommandLine& line);

  private:
    int fail(const std::string& message, int status = kExitUsage) {
        err_ << "yika-term: " << message << "\n";
        return status;
    }
    TerminalContext context() const {
        return TerminalContext{config_.tid, config_.mid, sixDigits(state_.batch)};
    }
    std::span<const std::uint8_t> macKey() const {
        return keys_ ? keys_->mac_key.span() : std::span<const std::uint8_t>{};
    }
    std::span<const std::uint8_t> pinKey() const {
        return keys_ ? keys_->pin_key.span() : std::span<const std::uint8_t>{};
    }
    Receipt makeReceipt(std::string title) const {
        Receipt receipt;
        receipt.title = std::move(title);
        receipt.tid = config_.tid;
        receipt.mid = config_.mid;
        return receipt;
    }
    std::string tmkKcvHex() const {
        return crypto::toHex(crypto::keyCheckValue(config_.tmk.span()));
    }

    bool save();
    Status requireSession();
    Result<Answer> exchange(const Message& request, std::span<const std::string> pans);
    Result<CardRequest> cardRequestFor(const CommandLine& line);
    int runCard(CardRequest request, std::uint32_t original_trace);
    void recordAnswer(TxnRecord& record, const Answer& answer);
    int signOn();
    int echo();
    int voidTxn(const CommandLine& line);
    int refund(const CommandLine& line);
    int complete(const CommandLine& line);
    int reversal(const CommandLine& line);
    int settle();
    bool uploadBatch();
    int status();

    const TermConfig& config_;
    std::ostream& out_;
    std::ostream& err_;
    TerminalState state_;
    std::optional<crypto::SessionKeys> keys_;
    std::optional<TcpLink> link_;
    iso8583::CodecLimits limits_{};
};

bool Terminal::save() {
    const Status saved = saveState(config_.state_path, state_);
    if (!saved) {
        err_ << "yika-term: " << saved.error().detail << "\n";
    }
    return saved.ok();
}

Status Terminal::requireSession() {
    if (!state_.session_nonce) {
        return makeError(ErrorCode::InvalidArgument, "not signed on: run sign-on first");
    }
    if (state_.session_tmk_kcv != tmkKcvHex()) {
        return makeError(ErrorCode::InvalidArgument,
                         "the session was opened with another TMK (KCV " + state_.session_tmk_kcv +
                             "): run sign-on again");
    }
    keys_ = crypto::deriveSessionKeys(config_.tmk.span(), config_.tid, *state_.session_nonce);
    return Ok{};
}

Result<Answer> Terminal::exchange(const Message& request, std::span<const std::string> pans) {
    const Bytes frame = sealFrame(request, macKey());
    const std::string mti = iso8583::mtiText(request.mti());
    if (config_.hex) {
        out_ << hexDump(">> " + mti + " request", frame, pans);
    }
    if (!link_) {
        auto link = TcpLink::connect(config_.host, config_.port, config_.timeout_ms);
        if (!link) {
            return link.error();
        }
        link_.emplace(std::move(*link));
    }
    YIKA_TRY(link_->send(frame, config_.timeout_ms));
    auto body = link_->receiveFrame(limits_, config_.timeout_ms);
    if (!body) {
        return body.error();
    }
    if (config_.hex) {
        Bytes framed = {static_cast<std::uint8_t>(body->size() >> 8),
                        static_cast<std::uint8_t>(body->size() & 0xff)};
        framed.insert(framed.end(), body->begin(), body->end());
        out_ << hexDump("<< answer", framed, pans);
    }
    auto message = iso8583::decode(*body, limits_);
    if (!message) {
        return makeError(ErrorCode::InvalidArgument,
                         "the answer cannot be decoded: " + message.error().detail);
    }
    YIKA_TRY(checkResponseMatches(request, *message));
    const Status mandatory = iso8583::checkMandatory(*message);
    if (!mandatory) {
        err_ << "yika-term: warning: " << mandatory.error().detail << "\n";
    }
    Answer answer{std::move(*message), MacCheck::Absent};
    if (answer.message.has(Field::Mac)) {
        answer.mac = keys_ ? checkMac(*body, answer.message, macKey()) : MacCheck::Invalid;
    }
    if (answer.message.header().processing_requirement == iso8583::kProcessingRequirementSignOn) {
        out_ << "The host asks for a new sign-on before the next transaction.\n";
        state_.session_nonce.reset();
    }
    return answer;
}

Result<CardRequest> Terminal::cardRequestFor(const CommandLine& line) {
    CardRequest request;
    const std::string& command = line.command;
    request.type = command == "balance"    ? T::BalanceInquiry
                   : command == "purchase" ? T::Purchase
                                           : T::PreAuth;
    request.pan = line.value("--pan").value_or("");
    request.pin = line.value("--pin").value_or("");
    if (const auto amount_text = line.value("--amount")) {
        request.amount = Money::parseDecimal(*amount_text, Currency::Cny);
        if (!request.amount) {
            return makeError(ErrorCode::InvalidArgument,
                             "--amount: '" + *amount_text + "' is not an amount like 12.50");
        }
    }
    return request;
}

void Terminal::recordAnswer(TxnRecord& record, const Answer& answer) {
    const Message& m = answer.message;
    record.response_code = m.get(Field::ResponseCode);
    record.rrn = m.get(Field::RetrievalReference);
    record.auth_id = m.get(Field::AuthorizationId);
    record.date = m.get(Field::LocalDate);
    record.time = m.get(Field::LocalTime);
    record.status = record.response_code == "00" ? TxnStatus::Approved : TxnStatus::Declined;
}

// The common path of every card transaction. `original_trace`: the transaction a void, refund
// or completion refers to (0 for none); it is marked voided when a void is approved.
int Terminal::runCard(CardRequest request, std::uint32_t original_trace) {
    request.trace = state_.next_trace;
    auto message = buildCardRequest(context(), request, pinKey());
    if (!message) {
        return fail(message.error().detail);
    }
    takeTrace(state_);
    const bool recorded = request.type != T::BalanceInquiry;
    if (recorded) {
        addTransaction(state_, sentRecord(request, sixDigits(state_.batch), original_trace));
    }
    if (!save()) {
        return kExitUsage;
    }
    Receipt receipt = makeReceipt(titleOf(request.type));
    receipt.pan = request.pan;
    receipt.amount = request.amount;
    receipt.batch = sixDigits(state_.batch);
    receipt.trace = sixDigits(request.trace);
    const std::vector<std::string> pans = {request.pan};
    auto answer = exchange(*message, pans);
    if (!answer) {
        out_ << formatReceipt(receipt);
        const std::string hint = isReversible(request.type)
                                     ? "; the outcome is unknown: reverse it with `reversal "
                                       "--trace " +
                                           std::to_string(request.trace) + "`"
                                     : "";
        save();
        return fail(answer.error().detail + hint, kExitNoAnswer);
    }
    fillFromResponse(receipt, answer->message);
    const bool approved = receipt.response_code == "00";
    const bool mac_bad =
        answer->mac == MacCheck::Invalid || (approved && answer->mac == MacCheck::Absent);
    TxnRecord* record = recorded ? findTransaction(state_, request.trace) : nullptr;
    if (mac_bad) {
        if (record != nullptr) {
            record->status = TxnStatus::MacFailed;
        }
        out_ << formatReceipt(receipt);
        save();
        const std::string advice = isReversible(request.type)
                                       ? ": reverse it with `reversal --trace " +
                                             std::to_string(request.trace) + " --reason A0`"
                                       : ": the outcome is unknown";
        return fail("the answer failed MAC verification" + advice, kExitNoAnswer);
    }
    if (record != nullptr) {
        recordAnswer(*record, *answer);
        if (approved) {
            applyToTotals(state_, *record, 1);
            TxnRecord* original =
                original_trace == 0 ? nullptr : findTransaction(state_, original_trace);
            if (original != nullptr &&
                (request.type == T::PurchaseVoid || request.type == T::PreAuthCompletionVoid ||
                 request.type == T::PreAuthCancel)) {
                original->status = TxnStatus::Voided;
            }
        }
    }
    out_ << formatReceipt(receipt);
    if (!save()) {
        return kExitUsage;
    }
    return approved ? kExitOk : kExitDeclined;
}

int Terminal::signOn() {
    const std::uint32_t trace = takeTrace(state_);
    if (!save()) {
        return kExitUsage;
    }
    keys_.reset();
    auto answer = exchange(buildSignOn(context(), trace), {});
    if (!answer) {
        return fail(answer.error().detail, kExitNoAnswer);
    }
    Receipt receipt = makeReceipt("SIGN-ON");
    receipt.trace = sixDigits(trace);
    fillFromResponse(receipt, answer->message);
    auto result = acceptSignOnResponse(answer->message, config_.tmk.span(), config_.tid);
    if (!result) {
        out_ << formatReceipt(receipt);
        return fail(result.error().detail,
                    receipt.response_code == "00" ? kExitNoAnswer : kExitDeclined);
    }
    const auto batch = parseTraceArg(result->batch);  // same range as a trace: 1-999999
    state_.batch = batch.value_or(state_.batch);
    state_.session_nonce = result->nonce;
    state_.session_tmk_kcv = tmkKcvHex();
    const crypto::SessionKeys keys =
        crypto::deriveSessionKeys(config_.tmk.span(), config_.tid, result->nonce);
    receipt.batch = sixDigits(state_.batch);
    receipt.note = "session keys: MAC KCV " +
                   crypto::toHex(crypto::keyCheckValue(keys.mac_key.span())) + ", PIN KCV " +
                   crypto::toHex(crypto::keyCheckValue(keys.pin_key.span()));
    out_ << formatReceipt(receipt);
    return save() ? kExitOk : kExitUsage;
}

int Terminal::echo() {
    const std::uint32_t trace = takeTrace(state_);
    if (!save()) {
        return kExitUsage;
    }
    auto answer = exchange(buildEchoTest(context(), trace), {});
    if (!answer) {
        return fail(answer.error().detail, kExitNoAnswer);
    }
    Receipt receipt = makeReceipt("ECHO TEST");
    receipt.trace = sixDigits(trace);
    fillFromResponse(receipt, answer->message);
    out_ << formatReceipt(receipt);
    return receipt.response_code == "00" ? kExitOk : kExitDeclined;
}

int Terminal::voidTxn(const CommandLine& line) {
    const auto trace = parseTraceArg(line.value("--trace").value_or(""));
    if (!trace) {
        return fail("--trace must be a trace number 1-999999");
    }
    const TxnRecord* original = findTransaction(state_, *trace);
    if (original == nullptr) {
        return fail("no transaction with trace " + sixDigits(*trace) + " in the state file");
    }
    const auto type = voidTypeOf(original->type);
    if (!type || original->status != TxnStatus::Approved) {
        return fail("trace " + sixDigits(*trace) + " is a " +
                    std::string(toString(original->status)) + " " + titleOf(original->type) +
                    ": only an approved purchase, pre-authorization or completion can be voided");
    }
    CardRequest request;
    request.type = *type;
    request.pan = original->pan;
    request.amount = Money::fromMinor(original->amount_minor, Currency::Cny);
    if (*type != T::PreAuthCancel) {
        request.original_rrn = original->rrn;
    }
    if (*type == T::PreAuthCancel) {
        request.auth_id = original->auth_id;
    } else if (*type == T::PreAuthCompletionVoid) {
        request.auth_id = original->auth_id.empty() ? original->sent_auth_id : original->auth_id;
    }
    request.original_data = originalDataOf(*original);
    return runCard(std::move(request), *trace);
}

int Terminal::refund(const CommandLine& line) {
    const auto trace = parseTraceArg(line.value("--trace").value_or(""));
    if (!trace) {
        return fail("--trace must be a trace number 1-999999");
    }
    const TxnRecord* original = findTransaction(state_, *trace);
    if (original == nullptr || original->status != TxnStatus::Approved ||
        (original->type != T::Purchase && original->type != T::PreAuthCompletion)) {
        return fail("no approved purchase or completion with trace " + sixDigits(*trace) +
                    " in the state file");
    }
    CardRequest request;
    request.type = T::Refund;
    request.pan = original->pan;
    const std::string amount_text = line.value("--amount").value_or("");
    request.amount = Money::parseDecimal(amount_text, Currency::Cny);
    if (!request.amount) {
        return fail("--amount: '" + amount_text + "' is not an amount like 12.50");
    }
    request.original_rrn = original->rrn;
    request.original_data = originalDataOf(*original);
    return runCard(std::move(request), *trace);
}

int Terminal::complete(const CommandLine& line) {
    const std::string auth_id = line.value("--auth-id").value_or("");
    const TxnRecord* preauth = findPreAuth(state_, auth_id);
    if (preauth == nullptr) {
        return fail("no approved pre-authorization with authorization id '" + auth_id +
                    "' in the state file");
    }
    CardRequest request;
    request.type = T::PreAuthCompletion;
    request.pan = preauth->pan;
    const std::string amount_text = line.value("--amount").value_or("");
    request.amount = Money::parseDecimal(amount_text, Currency::Cny);
    if (!request.amount) {
        return fail("--amount: '" + amount_text + "' is not an amount like 12.50");
    }
    request.auth_id = auth_id;
    request.original_data = originalDataOf(*preauth);
    return runCard(std::move(request), preauth->trace);
}

int Terminal::reversal(const CommandLine& line) {
    const auto trace = parseTraceArg(line.value("--trace").value_or(""));
    const std::string reason = line.value("--reason").value_or("98");
    TxnRecord* record = trace ? findTransaction(state_, *trace) : nullptr;
    if (record == nullptr || !isReversible(record->type)) {
        return fail("--trace: no reversible transaction with that trace in the state file");
    }
    // The original request again, without PIN data, in the batch it was sent in.
    CardRequest original;
    original.type = record->type;
    original.trace = record->trace;
    original.pan = record->pan;
    original.amount = Money::fromMinor(record->amount_minor, Currency::Cny);
    original.original_rrn = record->sent_rrn;
    original.auth_id = record->sent_auth_id;
    original.original_data = record->sent_original_data;
    auto message = buildCardRequest({config_.tid, config_.mid, record->batch}, original, {});
    if (!message) {
        return fail(message.error().detail);
    }
    // A reversal carries the original's field 22, PIN indicator included.
    const Status entry_mode =
        message->set(Field::PosEntryMode, record->pin_entered ? "011" : "012");
    YIKA_ASSERT(entry_mode.ok());
    auto request = buildReversal(*message, reason);
    if (!request) {
        return fail(request.error().detail);
    }
    Receipt receipt = makeReceipt("REVERSAL");
    receipt.pan = record->pan;
    receipt.amount = original.amount;
    receipt.batch = record->batch;
    receipt.trace = sixDigits(record->trace);
    receipt.note = "of the " + titleOf(record->type) + ", reason " + reason;
    const std::vector<std::string> pans = {record->pan};
    auto answer = exchange(*request, pans);
    if (!answer) {
        return fail(answer.error().detail + "; send the reversal again", kExitNoAnswer);
    }
    fillFromResponse(receipt, answer->message);
    out_ << formatReceipt(receipt);
    if (receipt.response_code != "00") {
        return kExitDeclined;
    }
    if (answer->mac != MacCheck::Valid) {
        return fail("the answer failed MAC verification; send the reversal again", kExitNoAnswer);
    }
    if (record->status == TxnStatus::Approved) {
        applyToTotals(state_, *record, -1);
        TxnRecord* voided = findTransaction(state_, record->original_trace);
        if (voided != nullptr && voidTypeOf(voided->type) == record->type &&
            voided->status == TxnStatus::Voided) {
            voided->status = TxnStatus::Approved;
        }
    }
    record->status = TxnStatus::Reversed;
    return save() ? kExitOk : kExitUsage;
}

bool Terminal::uploadBatch() {
    const std::string batch = sixDigits(state_.batch);
    std::vector<iso8583::BatchUploadItem> items;
    for (const TxnRecord& r : state_.transactions) {
        const TotalsEffect effect = totalsEffect(r.type);
        if (r.batch == batch && r.status == TxnStatus::Approved &&
            (effect == TotalsEffect::Debit || effect == TotalsEffect::Credit)) {
            items.push_back({sixDigits(r.trace), r.pan, r.amount_minor});
        }
    }
    std::vector<std::string> pans;
    for (const auto& item : items) {
        pans.push_back(item.pan);
    }
    std::size_t sent = 0;
    while (sent <= items.size()) {
        const std::size_t count = std::min(iso8583::kBatchUploadItemsMax, items.size() - sent);
        const std::uint32_t trace = takeTrace(state_);
        const Message request =
            count == 0
                ? buildBatchUploadEnd(context(), trace, items.size())
                : buildBatchUpload(context(), trace,
                                   {items.begin() + static_cast<std::ptrdiff_t>(sent),
                                    items.begin() + static_cast<std::ptrdiff_t>(sent + count)});
        auto answer = exchange(request, pans);
        if (!answer || answer->message.get(Field::ResponseCode) != "00" ||
            answer->mac != MacCheck::Valid) {
            err_ << "yika-term: batch upload failed at trace " << sixDigits(trace) << "\n";
            return false;
        }
        if (count == 0) {
            break;
        }
        sent += count;
    }
    out_ << "Batch upload: " << items.size() << " transactions sent.\n";
    return true;
}

int Terminal::settle() {
    const std::uint32_t trace = takeTrace(state_);
    if (!save()) {
        return kExitUsage;
    }
    auto answer = exchange(buildSettlement(context(), trace, state_.totals), {});
    if (!answer) {
        return fail(answer.error().detail, kExitNoAnswer);
    }
    Receipt receipt = makeReceipt("SETTLEMENT");
    receipt.batch = sixDigits(state_.batch);
    receipt.trace = sixDigits(trace);
    fillFromResponse(receipt, answer->message);
    const auto host = iso8583::parseSettlementTotals(answer->message.get(Field::AdditionalData));
    const std::uint8_t result = host ? host->result : 3;
    receipt.note =
        describeTotals(state_.totals) + (result == 1   ? "; balanced"
                                         : result == 2 ? "; not balanced: uploading the batch"
                                                       : "; the host reports an error");
    out_ << formatReceipt(receipt);
    if (receipt.response_code != "00") {
        return kExitDeclined;
    }
    if (answer->mac != MacCheck::Valid) {
        return fail("the answer failed MAC verification", kExitNoAnswer);
    }
    if (result == 3 || (result == 2 && !uploadBatch())) {
        save();
        return kExitDeclined;
    }
    closeBatch(state_);
    out_ << "Batch closed; the next batch is " << sixDigits(state_.batch) << ".\n";
    return save() ? kExitOk : kExitUsage;
}

int Terminal::status() {
    out_ << "terminal    " << config_.tid << "\n";
    out_ << "batch       " << sixDigits(state_.batch) << "   next trace "
         << sixDigits(state_.next_trace) << "\n";
    std::string session = "not signed on";
    if (state_.session_nonce) {
        session = "signed on with the TMK of KCV " + state_.session_tmk_kcv;
        if (config_.tmk.size() == crypto::kTerminalMasterKeyBytes &&
            state_.session_tmk_kcv != tmkKcvHex()) {
            session += " (not the --tmk given, KCV " + tmkKcvHex() + ")";
        }
    }
    out_ << "session     " << session << "\n";
    out_ << "totals      " << describeTotals(state_.totals) << "\n";
    for (const TxnRecord& r : state_.transactions) {
        out_ << r.batch << " " << sixDigits(r.trace) << "  " << titleOf(r.type) << "  "
             << toString(r.status) << "  " << crypto::maskCardNumber(r.pan) << "  "
             << formatAmount(Money::fromMinor(r.amount_minor, Currency::Cny));
        out_ << (r.rrn.empty() ? "" : "  ref " + r.rrn)
             << (r.auth_id.empty() ? "" : "  auth " + r.auth_id)
             << (r.response_code.empty() ? "" : "  code " + r.response_code) << "\n";
    }
    return kExitOk;
}

int Terminal::run(const CommandLine& line) {
    auto loaded = loadState(config_.state_path, config_.tid);
    if (!loaded) {
        return fail(loaded.error().detail);
    }
    state_ = std::move(*loaded);
    const std::string& command = line.command;
    if (command == "status") {
        return status();
    }
    if (command == "sign-on") {
        return signOn();
    }
    if (command == "echo") {
        return echo();
    }
    const Status session = requireSession();
    if (!session) {
        return fail(session.error().detail);
    }
    if (command == "balance" || command == "purchase" || command == "preauth") {
        auto request = cardRequestFor(line);
        return request ? runCard(std::move(*request), 0) : fail(request.error().detail);
    }
    if (command == "void") {
        return voidTxn(line);
    }
    if (command == "refund") {
        return refund(line);
    }
    if (command == "complete") {
        return complete(line);
    }
    if (command == "reversal") {
        return reversal(line);
    }
    if (command == "settle") {
        return settle();
    }
    return fail("unknown command '" + command + "'");
}

}  // namespace

int runTerminalCommand(const TermConfig& config, const CommandLine& line, std::ostream& out,
                       std::ostream& err) {
    Terminal terminal(config, out, err);
    return terminal.run(line);
}

}  // namespace yika::term
