#pragma once

// Maker-checker (design section 10): a change that needs a second operator's approval is first
// stored as a pending request of a kind (permissions.h) with a JSON payload; another operator
// holding the kind's approve permission approves it, and the kind's executor carries it out in
// the same transaction, or rejects it.
//
//   PENDING ──approve (another operator, approve permission; the executor succeeds)──▶ EXECUTED
//      └──reject (another operator, approve permission)──▶ REJECTED
//
// Invariants:
//   M1. decided_by != requested_by: nobody approves or rejects their own request.
//   M2. A request is executed at most once: EXECUTED and REJECTED are final.
//   M3. Approval and execution are one transaction: if the executor fails, the request stays
//       PENDING and nothing of the execution remains.
//   M4. At most one PENDING request per reference ("merchant:7"), so two fee changes of one
//       merchant cannot race each other.
//
// The payload is opaque here (the HTTP layer parses it per kind); the domain never reads it.

#include "card_core/domain/operator.h"
#include "card_core/domain/permissions.h"
#include "card_core/domain/result.h"
#include "card_core/domain/time.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yika {

class StoreTx;
using ApprovalId = std::int64_t;

enum class ApprovalState : std::uint8_t { Pending, Executed, Rejected };
std::string_view toString(ApprovalState state);
std::optional<ApprovalState> approvalStateFromString(std::string_view text);

struct ApprovalRequest {
    ApprovalId id = 0;
    ApprovalKind kind = ApprovalKind::ManualAdjustment;
    ApprovalState state = ApprovalState::Pending;
    std::string reference;  // what it is about, e.g. "batch:12", "merchant:7" (M4)
    std::string summary;    // one line for the approver; never a secret
    std::string payload;    // JSON object text, parsed by the kind's executor
    std::string requested_by;
    TimestampMs requested_at_ms = 0;
    std::string decided_by;
    TimestampMs decided_at_ms = 0;
    std::string note;    // the checker's comment
    std::string result;  // what execution produced, e.g. "entry:45"
};

// Runs an approved request of one kind inside the approver's transaction. Returns what it
// produced (stored in `result`), or an error that rolls the approval back (M3).
class ApprovalExecutor {
  public:
    virtual ~ApprovalExecutor() = default;
    virtual Result<std::string> execute(StoreTx& tx, const ApprovalRequest& request,
                                        const Operator& approver, TimestampMs now_ms) = 0;
    // Called when the request is rejected (a batch becomes REJECTED); default: nothing.
    virtual Status onReject(StoreTx& tx, const ApprovalRequest& request, const Operator& checker,
                            TimestampMs now_ms);
};

// Stores a new PENDING request. Duplicate when a request for the same reference is pending
// (M4); NotPermitted when the maker's role may not request this kind.
Result<ApprovalId> submitApproval(StoreTx& tx, ApprovalRequest request, const Operator& maker,
                                  TimestampMs now_ms);

// Approves and executes. NotFound; IllegalTransition when not PENDING; MakerCheckerViolation
// for the requester (M1); NotPermitted when the role lacks the kind's approve permission; or the
// executor's error (nothing changed).
Result<ApprovalRequest> approveRequest(StoreTx& tx, ApprovalId id, const Operator& checker,
                                       std::string_view note, ApprovalExecutor& executor,
                                       TimestampMs now_ms);
// Rejects; the same errors as approveRequest except the executor's.
Result<ApprovalRequest> rejectRequest(StoreTx& tx, ApprovalId id, const Operator& checker,
                                      std::string_view note, ApprovalExecutor& executor,
                                      TimestampMs now_ms);

}  // namespace yika
