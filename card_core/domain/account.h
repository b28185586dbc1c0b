#pragma once

// Online accounts (design section 5): a cardholder registers with a phone number or e-mail
// address and a password, binds cards to the account with each card's number and PIN, lists
// them, reports one lost (freeze) and unbinds. The account then pays like a wallet
// (online_payment.h).
//
//   (no account) --registerAccount--> ACCOUNT
//   card --bindCard (number + PIN)--> BOUND to one account --unbindCard--> card
//   BOUND ACTIVE card --freezeBoundCard--> BOUND FROZEN card (report lost; an operator unfreezes)
//
// Invariants:
//   A1. A card is bound to at most one account (unique card_id in the binding table).
//   A2. A bind attempt that fails on the card number or the PIN gives one answer
//       (BindFailure::CardOrPin) whether the number is unknown, the PIN is wrong or the PIN is
//       locked, so a guesser learns nothing about which part was wrong.
//   A3. Wrong PINs count on the card itself (checkPin, 5 in a row lock PIN use for 24 h) whatever
//       account or channel tries, and the counter survives the failed bind (the operation
//       commits and reports the failure as a value, not as an error that rolls back).
//   A4. Every failure is appended to the account audit log.
//
// Passwords are never seen here: the HTTP layer hashes them (argon2id) on its own pool and
// passes the hash.

#include "card_core/domain/card.h"
#include "card_core/domain/policies.h"
#include "card_core/domain/store.h"
#include "card_core/domain/txn.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yika {

using AccountId = std::int64_t;

struct Account {
    AccountId id = 0;
    std::string login;              // normalised phone (11 digits) or e-mail (lower case)
    std::string password_hash;      // argon2id string
    std::string pay_password_hash;  // argon2id string; empty until set
    TimestampMs created_at_ms = 0;
};

// A portal session: only a keyed hash of the token is stored, so a copy of the database gives
// no live session.
struct AccountSession {
    Bytes token_hash;
    AccountId account_id = 0;
    TimestampMs created_at_ms = 0;
    TimestampMs expires_at_ms = 0;
};

// One line of the account audit log: failures (and security events) of the portal.
struct AccountAudit {
    TimestampMs at_ms = 0;
    std::optional<AccountId> account_id;
    std::string client;   // client address
    std::string action;   // "login", "bind", "pay", ...
    std::string outcome;  // a wire code, e.g. "card_or_pin"
    std::string detail;   // never a PIN, password or full card number
};

// The accounts storage port. Same contract as StoreTx (runs inside the caller's transaction,
// throws StorageError); reached through StoreTx::accounts().
struct PaymentOrder;
struct PaymentLeg;
struct ShopCallback;
class AccountStoreTx {
  public:
    virtual ~AccountStoreTx() = default;

    virtual AccountId insertAccount(const Account& account) = 0;  // assigns the id
    virtual std::optional<Account> account(AccountId id) = 0;
    virtual std::optional<Account> accountByLogin(std::string_view login) = 0;
    virtual void updateAccount(const Account& account) = 0;  // password hashes

    virtual std::optional<AccountId> bindingOf(CardId card) = 0;
    virtual void insertBinding(AccountId account, CardId card, TimestampMs at_ms) = 0;
    virtual void deleteBinding(CardId card) = 0;
    virtual std::vector<CardId> boundCards(AccountId account) = 0;  // in binding order

    virtual void insertSession(const AccountSession& session) = 0;
    virtual std::optional<AccountSession> session(const Bytes& token_hash) = 0;
    virtual void deleteSession(const Bytes& token_hash) = 0;
    virtual void deleteSessionsOf(AccountId account) = 0;

    virtual void insertAudit(const AccountAudit& audit) = 0;
    // The card's transaction ids, newest first, at most `limit`.
    virtual std::vector<TxnId> cardHistory(CardId card, std::int64_t limit) = 0;

    // Payment orders (online_payment.h).
    virtual std::int64_t insertPaymentOrder(const PaymentOrder& order) = 0;  // assigns the id
    virtual std::optional<PaymentOrder> paymentOrder(std::int64_t id) = 0;
    virtual std::optional<PaymentOrder> paymentOrderByToken(std::string_view token) = 0;
    virtual std::optional<PaymentOrder> paymentOrderByMerchantRef(MerchantId merchant,
                                                                  std::string_view ref) = 0;
    virtual void updatePaymentOrder(const PaymentOrder& order) = 0;
    virtual void insertPaymentLeg(const PaymentLeg& leg) = 0;
    virtual std::vector<PaymentLeg> paymentLegs(std::int64_t order_id) = 0;  // in seq order
    // A refund of an order under the shop's refund key; the amount, or empty if new.
    virtual std::optional<Money> paymentRefund(std::int64_t order_id, std::string_view key) = 0;
    virtual void insertPaymentRefund(std::int64_t order_id, std::string_view key, Money amount,
                                     TimestampMs at_ms) = 0;
    virtual void upsertCallback(const ShopCallback& callback) = 0;
    virtual std::vector<ShopCallback> dueCallbacks(TimestampMs now_ms, std::int64_t limit) = 0;
};

struct AccountLimits {
    std::int64_t cards_per_account_max = 20;
    std::int64_t history_rows_max = 50;
};

// Normalises a login: an 11-digit mainland mobile number (starting with 1), or an e-mail
// address (lower-cased, one '@', 3-254 bytes, no spaces or control characters).
// InvalidArgument otherwise.
Result<std::string> normalizeLogin(std::string_view login);

// Creates an account; Duplicate if the login is taken.
Result<AccountId> registerAccount(StoreTx& tx, std::string login, std::string password_hash,
                                  TimestampMs now_ms);

enum class BindFailure : std::uint8_t {
    None,
    CardOrPin,       // unknown number, wrong PIN or PIN locked (one answer, invariant A2)
    NotBindable,     // the card holds no value (not sold, closed, destroyed)
    BoundElsewhere,  // bound to another account
    TooManyCards,    // the account has cards_per_account_max cards
};
std::string_view toString(BindFailure failure);

struct BindOutcome {
    BindFailure failure = BindFailure::None;
    CardId card_id = 0;  // on success
};

struct BindRequest {
    AccountId account_id = 0;
    Bytes pan_lookup;
    std::string pin;
    std::string client;  // for the audit log
};

// Binds a card (invariants A1-A4). Always commits (failures are values): the PIN counter and the
// audit row must survive. Binding a card already bound to this account succeeds again.
Result<BindOutcome> bindCard(StoreTx& tx, const BindRequest& request, const PinVerifier& pins,
                             const Policies& policies, const AccountLimits& limits,
                             TimestampMs now_ms);

// NotFound if the card is not bound to `account`.
Status unbindCard(StoreTx& tx, AccountId account, CardId card, TimestampMs now_ms);
// Report lost: freezes a card bound to `account` (reason LOST, caused by the cardholder through
// the portal). NotFound if not bound to it; IllegalTransition if the card is not ACTIVE.
Status freezeBoundCard(StoreTx& tx, AccountId account, CardId card, TimestampMs now_ms);

// A bound card as the portal shows it.
struct BoundCard {
    Card card;
    std::string product_name;
};
std::vector<BoundCard> accountCards(StoreTx& tx, AccountId account);

// The card's transactions, newest first, at most `limit`; NotFound if not bound to `account`.
Result<std::vector<CardTxn>> boundCardHistory(StoreTx& tx, AccountId account, CardId card,
                                              std::int64_t limit);

}  // namespace yika
