#pragma once

// SealKeyPair: the X25519 key pair (libsodium crypto_box) that sealed files are encrypted to.
// The card manufacturer generates it and gives us the public key; only they can open the files.
//
// Key files are one line of text:
//     public:  "yika-seal-public-key 1 <64 hex digits>\n"   mode 0644
//     secret:  "yika-seal-secret-key 1 <64 hex digits>\n"   mode 0600, refused if group/other
//                                                            have any access
// The secret file holds only the secret key; the public key is derived from it on reading.

#include "card_core/domain/result.h"
#include "crypto/secure_buffer.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace yika::crypto {

inline constexpr std::size_t kSealPublicKeyBytes = 32;
inline constexpr std::size_t kSealSecretKeyBytes = 32;

using SealPublicKey = std::array<std::uint8_t, kSealPublicKeyBytes>;

struct SealKeyPair {
    SealPublicKey public_key;
    SecureBuffer secret_key;  // kSealSecretKeyBytes, locked memory
};

// A fresh random key pair. Thread-safe.
SealKeyPair generateSealKeyPair();

// Writes `public_key` to a new file at `path` (O_EXCL, mode 0644). Errors: Duplicate if `path`
// exists; StorageFull; StorageUnavailable.
Status writeSealPublicKeyFile(const std::string& path, const SealPublicKey& public_key);
// Reads a public key file. Errors: InvalidArgument for a missing file or a bad format.
Result<SealPublicKey> readSealPublicKeyFile(const std::string& path);

// Writes the secret key of `pair` to a new file at `path` (O_EXCL, mode 0600). Errors as
// writeSealPublicKeyFile.
Status writeSealSecretKeyFile(const std::string& path, const SealKeyPair& pair);
// Reads a secret key file and derives its public key. Errors: InvalidArgument for a missing
// file, a mode granting group or others any access, or a bad format; the detail never contains
// key material.
Result<SealKeyPair> readSealSecretKeyFile(const std::string& path);

}  // namespace yika::crypto
