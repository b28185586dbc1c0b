#include "terminal_api/iso8583/subfields.h"

#include "card_core/domain/assert.h"
#include "terminal_api/iso8583/bcd.h"

#include <charconv>

namespace yika::iso8583 {

namespace {

constexpr std::int64_t kN12Limit = 1'000'000'000'000;
constexpr std::size_t kTotalsBlockDigits = 31;
constexpr std::size_t kBatchItemDigits = 40;
constexpr std::size_t kBalanceChars = 20;

Error invalid(std::string detail) {
    return makeError(ErrorCode::InvalidArgument, std::move(detail));
}

// Value of a run of digits; the caller has checked they are digits and that they fit.
std::int64_t digitsValue(std::string_view digits) {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    YIKA_ASSERT(error == std::errc{} && end == digits.data() + digits.size());
    return value;
}

void appendZeroPadded(std::int64_t value, std::size_t width, std::string& out) {
    YIKA_ASSERT(value >= 0);
    const std::size_t start = out.size();
    out.append(width, '0');
    for (std::size_t i = width; i > 0 && value > 0; --i) {
        out[start + i - 1] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    YIKA_ASSERT(value == 0);
}

bool isDigits(std::string_view text, std::size_t size) {
    return text.size() == size && detail::isAllDigits(text);
}

}  // namespace

Result<Field60> parseField60(std::string_view value) {
    if (value.size() < 8 || value.size() == 9 || value.size() == 10 ||
        !detail::isAllDigits(value)) {
        return invalid("field 60: " + std::to_string(value.size()) +
                       " digits; needs 60.1 and 60.2 (8 digits) or also 60.3 (11 or more)");
    }
    Field60 result;
    result.type_code = value.substr(0, 2);
    result.batch_number = value.substr(2, 6);
    if (value.size() >= 11) {
        result.network_code = value.substr(8, 3);
    }
    return result;
}

std::string formatField60(std::string_view type_code, std::string_view batch_number,
                          std::string_view network_code) {
    YIKA_ASSERT(isDigits(type_code, 2) && isDigits(batch_number, 6));
    YIKA_ASSERT(network_code.empty() || isDigits(network_code, 3));
    std::string text;
    text.reserve(11);
    text.append(type_code).append(batch_number).append(network_code);
    return text;
}

Result<Field61> parseField61(std::string_view value) {
    if (value.size() < 12 || (value.size() > 12 && value.size() < 16) ||
        !detail::isAllDigits(value)) {
        return invalid("field 61: " + std::to_string(value.size()) +
                       " digits; needs 61.1 and 61.2 (12 digits) or also 61.3 (16 or more)");
    }
    Field61 result;
    result.original_batch = value.substr(0, 6);
    result.original_trace = value.substr(6, 6);
    if (value.size() >= 16) {
        result.original_date = value.substr(12, 4);
    }
    return result;
}

std::string formatField61(std::string_view original_batch, std::string_view original_trace,
                          std::string_view original_date) {
    YIKA_ASSERT(isDigits(original_batch, 6) && isDigits(original_trace, 6));
    YIKA_ASSERT(original_date.empty() || isDigits(original_date, 4));
    std::string text;
    text.reserve(16);
    text.append(original_batch).append(original_trace).append(original_date);
    return text;
}

Result<SettlementTotals> parseSettlementTotals(std::string_view value) {
    if (!isDigits(value, kSettlementTotalsDigits)) {
        return invalid("field 48 (settlement totals): " + std::to_string(value.size()) +
                       " characters, expected 62 digits");
    }
    const std::string_view foreign = value.substr(kTotalsBlockDigits);
    if (foreign.find_first_not_of('0') != std::string_view::npos) {
        return invalid("field 48 (settlement totals): the foreign-card block is not zero");
    }
    SettlementTotals totals;
    totals.debit_amount_minor = digitsValue(value.substr(0, 12));
    totals.debit_count = static_cast<std::uint32_t>(digitsValue(value.substr(12, 3)));
    totals.credit_amount_minor = digitsValue(value.substr(15, 12));
    totals.credit_count = static_cast<std::uint32_t>(digitsValue(value.substr(27, 3)));
    totals.result = static_cast<std::uint8_t>(value[30] - '0');
    if (totals.result > 3) {
        return invalid("field 48 (settlement totals): result " + std::to_string(totals.result) +
                       " is not 0-3");
    }
    return totals;
}

std::string formatSettlementTotals(const SettlementTotals& totals) {
    YIKA_ASSERT(totals.debit_amount_minor >= 0 && totals.debit_amount_minor < kN12Limit);
    YIKA_ASSERT(totals.credit_amount_minor >= 0 && totals.credit_amount_minor < kN12Limit);
    YIKA_ASSERT(totals.debit_count < 1000 && totals.credit_count < 1000 && totals.result <= 3);
    std::string text;
    text.reserve(kSettlementTotalsDigits);
    appendZeroPadded(totals.debit_amount_minor, 12, text);
    appendZeroPadded(totals.debit_count, 3, text);
    appendZeroPadded(totals.credit_amount_minor, 12, text);
    appendZeroPadded(totals.credit_count, 3, text);
    appendZeroPadded(totals.result, 1, text);
    text.append(kTotalsBlockDigits, '0');
    return text;
}

Result<std::vector<BatchUploadItem>> parseBatchUpload(std::string_view value) {
    if (value.size() < 2 || !detail::isAllDigits(value)) {
        return invalid("field 48 (batch upload): no item count");
    }
    const auto count = static_cast<std::size_t>(digitsValue(value.substr(0, 2)));
    if (count == 0 || count > kBatchUploadItemsMax ||
        value.size() != 2 + count * kBatchItemDigits) {
        return invalid("field 48 (batch upload): count " + std::to_string(count) +
                       " does not match " + std::to_string(value.size()) + " digits");
    }
    std::vector<BatchUploadItem> items;
    items.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const std::string_view item = value.substr(2 + i * kBatchItemDigits, kBatchItemDigits);
        const std::string_view padded_pan = item.substr(8, 20);
        const std::size_t first = padded_pan.find_first_not_of('0');
        if (first == std::string_view::npos || 20 - first < 12) {
            return invalid("field 48 (batch upload): item " + std::to_string(i + 1) +
                           " has a PAN shorter than 12 digits");
        }
        BatchUploadItem parsed;
        parsed.trace = item.substr(2, 6);
        parsed.pan = padded_pan.substr(first);
        parsed.amount_minor = digitsValue(item.substr(28, 12));
        items.push_back(std::move(parsed));
    }
    return items;
}

std::string formatBatchUpload(const std::vector<BatchUploadItem>& items) {
    YIKA_ASSERT(!items.empty() && items.size() <= kBatchUploadItemsMax);
    std::string text;
    text.reserve(2 + items.size() * kBatchItemDigits);
    appendZeroPadded(static_cast<std::int64_t>(items.size()), 2, text);
    for (const BatchUploadItem& item : items) {
        YIKA_ASSERT(isDigits(item.trace, 6));
        YIKA_ASSERT(item.pan.size() >= 12 && item.pan.size() <= 19 && item.pan[0] != '0' &&
                    detail::isAllDigits(item.pan));
        YIKA_ASSERT(item.amount_minor >= 0 && item.amount_minor < kN12Limit);
        text.append("00").append(item.trace);
        text.append(20 - item.pan.size(), '0').append(item.pan);
        appendZeroPadded(item.amount_minor, 12, text);
    }
    return text;
}

std::string formatBalance(Money balance) {
    const std::int64_t minor = balance.minor();
    YIKA_ASSERT(minor > -kN12Limit && minor < kN12Limit);
    std::string text;
    text.reserve(kBalanceChars);
    text.append("0002");
    appendZeroPadded(static_cast<std::int64_t>(balance.currency()), 3, text);
    text.push_back(minor < 0 ? 'D' : 'C');
    appendZeroPadded(minor < 0 ? -minor : minor, 12, text);
    return text;
}

Result<Money> parseBalance(std::string_view value) {
    if (value.size() != kBalanceChars || !detail::isAllDigits(value.substr(0, 7)) ||
        (value[7] != 'C' && value[7] != 'D') || !detail::isAllDigits(value.substr(8))) {
        return invalid("field 54 (balance): not type n4, currency n3, sign C/D, amount n12");
    }
    const auto currency =
        currencyFromNumeric(static_cast<std::uint16_t>(digitsValue(value.substr(4, 3))));
    if (!currency) {
        return invalid("field 54 (balance): unknown currency " + std::string(value.substr(4, 3)));
    }
    const std::int64_t amount = digitsValue(value.substr(8));
    return Money::fromMinor(value[7] == 'D' ? -amount : amount, *currency);
}

}  // namespace yika::iso8583
