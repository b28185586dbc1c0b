#include "terminal_api/iso8583/message.h"

#include "card_core/domain/assert.h"
#include "terminal_api/iso8583/bcd.h"

#include <charconv>

namespace yika::iso8583 {

namespace {

constexpr std::int64_t kAmountMinorMax = 999'999'999'999;  // n12
constexpr std::uint32_t kTraceMax = 999'999;               // n6

// Fixed-width, zero-padded decimal text of a non-negative number.
std::string zeroPadded(std::uint64_t value, std::size_t width) {
    std::string text(width, '0');
    for (std::size_t i = width; i > 0 && value > 0; --i) {
        text[i - 1] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    YIKA_ASSERT(value == 0);
    return text;
}

// Decimal value of a string of digits that a validated n field holds.
template <typename T>
T digitsValue(std::string_view digits) {
    T value{};
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    YIKA_ASSERT(error == std::errc{} && end == digits.data() + digits.size());
    return value;
}

}  // namespace

std::optional<Mti> mtiFromNumber(int number) {
    switch (number) {
        case 100:
        case 110:
        case 200:
        case 210:
        case 220:
        case 230:
        case 320:
        case 330:
        case 400:
        case 410:
        case 500:
        case 510:
        case 800:
        case 810:
        case 820:
        case 830:
            return static_cast<Mti>(number);
        default:
            return std::nullopt;
    }
}

bool isResponse(Mti mti) { return (static_cast<int>(mti) / 10) % 2 == 1; }

Mti responseMti(Mti mti) {
    YIKA_ASSERT(!isResponse(mti));
    return static_cast<Mti>(static_cast<int>(mti) + 10);
}

Mti requestMti(Mti mti) {
    YIKA_ASSERT(isResponse(mti));
    return static_cast<Mti>(static_cast<int>(mti) - 10);
}

std::string mtiText(Mti mti) { return zeroPadded(static_cast<std::uint64_t>(mti), 4); }

Status checkHeader(const Header& header) {
    if (header.application_type != kApplicationTypePos) {
        return makeError(
            ErrorCode::InvalidArgument,
            "header: application type " + std::to_string(header.application_type) + " is not 60");
    }
    if (header.software_version > 99) {
        return makeError(ErrorCode::InvalidArgument, "header: software version over 99");
    }
    if (header.terminal_status > 1) {
        return makeError(ErrorCode::InvalidArgument, "header: terminal status " +
                                                         std::to_string(header.terminal_status) +
                                                         " is neither 0 nor 1");
    }
    if (header.processing_requirement != kProcessingRequirementNone &&
        header.processing_requirement != kProcessingRequirementSignOn) {
        return makeError(ErrorCode::InvalidArgument,
                         "header: processing requirement " +
                             std::to_string(header.processing_requirement) + " is neither 0 nor 3");
    }
    if (header.reserved > 999'999) {
        return makeError(ErrorCode::InvalidArgument, "header: reserved over 999999");
    }
    return Ok{};
}

void Message::setHeader(const Header& header) {
    YIKA_ASSERT(checkHeader(header).ok());
    header_ = header;
}

std::optional<std::string_view> Message::find(Field field) const {
    if (!has(field)) {
        return std::nullopt;
    }
    return get(field);
}

Status Message::set(Field field, std::string_view value) {
    YIKA_TRY(validateValue(fieldSpec(field), value));
    values_[slotOf(field)].assign(value);
    present_ |= bitOf(field);
    return Ok{};
}

void Message::setValid(Field field, std::string_view value) {
    const Status status = set(field, value);
    YIKA_ASSERT(status.ok());
}

void Message::clear(Field field) {
    values_[slotOf(field)].clear();
    present_ &= ~bitOf(field);
}

std::optional<std::int64_t> Message::amountMinor() const {
    if (!has(Field::Amount)) {
        return std::nullopt;
    }
    return digitsValue<std::int64_t>(get(Field::Amount));
}

Result<Money> Message::amount() const {
    const auto minor = amountMinor();
    if (!minor) {
        return makeError(ErrorCode::InvalidArgument, "field 4 (amount): absent");
    }
    if (!has(Field::Currency)) {
        return makeError(ErrorCode::InvalidArgument, "field 49 (currency): absent");
    }
    const std::string_view code = get(Field::Currency);
    std::optional<Currency> currency;
    if (detail::isAllDigits(code)) {
        currency = currencyFromNumeric(digitsValue<std::uint16_t>(code));
    }
    if (!currency) {
        return makeError(ErrorCode::InvalidArgument,
                         "field 49 (currency): '" + std::string(code) + "' is not a currency");
    }
    return Money::fromMinor(*minor, *currency);
}

void Message::setAmount(Money amount) {
    YIKA_ASSERT(amount.minor() >= 0 && amount.minor() <= kAmountMinorMax);
    const auto numeric = static_cast<std::uint64_t>(amount.currency());
    setValid(Field::Amount, zeroPadded(static_cast<std::uint64_t>(amount.minor()), 12));
    setValid(Field::Currency, zeroPadded(numeric, 3));
}

std::optional<std::uint32_t> Message::trace() const {
    if (!has(Field::Trace)) {
        return std::nullopt;
    }
    return digitsValue<std::uint32_t>(get(Field::Trace));
}

void Message::setTrace(std::uint32_t trace) {
    YIKA_ASSERT(trace <= kTraceMax);
    setValid(Field::Trace, zeroPadded(trace, 6));
}

std::optional<ResponseCode> Message::responseCode() const {
    if (!has(Field::ResponseCode)) {
        return std::nullopt;
    }
    return parseResponseCode(get(Field::ResponseCode));
}

void Message::setResponseCode(ResponseCode code) { setValid(Field::ResponseCode, wireCode(code)); }

Message makeResponse(const Message& request) {
    YIKA_ASSERT(!isResponse(request.mti()));
    Message response(responseMti(request.mti()));
    response.setTpdu(request.tpdu().swapped());
    Header header = request.header();
    header.processing_requirement = kProcessingRequirementNone;
    response.setHeader(header);
    constexpr std::array kEchoed = {Field::ProcessingCode, Field::Amount,     Field::Trace,
                                    Field::ConditionCode,  Field::TerminalId, Field::MerchantId,
                                    Field::Currency,       Field::Reserved60};
    for (const Field field : kEchoed) {
        if (request.has(field)) {
            const Status status = response.set(field, request.get(field));
            YIKA_ASSERT(status.ok());  // The request held a valid value for the same field.
        }
    }
    return response;
}

}  // namespace yika::iso8583
