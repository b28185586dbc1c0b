#include "card_core/domain/approval.h"

#include "card_core/domain/admin_store.h"
#include "card_core/domain/store.h"

#include <array>

namespace yika {

namespace {

constexpr std::array<std::string_view, 3> kStateNames = {"PENDING", "EXECUTED", "REJECTED"};
constexpr std::size_t kNoteBytesMax = 500;

// The checks approve and reject share (M1, M2, the role).
Result<ApprovalRequest> pendingFor(StoreTx& tx, ApprovalId id, const Operator& checker,
                                   std::string_view note) {
    auto request = tx.admin().approval(id);
    if (!request) return makeError(ErrorCode::NotFound, "approval " + std::to_string(id));
    if (request->state != ApprovalState::Pending) {
        return makeError(ErrorCode::IllegalTransition,
                         "approval is already " + std::string(toString(request->state)));
    }
    if (request->requested_by == checker.name) {
        return makeError(ErrorCode::MakerCheckerViolation,
                         "nobody approves their own request; a second operator must decide");
    }
    if (!allowed(checker.role, approvePermission(request->kind))) {
        return makeError(ErrorCode::NotPermitted, "role " + std::string(toString(checker.role)) +
                                                      " may not decide " +
                                                      std::string(toString(request->kind)));
    }
    if (note.size() > kNoteBytesMax) {
        return makeError(ErrorCode::InvalidArgument, "note: at most 500 bytes");
    }
    return std::move(*request);
}

}  // namespace

std::string_view toString(ApprovalState state) {
    return kStateNames[static_cast<std::size_t>(state)];
}

std::optional<ApprovalState> approvalStateFromString(std::string_view text) {
    for (std::size_t i = 0; i < kStateNames.size(); ++i) {
        if (kStateNames[i] == text) return static_cast<ApprovalState>(i);
    }
    return std::nullopt;
}

Status ApprovalExecutor::onReject(StoreTx&, const ApprovalRequest&, const Operator&, TimestampMs) {
    return Ok{};
}

Result<ApprovalId> submitApproval(StoreTx& tx, ApprovalRequest request, const Operator& maker,
                                  TimestampMs now_ms) {
    if (!allowed(maker.role, requestPermission(request.kind))) {
        return makeError(ErrorCode::NotPermitted, "role " + std::string(toString(maker.role)) +
                                                      " may not request " +
                                                      std::string(toString(request.kind)));
    }
    if (!request.reference.empty() && tx.admin().pendingApprovalFor(request.reference)) {
        return makeError(ErrorCode::Duplicate,
                         "a request for " + request.reference + " is already pending");
    }
    request.state = ApprovalState::Pending;
    request.requested_by = maker.name;
    request.requested_at_ms = now_ms;
    request.decided_by.clear();
    request.decided_at_ms = 0;
    return tx.admin().insertApproval(request);
}

Result<ApprovalRequest> approveRequest(StoreTx& tx, ApprovalId id, const Operator& checker,
                                       std::string_view note, ApprovalExecutor& executor,
                                       TimestampMs now_ms) {
    auto request = pendingFor(tx, id, checker, note);
    if (!request) return request.error();
    auto result = executor.execute(tx, *request, checker, now_ms);
    if (!result) return result.error();
    request->state = ApprovalState::Executed;
    request->decided_by = checker.name;
    request->decided_at_ms = now_ms;
    request->note = std::string(note);
    request->result = std::move(*result);
    tx.admin().updateApproval(*request);
    return request;
}

Result<ApprovalRequest> rejectRequest(StoreTx& tx, ApprovalId id, const Operator& checker,
                                      std::string_view note, ApprovalExecutor& executor,
                                      TimestampMs now_ms) {
    auto request = pendingFor(tx, id, checker, note);
    if (!request) return request.error();
    YIKA_TRY(executor.onReject(tx, *request, checker, now_ms));
    request->state = ApprovalState::Rejected;
    request->decided_by = checker.name;
    request->decided_at_ms = now_ms;
    request->note = std::string(note);
    tx.admin().updateApproval(*request);
    return request;
}

}  // namespace yika
