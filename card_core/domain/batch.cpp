#include "card_core/domain/batch.h"

#include <array>

namespace yika {

namespace {
constexpr std::array<std::string_view, 6> kNames = {"REQUESTED", "APPROVED", "GENERATED",
                                                    "EXPORTED",  "RECEIVED", "REJECTED"};
}

std::string_view toString(BatchState state) { return kNames[static_cast<std::size_t>(state)]; }

std::optional<BatchState> batchStateFromString(std::string_view text) {
    for (std::size_t i = 0; i < kNames.size(); ++i) {
        if (kNames[i] == text) return static_cast<BatchState>(i);
    }
    return std::nullopt;
}

Status checkBatchRequest(const ProductionBatch& batch, std::int64_t cards_max) {
    if (batch.quantity <= 0 || batch.quantity > cards_max) {
        return makeError(ErrorCode::InvalidArgument,
                         "quantity: 1-" + std::to_string(cards_max) + " cards per batch");
    }
    if (batch.requested_by.empty())
        return makeError(ErrorCode::InvalidArgument, "requested_by: required");
    if (batch.location.empty() || batch.location.size() > 100) {
        return makeError(ErrorCode::InvalidArgument, "location: 1-100 bytes");
    }
    return Ok{};
}

Status approve(ProductionBatch& batch, std::string_view approver, TimestampMs now_ms) {
    if (batch.state != BatchState::Requested) {
        return makeError(ErrorCode::IllegalTransition,
                         "batch is " + std::string(toString(batch.state)) + ", not REQUESTED");
    }
    if (approver.empty()) return makeError(ErrorCode::InvalidArgument, "approver: required");
    if (approver == batch.requested_by) {
        return makeError(ErrorCode::MakerCheckerViolation,
                         "a batch must be approved by an operator other than its requester");
    }
    batch.state = BatchState::Approved;
    batch.approved_by = std::string(approver);
    batch.approved_at_ms = now_ms;
    return Ok{};
}

Status reject(ProductionBatch& batch, std::string_view approver) {
    if (batch.state != BatchState::Requested) {
        return makeError(ErrorCode::IllegalTransition, "only a REQUESTED batch can be rejected");
    }
    if (approver == batch.requested_by) {
        return makeError(ErrorCode::MakerCheckerViolation,
                         "the requester cannot reject their own batch");
    }
    batch.state = BatchState::Rejected;
    batch.approved_by = std::string(approver);
    return Ok{};
}

Status advance(ProductionBatch& batch, BatchState to) {
    bool ok = (batch.state == BatchState::Approved && to == BatchState::Generated) ||
              (batch.state == BatchState::Generated && to == BatchState::Exported) ||
              (batch.state == BatchState::Exported && to == BatchState::Received);
    if (!ok) {
        return makeError(ErrorCode::IllegalTransition,
                         "batch " + std::string(toString(batch.state)) + " -> " +
                             std::string(toString(to)) + " is not allowed");
    }
    batch.state = to;
    return Ok{};
}

}  // namespace yika
