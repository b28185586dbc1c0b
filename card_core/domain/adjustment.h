#pragma once

// Changes the back office makes under maker-checker (approval.h) besides production batches:
// manual adjustments of the ledger and merchant fee changes.
//
// A manual adjustment is one journal entry between accounts with a reason, posted only when a
// second operator approves it (event key "adjustment:<approval id>", event type
// "manual_adjustment"). It never touches 2201: a card's balance moves only through card
// transactions (reload, redeem, replace, ...), so that V4 (balance = 2201 sub-account) holds.

#include "card_core/domain/ledger.h"
#include "card_core/domain/merchant.h"
#include "card_core/domain/result.h"

#include <string>
#include <vector>

namespace yika {

class StoreTx;

struct ManualAdjustment {
    std::vector<JournalLine> lines;
    std::string reason;
};

inline constexpr std::size_t kAdjustmentLinesMax = 20;

// Balanced, 2..kAdjustmentLinesMax lines, known accounts, none on 2201, merchant accounts
// (2202, 2203) on an existing merchant and every other account on sub 0, a reason of 1-200
// bytes. InvalidArgument / NotFound / NotPermitted naming the line.
Status validateAdjustment(StoreTx& tx, const ManualAdjustment& adjustment);

inline std::string adjustmentEventKey(std::int64_t approval_id) {
    return "adjustment:" + std::to_string(approval_id);
}

// Validates again (the ledger may have changed since the request) and posts the entry.
Result<EntryId> postAdjustment(StoreTx& tx, std::int64_t approval_id,
                               const ManualAdjustment& adjustment, TimestampMs now_ms);

struct FeeChange {
    MerchantId merchant_id = 0;
    std::int64_t fee_bps = 0;
    FeeMode fee_mode = FeeMode::Net;
};

// NotFound for an unknown merchant; the merchant rules (validateMerchant) for the new terms.
Status validateFeeChange(StoreTx& tx, const FeeChange& change);
// Validates and stores the merchant's new fee terms (from the next clearing on).
Status applyFeeChange(StoreTx& tx, const FeeChange& change);

}  // namespace yika
