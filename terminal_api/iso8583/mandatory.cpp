#include "terminal_api/iso8583/mandatory.h"

#include "card_core/domain/assert.h"
#include "terminal_api/iso8583/subfields.h"

#include <array>
#include <bit>
#include <initializer_list>
#include <string>

namespace yika::iso8583 {

namespace {

constexpr std::uint64_t fields(std::initializer_list<Field> list) {
    std::uint64_t bits = 0;
    for (const Field field : list) {
        bits |= bitmapBit(fieldNumber(field));
    }
    return bits;
}

// Every request carries the trace, the terminal and merchant ids and field 60.
constexpr std::uint64_t kRequestBase =
    fields({Field::Trace, Field::TerminalId, Field::MerchantId, Field::Reserved60});
constexpr std::uint64_t kResponseBase = kRequestBase | fields({Field::ResponseCode});
// Card-present financial requests, MAC'd.
constexpr std::uint64_t kFinancialRequest =
    kRequestBase | fields({Field::ProcessingCode, Field::PosEntryMode, Field::ConditionCode,
                           Field::Currency, Field::Mac});
constexpr std::uint64_t kFinancialResponse =
    kResponseBase | fields({Field::ProcessingCode, Field::LocalTime, Field::LocalDate,
                            Field::ConditionCode, Field::RetrievalReference});
constexpr std::uint64_t kAmount = fields({Field::Amount});
constexpr std::uint64_t kMac = fields({Field::Mac});
constexpr std::uint64_t kPinFields =
    fields({Field::PinCaptureCode, Field::PinData, Field::SecurityControl});

enum class Family : std::uint8_t { Network, Financial, Reversal };

struct TypeRule {
    TransactionType type;
    std::string_view name;
    Family family;
    Mti mti;                        // the request MTI
    std::string_view processing;    // first two digits of field 3 (financial)
    std::string_view condition;     // field 25 (financial)
    std::string_view type_code;     // 60.1
    std::string_view network_code;  // 60.3 (network family)
    bool reversible;
    bool original_date_required;  // field 61 must carry 61.3
    std::uint64_t request;
    std::uint64_t response;
    std::uint64_t approved;
};

using T = TransactionType;
using F = Field;

// One row per TransactionType, in enum order. Mirrors the table in mandatory.h and section 11
// of docs/terminal-protocol.md.
constexpr std::array<TypeRule, 16> kRules = {{
    {T::SignOn, "sign-on", Family::Network, Mti::NetworkRequest, "", "", "00", "003", false, false,
     kRequestBase, kResponseBase, fields({F::LocalTime, F::LocalDate, F::Reserved62})},
    {T::SignOff, "sign-off", Family::Network, Mti::NetworkAdvice, "", "", "00", "002", false, false,
     kRequestBase, kResponseBase, 0},
    {T::EchoTest, "echo test", Family::Network, Mti::NetworkAdvice, "", "", "00", "301", false,
     false, kRequestBase, kResponseBase, 0},
    {T::BalanceInquiry, "balance inquiry", Family::Financial, Mti::FinancialRequest, "31", "00",
     "01", "", false, false, kFinancialRequest, kFinancialResponse, fields({F::Balance, F::Mac})},
    {T::Purchase, "purchase", Family::Financial, Mti::FinancialRequest, "00", "00", "22", "", true,
     false, kFinancialRequest | kAmount, kFinancialResponse | kAmount, kMac},
    {T::PurchaseVoid, "purchase void", Family::Financial, Mti::FinancialRequest, "20", "00", "23",
     "", true, false,
     kFinancialRequest | kAmount | fields({F::RetrievalReference, F::OriginalData}),
     kFinancialResponse | kAmount, kMac},
    {T::Refund, "refund", Family::Financial, Mti::FinancialAdvice, "20", "00", "25", "", false,
     true, kFinancialRequest | kAmount | fields({F::RetrievalReference, F::OriginalData}),
     kFinancialResponse | kAmount, kMac},
    {T::PreAuth, "pre-authorization", Family::Financial, Mti::AuthorizationRequest, "03", "06",
     "10", "", true, false, kFinancialRequest | kAmount, kFinancialResponse | kAmount,
     fields({F::AuthorizationId, F::Mac})},
    {T::PreAuthCancel, "pre-authorization cancellation", Family::Financial,
     Mti::AuthorizationRequest, "20", "06", "11", "", true, true,
     kFinancialRequest | kAmount | fields({F::AuthorizationId, F::OriginalData}),
     kFinancialResponse | kAmount, kMac},
    {T::PreAuthCompletion, "pre-authorization completion", Family::Financial, Mti::FinancialRequest,
     "00", "06", "20", "", true, true,
     kFinancialRequest | kAmount | fields({F::AuthorizationId, F::OriginalData}),
     kFinancialResponse | kAmount, kMac},
    {T::PreAuthCompletionVoid, "pre-authorization completion void", Family::Financial,
     Mti::FinancialRequest, "20", "06", "21", "", true, false,
     kFinancialRequest | kAmount |
         fields({F::RetrievalReference, F::AuthorizationId, F::OriginalData}),
     kFinancialResponse | kAmount, kMac},
    {T::PreAuthCompletionAdvice, "pre-authorization completion advice", Family::Financial,
     Mti::FinancialAdvice, "00", "06", "24", "", false, true,
     kFinancialRequest | kAmount | fields({F::AuthorizationId, F::OriginalData}),
     kFinancialResponse | kAmount, kMac},
    {T::Reversal, "reversal", Family::Reversal, Mti::ReversalAdvice, "", "", "", "", false, false,
     0, kResponseBase | fields({F::ProcessingCode, F::Amount, F::ConditionCode}), kMac},
    {T::BatchSettlement, "batch settlement", Family::Network, Mti::SettlementRequest, "", "", "00",
     "201", false, false, kRequestBase | fields({F::AdditionalData, F::Currency, F::Mac}),
     kResponseBase | fields({F::LocalTime, F::LocalDate, F::AdditionalData}), kMac},
    {T::BatchUpload, "batch upload", Family::Network, Mti::BatchUploadAdvice, "", "", "00", "201",
     false, false, kRequestBase | fields({F::AdditionalData, F::Mac}), kResponseBase, kMac},
    {T::BatchUploadEnd, "batch upload end", Family::Network, Mti::BatchUploadAdvice, "", "", "00",
     "202", false, false, kRequestBase | fields({F::AdditionalData, F::Mac}), kResponseBase, kMac},
}};

constexpr bool rulesFollowEnum() {
    for (std::size_t i = 0; i < kRules.size(); ++i) {
        if (static_cast<std::size_t>(kRules[i].type) != i) {
            return false;
        }
    }
    return true;
}
static_assert(rulesFollowEnum(), "kRules has one row per TransactionType, in enum order");

const TypeRule& ruleOf(TransactionType type) {
    const auto index = static_cast<std::size_t>(type);
    YIKA_ASSERT(index < kRules.size());
    return kRules[index];
}

Error invalid(std::string detail) {
    return makeError(ErrorCode::InvalidArgument, std::move(detail));
}

// Finds the row of a financial or network message whose request MTI is `mti`.
Result<TransactionType> matchRule(const Message& message, Mti mti) {
    if (!message.has(Field::Reserved60)) {
        return invalid(mtiText(message.mti()) + ": field 60 (reserved 60) is missing");
    }
    auto field60 = parseField60(message.get(Field::Reserved60));
    if (!field60) {
        return field60.error();
    }
    const std::string_view processing = message.get(Field::ProcessingCode).substr(0, 2);
    const std::string_view condition = message.get(Field::ConditionCode);
    for (const TypeRule& rule : kRules) {
        if (rule.mti != mti || rule.family == Family::Reversal ||
            rule.type_code != field60->type_code) {
            continue;
        }
        if (rule.family == Family::Network && rule.network_code == field60->network_code) {
            return rule.type;
        }
        if (rule.family == Family::Financial && rule.processing == processing &&
            rule.condition == condition) {
            return rule.type;
        }
    }
    return invalid(mtiText(message.mti()) + ": no transaction with processing code '" +
                   std::string(processing) + "', condition code '" + std::string(condition) +
                   "', 60.1 '" + std::string(field60->type_code) + "', 60.3 '" +
                   std::string(field60->network_code) + "'");
}

Status missingField(const TypeRule& rule, const Message& message, std::uint64_t missing) {
    const int number = std::countl_zero(missing) + 1;
    const FieldSpec* spec = findFieldSpec(number);
    YIKA_ASSERT(spec != nullptr);
    return invalid(mtiText(message.mti()) + " " + std::string(rule.name) + ": " +
                   describeField(*spec) + " is missing");
}

// Card data, PIN consistency and field 61 of a request other than a reversal.
Status checkCardRequest(const TypeRule& rule, const Message& message) {
    const std::string prefix = mtiText(message.mti()) + " " + std::string(rule.name) + ": ";
    if (!message.has(Field::Pan) && !message.has(Field::Track2)) {
        return invalid(prefix + "needs field 2 (PAN) or field 35 (track 2)");
    }
    const bool pin_entered = message.get(Field::PosEntryMode).substr(2) == "1";
    if (pin_entered && (message.bitmap() & kPinFields) != kPinFields) {
        return invalid(prefix + "22.3 = 1 (PIN entered) needs fields 26, 52 and 53");
    }
    if (!pin_entered && message.has(Field::PinData)) {
        return invalid(prefix + "field 52 (PIN data) present but 22.3 is not 1");
    }
    if ((rule.request & fields({Field::OriginalData})) != 0) {
        auto original = parseField61(message.get(Field::OriginalData));
        if (!original) {
            return invalid(prefix + original.error().detail);
        }
        if (rule.original_date_required && original->original_date.empty()) {
            return invalid(prefix + "field 61 (original data) needs 61.3 (original date)");
        }
    }
    return Ok{};
}

}  // namespace

std::string_view toString(TransactionType type) { return ruleOf(type).name; }

Result<TransactionType> classify(const Message& message) {
    const Mti mti = isResponse(message.mti()) ? requestMti(message.mti()) : message.mti();
    if (mti == Mti::ReversalAdvice) {
        return TransactionType::Reversal;
    }
    return matchRule(message, mti);
}

Result<TransactionType> reversedType(const Message& message) {
    const Mti mti = isResponse(message.mti()) ? requestMti(message.mti()) : message.mti();
    if (mti != Mti::ReversalAdvice) {
        return invalid(mtiText(message.mti()) + " is not a reversal");
    }
    // The original's MTI follows from 60.1: 1x is a 0100 transaction, 2x a 0200 one.
    const auto field60 = parseField60(message.get(Field::Reserved60));
    if (!field60) {
        return field60.error();
    }
    const Mti original_mti =
        field60->type_code.substr(0, 1) == "1" ? Mti::AuthorizationRequest : Mti::FinancialRequest;
    auto original = matchRule(message, original_mti);
    if (!original) {
        return original;
    }
    if (!ruleOf(*original).reversible) {
        return invalid(mtiText(message.mti()) + ": a " + std::string(toString(*original)) +
                       " cannot be reversed");
    }
    return original;
}

std::uint64_t requestFields(TransactionType type) { return ruleOf(type).request; }
std::uint64_t responseFields(TransactionType type) { return ruleOf(type).response; }
std::uint64_t approvedResponseFields(TransactionType type) { return ruleOf(type).approved; }

std::uint64_t reversalRequestFields(TransactionType reversed) {
    YIKA_ASSERT(ruleOf(reversed).reversible);
    return (ruleOf(reversed).request & ~kPinFields) | fields({Field::Pan, Field::ResponseCode});
}

Status checkMandatory(const Message& message) {
    auto type = classify(message);
    if (!type) {
        return type.error();
    }
    const TypeRule& rule = ruleOf(*type);
    const bool response = isResponse(message.mti());
    std::uint64_t required = 0;
    if (response) {
        required = rule.response;
        if (message.responseCode() == ResponseCode::Approved) {
            required |= rule.approved;
        }
    } else if (rule.family == Family::Reversal) {
        auto reversed = reversedType(message);
        if (!reversed) {
            return reversed.error();
        }
        required = reversalRequestFields(*reversed);
    } else {
        required = rule.request;
    }
    const std::uint64_t missing = required & ~message.bitmap();
    if (missing != 0) {
        return missingField(rule, message, missing);
    }
    if (response) {
        return Ok{};
    }
    if (rule.family == Family::Financial) {
        return checkCardRequest(rule, message);
    }
    if (rule.family == Family::Reversal) {
        const std::string_view reason = message.get(Field::ResponseCode);
        if (reason != "98" && reason != "06" && reason != "A0") {
            return invalid(mtiText(message.mti()) + " reversal: field 39 (reason) '" +
                           std::string(reason) + "' is not 98, 06 or A0");
        }
    }
    return Ok{};
}

}  // namespace yika::iso8583
