#pragma once

// Issuance: card products and production batches (design section 3), over a StoreTx.

#include "card_core/domain/batch.h"
#include "card_core/domain/policies.h"
#include "card_core/domain/secrets.h"
#include "card_core/domain/store.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace yika {

Result<ProductId> createProduct(StoreTx& tx, CardProduct product, const Policies& policies);

Result<BatchId> requestBatch(StoreTx& tx, ProductionBatch request, const Policies& policies,
                             TimestampMs now_ms);
Status approveBatch(StoreTx& tx, BatchId id, std::string_view approver, TimestampMs now_ms);

// Receives the manufacturer file's records (card number, PIN, track 2, expiry) while a batch is
// generated. The implementation seals them to the manufacturer's key; the PIN exists in clear
// only inside that sealed file and in memory while the record is written.
class ManufacturerSink {
  public:
    virtual ~ManufacturerSink() = default;
    virtual Status writeRecord(std::string_view csv_line) = 0;
};

struct GenerationDeps {
    RandomSource& random;
    const PinVerifier& pins;
    const CardNumberVault& vault;
};

// The CSV header line of the manufacturer file.
std::string_view manufacturerFileHeader();

// Starts (or restarts) generation of an APPROVED batch: removes cards left by an interrupted
// run and fixes the printed expiry. Returns the first card id to use.
Result<CardId> beginGeneration(StoreTx& tx, BatchId id, const Policies& policies, Date today);

// A generated card before it is stored: the row plus its number and PIN in clear, which exist
// only until storePreparedCards has written them to the manufacturer sink (then wiped).
struct PreparedCard {
    Card card;
    std::string pan;
    std::string pin;
};

// Pure computation (no StoreTx): `count` cards with serials from `next_id`, each with a random
// number and PIN, its PVV and encrypted number. Thread-safe if the ports are, so the next
// chunk can be prepared while the writer stores this one.
std::vector<PreparedCard> prepareCards(const ProductionBatch& batch, const CardProduct& product,
                                       CardId next_id, std::int64_t count, GenerationDeps deps);

// Stores prepared cards in order, drawing a new number for any that collides with an existing
// card (rare), and writes one manufacturer record per card to `sink`. Wipes the PINs and
// numbers in `cards`.
Status storePreparedCards(StoreTx& tx, const ProductionBatch& batch, const CardProduct& product,
                          std::vector<PreparedCard>& cards, GenerationDeps deps,
                          ManufacturerSink& sink);

// prepareCards + storePreparedCards in one call. Call repeatedly in chunks so the single writer
// is not held for the whole batch.
Status generateCards(StoreTx& tx, const ProductionBatch& batch, const CardProduct& product,
                     CardId next_id, std::int64_t count, GenerationDeps deps,
                     ManufacturerSink& sink);

// After the last chunk and once the sealed file is complete: APPROVED -> GENERATED.
Status finishGeneration(StoreTx& tx, BatchId id, CardId first, CardId last, std::string file_name,
                        TimestampMs now_ms);
// GENERATED -> EXPORTED: the sealed file was handed to the manufacturer.
Status markExported(StoreTx& tx, BatchId id);
// EXPORTED -> RECEIVED: all the batch's cards become IN_STOCK at the batch location.
Result<std::int64_t> receiveBatch(StoreTx& tx, BatchId id, const Actor& actor, TimestampMs now_ms);

// Destroys a PRODUCED or IN_STOCK card (damaged, lost in stock).
Status destroyCard(StoreTx& tx, CardId id, const Actor& actor, std::string_view reason_code,
                   TimestampMs now_ms);

}  // namespace yika
