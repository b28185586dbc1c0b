#pragma once

// Card transactions: every movement of a card's value other than a sale (purchase, refund,
// reload, redemption, replacement, breakage). Each approved transaction has exactly one
// journal entry, whose event key is "txn:<id>"; declined ones are kept (so a retried request
// gets its first answer) and have none.

#include "card_core/domain/card.h"
#include "card_core/domain/ledger.h"
#include "card_core/domain/merchant.h"
#include "card_core/domain/money.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yika {

using TxnId = std::int64_t;

enum class TxnKind : std::uint8_t {
    Purchase,
    Refund,
    Reload,
    Redemption,
    Replacement,
    Breakage,
    PreAuth,            // a hold: lowers the available balance, posts nothing
    PreAuthCompletion,  // takes (part of) a hold: 2201/card -> 2202/merchant
    PreAuthCancel,      // releases a hold
    Void,               // 撤销: same day, same terminal, full amount; the purchase's opposite
    Reversal,           // 冲正: undoes whatever the original did (or records that it never came)
};
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
    std::optional<TxnId> original_id;             // refund: the purchase
    Money refunded = Money::zero(Currency::Cny);  // purchase: refunds so far
    std::string idem_key;                         // unique per request source; may be empty
    Date business_date;
    TimestampMs at_ms = 0;
    std::optional<EntryId> entry_id;
    Money balance_after = Money::zero(Currency::Cny);
    // Terminal requests: where it came from, for duplicates, voids, reversals and batch totals.
    std::optional<std::int64_t> terminal_id;
    int batch_no = 0;
    int trace_no = 0;
    Money hold_open = Money::zero(Currency::Cny);  // pre-authorisation: hold still open
};

// Whether an approved transaction of this kind moves value and therefore has a journal entry
// (a reversal has one exactly when its original had).
bool postsToLedger(TxnKind kind);

inline std::string txnEventKey(TxnId id) { return "txn:" + std::to_string(id); }
inline std::string orderEventKey(OrderId id) { return "order:" + std::to_string(id); }

}  // namespace yika
