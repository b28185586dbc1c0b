#include "card_core/domain/permissions.h"

#include <array>

namespace yika {

namespace {

constexpr std::uint8_t bit(Role role) {
    return static_cast<std::uint8_t>(1u << static_cast<int>(role));
}

constexpr std::uint8_t kAdmin = bit(Role::Administrator);
constexpr std::uint8_t kIssuance = bit(Role::Issuance);
constexpr std::uint8_t kFinance = bit(Role::Finance);
constexpr std::uint8_t kService = bit(Role::CustomerService);
constexpr std::uint8_t kAuditor = bit(Role::Auditor);
constexpr std::uint8_t kEveryone = kAdmin | kIssuance | kFinance | kService | kAuditor;

struct Row {
    Permission permission;
    std::string_view name;
    bool write;
    std::uint8_t roles;
};

// Why each row is as it is, where it is not obvious:
// - Full card numbers go to customer service only: it is the one role that must read a number
//   back to a verified buyer (a lost card's number for the police report or a replacement
//   form). Everyone else works with the mask and the serial; administrators manage people, not
//   cards, and auditors see that each reveal happened (it is audited), not the number.
// - Administrators approve money and fee changes as the second operator, but do not make them.
//   They read the back office's figures (finance_read) to judge what they approve, and change
//   none of them: the business day, imports, reconciliation and invoices are finance's work.
// - The payout file holds merchants' full bank accounts: only finance downloads it (with its
//   request permission), and only after a second operator approved its release.
constexpr std::array<Row, kPermissionCount> kTable = {{
    {Permission::Read, "read", false, kEveryone},
    {Permission::OperatorRead, "operator_read", false, kAdmin | kAuditor},
    {Permission::OperatorManage, "operator_manage", true, kAdmin},
    {Permission::AuditRead, "audit_read", false, kAdmin | kAuditor},
    {Permission::ProductWrite, "product_write", true, kIssuance},
    {Permission::BatchRequest, "batch_request", true, kIssuance},
    {Permission::BatchApprove, "batch_approve", true, kIssuance | kAdmin},
    {Permission::BatchProduce, "batch_produce", true, kIssuance},
    {Permission::OrderCreate, "order_create", true, kService},
    {Permission::OrderPay, "order_pay", true, kService | kFinance},
    {Permission::CardService, "card_service", true, kService},
    {Permission::CardRedeem, "card_redeem", true, kService},
    {Permission::CardNumberReveal, "card_number_reveal", false, kService},
    {Permission::MerchantWrite, "merchant_write", true, kAdmin | kFinance},
    {Permission::TerminalWrite, "terminal_write", true, kAdmin},
    {Permission::AdjustmentRequest, "adjustment_request", true, kFinance},
    {Permission::AdjustmentApprove, "adjustment_approve", true, kFinance | kAdmin},
    {Permission::FeeChangeRequest, "fee_change_request", true, kFinance},
    {Permission::FeeChangeApprove, "fee_change_approve", true, kFinance | kAdmin},
    {Permission::PayoutRequest, "payout_request", true, kFinance},
    {Permission::PayoutApprove, "payout_approve", true, kFinance | kAdmin},
    {Permission::FinanceRead, "finance_read", false, kFinance | kAdmin | kAuditor},
    {Permission::DayClose, "day_close", true, kFinance},
    {Permission::SettlementImport, "settlement_import", true, kFinance},
    {Permission::ReconResolve, "recon_resolve", true, kFinance},
    {Permission::InvoiceWrite, "invoice_write", true, kFinance},
}};

constexpr bool tableInOrder() {
    for (std::size_t i = 0; i < kTable.size(); ++i) {
        if (static_cast<std::size_t>(kTable[i].permission) != i) return false;
    }
    return true;
}
static_assert(tableInOrder(), "kTable is indexed by Permission");

struct KindRow {
    ApprovalKind kind;
    std::string_view name;
    Permission request;
    Permission approve;
};

constexpr std::array<KindRow, kApprovalKindCount> kKinds = {{
    {ApprovalKind::ProductionBatch, "production_batch", Permission::BatchRequest,
     Permission::BatchApprove},
    {ApprovalKind::ManualAdjustment, "manual_adjustment", Permission::AdjustmentRequest,
     Permission::AdjustmentApprove},
    {ApprovalKind::MerchantFeeChange, "merchant_fee_change", Permission::FeeChangeRequest,
     Permission::FeeChangeApprove},
    {ApprovalKind::PayoutRelease, "payout_release", Permission::PayoutRequest,
     Permission::PayoutApprove},
}};

const Row& row(Permission permission) { return kTable[static_cast<std::size_t>(permission)]; }
const KindRow& kindRow(ApprovalKind kind) { return kKinds[static_cast<std::size_t>(kind)]; }

}  // namespace

std::string_view toString(Permission permission) { return row(permission).name; }
bool isWrite(Permission permission) { return row(permission).write; }
bool allowed(Role role, Permission permission) { return (row(permission).roles & bit(role)) != 0; }

std::string_view toString(ApprovalKind kind) { return kindRow(kind).name; }
std::optional<ApprovalKind> approvalKindFromString(std::string_view text) {
    for (const KindRow& k : kKinds) {
        if (k.name == text) return k.kind;
    }
    return std::nullopt;
}
Permission requestPermission(ApprovalKind kind) { return kindRow(kind).request; }
Permission approvePermission(ApprovalKind kind) { return kindRow(kind).approve; }

}  // namespace yika
