#pragma once

// Card transactions: every movement of a card's value other than a sale (purchase, refund,
// reload, redemption, replacement, breakage). Each approved transaction has exactly one
// journal entry, whose event key is "txn:<id>"; declined ones are kept (so a retried request
// gets its first answer) and have none.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "card_core/domain/card.h"
#include "card_core/domain/ledger.h"
#include "card_core/domain/merchant.h"
#include "card_core/domain/money.h"

namespace yika {

using TxnId = std::int64_t;

enum class TxnKind : std::uint8_t { Purchase, Refund, Reload, Redemption, Replacement, Breakage };
enum class TxnState : std::uint8_t { Approved, Declined, Reversed };

std::string_view toString(TxnKind kind);
std::string_view toString(TxnState state);
std::optional<TxnKind> txnKindFromString(std::string_view text);
std::optional<TxnState> txnStateFromString(std::string_view text);

struct CardTxn {
    TxnId id = 0;
    TxnKind kind = TxnKind::Purchase;
    TxnState state = TxnState::Approved;
    ErrorCode decline = ErrorCode::InvalidArgument;  // meaningful when Declined
    CardId card_id = 0;
    std::optional<CardId> counter_card_id;  // replacement: the new card
    std::optional<MerchantId> merchant_id;
    Money amount = Money::zero(Currency::Cny);
    std::optional<TxnId> original_id;              // refund: the purchase
    Money refunded = Money::zero(Currency::Cny);   // purchase: refunds so far
    std::string idem_key;                          // unique per request source; may be empty
    Date business_date;
    TimestampMs at_ms = 0;
    std::optional<EntryId> entry_id;
    Money balance_after = Money::zero(Currency::Cny);
};

inline std::string txnEventKey(TxnId id) { return "txn:" + std::to_string(id); }
inline std::string orderEventKey(OrderId id) { return "order:" + std::to_string(id); }

}  // namespace yika
