#pragma once

// PosixFile: a file descriptor owned by RAII, with the few I/O operations crypto/ needs, each
// returning a Result instead of setting errno. Key files and sealed files are written with
// O_EXCL and explicit modes, synced (file and directory) before success is reported, and read
// through fstat() of the opened descriptor so that the checked file is the one being read.
//
// Error mapping, in this one place: ENOSPC and EDQUOT -> StorageFull; any other I/O failure ->
// StorageUnavailable; refusals about the file itself (missing, wrong mode, not regular, too big)
// -> InvalidArgument; O_EXCL finding an existing file -> Duplicate.

#include "card_core/domain/result.h"
#include "crypto/secure_buffer.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <sys/types.h>

namespace yika::crypto {

// Owner-only mode for files holding secrets.
inline constexpr mode_t kPrivateFileMode = 0600;

class PosixFile {
  public:
    // Not open.
    PosixFile() = default;
    // Adopts `fd` (closed by the destructor); `path` only labels error messages.
    PosixFile(int fd, std::string path);
    // Closes the descriptor, ignoring errors (call close() to see them).
    ~PosixFile();

    PosixFile(PosixFile&& other) noexcept;
    PosixFile& operator=(PosixFile&& other) noexcept;
    PosixFile(const PosixFile&) = delete;
    PosixFile& operator=(const PosixFile&) = delete;

    // Creates `path` for writing with O_CREAT|O_EXCL|O_CLOEXEC and exactly `mode` (fchmod after
    // open, so the umask cannot widen or narrow it). Errors: Duplicate if anything (even a
    // dangling symlink) exists at `path`; StorageFull; StorageUnavailable.
    static Result<PosixFile> createExclusive(const std::string& path, mode_t mode);
    // Opens an existing regular file read-only. Errors: InvalidArgument if it is missing,
    // unreadable or not a regular file.
    static Result<PosixFile> openForReading(const std::string& path);

    bool isOpen() const { return fd_ >= 0; }
    int fd() const { return fd_; }
    const std::string& path() const { return path_; }

    // Writes all of `bytes`, retrying short writes and EINTR. Requires isOpen().
    Status writeAll(std::span<const std::uint8_t> bytes);
    Status writeAll(std::string_view text);
    // Reads until `out` is full or end of file; the number of bytes read. Requires isOpen().
    Result<std::size_t> readFull(std::span<std::uint8_t> out);
    // fsync(2). Requires isOpen().
    Status sync();
    // Closes and reports the close(2) error, which on some file systems is the first report of
    // a failed write. Requires isOpen(); afterwards isOpen() is false.
    Status close();

  private:
    int fd_ = -1;
    std::string path_;
};

// The Error for a failed system call: `operation` and `path` name it, `error_number` is errno.
Error errnoError(std::string_view operation, const std::string& path, int error_number);

// fsync of the directory holding `path`, so that a create or rename survives a crash.
Status syncParentDirectory(const std::string& path);

// Reads a whole secret file into locked memory. Refuses (InvalidArgument) a missing or
// non-regular file, a file of more than `bytes_max` bytes, and a file that grants any permission
// to group or others (mode & 077): a key that others could have read is no longer secret.
// Read failures are StorageUnavailable.
Result<SecureBuffer> readPrivateFile(const std::string& path, std::size_t bytes_max);

// As readPrivateFile, without the mode check, for files that are not secret (public keys).
Result<SecureBuffer> readFileBounded(const std::string& path, std::size_t bytes_max);

// Creates `path` with O_EXCL and `mode`, writes `bytes`, fsyncs it and its directory. On any
// failure the partial file is removed. Errors as createExclusive and writeAll.
Status writeNewFile(const std::string& path, std::span<const std::uint8_t> bytes, mode_t mode);

// Atomically replaces `path` with `bytes` (mode 0600): a mkstemp() sibling is written, synced,
// renamed over `path`, and the directory synced. Readers see the old or the new file, never a
// mix. On failure `path` is unchanged and the temporary file is removed.
Status replacePrivateFile(const std::string& path, std::span<const std::uint8_t> bytes);

}  // namespace yika::crypto
