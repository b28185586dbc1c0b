#include "server/production.h"

#include "card_core/domain/issuance.h"
#include "crypto/seal_key.h"
#include "crypto/sealed_file.h"

#include <future>

#include <sys/stat.h>

namespace yika::server {

namespace {

// Streams manufacturer records into the sealed file, one CSV line each.
class SealedSink final : public ManufacturerSink {
  public:
    explicit SealedSink(crypto::SealedFileWriter& writer) : writer_(writer) {}
    Status writeRecord(std::string_view csv_line) override {
        YIKA_TRY(writer_.append(csv_line));
        return writer_.append("\n");
    }

  private:
    crypto::SealedFileWriter& writer_;
};

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
    auto sealed = crypto::SealedFileWriter::create(file, *recipient);
    if (!sealed) return sealed.error();
    YIKA_TRY(sealed->append(manufacturerFileHeader()));
    YIKA_TRY(sealed->append("\n"));
    SealedSink sink(*sealed);

    auto first = writer.run<CardId>([&](StoreTx& tx) {
        return beginGeneration(tx, *batch_id, rt.config.policies, tx.businessDate());
    });
    if (!first) return first.error();
    auto batch = writer.run<ProductionBatch>(
        [&](StoreTx& tx) -> Result<ProductionBatch> { return *tx.batch(*batch_id); });
    if (!batch) return batch.error();
    GenerationDeps deps{rt.random, rt.pins, rt.vault};
    // Two-stage pipeline: while the writer stores chunk i, another thread computes chunk i+1
    // (random numbers and PINs, PVVs, encryption), which is about half the work.
    auto prepare = [&](std::int64_t done) {
        std::int64_t chunk = std::min(rt.config.batch_chunk_cards, request.count - done);
        return std::async(std::launch::async, [&, done, chunk] {
            return prepareCards(*batch, *product, *first + done, chunk, deps);
        });
    };
    auto next = prepare(0);
    for (std::int64_t done = 0; done < request.count;) {
        std::vector<PreparedCard> cards = next.get();
        auto chunk = static_cast<std::int64_t>(cards.size());
        if (done + chunk < request.count) next = prepare(done + chunk);
        Status stored = writer.runStatus([&](StoreTx& tx) {
            return storePreparedCards(tx, *batch, *product, cards, deps, sink);
        });
        if (!stored) {
            if (next.valid()) next.wait();
            return stored.error();
        }
        done += chunk;
        if (progress) progress(done, request.count);
    }
    // The batch is GENERATED only once the sealed file is complete on disk.
    YIKA_TRY(sealed->finish());
    CardId last = *first + request.count - 1;
    YIKA_TRY(writer.runStatus([&](StoreTx& tx) {
        return finishGeneration(tx, *batch_id, *first, last, file, clock.nowMs());
    }));
    if (request.receive) {
        YIKA_TRY(writer.runStatus([&](StoreTx& tx) { return markExported(tx, *batch_id); }));
        auto received = writer.run<std::int64_t>([&](StoreTx& tx) {
            return receiveBatch(tx, *batch_id, operatorActor(request.approved_by), clock.nowMs());
        });
        if (!received) return received.error();
    }
    return ProduceOutcome{*batch_id, *first, last, file};
}

}  // namespace yika::server
