// Card service (design sections 3 and 4): look a card up by id or by number (masked in every
// answer), reveal its full number (customer service only, audited), its history, and freeze /
// unfreeze / replace / extend / redeem.

#include "card_core/domain/card_number.h"
#include "card_core/domain/card_service.h"

#include "admin_api/admin_http.h"

namespace yika::admin {

namespace {

constexpr std::size_t kPanDigitsMin = 13;
constexpr std::size_t kPanDigitsMax = 19;

AdminReply cardReply(Call& call, CardId id, int status = 200) {
    auto reader = call.state.readers.acquire();
    auto card = reader.tx().card(id);
    if (!card) return errorReply(makeError(ErrorCode::CardNotFound, "no such card"));
    return jsonReply(status, cardJson(*card));
}

AdminReply getCard(Call& call) { return cardReply(call, call.param(0)); }

AdminReply lookup(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    if (Status s = b->only({"card_number"}); !s) return errorReply(s.error());
    auto pan = b->str("card_number", kPanDigitsMax);
    if (!pan) return errorReply(pan.error());
    if (pan->size() < kPanDigitsMin || !isAllDigits(*pan) || !luhnValid(*pan)) {
        return errorReply(
            makeError(ErrorCode::InvalidCardNumber, "card_number: not a valid card number"));
    }
    std::optional<Card> card;
    {
        auto reader = call.state.readers.acquire();
        card = reader.tx().cardByLookup(call.state.deps.vault.lookupHash(*pan));
    }
    std::fill(pan->begin(), pan->end(), '\0');
    // Looking cards up by number is audited (never the number itself), found or not.
    call.target = card ? "card:" + std::to_string(card->id) : std::string();
    call.detail = card ? "found " + card->pan_masked : "no card with this number";
    if (Status s = call.auditNow(card ? "ok" : "card_not_found"); !s) return errorReply(s.error());
    if (!card) return errorReply(makeError(ErrorCode::CardNotFound, "no card with this number"));
    return jsonReply(200, cardJson(*card));
}

AdminReply revealNumber(Call& call) {
    CardId id = call.param(0);
    call.target = "card:" + std::to_string(id);
    std::optional<Card> card;
    {
        auto reader = call.state.readers.acquire();
        card = reader.tx().card(id);
    }
    if (!card) return errorReply(makeError(ErrorCode::CardNotFound, "no such card"));
    auto pan = call.state.deps.vault.decrypt(card->pan_encrypted);
    if (!pan) {
        return errorReply(makeError(ErrorCode::StorageUnavailable,
                                    "the card number does not decrypt (key file?)"));
    }
    call.detail = "full number of " + card->pan_masked;
    // On record before the number leaves the server; no audit row, no number.
    if (Status s = call.auditNow("ok"); !s) {
        std::fill(pan->begin(), pan->end(), '\0');
        return errorReply(s.error());
    }
    AdminReply r = jsonReply(200, JsonOut()
                                      .num("id", id)
                                      .str("pan_masked", card->pan_masked)
                                      .str("card_number", *pan)
                                      .done());
    std::fill(pan->begin(), pan->end(), '\0');
    return r;
}

AdminReply history(Call& call) {
    CardId id = call.param(0);
    auto limit = call.queryInt("limit", 1, call.state.limits.history_rows_max,
                               call.state.limits.history_rows_max);
    if (!limit) return errorReply(limit.error());
    auto reader = call.state.readers.acquire();
    if (!reader.tx().card(id))
        return errorReply(makeError(ErrorCode::CardNotFound, "no such card"));
    std::vector<std::string> events;
    for (const CardEvent& e : reader.tx().admin().cardEvents(id, *limit)) {
        events.push_back(cardEventJson(e));
    }
    std::vector<std::string> txns;
    for (TxnId t : reader.tx().accounts().cardHistory(id, *limit)) {
        if (auto txn = reader.tx().txn(t)) txns.push_back(txnJson(*txn));
    }
    return jsonReply(200, JsonOut()
                              .num("card_id", id)
                              .raw("events", jsonArray(events))
                              .raw("transactions", jsonArray(txns))
                              .done());
}

// Runs a card operation that returns a Status, audited, and answers with the card.
AdminReply cardChange(Call& call, const std::function<Status(StoreTx&, CardId)>& op) {
    CardId id = call.param(0);
    call.target = "card:" + std::to_string(id);
    auto done = call.write<Ok>([&](StoreTx& tx) -> Result<Ok> {
        YIKA_TRY(op(tx, id));
        return Ok{};
    });
    if (!done) return errorReply(done.error());
    return cardReply(call, id);
}

AdminReply freeze(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    if (Status s = b->only({"reason"}); !s) return errorReply(s.error());
    auto reason = b->optStr("reason", 16);
    if (!reason) return errorReply(reason.error());
    std::string code = reason->empty() ? std::string(reason::kLost) : *reason;
    if (code != reason::kLost && code != reason::kRiskHold) {
        return errorReply(makeError(ErrorCode::InvalidArgument, "reason: LOST or RISK_HOLD"));
    }
    call.detail = code;
    return cardChange(call, [&](StoreTx& tx, CardId id) {
        return freezeCard(tx, id, call.actor(), code, call.now());
    });
}

AdminReply unfreeze(Call& call) {
    return cardChange(call, [&](StoreTx& tx, CardId id) {
        return unfreezeCard(tx, id, call.actor(), call.now());
    });
}

AdminReply extend(Call& call) {
    return cardChange(
        call, [&](StoreTx& tx, CardId id) { return extendCard(tx, id, call.actor(), call.now()); });
}

AdminReply replace(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    if (Status s = b->only({"new_card_id"}); !s) return errorReply(s.error());
    auto new_id = b->integer("new_card_id", 1, INT64_MAX);
    if (!new_id) return errorReply(new_id.error());
    CardId old_id = call.param(0);
    call.target = "card:" + std::to_string(old_id) + ",card:" + std::to_string(*new_id);
    auto txn = call.write<CardTxn>(
        [&](StoreTx& tx) { return replaceCard(tx, old_id, *new_id, call.actor(), call.now()); });
    if (!txn) return errorReply(txn.error());
    auto reader = call.state.readers.acquire();
    return jsonReply(200, JsonOut()
                              .raw("old_card", cardJson(*reader.tx().card(old_id)))
                              .raw("new_card", cardJson(*reader.tx().card(*new_id)))
                              .raw("transaction", txnJson(*txn))
                              .done());
}

AdminReply redeem(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    if (Status s = b->only({"buyer"}); !s) return errorReply(s.error());
    auto buyer = buyerField(*b, "buyer");
    if (!buyer) return errorReply(buyer.error());
    std::string key = buyerKey(*buyer);
    if (key.empty()) {
        return errorReply(makeError(ErrorCode::InvalidArgument,
                                    "buyer: the buyer's ID or credit code is needed"));
    }
    CardId id = call.param(0);
    call.target = "card:" + std::to_string(id);
    auto txn = call.write<CardTxn>([&](StoreTx& tx) {
        auto out = redeemCard(tx, id, key, call.actor(), call.state.deps.policies, call.now());
        if (out) call.detail = "redeemed " + out->amount.toDecimal();
        return out;
    });
    if (!txn) return errorReply(txn.error());
    auto reader = call.state.readers.acquire();
    return jsonReply(200, JsonOut()
                              .raw("card", cardJson(*reader.tx().card(id)))
                              .raw("transaction", txnJson(*txn))
                              .done());
}

}  // namespace

void addCardRoutes(std::vector<Route>& r) {
    using P = Permission;
    constexpr Access kP = Access::Permission;
    r.push_back({"POST", "/v1/cards/lookup", kP, P::Read, "card.lookup", lookup});
    r.push_back({"GET", "/v1/cards/{id}", kP, P::Read, "card.read", getCard});
    r.push_back({"GET", "/v1/cards/{id}/number", kP, P::CardNumberReveal, "card.reveal_number",
                 revealNumber});
    r.push_back({"GET", "/v1/cards/{id}/history", kP, P::Read, "card.history", history});
    r.push_back({"POST", "/v1/cards/{id}/freeze", kP, P::CardService, "card.freeze", freeze});
    r.push_back({"POST", "/v1/cards/{id}/unfreeze", kP, P::CardService, "card.unfreeze", unfreeze});
    r.push_back({"POST", "/v1/cards/{id}/replace", kP, P::CardService, "card.replace", replace});
    r.push_back({"POST", "/v1/cards/{id}/extend", kP, P::CardService, "card.extend", extend});
    r.push_back({"POST", "/v1/cards/{id}/redeem", kP, P::CardRedeem, "card.redeem", redeem});
}

}  // namespace yika::admin
