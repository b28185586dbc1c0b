#pragma once

// Sub-field layouts of the composite fields (docs/terminal-protocol.md section 9). The codec
// treats these fields as plain n or an values; these helpers split and build them. Parsers take
// values from a Message, which already passed the field table (only digits, bounded length);
// they check the layout on top of that.

#include "card_core/domain/money.h"
#include "card_core/domain/result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace yika::iso8583 {

// Field 60, n..17: 60.1 message type code n2 | 60.2 batch number n6 | 60.3 network management
// code n3 | 60.4-60.7 n..6 (terminal capabilities; carried, not interpreted).
struct Field60 {
    std::string_view type_code;     // 60.1
    std::string_view batch_number;  // 60.2
    std::string_view network_code;  // 60.3; empty if the field stops after 60.2
};
// Views into `value`. Errors: InvalidArgument if it has fewer than 8 digits or stops inside
// 60.3 (9 or 10 digits).
Result<Field60> parseField60(std::string_view value);
// 60.1 + 60.2 (+ 60.3). Preconditions: 2, 6 and 0 or 3 digits.
std::string formatField60(std::string_view type_code, std::string_view batch_number,
                          std::string_view network_code = {});

// Field 61, n..29: 61.1 original batch n6 | 61.2 original trace n6 | 61.3 original date MMDD n4
// | 61.4-61.5 n..13 (original authorization method and institution; carried, not interpreted).
struct Field61 {
    std::string_view original_batch;  // 61.1
    std::string_view original_trace;  // 61.2
    std::string_view original_date;   // 61.3; empty if the field stops after 61.2
};
// Views into `value`. Errors: InvalidArgument if it has fewer than 12 digits or stops inside
// 61.3 (13 to 15 digits).
Result<Field61> parseField61(std::string_view value);
// Preconditions: 6, 6 and 0 or 4 digits.
std::string formatField61(std::string_view original_batch, std::string_view original_trace,
                          std::string_view original_date = {});

// Field 48 of 0500/0510, n62: a domestic block and a foreign block, each debit amount n12 |
// debit count n3 | credit amount n12 | credit count n3 | result n1. Yika has only domestic
// cards: the foreign block is all zeros.
struct SettlementTotals {
    std::int64_t debit_amount_minor = 0;  // purchases and pre-auth completions
    std::uint32_t debit_count = 0;
    std::int64_t credit_amount_minor = 0;  // refunds
    std::uint32_t credit_count = 0;
    // 0 in the terminal's request; in the host's response 1 balanced, 2 not balanced, 3 error.
    std::uint8_t result = 0;

    friend bool operator==(const SettlementTotals&, const SettlementTotals&) = default;
};
inline constexpr std::size_t kSettlementTotalsDigits = 62;
// Errors: InvalidArgument if not 62 digits, a non-zero foreign block or a result above 3.
Result<SettlementTotals> parseSettlementTotals(std::string_view value);
// Preconditions: amounts in [0, 10^12), counts in [0, 1000), result <= 3.
std::string formatSettlementTotals(const SettlementTotals& totals);

// One transaction of a batch upload (0320 with 60.3 201), field 48: count n2 (1-8), then per
// transaction: card organisation n2 ("00") | trace n6 | PAN n20 (right-aligned, zero-filled)
// | amount n12.
struct BatchUploadItem {
    std::string trace;  // 6 digits
    std::string pan;    // 12-19 digits
    std::int64_t amount_minor = 0;

    friend bool operator==(const BatchUploadItem&, const BatchUploadItem&) = default;
};
inline constexpr std::size_t kBatchUploadItemsMax = 8;
// Errors: InvalidArgument if the count is 0 or over 8, the length does not match the count, or
// a PAN is shorter than 12 digits.
Result<std::vector<BatchUploadItem>> parseBatchUpload(std::string_view value);
// Preconditions: 1-8 items, each valid as described above.
std::string formatBatchUpload(const std::vector<BatchUploadItem>& items);

// Field 54, an20, the balance the host returns: account type "00" | amount type "02"
// (available) | currency n3 | sign 'C' (credit) or 'D' (debit) | amount n12.
// Precondition: |balance.minor()| < 10^12.
std::string formatBalance(Money balance);
// Errors: InvalidArgument if the layout, the sign or the currency is wrong.
Result<Money> parseBalance(std::string_view value);

}  // namespace yika::iso8583
