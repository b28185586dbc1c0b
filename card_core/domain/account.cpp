#include "card_core/domain/account.h"

#include "card_core/domain/card_number.h"
#include "card_core/domain/card_service.h"
#include "card_core/domain/spend_service.h"

#include <algorithm>

namespace yika {

namespace {

constexpr std::size_t kPhoneDigits = 11;
constexpr std::size_t kEmailBytesMin = 3;
constexpr std::size_t kEmailBytesMax = 254;

void audit(StoreTx& tx, const BindRequest& request, std::string_view outcome, std::string detail,
           TimestampMs now_ms) {
    tx.accounts().insertAudit({now_ms, request.account_id, request.client, "bind",
                               std::string(outcome), std::move(detail)});
}

Result<BindOutcome> failed(StoreTx& tx, const BindRequest& request, BindFailure failure,
                           std::string detail, TimestampMs now_ms) {
    audit(tx, request, toString(failure), std::move(detail), now_ms);
    return BindOutcome{failure, 0};
}

}  // namespace

std::string_view toString(BindFailure failure) {
    switch (failure) {
        case BindFailure::None:
            return "none";
        case BindFailure::CardOrPin:
            return "card_or_pin";
        case BindFailure::NotBindable:
            return "card_not_bindable";
        case BindFailure::BoundElsewhere:
            return "card_bound_elsewhere";
        case BindFailure::TooManyCards:
            return "too_many_cards";
    }
    return "none";
}

Result<std::string> normalizeLogin(std::string_view login) {
    if (login.size() == kPhoneDigits && isAllDigits(login) && login[0] == '1') {
        return std::string(login);
    }
    std::size_t at = login.find('@');
    bool email = login.size() >= kEmailBytesMin && login.size() <= kEmailBytesMax &&
                 at != std::string_view::npos && at > 0 && at + 1 < login.size() &&
                 login.find('@', at + 1) == std::string_view::npos;
    if (email) {
        std::string out;
        out.reserve(login.size());
        for (char c : login) {
            auto u = static_cast<unsigned char>(c);
            if (u <= 0x20 || u == 0x7f) email = false;
            out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
        }
        if (email) return out;
    }
    return makeError(ErrorCode::InvalidArgument,
                     "login: an 11-digit mobile number or an e-mail address");
}

Result<AccountId> registerAccount(StoreTx& tx, std::string login, std::string password_hash,
                                  TimestampMs now_ms) {
    YIKA_ASSERT(!password_hash.empty());
    auto normalized = normalizeLogin(login);
    if (!normalized) return normalized.error();
    if (tx.accounts().accountByLogin(*normalized)) {
        return makeError(ErrorCode::Duplicate, "an account with this login exists");
    }
    Account account;
    account.login = std::move(*normalized);
    account.password_hash = std::move(password_hash);
    account.created_at_ms = now_ms;
    return tx.accounts().insertAccount(account);
}

Result<BindOutcome> bindCard(StoreTx& tx, const BindRequest& request, const PinVerifier& pins,
                             const Policies& policies, const AccountLimits& limits,
                             TimestampMs now_ms) {
    YIKA_ASSERT(request.account_id > 0);
    auto card = tx.cardByLookup(request.pan_lookup);
    if (!card) {
        return failed(tx, request, BindFailure::CardOrPin, "unknown card number", now_ms);
    }
    Status pin = checkPin(*card, request.pin, pins, policies.pin, now_ms);
    // The counter (or its reset) is saved whatever the outcome: this operation always commits.
    tx.updateCard(*card);
    if (!pin) {
        return failed(tx, request, BindFailure::CardOrPin,
                      "card " + std::to_string(card->id) + ": " + std::string(toString(pin.code())),
                      now_ms);
    }
    if (!holdsValue(card->state)) {
        return failed(
            tx, request, BindFailure::NotBindable,
            "card " + std::to_string(card->id) + " is " + std::string(toString(card->state)),
            now_ms);
    }
    auto& accounts = tx.accounts();
    if (auto owner = accounts.bindingOf(card->id)) {
        if (*owner == request.account_id) return BindOutcome{BindFailure::None, card->id};
        return failed(tx, request, BindFailure::BoundElsewhere,
                      "card " + std::to_string(card->id) + " is bound to another account", now_ms);
    }
    if (static_cast<std::int64_t>(accounts.boundCards(request.account_id).size()) >=
        limits.cards_per_account_max) {
        return failed(tx, request, BindFailure::TooManyCards,
                      "at most " + std::to_string(limits.cards_per_account_max) + " cards", now_ms);
    }
    accounts.insertBinding(request.account_id, card->id, now_ms);
    return BindOutcome{BindFailure::None, card->id};
}

Status unbindCard(StoreTx& tx, AccountId account, CardId card, TimestampMs) {
    if (tx.accounts().bindingOf(card) != account) {
        return makeError(ErrorCode::NotFound, "no such card in this account");
    }
    tx.accounts().deleteBinding(card);
    return Ok{};
}

Status freezeBoundCard(StoreTx& tx, AccountId account, CardId card, TimestampMs now_ms) {
    if (tx.accounts().bindingOf(card) != account) {
        return makeError(ErrorCode::NotFound, "no such card in this account");
    }
    auto row = tx.card(card);
    YIKA_ASSERT(row.has_value());
    if (row->state != CardState::Active) {
        return makeError(ErrorCode::IllegalTransition, "only an ACTIVE card can be reported lost");
    }
    Actor cardholder{ActorKind::Cardholder, "account:" + std::to_string(account), Channel::Portal};
    return freezeCard(tx, card, cardholder, reason::kLost, now_ms);
}

std::vector<BoundCard> accountCards(StoreTx& tx, AccountId account) {
    std::vector<BoundCard> out;
    for (CardId id : tx.accounts().boundCards(account)) {
        auto card = tx.card(id);
        if (!card) continue;
        auto product = tx.product(card->product_id);
        out.push_back({std::move(*card), product ? product->name : std::string()});
    }
    return out;
}

Result<std::vector<CardTxn>> boundCardHistory(StoreTx& tx, AccountId account, CardId card,
                                              std::int64_t limit) {
    if (tx.accounts().bindingOf(card) != account) {
        return makeError(ErrorCode::NotFound, "no such card in this account");
    }
    std::vector<CardTxn> out;
    for (TxnId id : tx.accounts().cardHistory(card, limit)) {
        if (auto t = tx.txn(id)) out.push_back(std::move(*t));
    }
    return out;
}

}  // namespace yika
