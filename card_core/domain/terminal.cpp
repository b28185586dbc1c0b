#include "card_core/domain/terminal.h"

#include "card_core/domain/assert.h"

namespace yika {

Status validateTid(std::string_view tid) {
    constexpr std::size_t kTidBytes = 8;
    if (tid.size() != kTidBytes) return makeError(ErrorCode::InvalidArgument, "tid: 8 characters");
    for (char c : tid) {
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) {
            return makeError(ErrorCode::InvalidArgument, "tid: digits and capital letters only");
        }
    }
    return Ok{};
}

Status validateStore(const MerchantStore& store) {
    constexpr std::size_t kTextBytesMax = 200;
    if (store.name.empty() || store.name.size() > kTextBytesMax ||
        store.address.size() > kTextBytesMax) {
        return makeError(ErrorCode::InvalidArgument,
                         "store: name 1-200 bytes, address at most 200");
    }
    return Ok{};
}

std::string_view toString(UploadMatch match) {
    switch (match) {
        case UploadMatch::Matched:
            return "MATCHED";
        case UploadMatch::NotAtHost:
            return "NOT_AT_HOST";
        case UploadMatch::CardDiffers:
            return "CARD_DIFFERS";
        case UploadMatch::AmountDiffers:
            return "AMOUNT_DIFFERS";
        case UploadMatch::NotAtTerminal:
            return "NOT_AT_TERMINAL";
    }
    YIKA_ASSERT(false);
    return "";
}

}  // namespace yika
