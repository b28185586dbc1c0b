#pragma once

// Sealed files: large exports (card numbers for the card manufacturer) encrypted so that only
// the holder of a SealKeyPair's secret key (seal_key.h) can read them.
//
// Format:
//     magic          "YIKASEAL1\n"                                             10 bytes
//     sealed key     crypto_box_seal(stream key, recipient public key)         48 + 32 bytes
//     stream header  crypto_secretstream_xchacha20poly1305 header              24 bytes
//     chunk*         length (4 bytes, big-endian) || secretstream ciphertext   4 + 17 + n bytes
// Every chunk but the last carries exactly kSealChunkBytes of plaintext and TAG_MESSAGE; the last
// carries 0..kSealChunkBytes and TAG_FINAL and is followed by end of file.
//
// What this gives: confidentiality to the recipient, and detection of any change, reordering,
// truncation (the FINAL tag is missing) or extension (bytes after FINAL). What it does not:
// sender authenticity. crypto_box_seal is anonymous, so anyone with the public key can make a
// valid file; the recipient must learn by other means (the transfer channel) that we sent it.
//
// Reader contract: chunks are authenticated one by one, but a file is only known to be complete
// when next() returns false. Do not act on (import, print) the data before then.

#include "card_core/domain/result.h"
#include "crypto/posix_file.h"
#include "crypto/seal_key.h"
#include "crypto/secure_buffer.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace yika::crypto {

inline constexpr std::size_t kSealChunkBytes = 64 * 1024;
// openSealedFile's default bound on the whole plaintext (it is held in memory).
inline constexpr std::size_t kSealedPlaintextBytesMax = std::size_t{1} << 30;

// Writes one sealed file. Not thread-safe (one writer per thread at a time). Move-only.
//
//     create() --> Open --append()*--> Open --finish()--> Finished (file complete and synced)
//                    |                     |
//                    +-- any error --------+--> Failed (file removed; later calls fail)
//     destroyed while Open --> file removed (never leaves a partial file that looks finished)
class SealedFileWriter {
  public:
    // Creates `path` (O_EXCL, mode 0600) and writes the file header for `recipient`. Errors:
    // Duplicate if `path` exists; InvalidArgument if `recipient` is not a usable public key;
    // StorageFull; StorageUnavailable. On error no file is left behind.
    static Result<SealedFileWriter> create(const std::string& path, const SealPublicKey& recipient);

    SealedFileWriter(SealedFileWriter&& other) noexcept;
    SealedFileWriter& operator=(SealedFileWriter&& other) noexcept;
    SealedFileWriter(const SealedFileWriter&) = delete;
    SealedFileWriter& operator=(const SealedFileWriter&) = delete;
    // Removes the file unless finish() succeeded.
    ~SealedFileWriter();

    // Buffers `plaintext` (in locked memory) and writes every full chunk. Precondition: finish()
    // has not succeeded. Errors: StorageFull, StorageUnavailable; after one, the file is removed
    // and every later call returns that error again.
    Status append(std::string_view plaintext);
    // Writes the last chunk with TAG_FINAL, fsyncs the file and its directory, and closes it.
    // Precondition: finish() has not succeeded. Errors as append.
    Status finish();

    // Plaintext bytes accepted by append() so far.
    std::uint64_t plaintextBytes() const { return plaintext_bytes_; }

  private:
    enum class State { Open, Finished, Failed, MovedFrom };

    SealedFileWriter(std::string path, PosixFile file, SecureBuffer stream_state);
    Status writeChunk(std::uint8_t tag);
    Error fail(Error error);
    void abandon() noexcept;

    std::string path_;
    PosixFile file_;
    SecureBuffer stream_state_;  // crypto_secretstream_xchacha20poly1305_state
    SecureBuffer plaintext_;     // kSealChunkBytes
    std::size_t buffered_bytes_ = 0;
    std::uint64_t plaintext_bytes_ = 0;
    std::vector<std::uint8_t> frame_;  // length prefix + ciphertext of one chunk
    State state_ = State::Open;
    std::optional<Error> failure_;
};

// Reads one sealed file chunk by chunk. Not thread-safe. Move-only.
class SealedFileReader {
  public:
    // Opens `path` and unseals its stream key with the recipient's key pair (`secret_key` has
    // kSealSecretKeyBytes). Errors: InvalidArgument for a missing file, wrong magic, a file too
    // short for its header, or a key pair the file was not sealed to (or a tampered header);
    // StorageUnavailable for read failures.
    static Result<SealedFileReader> open(const std::string& path, const SealPublicKey& public_key,
                                         std::span<const std::uint8_t> secret_key);

    // Decrypts the next chunk into `chunk` and returns true; returns false once the FINAL chunk
    // has been returned (the file is then verified complete). The FINAL chunk may be empty.
    // Errors, all InvalidArgument and sticky (every later call returns the same error): a chunk
    // that fails authentication (tampered, reordered, from another file), a chunk length outside
    // [17, kSealChunkBytes + 17] (never allocated), a truncated chunk, end of file before the
    // FINAL chunk, bytes after it, a short non-final chunk. Read failures: StorageUnavailable.
    Result<bool> next(std::string& chunk);

    // The size of the file when it was opened, an upper bound of the plaintext size.
    std::uint64_t fileBytes() const { return file_bytes_; }

  private:
    SealedFileReader(PosixFile file, SecureBuffer stream_state, std::uint64_t file_bytes);
    Error fail(Error error);
    Result<bool> readChunk(std::string& chunk);

    PosixFile file_;
    SecureBuffer stream_state_;
    std::vector<std::uint8_t> frame_;
    std::uint64_t file_bytes_ = 0;
    bool done_ = false;
    std::optional<Error> failure_;
};

// The whole plaintext of the sealed file at `path`. Errors: those of SealedFileReader, and
// InvalidArgument if the plaintext exceeds `plaintext_bytes_max`. Nothing is returned unless
// the file verified completely.
Result<std::string> openSealedFile(const std::string& path, const SealPublicKey& public_key,
                                   std::span<const std::uint8_t> secret_key,
                                   std::size_t plaintext_bytes_max = kSealedPlaintextBytesMax);

}  // namespace yika::crypto
