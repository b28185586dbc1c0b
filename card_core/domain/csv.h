#pragma once

// CSV for the files the back office exchanges with banks (payout file, payout results, bank
// statements) and for report exports: RFC 4180 (comma separator, fields with a comma, quote or
// line break quoted, quotes doubled), UTF-8, LF or CRLF line ends. Parsing is all-or-nothing:
// the first malformed line refuses the whole file, naming the line and the reason.

#include "card_core/domain/result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace yika {

struct CsvRow {
    int line_no = 0;  // 1-based line of the file (the header is line 1)
    std::vector<std::string> fields;
};

struct CsvLimits {
    std::int64_t rows_max = 1'000'000;
    std::size_t field_bytes_max = 256;
    std::size_t file_bytes_max = 256u << 20;
};

// Parses `text`, whose first line must equal `header` exactly (after an optional UTF-8 BOM);
// every other non-empty line must have as many fields as the header. InvalidArgument
// "line N: reason" otherwise.
Result<std::vector<CsvRow>> parseCsv(std::string_view text, std::string_view header,
                                     const CsvLimits& limits = {});

// One field as CSV: quoted when it holds a comma, quote, CR or LF, or starts with a character a
// spreadsheet would run as a formula (=, +, -, @), which is then prefixed with a quote.
std::string csvField(std::string_view value);
// Fields joined by commas, with a trailing LF.
std::string csvLine(const std::vector<std::string>& fields);

// "line N: reason" as InvalidArgument.
Error csvError(int line_no, const std::string& reason);

}  // namespace yika
