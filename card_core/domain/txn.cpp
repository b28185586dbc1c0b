#include "card_core/domain/txn.h"

#include <array>

namespace yika {

namespace {
constexpr std::array<std::string_view, 11> kKinds = {
    "purchase",       "refund",   "reload",  "redemption",
    "replacement",    "breakage", "preauth", "preauth_completion",
    "preauth_cancel", "void",     "reversal"};
constexpr std::array<std::string_view, 3> kStates = {"APPROVED", "DECLINED", "REVERSED"};
}  // namespace

std::string_view toString(TxnKind kind) { return kKinds[static_cast<std::size_t>(kind)]; }
std::string_view toString(TxnState state) { return kStates[static_cast<std::size_t>(state)]; }

std::optional<TxnKind> txnKindFromString(std::string_view text) {
    for (std::size_t i = 0; i < kKinds.size(); ++i) {
        if (kKinds[i] == text) return static_cast<TxnKind>(i);
    }
    return std::nullopt;
}

bool postsToLedger(TxnKind kind) {
    switch (kind) {
        case TxnKind::Purchase:
        case TxnKind::Refund:
        case TxnKind::Reload:
        case TxnKind::Redemption:
        case TxnKind::Breakage:
        case TxnKind::PreAuthCompletion:
        case TxnKind::Void:
            return true;
        case TxnKind::Replacement:  // only when the balance moved was not zero
        case TxnKind::PreAuth:
        case TxnKind::PreAuthCancel:
        case TxnKind::Reversal:
            return false;
    }
    return false;
}

std::optional<TxnState> txnStateFromString(std::string_view text) {
    for (std::size_t i = 0; i < kStates.size(); ++i) {
        if (kStates[i] == text) return static_cast<TxnState>(i);
    }
    return std::nullopt;
}

}  // namespace yika
