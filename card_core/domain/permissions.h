#pragma once

// The one permission table of the admin API (design section 10). Every endpoint names one
// Permission; the router checks it against the operator's role before the handler runs, so no
// handler checks roles itself. Approval kinds (approval.h) name the permission to request and
// the permission to approve, in the same table.
//
// Invariants (permissions_test.cpp):
//   P1. The auditor holds every read permission and no write permission.
//   P2. Every approval kind has a request and an approve permission, both writes.
//   P3. Customer service cannot approve batches or release payouts; issuance cannot change
//       merchant fees (the separations the design names).

#include "card_core/domain/operator.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace yika {

enum class Permission : std::uint8_t {
    Read,              // business reads: products, batches, stock, orders, cards (masked), ...
    OperatorRead,      // the operator list
    OperatorManage,    // create operators, disable them, reset their passwords
    AuditRead,         // the audit log and its chain check
    ProductWrite,      // create card products
    BatchRequest,      // request a production batch (maker)
    BatchApprove,      // approve or reject one (checker)
    BatchProduce,      // generate, download the sealed file, mark exported, receive into stock
    OrderCreate,       // create and cancel sales orders
    OrderPay,          // record an order's payment (activates its cards)
    CardService,       // freeze, unfreeze, replace, extend
    CardRedeem,        // redeem a named card for cash (赎回)
    CardNumberReveal,  // the full card number (audited on every use)
    MerchantWrite,     // merchants, stores, merchant groups
    TerminalWrite,     // terminals (the master key is shown once)
    AdjustmentRequest,
    AdjustmentApprove,
    FeeChangeRequest,
    FeeChangeApprove,
    PayoutRequest,  // ask for a day's payout file to be released; download it once approved
    PayoutApprove,
    // Business day and back office (issue 5).
    FinanceRead,       // business days, payouts, reconciliation, invoices, reports
    DayClose,          // cut-off (日切) and day close
    SettlementImport,  // the bank's payout results and reserve account statements
    ReconResolve,      // resolve reconciliation exceptions (对账)
    InvoiceWrite,      // issue invoices to buyers, record merchants' invoices
};
inline constexpr int kPermissionCount = 26;

std::string_view toString(Permission permission);  // "batch_approve"
// Whether the permission changes anything (the auditor holds none of these).
bool isWrite(Permission permission);
// The table: whether `role` holds `permission`.
bool allowed(Role role, Permission permission);

// Requests that need a second operator's approval (maker-checker).
enum class ApprovalKind : std::uint8_t {
    ProductionBatch,
    ManualAdjustment,
    MerchantFeeChange,
    PayoutRelease,
};
inline constexpr int kApprovalKindCount = 4;

std::string_view toString(ApprovalKind kind);  // "production_batch"
std::optional<ApprovalKind> approvalKindFromString(std::string_view text);
Permission requestPermission(ApprovalKind kind);
Permission approvePermission(ApprovalKind kind);

}  // namespace yika
