#pragma once

// The back office's reports by name (issue 5), as `yikad report NAME` and the admin API's
// GET /v1/reports/{name} both serve them: one list of names, one reading of the date range and
// one rendering (report_writers.h), so the CSV of the API and of the command line are the same
// bytes for the same data.
//
// Range: `date` D sets both ends; `from` / `to` override them; each is YYYY-MM-DD or YYYY-MM
// (a month: its first day for `from`, its last day for `to`). Nothing given: the day before
// the business date. Monthly reports (invoices-in, invoice-pool) use the months of the range.

#include "card_core/domain/invoices.h"
#include "card_core/domain/store.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace yika {

struct ReportRange {
    Date from;
    Date to;
    std::string from_month;  // "YYYY-MM"
    std::string to_month;
};

// InvalidArgument naming the parameter ("from: YYYY-MM-DD or YYYY-MM", "to: before from").
Result<ReportRange> reportRange(const std::optional<std::string>& date,
                                const std::optional<std::string>& from,
                                const std::optional<std::string>& to, Date business_date);

// trial-balance, liability, activity, settlement, breakage, day, invoices-out, invoices-in,
// invoice-pool.
std::span<const std::string_view> reportNames();
bool isReportName(std::string_view name);

enum class ReportFormat : std::uint8_t { Json, Csv };

struct ReportSettings {
    InvoiceRules invoice_rules;         // invoices-in: the due days
    std::int64_t rows_max = 1'000'000;  // breakage and invoices-out rows
};

// The report as JSON (report_writers.h, no trailing newline) or CSV. NotFound for an unknown
// name. Reads only: run it on a read-only connection.
Result<std::string> renderReport(StoreTx& tx, std::string_view name, const ReportRange& range,
                                 const ReportSettings& settings, ReportFormat format);

}  // namespace yika
