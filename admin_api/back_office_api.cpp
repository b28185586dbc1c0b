// Invoices (design section 9), reports and the dashboard in the admin API (issue 5). Reports are
// rendered by the same catalog as `yikad report` (card_core/domain/report_catalog.h), so the
// CSV answered here is byte for byte the command line's.

#include "card_core/domain/invoices.h"
#include "card_core/domain/report_catalog.h"
#include "card_core/domain/reports.h"

#include <map>

#include "admin_api/admin_http.h"

namespace yika::admin {

namespace {

constexpr std::size_t kTextBytesMax = 200;
constexpr int kDashboardDays = 30;
constexpr int kOverdueMonthsBack = 24;  // merchant invoices looked at for the overdue count
constexpr std::int64_t kPendingCountMax = 100'000;

// Runs `fn` on one read transaction (a consistent snapshot: a report's several queries see
// the same committed data, as the command line's StoreTxRunner::read does).
template <typename F>
auto inSnapshot(AdminState& state, F&& fn) {
    auto lease = state.readers.acquire();
    lease.db().exec("BEGIN");
    try {
        auto out = fn(lease.tx());
        lease.db().exec("COMMIT");
        return out;
    } catch (const StorageError&) {
        try {
            lease.db().exec("ROLLBACK");
        } catch (const StorageError&) {
            // No transaction is open any more; the connection is clean.
        }
        throw;  // answered once, by AdminHandler
    }
}

InvoiceRules invoiceRules(const AdminState& state) {
    InvoiceRules rules;
    rules.merchant_invoice_due_days = static_cast<int>(state.options.day.invoice_due_days);
    return rules;
}

// A domain error whose message gets the request member it is about, for the desktop tool.
Error about(Error e, std::string_view field) {
    e.detail = std::string(field) + ": " + e.detail;
    return e;
}

Result<Date> dateField(const JsonReader& b, std::string_view name) {
    auto text = b.str(name, 10);
    if (!text) return text.error();
    auto d = Date::parseIso(*text);
    if (!d || d->toIso() != *text) {
        return makeError(ErrorCode::InvalidArgument, b.pathOf(name) + ": a date YYYY-MM-DD");
    }
    return *d;
}

std::string issuedJson(const IssuedInvoice& i) {
    return JsonOut()
        .num("id", i.id)
        .num("order_id", i.order_id)
        .str("number", i.number)
        .str("date", i.issued_on.toIso())
        .str("title", i.title)
        .str("tax_id", i.tax_id)
        .money("amount", i.amount)
        .str("issued_by", i.issued_by)
        .num("at_ms", i.at_ms)
        .done();
}

std::string receivedJson(const ReceivedInvoice& i) {
    return JsonOut()
        .num("id", i.id)
        .num("merchant_id", i.merchant_id)
        .str("period", i.period)
        .str("number", i.number)
        .str("date", i.issued_on.toIso())
        .money("amount", i.amount)
        .str("remark", i.remark)
        .str("recorded_by", i.recorded_by)
        .num("at_ms", i.at_ms)
        .done();
}

// ---- invoices out (to buyers) ----

AdminReply orderInvoices(Call& call) {
    std::int64_t id = call.param(0);
    auto reader = call.state.readers.acquire();
    StoreTx& tx = reader.tx();
    auto order = tx.days().paidOrder(id);
    if (!order) {
        bool exists = tx.order(id).has_value();
        return errorReply(
            makeError(exists ? ErrorCode::IllegalTransition : ErrorCode::NotFound,
                      exists ? "order " + std::to_string(id) + " is not paid" : "no such order"));
    }
    std::vector<std::string> items;
    for (const IssuedInvoice& i : tx.days().issuedInvoices(id)) items.push_back(issuedJson(i));
    Money invoiceable = order->paid.minus(order->issued).value_or(Money::zero(Currency::Cny));
    return jsonReply(200, JsonOut()
                              .num("order_id", id)
                              .str("paid_on", order->paid_on.toIso())
                              .str("buyer_name", order->buyer_name)
                              .boolean("invoice_wanted", order->invoice_wanted)
                              .str("invoice_title", order->invoice_title)
                              .str("invoice_tax_id", order->invoice_tax_id)
                              .money("paid", order->paid)
                              .money("issued", order->issued)
                              .money("invoiceable", invoiceable)
                              .raw("items", jsonArray(items))
                              .done());
}

AdminReply issueOrderInvoice(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    if (Status s = b->only({"number", "date", "title", "tax_id", "amount_minor"}); !s) {
        return errorReply(s.error());
    }
    IssueInvoiceRequest r;
    r.order_id = call.param(0);
    auto number = b->str("number", kTextBytesMax);
    if (!number) return errorReply(number.error());
    auto date = dateField(*b, "date");
    if (!date) return errorReply(date.error());
    auto title = b->optStr("title", kTextBytesMax);
    if (!title) return errorReply(title.error());
    auto tax_id = b->optStr("tax_id", kTextBytesMax);
    if (!tax_id) return errorReply(tax_id.error());
    auto amount = moneyField(*b, "amount_minor", false);
    if (!amount) return errorReply(amount.error());
    r.number = *number;
    r.issued_on = *date;
    r.title = *title;
    r.tax_id = *tax_id;
    r.amount = *amount;
    call.target = "order:" + std::to_string(r.order_id);
    InvoiceRules rules = invoiceRules(call.state);
    auto issued = call.write<IssuedInvoice>([&](StoreTx& tx) -> Result<IssuedInvoice> {
        auto i = issueInvoice(tx, r, call.op->name, rules, call.now());
        if (!i) {
            switch (i.error().code) {
                case ErrorCode::RuleViolation:  // more than was paid
                    return about(i.error(), "amount_minor");
                case ErrorCode::Duplicate:
                    return about(i.error(), "number");
                default:
                    return i.error();
            }
        }
        call.detail = "invoice " + i->number + " " + i->amount.toDecimal();
        return i;
    });
    if (!issued) return errorReply(issued.error());
    return jsonReply(201, issuedJson(*issued));
}

// ---- invoices in (from merchants) ----

Result<std::string> monthQuery(const Call& call, std::string_view name, std::string fallback) {
    auto text = call.queryText(name);
    if (!text) return fallback;
    if (!validMonth(*text)) {
        return makeError(ErrorCode::InvalidArgument, std::string(name) + ": a month YYYY-MM");
    }
    return *text;
}

AdminReply merchantInvoices(Call& call) {
    MerchantId id = call.param(0);
    return inSnapshot(call.state, [&](StoreTx& tx) -> AdminReply {
        auto merchant = tx.merchant(id);
        if (!merchant) return errorReply(makeError(ErrorCode::NotFound, "no such merchant"));
        Date today = tx.businessDate();
        auto from = monthQuery(call, "from", monthOf(today.plusMonths(-11)));
        if (!from) return errorReply(from.error());
        auto to = monthQuery(call, "to", monthOf(today));
        if (!to) return errorReply(to.error());
        if (*to < *from) {
            return errorReply(makeError(ErrorCode::InvalidArgument, "to: is before from"));
        }
        InvoicesInReport report = invoicesInReport(tx, *from, *to, today, invoiceRules(call.state));
        std::vector<std::string> items;
        for (const InvoicesInRow& row : report.rows) {
            if (row.merchant_id != id) continue;
            std::vector<std::string> invoices;
            for (const ReceivedInvoice& i : tx.days().receivedInvoices(id, row.period)) {
                invoices.push_back(receivedJson(i));
            }
            items.push_back(JsonOut()
                                .str("period", row.period)
                                .money("expected", row.expected)
                                .money("received", row.received)
                                .money("outstanding", row.outstanding)
                                .str("due_on", row.due_on.toIso())
                                .boolean("overdue", row.overdue)
                                .raw("invoices", jsonArray(invoices))
                                .done());
        }
        return jsonReply(200, JsonOut()
                                  .num("merchant_id", id)
                                  .str("mid", merchant->mid)
                                  .str("name", merchant->name)
                                  .str("from", *from)
                                  .str("to", *to)
                                  .raw("items", jsonArray(items))
                                  .done());
    });
}

AdminReply recordMerchantInvoiceHandler(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    if (Status s = b->only({"period", "number", "date", "amount_minor", "remark"}); !s) {
        return errorReply(s.error());
    }
    ReceiveInvoiceRequest r;
    auto period = b->str("period", 7);
    if (!period) return errorReply(period.error());
    if (!validMonth(*period)) {
        return errorReply(makeError(ErrorCode::InvalidArgument, "period: a month YYYY-MM"));
    }
    auto number = b->str("number", kTextBytesMax);
    if (!number) return errorReply(number.error());
    auto date = dateField(*b, "date");
    if (!date) return errorReply(date.error());
    auto amount = moneyField(*b, "amount_minor", false);
    if (!amount) return errorReply(amount.error());
    auto remark = b->str("remark", kTextBytesMax);
    if (!remark) return errorReply(remark.error());
    r.period = *period;
    r.number = *number;
    r.issued_on = *date;
    r.amount = *amount;
    r.remark = *remark;
    MerchantId id = call.param(0);
    call.target = "merchant:" + std::to_string(id);
    InvoiceRules rules = invoiceRules(call.state);
    auto recorded = call.write<ReceivedInvoice>([&](StoreTx& tx) -> Result<ReceivedInvoice> {
        auto merchant = tx.merchant(id);
        if (!merchant) return makeError(ErrorCode::NotFound, "no such merchant");
        r.mid = merchant->mid;
        auto i = recordMerchantInvoice(tx, r, call.op->name, rules, call.now());
        if (!i) {
            switch (i.error().code) {
                case ErrorCode::RuleViolation:  // the remark the tax rule requires
                    return about(i.error(), "remark");
                case ErrorCode::Duplicate:
                    return about(i.error(), "number");
                default:
                    return i.error();
            }
        }
        call.detail = "invoice " + i->number + " for " + i->period + " " + i->amount.toDecimal();
        return i;
    });
    if (!recorded) return errorReply(recorded.error());
    return jsonReply(201, receivedJson(*recorded));
}

// ---- reports ----

AdminReply reportHandler(Call& call) {
    const std::string& name = call.text(0);
    if (!isReportName(name)) {
        std::string names;
        for (std::string_view n : reportNames())
            names += (names.empty() ? "" : ", ") + std::string(n);
        return errorReply(
            makeError(ErrorCode::NotFound, "name: no report '" + name + "'; one of " + names));
    }
    auto format = call.queryText("format");
    if (format && *format != "csv" && *format != "json") {
        return errorReply(makeError(ErrorCode::InvalidArgument, "format: csv or json"));
    }
    const std::string accept = call.request.http.get("Accept", "");
    const bool csv = format ? *format == "csv" : accept.find("text/csv") != std::string::npos;
    ReportSettings settings;
    settings.invoice_rules = invoiceRules(call.state);
    return inSnapshot(call.state, [&](StoreTx& tx) -> AdminReply {
        auto range = reportRange(call.queryText("date"), call.queryText("from"),
                                 call.queryText("to"), tx.businessDate());
        if (!range) return errorReply(range.error());
        auto text =
            renderReport(tx, name, *range, settings, csv ? ReportFormat::Csv : ReportFormat::Json);
        if (!text) return errorReply(text.error());
        if (!csv) return jsonReply(200, std::move(*text));
        AdminReply r;
        r.content_type = "text/csv; charset=utf-8";
        r.body = std::move(*text);
        r.headers.emplace_back("Content-Disposition",
                               "attachment; filename=\"" + name + "-" + range->from.toIso() +
                                   (range->to == range->from ? "" : "_" + range->to.toIso()) +
                                   ".csv\"");
        return r;
    });
}

// ---- dashboard ----

// Sales (value loaded on cards sold and reloaded) and redemptions (purchases less refunds) of
// one day, in fen.
struct DayFigures {
    std::int64_t sales = 0;
    std::int64_t redemptions = 0;
};

// A CLOSED day's figures from its stored day report: final, since nothing posts into a closed
// day, and far cheaper than reading the day's journal again.
std::optional<DayFigures> storedFigures(StoreTx& tx, Date date) {
    auto json = tx.days().dayReport(date);
    if (!json) return std::nullopt;
    auto tree = parseJsonTree(*json, JsonTreeLimits{4, 1000, 256});
    if (!tree) return std::nullopt;
    auto activity = JsonReader(*tree, "").object("activity");
    if (!activity) return std::nullopt;
    auto face = activity->integer("sales_face_minor", 0, INT64_MAX / 4);
    auto reloads = activity->integer("reloads_minor", 0, INT64_MAX / 4);
    auto purchases = activity->integer("purchases_minor", 0, INT64_MAX / 4);
    auto refunds = activity->integer("refunds_minor", 0, INT64_MAX / 4);
    if (!face || !reloads || !purchases || !refunds) return std::nullopt;  // read the journal
    return DayFigures{*face + *reloads, *purchases - *refunds};
}

std::string dashboardJson(AdminState& state) {
    return inSnapshot(state, [&](StoreTx& tx) {
        Date today = tx.businessDate();
        LiabilityReport liability = liabilityReport(tx);
        // Closed days from their stored reports; from the first day that is not closed (the
        // business date, days cut off and not yet closed, days from before any cut-off) on,
        // from the journal.
        const Date first = today.plusDays(1 - kDashboardDays);
        std::map<Date, DayFigures> figures;
        std::map<Date, BusinessDay> rows;
        for (const BusinessDay& b : tx.days().days(first, today)) rows.emplace(b.date, b);
        Date live_from = today;
        for (Date d = first; d < today; d = d.plusDays(1)) {
            auto row = rows.find(d);
            auto stored = row != rows.end() && row->second.state == DayState::Closed
                              ? storedFigures(tx, d)
                              : std::nullopt;
            if (!stored) {
                live_from = d;
                break;
            }
            figures[d] = *stored;
        }
        for (const ActivityDay& a : activityReport(tx, live_from, today).days) {
            figures[a.date] = DayFigures{a.sales_face.minor() + a.reloads.minor(),
                                         a.purchases.minor() - a.refunds.minor()};
        }
        std::vector<std::string> days;
        for (Date d = first; d <= today; d = d.plusDays(1)) {
            DayFigures f = figures.count(d) != 0 ? figures[d] : DayFigures{};
            days.push_back(JsonOut()
                               .str("date", d.toIso())
                               .num("sales_minor", f.sales)
                               .num("redemptions_minor", f.redemptions)
                               .done());
        }
        const DayFigures now = figures.count(today) != 0 ? figures[today] : DayFigures{};
        auto pending = tx.admin().approvals(ApprovalState::Pending, 0, kPendingCountMax);
        InvoicesInReport invoices =
            invoicesInReport(tx, monthOf(today.plusMonths(-kOverdueMonthsBack)), monthOf(today),
                             today, invoiceRules(state));
        std::int64_t overdue = 0;
        for (const InvoicesInRow& row : invoices.rows) overdue += row.overdue ? 1 : 0;
        auto cny = [](std::int64_t minor) { return Money::fromMinor(minor, Currency::Cny); };
        return JsonOut()
            .str("business_date", today.toIso())
            .money("liability", liability.total)
            .raw("today", JsonOut()
                              .money("sales", cny(now.sales))
                              .money("redemptions", cny(now.redemptions))
                              .done())
            .raw("last_30_days", jsonArray(days))
            .num("pending_approvals", static_cast<std::int64_t>(pending.size()))
            .num("open_recon_exceptions", tx.days().openReconExceptionCount())
            .num("overdue_merchant_invoices", overdue)
            .num("computed_at_ms", state.deps.clock.nowMs())
            .done();
    });
}

AdminReply dashboard(Call& call) {
    AdminState& state = call.state;
    std::lock_guard lock(state.dashboard.mutex);  // one computation at a time; others wait
    TimestampMs now = call.now();
    if (state.dashboard.json.empty() ||
        now - state.dashboard.computed_at_ms >= state.limits.dashboard_cache_ms ||
        now < state.dashboard.computed_at_ms) {
        state.dashboard.json = dashboardJson(state);
        state.dashboard.computed_at_ms = now;
    }
    return jsonReply(200, state.dashboard.json);
}

}  // namespace

void addBackOfficeRoutes(std::vector<Route>& r) {
    using P = Permission;
    constexpr Access kP = Access::Permission;
    r.push_back(
        {"GET", "/v1/orders/{id}/invoices", kP, P::FinanceRead, "invoice.list", orderInvoices});
    r.push_back({"POST", "/v1/orders/{id}/invoices", kP, P::InvoiceWrite, "invoice.issue",
                 issueOrderInvoice});
    r.push_back({"GET", "/v1/merchants/{id}/invoices", kP, P::FinanceRead, "merchant_invoice.list",
                 merchantInvoices});
    r.push_back({"POST", "/v1/merchants/{id}/invoices", kP, P::InvoiceWrite,
                 "merchant_invoice.record", recordMerchantInvoiceHandler});
    r.push_back({"GET", "/v1/reports/{name}", kP, P::FinanceRead, "report.read", reportHandler});
    r.push_back({"GET", "/v1/dashboard", kP, P::Read, "dashboard.read", dashboard});
}

}  // namespace yika::admin
