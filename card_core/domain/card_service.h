#pragma once

// Card life after sale (design sections 3 and 4): freeze, replace, expiry and extension,
// reload, redemption for cash, breakage. Every function runs in the caller's StoreTx, records
// a CardEvent for each state change and posts one entry for each movement of value.

#include "card_core/domain/policies.h"
#include "card_core/domain/store.h"
#include "card_core/domain/txn.h"

#include <optional>
#include <string_view>

namespace yika {

Status freezeCard(StoreTx& tx, CardId id, const Actor& actor, std::string_view reason_code,
                  TimestampMs now_ms);
Status unfreezeCard(StoreTx& tx, CardId id, const Actor& actor, TimestampMs now_ms);

// Moves the whole balance of `old_id` (ACTIVE, FROZEN or EXPIRED, no holds) to `new_id` (an
// unreserved IN_STOCK card of the same product), activates the new card and closes the old.
// Posting: 2201/old -> 2201/new.
Result<CardTxn> replaceCard(StoreTx& tx, CardId old_id, CardId new_id, const Actor& actor,
                            TimestampMs now_ms);

// ACTIVE cards whose expiry is before `date` become EXPIRED; balances stay liabilities.
// At most `limit` cards per call (call again while it returns `limit`).
Result<std::int64_t> runExpiry(StoreTx& tx, Date date, std::int64_t limit, TimestampMs now_ms);

// EXPIRED -> ACTIVE with a new expiry `validity_months` from today's business date.
Status extendCard(StoreTx& tx, CardId id, const Actor& actor, TimestampMs now_ms);

struct Payment;
Result<CardTxn> reloadCard(StoreTx& tx, CardId id, Money amount, const Payment& payment,
                           const Actor& actor, const Policies& policies, TimestampMs now_ms);

// Named card redeemed for cash (赎回) by its buyer, from `redemption_months_min` after sale.
// Posting: 2201/card -> 1001. The card closes.
Result<CardTxn> redeemCard(StoreTx& tx, CardId id, std::string_view buyer_key, const Actor& actor,
                           const Policies& policies, TimestampMs now_ms);

// Breakage by policy: EXPIRED cards whose expiry is at least `months_after_expiry` before
// `date` have their balance recognised as income (2201/card -> 6002) and close.
Result<std::int64_t> runBreakage(StoreTx& tx, Date date, std::int64_t limit,
                                 const Policies& policies, TimestampMs now_ms);

}  // namespace yika
