// The business day (issue 5, docs/day-close.md) in the admin API: the day list, cut-off (日切),
// the day close as a background job with its durable per-step progress, payouts and the
// release of a day's payout file through maker-checker (payout_release), the bank's payout
// results and reserve-account statements, and reconciliation exceptions (对账).

#include "card_core/domain/business_day.h"
#include "card_core/domain/day_close.h"
#include "card_core/domain/reconciliation.h"
#include "card_core/domain/reports.h"
#include "card_core/domain/settlement.h"
#include "card_core/store/store_tx_runner.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "admin_api/admin_http.h"

namespace yika::admin {

namespace {

constexpr std::int64_t kDaysShownMax = 366;
constexpr std::int64_t kDaysShownDefault = 31;
constexpr std::int64_t kListRowsMax = 100'000;  // payouts / exceptions read before paging
constexpr std::size_t kCommentBytesMax = 500;
constexpr std::size_t kNoteBytesMax = 200;

std::string releaseReference(Date date) { return "payout_release:" + date.toIso(); }

std::string digestHex(std::string_view text) {
    unsigned char hash[crypto_generichash_BYTES];
    crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(text.data()),
                       text.size(), nullptr, 0);
    char hex[crypto_generichash_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    return hex;
}

// The payout file of a day as the bank receives it, rendered from the stored instructions (so
// the same bytes every time), with its digest.
struct PayoutFile {
    std::string csv;
    std::string digest_hex;
    std::int64_t payouts = 0;
    Money total = Money::zero(Currency::Cny);
};

PayoutFile payoutFileOf(StoreTx& tx, Date date) {
    PayoutFile f;
    std::vector<Payout> payouts = tx.days().payouts(date);
    f.csv = payoutFileCsv(payouts);
    f.digest_hex = digestHex(f.csv);
    f.payouts = static_cast<std::int64_t>(payouts.size());
    for (const Payout& p : payouts) f.total = f.total.plus(p.amount).value();
    return f;
}

// The latest payout_release request of `date`: the pending one, else the executed one (a day
// is released at most once), else the latest rejected one.
std::optional<ApprovalRequest> payoutReleaseOf(StoreTx& tx, Date date) {
    const std::string reference = releaseReference(date);
    if (auto pending = tx.admin().pendingApprovalFor(reference)) {
        return tx.admin().approval(*pending);
    }
    // Requests are made by people, a few a day: a scan of the decided ones is cheap.
    std::optional<ApprovalRequest> rejected;
    for (ApprovalState state : {ApprovalState::Executed, ApprovalState::Rejected}) {
        constexpr std::int64_t kPage = 500;
        std::int64_t after = 0;
        for (;;) {
            auto rows = tx.admin().approvals(state, after, kPage);
            for (const ApprovalRequest& r : rows) {
                if (r.kind != ApprovalKind::PayoutRelease || r.reference != reference) continue;
                if (state == ApprovalState::Executed) return r;
                rejected = r;
            }
            if (static_cast<std::int64_t>(rows.size()) < kPage) break;
            after = rows.back().id;
        }
    }
    return rejected;
}

// ---- payout_release ----

class PayoutReleaseKind final : public ApprovalKindHandler {
  public:
    Status prepare(StoreTx& tx, const JsonReader& p, const KindContext&,
                   ApprovalRequest& request) override {
        YIKA_TRY(p.only({"business_date", "note"}));
        auto text = p.str("business_date", 10);
        if (!text) return text.error();
        auto date = Date::parseIso(*text);
        if (!date || date->toIso() != *text) {
            return makeError(ErrorCode::InvalidArgument,
                             p.pathOf("business_date") + ": a date YYYY-MM-DD");
        }
        auto note = p.optStr("note", kNoteBytesMax);
        if (!note) return note.error();
        BusinessDay day = dayOrOpen(tx, *date);
        if (day.state != DayState::Closed) {
            return makeError(ErrorCode::IllegalTransition,
                             p.pathOf("business_date") + ": " + date->toIso() + " is " +
                                 std::string(toString(day.state)) +
                                 "; its payout file is released once the day is closed");
        }
        auto earlier = payoutReleaseOf(tx, *date);
        if (earlier && earlier->state == ApprovalState::Executed) {
            return makeError(ErrorCode::Duplicate,
                             p.pathOf("business_date") + ": the payout file of " + date->toIso() +
                                 " was released by approval " + std::to_string(earlier->id));
        }
        PayoutFile file = payoutFileOf(tx, *date);
        if (file.payouts == 0) {
            return makeError(
                ErrorCode::RuleViolation,
                p.pathOf("business_date") + ": " + date->toIso() + " has no payouts to release");
        }
        request.reference = releaseReference(*date);
        request.summary = "release the payout file of " + date->toIso() + ": " +
                          std::to_string(file.payouts) + " payouts, " + file.total.toDecimal() +
                          " CNY" + (note->empty() ? "" : " (" + *note + ")");
        request.payload = JsonOut()
                              .str("business_date", date->toIso())
                              .num("payouts", file.payouts)
                              .num("total_minor", file.total.minor())
                              .str("file_blake2b_hex", file.digest_hex)
                              .done();
        return Ok{};
    }

    // Approving releases exactly the file that was requested: if the day's payouts changed
    // since (they cannot once the day is closed, but the check is cheap), approval fails.
    Result<std::string> execute(StoreTx& tx, const ApprovalRequest& request, const Operator&,
                                TimestampMs) override {
        auto payload = parseJsonTree(request.payload, JsonTreeLimits{4, 64, 256});
        if (!payload) return payload.error();
        JsonReader p(*payload, "payload");
        auto text = p.str("business_date", 10);
        auto digest = p.str("file_blake2b_hex", 128);
        if (!text || !digest || !Date::parseIso(*text)) {
            return makeError(ErrorCode::InvalidArgument, "payload: not a payout release");
        }
        PayoutFile file = payoutFileOf(tx, *Date::parseIso(*text));
        if (file.digest_hex != *digest) {
            return makeError(ErrorCode::IllegalTransition,
                             "the payouts of " + *text +
                                 " changed since the request; reject it and request again");
        }
        return "payout_file:" + *text;
    }
};

// ---- answers ----

std::string dayJson(const BusinessDay& d) {
    return JsonOut()
        .str("date", d.date.toIso())
        .str("state", toString(d.state))
        .num("opened_at_ms", d.opened_at_ms)
        .num("cut_off_at_ms", d.cutoff_at_ms)
        .str("cut_off_by", d.cutoff_by)
        .num("close_started_at_ms", d.close_started_at_ms)
        .num("closed_at_ms", d.closed_at_ms)
        .done();
}

std::string jobJson(const std::optional<DayCloseJobs::Status>& job) {
    if (!job) return "null";
    return JsonOut()
        .str("date", job->date.toIso())
        .str("state", job->state)
        .str("step", job->step)
        .str("error", job->error)
        .num("started_at_ms", job->started_at_ms)
        .done();
}

std::string releaseJson(const std::optional<ApprovalRequest>& r) {
    if (!r) return R"({"state":"NONE","approval_id":0})";
    return JsonOut()
        .str("state", toString(r->state))
        .num("approval_id", r->id)
        .str("requested_by", r->requested_by)
        .str("decided_by", r->decided_by)
        .done();
}

// The day's progress: its state, every close step (done or not), the job, the payouts and
// the release of their file.
std::string progressJson(AdminState& state, Date date) {
    auto reader = state.readers.acquire();
    StoreTx& tx = reader.tx();
    BusinessDay day = dayOrOpen(tx, date);
    std::vector<StepProgress> done = closeProgress(tx, date);
    std::vector<std::string> steps;
    for (int i = 0; i <= static_cast<int>(CloseStep::DayReport); ++i) {
        auto step = static_cast<CloseStep>(i);
        auto it = std::find_if(done.begin(), done.end(),
                               [&](const StepProgress& p) { return p.step == step; });
        JsonOut s;
        s.str("name", toString(step));
        s.boolean("done", it != done.end() && it->done);
        s.num("count", it != done.end() ? it->count : 0);
        s.num("done_at_ms", it != done.end() ? it->done_at_ms : 0);
        steps.push_back(s.done());
    }
    auto job = state.closes.status(date);
    std::vector<Payout> payouts = tx.days().payouts(date);
    Money total = Money::zero(Currency::Cny);
    for (const Payout& p : payouts) total = total.plus(p.amount).value();
    JsonOut out;
    out.str("date", date.toIso())
        .str("state", toString(day.state))
        .num("cut_off_at_ms", day.cutoff_at_ms)
        .num("closed_at_ms", day.closed_at_ms)
        .raw("steps", jsonArray(steps))
        .raw("job", jobJson(job))
        .raw("error", job && job->state == "failed" ? jsonString(job->error) : "null")
        .num("payouts", static_cast<std::int64_t>(payouts.size()))
        .money("payouts_total", total)
        .raw("payout_release", releaseJson(payoutReleaseOf(tx, date)));
    return out.done();
}

std::string maskAccount(std::string_view account) {
    constexpr std::size_t kShown = 4;
    for (char c : account) {
        if (static_cast<unsigned char>(c) >= 0x80) return "****";
    }
    if (account.size() <= kShown * 2) {
        return std::string(account.size() > kShown ? account.size() - kShown : kShown, '*') +
               std::string(account.size() > kShown ? account.substr(account.size() - kShown)
                                                   : std::string_view());
    }
    return std::string(account.substr(0, kShown)) + std::string(account.size() - 2 * kShown, '*') +
           std::string(account.substr(account.size() - kShown));
}

std::string payoutJson(const Payout& p) {
    return JsonOut()
        .num("id", p.id)
        .str("reference", payoutReference(p.id))
        .str("business_date", p.business_date.toIso())
        .str("value_date", p.value_date.toIso())
        .num("merchant_id", p.merchant_id)
        .str("mid", p.mid)
        .str("merchant_name", p.merchant_name)
        .str("bank_name", p.bank_name)
        .str("bank_account_masked", maskAccount(p.bank_account))
        .money("amount", p.amount)
        .str("currency", "CNY")
        .str("state", toString(p.state))
        .str("bank_reference", p.bank_reference)
        .str("failure_reason", p.failure_reason)
        .num("result_at_ms", p.result_at_ms)
        .done();
}

std::string exceptionJson(const ReconException& e) {
    return JsonOut()
        .num("id", e.id)
        .str("kind", e.kind)
        .str("reference", e.reference)
        .str("detail", e.detail)
        .str("state", e.state)
        .num("created_at_ms", e.created_at_ms)
        .str("resolved_by", e.resolved_by)
        .str("resolution", e.resolution)
        .num("resolved_at_ms", e.resolved_at_ms)
        .done();
}

// One page of an id-ordered list read whole (at most kListRowsMax rows).
template <typename T, typename ToJson>
AdminReply pageOf(Call& call, const std::vector<T>& rows, ToJson toJson) {
    auto page = call.page();
    if (!page) return errorReply(page.error());
    std::vector<std::string> items;
    std::int64_t last = 0;
    for (const T& row : rows) {
        if (row.id <= page->first) continue;
        if (static_cast<std::int64_t>(items.size()) == page->second) break;
        items.push_back(toJson(row));
        last = row.id;
    }
    return jsonReply(
        200, pageJson(items, last, static_cast<std::int64_t>(items.size()) == page->second));
}

Result<Date> queryDate(const Call& call, std::string_view name) {
    auto text = call.queryText(name);
    if (!text) return makeError(ErrorCode::InvalidArgument, std::string(name) + ": required");
    auto d = Date::parseIso(*text);
    if (!d || d->toIso() != *text) {
        return makeError(ErrorCode::InvalidArgument, std::string(name) + ": a date YYYY-MM-DD");
    }
    return *d;
}

// ---- endpoints ----

AdminReply getDays(Call& call) {
    auto count = call.queryInt("limit", 1, kDaysShownMax, kDaysShownDefault);
    if (!count) return errorReply(count.error());
    auto reader = call.state.readers.acquire();
    StoreTx& tx = reader.tx();
    Date today = tx.businessDate();
    std::vector<BusinessDay> days =
        tx.days().days(today.plusDays(-static_cast<int>(*count - 1)), today);
    if (days.empty() || days.back().date != today) days.push_back(dayOrOpen(tx, today));
    std::vector<std::string> items;
    for (auto it = days.rbegin(); it != days.rend(); ++it) items.push_back(dayJson(*it));
    auto next = tx.days().earliestUnclosedBefore(today);
    const AdminDayOptions& day = call.state.options.day;
    return jsonReply(200,
                     JsonOut()
                         .str("business_date", today.toIso())
                         .raw("cutoff_time", day.auto_cutoff ? jsonString(day.cutoff_time) : "null")
                         .raw("next_to_close", next ? jsonString(next->toIso()) : "null")
                         .raw("close_job", jobJson(call.state.closes.running()))
                         .raw("days", jsonArray(items))
                         .done());
}

AdminReply cutoffHandler(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    if (Status s = b->only({"business_date"}); !s) return errorReply(s.error());
    // Optional guard: the date the operator saw, so a second click cuts off nothing more.
    auto expected = b->optStr("business_date", 10);
    if (!expected) return errorReply(expected.error());
    auto cut = call.write<Date>([&](StoreTx& tx) -> Result<Date> {
        if (!expected->empty() && tx.businessDate().toIso() != *expected) {
            return makeError(ErrorCode::IllegalTransition,
                             "business_date: the business date is " + tx.businessDate().toIso() +
                                 ", not " + *expected + " (already cut off?)");
        }
        auto date = cutOff(tx, call.op->name, call.now());
        if (date) call.target = "day:" + date->toIso();
        return date;
    });
    if (!cut) return errorReply(cut.error());
    return jsonReply(200, JsonOut()
                              .str("cut_off_date", cut->toIso())
                              .str("business_date", cut->plusDays(1).toIso())
                              .done());
}

// The close of one day, on the job's own thread; its end is audited too.
yika::Status runClose(AdminState& state, Date date, TimestampMs now_ms, AuditRecord record,
                      const DayCloseJobs::StepReport& report) {
    store::StoreTxRunner runner(state.deps.store);
    DayCloseOptions options;
    options.policies = state.deps.policies;
    options.chunk_cards = state.options.day.chunk_cards;
    options.progress = report;
    auto closed = closeDay(runner, date, options, now_ms);
    record.action = "day.close.end";
    record.at_ms = state.deps.clock.nowMs();
    if (closed) {
        const DayReport& r = closed->report;
        record.outcome = "ok";
        record.detail = std::to_string(closed->ran.size()) + " steps run; trial balance " +
                        (r.trial_balance_balanced ? "balanced" : "NOT balanced") + "; " +
                        std::to_string(r.payouts) + " payouts " + r.payouts_total.toDecimal();
    } else {
        record.outcome = std::string(toString(closed.error().code));
        record.detail = closed.error().detail.substr(0, 200);
    }
    (void)state.deps.store.writer().runStatus([&](StoreTx& tx) -> yika::Status {
        appendAudit(tx, state.chain, record);
        return Ok{};
    });
    if (!closed) return closed.error();
    return Ok{};
}

AdminReply closeHandler(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    if (Status s = b->only({"wait"}); !s) return errorReply(s.error());
    auto wait = b->optBool("wait", false);
    if (!wait) return errorReply(wait.error());
    Date date = call.date(0);
    call.target = "day:" + date.toIso();
    AdminState& state = call.state;
    if (auto running = state.closes.running(); running && running->date == date) {
        // A second click while this day closes starts nothing; with wait, it waits for it.
        if (*wait) state.closes.wait(date);
        return jsonReply(*wait ? 200 : 202, progressJson(state, date));
    }
    {
        auto reader = call.state.readers.acquire();
        StoreTx& tx = reader.tx();
        BusinessDay day = dayOrOpen(tx, date);
        if (day.state == DayState::Open) {
            return errorReply(makeError(
                ErrorCode::IllegalTransition,
                "date: " + date.toIso() + " is OPEN; cut it off first (POST /v1/day/cutoff)"));
        }
        if (auto earlier = tx.days().earliestUnclosedBefore(date)) {
            return errorReply(makeError(ErrorCode::IllegalTransition, "date: close " +
                                                                          earlier->toIso() +
                                                                          " first (days close "
                                                                          "in date order)"));
        }
        if (day.state == DayState::Closed) {
            call.detail = "already closed";
            if (Status s = call.auditNow("ok"); !s) return errorReply(s.error());
            return jsonReply(200, progressJson(call.state, date));
        }
    }
    TimestampMs now = call.now();
    AuditRecord record = call.auditRecord("ok");
    Status started = state.closes.start(
        date, now, [&state, date, now, record](const DayCloseJobs::StepReport& report) {
            return runClose(state, date, now, record, report);
        });
    if (!started) return errorReply(started.error());
    call.detail = "close started";
    (void)call.auditNow("ok");  // the job started; its end is audited as day.close.end
    if (*wait) state.closes.wait(date);
    return jsonReply(*wait ? 200 : 202, progressJson(state, date));
}

AdminReply dayProgress(Call& call) {
    return jsonReply(200, progressJson(call.state, call.date(0)));
}

AdminReply listPayouts(Call& call) {
    std::optional<PayoutState> state;
    if (auto text = call.queryText("state")) {
        std::string upper = *text;
        std::transform(upper.begin(), upper.end(), upper.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        state = payoutStateFromString(upper);
        if (!state) {
            return errorReply(
                makeError(ErrorCode::InvalidArgument, "state: pending, paid or failed"));
        }
    }
    std::optional<Date> date;
    if (call.queryText("date")) {
        auto d = queryDate(call, "date");
        if (!d) return errorReply(d.error());
        date = *d;
    }
    auto reader = call.state.readers.acquire();
    StoreTx& tx = reader.tx();
    std::vector<Payout> rows;
    if (date) {
        rows = tx.days().payouts(*date);
        if (state) std::erase_if(rows, [&](const Payout& p) { return p.state != *state; });
    } else if (state) {
        rows = tx.days().payoutsInState(*state, kListRowsMax);
    } else {
        rows = openPayouts(tx, kListRowsMax);  // pending and failed: still payable
        std::sort(rows.begin(), rows.end(),
                  [](const Payout& a, const Payout& b) { return a.id < b.id; });
    }
    return pageOf(call, rows, payoutJson);
}

AdminReply requestRelease(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    if (Status s = b->only({"note"}); !s) return errorReply(s.error());
    // The path names the day; the payload is what POST /v1/approvals would carry.
    JsonNode payload;
    payload.type = JsonType::Object;
    JsonNode date;
    date.type = JsonType::String;
    date.text = call.date(0).toIso();
    payload.keys.push_back("business_date");
    payload.values.push_back(date);
    if (b->has("note")) {
        auto note = b->str("note", kNoteBytesMax);
        if (!note) return errorReply(note.error());
        JsonNode n;
        n.type = JsonType::String;
        n.text = *note;
        payload.keys.push_back("note");
        payload.values.push_back(n);
    }
    return submitRequest(call, ApprovalKind::PayoutRelease, JsonReader(payload, ""));
}

AdminReply downloadPayoutFile(Call& call) {
    Date date = call.date(0);
    call.target = "day:" + date.toIso();
    PayoutFile file;
    {
        auto reader = call.state.readers.acquire();
        StoreTx& tx = reader.tx();
        auto release = payoutReleaseOf(tx, date);
        if (!release || release->state != ApprovalState::Executed) {
            return errorReply(makeError(
                ErrorCode::IllegalTransition,
                "the payout file of " + date.toIso() +
                    " is not released: request its release (POST /v1/days/" + date.toIso() +
                    "/payout-release) and have a second operator approve it / 需复核后方可下载"));
        }
        file = payoutFileOf(tx, date);
        auto payload = parseJsonTree(release->payload, JsonTreeLimits{4, 64, 256});
        auto approved = payload ? JsonReader(*payload, "").str("file_blake2b_hex", 128)
                                : Result<std::string>(payload.error());
        if (!approved || *approved != file.digest_hex) {
            return errorReply(makeError(ErrorCode::IllegalTransition,
                                        "the payouts changed since their release was approved"));
        }
        call.detail = "approval:" + std::to_string(release->id) + " " +
                      std::to_string(file.payouts) + " payouts " + file.total.toDecimal();
    }
    // The file holds merchants' full bank accounts: on record before it leaves the server.
    if (Status s = call.auditNow("ok"); !s) return errorReply(s.error());
    AdminReply r;
    r.content_type = "text/csv; charset=utf-8";
    r.body = std::move(file.csv);
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"payout-" + date.toIso() + ".csv\"");
    return r;
}

// The "csv" member of an import body, parsed whole by `parse` (nothing imported on error).
template <typename Parse>
auto csvBody(Call& call, Parse parse) -> decltype(parse(std::string_view(), CsvLimits{})) {
    auto b = call.body();
    if (!b) return b.error();
    YIKA_TRY(b->only({"csv"}));
    auto text = b->str("csv", static_cast<std::size_t>(call.state.limits.import_bytes_max));
    if (!text) return text.error();
    CsvLimits limits;
    limits.file_bytes_max = static_cast<std::size_t>(call.state.limits.import_bytes_max);
    auto parsed = parse(*text, limits);
    if (!parsed) {
        return makeError(parsed.error().code,
                         "csv: " + parsed.error().detail + "; nothing was imported / 未导入");
    }
    return parsed;
}

AdminReply importPayoutResults(Call& call) {
    auto lines = csvBody(call, [](std::string_view csv, const CsvLimits& limits) {
        return parsePayoutResults(csv, limits);
    });
    if (!lines) return errorReply(lines.error());
    call.target = "payout_results";
    auto summary = call.write<PayoutImportSummary>([&](StoreTx& tx) {
        auto s = applyPayoutResults(tx, *lines, call.now());
        if (s) {
            call.detail = std::to_string(s->paid) + " paid " + s->paid_total.toDecimal() + ", " +
                          std::to_string(s->failed) + " failed, " + std::to_string(s->exceptions) +
                          " exceptions";
        }
        return s;
    });
    if (!summary) return errorReply(summary.error());
    std::vector<std::string> notes;
    for (const std::string& n : summary->notes) notes.push_back(jsonString(n));
    return jsonReply(200, JsonOut()
                              .num("lines", static_cast<std::int64_t>(lines->size()))
                              .num("paid", summary->paid)
                              .money("paid_total", summary->paid_total)
                              .num("failed", summary->failed)
                              .num("already", summary->already)
                              .num("exceptions", summary->exceptions)
                              .raw("notes", jsonArray(notes))
                              .done());
}

AdminReply importBankStatementHandler(Call& call) {
    auto lines = csvBody(call, [](std::string_view csv, const CsvLimits& limits) {
        return parseBankStatement(csv, limits);
    });
    if (!lines) return errorReply(lines.error());
    call.target = "bank_statement";
    auto summary = call.write<BankImportSummary>([&](StoreTx& tx) {
        auto s = importBankStatement(tx, *lines, BankMatchLimits{}, call.now());
        if (s) {
            call.detail = std::to_string(s->lines) + " lines, " +
                          std::to_string(s->unmatched_bank + s->unmatched_system) + " exceptions";
        }
        return s;
    });
    if (!summary) return errorReply(summary.error());
    return jsonReply(200, JsonOut()
                              .num("lines", summary->lines)
                              .num("already", summary->already)
                              .num("matched_payments", summary->matched_payments)
                              .num("matched_payouts", summary->matched_payouts)
                              .num("unmatched_bank", summary->unmatched_bank)
                              .num("unmatched_system", summary->unmatched_system)
                              .done());
}

AdminReply listExceptions(Call& call) {
    std::string which = call.queryText("state").value_or("open");
    if (which != "open" && which != "all") {
        return errorReply(makeError(ErrorCode::InvalidArgument, "state: open or all"));
    }
    auto reader = call.state.readers.acquire();
    auto rows = reader.tx().days().reconExceptions(which == "open", kListRowsMax);
    return pageOf(call, rows, exceptionJson);
}

AdminReply resolveException(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    if (Status s = b->only({"comment"}); !s) return errorReply(s.error());
    auto comment = b->str("comment", kCommentBytesMax);
    if (!comment) return errorReply(comment.error());
    if (comment->empty()) {
        return errorReply(makeError(ErrorCode::InvalidArgument,
                                    "comment: say how it was resolved / 请填写处理说明"));
    }
    std::int64_t id = call.param(0);
    call.target = "recon_exception:" + std::to_string(id);
    auto resolved = call.write<ReconException>([&](StoreTx& tx) -> Result<ReconException> {
        YIKA_TRY(resolveReconException(tx, id, call.op->name, *comment, call.now()));
        return *tx.days().reconException(id);
    });
    if (!resolved) return errorReply(resolved.error());
    return jsonReply(200, exceptionJson(*resolved));
}

}  // namespace

std::shared_ptr<ApprovalKindHandler> payoutReleaseKind() {
    return std::make_shared<PayoutReleaseKind>();
}

void addDayRoutes(std::vector<Route>& r) {
    using P = Permission;
    constexpr Access kP = Access::Permission;
    r.push_back({"GET", "/v1/day", kP, P::FinanceRead, "day.list", getDays});
    r.push_back({"POST", "/v1/day/cutoff", kP, P::DayClose, "day.cutoff", cutoffHandler});
    r.push_back({"GET", "/v1/days/{date}", kP, P::FinanceRead, "day.read", dayProgress});
    r.push_back({"POST", "/v1/days/{date}/close", kP, P::DayClose, "day.close", closeHandler});
    r.push_back({"POST", "/v1/days/{date}/payout-release", kP, P::PayoutRequest,
                 "payout.release_request", requestRelease});
    r.push_back({"GET", "/v1/days/{date}/payout-file", kP, P::PayoutRequest, "payout.download",
                 downloadPayoutFile});
    r.push_back({"GET", "/v1/payouts", kP, P::FinanceRead, "payout.list", listPayouts});
    r.push_back({"POST", "/v1/payout-results", kP, P::SettlementImport, "payout.import_results",
                 importPayoutResults, nullptr, BodySize::Import});
    r.push_back({"POST", "/v1/bank-statements", kP, P::SettlementImport, "bank_statement.import",
                 importBankStatementHandler, nullptr, BodySize::Import});
    r.push_back({"GET", "/v1/recon/exceptions", kP, P::FinanceRead, "recon.list", listExceptions});
    r.push_back({"POST", "/v1/recon/exceptions/{id}/resolve", kP, P::ReconResolve, "recon.resolve",
                 resolveException});
}

}  // namespace yika::admin
