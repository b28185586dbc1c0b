// Maker-checker (card_core/domain/approval.h): pending requests of a kind with a JSON payload,
// approved (and executed in the same transaction) or rejected by a different operator whose
// role holds the kind's approve permission. The kinds the admin API carries out itself are
// here: production batches, manual adjustments, merchant fee changes. Payout-file release
// (issue 5) plugs in through AdminOptions::kinds.

#include "card_core/domain/adjustment.h"
#include "card_core/domain/issuance.h"

#include "admin_api/admin_http.h"

namespace yika::admin {

namespace {

constexpr std::size_t kReasonBytesMax = 200;

// A stored payload, parsed again by its executor (it was written by prepare, so limits are
// generous: they only guard against a corrupted row).
Result<JsonNode> storedPayload(const ApprovalRequest& request) {
    return parseJsonTree(request.payload, JsonTreeLimits{8, 100'000, 65'536});
}

std::int64_t payloadInt(const JsonNode& payload, std::string_view name) {
    auto v = JsonReader(payload, "payload").integer(name, INT64_MIN, INT64_MAX);
    return v ? *v : 0;
}

// ---- production_batch ----

class ProductionBatchKind final : public ApprovalKindHandler {
  public:
    Status prepare(StoreTx& tx, const JsonReader& p, const KindContext& context,
                   ApprovalRequest& request) override {
        YIKA_TRY(p.only({"product_id", "quantity", "location"}));
        auto product_id = p.integer("product_id", 1, INT64_MAX);
        if (!product_id) return product_id.error();
        auto quantity = p.integer("quantity", 1, context.policies.batch_cards_max);
        if (!quantity) return quantity.error();
        auto location = p.str("location", 64);
        if (!location) return location.error();
        auto product = tx.product(*product_id);
        if (!product)
            return makeError(ErrorCode::NotFound, p.pathOf("product_id") + ": no such product");
        ProductionBatch draft;
        draft.product_id = *product_id;
        draft.quantity = *quantity;
        draft.location = *location;
        draft.requested_by = context.maker.name;
        auto id = requestBatch(tx, draft, context.policies, context.now_ms);
        if (!id) return id.error();
        request.reference = "batch:" + std::to_string(*id);
        request.summary = "produce " + std::to_string(*quantity) + " cards of " + product->code +
                          " into stock at " + *location;
        request.payload = JsonOut()
                              .num("batch_id", *id)
                              .num("product_id", *product_id)
                              .num("quantity", *quantity)
                              .str("location", *location)
                              .done();
        return Ok{};
    }
    Result<std::string> execute(StoreTx& tx, const ApprovalRequest& request,
                                const Operator& approver, TimestampMs now_ms) override {
        auto payload = storedPayload(request);
        if (!payload) return payload.error();
        BatchId id = payloadInt(*payload, "batch_id");
        YIKA_TRY(approveBatch(tx, id, approver.name, now_ms));
        return "batch:" + std::to_string(id);
    }
    Status onReject(StoreTx& tx, const ApprovalRequest& request, const Operator& checker,
                    TimestampMs) override {
        auto payload = storedPayload(request);
        if (!payload) return payload.error();
        auto batch = tx.batch(payloadInt(*payload, "batch_id"));
        if (!batch) return makeError(ErrorCode::NotFound, "the request's batch is gone");
        YIKA_TRY(reject(*batch, checker.name));
        tx.updateBatch(*batch);
        return Ok{};
    }
};

// ---- manual_adjustment ----

Result<ManualAdjustment> readAdjustment(const JsonReader& p) {
    YIKA_TRY(p.only({"lines", "reason"}));
    ManualAdjustment adjustment;
    auto reason = p.str("reason", kReasonBytesMax);
    if (!reason) return reason.error();
    adjustment.reason = *reason;
    auto lines = p.objects("lines", kAdjustmentLinesMax);
    if (!lines) return lines.error();
    for (const JsonReader& line : *lines) {
        YIKA_TRY(line.only({"account", "sub", "side", "amount_minor"}));
        auto code = line.integer("account", 1000, 9999);
        if (!code) return code.error();
        if (!isKnownAccount(static_cast<std::uint16_t>(*code))) {
            return makeError(ErrorCode::InvalidArgument,
                             line.pathOf("account") + ": not in the chart of accounts");
        }
        auto sub = line.optInteger("sub", 0, INT64_MAX);
        if (!sub) return sub.error();
        auto side = line.str("side", 8);
        if (!side) return side.error();
        if (*side != "debit" && *side != "credit") {
            return makeError(ErrorCode::InvalidArgument, line.pathOf("side") + ": debit or credit");
        }
        auto amount = moneyField(line, "amount_minor", false);
        if (!amount) return amount.error();
        adjustment.lines.push_back(
            JournalLine{AccountRef{static_cast<AccountCode>(*code), sub->value_or(0)},
                        *side == "debit" ? Side::Debit : Side::Credit, *amount});
    }
    return adjustment;
}

std::string adjustmentPayload(const ManualAdjustment& a) {
    std::vector<std::string> lines;
    for (const JournalLine& l : a.lines) {
        lines.push_back(JsonOut()
                            .num("account", static_cast<std::int64_t>(l.account.code))
                            .num("sub", l.account.sub)
                            .str("side", l.side == Side::Debit ? "debit" : "credit")
                            .num("amount_minor", l.amount.minor())
                            .done());
    }
    return JsonOut().raw("lines", jsonArray(lines)).str("reason", a.reason).done();
}

class ManualAdjustmentKind final : public ApprovalKindHandler {
  public:
    Status prepare(StoreTx& tx, const JsonReader& p, const KindContext&,
                   ApprovalRequest& request) override {
        auto adjustment = readAdjustment(p);
        if (!adjustment) return adjustment.error();
        YIKA_TRY(validateAdjustment(tx, *adjustment));
        std::int64_t debits = 0;
        for (const JournalLine& l : adjustment->lines) {
            if (l.side == Side::Debit) debits += l.amount.minor();
        }
        request.summary = "adjustment of " + Money::fromMinor(debits, Currency::Cny).toDecimal() +
                          " CNY: " + adjustment->reason;
        request.payload = adjustmentPayload(*adjustment);
        return Ok{};
    }
    Result<std::string> execute(StoreTx& tx, const ApprovalRequest& request, const Operator&,
                                TimestampMs now_ms) override {
        auto payload = storedPayload(request);
        if (!payload) return payload.error();
        auto adjustment = readAdjustment(JsonReader(*payload, "payload"));
        if (!adjustment) return adjustment.error();
        auto entry = postAdjustment(tx, request.id, *adjustment, now_ms);
        if (!entry) return entry.error();
        return "entry:" + std::to_string(*entry);
    }
};

// ---- merchant_fee_change ----

Result<FeeChange> readFeeChange(const JsonReader& p) {
    YIKA_TRY(p.only({"merchant_id", "fee_bps", "fee_mode", "reason"}));
    FeeChange change;
    auto merchant = p.integer("merchant_id", 1, INT64_MAX);
    if (!merchant) return merchant.error();
    auto bps = p.integer("fee_bps", 0, 10'000);
    if (!bps) return bps.error();
    auto mode = p.str("fee_mode", 8);
    if (!mode) return mode.error();
    if (*mode != "net" && *mode != "gross") {
        return makeError(ErrorCode::InvalidArgument,
                         p.pathOf("fee_mode") + ": net (内扣) or gross (外收)");
    }
    auto reason = p.optStr("reason", kReasonBytesMax);
    if (!reason) return reason.error();
    change.merchant_id = *merchant;
    change.fee_bps = *bps;
    change.fee_mode = *mode == "net" ? FeeMode::Net : FeeMode::Gross;
    return change;
}

class MerchantFeeChangeKind final : public ApprovalKindHandler {
  public:
    Status prepare(StoreTx& tx, const JsonReader& p, const KindContext&,
                   ApprovalRequest& request) override {
        auto change = readFeeChange(p);
        if (!change) return change.error();
        YIKA_TRY(validateFeeChange(tx, *change));
        Merchant m = *tx.merchant(change->merchant_id);
        auto mode = [](FeeMode f) { return f == FeeMode::Net ? "net" : "gross"; };
        request.reference = "merchant:" + std::to_string(m.id);
        request.summary = "fee of " + m.mid + " " + m.name + ": " + std::to_string(m.fee_bps) +
                          " bps " + mode(m.fee_mode) + " -> " + std::to_string(change->fee_bps) +
                          " bps " + mode(change->fee_mode);
        request.payload = JsonOut()
                              .num("merchant_id", m.id)
                              .num("fee_bps", change->fee_bps)
                              .str("fee_mode", mode(change->fee_mode))
                              .str("reason", p.optStr("reason", kReasonBytesMax).value())
                              .done();
        return Ok{};
    }
    Result<std::string> execute(StoreTx& tx, const ApprovalRequest& request, const Operator&,
                                TimestampMs) override {
        auto payload = storedPayload(request);
        if (!payload) return payload.error();
        auto change = readFeeChange(JsonReader(*payload, "payload"));
        if (!change) return change.error();
        YIKA_TRY(applyFeeChange(tx, *change));
        return "merchant:" + std::to_string(change->merchant_id);
    }
};

// ---- endpoints ----

Result<ApprovalKind> kindOfBody(Call& call) {
    auto b = call.body();
    if (!b) return b.error();
    auto text = b->str("kind", 64);
    if (!text) return text.error();
    auto kind = approvalKindFromString(*text);
    if (!kind) return makeError(ErrorCode::InvalidArgument, "kind: unknown approval kind");
    return *kind;
}

Result<Permission> requestPermissionOf(Call& call) {
    auto kind = kindOfBody(call);
    if (!kind) return kind.error();
    return requestPermission(*kind);
}

Result<Permission> approvePermissionOf(Call& call) {
    auto reader = call.state.readers.acquire();
    auto request = reader.tx().admin().approval(call.param(0));
    if (!request) return makeError(ErrorCode::NotFound, "no such approval request");
    return approvePermission(request->kind);
}

AdminReply submitGeneric(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    if (Status s = b->only({"kind", "payload"}); !s) return errorReply(s.error());
    auto kind = kindOfBody(call);
    if (!kind) return errorReply(kind.error());
    auto payload = b->object("payload");
    if (!payload) return errorReply(payload.error());
    return submitRequest(call, *kind, *payload);
}

AdminReply submitAdjustment(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    return submitRequest(call, ApprovalKind::ManualAdjustment, *b);
}

AdminReply submitFeeChange(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    if (b->has("merchant_id")) {
        return errorReply(
            makeError(ErrorCode::InvalidArgument, "merchant_id: given by the path, not the body"));
    }
    // The path names the merchant; the body gives the new terms (already parsed under the
    // limits by call.body(), so this second parse cannot fail differently).
    const AdminLimits& limits = call.state.limits;
    auto parsed = parseJsonTree(
        call.request.body.empty() ? std::string_view("{}") : std::string_view(call.request.body),
        JsonTreeLimits{limits.json_depth_max, limits.json_nodes_max, limits.json_string_bytes_max});
    if (!parsed) return errorReply(parsed.error());
    JsonNode node = std::move(*parsed);
    node.keys.push_back("merchant_id");
    JsonNode id;
    id.type = JsonType::Integer;
    id.integer = call.param(0);
    node.values.push_back(id);
    return submitRequest(call, ApprovalKind::MerchantFeeChange, JsonReader(node, ""));
}

AdminReply decide(Call& call, bool approve) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    if (Status s = b->only({"note"}); !s) return errorReply(s.error());
    auto note = b->optStr("note", 500);
    if (!note) return errorReply(note.error());
    ApprovalId id = call.param(0);
    call.target = "approval:" + std::to_string(id);
    auto decided = call.write<ApprovalRequest>([&](StoreTx& tx) -> Result<ApprovalRequest> {
        auto request = tx.admin().approval(id);
        if (!request) return makeError(ErrorCode::NotFound, "no such approval request");
        ApprovalKindHandler* handler = call.state.kind(request->kind);
        if (handler == nullptr) {
            return makeError(ErrorCode::NotPermitted, "this kind has no executor in this server");
        }
        call.detail = std::string(toString(request->kind)) + " " + request->reference;
        return approve ? approveRequest(tx, id, *call.op, *note, *handler, call.now())
                       : rejectRequest(tx, id, *call.op, *note, *handler, call.now());
    });
    if (!decided) return errorReply(decided.error());
    return jsonReply(200, approvalJson(*decided));
}

AdminReply approveHandler(Call& call) { return decide(call, true); }
AdminReply rejectHandler(Call& call) { return decide(call, false); }

AdminReply listApprovals(Call& call) {
    auto page = call.page();
    if (!page) return errorReply(page.error());
    std::optional<ApprovalState> state;
    if (auto text = call.queryText("state")) {
        state = approvalStateFromString(*text);
        if (!state) {
            return errorReply(
                makeError(ErrorCode::InvalidArgument, "state: PENDING, EXECUTED or REJECTED"));
        }
    }
    auto reader = call.state.readers.acquire();
    auto rows = reader.tx().admin().approvals(state, page->first, page->second);
    std::vector<std::string> items;
    for (const ApprovalRequest& r : rows) items.push_back(approvalJson(r));
    return jsonReply(200, pageJson(items, rows.empty() ? 0 : rows.back().id,
                                   static_cast<std::int64_t>(rows.size()) == page->second));
}

AdminReply getApproval(Call& call) {
    auto reader = call.state.readers.acquire();
    auto r = reader.tx().admin().approval(call.param(0));
    if (!r) return errorReply(makeError(ErrorCode::NotFound, "no such approval request"));
    return jsonReply(200, approvalJson(*r));
}

}  // namespace

// Stores a request of `kind` from `payload` (the kind's prepare validates it), audited.
AdminReply submitRequest(Call& call, ApprovalKind kind, const JsonReader& payload) {
    ApprovalKindHandler* handler = call.state.kind(kind);
    if (handler == nullptr) {
        return errorReply(makeError(
            ErrorCode::NotPermitted,
            "kind: " + std::string(toString(kind)) + " has no executor in this server yet"));
    }
    KindContext context{call.state.deps.policies, *call.op, call.now()};
    auto stored = call.write<ApprovalRequest>([&](StoreTx& tx) -> Result<ApprovalRequest> {
        ApprovalRequest request;
        request.kind = kind;
        YIKA_TRY(handler->prepare(tx, payload, context, request));
        auto id = submitApproval(tx, request, *call.op, context.now_ms);
        if (!id) return id.error();
        call.target = "approval:" + std::to_string(*id);
        call.detail = std::string(toString(kind)) + " " + request.reference;
        return *tx.admin().approval(*id);
    });
    if (!stored) return errorReply(stored.error());
    return jsonReply(201, approvalJson(*stored));
}

std::shared_ptr<ApprovalKindHandler> productionBatchKind() {
    return std::make_shared<ProductionBatchKind>();
}
std::shared_ptr<ApprovalKindHandler> manualAdjustmentKind() {
    return std::make_shared<ManualAdjustmentKind>();
}
std::shared_ptr<ApprovalKindHandler> merchantFeeChangeKind() {
    return std::make_shared<MerchantFeeChangeKind>();
}

void addApprovalRoutes(std::vector<Route>& r) {
    using P = Permission;
    constexpr Access kP = Access::Permission;
    r.push_back({"GET", "/v1/approvals", kP, P::Read, "approval.list", listApprovals});
    r.push_back({"POST", "/v1/approvals", kP, P::Read, "approval.request", submitGeneric,
                 requestPermissionOf});
    r.push_back({"GET", "/v1/approvals/{id}", kP, P::Read, "approval.read", getApproval});
    r.push_back({"POST", "/v1/approvals/{id}/approve", kP, P::Read, "approval.approve",
                 approveHandler, approvePermissionOf});
    r.push_back({"POST", "/v1/approvals/{id}/reject", kP, P::Read, "approval.reject", rejectHandler,
                 approvePermissionOf});
    r.push_back({"POST", "/v1/adjustments", kP, P::AdjustmentRequest, "adjustment.request",
                 submitAdjustment});
    r.push_back({"POST", "/v1/merchants/{id}/fee-change", kP, P::FeeChangeRequest,
                 "fee_change.request", submitFeeChange});
}

}  // namespace yika::admin
