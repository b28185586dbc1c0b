#include "card_core/domain/report_catalog.h"

#include "card_core/domain/report_writers.h"
#include "card_core/domain/reports.h"

#include <array>

namespace yika {

namespace {

constexpr std::array<std::string_view, 9> kNames = {
    "trial-balance", "liability",    "activity",    "settlement",   "breakage",
    "day",           "invoices-out", "invoices-in", "invoice-pool",
};

// A date or a month; a month reads as its first day.
Status parseEnd(std::string_view name, const std::string& text, Date& date, std::string& month) {
    if (validMonth(text)) {
        month = text;
        date = *Date::parseIso(text + "-01");
        return Ok{};
    }
    auto d = Date::parseIso(text);
    if (!d || d->toIso() != text) {
        return makeError(
            ErrorCode::InvalidArgument,
            std::string(name) + ": YYYY-MM-DD or YYYY-MM, not '" + text.substr(0, 32) + "'");
    }
    date = *d;
    month = monthOf(*d);
    return Ok{};
}

template <typename R>
std::string render(const R& report, ReportFormat format) {
    return format == ReportFormat::Csv ? toCsv(report) : toJson(report);
}

}  // namespace

Result<ReportRange> reportRange(const std::optional<std::string>& date,
                                const std::optional<std::string>& from,
                                const std::optional<std::string>& to, Date business_date) {
    ReportRange r;
    r.from = r.to = business_date.plusDays(-1);
    std::string ignored;
    if (date) {
        YIKA_TRY(parseEnd("date", *date, r.from, ignored));
        r.to = r.from;
    }
    r.from_month = monthOf(r.from);
    r.to_month = monthOf(r.to);
    if (from) YIKA_TRY(parseEnd("from", *from, r.from, r.from_month));
    if (to) {
        YIKA_TRY(parseEnd("to", *to, r.to, r.to_month));
        if (validMonth(*to)) r.to = r.to.plusMonths(1).plusDays(-1);  // the month's last day
    }
    if (r.to < r.from) return makeError(ErrorCode::InvalidArgument, "to: is before from");
    return r;
}

std::span<const std::string_view> reportNames() { return kNames; }

bool isReportName(std::string_view name) {
    for (std::string_view n : kNames) {
        if (n == name) return true;
    }
    return false;
}

Result<std::string> renderReport(StoreTx& tx, std::string_view name, const ReportRange& a,
                                 const ReportSettings& settings, ReportFormat format) {
    if (name == "trial-balance") return render(trialBalanceReport(tx, a.to), format);
    if (name == "liability") return render(liabilityReport(tx), format);
    if (name == "activity") return render(activityReport(tx, a.from, a.to), format);
    if (name == "settlement") return render(settlementReport(tx, a.to), format);
    if (name == "breakage") {
        return render(breakageReport(tx, a.from, a.to, settings.rows_max), format);
    }
    if (name == "day") return render(dayReport(tx, a.to), format);
    if (name == "invoices-out") {
        return render(invoicesOutReport(tx, a.from, a.to, settings.rows_max), format);
    }
    if (name == "invoices-in") {
        return render(invoicesInReport(tx, a.from_month, a.to_month, tx.businessDate(),
                                       settings.invoice_rules),
                      format);
    }
    if (name == "invoice-pool") {
        return render(invoicePoolReport(tx, a.from_month, a.to_month), format);
    }
    return makeError(ErrorCode::NotFound, "unknown report '" + std::string(name) + "'");
}

}  // namespace yika
