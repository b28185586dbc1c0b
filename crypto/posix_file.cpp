#include "crypto/posix_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <system_error>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace yika::crypto {

namespace {

// std::error_code::message is thread-safe, unlike strerror.
std::string errnoText(int error_number) {
    return std::error_code(error_number, std::generic_category()).message();
}

std::string parentDirectory(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    if (slash == std::string::npos) {
        return ".";
    }
    if (slash == 0) {
        return "/";
    }
    return path.substr(0, slash);
}

enum class ModeCheck { PrivateOnly, Any };

Result<SecureBuffer> readWholeFile(const std::string& path, std::size_t bytes_max,
                                   ModeCheck mode_check) {
    auto file = PosixFile::openForReading(path);
    if (!file) {
        return file.error();
    }
    // fstat of the open descriptor: the mode checked is the mode of the bytes we read, even if
    // the path is swapped in between.
    struct stat st {};
    if (::fstat(file->fd(), &st) != 0) {
        return errnoError("fstat", path, errno);
    }
    if (mode_check == ModeCheck::PrivateOnly && (st.st_mode & 077) != 0) {
        return makeError(ErrorCode::InvalidArgument,
                         path + ": permissions allow access by group or others; chmod 600 it");
    }
    if (st.st_size < 0 || static_cast<std::size_t>(st.st_size) > bytes_max) {
        return makeError(ErrorCode::InvalidArgument,
                         path + ": larger than " + std::to_string(bytes_max) + " bytes");
    }
    // One byte of slack detects a file that grew after fstat; the result is trimmed below.
    SecureBuffer buffer(static_cast<std::size_t>(st.st_size) + 1);
    auto read = file->readFull(buffer.span());
    if (!read) {
        return read.error();
    }
    if (*read > bytes_max || *read != static_cast<std::size_t>(st.st_size)) {
        return makeError(ErrorCode::InvalidArgument, path + ": changed while being read");
    }
    SecureBuffer exact(*read);
    std::copy_n(buffer.data(), *read, exact.data());
    return exact;
}

}  // namespace

PosixFile::PosixFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

PosixFile::~PosixFile() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

PosixFile::PosixFile(PosixFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

PosixFile& PosixFile::operator=(PosixFile&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = std::exchange(other.fd_, -1);
        path_ = std::move(other.path_);
    }
    return *this;
}

Result<PosixFile> PosixFile::createExclusive(const std::string& path, mode_t mode) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        if (errno == EEXIST) {
            return makeError(ErrorCode::Duplicate,
                             path + ": already exists; refusing to overwrite");
        }
        return errnoError("create", path, errno);
    }
    PosixFile file(fd, path);
    // The umask may have removed bits from `mode`; set exactly what the caller asked for.
    if (::fchmod(fd, mode) != 0) {
        const int error_number = errno;
        file = PosixFile();
        ::unlink(path.c_str());
        return errnoError("fchmod", path, error_number);
    }
    return file;
}

Result<PosixFile> PosixFile::openForReading(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int error_number = errno;
        return makeError(ErrorCode::InvalidArgument,
                         path + ": cannot open: " + errnoText(error_number));
    }
    PosixFile file(fd, path);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        return errnoError("fstat", path, errno);
    }
    if (!S_ISREG(st.st_mode)) {
        return makeError(ErrorCode::InvalidArgument, path + ": not a regular file");
    }
    return file;
}

Status PosixFile::writeAll(std::span<const std::uint8_t> bytes) {
    YIKA_ASSERT(isOpen());
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errnoError("write", path_, errno);
        }
        // write(2) returns 0 only for a zero-length request, which the loop condition excludes.
        YIKA_ASSERT(n > 0);
        done += static_cast<std::size_t>(n);
    }
    return Ok{};
}

Status PosixFile::writeAll(std::string_view text) {
    return writeAll(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

Result<std::size_t> PosixFile::readFull(std::span<std::uint8_t> out) {
    YIKA_ASSERT(isOpen());
    std::size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = ::read(fd_, out.data() + done, out.size() - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errnoError("read", path_, errno);
        }
        if (n == 0) {
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    return done;
}

Status PosixFile::sync() {
    YIKA_ASSERT(isOpen());
    if (::fsync(fd_) != 0) {
        return errnoError("fsync", path_, errno);
    }
    return Ok{};
}

Status PosixFile::close() {
    YIKA_ASSERT(isOpen());
    const int fd = std::exchange(fd_, -1);
    // Linux releases the descriptor even when close fails, so it is never retried.
    if (::close(fd) != 0) {
        return errnoError("close", path_, errno);
    }
    return Ok{};
}

Error errnoError(std::string_view operation, const std::string& path, int error_number) {
    const ErrorCode code = (error_number == ENOSPC || error_number == EDQUOT)
                               ? ErrorCode::StorageFull
                               : ErrorCode::StorageUnavailable;
    return makeError(code, path + ": " + std::string(operation) + ": " + errnoText(error_number));
}

Status syncParentDirectory(const std::string& path) {
    const std::string directory = parentDirectory(path);
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return errnoError("open directory", directory, errno);
    }
    PosixFile dir(fd, directory);
    YIKA_TRY(dir.sync());
    return dir.close();
}

Result<SecureBuffer> readPrivateFile(const std::string& path, std::size_t bytes_max) {
    return readWholeFile(path, bytes_max, ModeCheck::PrivateOnly);
}

Result<SecureBuffer> readFileBounded(const std::string& path, std::size_t bytes_max) {
    return readWholeFile(path, bytes_max, ModeCheck::Any);
}

Status writeNewFile(const std::string& path, std::span<const std::uint8_t> bytes, mode_t mode) {
    auto file = PosixFile::createExclusive(path, mode);
    if (!file) {
        return file.error();
    }
    Status status = file->writeAll(bytes);
    if (status) {
        status = file->sync();
    }
    if (status) {
        status = file->close();
    }
    if (!status) {
        ::unlink(path.c_str());
        return status;
    }
    return syncParentDirectory(path);
}

Status replacePrivateFile(const std::string& path, std::span<const std::uint8_t> bytes) {
    std::string temp_path = path + ".tmp.XXXXXX";
    // mkstemp creates the file with O_EXCL and mode 0600 in the same directory, so the rename
    // below stays on one file system and is atomic.
    const int fd = ::mkstemp(temp_path.data());
    if (fd < 0) {
        return errnoError("mkstemp", temp_path, errno);
    }
    PosixFile file(fd, temp_path);
    Status status = ::fchmod(fd, kPrivateFileMode) == 0
                        ? Status()
                        : Status(errnoError("fchmod", temp_path, errno));
    if (status) {
        status = file.writeAll(bytes);
    }
    if (status) {
        status = file.sync();
    }
    if (status) {
        status = file.close();
    }
    if (status && ::rename(temp_path.c_str(), path.c_str()) != 0) {
        status = errnoError("rename", path, errno);
    }
    if (!status) {
        ::unlink(temp_path.c_str());
        return status;
    }
    return syncParentDirectory(path);
}

}  // namespace yika::crypto
