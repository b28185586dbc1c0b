#include "terminal_api/pos/terminal_registry.h"

#include <mutex>

namespace yika::pos {

TerminalRegistry::TerminalRegistry(const crypto::KeyRing& keys, std::size_t capacity)
    : keys_(keys), capacity_(capacity), arena_(capacity * kSlotBytes) {
    YIKA_ASSERT(capacity > 0);
}

std::span<std::uint8_t> TerminalRegistry::slotTmk(std::size_t slot) const {
    return {arena_.data() + slot * kSlotBytes, crypto::kTerminalMasterKeyBytes};
}

std::span<std::uint8_t, crypto::kSessionKeyBytes> TerminalRegistry::slotMacKey(
    std::size_t slot) const {
    return std::span<std::uint8_t, crypto::kSessionKeyBytes>(
        arena_.data() + slot * kSlotBytes + crypto::kTerminalMasterKeyBytes,
        crypto::kSessionKeyBytes);
}

std::span<std::uint8_t, crypto::kSessionKeyBytes> TerminalRegistry::slotPinKey(
    std::size_t slot) const {
    return std::span<std::uint8_t, crypto::kSessionKeyBytes>(arena_.data() + slot * kSlotBytes +
                                                                 crypto::kTerminalMasterKeyBytes +
                                                                 crypto::kSessionKeyBytes,
                                                             crypto::kSessionKeyBytes);
}

Status TerminalRegistry::put(const Terminal& terminal, std::string_view mid) {
    auto tmk = crypto::unwrapTerminalMasterKey(keys_, terminal.tmk_wrapped, terminal.tid);
    if (!tmk) {
        return makeError(
            ErrorCode::InvalidArgument,
            "terminal " + terminal.tid + ": master key does not unwrap with this key file");
    }
    std::unique_lock lock(mutex_);
    auto it = by_tid_.find(terminal.tid);
    if (it == by_tid_.end()) {
        if (by_tid_.size() >= capacity_) {
            return makeError(ErrorCode::NotPermitted,
                             "terminal registry is full (pos.terminals_max)");
        }
        it = by_tid_.emplace(terminal.tid, Entry{{}, by_tid_.size()}).first;
        it->second.view.signed_on = false;
    }
    Entry& e = it->second;
    e.view.id = terminal.id;
    e.view.merchant_id = terminal.merchant_id;
    e.view.mid = std::string(mid);
    e.view.active = terminal.state == TerminalState::Active;
    std::copy(tmk->data(), tmk->data() + tmk->size(), slotTmk(e.slot).begin());
    return Ok{};
}

std::optional<TerminalView> TerminalRegistry::find(std::string_view tid) const {
    std::shared_lock lock(mutex_);
    auto it = by_tid_.find(std::string(tid));
    if (it == by_tid_.end()) return std::nullopt;
    return it->second.view;
}

crypto::SignOnKeyData TerminalRegistry::startSession(std::string_view tid,
                                                     const crypto::SessionNonce& nonce) {
    std::unique_lock lock(mutex_);
    auto it = by_tid_.find(std::string(tid));
    YIKA_ASSERT(it != by_tid_.end());
    std::size_t slot = it->second.slot;
    crypto::deriveSessionKeysInto(slotTmk(slot), tid, nonce, slotMacKey(slot), slotPinKey(slot));
    it->second.view.signed_on = true;
    return crypto::makeSignOnKeyData(nonce, slotMacKey(slot), slotPinKey(slot));
}

bool TerminalRegistry::verifyMac(std::string_view tid, std::span<const std::uint8_t> mac_input,
                                 std::span<const std::uint8_t> mac) const {
    std::shared_lock lock(mutex_);
    auto it = by_tid_.find(std::string(tid));
    if (it == by_tid_.end() || !it->second.view.signed_on) return false;
    return crypto::verifyMac(slotMacKey(it->second.slot), mac_input, mac);
}

std::optional<crypto::TerminalMac> TerminalRegistry::mac(
    std::string_view tid, std::span<const std::uint8_t> mac_input) const {
    std::shared_lock lock(mutex_);
    auto it = by_tid_.find(std::string(tid));
    if (it == by_tid_.end() || !it->second.view.signed_on) return std::nullopt;
    return crypto::computeMac(slotMacKey(it->second.slot), mac_input);
}

std::optional<std::string> TerminalRegistry::decryptPin(const crypto::PinBlockContext& context,
                                                        std::span<const std::uint8_t> block,
                                                        std::string_view pan) const {
    std::shared_lock lock(mutex_);
    auto it = by_tid_.find(std::string(context.tid));
    if (it == by_tid_.end() || !it->second.view.signed_on) return std::nullopt;
    return crypto::decryptPin(slotPinKey(it->second.slot), context, block, pan);
}

}  // namespace yika::pos
