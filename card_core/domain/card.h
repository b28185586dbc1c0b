#pragma once

// Card states (design section 3).
//
//     PRODUCED ──receive──▶ IN_STOCK ──activate (sale paid)──▶ ACTIVE ◀──unfreeze── FROZEN
//         │                    │                               │  └──freeze──────────▲
//         │                    │                               ├──expire──▶ EXPIRED ─extend─▶
//         ACTIVE └──destroy──▶ DESTROYED ◀──destroy──(IN_STOCK)       └──redeem / replace──▶ CLOSED
//                                                  FROZEN ──replace──▶ CLOSED
//                                                  EXPIRED ──replace / breakage──▶ CLOSED
//
// Functions: receive, activate, freeze, unfreeze, expire, extend, close and destroy below;
// the services in card_service.h call them and record a CardEvent for each.
//
// Invariants:
//   I1. balance and held are in the product currency; 0 <= held <= balance <= product cap.
//   I2. A card holds value only in ACTIVE, FROZEN or EXPIRED. PRODUCED, IN_STOCK and DESTROYED
//       cards have balance 0 (production and stock create no liability); CLOSED cards have 0.
//   I3. balance equals the card's 2201 ledger sub-account (checked by `yikad verify`).
//   I4. Only ACTIVE cards can be debited by a purchase.

#include "card_core/domain/money.h"
#include "card_core/domain/product.h"
#include "card_core/domain/result.h"
#include "card_core/domain/secrets.h"
#include "card_core/domain/time.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yika {

using CardId = std::int64_t;
using BatchId = std::int64_t;
using OrderId = std::int64_t;

enum class CardState : std::uint8_t {
    Produced,
    InStock,
    Active,
    Frozen,
    Expired,
    Closed,
    Destroyed
};

std::string_view toString(CardState state);
std::optional<CardState> cardStateFromString(std::string_view text);

enum class ActorKind : std::uint8_t { Operator, Cardholder, Terminal, System };
enum class Channel : std::uint8_t { Admin, Cli, Terminal, Portal, System };
std::string_view toString(ActorKind kind);
std::string_view toString(Channel channel);

// Who or what caused a change, through which channel, and why (a reason code).
struct Actor {
    ActorKind kind = ActorKind::System;
    std::string id;  // operator name, account id, terminal id, or "system"
    Channel channel = Channel::System;
};

// Reason codes recorded with every state change.
namespace reason {
inline constexpr std::string_view kReceived = "RECEIVED";
inline constexpr std::string_view kSold = "SOLD";
inline constexpr std::string_view kLost = "LOST";
inline constexpr std::string_view kFound = "FOUND";
inline constexpr std::string_view kRiskHold = "RISK_HOLD";
inline constexpr std::string_view kExpiryRun = "EXPIRY_RUN";
inline constexpr std::string_view kExtended = "EXTENDED";
inline constexpr std::string_view kReplaced = "REPLACED";
inline constexpr std::string_view kReplacement = "REPLACEMENT";
inline constexpr std::string_view kRedeemed = "REDEEMED";
inline constexpr std::string_view kBreakage = "BREAKAGE";
inline constexpr std::string_view kDamaged = "DAMAGED";
}  // namespace reason

struct Card {
    CardId id = 0;  // also the card's serial number (卡序号) printed on the card
    ProductId product_id = 0;
    BatchId batch_id = 0;
    CardState state = CardState::Produced;
    Money balance = Money::zero(Currency::Cny);
    Money held = Money::zero(Currency::Cny);  // pre-authorisation holds
    std::string pan_masked;                   // first 6 + last 4
    Bytes pan_lookup;                         // keyed hash, unique
    Bytes pan_encrypted;                      // XChaCha20-Poly1305 blob
    Bytes pvv;                                // PIN verification value
    std::optional<Date> expiry;               // nullopt: never expires (named cards)
    std::string location;                     // stock location while IN_STOCK
    std::optional<OrderId> order_id;          // reserved by / sold in this order
    std::string buyer_key;                    // who bought it (for redemption rights)
    std::optional<Date> activated_on;
    int pin_failures = 0;                 // consecutive wrong PINs
    TimestampMs pin_locked_until_ms = 0;  // PIN use refused until then
    std::optional<Date> spend_day;        // the business date the counters below belong to
    Money spent_today = Money::zero(Currency::Cny);
    int count_today = 0;

    // balance - held: what a purchase may take.
    Money available() const;
};

// One state change, appended to the card's history.
struct CardEvent {
    CardId card_id = 0;
    CardState from = CardState::Produced;
    CardState to = CardState::Produced;
    Actor actor;
    std::string reason;
    TimestampMs at_ms = 0;
};

// Whether the state machine allows from -> to at all.
bool isAllowedTransition(CardState from, CardState to);

// Applies a transition to `card` (state only) or returns IllegalTransition naming both states.
Status transition(Card& card, CardState to);

// Whether the card holds (or may hold) value that the ledger must account for.
bool holdsValue(CardState state);

}  // namespace yika
