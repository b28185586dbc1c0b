#pragma once

// The key file: where the KeyRing (key_ring.h) lives at rest.
//
// Format (text, '\n' line ends, at most kKeyFileBytesMax bytes):
//
//     yika-keyfile 1
//     # comment lines start with '#'; empty lines are ignored
//     pin-verification 1 <64 hex digits>
//     card-number-encryption 1 <64 hex digits>
//     ...
//     pin-verification 2 <64 hex digits>      <- appended by rotateKey
//
// Each key line is `<purpose> <key id> <key hex>`, separated by single spaces. The file must be
// mode 0600 (no access for group or others); everything here creates it so and refuses to read
// it otherwise. The file is the only copy of the keys: back it up offline, since losing it makes
// every encrypted card number and PVV unusable.
//
// No function here ever puts key material in an Error detail; errors name the file and line.

#include "card_core/domain/result.h"
#include "crypto/key_ring.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace yika::crypto {

inline constexpr std::size_t kKeyFileBytesMax = 256 * 1024;

// Creates `path` holding one fresh random key (id 1) for every purpose, with O_CREAT|O_EXCL and
// mode 0600, then fsyncs it and its directory. Errors: Duplicate if `path` exists (a key file is
// never overwritten); StorageFull; StorageUnavailable.
Status createKeyFile(const std::string& path);

// Loads and validates the key file at `path`. Symlinks are followed (secret mounts use them); the
// mode checked is that of the file actually read (fstat of the open descriptor). Errors, all
// InvalidArgument with the path and line in the detail: missing or unreadable file, not a regular
// file, mode grants anything to group or others, larger than kKeyFileBytesMax, first line not
// `yika-keyfile 1`, a malformed line, an unknown purpose, a bad key id (not 1..65535), key hex not
// exactly 64 hex digits, a duplicate id within a purpose, a purpose without a key, more than
// kKeyRingKeysMax keys. Read failures are StorageUnavailable. The file text is read into locked
// memory and wiped.
Result<KeyRing> loadKeyFile(const std::string& path);

// Adds a fresh random key for `purpose` with the next id (current id + 1) and returns that id.
// The file is validated as by loadKeyFile, then replaced atomically (a 0600 temporary sibling,
// fsync, rename, directory fsync), keeping its other lines and comments; on any error it is
// unchanged. Running processes keep using their loaded KeyRing until they reload the file.
// Errors: those of loadKeyFile; InvalidArgument when the purpose is at id 65535 or the file
// would exceed kKeyRingKeysMax keys or kKeyFileBytesMax; StorageFull; StorageUnavailable.
// Not safe against a concurrent rotateKey of the same file (one writer at a time: the admin
// tool); concurrent loadKeyFile calls are safe.
Result<std::uint16_t> rotateKey(const std::string& path, KeyPurpose purpose);

}  // namespace yika::crypto
