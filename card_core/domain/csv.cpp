#include "card_core/domain/csv.h"

namespace yika {

Error csvError(int line_no, const std::string& reason) {
    return makeError(ErrorCode::InvalidArgument,
                     "line " + std::to_string(line_no) + ": " + reason + "; nothing was imported");
}

namespace {

// Splits one record starting at `pos`; advances `pos` past its line end. Records may span lines
// inside quotes; `line_no` counts every physical line.
Result<std::vector<std::string>> parseRecord(std::string_view text, std::size_t& pos, int& line_no,
                                             const CsvLimits& limits) {
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    bool after_quote = false;
    int start_line = line_no;
    for (;;) {
        if (field.size() > limits.field_bytes_max) {
            return csvError(start_line, "a field is longer than " +
                                            std::to_string(limits.field_bytes_max) + " bytes");
        }
        if (pos >= text.size()) {
            if (quoted) return csvError(start_line, "a quoted field is not closed");
            fields.push_back(std::move(field));
            return fields;
        }
        char c = text[pos++];
        if (quoted) {
            if (c == '"') {
                if (pos < text.size() && text[pos] == '"') {
                    field += '"';
                    ++pos;
                } else {
                    quoted = false;
                    after_quote = true;
                }
            } else {
                if (c == '\n') ++line_no;
                field += c;
            }
            continue;
        }
        if (c == ',') {
            fields.push_back(std::move(field));
            field.clear();
            after_quote = false;
            continue;
        }
        if (c == '\r' && pos < text.size() && text[pos] == '\n') continue;
        if (c == '\n') {
            ++line_no;
            fields.push_back(std::move(field));
            return fields;
        }
        if (after_quote) return csvError(start_line, "text after a closing quote");
        if (c == '"') {
            if (!field.empty()) return csvError(start_line, "a quote inside an unquoted field");
            quoted = true;
            continue;
        }
        if (c == '\r' || c == '\0') return csvError(start_line, "a control character");
        field += c;
    }
}

}  // namespace

Result<std::vector<CsvRow>> parseCsv(std::string_view text, std::string_view header,
                                     const CsvLimits& limits) {
    if (text.size() > limits.file_bytes_max) {
        return csvError(
            1, "the file is larger than " + std::to_string(limits.file_bytes_max) + " bytes");
    }
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    std::size_t pos = 0;
    int line_no = 1;
    std::size_t header_end = text.find('\n');
    std::string_view first = text.substr(0, header_end);
    if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
    if (first != header) {
        return csvError(1, "the header must be exactly: " + std::string(header));
    }
    std::size_t columns = 1;
    for (char c : header) columns += c == ',' ? 1 : 0;
    pos = header_end == std::string_view::npos ? text.size() : header_end + 1;
    line_no = 2;
    std::vector<CsvRow> rows;
    while (pos < text.size()) {
        int at = line_no;
        // An empty line (or a last line end) is skipped, not a row of one empty field.
        if (text[pos] == '\n' ||
            (text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n')) {
            pos += text[pos] == '\n' ? 1u : 2u;
            ++line_no;
            continue;
        }
        if (static_cast<std::int64_t>(rows.size()) >= limits.rows_max) {
            return csvError(at, "more than " + std::to_string(limits.rows_max) + " rows");
        }
        auto fields = parseRecord(text, pos, line_no, limits);
        if (!fields) return fields.error();
        if (fields->size() != columns) {
            return csvError(at, "expected " + std::to_string(columns) + " fields, found " +
                                    std::to_string(fields->size()));
        }
        rows.push_back({at, std::move(*fields)});
    }
    return rows;
}

std::string csvField(std::string_view value) {
    bool formula = !value.empty() &&
                   (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@');
    // A negative amount is data, not a formula: digits after the sign.
    if (formula && value[0] == '-' && value.size() > 1 && value[1] >= '0' && value[1] <= '9') {
        formula = false;
    }
    bool quote = formula || value.find_first_of(",\"\r\n") != std::string_view::npos;
    if (!quote) return std::string(value);
    std::string out = "\"";
    if (formula) out += '\'';
    for (char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string csvLine(const std::vector<std::string>& fields) {
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) out += ',';
        out += csvField(fields[i]);
    }
    return out + "\n";
}

}  // namespace yika
