#pragma once

// AccountStoreTx (card_core/domain/account.h) on the same SQLite connection as the
// SqliteStoreTx that owns it: statements are prepared once and cached. Not thread-safe.

#include "card_core/domain/account.h"
#include "card_core/domain/online_payment.h"
#include "card_core/store/sqlite_db.h"

#include <memory>
#include <unordered_map>

namespace yika::store {

class SqliteAccountStoreTx final : public AccountStoreTx {
  public:
    explicit SqliteAccountStoreTx(Database& db) : db_(db) {}

    AccountId insertAccount(const Account& account) override;
    std::optional<Account> account(AccountId id) override;
    std::optional<Account> accountByLogin(std::string_view login) override;
    void updateAccount(const Account& account) override;

    std::optional<AccountId> bindingOf(CardId card) override;
    void insertBinding(AccountId account, CardId card, TimestampMs at_ms) override;
    void deleteBinding(CardId card) override;
    std::vector<CardId> boundCards(AccountId account) override;

    void insertSession(const AccountSession& session) override;
    std::optional<AccountSession> session(const Bytes& token_hash) override;
    void deleteSession(const Bytes& token_hash) override;
    void deleteSessionsOf(AccountId account) override;

    void insertAudit(const AccountAudit& audit) override;
    std::vector<TxnId> cardHistory(CardId card, std::int64_t limit) override;

    std::int64_t insertPaymentOrder(const PaymentOrder& order) override;
    std::optional<PaymentOrder> paymentOrder(std::int64_t id) override;
    std::optional<PaymentOrder> paymentOrderByToken(std::string_view token) override;
    std::optional<PaymentOrder> paymentOrderByMerchantRef(MerchantId merchant,
                                                          std::string_view ref) override;
    void updatePaymentOrder(const PaymentOrder& order) override;
    void insertPaymentLeg(const PaymentLeg& leg) override;
    std::vector<PaymentLeg> paymentLegs(std::int64_t order_id) override;
    std::optional<Money> paymentRefund(std::int64_t order_id, std::string_view key) override;
    void insertPaymentRefund(std::int64_t order_id, std::string_view key, Money amount,
                             TimestampMs at_ms) override;
    void upsertCallback(const ShopCallback& callback) override;
    std::vector<ShopCallback> dueCallbacks(TimestampMs now_ms, std::int64_t limit) override;

  private:
    Statement& stmt(const char* sql);
    std::optional<Account> oneAccount(Statement& s);
    std::optional<PaymentOrder> oneOrder(Statement& s);

    Database& db_;
    std::unordered_map<const char*, std::unique_ptr<Statement>> statements_;
};

}  // namespace yika::store
