#pragma once

// Merchants (特约商户) as far as the card core needs them: identity, fee terms and the group
// that card products' acceptance scope refers to. Stores and terminals live with acceptance.

#include "card_core/domain/product.h"

#include <cstdint>
#include <optional>
#include <string>

namespace yika {

using MerchantId = std::int64_t;

enum class FeeMode : std::uint8_t {
    Net,    // 内扣: settle sales minus fee
    Gross,  // 外收: settle gross, bill the fee separately
};

struct Merchant {
    MerchantId id = 0;
    std::string mid;  // 15 characters
    std::string name;
    std::optional<MerchantGroupId> group;
    std::int64_t fee_bps = 0;  // 0-10000
    FeeMode fee_mode = FeeMode::Net;
    int settle_days = 1;  // T+1
    std::string bank_name;
    std::string bank_account;
};

Status validateMerchant(const Merchant& merchant);

// Whether a card of `product` may be spent at `merchant` (design section 3, acceptance scope).
bool inAcceptanceScope(const CardProduct& product, const Merchant& merchant);

}  // namespace yika
