#include "card_core/domain/merchant.h"

namespace yika {

Status validateMerchant(const Merchant& m) {
    constexpr std::size_t kMidBytes = 15;
    constexpr std::size_t kNameBytesMax = 200;
    if (m.mid.size() != kMidBytes)
        return makeError(ErrorCode::InvalidArgument, "mid: 15 characters");
    for (char c : m.mid) {
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) {
            return makeError(ErrorCode::InvalidArgument, "mid: digits and capital letters only");
        }
    }
    if (m.name.empty() || m.name.size() > kNameBytesMax) {
        return makeError(ErrorCode::InvalidArgument, "name: 1-200 bytes");
    }
    if (m.fee_bps < 0 || m.fee_bps > 10000) {
        return makeError(ErrorCode::InvalidArgument, "fee_bps: 0-10000");
    }
    if (m.settle_days < 1 || m.settle_days > 30) {
        return makeError(ErrorCode::InvalidArgument, "settle_days: 1-30");
    }
    return Ok{};
}

bool inAcceptanceScope(const CardProduct& product, const Merchant& merchant) {
    if (!product.scope_group) return true;
    return merchant.group && *merchant.group == *product.scope_group;
}

}  // namespace yika
