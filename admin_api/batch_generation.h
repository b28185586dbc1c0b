#pragma once

// Generating a production batch (制卡) from the server side: an APPROVED batch's cards are
// generated in chunks through the single writer while their manufacturer records stream into a
// file sealed to the manufacturer's public key; the batch becomes GENERATED only once that file
// is complete on disk. Used by the admin API's generation jobs and by `yikad produce` (moved
// here from server/production.cpp so both share it).

#include "card_core/domain/issuance.h"
#include "card_core/domain/policies.h"
#include "card_core/store/commit_queue.h"
#include "crypto/seal_key.h"

#include <cstdint>
#include <functional>
#include <string>

namespace yika::admin {

struct GenerationSetup {
    store::CommitQueue& writer;
    GenerationDeps deps;
    const Policies& policies;
    const Clock& clock;
    std::int64_t chunk_cards = 250'000;  // batch.chunk_cards
};

struct GeneratedBatch {
    CardId first_card_id = 0;
    CardId last_card_id = 0;
    std::string sealed_file;
};

// Called after each stored chunk; returning false stops generation (the batch stays APPROVED;
// its cards are removed when generation starts again).
using GenerationProgress = std::function<bool(std::int64_t done, std::int64_t total)>;

// Errors: NotFound / IllegalTransition from the batch, the sealed file's I/O errors, storage
// errors, NotPermitted "generation stopped" when `progress` stopped it.
Result<GeneratedBatch> generateBatch(const GenerationSetup& setup, BatchId batch_id,
                                     const crypto::SealPublicKey& recipient,
                                     const std::string& file_path,
                                     const GenerationProgress& progress);

}  // namespace yika::admin
