#pragma once

// The terminals the POS service knows, with their keys in one locked arena: each terminal's
// master key (unwrapped once at load) and the session MAC and PIN keys of its last sign-on.
// One SecureBuffer per key would cost guard pages and mappings per terminal, which ten
// thousand terminals would exhaust.
//
// Thread-safe: the loop thread verifies MACs and decrypts PINs, the writer thread signs
// responses and installs new sessions.

#include "card_core/domain/terminal.h"
#include "crypto/key_ring.h"
#include "crypto/secure_buffer.h"
#include "crypto/terminal_keys.h"

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

namespace yika::pos {

struct TerminalView {
    TerminalId id = 0;
    MerchantId merchant_id = 0;
    std::string mid;
    bool active = false;
    bool signed_on = false;
};

class TerminalRegistry {
  public:
    // Room for `capacity` terminals (config: pos.terminals_max).
    TerminalRegistry(const crypto::KeyRing& keys, std::size_t capacity);

    // Adds or refreshes a terminal. Errors: InvalidArgument if its master key does not unwrap
    // (wrong key file or tampered row), NotPermitted when the registry is full.
    Status put(const Terminal& terminal, std::string_view mid);
    std::optional<TerminalView> find(std::string_view tid) const;

    // Installs the session of a sign-on with `nonce`; returns field 62's key data.
    // Precondition: the terminal is known.
    crypto::SignOnKeyData startSession(std::string_view tid, const crypto::SessionNonce& nonce);

    // False when the terminal is unknown or not signed on, or the MAC is wrong.
    bool verifyMac(std::string_view tid, std::span<const std::uint8_t> mac_input,
                   std::span<const std::uint8_t> mac) const;
    // Empty when the terminal is unknown or not signed on.
    std::optional<crypto::TerminalMac> mac(std::string_view tid,
                                           std::span<const std::uint8_t> mac_input) const;
    // The PIN in field 52, or empty (unknown terminal, no session, malformed block).
    std::optional<std::string> decryptPin(const crypto::PinBlockContext& context,
                                          std::span<const std::uint8_t> block,
                                          std::string_view pan) const;

  private:
    static constexpr std::size_t kSlotBytes =
        crypto::kTerminalMasterKeyBytes + 2 * crypto::kSessionKeyBytes;
    struct Entry {
        TerminalView view;
        std::size_t slot = 0;
    };
    std::span<std::uint8_t> slotTmk(std::size_t slot) const;
    std::span<std::uint8_t, crypto::kSessionKeyBytes> slotMacKey(std::size_t slot) const;
    std::span<std::uint8_t, crypto::kSessionKeyBytes> slotPinKey(std::size_t slot) const;

    const crypto::KeyRing& keys_;
    std::size_t capacity_;
    mutable crypto::SecureBuffer arena_;  // written only under the exclusive lock
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, Entry> by_tid_;
};

}  // namespace yika::pos
