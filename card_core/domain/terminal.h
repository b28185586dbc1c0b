#pragma once

// Merchant stores and terminals (design section 6). A terminal belongs to one merchant (and
// optionally one store), has an 8-character TID, a terminal master key kept only encrypted, and
// per sign-on a session nonce from which both sides derive the session MAC and PIN keys.

#include "card_core/domain/merchant.h"
#include "card_core/domain/money.h"
#include "card_core/domain/result.h"
#include "card_core/domain/secrets.h"
#include "card_core/domain/time.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yika {

using StoreId = std::int64_t;
using TerminalId = std::int64_t;

struct MerchantStore {
    StoreId id = 0;
    MerchantId merchant_id = 0;
    std::string name;
    std::string address;
};

enum class TerminalState : std::uint8_t { Active, Disabled };

struct Terminal {
    TerminalId id = 0;
    std::string tid;  // 8 characters
    MerchantId merchant_id = 0;
    std::optional<StoreId> store_id;
    TerminalState state = TerminalState::Active;
    Bytes tmk_wrapped;    // terminal master key, encrypted under the key file's TMK key
    Bytes session_nonce;  // of the last sign-on; empty before the first
    int batch_no = 1;     // the batch the terminal is in (1-999999)
    TimestampMs signed_on_at_ms = 0;
};

// A terminal batch's totals, as the terminal counts them (field 48) or the host does.
struct BatchTotals {
    Money debit = Money::zero(Currency::Cny);  // purchases and completions, net of voids
    int debit_count = 0;
    Money credit = Money::zero(Currency::Cny);  // refunds
    int credit_count = 0;
    friend bool operator==(const BatchTotals&, const BatchTotals&) = default;
};

// One transaction as the terminal uploads it after a settlement whose totals differed (批上送).
// The card is known by its lookup hash and masked number only: nothing stores it in clear.
struct UploadedItem {
    int trace_no = 0;
    Bytes pan_lookup;
    std::string masked_pan;  // first 6, last 4
    Money amount = Money::zero(Currency::Cny);
};

// How an uploaded item compares with the host's transaction of the same trace number.
enum class UploadMatch : std::uint8_t {
    Matched,
    NotAtHost,      // the host approved no counted transaction with this trace
    CardDiffers,    // same trace, another card
    AmountDiffers,  // same trace and card, another amount
    NotAtTerminal,  // (host side) the host has it, the terminal did not upload it
};
std::string_view toString(UploadMatch match);

Status validateTid(std::string_view tid);
Status validateStore(const MerchantStore& store);

}  // namespace yika
