#pragma once

// The admin API's storage port (issue 6): operators and their sessions, maker-checker requests,
// the hash-chained audit log, and the read-side listings the back office pages through. Same
// contract as StoreTx (runs inside the caller's transaction, throws StorageError; not
// thread-safe); reached through StoreTx::admin().
//
// Listings page by id: rows with id > after_id in id order, at most `limit` (the caller bounds
// `limit` by its configured maximum).

#include "card_core/domain/approval.h"
#include "card_core/domain/audit.h"
#include "card_core/domain/batch.h"
#include "card_core/domain/card.h"
#include "card_core/domain/merchant.h"
#include "card_core/domain/operator.h"
#include "card_core/domain/terminal.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yika {

struct MerchantGroup {
    MerchantGroupId id = 0;
    std::string code;
    std::string name;
};

// Cards at a stock location: free (sellable) and reserved by a pending order.
struct StockRow {
    ProductId product_id = 0;
    std::string location;
    std::int64_t free = 0;
    std::int64_t reserved = 0;
};

class AdminStoreTx {
  public:
    virtual ~AdminStoreTx() = default;

    virtual OperatorId insertOperator(const Operator& op) = 0;  // assigns the id
    virtual std::optional<Operator> operatorById(OperatorId id) = 0;
    virtual std::optional<Operator> operatorByName(std::string_view name) = 0;
    virtual void updateOperator(const Operator& op) = 0;
    virtual std::vector<Operator> operators(std::int64_t after_id, std::int64_t limit) = 0;
    virtual std::int64_t operatorCount() = 0;

    virtual void insertOperatorSession(const OperatorSession& session) = 0;
    virtual std::optional<OperatorSession> operatorSession(const Bytes& token_hash) = 0;
    virtual void deleteOperatorSession(const Bytes& token_hash) = 0;
    virtual void deleteOperatorSessionsOf(OperatorId id) = 0;

    virtual ApprovalId insertApproval(const ApprovalRequest& request) = 0;  // assigns the id
    virtual std::optional<ApprovalRequest> approval(ApprovalId id) = 0;
    virtual void updateApproval(const ApprovalRequest& request) = 0;  // state and decision
    virtual std::optional<ApprovalId> pendingApprovalFor(std::string_view reference) = 0;
    virtual std::vector<ApprovalRequest> approvals(std::optional<ApprovalState> state,
                                                   std::int64_t after_id, std::int64_t limit) = 0;

    // The last row's id and hash; empty when the log is empty.
    virtual std::optional<std::pair<std::int64_t, Bytes>> auditHead() = 0;
    virtual void insertAudit(const AuditRecord& record) = 0;  // record.id is set
    virtual std::vector<AuditRecord> auditRows(std::int64_t after_id, std::int64_t limit) = 0;

    virtual std::vector<ProductId> productIds(std::int64_t after_id, std::int64_t limit) = 0;
    virtual std::vector<BatchId> batchIds(std::int64_t after_id, std::int64_t limit) = 0;
    virtual std::vector<StockRow> stock(std::optional<std::string_view> location) = 0;
    virtual std::vector<OrderId> orderIds(std::int64_t after_id, std::int64_t limit) = 0;
    virtual std::vector<CardEvent> cardEvents(CardId card, std::int64_t limit) = 0;  // oldest first
    virtual std::vector<MerchantId> merchantIds(std::int64_t after_id, std::int64_t limit) = 0;
    virtual std::vector<MerchantGroup> merchantGroups() = 0;
    virtual std::optional<MerchantGroup> merchantGroup(MerchantGroupId id) = 0;
    virtual std::optional<MerchantStore> merchantStore(StoreId id) = 0;
    virtual std::vector<MerchantStore> merchantStores(MerchantId merchant) = 0;
    virtual std::vector<TerminalId> terminalIds(std::optional<MerchantId> merchant,
                                                std::int64_t after_id, std::int64_t limit) = 0;
};

}  // namespace yika
