#include "server/day_commands.h"

#include "card_core/domain/business_day.h"
#include "card_core/domain/day_close.h"
#include "card_core/domain/invoices.h"
#include "card_core/domain/reconciliation.h"
#include "card_core/domain/report_writers.h"
#include "card_core/domain/reports.h"
#include "card_core/domain/settlement.h"
#include "card_core/store/store_tx_runner.h"
#include "server/args.h"
#include "server/data_dir.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace yika::server {

namespace {

constexpr std::int64_t kListRowsMax = 100'000;

int usage(const char* text) {
    std::fprintf(stderr, "usage: %s\n", text);
    return 2;
}

int fail(const std::string& message) {
    std::fprintf(stderr, "yikad: %s\n", message.c_str());
    return 1;
}

int fail(const Error& e) { return fail(std::string(toString(e.code)) + ": " + e.detail); }

std::vector<std::string> rest(const std::vector<std::string>& argv) {
    return {argv.begin() + 1, argv.end()};
}

Result<std::unique_ptr<Runtime>> open(const Args& args) {
    auto dir = args.value("--data");
    if (!dir) return makeError(ErrorCode::InvalidArgument, "needs --data DIR");
    return openRuntime(*dir);
}

Result<Date> dateArg(const Args& args, const char* name) {
    auto text = args.value(name);
    if (!text) return makeError(ErrorCode::InvalidArgument, std::string("needs ") + name);
    auto d = Date::parseIso(*text);
    if (!d) return makeError(ErrorCode::InvalidArgument, std::string(name) + ": YYYY-MM-DD");
    return *d;
}

Result<std::string> readFile(const std::string& path, std::size_t bytes_max) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError(ErrorCode::NotFound, "cannot read " + path);
    std::string text;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<std::size_t>(in.gcount()));
        if (text.size() > bytes_max) {
            return makeError(ErrorCode::InvalidArgument, path + " is larger than the limit");
        }
    }
    return text;
}

// Writes `text` to `path` atomically (temporary file, fsync, rename), mode 0640.
Status writeFileAtomic(const std::string& path, const std::string& text) {
    std::string tmp = path + ".partial";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) return makeError(ErrorCode::StorageUnavailable, "cannot create " + tmp);
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ok = ::fsync(fd) == 0 && ok;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        return makeError(ErrorCode::StorageUnavailable, "cannot write " + path);
    }
    return Ok{};
}

TimestampMs nowMs() { return SystemClock().nowMs(); }

CutoffSchedule scheduleOf(const Config& config) {
    CutoffSchedule s;
    s.automatic = config.day.auto_cutoff;
    s.minute_of_day = parseCutoffTime(config.day.cutoff_time).value_or(23 * 60);
    return s;
}

// --- day ---

int dayStatus(Runtime& rt, const Args& args) {
    store::StoreTxRunner runner(*rt.store);
    std::string out;
    Status read = runner.read([&](StoreTx& tx) -> Status {
        Date today = tx.businessDate();
        Date from =
            args.value("--date") ? *Date::parseIso(*args.value("--date")) : today.plusDays(-7);
        CutoffSchedule schedule = scheduleOf(rt.config);
        out +=
            "business date " + today.toIso() + " (OPEN); cut-off " +
            (schedule.automatic ? "at " + rt.config.day.cutoff_time + " CST" : "by operator only") +
            "\n";
        for (const BusinessDay& d : tx.days().days(from, today)) {
            out += d.date.toIso() + "  " + std::string(toString(d.state));
            if (d.state != DayState::Open) out += "  cut off by " + d.cutoff_by;
            for (const StepProgress& p : closeProgress(tx, d.date)) {
                out += "  " + std::string(toString(p.step)) + (p.done ? "=done" : "=partial") +
                       "(" + std::to_string(p.count) + ")";
            }
            out += "\n";
        }
        return Ok{};
    });
    if (!read) return fail(read.error());
    std::fputs(out.c_str(), stdout);
    return 0;
}

int dayCutoff(Runtime& rt, const Args& args) {
    std::string by = args.value("--by").value_or("operator");
    TimestampMs at = nowMs();
    auto cut = rt.store->writer().run<Date>([&](StoreTx& tx) { return cutOff(tx, by, at); });
    if (!cut) return fail(cut.error());
    std::printf("cut off %s (日切); business date is now %s\n", cut->toIso().c_str(),
                cut->plusDays(1).toIso().c_str());
    return 0;
}

// The day to close: --date, else the earliest CUT_OFF day.
Result<Date> dayToClose(Runtime& rt, const Args& args) {
    if (args.value("--date")) return dateArg(args, "--date");
    store::StoreTxRunner runner(*rt.store);
    std::optional<Date> found;
    YIKA_TRY(runner.read([&](StoreTx& tx) -> Status {
        Date today = tx.businessDate();
        found = tx.days().earliestUnclosedBefore(today);
        return Ok{};
    }));
    if (!found) return makeError(ErrorCode::NotFound, "no cut-off day waits to be closed");
    return *found;
}

int dayClose(Runtime& rt, const Args& args) {
    auto date = dayToClose(rt, args);
    if (!date) return fail(date.error());
    DayCloseOptions options;
    options.policies = rt.config.policies;
    options.chunk_cards = rt.config.day.chunk_cards;
    auto started = std::chrono::steady_clock::now();
    auto last = started;
    options.progress = [&last](CloseStep step, bool ran) {
        auto now = std::chrono::steady_clock::now();
        std::fprintf(stderr, "  %-15s %s %.3f s\n", std::string(toString(step)).c_str(),
                     ran ? "done" : "was done", std::chrono::duration<double>(now - last).count());
        last = now;
    };
    store::StoreTxRunner runner(*rt.store);
    auto closed = closeDay(runner, *date, options, nowMs());
    if (!closed) return fail(closed.error());
    // The payout file: rendered from the stored instructions, so a re-run writes the same file.
    std::vector<Payout> payouts;
    Status read = runner.read([&](StoreTx& tx) -> Status {
        payouts = tx.days().payouts(*date);
        return Ok{};
    });
    if (!read) return fail(read.error());
    std::string file = rt.paths.exports_dir() + "/payout-" + date->toIso() + ".csv";
    if (Status w = writeFileAtomic(file, payoutFileCsv(payouts)); !w) return fail(w.error());
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const DayReport& r = closed->report;
    std::printf(
        "closed %s in %.2f s (%zu steps run, %zu already done): %lld merchants cleared, "
        "payable %s, %lld payouts in %s; %lld cards expired, %lld breakage; trial balance %s; "
        "%lld open exceptions\n",
        date->toIso().c_str(), seconds, closed->ran.size(), closed->skipped.size(),
        static_cast<long long>(r.merchants_cleared), r.payable.toDecimal().c_str(),
        static_cast<long long>(r.payouts), file.c_str(), static_cast<long long>(r.cards_expired),
        static_cast<long long>(r.breakage_cards),
        r.trial_balance_balanced ? "balanced" : "NOT BALANCED",
        static_cast<long long>(r.open_exceptions));
    return 0;
}

}  // namespace

int runDay(const std::vector<std::string>& argv) {
    constexpr const char* kUsage =
        "yikad day status|cutoff|close --data DIR [--date YYYY-MM-DD] [--by OPERATOR]";
    if (argv.empty()) return usage(kUsage);
    Args args(rest(argv), {"--data", "--date", "--by"}, {});
    if (!args.ok()) return fail(args.error());
    auto rt = open(args);
    if (!rt) return fail(rt.error());
    if (argv[0] == "status") return dayStatus(**rt, args);
    if (argv[0] == "cutoff") return dayCutoff(**rt, args);
    if (argv[0] == "close") return dayClose(**rt, args);
    return usage(kUsage);
}

// --- payouts ---

int runPayout(const std::vector<std::string>& argv) {
    constexpr const char* kUsage =
        "yikad payout export --data DIR --date D --to FILE | import --data DIR --file F | "
        "list --data DIR [--csv]";
    if (argv.empty()) return usage(kUsage);
    Args args(rest(argv), {"--data", "--date", "--to", "--file"}, {"--csv"});
    if (!args.ok()) return fail(args.error());
    auto rt = open(args);
    if (!rt) return fail(rt.error());
    store::StoreTxRunner runner(*(*rt)->store);
    if (argv[0] == "export") {
        auto date = dateArg(args, "--date");
        if (!date) return fail(date.error());
        if (!args.value("--to")) return usage(kUsage);
        std::vector<Payout> payouts;
        Status read = runner.read([&](StoreTx& tx) -> Status {
            payouts = tx.days().payouts(*date);
            return Ok{};
        });
        if (!read) return fail(read.error());
        if (Status w = writeFileAtomic(*args.value("--to"), payoutFileCsv(payouts)); !w)
            return fail(w.error());
        std::printf("%zu payouts of %s written to %s\n", payouts.size(), date->toIso().c_str(),
                    args.value("--to")->c_str());
        return 0;
    }
    if (argv[0] == "import") {
        if (!args.value("--file")) return usage(kUsage);
        CsvLimits limits;
        auto text = readFile(*args.value("--file"), limits.file_bytes_max);
        if (!text) return fail(text.error());
        auto lines = parsePayoutResults(*text, limits);
        if (!lines) return fail(*args.value("--file") + ": " + lines.error().detail);
        TimestampMs at = nowMs();
        auto summary = (*rt)->store->writer().run<PayoutImportSummary>(
            [&](StoreTx& tx) { return applyPayoutResults(tx, *lines, at); });
        if (!summary) return fail(summary.error());
        std::printf(
            "payout results: %lld paid (%s), %lld failed (stay payable), %lld already "
            "recorded, %lld exceptions\n",
            static_cast<long long>(summary->paid), summary->paid_total.toDecimal().c_str(),
            static_cast<long long>(summary->failed), static_cast<long long>(summary->already),
            static_cast<long long>(summary->exceptions));
        for (const std::string& note : summary->notes) std::printf("  %s\n", note.c_str());
        return 0;
    }
    if (argv[0] == "list") {
        std::vector<Payout> open_payouts;
        Status read = runner.read([&](StoreTx& tx) -> Status {
            open_payouts = openPayouts(tx, kListRowsMax);
            return Ok{};
        });
        if (!read) return fail(read.error());
        std::string out = args.flag("--csv") ? toCsv(open_payouts) : toJson(open_payouts) + "\n";
        std::fputs(out.c_str(), stdout);
        return 0;
    }
    return usage(kUsage);
}

int runBankStatement(const std::vector<std::string>& argv) {
    constexpr const char* kUsage = "yikad bank-statement import --data DIR --file F";
    if (argv.empty() || argv[0] != "import") return usage(kUsage);
    Args args(rest(argv), {"--data", "--file"}, {});
    if (!args.ok()) return fail(args.error());
    if (!args.value("--file")) return usage(kUsage);
    auto rt = open(args);
    if (!rt) return fail(rt.error());
    CsvLimits limits;
    auto text = readFile(*args.value("--file"), limits.file_bytes_max);
    if (!text) return fail(text.error());
    auto lines = parseBankStatement(*text, limits);
    if (!lines) return fail(*args.value("--file") + ": " + lines.error().detail);
    TimestampMs at = nowMs();
    auto s = (*rt)->store->writer().run<BankImportSummary>(
        [&](StoreTx& tx) { return importBankStatement(tx, *lines, BankMatchLimits{}, at); });
    if (!s) return fail(s.error());
    std::printf(
        "bank statement: %lld lines (%lld imported before); matched %lld payments and "
        "%lld payouts; %lld unmatched bank lines and %lld recorded items missing from the "
        "statement became exceptions (yikad recon list)\n",
        static_cast<long long>(s->lines), static_cast<long long>(s->already),
        static_cast<long long>(s->matched_payments), static_cast<long long>(s->matched_payouts),
        static_cast<long long>(s->unmatched_bank), static_cast<long long>(s->unmatched_system));
    return 0;
}

int runRecon(const std::vector<std::string>& argv) {
    constexpr const char* kUsage =
        "yikad recon list --data DIR [--all] [--csv] | resolve ID --data DIR --by OPERATOR "
        "--comment TEXT";
    if (argv.empty()) return usage(kUsage);
    std::vector<std::string> tail = rest(argv);
    std::optional<std::int64_t> id;
    if (argv[0] == "resolve" && !tail.empty() && tail[0].rfind("--", 0) != 0) {
        char* end = nullptr;
        long long parsed = std::strtoll(tail[0].c_str(), &end, 10);
        if (end == nullptr || *end != '\0' || parsed <= 0) return fail("ID: a positive number");
        id = parsed;
        tail.erase(tail.begin());
    }
    Args args(tail, {"--data", "--by", "--comment"}, {"--all", "--csv"});
    if (!args.ok()) return fail(args.error());
    auto rt = open(args);
    if (!rt) return fail(rt.error());
    if (argv[0] == "list") {
        store::StoreTxRunner runner(*(*rt)->store);
        std::vector<ReconException> rows;
        Status read = runner.read([&](StoreTx& tx) -> Status {
            rows = tx.days().reconExceptions(!args.flag("--all"), kListRowsMax);
            return Ok{};
        });
        if (!read) return fail(read.error());
        std::string out = args.flag("--csv") ? toCsv(rows) : toJson(rows) + "\n";
        std::fputs(out.c_str(), stdout);
        return 0;
    }
    if (argv[0] == "resolve") {
        if (!id || !args.value("--by") || !args.value("--comment")) return usage(kUsage);
        TimestampMs at = nowMs();
        Status resolved = (*rt)->store->writer().runStatus([&](StoreTx& tx) {
            return resolveReconException(tx, *id, *args.value("--by"), *args.value("--comment"),
                                         at);
        });
        if (!resolved) return fail(resolved.error());
        std::printf("exception %lld resolved by %s\n", static_cast<long long>(*id),
                    args.value("--by")->c_str());
        return 0;
    }
    return usage(kUsage);
}

}  // namespace yika::server
