#include "crypto/sealed_file.h"

#include "card_core/domain/assert.h"
#include "crypto/random.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include <sys/stat.h>
#include <unistd.h>

namespace yika::crypto {

namespace {

using StreamState = crypto_secretstream_xchacha20poly1305_state;

constexpr std::string_view kMagic = "YIKASEAL1\n";
constexpr std::size_t kStreamKeyBytes = crypto_secretstream_xchacha20poly1305_KEYBYTES;
constexpr std::size_t kSealedKeyBytes = crypto_box_SEALBYTES + kStreamKeyBytes;
constexpr std::size_t kStreamHeaderBytes = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr std::size_t kFileHeaderBytes = kMagic.size() + kSealedKeyBytes + kStreamHeaderBytes;
constexpr std::size_t kLengthBytes = 4;
constexpr std::size_t kChunkOverheadBytes = crypto_secretstream_xchacha20poly1305_ABYTES;
constexpr std::size_t kChunkCiphertextBytesMax = kSealChunkBytes + kChunkOverheadBytes;
constexpr std::uint8_t kTagMessage = crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
constexpr std::uint8_t kTagFinal = crypto_secretstream_xchacha20poly1305_TAG_FINAL;

// sodium_malloc memory is only as aligned as its size, so the state must not need alignment.
static_assert(alignof(StreamState) == 1);
static_assert(kChunkCiphertextBytesMax <= UINT32_MAX);

StreamState* asStreamState(SecureBuffer& buffer) {
    YIKA_ASSERT(buffer.size() == sizeof(StreamState));
    return reinterpret_cast<StreamState*>(buffer.data());
}

Error formatError(std::string_view what) {
    return makeError(ErrorCode::InvalidArgument, "sealed file: " + std::string(what));
}

void putLength(std::uint32_t length, std::uint8_t* out) {
    for (std::size_t i = 0; i < kLengthBytes; ++i) {
        out[i] = static_cast<std::uint8_t>(length >> (8 * (kLengthBytes - 1 - i)));
    }
}

std::uint32_t getLength(const std::uint8_t* in) {
    std::uint32_t length = 0;
    for (std::size_t i = 0; i < kLengthBytes; ++i) {
        length = (length << 8) | in[i];
    }
    return length;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// SealedFileWriter

SealedFileWriter::SealedFileWriter(std::string path, PosixFile file, SecureBuffer stream_state)
    : path_(std::move(path)),
      file_(std::move(file)),
      stream_state_(std::move(stream_state)),
      plaintext_(kSealChunkBytes),
      frame_(kLengthBytes + kChunkCiphertextBytesMax) {}

Result<SealedFileWriter> SealedFileWriter::create(const std::string& path,
                                                  const SealPublicKey& recipient) {
    ensureSodium();
    // All cryptography happens before the file exists, so a bad key leaves nothing behind.
    SecureBuffer stream_key(kStreamKeyBytes);
    crypto_secretstream_xchacha20poly1305_keygen(stream_key.data());
    std::array<std::uint8_t, kFileHeaderBytes> header{};
    std::memcpy(header.data(), kMagic.data(), kMagic.size());
    std::uint8_t* sealed_key = header.data() + kMagic.size();
    if (crypto_box_seal(sealed_key, stream_key.data(), stream_key.size(), recipient.data()) != 0) {
        return makeError(ErrorCode::InvalidArgument,
                         "sealed file " + path + ": recipient public key is not usable");
    }
    SecureBuffer stream_state(sizeof(StreamState));
    YIKA_ASSERT(crypto_secretstream_xchacha20poly1305_init_push(asStreamState(stream_state),
                                                                sealed_key + kSealedKeyBytes,
                                                                stream_key.data()) == 0);

    auto file = PosixFile::createExclusive(path, kPrivateFileMode);
    if (!file) {
        return file.error();
    }
    SealedFileWriter writer(path, std::move(file).value(), std::move(stream_state));
    const Status written = writer.file_.writeAll(header);
    if (!written) {
        return writer.fail(written.error());
    }
    return writer;
}

SealedFileWriter::SealedFileWriter(SealedFileWriter&& other) noexcept
    : path_(std::move(other.path_)),
      file_(std::move(other.file_)),
      stream_state_(std::move(other.stream_state_)),
      plaintext_(std::move(other.plaintext_)),
      buffered_bytes_(std::exchange(other.buffered_bytes_, 0)),
      plaintext_bytes_(std::exchange(other.plaintext_bytes_, 0)),
      frame_(std::move(other.frame_)),
      state_(std::exchange(other.state_, State::MovedFrom)),
      failure_(std::move(other.failure_)) {}

SealedFileWriter& SealedFileWriter::operator=(SealedFileWriter&& other) noexcept {
    if (this != &other) {
        abandon();
        path_ = std::move(other.path_);
        file_ = std::move(other.file_);
        stream_state_ = std::move(other.stream_state_);
        plaintext_ = std::move(other.plaintext_);
        buffered_bytes_ = std::exchange(other.buffered_bytes_, 0);
        plaintext_bytes_ = std::exchange(other.plaintext_bytes_, 0);
        frame_ = std::move(other.frame_);
        state_ = std::exchange(other.state_, State::MovedFrom);
        failure_ = std::move(other.failure_);
    }
    return *this;
}

SealedFileWriter::~SealedFileWriter() { abandon(); }

void SealedFileWriter::abandon() noexcept {
    if (state_ != State::Open) {
        return;
    }
    // An unfinished file has no FINAL chunk, so a reader would refuse it anyway; removing it
    // keeps a half-written export from being shipped or mistaken for a complete one.
    file_ = PosixFile();
    ::unlink(path_.c_str());
    state_ = State::Failed;
}

Error SealedFileWriter::fail(Error error) {
    abandon();
    failure_ = error;
    return error;
}

Status SealedFileWriter::append(std::string_view plaintext) {
    YIKA_ASSERT(state_ == State::Open || state_ == State::Failed);
    if (state_ == State::Failed) {
        return *failure_;
    }
    // Each iteration consumes at least one byte (the buffer is never left full).
    while (!plaintext.empty()) {
        const std::size_t take = std::min(kSealChunkBytes - buffered_bytes_, plaintext.size());
        std::memcpy(plaintext_.data() + buffered_bytes_, plaintext.data(), take);
        buffered_bytes_ += take;
        plaintext_bytes_ += take;
        plaintext.remove_prefix(take);
        if (buffered_bytes_ == kSealChunkBytes) {
            YIKA_TRY(writeChunk(kTagMessage));
        }
    }
    return Ok{};
}

Status SealedFileWriter::finish() {
    YIKA_ASSERT(state_ == State::Open || state_ == State::Failed);
    if (state_ == State::Failed) {
        return *failure_;
    }
    YIKA_TRY(writeChunk(kTagFinal));
    // The data must be on disk before the name is: sync the file, then its directory entry.
    Status status = file_.sync();
    if (status) {
        status = file_.close();
    }
    if (status) {
        status = syncParentDirectory(path_);
    }
    if (!status) {
        return fail(status.error());
    }
    state_ = State::Finished;
    return Ok{};
}

Status SealedFileWriter::writeChunk(std::uint8_t tag) {
    unsigned long long ciphertext_bytes = 0;
    YIKA_ASSERT(crypto_secretstream_xchacha20poly1305_push(
                    asStreamState(stream_state_), frame_.data() + kLengthBytes, &ciphertext_bytes,
                    plaintext_.data(), buffered_bytes_, nullptr, 0, tag) == 0);
    YIKA_ASSERT(ciphertext_bytes == buffered_bytes_ + kChunkOverheadBytes);
    putLength(static_cast<std::uint32_t>(ciphertext_bytes), frame_.data());
    buffered_bytes_ = 0;
    const Status written = file_.writeAll(
        std::span<const std::uint8_t>(frame_.data(), kLengthBytes + ciphertext_bytes));
    if (!written) {
        return fail(written.error());
    }
    return Ok{};
}

// ---------------------------------------------------------------------------------------------
// SealedFileReader

SealedFileReader::SealedFileReader(PosixFile file, SecureBuffer stream_state,
                                   std::uint64_t file_bytes)
    : file_(std::move(file)),
      stream_state_(std::move(stream_state)),
      frame_(kChunkCiphertextBytesMax),
      file_bytes_(file_bytes) {}

Result<SealedFileReader> SealedFileReader::open(const std::string& path,
                                                const SealPublicKey& public_key,
                                                std::span<const std::uint8_t> secret_key) {
    YIKA_ASSERT(secret_key.size() == kSealSecretKeyBytes);
    ensureSodium();
    auto file = PosixFile::openForReading(path);
    if (!file) {
        return file.error();
    }
    struct stat st {};
    if (::fstat(file->fd(), &st) != 0) {
        return errnoError("fstat", path, errno);
    }
    std::array<std::uint8_t, kFileHeaderBytes> header{};
    auto read = file->readFull(header);
    if (!read) {
        return read.error();
    }
    if (*read < kMagic.size() || std::memcmp(header.data(), kMagic.data(), kMagic.size()) != 0) {
        return formatError(path + " is not a sealed file (bad magic)");
    }
    if (*read < header.size()) {
        return formatError(path + " is truncated inside its header");
    }
    const std::uint8_t* sealed_key = header.data() + kMagic.size();
    SecureBuffer stream_key(kStreamKeyBytes);
    if (crypto_box_seal_open(stream_key.data(), sealed_key, kSealedKeyBytes, public_key.data(),
                             secret_key.data()) != 0) {
        return formatError(path + " was not sealed to this key pair, or its header was altered");
    }
    SecureBuffer stream_state(sizeof(StreamState));
    if (crypto_secretstream_xchacha20poly1305_init_pull(
            asStreamState(stream_state), sealed_key + kSealedKeyBytes, stream_key.data()) != 0) {
        return formatError(path + " has an invalid stream header");
    }
    return SealedFileReader(std::move(file).value(), std::move(stream_state),
                            static_cast<std::uint64_t>(st.st_size));
}

Error SealedFileReader::fail(Error error) {
    failure_ = error;
    file_ = PosixFile();
    return error;
}

Result<bool> SealedFileReader::next(std::string& chunk) {
    chunk.clear();
    if (failure_) {
        return *failure_;
    }
    if (done_) {
        return false;
    }
    auto more = readChunk(chunk);
    if (!more) {
        // Whatever was decrypted so far of this chunk is not authentic; do not hand it out.
        sodium_memzero(chunk.data(), chunk.size());
        chunk.clear();
        return fail(more.error());
    }
    return true;
}

// Reads, bounds-checks and decrypts one chunk. Its length prefix is untrusted: it is checked
// against the fixed maximum before any byte is read, and frame_ never grows.
Result<bool> SealedFileReader::readChunk(std::string& chunk) {
    std::array<std::uint8_t, kLengthBytes> prefix{};
    auto read = file_.readFull(prefix);
    if (!read) {
        return read.error();
    }
    if (*read == 0) {
        return formatError("ends before its final chunk (truncated)");
    }
    if (*read < prefix.size()) {
        return formatError("truncated inside a chunk length");
    }
    const std::uint32_t length = getLength(prefix.data());
    if (length < kChunkOverheadBytes || length > kChunkCiphertextBytesMax) {
        return formatError("chunk length out of bounds");
    }
    read = file_.readFull(std::span(frame_.data(), length));
    if (!read) {
        return read.error();
    }
    if (*read < length) {
        return formatError("truncated inside a chunk");
    }
    chunk.resize(length - kChunkOverheadBytes);
    unsigned long long plaintext_bytes = 0;
    std::uint8_t tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(
            asStreamState(stream_state_), reinterpret_cast<std::uint8_t*>(chunk.data()),
            &plaintext_bytes, &tag, frame_.data(), length, nullptr, 0) != 0) {
        return formatError("chunk fails authentication (altered, reordered or from another file)");
    }
    YIKA_ASSERT(plaintext_bytes == chunk.size());
    if (tag == kTagMessage) {
        // The writer only emits full non-final chunks; refusing others keeps the format
        // canonical and bounds the chunk count by the plaintext size.
        if (chunk.size() != kSealChunkBytes) {
            return formatError("short non-final chunk");
        }
        return true;
    }
    if (tag != kTagFinal) {
        return formatError("unexpected chunk tag");
    }
    std::array<std::uint8_t, 1> extra{};
    read = file_.readFull(extra);
    if (!read) {
        return read.error();
    }
    if (*read != 0) {
        return formatError("has bytes after its final chunk");
    }
    done_ = true;
    file_ = PosixFile();
    return true;
}

Result<std::string> openSealedFile(const std::string& path, const SealPublicKey& public_key,
                                   std::span<const std::uint8_t> secret_key,
                                   std::size_t plaintext_bytes_max) {
    auto reader = SealedFileReader::open(path, public_key, secret_key);
    if (!reader) {
        return reader.error();
    }
    std::string plaintext;
    // The file size bounds the plaintext; reserving it up front avoids reallocations that
    // would leave copies of the plaintext in freed memory.
    plaintext.reserve(static_cast<std::size_t>(
        std::min<std::uint64_t>(reader->fileBytes(), plaintext_bytes_max)));
    std::string chunk;
    const auto wipe = [&] {
        sodium_memzero(plaintext.data(), plaintext.size());
        sodium_memzero(chunk.data(), chunk.size());
    };
    // Bounded: every chunk but the last adds kSealChunkBytes, and the total is capped below.
    for (;;) {
        auto more = reader->next(chunk);
        if (!more) {
            wipe();
            return more.error();
        }
        if (!*more) {
            break;
        }
        if (chunk.size() > plaintext_bytes_max - plaintext.size()) {
            wipe();
            return formatError(path + " holds more than " + std::to_string(plaintext_bytes_max) +
                               " bytes");
        }
        plaintext += chunk;
    }
    sodium_memzero(chunk.data(), chunk.size());
    return plaintext;
}

}  // namespace yika::crypto
