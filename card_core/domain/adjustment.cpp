#include "card_core/domain/adjustment.h"

#include "card_core/domain/postings.h"
#include "card_core/domain/store.h"

namespace yika {

namespace {

constexpr std::size_t kReasonBytesMax = 200;

Error onLine(std::size_t i, ErrorCode code, const std::string& text) {
    return makeError(code, "lines[" + std::to_string(i) + "]: " + text);
}

bool isMerchantAccount(AccountCode code) {
    return code == AccountCode::MerchantPending || code == AccountCode::MerchantPayable;
}

}  // namespace

Status validateAdjustment(StoreTx& tx, const ManualAdjustment& adjustment) {
    if (adjustment.reason.empty() || adjustment.reason.size() > kReasonBytesMax) {
        return makeError(ErrorCode::InvalidArgument, "reason: 1 to 200 bytes");
    }
    if (adjustment.lines.size() < 2 || adjustment.lines.size() > kAdjustmentLinesMax) {
        return makeError(ErrorCode::InvalidArgument, "lines: 2 to 20 lines");
    }
    for (std::size_t i = 0; i < adjustment.lines.size(); ++i) {
        const JournalLine& line = adjustment.lines[i];
        if (line.account.code == AccountCode::CardStoredValue) {
            return onLine(i, ErrorCode::NotPermitted,
                          "2201 (card stored value) moves only through card transactions");
        }
        if (isMerchantAccount(line.account.code)) {
            if (!tx.merchant(line.account.sub)) {
                return onLine(i, ErrorCode::NotFound,
                              "no merchant " + std::to_string(line.account.sub));
            }
        } else if (line.account.sub != 0) {
            return onLine(i, ErrorCode::InvalidArgument, "this account has no sub-accounts");
        }
    }
    JournalEntry probe;
    probe.event_key = "adjustment:check";
    probe.event_type = "manual_adjustment";
    probe.lines = adjustment.lines;
    return validateEntry(probe);
}

Result<EntryId> postAdjustment(StoreTx& tx, std::int64_t approval_id,
                               const ManualAdjustment& adjustment, TimestampMs now_ms) {
    YIKA_TRY(validateAdjustment(tx, adjustment));
    JournalEntry entry;
    entry.event_key = adjustmentEventKey(approval_id);
    entry.event_type = "manual_adjustment";
    entry.business_date = tx.businessDate();
    entry.at_ms = now_ms;
    entry.memo = adjustment.reason;
    entry.lines = adjustment.lines;
    return post(tx, entry);
}

Status validateFeeChange(StoreTx& tx, const FeeChange& change) {
    auto merchant = tx.merchant(change.merchant_id);
    if (!merchant) {
        return makeError(ErrorCode::NotFound, "no merchant " + std::to_string(change.merchant_id));
    }
    merchant->fee_bps = change.fee_bps;
    merchant->fee_mode = change.fee_mode;
    return validateMerchant(*merchant);
}

Status applyFeeChange(StoreTx& tx, const FeeChange& change) {
    YIKA_TRY(validateFeeChange(tx, change));
    Merchant merchant = *tx.merchant(change.merchant_id);
    merchant.fee_bps = change.fee_bps;
    merchant.fee_mode = change.fee_mode;
    tx.updateMerchant(merchant);
    return Ok{};
}

}  // namespace yika
