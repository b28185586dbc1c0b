// The JSON of each entity the admin API answers with. Card numbers appear only masked (first 6,
// last 4); a buyer's ID number only masked; no PIN, PVV, key, password hash or token hash.

#include "admin_api/admin_http.h"

namespace yika::admin {

namespace {

std::string optionalInt(const std::optional<std::int64_t>& v) {
    return v ? std::to_string(*v) : std::string("null");
}

std::string optionalDate(const std::optional<Date>& d) {
    return d ? http::jsonString(d->toIso()) : std::string("null");
}

// "110105********002X": enough for an operator to confirm a document, not to copy it.
std::string maskedId(const std::string& id) {
    if (id.size() <= 7) return std::string(id.size(), '*');
    return id.substr(0, 3) + std::string(id.size() - 7, '*') + id.substr(id.size() - 4);
}

std::string buyerJson(const Buyer& b) {
    return JsonOut()
        .str("kind", toString(b.kind))
        .str("name", b.name)
        .raw("id_type", b.id_type ? http::jsonString(toString(*b.id_type)) : "null")
        .str("id_number_masked", maskedId(b.id_number))
        .str("credit_code", b.credit_code)
        .str("contact", b.contact)
        .done();
}

}  // namespace

std::string productJson(const CardProduct& p) {
    std::vector<std::string> loads;
    for (Money m : p.load_amounts) loads.push_back(std::to_string(m.minor()));
    return JsonOut()
        .num("id", p.id)
        .str("code", p.code)
        .str("name", p.name)
        .str("bin", p.bin)
        .num("pan_length", static_cast<std::int64_t>(p.pan_length))
        .boolean("named", p.named)
        .str("currency", currencyAlpha(p.currency))
        .money("max_balance", p.max_balance)
        .boolean("reloadable", p.reloadable)
        .num("validity_months", p.validity_months)
        .raw("load_amounts_minor", jsonArray(loads))
        .money("purchase_max", p.purchase_max)
        .money("daily_spend_max", p.daily_spend_max)
        .num("daily_count_max", p.daily_count_max)
        .money("pin_threshold_daily", p.pin_threshold_daily)
        .raw("scope_group_id", optionalInt(p.scope_group))
        .done();
}

std::string batchJson(const ProductionBatch& b, const std::optional<GenerationJobs::Status>& job) {
    JsonOut out;
    out.num("id", b.id)
        .num("product_id", b.product_id)
        .num("quantity", b.quantity)
        .str("state", toString(b.state))
        .str("requested_by", b.requested_by)
        .str("approved_by", b.approved_by)
        .num("requested_at_ms", b.requested_at_ms)
        .num("approved_at_ms", b.approved_at_ms)
        .num("generated_at_ms", b.generated_at_ms)
        .str("location", b.location)
        .num("first_card_id", b.first_card_id)
        .num("last_card_id", b.last_card_id)
        .boolean("sealed_file", !b.file_name.empty())
        .str("card_expiry", b.card_expiry.days() == 0 ? "" : b.card_expiry.toIso());
    if (job) {
        out.raw("generation", JsonOut()
                                  .str("state", job->state)
                                  .num("done", job->done)
                                  .num("total", job->total)
                                  .str("error", job->error)
                                  .done());
    } else {
        out.raw("generation", "null");
    }
    return out.done();
}

std::string cardJson(const Card& c) {
    return JsonOut()
        .num("id", c.id)
        .str("pan_masked", c.pan_masked)
        .num("product_id", c.product_id)
        .num("batch_id", c.batch_id)
        .str("state", toString(c.state))
        .str("currency", currencyAlpha(c.balance.currency()))
        .money("balance", c.balance)
        .money("held", c.held)
        .money("available", c.available())
        .raw("expiry", optionalDate(c.expiry))
        .str("location", c.location)
        .raw("order_id", optionalInt(c.order_id))
        .raw("activated_on", optionalDate(c.activated_on))
        .num("pin_failures", c.pin_failures)
        .num("pin_locked_until_ms", c.pin_locked_until_ms)
        .done();
}

std::string cardEventJson(const CardEvent& e) {
    return JsonOut()
        .str("from", toString(e.from))
        .str("to", toString(e.to))
        .str("actor_kind", toString(e.actor.kind))
        .str("actor", e.actor.id)
        .str("channel", toString(e.actor.channel))
        .str("reason", e.reason)
        .num("at_ms", e.at_ms)
        .done();
}

std::string txnJson(const CardTxn& t) {
    return JsonOut()
        .num("id", t.id)
        .str("kind", toString(t.kind))
        .str("state", toString(t.state))
        .str("decline", t.state == TxnState::Declined ? toString(t.decline) : "")
        .num("card_id", t.card_id)
        .raw("counter_card_id", optionalInt(t.counter_card_id))
        .raw("merchant_id", optionalInt(t.merchant_id))
        .money("amount", t.amount)
        .money("balance_after", t.balance_after)
        .raw("original_id", optionalInt(t.original_id))
        .str("business_date", t.business_date.toIso())
        .num("at_ms", t.at_ms)
        .raw("entry_id", optionalInt(t.entry_id))
        .done();
}

std::string orderJson(const SalesOrder& o) {
    std::vector<std::string> lines;
    for (const OrderLine& l : o.lines) {
        lines.push_back(JsonOut()
                            .num("product_id", l.product_id)
                            .num("count", l.count)
                            .raw("first_card_id", optionalInt(l.first_card_id))
                            .raw("last_card_id", optionalInt(l.last_card_id))
                            .money("load_each", l.load_each)
                            .done());
    }
    std::vector<std::string> cards;
    for (CardId id : o.card_ids) cards.push_back(std::to_string(id));
    return JsonOut()
        .num("id", o.id)
        .str("state", toString(o.state))
        .raw("buyer", buyerJson(o.buyer))
        .raw("lines", jsonArray(lines))
        .str("location", o.location)
        .money("discount", o.discount)
        .money("face_total", o.face_total)
        .money("pay_total", o.pay_total)
        .str("currency", currencyAlpha(o.pay_total.currency()))
        .str("payment_method", toString(o.payment_method))
        .boolean("invoice_wanted", o.invoice_wanted)
        .str("invoice_title", o.invoice_title)
        .str("invoice_tax_id", o.invoice_tax_id)
        .str("agent", o.agent)
        .boolean("structuring_flag", o.structuring_flag)
        .str("created_by", o.created_by)
        .num("created_at_ms", o.created_at_ms)
        .num("paid_at_ms", o.paid_at_ms)
        .raw("business_date", optionalDate(o.business_date))
        .raw("card_ids", jsonArray(cards))
        .done();
}

std::string merchantJson(const Merchant& m) {
    return JsonOut()
        .num("id", m.id)
        .str("mid", m.mid)
        .str("name", m.name)
        .raw("group_id", optionalInt(m.group))
        .num("fee_bps", m.fee_bps)
        .str("fee_mode", m.fee_mode == FeeMode::Net ? "net" : "gross")
        .num("settle_days", m.settle_days)
        .str("bank_name", m.bank_name)
        .str("bank_account", m.bank_account)
        .done();
}

std::string storeJson(const MerchantStore& s) {
    return JsonOut()
        .num("id", s.id)
        .num("merchant_id", s.merchant_id)
        .str("name", s.name)
        .str("address", s.address)
        .done();
}

std::string terminalJson(const Terminal& t) {
    return JsonOut()
        .num("id", t.id)
        .str("tid", t.tid)
        .num("merchant_id", t.merchant_id)
        .raw("store_id", optionalInt(t.store_id))
        .str("state", t.state == TerminalState::Active ? "active" : "disabled")
        .num("batch_no", t.batch_no)
        .num("signed_on_at_ms", t.signed_on_at_ms)
        .done();
}

std::string groupJson(const MerchantGroup& g) {
    return JsonOut().num("id", g.id).str("code", g.code).str("name", g.name).done();
}

std::string approvalJson(const ApprovalRequest& r) {
    return JsonOut()
        .num("id", r.id)
        .str("kind", toString(r.kind))
        .str("state", toString(r.state))
        .str("reference", r.reference)
        .str("summary", r.summary)
        .raw("payload", r.payload.empty() ? "null" : r.payload)
        .str("requested_by", r.requested_by)
        .num("requested_at_ms", r.requested_at_ms)
        .str("decided_by", r.decided_by)
        .num("decided_at_ms", r.decided_at_ms)
        .str("note", r.note)
        .str("result", r.result)
        .done();
}

std::string operatorJson(const Operator& o) {
    return JsonOut()
        .num("id", o.id)
        .str("name", o.name)
        .str("display_name", o.display_name)
        .str("role", toString(o.role))
        .boolean("must_change_password", o.must_change_password)
        .boolean("disabled", o.disabled)
        .num("locked_until_ms", o.locked_until_ms)
        .str("created_by", o.created_by)
        .num("created_at_ms", o.created_at_ms)
        .done();
}

std::string auditJson(const AuditRecord& r) {
    return JsonOut()
        .num("id", r.id)
        .num("at_ms", r.at_ms)
        .str("actor", r.actor)
        .str("role", r.role)
        .str("client", r.client)
        .str("action", r.action)
        .str("target", r.target)
        .str("outcome", r.outcome)
        .str("detail", r.detail)
        .done();
}

std::string pageJson(const std::vector<std::string>& items, std::int64_t last_id, bool full) {
    return JsonOut().raw("items", jsonArray(items)).num("next_after_id", full ? last_id : 0).done();
}

Result<Money> moneyField(const JsonReader& r, std::string_view name, bool allow_zero) {
    auto v = r.integer(name, allow_zero ? 0 : 1, 999'999'999'999);
    if (!v) return v.error();
    return Money::fromMinor(*v, Currency::Cny);
}

Result<Buyer> buyerField(const JsonReader& r, std::string_view name) {
    auto b = r.object(name);
    if (!b) return b.error();
    YIKA_TRY(b->only({"kind", "name", "id_type", "id_number", "credit_code", "contact"}));
    Buyer buyer;
    auto kind = b->str("kind", 32);
    if (!kind) return kind.error();
    auto k = buyerKindFromString(*kind);
    if (!k)
        return makeError(ErrorCode::InvalidArgument, b->pathOf("kind") + ": individual or company");
    buyer.kind = *k;
    auto text = [&](std::string_view field, std::string& out) -> Status {
        auto v = b->optStr(field, 200);
        if (!v) return v.error();
        out = std::move(*v);
        return Ok{};
    };
    YIKA_TRY(text("name", buyer.name));
    YIKA_TRY(text("id_number", buyer.id_number));
    YIKA_TRY(text("credit_code", buyer.credit_code));
    YIKA_TRY(text("contact", buyer.contact));
    std::string id_type;
    YIKA_TRY(text("id_type", id_type));
    if (!id_type.empty()) {
        buyer.id_type = idTypeFromString(id_type);
        if (!buyer.id_type) {
            return makeError(
                ErrorCode::InvalidArgument,
                b->pathOf("id_type") +
                    ": resident_id, passport, hk_macau_permit, taiwan_permit or other");
        }
    }
    return buyer;
}

}  // namespace yika::admin
