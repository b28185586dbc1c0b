#pragma once

// Terminal key management for the ISO 8583 terminal protocol (docs/terminal-protocol.md,
// section "Key management, MAC and PIN"): the terminal master key (TMK), the session keys
// derived at each sign-on, the field 64 MAC and the field 52 PIN block.
//
// Everything is HMAC-SHA256 (RFC 2104 / FIPS 198-1), so a terminal vendor can implement its
// side with any HMAC-SHA256 library; only the host-side wrapping of TMKs at rest uses
// XChaCha20-Poly1305, which never leaves the host.
//
//   TMK (16 random bytes, injected into the terminal once; stored wrapped under the key ring)
//     |
//     |  sign-on: the host draws nonce (16 random bytes), sends it in field 62 of the 0810
//     v
//   mac_key = HMAC-SHA256(TMK, "yika-mac-v1" || TID || nonce)                       32 bytes
//   pin_key = HMAC-SHA256(TMK, "yika-pin-v1" || TID || nonce)                       32 bytes
//     |
//     +-- field 64 = HMAC-SHA256(mac_key, MAC input)[0, 8)
//     +-- field 52 = ISO 9564-1 format 0 PIN block XOR
//                    HMAC-SHA256(pin_key, "yika-pinblock-v1" || TID || batch || trace)[0, 8)
//
//   KCV(key) = HMAC-SHA256(key, 16 zero bytes)[0, 3)   (key check value, shown as 6 hex digits)
//
// TID is the 8 characters of field 41, batch the 6 ASCII digits of 60.2, trace the 6 ASCII
// digits of field 11. Every input has a fixed length, so no two different inputs concatenate
// to the same bytes. The labels differ in their first bytes from the KCV input (16 zero bytes)
// and from every MAC input (which starts with a BCD MTI), so no value made for one purpose is
// valid for another.
//
// Key material lives in SecureBuffers or in caller-supplied spans (which the caller keeps in
// locked memory); stack temporaries are wiped with sodium_memzero before returning.
// Every function is pure or uses only the OS CSPRNG, and is thread-safe.

#include "card_core/domain/secrets.h"
#include "crypto/key_ring.h"
#include "crypto/secure_buffer.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace yika::crypto {

inline constexpr std::size_t kTerminalMasterKeyBytes = 16;
inline constexpr std::size_t kKeyCheckValueBytes = 3;
inline constexpr std::size_t kSessionNonceBytes = 16;
inline constexpr std::size_t kSessionKeyBytes = 32;
inline constexpr std::size_t kHmacSha256Bytes = 32;
inline constexpr std::size_t kTerminalMacBytes = 8;  // field 64
inline constexpr std::size_t kPinBlockBytes = 8;     // field 52
inline constexpr std::size_t kTerminalIdChars = 8;   // field 41
inline constexpr std::size_t kBatchDigits = 6;       // 60.2
inline constexpr std::size_t kTraceDigits = 6;       // field 11
// ISO 9564-1 format 0 takes the 12 rightmost PAN digits excluding the check digit.
inline constexpr std::size_t kPinBlockPanDigitsMin = 13;
inline constexpr std::size_t kPinBlockPanDigitsMax = 19;
inline constexpr std::size_t kPinBlockPinDigitsMin = 4;
inline constexpr std::size_t kPinBlockPinDigitsMax = 12;
// Field 62 of an approved 0810: nonce || KCV(mac_key) || KCV(pin_key).
inline constexpr std::size_t kSignOnKeyDataBytes = kSessionNonceBytes + 2 * kKeyCheckValueBytes;
// A wrapped TMK: key id (2) || nonce (24) || ciphertext (16) || tag (16).
inline constexpr std::size_t kWrappedTerminalMasterKeyBytes = 2 + 24 + kTerminalMasterKeyBytes + 16;
// Field 53 for this scheme: 53.1 "2" ISO 9564-1 format 0 (with PAN), 53.2 "9" Yika session
// key / HMAC-SHA256 keystream, 53.3 "0" no track encryption, then 13 zeros.
inline constexpr std::string_view kPinSecurityControl = "2900000000000000";

static_assert(kSignOnKeyDataBytes == 22);
static_assert(kTerminalMacBytes <= kHmacSha256Bytes && kPinBlockBytes <= kHmacSha256Bytes);

using KeyCheckValue = std::array<std::uint8_t, kKeyCheckValueBytes>;
using SessionNonce = std::array<std::uint8_t, kSessionNonceBytes>;
using TerminalMac = std::array<std::uint8_t, kTerminalMacBytes>;
using PinBlock = std::array<std::uint8_t, kPinBlockBytes>;
using HmacSha256Digest = std::array<std::uint8_t, kHmacSha256Bytes>;

// ---- HMAC-SHA256 and key check values ----------------------------------------------------

// HMAC-SHA256(key, input), the one primitive of this file (libsodium's
// crypto_auth_hmacsha256_init/update/final, which accept any key length). The digest is in
// ordinary memory: use it for MACs and known-answer tests, never for key derivation.
HmacSha256Digest hmacSha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> input);

// KCV(key) = HMAC-SHA256(key, 16 zero bytes)[0, 3). Reveals nothing useful about the key and
// lets two parties check that they hold the same key. Precondition: !key.empty().
KeyCheckValue keyCheckValue(std::span<const std::uint8_t> key);

// ---- Terminal master key -------------------------------------------------------------------

// A fresh TMK: kTerminalMasterKeyBytes bytes from the OS CSPRNG, in locked memory. Created when a
// terminal is registered, shown once to the operator (32 hex digits and its KCV) for injection
// into the device, then only stored wrapped.
SecureBuffer generateTerminalMasterKey();

// Wraps `tmk` for storage with XChaCha20-Poly1305 under the current TerminalKeyEncryption key:
//     blob = key id (2, big-endian) || nonce (24, random) || ciphertext (16) || tag (16)
//     additional data = "yika-tmk-v1" || key id || tid
// so the blob only opens for the terminal it was made for and under the key it names.
// Preconditions (asserted): tmk.size() == kTerminalMasterKeyBytes, tid.size() ==
// kTerminalIdChars. Returns kWrappedTerminalMasterKeyBytes bytes.
Bytes wrapTerminalMasterKey(const KeyRing& keys, std::span<const std::uint8_t> tmk,
                            std::string_view tid);

// The TMK in `blob`; empty if the blob has the wrong length, names a key id the ring does not
// hold, was made for another TID, or was tampered with. Never asserts on `blob` or `tid` (they
// come from storage).
std::optional<SecureBuffer> unwrapTerminalMasterKey(const KeyRing& keys,
                                                    std::span<const std::uint8_t> blob,
                                                    std::string_view tid);

// ---- Session keys (sign-on) ----------------------------------------------------------------

// The host's fresh session nonce for one sign-on (OS CSPRNG). Never reuse one.
SessionNonce generateSessionNonce();

struct SessionKeys {
    SecureBuffer mac_key;  // kSessionKeyBytes
    SecureBuffer pin_key;  // kSessionKeyBytes
};

// mac_key = HMAC-SHA256(tmk, "yika-mac-v1" || tid || nonce),
// pin_key = HMAC-SHA256(tmk, "yika-pin-v1" || tid || nonce).
// Preconditions (asserted): tmk.size() == kTerminalMasterKeyBytes, tid.size() ==
// kTerminalIdChars (field 41 always has 8 characters once decoded).
SessionKeys deriveSessionKeys(std::span<const std::uint8_t> tmk, std::string_view tid,
                              std::span<const std::uint8_t, kSessionNonceBytes> nonce);

// deriveSessionKeys() into caller-owned memory (for example one SecureBuffer arena holding the
// keys of many terminals: every SecureBuffer costs guard pages and memory mappings, which ten
// thousand terminals would exhaust). Same preconditions; the outputs must not overlap `tmk`.
void deriveSessionKeysInto(std::span<const std::uint8_t> tmk, std::string_view tid,
                           std::span<const std::uint8_t, kSessionNonceBytes> nonce,
                           std::span<std::uint8_t, kSessionKeyBytes> mac_key,
                           std::span<std::uint8_t, kSessionKeyBytes> pin_key);

// Field 62 of an approved 0810 sign-on response (kSignOnKeyDataBytes = 22 bytes):
//     nonce (16) || KCV(mac_key) (3) || KCV(pin_key) (3)
struct SignOnKeyData {
    SessionNonce nonce{};
    KeyCheckValue mac_key_kcv{};
    KeyCheckValue pin_key_kcv{};

    friend bool operator==(const SignOnKeyData&, const SignOnKeyData&) = default;
};

// The key data for `nonce` and the keys derived from it. Preconditions: both keys are
// kSessionKeyBytes long.
SignOnKeyData makeSignOnKeyData(const SessionNonce& nonce, std::span<const std::uint8_t> mac_key,
                                std::span<const std::uint8_t> pin_key);
std::array<std::uint8_t, kSignOnKeyDataBytes> formatSignOnKeyData(const SignOnKeyData& data);
// Empty unless `field62` is exactly kSignOnKeyDataBytes long (it comes from the network).
std::optional<SignOnKeyData> parseSignOnKeyData(std::span<const std::uint8_t> field62);
// True if both KCVs in `data` match the keys (constant time): the terminal derived the same
// keys as the host, i.e. holds the right TMK and read the nonce intact.
bool sessionKeysMatch(const SignOnKeyData& data, std::span<const std::uint8_t> mac_key,
                      std::span<const std::uint8_t> pin_key);

// ---- MAC (field 64) -------------------------------------------------------------------------

// HMAC-SHA256(mac_key, mac_input)[0, 8). `mac_input` is what iso8583::macInput() delimits: the
// MTI through the last field before 64. Precondition: mac_key.size() == kSessionKeyBytes.
TerminalMac computeMac(std::span<const std::uint8_t> mac_key,
                       std::span<const std::uint8_t> mac_input);

// Constant-time check of `mac` (field 64 as received) against computeMac(). False if `mac` is
// not kTerminalMacBytes long. Precondition: mac_key.size() == kSessionKeyBytes.
bool verifyMac(std::span<const std::uint8_t> mac_key, std::span<const std::uint8_t> mac_input,
               std::span<const std::uint8_t> mac);

// ---- PIN block (field 52) -------------------------------------------------------------------

// What makes the field 52 keystream unique: the request's field 41, 60.2 and 11, as they appear
// in the decoded message (8 characters, 6 ASCII digits, 6 ASCII digits). Views; the caller keeps
// the strings alive.
struct PinBlockContext {
    std::string_view tid;    // field 41
    std::string_view batch;  // 60.2
    std::string_view trace;  // field 11
};

// Whether the context has the shape above.
bool isValidPinBlockContext(const PinBlockContext& context);
// Whether `pin` is 4-12 ASCII digits.
bool isValidPin(std::string_view pin);
// Whether `pan` is 13-19 ASCII digits (format 0 needs 12 digits besides the check digit).
bool isValidPinBlockPan(std::string_view pan);

// Field 52: the ISO 9564-1 format 0 PIN block of (pin, pan) XOR the first 8 bytes of
// HMAC-SHA256(pin_key, "yika-pinblock-v1" || tid || batch || trace). Field 52 has no room for a
// nonce or a tag: the message MAC (which covers field 52) gives integrity, and the session key
// plus (batch, trace), unique per terminal request, make the keystream unique.
// Preconditions (asserted; the terminal validates its input first): pin_key.size() ==
// kSessionKeyBytes, isValidPinBlockContext(context), isValidPin(pin), isValidPinBlockPan(pan).
PinBlock encryptPinBlock(std::span<const std::uint8_t> pin_key, const PinBlockContext& context,
                         std::string_view pin, std::string_view pan);

// The PIN in field 52 `block`; empty if the block is not 8 bytes, the context or PAN has the
// wrong shape, or the decrypted block is not a well-formed format 0 block (format nibble not 0,
// length not 4-12, a PIN nibble that is not a digit, a padding nibble that is not F). A wrong
// key or context almost always yields a malformed block (and otherwise a wrong PIN). Never
// asserts on its inputs other than the key length (they come from the network).
std::optional<std::string> decryptPin(std::span<const std::uint8_t> pin_key,
                                      const PinBlockContext& context,
                                      std::span<const std::uint8_t> block, std::string_view pan);

}  // namespace yika::crypto
