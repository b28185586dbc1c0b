// `yikad report NAME` and `yikad invoice issue|receive` (issue 5; day_commands.h).

#include "card_core/domain/invoices.h"
#include "card_core/domain/report_writers.h"
#include "card_core/domain/reports.h"
#include "card_core/store/store_tx_runner.h"
#include "server/args.h"
#include "server/data_dir.h"
#include "server/day_commands.h"

#include <cstdio>

namespace yika::server {

namespace {

constexpr std::int64_t kReportRowsMax = 1'000'000;

int fail(const std::string& message) {
    std::fprintf(stderr, "yikad: %s\n", message.c_str());
    return 1;
}
int fail(const Error& e) { return fail(std::string(toString(e.code)) + ": " + e.detail); }

struct ReportArgs {
    Date from;
    Date to;
    std::string from_month;
    std::string to_month;
    bool csv = false;
};

// --date D sets both ends; --from / --to override. Months are the dates' months unless given
// as YYYY-MM.
Result<ReportArgs> reportArgs(const Args& args, Date today) {
    ReportArgs r;
    r.csv = args.flag("--csv");
    r.from = r.to = today.plusDays(-1);
    auto parse = [](const std::string& text, Date& date, std::string& month) -> Status {
        if (validMonth(text)) {
            month = text;
            date = *Date::parseIso(text + "-01");
            return Ok{};
        }
        auto d = Date::parseIso(text);
        if (!d) return makeError(ErrorCode::InvalidArgument, text + ": YYYY-MM-DD or YYYY-MM");
        date = *d;
        month = monthOf(*d);
        return Ok{};
    };
    std::string ignored;
    if (auto d = args.value("--date")) {
        YIKA_TRY(parse(*d, r.from, ignored));
        r.to = r.from;
    }
    r.from_month = monthOf(r.from);
    r.to_month = monthOf(r.to);
    if (auto f = args.value("--from")) YIKA_TRY(parse(*f, r.from, r.from_month));
    if (auto t = args.value("--to")) {
        YIKA_TRY(parse(*t, r.to, r.to_month));
        if (validMonth(*t)) r.to = r.to.plusMonths(1).plusDays(-1);  // the month's last day
    }
    if (r.to < r.from) return makeError(ErrorCode::InvalidArgument, "--to is before --from");
    return r;
}

template <typename R>
std::string render(const R& report, bool csv) {
    return csv ? toCsv(report) : toJson(report) + "\n";
}

Result<std::string> buildReport(StoreTx& tx, const std::string& name, const ReportArgs& a,
                                const Config& config) {
    if (name == "trial-balance") return render(trialBalanceReport(tx, a.to), a.csv);
    if (name == "liability") return render(liabilityReport(tx), a.csv);
    if (name == "activity") return render(activityReport(tx, a.from, a.to), a.csv);
    if (name == "settlement") return render(settlementReport(tx, a.to), a.csv);
    if (name == "breakage") return render(breakageReport(tx, a.from, a.to, kReportRowsMax), a.csv);
    if (name == "day") return render(dayReport(tx, a.to), a.csv);
    if (name == "invoices-out") {
        return render(invoicesOutReport(tx, a.from, a.to, kReportRowsMax), a.csv);
    }
    if (name == "invoices-in") {
        InvoiceRules rules;
        rules.merchant_invoice_due_days = static_cast<int>(config.day.invoice_due_days);
        return render(invoicesInReport(tx, a.from_month, a.to_month, tx.businessDate(), rules),
                      a.csv);
    }
    if (name == "invoice-pool")
        return render(invoicePoolReport(tx, a.from_month, a.to_month), a.csv);
    return makeError(ErrorCode::InvalidArgument, "unknown report '" + name + "'");
}

}  // namespace

int runReport(const std::vector<std::string>& argv) {
    constexpr const char* kUsage =
        "usage: yikad report NAME --data DIR [--date D | --from D --to D] [--csv]\n"
        "  NAME: trial-balance, liability, activity, settlement, breakage, day, invoices-out,\n"
        "        invoices-in, invoice-pool (months: --from YYYY-MM --to YYYY-MM)\n";
    if (argv.empty()) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    Args args(std::vector<std::string>(argv.begin() + 1, argv.end()),
              {"--data", "--date", "--from", "--to"}, {"--csv"});
    if (!args.ok()) return fail(args.error());
    if (!args.value("--data")) return fail("report needs --data DIR");
    auto rt = openRuntime(*args.value("--data"));
    if (!rt) return fail(rt.error());
    store::StoreTxRunner runner(*(*rt)->store);
    std::string out;
    Status read = runner.read([&](StoreTx& tx) -> Status {
        auto a = reportArgs(args, tx.businessDate());
        if (!a) return a.error();
        auto text = buildReport(tx, argv[0], *a, (*rt)->config);
        if (!text) return text.error();
        out = std::move(*text);
        return Ok{};
    });
    if (!read) {
        if (read.code() == ErrorCode::InvalidArgument) std::fputs(kUsage, stderr);
        return fail(read.error());
    }
    std::fputs(out.c_str(), stdout);
    return 0;
}

int runInvoice(const std::vector<std::string>& argv) {
    constexpr const char* kUsage =
        "usage: yikad invoice issue --data DIR --order N --number X --date D --amount YUAN "
        "[--title T] [--tax-id ID] --by OP\n"
        "       yikad invoice receive --data DIR --mid MID --period YYYY-MM --number X --date D "
        "--amount YUAN --remark TEXT --by OP\n";
    if (argv.empty() || (argv[0] != "issue" && argv[0] != "receive")) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    Args args(std::vector<std::string>(argv.begin() + 1, argv.end()),
              {"--data", "--order", "--number", "--date", "--amount", "--title", "--tax-id", "--by",
               "--mid", "--period", "--remark"},
              {});
    if (!args.ok()) return fail(args.error());
    for (const char* required : {"--data", "--number", "--date", "--amount", "--by"}) {
        if (!args.value(required)) return fail(std::string("invoice needs ") + required);
    }
    auto date = Date::parseIso(*args.value("--date"));
    if (!date) return fail("--date: YYYY-MM-DD");
    auto amount = Money::parseDecimal(*args.value("--amount"), Currency::Cny);
    if (!amount) return fail("--amount: yuan like 1234.56");
    auto rt = openRuntime(*args.value("--data"));
    if (!rt) return fail(rt.error());
    InvoiceRules rules;
    TimestampMs at = SystemClock().nowMs();
    std::string by = *args.value("--by");
    if (argv[0] == "issue") {
        IssueInvoiceRequest r;
        char* end = nullptr;
        const std::string order_text = args.value("--order").value_or("");
        r.order_id = std::strtoll(order_text.c_str(), &end, 10);
        if (order_text.empty() || *end != '\0') return fail("--order: an order id");
        r.number = *args.value("--number");
        r.issued_on = *date;
        r.title = args.value("--title").value_or("");
        r.tax_id = args.value("--tax-id").value_or("");
        r.amount = *amount;
        auto issued = (*rt)->store->writer().run<IssuedInvoice>(
            [&](StoreTx& tx) { return issueInvoice(tx, r, by, rules, at); });
        if (!issued) return fail(issued.error());
        std::printf("invoice %s issued for order %lld: %s to %s\n", issued->number.c_str(),
                    static_cast<long long>(issued->order_id), issued->amount.toDecimal().c_str(),
                    issued->title.c_str());
        return 0;
    }
    ReceiveInvoiceRequest r;
    r.mid = args.value("--mid").value_or("");
    r.period = args.value("--period").value_or("");
    r.number = *args.value("--number");
    r.issued_on = *date;
    r.amount = *amount;
    r.remark = args.value("--remark").value_or("");
    auto received = (*rt)->store->writer().run<ReceivedInvoice>(
        [&](StoreTx& tx) { return recordMerchantInvoice(tx, r, by, rules, at); });
    if (!received) return fail(received.error());
    std::printf("invoice %s of %s for %s recorded: %s\n", received->number.c_str(), r.mid.c_str(),
                received->period.c_str(), received->amount.toDecimal().c_str());
    return 0;
}

}  // namespace yika::server
