#pragma once

// Ports through which the domain uses secrets without knowing how they are kept. The crypto/
// target implements them with libsodium; tests may use fakes. No PIN, key or full card number
// ever leaves these interfaces in a form that could be logged: the domain holds card numbers
// in clear only transiently (generation, binding, terminal requests).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yika {

using Bytes = std::vector<std::uint8_t>;

// A keyed PIN verification value (PVV) of (card id, PIN). Thread-safe.
class PinVerifier {
  public:
    virtual ~PinVerifier() = default;
    // The PVV of `pin` for card `card_id` under the current key; `pin` is 4-12 digits.
    virtual Bytes pinVerificationValue(std::int64_t card_id, std::string_view pin) const = 0;
    // Constant-time check of `pin` against a stored PVV (any key id still in the key file).
    virtual bool verifyPin(std::int64_t card_id, std::string_view pin, const Bytes& pvv) const = 0;
};

// Encrypts card numbers at rest and finds them by a keyed lookup hash. Thread-safe.
class CardNumberVault {
  public:
    virtual ~CardNumberVault() = default;
    // Authenticated encryption of the card number (key id + nonce + ciphertext + tag).
    virtual Bytes encrypt(std::string_view pan) const = 0;
    // Empty if the blob was tampered with or its key is not in the key file.
    virtual std::optional<std::string> decrypt(const Bytes& blob) const = 0;
    // Keyed hash used as the unique index: equal numbers give equal hashes.
    virtual Bytes lookupHash(std::string_view pan) const = 0;
};

// Cryptographically secure randomness (the OS CSPRNG). Thread-safe.
class RandomSource {
  public:
    virtual ~RandomSource() = default;
    // A uniformly random integer in [0, upper_bound); upper_bound > 0.
    virtual std::uint32_t uniform(std::uint32_t upper_bound) = 0;
    // `count` uniformly random decimal digits.
    std::string digits(std::size_t count);
};

}  // namespace yika
