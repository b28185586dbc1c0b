#include "admin_api/batch_generation.h"

#include "crypto/sealed_file.h"

#include <future>

namespace yika::admin {

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

}  // namespace

Result<GeneratedBatch> generateBatch(const GenerationSetup& setup, BatchId batch_id,
                                     const crypto::SealPublicKey& recipient,
                                     const std::string& file_path,
                                     const GenerationProgress& progress) {
    auto& writer = setup.writer;
    auto first = writer.run<CardId>([&](StoreTx& tx) {
        return beginGeneration(tx, batch_id, setup.policies, tx.businessDate());
    });
    if (!first) return first.error();
    struct Loaded {
        ProductionBatch batch;
        CardProduct product;
    };
    auto loaded = writer.run<Loaded>([&](StoreTx& tx) -> Result<Loaded> {
        auto b = tx.batch(batch_id);
        if (!b) return makeError(ErrorCode::NotFound, "batch " + std::to_string(batch_id));
        auto p = tx.product(b->product_id);
        if (!p) return makeError(ErrorCode::NotFound, "batch product");
        return Loaded{*b, *p};
    });
    if (!loaded) return loaded.error();
    auto sealed = crypto::SealedFileWriter::create(file_path, recipient);
    if (!sealed) return sealed.error();
    YIKA_TRY(sealed->append(manufacturerFileHeader()));
    YIKA_TRY(sealed->append("\n"));
    SealedSink sink(*sealed);
    const std::int64_t total = loaded->batch.quantity;
    // Two-stage pipeline: while the writer stores chunk i, another thread computes chunk i+1
    // (random numbers and PINs, PVVs, encryption), which is about half the work.
    auto prepare = [&](std::int64_t done) {
        std::int64_t chunk = std::min(setup.chunk_cards, total - done);
        return std::async(std::launch::async, [&, done, chunk] {
            return prepareCards(loaded->batch, loaded->product, *first + done, chunk, setup.deps);
        });
    };
    auto next = prepare(0);
    for (std::int64_t done = 0; done < total;) {
        std::vector<PreparedCard> cards = next.get();
        auto chunk = static_cast<std::int64_t>(cards.size());
        if (done + chunk < total) next = prepare(done + chunk);
        Status stored = writer.runStatus([&](StoreTx& tx) {
            return storePreparedCards(tx, loaded->batch, loaded->product, cards, setup.deps, sink);
        });
        done += chunk;
        bool wanted = !stored.ok() || !progress || progress(done, total);
        if (!stored || (!wanted && done < total)) {
            if (next.valid()) next.wait();
            if (!stored) return stored.error();
            return makeError(ErrorCode::NotPermitted, "generation stopped");
        }
    }
    // The batch is GENERATED only once the sealed file is complete on disk.
    YIKA_TRY(sealed->finish());
    CardId last = *first + total - 1;
    YIKA_TRY(writer.runStatus([&](StoreTx& tx) {
        return finishGeneration(tx, batch_id, *first, last, file_path, setup.clock.nowMs());
    }));
    return GeneratedBatch{*first, last, file_path};
}

}  // namespace yika::admin
