#pragma once

// AdminStoreTx (card_core/domain/admin_store.h) on the same SQLite connection as the
// SqliteStoreTx that owns it: statements are prepared once and cached. Not thread-safe.

#include "card_core/domain/admin_store.h"
#include "card_core/store/sqlite_db.h"

#include <memory>
#include <unordered_map>

namespace yika::store {

class SqliteAdminStoreTx final : public AdminStoreTx {
  public:
    explicit SqliteAdminStoreTx(Database& db) : db_(db) {}

    OperatorId insertOperator(const Operator& op) override;
    std::optional<Operator> operatorById(OperatorId id) override;
    std::optional<Operator> operatorByName(std::string_view name) override;
    void updateOperator(const Operator& op) override;
    std::vector<Operator> operators(std::int64_t after_id, std::int64_t limit) override;
    std::int64_t operatorCount() override;

    void insertOperatorSession(const OperatorSession& session) override;
    std::optional<OperatorSession> operatorSession(const Bytes& token_hash) override;
    void deleteOperatorSession(const Bytes& token_hash) override;
    void deleteOperatorSessionsOf(OperatorId id) override;

    ApprovalId insertApproval(const ApprovalRequest& request) override;
    std::optional<ApprovalRequest> approval(ApprovalId id) override;
    void updateApproval(const ApprovalRequest& request) override;
    std::optional<ApprovalId> pendingApprovalFor(std::string_view reference) override;
    std::vector<ApprovalRequest> approvals(std::optional<ApprovalState> state,
                                           std::int64_t after_id, std::int64_t limit) override;

    std::optional<std::pair<std::int64_t, Bytes>> auditHead() override;
    void insertAudit(const AuditRecord& record) override;
    std::vector<AuditRecord> auditRows(std::int64_t after_id, std::int64_t limit) override;

    std::vector<ProductId> productIds(std::int64_t after_id, std::int64_t limit) override;
    std::vector<BatchId> batchIds(std::int64_t after_id, std::int64_t limit) override;
    std::vector<StockRow> stock(std::optional<std::string_view> location) override;
    std::vector<OrderId> orderIds(std::int64_t after_id, std::int64_t limit) override;
    std::vector<CardEvent> cardEvents(CardId card, std::int64_t limit) override;
    std::vector<MerchantId> merchantIds(std::int64_t after_id, std::int64_t limit) override;
    std::vector<MerchantGroup> merchantGroups() override;
    std::optional<MerchantGroup> merchantGroup(MerchantGroupId id) override;
    std::optional<MerchantStore> merchantStore(StoreId id) override;
    std::vector<MerchantStore> merchantStores(MerchantId merchant) override;
    std::vector<TerminalId> terminalIds(std::optional<MerchantId> merchant, std::int64_t after_id,
                                        std::int64_t limit) override;

  private:
    Statement& stmt(const char* sql);
    std::vector<std::int64_t> ids(Statement& s);
    std::optional<Operator> oneOperator(Statement& s);

    Database& db_;
    std::unordered_map<const char*, std::unique_ptr<Statement>> statements_;
};

}  // namespace yika::store
