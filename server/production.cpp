#include "server/production.h"

#include "card_core/domain/issuance.h"
#include "crypto/seal_key.h"

#include "admin_api/batch_generation.h"
#include <sys/stat.h>

namespace yika::server {

namespace {

Actor operatorActor(const std::string& name) { return {ActorKind::Operator, name, Channel::Cli}; }

}  // namespace

Result<ProduceOutcome> produceBatch(Runtime& rt, const ProduceRequest& request,
                                    const Progress& progress) {
    auto& writer = rt.store->writer();
    SystemClock clock;
    std::string key_path = request.manufacturer_public_key_path.empty()
                               ? rt.paths.manufacturer_public_key()
                               : request.manufacturer_public_key_path;
    auto recipient = crypto::readSealPublicKeyFile(key_path);
    if (!recipient) return recipient.error();

    auto product = writer.run<CardProduct>([&](StoreTx& tx) -> Result<CardProduct> {
        auto p = tx.productByCode(request.product_code);
        if (!p) return makeError(ErrorCode::NotFound, "unknown product " + request.product_code);
        return *p;
    });
    if (!product) return product.error();

    ProductionBatch draft;
    draft.product_id = product->id;
    draft.quantity = request.count;
    draft.location = request.location;
    draft.requested_by = request.requested_by;
    auto batch_id = writer.run<BatchId>(
        [&](StoreTx& tx) { return requestBatch(tx, draft, rt.config.policies, clock.nowMs()); });
    if (!batch_id) return batch_id.error();
    YIKA_TRY(writer.runStatus([&](StoreTx& tx) {
        return approveBatch(tx, *batch_id, request.approved_by, clock.nowMs());
    }));

    ::mkdir(rt.paths.exports_dir().c_str(), 0700);
    std::string file = rt.paths.exports_dir() + "/batch-" + std::to_string(*batch_id) + ".sealed";
    // The chunked pipeline is shared with the admin API's generation jobs (issue 6).
    admin::GenerationSetup setup{writer, GenerationDeps{rt.random, rt.pins, rt.vault},
                                 rt.config.policies, clock, rt.config.batch_chunk_cards};
    auto generated = admin::generateBatch(setup, *batch_id, *recipient, file,
                                          [&](std::int64_t done, std::int64_t total) {
                                              if (progress) progress(done, total);
                                              return true;
                                          });
    if (!generated) return generated.error();
    CardId first = generated->first_card_id;
    CardId last = generated->last_card_id;
    if (request.receive) {
        YIKA_TRY(writer.runStatus([&](StoreTx& tx) { return markExported(tx, *batch_id); }));
        auto received = writer.run<std::int64_t>([&](StoreTx& tx) {
            return receiveBatch(tx, *batch_id, operatorActor(request.approved_by), clock.nowMs());
        });
        if (!received) return received.error();
    }
    return ProduceOutcome{*batch_id, first, last, file};
}

}  // namespace yika::server
