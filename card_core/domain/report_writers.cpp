#include "card_core/domain/report_writers.h"

#include "card_core/domain/csv.h"
#include "card_core/domain/json_writer.h"

namespace yika {

namespace {

std::string yuan(Money m) { return m.toDecimal(); }
std::string num(std::int64_t n) { return std::to_string(n); }
std::string code(AccountCode a) { return std::to_string(static_cast<int>(a)); }
Money abs(Money m) { return m.isNegative() ? *Money::zero(m.currency()).minus(m) : m; }
std::string_view feeMode(FeeMode m) { return m == FeeMode::Net ? "NET" : "GROSS"; }

}  // namespace

std::string toJson(const TrialBalance& r) {
    JsonWriter w;
    w.beginObject().str("report", "trial_balance").str("date", r.date.toIso());
    w.beginArray("accounts");
    for (const TrialBalanceRow& row : r.rows) {
        w.beginObject().str("account", code(row.account)).str("name", accountName(row.account));
        w.money("opening", row.opening).money("debits", row.debits).money("credits", row.credits);
        w.money("closing", row.closing).endObject();
    }
    w.endArray().beginObject("totals");
    w.money("opening_debit", r.opening_debit).money("opening_credit", r.opening_credit);
    w.money("debits", r.debits).money("credits", r.credits);
    w.money("closing_debit", r.closing_debit).money("closing_credit", r.closing_credit);
    w.endObject().boolean("balanced", r.balanced).endObject();
    return w.text();
}

std::string toCsv(const TrialBalance& r) {
    std::string out =
        "date,account,name,opening_debit,opening_credit,debits,credits,closing_debit,"
        "closing_credit\n";
    auto side = [](Money m, bool debit) {
        return yuan(debit == !m.isNegative() ? abs(m) : Money::zero(m.currency()));
    };
    for (const TrialBalanceRow& row : r.rows) {
        out += csvLine({r.date.toIso(), code(row.account), std::string(accountName(row.account)),
                        side(row.opening, true), side(row.opening, false), yuan(row.debits),
                        yuan(row.credits), side(row.closing, true), side(row.closing, false)});
    }
    out += csvLine({r.date.toIso(), "total", r.balanced ? "balanced" : "NOT BALANCED",
                    yuan(r.opening_debit), yuan(r.opening_credit), yuan(r.debits), yuan(r.credits),
                    yuan(r.closing_debit), yuan(r.closing_credit)});
    return out;
}

std::string toJson(const LiabilityReport& r) {
    JsonWriter w;
    w.beginObject().str("report", "card_liability");
    for (const auto* part : {&r.by_product, &r.by_state}) {
        w.beginArray(part == &r.by_product ? "by_product" : "by_state");
        for (const LiabilityRow& row : *part) {
            w.beginObject().str(part == &r.by_product ? "product" : "state", row.key);
            if (part == &r.by_product) w.str("name", row.name);
            w.num("cards", row.cards).money("balance", row.balance).endObject();
        }
        w.endArray();
    }
    w.money("total", r.total).endObject();
    return w.text();
}

std::string toCsv(const LiabilityReport& r) {
    std::string out = "group,key,name,cards,balance\n";
    for (const LiabilityRow& row : r.by_product) {
        out += csvLine({"product", row.key, row.name, num(row.cards), yuan(row.balance)});
    }
    for (const LiabilityRow& row : r.by_state) {
        out += csvLine({"state", row.key, "", num(row.cards), yuan(row.balance)});
    }
    out += csvLine({"total", "", "", "", yuan(r.total)});
    return out;
}

namespace {
void activityJson(JsonWriter& w, const ActivityDay& d, std::string_view name = {}) {
    w.beginObject(name).str("date", d.date.toIso()).num("sales_orders", d.sales_orders);
    w.money("sales_face", d.sales_face).money("sales_paid", d.sales_paid);
    w.money("discounts", d.discounts).money("reloads", d.reloads);
    w.money("purchases", d.purchases).money("refunds", d.refunds);
    w.money("cash_redemptions", d.cash_redemptions).money("breakage", d.breakage);
    w.money("fees", d.fees).money("payouts", d.payouts).endObject();
}
}  // namespace

std::string toJson(const ActivityReport& r) {
    JsonWriter w;
    w.beginObject().str("report", "activity").str("from", r.from.toIso()).str("to", r.to.toIso());
    w.beginArray("days");
    for (const ActivityDay& d : r.days) activityJson(w, d);
    w.endArray().endObject();
    return w.text();
}

std::string toCsv(const ActivityReport& r) {
    std::string out =
        "date,sales_orders,sales_face,sales_paid,discounts,reloads,purchases,refunds,"
        "cash_redemptions,breakage,fees,payouts\n";
    for (const ActivityDay& d : r.days) {
        out += csvLine({d.date.toIso(), num(d.sales_orders), yuan(d.sales_face), yuan(d.sales_paid),
                        yuan(d.discounts), yuan(d.reloads), yuan(d.purchases), yuan(d.refunds),
                        yuan(d.cash_redemptions), yuan(d.breakage), yuan(d.fees), yuan(d.payouts)});
    }
    return out;
}

std::string toJson(const SettlementReport& r) {
    JsonWriter w;
    w.beginObject().str("report", "merchant_settlement").str("date", r.date.toIso());
    w.beginArray("merchants");
    for (const SettlementRow& row : r.rows) {
        const ClearingRecord& c = row.clearing;
        w.beginObject().str("mid", row.mid).str("name", row.name);
        w.str("fee_mode", feeMode(c.fee_mode)).num("fee_bps", c.fee_bps);
        w.money("purchases", c.purchases).num("purchase_count", c.purchase_count);
        w.money("refunds", c.refunds).num("refund_count", c.refund_count);
        w.money("carried_in", c.carried_in).money("net", c.net).money("fee", c.fee);
        w.money("payable", c.payable).money("carried_out", c.carried_out);
        if (row.payout) {
            w.str("payout_reference", payoutReference(row.payout->id));
            w.str("payout_state", toString(row.payout->state));
        }
        w.endObject();
    }
    w.endArray().money("purchases", r.purchases).money("refunds", r.refunds);
    w.money("net", r.net).money("fees", r.fees).money("payable", r.payable).endObject();
    return w.text();
}

std::string toCsv(const SettlementReport& r) {
    std::string out =
        "date,mid,name,fee_mode,fee_bps,purchases,purchase_count,refunds,refund_count,"
        "carried_in,net,fee,payable,carried_out,payout_reference,payout_state\n";
    for (const SettlementRow& row : r.rows) {
        const ClearingRecord& c = row.clearing;
        out += csvLine({r.date.toIso(), row.mid, row.name, std::string(feeMode(c.fee_mode)),
                        num(c.fee_bps), yuan(c.purchases), num(c.purchase_count), yuan(c.refunds),
                        num(c.refund_count), yuan(c.carried_in), yuan(c.net), yuan(c.fee),
                        yuan(c.payable), yuan(c.carried_out),
                        row.payout ? payoutReference(row.payout->id) : "",
                        row.payout ? std::string(toString(row.payout->state)) : ""});
    }
    return out;
}

std::string toJson(const BreakageReport& r) {
    JsonWriter w;
    w.beginObject().str("report", "breakage").str("from", r.from.toIso()).str("to", r.to.toIso());
    w.beginArray("items");
    for (const BreakageItem& i : r.items) {
        w.beginObject().str("date", i.date.toIso()).num("txn_id", i.txn_id);
        w.num("card_id", i.card_id).str("card", i.pan_masked).str("product", i.product_code);
        w.money("amount", i.amount).endObject();
    }
    w.endArray().money("total", r.total).num("expired_cards", r.expired_cards);
    w.money("expired_balance", r.expired_balance).endObject();
    return w.text();
}

std::string toCsv(const BreakageReport& r) {
    std::string out = "date,txn_id,card_id,card,product,amount\n";
    for (const BreakageItem& i : r.items) {
        out += csvLine({i.date.toIso(), num(i.txn_id), num(i.card_id), i.pan_masked, i.product_code,
                        yuan(i.amount)});
    }
    return out;
}

std::string toJson(const InvoicesOutReport& r) {
    JsonWriter w;
    w.beginObject().str("report", "invoices_out").str("from", r.from.toIso());
    w.str("to", r.to.toIso()).beginArray("orders");
    for (const InvoicesOutRow& row : r.rows) {
        const InvoiceableOrder& o = row.order;
        w.beginObject().num("order_id", o.order_id).str("paid_on", o.paid_on.toIso());
        w.str("buyer", o.buyer_name).boolean("invoice_wanted", o.invoice_wanted);
        w.money("paid", o.paid).money("issued", o.issued).money("invoiceable", row.invoiceable);
        w.beginArray("invoices");
        for (const IssuedInvoice& i : row.invoices) {
            w.beginObject().str("number", i.number).str("date", i.issued_on.toIso());
            w.str("title", i.title).str("tax_id", i.tax_id).money("amount", i.amount);
            w.endObject();
        }
        w.endArray().endObject();
    }
    w.endArray().endObject();
    return w.text();
}

std::string toCsv(const InvoicesOutReport& r) {
    std::string out =
        "order_id,paid_on,buyer,paid,issued,invoiceable,invoice_number,invoice_date,title,"
        "tax_id,invoice_amount\n";
    for (const InvoicesOutRow& row : r.rows) {
        const InvoiceableOrder& o = row.order;
        std::vector<std::string> head = {num(o.order_id), o.paid_on.toIso(), o.buyer_name,
                                         yuan(o.paid),    yuan(o.issued),    yuan(row.invoiceable)};
        if (row.invoices.empty()) {
            head.insert(head.end(), {"", "", "", "", ""});
            out += csvLine(head);
        }
        for (const IssuedInvoice& i : row.invoices) {
            auto line = head;
            line.insert(line.end(),
                        {i.number, i.issued_on.toIso(), i.title, i.tax_id, yuan(i.amount)});
            out += csvLine(line);
        }
    }
    return out;
}

std::string toJson(const InvoicesInReport& r) {
    JsonWriter w;
    w.beginObject().str("report", "invoices_in").str("from", r.from).str("to", r.to);
    w.str("today", r.today.toIso()).beginArray("periods");
    for (const InvoicesInRow& row : r.rows) {
        w.beginObject().str("mid", row.mid).str("name", row.name).str("period", row.period);
        w.money("expected", row.expected).money("received", row.received);
        w.money("outstanding", row.outstanding).str("due_on", row.due_on.toIso());
        w.boolean("overdue", row.overdue).endObject();
    }
    w.endArray().endObject();
    return w.text();
}

std::string toCsv(const InvoicesInReport& r) {
    std::string out = "mid,name,period,expected,received,outstanding,due_on,overdue\n";
    for (const InvoicesInRow& row : r.rows) {
        out += csvLine({row.mid, row.name, row.period, yuan(row.expected), yuan(row.received),
                        yuan(row.outstanding), row.due_on.toIso(), row.overdue ? "yes" : "no"});
    }
    return out;
}

std::string toJson(const InvoicePoolReport& r) {
    JsonWriter w;
    w.beginObject().str("report", "invoice_pool").str("from", r.from).str("to", r.to);
    w.beginArray("months");
    for (const PoolMonth& m : r.months) {
        w.beginObject().str("month", m.month).money("received", m.received);
        w.money("issued", m.issued).money("difference", m.difference);
        w.money("cumulative", m.cumulative).endObject();
    }
    w.endArray().endObject();
    return w.text();
}

std::string toCsv(const InvoicePoolReport& r) {
    std::string out = "month,received_from_merchants,issued_to_buyers,difference,cumulative\n";
    for (const PoolMonth& m : r.months) {
        out += csvLine(
            {m.month, yuan(m.received), yuan(m.issued), yuan(m.difference), yuan(m.cumulative)});
    }
    return out;
}

std::string toJson(const DayReport& r) {
    JsonWriter w;
    w.beginObject().str("report", "day").str("date", r.date.toIso());
    w.str("state", toString(r.state));
    activityJson(w, r.activity, "activity");
    w.num("merchants_cleared", r.merchants_cleared).money("payable", r.payable);
    w.num("payouts", r.payouts).money("payouts_total", r.payouts_total);
    w.num("cards_expired", r.cards_expired).num("breakage_cards", r.breakage_cards);
    w.boolean("trial_balance_balanced", r.trial_balance_balanced);
    w.num("ledger_mismatches", r.ledger_mismatches).num("open_exceptions", r.open_exceptions);
    w.endObject();
    return w.text();
}

std::string toCsv(const DayReport& r) {
    std::string out = "item,value\n";
    const ActivityDay& a = r.activity;
    std::vector<std::pair<std::string, std::string>> items = {
        {"date", r.date.toIso()},
        {"state", std::string(toString(r.state))},
        {"sales_orders", num(a.sales_orders)},
        {"sales_face", yuan(a.sales_face)},
        {"sales_paid", yuan(a.sales_paid)},
        {"reloads", yuan(a.reloads)},
        {"purchases", yuan(a.purchases)},
        {"refunds", yuan(a.refunds)},
        {"cash_redemptions", yuan(a.cash_redemptions)},
        {"breakage", yuan(a.breakage)},
        {"fees", yuan(a.fees)},
        {"merchants_cleared", num(r.merchants_cleared)},
        {"payable", yuan(r.payable)},
        {"payouts", num(r.payouts)},
        {"payouts_total", yuan(r.payouts_total)},
        {"cards_expired", num(r.cards_expired)},
        {"breakage_cards", num(r.breakage_cards)},
        {"trial_balance_balanced", r.trial_balance_balanced ? "yes" : "no"},
        {"ledger_mismatches", num(r.ledger_mismatches)},
        {"open_exceptions", num(r.open_exceptions)},
    };
    for (const auto& [k, v] : items) out += csvLine({k, v});
    return out;
}

std::string toJson(const std::vector<Payout>& payouts) {
    JsonWriter w;
    w.beginArray();
    for (const Payout& p : payouts) {
        w.beginObject().str("reference", payoutReference(p.id)).num("id", p.id);
        w.str("business_date", p.business_date.toIso()).str("value_date", p.value_date.toIso());
        w.str("mid", p.mid).str("name", p.merchant_name).money("amount", p.amount);
        w.str("state", toString(p.state)).str("bank_reference", p.bank_reference);
        w.str("failure_reason", p.failure_reason).endObject();
    }
    w.endArray();
    return w.text();
}

std::string toCsv(const std::vector<Payout>& payouts) {
    std::string out =
        "reference,business_date,value_date,mid,name,amount,state,bank_reference,failure_reason\n";
    for (const Payout& p : payouts) {
        out += csvLine({payoutReference(p.id), p.business_date.toIso(), p.value_date.toIso(), p.mid,
                        p.merchant_name, yuan(p.amount), std::string(toString(p.state)),
                        p.bank_reference, p.failure_reason});
    }
    return out;
}

std::string toJson(const std::vector<ReconException>& exceptions) {
    JsonWriter w;
    w.beginArray();
    for (const ReconException& e : exceptions) {
        w.beginObject().num("id", e.id).str("kind", e.kind).str("reference", e.reference);
        w.str("detail", e.detail).str("state", e.state).num("created_at_ms", e.created_at_ms);
        w.str("resolved_by", e.resolved_by).str("resolution", e.resolution);
        w.num("resolved_at_ms", e.resolved_at_ms).endObject();
    }
    w.endArray();
    return w.text();
}

std::string toCsv(const std::vector<ReconException>& exceptions) {
    std::string out = "id,kind,reference,detail,state,created_at_ms,resolved_by,resolution\n";
    for (const ReconException& e : exceptions) {
        out += csvLine({num(e.id), e.kind, e.reference, e.detail, e.state, num(e.created_at_ms),
                        e.resolved_by, e.resolution});
    }
    return out;
}

}  // namespace yika
