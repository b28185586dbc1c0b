#include "terminal_api/term/requests.h"

#include "card_core/domain/assert.h"

#include <array>

namespace yika::term {

namespace {

using iso8583::Field;
using iso8583::Mti;
using T = TransactionType;

// Section 11 of the protocol document: how each card-present transaction is identified and
// which references it must carry.
struct CardRule {
    TransactionType type;
    Mti mti;
    std::string_view processing;  // field 3
    std::string_view condition;   // field 25
    std::string_view type_code;   // 60.1
    bool amount;
    bool rrn;            // field 37
    bool auth_id;        // field 38
    bool original_data;  // field 61
    bool original_date;  // 61.3 required
    bool reversible;
    TotalsEffect effect;
};

constexpr std::array<CardRule, 8> kCardRules = {{
    {T::BalanceInquiry, Mti::FinancialRequest, "310000", "00", "01", false, false, false, false,
     false, false, TotalsEffect::None},
    {T::Purchase, Mti::FinancialRequest, "000000", "00", "22", true, false, false, false, false,
     true, TotalsEffect::Debit},
    {T::PurchaseVoid, Mti::FinancialRequest, "200000", "00", "23", true, true, false, true, false,
     true, TotalsEffect::VoidDebit},
    {T::Refund, Mti::FinancialAdvice, "200000", "00", "25", true, true, false, true, true, false,
     TotalsEffect::Credit},
    {T::PreAuth, Mti::AuthorizationRequest, "030000", "06", "10", true, false, false, false, false,
     true, TotalsEffect::None},
    {T::PreAuthCancel, Mti::AuthorizationRequest, "200000", "06", "11", true, false, true, true,
     true, true, TotalsEffect::None},
    {T::PreAuthCompletion, Mti::FinancialRequest, "000000", "06", "20", true, false, true, true,
     true, true, TotalsEffect::Debit},
    {T::PreAuthCompletionVoid, Mti::FinancialRequest, "200000", "06", "21", true, true, true, true,
     false, true, TotalsEffect::VoidDebit},
}};

const CardRule* findRule(TransactionType type) {
    for (const CardRule& rule : kCardRules) {
        if (rule.type == type) {
            return &rule;
        }
    }
    return nullptr;
}

Error invalid(std::string detail) {
    return makeError(ErrorCode::InvalidArgument, std::move(detail));
}

bool allDigits(std::string_view text) {
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

bool allPrintable(std::string_view text) {
    for (const char c : text) {
        if (c < 0x20 || c > 0x7e) {
            return false;
        }
    }
    return true;
}

void setOrDie(Message& message, Field field, std::string_view value) {
    const Status status = message.set(field, value);
    YIKA_ASSERT(status.ok());  // Every caller validated the value or built it from constants.
}

std::string bytesAsText(std::span<const std::uint8_t> bytes) {
    return std::string(bytes.begin(), bytes.end());
}

std::span<const std::uint8_t> textAsBytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// TPDU, TID, MID and trace: what every request starts with.
Message baseRequest(Mti mti, const TerminalContext& context, std::uint32_t trace) {
    YIKA_ASSERT(checkTerminalContext(context).ok());
    Message message(mti);
    message.setTpdu(kTerminalTpdu);
    message.setTrace(trace);
    setOrDie(message, Field::TerminalId, context.tid);
    setOrDie(message, Field::MerchantId, context.mid);
    return message;
}

Message networkRequest(Mti mti, const TerminalContext& context, std::uint32_t trace,
                       std::string_view network_code) {
    Message message = baseRequest(mti, context, trace);
    setOrDie(message, Field::Reserved60, iso8583::formatField60("00", context.batch, network_code));
    return message;
}

const std::string kMacPlaceholder(iso8583::kMacBytes, '\0');

Status checkCardInputs(const CardRule& rule, const CardRequest& request,
                       std::span<const std::uint8_t> pin_key) {
    if (!crypto::isValidPinBlockPan(request.pan)) {
        return invalid("the card number must be 13-19 digits");
    }
    if (!request.pin.empty() && !crypto::isValidPin(request.pin)) {
        return invalid("the PIN must be 4-12 digits");
    }
    if (!request.pin.empty() && pin_key.size() != crypto::kSessionKeyBytes) {
        return invalid("a PIN needs a session: sign on first");
    }
    if (rule.amount != request.amount.has_value()) {
        return invalid(rule.amount ? "an amount is required" : "this transaction has no amount");
    }
    if (request.amount &&
        (!request.amount->isPositive() || request.amount->minor() > kAmountMinorMax)) {
        return invalid("the amount must be positive and below 10^12 minor units");
    }
    if (rule.rrn && request.original_rrn.size() != 12) {
        return invalid("the original's reference number (field 37, 12 characters) is required");
    }
    if (rule.auth_id && request.auth_id.size() != 6) {
        return invalid("the authorization id (field 38, 6 characters) is required");
    }
    if (rule.original_data) {
        const auto original = iso8583::parseField61(request.original_data);
        if (!original || (rule.original_date && original->original_date.empty())) {
            return invalid("the original's batch, trace and date (field 61) are required");
        }
    }
    if (request.trace == 0 || request.trace > kTraceMax) {
        return invalid("the trace number must be 1-999999");
    }
    return Ok{};
}

}  // namespace

Status checkTerminalContext(const TerminalContext& context) {
    if (context.tid.size() != crypto::kTerminalIdChars || !allPrintable(context.tid)) {
        return invalid("the terminal id must be 8 printable ASCII characters");
    }
    if (context.mid.size() != kMerchantIdChars || !allPrintable(context.mid)) {
        return invalid("the merchant id must be 15 printable ASCII characters");
    }
    if (context.batch.size() != crypto::kBatchDigits || !allDigits(context.batch)) {
        return invalid("the batch number must be 6 digits");
    }
    return Ok{};
}

std::uint32_t nextTrace(std::uint32_t trace) { return trace >= kTraceMax ? 1 : trace + 1; }
std::uint32_t nextBatch(std::uint32_t batch) { return batch >= kBatchMax ? 1 : batch + 1; }

std::string sixDigits(std::uint32_t value) {
    YIKA_ASSERT(value <= 999'999);
    std::string text = std::to_string(value);
    return std::string(6 - text.size(), '0') + text;
}

bool isCardRequestType(TransactionType type) { return findRule(type) != nullptr; }

TotalsEffect totalsEffect(TransactionType type) {
    const CardRule* rule = findRule(type);
    return rule == nullptr ? TotalsEffect::None : rule->effect;
}

Result<Message> buildCardRequest(const TerminalContext& context, const CardRequest& request,
                                 std::span<const std::uint8_t> pin_key) {
    const CardRule* rule = findRule(request.type);
    if (rule == nullptr) {
        return invalid(std::string(iso8583::toString(request.type)) + " is not a card transaction");
    }
    YIKA_TRY(checkTerminalContext(context));
    YIKA_TRY(checkCardInputs(*rule, request, pin_key));
    Message message = baseRequest(rule->mti, context, request.trace);
    setOrDie(message, Field::Pan, request.pan);
    setOrDie(message, Field::ProcessingCode, rule->processing);
    if (request.amount) {
        message.setAmount(*request.amount);
    } else {
        setOrDie(message, Field::Currency, "156");
    }
    setOrDie(message, Field::PosEntryMode, request.pin.empty() ? "012" : "011");
    setOrDie(message, Field::ConditionCode, rule->condition);
    if (rule->rrn) {
        YIKA_TRY(message.set(Field::RetrievalReference, request.original_rrn));
    }
    if (rule->auth_id) {
        YIKA_TRY(message.set(Field::AuthorizationId, request.auth_id));
    }
    if (rule->original_data) {
        setOrDie(message, Field::OriginalData, request.original_data);
    }
    setOrDie(message, Field::Reserved60, iso8583::formatField60(rule->type_code, context.batch));
    if (!request.pin.empty()) {
        const std::string trace = sixDigits(request.trace);
        const crypto::PinBlockContext pin_context{context.tid, context.batch, trace};
        const crypto::PinBlock block =
            crypto::encryptPinBlock(pin_key, pin_context, request.pin, request.pan);
        setOrDie(message, Field::PinCaptureCode, kPinCaptureCode);
        setOrDie(message, Field::PinData, bytesAsText(block));
        setOrDie(message, Field::SecurityControl, crypto::kPinSecurityControl);
    }
    setOrDie(message, Field::Mac, kMacPlaceholder);
    return message;
}

Message buildSignOn(const TerminalContext& context, std::uint32_t trace) {
    Message message = networkRequest(Mti::NetworkRequest, context, trace, "003");
    setOrDie(message, Field::Reserved63, "001");  // operator 001
    return message;
}

Message buildEchoTest(const TerminalContext& context, std::uint32_t trace) {
    return networkRequest(Mti::NetworkAdvice, context, trace, "301");
}

Message buildSettlement(const TerminalContext& context, std::uint32_t trace,
                        const iso8583::SettlementTotals& totals) {
    Message message = networkRequest(Mti::SettlementRequest, context, trace, "201");
    setOrDie(message, Field::AdditionalData, iso8583::formatSettlementTotals(totals));
    setOrDie(message, Field::Currency, "156");
    setOrDie(message, Field::Mac, kMacPlaceholder);
    return message;
}

Message buildBatchUpload(const TerminalContext& context, std::uint32_t trace,
                         const std::vector<iso8583::BatchUploadItem>& items) {
    Message message = networkRequest(Mti::BatchUploadAdvice, context, trace, "201");
    setOrDie(message, Field::AdditionalData, iso8583::formatBatchUpload(items));
    setOrDie(message, Field::Mac, kMacPlaceholder);
    return message;
}

Message buildBatchUploadEnd(const TerminalContext& context, std::uint32_t trace,
                            std::size_t uploaded) {
    YIKA_ASSERT(uploaded <= 9999);
    Message message = networkRequest(Mti::BatchUploadAdvice, context, trace, "202");
    std::string count = std::to_string(uploaded);
    setOrDie(message, Field::AdditionalData, std::string(4 - count.size(), '0') + count);
    setOrDie(message, Field::Mac, kMacPlaceholder);
    return message;
}

Result<Message> buildReversal(const Message& original, std::string_view reason) {
    if (reason != "98" && reason != "06" && reason != "A0") {
        return invalid("the reversal reason must be 98, 06 or A0");
    }
    auto type = iso8583::classify(original);
    if (!type) {
        return type.error();
    }
    const CardRule* rule = findRule(*type);
    if (rule == nullptr || !rule->reversible || !original.has(Field::Pan)) {
        return invalid("a " + std::string(iso8583::toString(*type)) + " cannot be reversed");
    }
    Message reversal = original;
    reversal.setMti(Mti::ReversalAdvice);
    reversal.clear(Field::PinCaptureCode);
    reversal.clear(Field::PinData);
    reversal.clear(Field::SecurityControl);
    setOrDie(reversal, Field::ResponseCode, reason);
    setOrDie(reversal, Field::Mac, kMacPlaceholder);
    return reversal;
}

Bytes sealFrame(const Message& message, std::span<const std::uint8_t> mac_key) {
    Bytes frame = iso8583::encodeFrame(message);
    if (!message.has(Field::Mac)) {
        return frame;
    }
    const std::span<std::uint8_t> body = std::span(frame).subspan(iso8583::kLengthPrefixBytes);
    const auto input = iso8583::macInput(body);
    YIKA_ASSERT(input.ok());  // encode() wrote a bitmap with field 64 and the 8 MAC bytes.
    const crypto::TerminalMac mac = crypto::computeMac(mac_key, *input);
    iso8583::setMac(body, mac);
    return frame;
}

MacCheck checkMac(std::span<const std::uint8_t> frame_body, const Message& message,
                  std::span<const std::uint8_t> mac_key) {
    if (!message.has(Field::Mac)) {
        return MacCheck::Absent;
    }
    const auto input = iso8583::macInput(frame_body);
    if (!input) {
        return MacCheck::Invalid;
    }
    return crypto::verifyMac(mac_key, *input, textAsBytes(message.get(Field::Mac)))
               ? MacCheck::Valid
               : MacCheck::Invalid;
}

bool responseNeedsMac(TransactionType type) {
    const std::uint64_t mac_bit = iso8583::bitmapBit(iso8583::fieldNumber(Field::Mac));
    if (type == T::Reversal) {
        return true;
    }
    return (iso8583::requestFields(type) & mac_bit) != 0;
}

Result<SignOnResult> acceptSignOnResponse(const Message& response,
                                          std::span<const std::uint8_t> tmk, std::string_view tid) {
    if (response.mti() != Mti::NetworkResponse) {
        return invalid("sign-on: the answer is a " + iso8583::mtiText(response.mti()) +
                       ", not a 0810");
    }
    if (response.get(Field::ResponseCode) != "00") {
        return invalid("sign-on declined with response code '" +
                       std::string(response.get(Field::ResponseCode)) + "'");
    }
    const auto key_data = crypto::parseSignOnKeyData(textAsBytes(response.get(Field::Reserved62)));
    if (!key_data) {
        return invalid("sign-on: field 62 is not the 22-byte key data");
    }
    const auto field60 = iso8583::parseField60(response.get(Field::Reserved60));
    if (!field60) {
        return invalid("sign-on: field 60 of the answer is malformed");
    }
    const crypto::SessionKeys keys = crypto::deriveSessionKeys(tmk, tid, key_data->nonce);
    if (!crypto::sessionKeysMatch(*key_data, keys.mac_key.span(), keys.pin_key.span())) {
        return invalid(
            "sign-on: the key check values do not match: this terminal master key is not the "
            "one the host holds for the terminal");
    }
    return SignOnResult{key_data->nonce, std::string(field60->batch_number)};
}

Status checkResponseMatches(const Message& request, const Message& response) {
    if (iso8583::isResponse(request.mti()) ||
        response.mti() != iso8583::responseMti(request.mti())) {
        return invalid("the answer " + iso8583::mtiText(response.mti()) + " does not match the " +
                       iso8583::mtiText(request.mti()) + " request");
    }
    if (response.get(Field::Trace) != request.get(Field::Trace)) {
        return invalid("the answer carries trace '" + std::string(response.get(Field::Trace)) +
                       "', the request '" + std::string(request.get(Field::Trace)) + "'");
    }
    if (response.get(Field::TerminalId) != request.get(Field::TerminalId)) {
        return invalid("the answer is for another terminal id");
    }
    return Ok{};
}

}  // namespace yika::term
