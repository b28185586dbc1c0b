#pragma once

// Production batches (制卡), maker-checker (design section 3).
//
//   REQUESTED ──approve (another operator)──▶ APPROVED ──generate──▶ GENERATED
//       │                                                               │
//       └──reject──▶ REJECTED                                     export (sealed file)
//                                                                       ▼
//                                   RECEIVED ◀──receive at a location── EXPORTED
//
// Invariants:
//   B1. approved_by != requested_by (nobody approves their own request).
//   B2. Cards of the batch exist only from GENERATED on, all PRODUCED until RECEIVED, then
//       IN_STOCK at the batch's location. A batch holds no value: no ledger entry.
//   B3. The manufacturer file holding the PINs exists only sealed to the manufacturer's key.

#include "card_core/domain/card.h"
#include "card_core/domain/result.h"
#include "card_core/domain/time.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yika {

enum class BatchState : std::uint8_t {
    Requested,
    Approved,
    Generated,
    Exported,
    Received,
    Rejected
};
std::string_view toString(BatchState state);
std::optional<BatchState> batchStateFromString(std::string_view text);

// Upper bound of one batch; a named, configurable limit (batch.cards_max).
inline constexpr std::int64_t kBatchCardsMaxDefault = 1'000'000;

struct ProductionBatch {
    BatchId id = 0;
    ProductId product_id = 0;
    std::int64_t quantity = 0;
    BatchState state = BatchState::Requested;
    std::string requested_by;
    std::string approved_by;
    TimestampMs requested_at_ms = 0;
    TimestampMs approved_at_ms = 0;
    TimestampMs generated_at_ms = 0;
    std::string location;  // where the cards are received into stock
    CardId first_card_id = 0;
    CardId last_card_id = 0;
    std::string file_name;  // the sealed manufacturer file, once exported
    Date card_expiry;       // expiry printed on the card (track 2)
};

Status checkBatchRequest(const ProductionBatch& batch, std::int64_t cards_max);
// Maker-checker: the approver must differ from the requester.
Status approve(ProductionBatch& batch, std::string_view approver, TimestampMs now_ms);
Status reject(ProductionBatch& batch, std::string_view approver);
Status advance(ProductionBatch& batch, BatchState to);

}  // namespace yika
