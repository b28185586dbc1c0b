// `yikad report NAME` and `yikad invoice issue|receive` (issue 5; day_commands.h).

#include "card_core/domain/invoices.h"
#include "card_core/domain/report_catalog.h"
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
    if (!isReportName(argv[0])) {
        std::fputs(kUsage, stderr);
        return fail("unknown report '" + argv[0] + "'");
    }
    store::StoreTxRunner runner(*(*rt)->store);
    std::string out;
    // The same catalog as the admin API's GET /v1/reports/{name} (report_catalog.h).
    ReportSettings settings;
    settings.invoice_rules.merchant_invoice_due_days =
        static_cast<int>((*rt)->config.day.invoice_due_days);
    settings.rows_max = kReportRowsMax;
    const bool csv = args.flag("--csv");
    Status read = runner.read([&](StoreTx& tx) -> Status {
        auto a = reportRange(args.value("--date"), args.value("--from"), args.value("--to"),
                             tx.businessDate());
        if (!a) return a.error();
        auto text =
            renderReport(tx, argv[0], *a, settings, csv ? ReportFormat::Csv : ReportFormat::Json);
        if (!text) return text.error();
        out = csv ? std::move(*text) : *text + "\n";
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
