#include "terminal_api/iso8583/response_code.h"

#include "card_core/domain/assert.h"

namespace yika::iso8583 {

namespace {

struct Row {
    ResponseCode code;
    std::string_view wire;
    std::string_view description;
};

// One row per code, in enum order, so that wireCode() and describe() index directly.
constexpr std::array<Row, kResponseCodes.size()> kRows = {{
    {ResponseCode::Approved, "00", "approved"},
    {ResponseCode::DoNotHonor, "05", "do not honor"},
    {ResponseCode::InvalidTransaction, "12", "invalid transaction"},
    {ResponseCode::InvalidAmount, "13", "invalid amount"},
    {ResponseCode::InvalidCard, "14", "invalid card"},
    {ResponseCode::OriginalNotFound, "25", "original transaction not found"},
    {ResponseCode::FormatError, "30", "format error"},
    {ResponseCode::InsufficientFunds, "51", "insufficient funds"},
    {ResponseCode::ExpiredCard, "54", "expired card"},
    {ResponseCode::WrongPin, "55", "wrong PIN"},
    {ResponseCode::NotPermittedToCard, "57", "transaction not permitted to card"},
    {ResponseCode::OverAmountLimit, "61", "over amount limit"},
    {ResponseCode::RestrictedCard, "62", "restricted card (frozen or outside acceptance scope)"},
    {ResponseCode::OverCountLimit, "65", "over count limit"},
    {ResponseCode::PinTriesExceeded, "75", "PIN tries exceeded"},
    {ResponseCode::Duplicate, "94", "duplicate transmission"},
    {ResponseCode::ReconcileError, "95", "reconcile error"},
    {ResponseCode::SystemError, "96", "system error"},
    {ResponseCode::MacFailure, "A0", "MAC failure"},
}};

constexpr bool rowsMatchEnum() {
    for (std::size_t i = 0; i < kRows.size(); ++i) {
        if (kRows[i].code != kResponseCodes[i] || static_cast<std::size_t>(kRows[i].code) != i ||
            kRows[i].wire.size() != 2) {
            return false;
        }
    }
    return true;
}
static_assert(rowsMatchEnum(), "kRows follows the enum order");

const Row& rowOf(ResponseCode code) {
    const auto index = static_cast<std::size_t>(code);
    YIKA_ASSERT(index < kRows.size());
    return kRows[index];
}

}  // namespace

std::string_view wireCode(ResponseCode code) { return rowOf(code).wire; }

std::string_view describe(ResponseCode code) { return rowOf(code).description; }

std::optional<ResponseCode> parseResponseCode(std::string_view text) {
    for (const Row& row : kRows) {
        if (row.wire == text) {
            return row.code;
        }
    }
    return std::nullopt;
}

}  // namespace yika::iso8583
