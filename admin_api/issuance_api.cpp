// Card products, production batches (request through maker-checker, generate as a background
// job, download the sealed file, mark exported, receive into stock) and stock by location.

#include "card_core/domain/issuance.h"
#include "crypto/seal_key.h"

#include "admin_api/admin_http.h"
#include <sys/stat.h>

namespace yika::admin {

namespace {

constexpr std::size_t kLoadAmountsMax = 32;

// Overrides the product defaults with the fields the body gives.
Status readProductLimits(const JsonReader& b, CardProduct& p) {
    auto money = [&](std::string_view name, Money& field) -> Status {
        auto v = b.optInteger(name, 0, 999'999'999'999);
        if (!v) return v.error();
        if (*v) field = Money::fromMinor(**v, Currency::Cny);
        return Ok{};
    };
    YIKA_TRY(money("max_balance_minor", p.max_balance));
    YIKA_TRY(money("purchase_max_minor", p.purchase_max));
    YIKA_TRY(money("daily_spend_max_minor", p.daily_spend_max));
    YIKA_TRY(money("pin_threshold_daily_minor", p.pin_threshold_daily));
    auto validity = b.optInteger("validity_months", 0, 1200);
    if (!validity) return validity.error();
    if (*validity) p.validity_months = static_cast<int>(**validity);
    auto count = b.optInteger("daily_count_max", 0, 1'000'000);
    if (!count) return count.error();
    if (*count) p.daily_count_max = static_cast<int>(**count);
    auto reloadable = b.optBool("reloadable", p.reloadable);
    if (!reloadable) return reloadable.error();
    p.reloadable = *reloadable;
    auto loads = b.integers("load_amounts_minor", 1, 999'999'999'999, kLoadAmountsMax);
    if (!loads) return loads.error();
    for (std::int64_t v : *loads) p.load_amounts.push_back(Money::fromMinor(v, Currency::Cny));
    auto scope = b.optInteger("scope_group_id", 1, INT64_MAX);
    if (!scope) return scope.error();
    p.scope_group = *scope;
    return Ok{};
}

AdminReply createProductHandler(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    if (Status s = b->only({"code", "name", "bin", "pan_length", "named", "reloadable",
                            "max_balance_minor", "validity_months", "load_amounts_minor",
                            "purchase_max_minor", "daily_spend_max_minor", "daily_count_max",
                            "pin_threshold_daily_minor", "scope_group_id"});
        !s) {
        return errorReply(s.error());
    }
    auto named = b->optBool("named", true);
    if (!named) return errorReply(named.error());
    CardProduct p = defaultProduct(*named, call.state.deps.policies.product);
    auto code = b->str("code", 32);
    if (!code) return errorReply(code.error());
    auto name = b->str("name", 100);
    if (!name) return errorReply(name.error());
    auto bin = b->str("bin", 8);
    if (!bin) return errorReply(bin.error());
    auto length = b->optInteger("pan_length", 16, 19);
    if (!length) return errorReply(length.error());
    p.code = *code;
    p.name = *name;
    p.bin = *bin;
    if (*length) p.pan_length = static_cast<std::size_t>(**length);
    if (Status s = readProductLimits(*b, p); !s) return errorReply(s.error());
    auto id = call.write<ProductId>([&](StoreTx& tx) -> Result<ProductId> {
        if (p.scope_group && !tx.admin().merchantGroup(*p.scope_group)) {
            return makeError(ErrorCode::NotFound, "scope_group_id: no such merchant group");
        }
        auto created = createProduct(tx, p, call.state.deps.policies);
        if (created) call.target = "product:" + std::to_string(*created);
        return created;
    });
    if (!id) return errorReply(id.error());
    p.id = *id;
    return jsonReply(201, productJson(p));
}

AdminReply listProducts(Call& call) {
    auto page = call.page();
    if (!page) return errorReply(page.error());
    auto reader = call.state.readers.acquire();
    auto ids = reader.tx().admin().productIds(page->first, page->second);
    std::vector<std::string> items;
    for (ProductId id : ids) items.push_back(productJson(*reader.tx().product(id)));
    return jsonReply(200, pageJson(items, ids.empty() ? 0 : ids.back(),
                                   static_cast<std::int64_t>(ids.size()) == page->second));
}

AdminReply getProduct(Call& call) {
    auto reader = call.state.readers.acquire();
    auto p = reader.tx().product(call.param(0));
    if (!p) return errorReply(makeError(ErrorCode::NotFound, "no such product"));
    return jsonReply(200, productJson(*p));
}

AdminReply listBatches(Call& call) {
    auto page = call.page();
    if (!page) return errorReply(page.error());
    auto reader = call.state.readers.acquire();
    auto ids = reader.tx().admin().batchIds(page->first, page->second);
    std::vector<std::string> items;
    for (BatchId id : ids) {
        items.push_back(batchJson(*reader.tx().batch(id), call.state.jobs.status(id)));
    }
    return jsonReply(200, pageJson(items, ids.empty() ? 0 : ids.back(),
                                   static_cast<std::int64_t>(ids.size()) == page->second));
}

std::optional<ProductionBatch> readBatch(Call& call, BatchId id) {
    auto reader = call.state.readers.acquire();
    return reader.tx().batch(id);
}

AdminReply getBatch(Call& call) {
    auto b = readBatch(call, call.param(0));
    if (!b) return errorReply(makeError(ErrorCode::NotFound, "no such batch"));
    return jsonReply(200, batchJson(*b, call.state.jobs.status(b->id)));
}

AdminReply requestBatchHandler(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    ApprovalKindHandler* kind = call.state.kind(ApprovalKind::ProductionBatch);
    KindContext context{call.state.deps.policies, *call.op, call.now()};
    auto id = call.write<ApprovalRequest>([&](StoreTx& tx) -> Result<ApprovalRequest> {
        ApprovalRequest request;
        request.kind = ApprovalKind::ProductionBatch;
        YIKA_TRY(kind->prepare(tx, *b, context, request));
        auto approval = submitApproval(tx, request, *call.op, context.now_ms);
        if (!approval) return approval.error();
        call.target = request.reference + ",approval:" + std::to_string(*approval);
        return *tx.admin().approval(*approval);
    });
    if (!id) return errorReply(id.error());
    BatchId batch = std::stoll(id->reference.substr(id->reference.find(':') + 1));
    auto stored = readBatch(call, batch);
    return jsonReply(201, JsonOut()
                              .raw("batch", batchJson(*stored, std::nullopt))
                              .raw("approval", approvalJson(*id))
                              .done());
}

AdminReply generate(Call& call) {
    auto body = call.body();
    if (!body) return errorReply(body.error());
    if (Status s = body->only({"wait"}); !s) return errorReply(s.error());
    auto wait = body->optBool("wait", false);
    if (!wait) return errorReply(wait.error());
    BatchId id = call.param(0);
    call.target = "batch:" + std::to_string(id);
    auto batch = readBatch(call, id);
    if (!batch) return errorReply(makeError(ErrorCode::NotFound, "no such batch"));
    if (batch->state != BatchState::Approved) {
        return errorReply(makeError(
            ErrorCode::IllegalTransition,
            "only an APPROVED batch is generated; it is " + std::string(toString(batch->state))));
    }
    auto recipient = crypto::readSealPublicKeyFile(call.state.options.manufacturer_public_key);
    if (!recipient) return errorReply(recipient.error());
    ::mkdir(call.state.options.exports_dir.c_str(), 0700);
    std::string file = call.state.options.exports_dir + "/batch-" + std::to_string(id) + ".sealed";
    AdminState& state = call.state;
    crypto::SealPublicKey key = *recipient;
    Status started = state.jobs.start(
        id, batch->quantity, [&state, id, key, file](const GenerationProgress& progress) {
            GenerationSetup setup{
                state.deps.store.writer(),
                GenerationDeps{state.deps.random, state.deps.pins, state.deps.vault},
                state.deps.policies, state.deps.clock, state.options.batch_chunk_cards};
            auto done = generateBatch(setup, id, key, file, progress);
            if (!done) return yika::Status(done.error());
            return yika::Status(Ok{});
        });
    if (!started) return errorReply(started.error());
    (void)call.auditNow("ok");  // the job started; its outcome shows in the batch's state
    if (*wait) state.jobs.wait(id);
    auto now = readBatch(call, id);
    return jsonReply(*wait ? 200 : 202, batchJson(*now, state.jobs.status(id)));
}

AdminReply downloadFile(Call& call) {
    BatchId id = call.param(0);
    call.target = "batch:" + std::to_string(id);
    auto batch = readBatch(call, id);
    if (!batch) return errorReply(makeError(ErrorCode::NotFound, "no such batch"));
    if (batch->file_name.empty()) {
        return errorReply(
            makeError(ErrorCode::IllegalTransition, "the batch has no sealed file yet"));
    }
    // The file holds the PINs, but only sealed to the manufacturer's public key (B3): Yika
    // itself cannot open it, so handing it out reveals nothing. The download is still audited.
    if (Status s = call.auditNow("ok"); !s) return errorReply(s.error());
    AdminReply r;
    r.content_type = "application/octet-stream";
    r.file_path = batch->file_name;
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"batch-" + std::to_string(id) + ".sealed\"");
    return r;
}

AdminReply exportBatch(Call& call) {
    BatchId id = call.param(0);
    call.target = "batch:" + std::to_string(id);
    auto done = call.write<Ok>([&](StoreTx& tx) -> Result<Ok> {
        YIKA_TRY(markExported(tx, id));
        return Ok{};
    });
    if (!done) return errorReply(done.error());
    return jsonReply(200, batchJson(*readBatch(call, id), std::nullopt));
}

AdminReply receive(Call& call) {
    BatchId id = call.param(0);
    call.target = "batch:" + std::to_string(id);
    auto count = call.write<std::int64_t>([&](StoreTx& tx) {
        auto received = receiveBatch(tx, id, call.actor(), call.now());
        if (received) call.detail = std::to_string(*received) + " cards into stock";
        return received;
    });
    if (!count) return errorReply(count.error());
    return jsonReply(200, JsonOut()
                              .raw("batch", batchJson(*readBatch(call, id), std::nullopt))
                              .num("received", *count)
                              .done());
}

AdminReply stock(Call& call) {
    auto location = call.queryText("location");
    auto reader = call.state.readers.acquire();
    auto rows = reader.tx().admin().stock(location ? std::optional<std::string_view>(*location)
                                                   : std::nullopt);
    std::vector<std::string> items;
    for (const StockRow& s : rows) {
        items.push_back(JsonOut()
                            .num("product_id", s.product_id)
                            .str("location", s.location)
                            .num("free", s.free)
                            .num("reserved", s.reserved)
                            .done());
    }
    return jsonReply(200, JsonOut().raw("items", jsonArray(items)).done());
}

}  // namespace

void addIssuanceRoutes(std::vector<Route>& r) {
    using P = Permission;
    constexpr Access kP = Access::Permission;
    r.push_back({"GET", "/v1/products", kP, P::Read, "product.list", listProducts});
    r.push_back(
        {"POST", "/v1/products", kP, P::ProductWrite, "product.create", createProductHandler});
    r.push_back({"GET", "/v1/products/{id}", kP, P::Read, "product.read", getProduct});
    r.push_back({"GET", "/v1/batches", kP, P::Read, "batch.list", listBatches});
    r.push_back({"POST", "/v1/batches", kP, P::BatchRequest, "batch.request", requestBatchHandler});
    r.push_back({"GET", "/v1/batches/{id}", kP, P::Read, "batch.read", getBatch});
    r.push_back(
        {"POST", "/v1/batches/{id}/generate", kP, P::BatchProduce, "batch.generate", generate});
    r.push_back(
        {"GET", "/v1/batches/{id}/file", kP, P::BatchProduce, "batch.download", downloadFile});
    r.push_back(
        {"POST", "/v1/batches/{id}/export", kP, P::BatchProduce, "batch.export", exportBatch});
    r.push_back(
        {"POST", "/v1/batches/{id}/receive", kP, P::BatchProduce, "batch.receive", receive});
    r.push_back({"GET", "/v1/stock", kP, P::Read, "stock.read", stock});
}

}  // namespace yika::admin
