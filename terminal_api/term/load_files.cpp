#include "terminal_api/term/load_files.h"

#include "card_core/domain/assert.h"
#include "crypto/hex.h"

#include <sodium.h>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace yika::term {

namespace {

Error lineError(std::string_view file, std::size_t line, std::string_view what) {
    return makeError(
        ErrorCode::InvalidArgument,
        std::string(file) + " line " + std::to_string(line) + ": " + std::string(what));
}

bool isPrintable(std::string_view text) {
    for (const char c : text) {
        if (c < 0x20 || c > 0x7e) {
            return false;
        }
    }
    return true;
}

// Calls `handle(line_number, fields)` for each line that is not blank or a comment, with the
// line split at commas (a trailing '\r' dropped). Stops at the first error `handle` returns.
template <typename Handle>
Status forEachLine(std::string_view text, Handle handle) {
    std::size_t line_number = 0;
    while (!text.empty()) {
        ++line_number;
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.empty() || line.front() == '#') {
            continue;
        }
        std::vector<std::string_view> fields;
        for (std::size_t start = 0;;) {
            const std::size_t comma = line.find(',', start);
            fields.push_back(line.substr(start, comma - start));
            if (comma == std::string_view::npos) {
                break;
            }
            start = comma + 1;
        }
        YIKA_TRY(handle(line_number, fields));
    }
    return Ok{};
}

}  // namespace

std::span<const std::uint8_t> LoadTerminals::tmk(std::size_t i) const {
    YIKA_ASSERT(i < terminals_.size());
    return {arena_.data() + i * kArenaSlotBytes + kArenaTmkOffset, crypto::kTerminalMasterKeyBytes};
}

std::span<std::uint8_t, crypto::kSessionKeyBytes> LoadTerminals::macKey(std::size_t i) {
    YIKA_ASSERT(i < terminals_.size());
    return std::span<std::uint8_t, crypto::kSessionKeyBytes>(
        arena_.data() + i * kArenaSlotBytes + kArenaMacKeyOffset, crypto::kSessionKeyBytes);
}

std::span<std::uint8_t, crypto::kSessionKeyBytes> LoadTerminals::pinKey(std::size_t i) {
    YIKA_ASSERT(i < terminals_.size());
    return std::span<std::uint8_t, crypto::kSessionKeyBytes>(
        arena_.data() + i * kArenaSlotBytes + kArenaPinKeyOffset, crypto::kSessionKeyBytes);
}

Result<LoadTerminals> parseTerminals(std::string_view text) {
    // Two passes: count first, so the arena is allocated once at its final size.
    std::size_t count = 0;
    YIKA_TRY(forEachLine(text, [&](std::size_t line, const std::vector<std::string_view>& f) {
        if (f.size() != 3) {
            return Status(lineError("terminals file", line, "expected TID,MID,TMK_HEX"));
        }
        if (++count > kLoadTerminalsMax) {
            return Status(lineError("terminals file", line, "too many terminals"));
        }
        return Status(Ok{});
    }));
    if (count == 0) {
        return makeError(ErrorCode::InvalidArgument, "terminals file: no terminal");
    }
    std::vector<LoadTerminal> terminals;
    terminals.reserve(count);
    crypto::SecureBuffer arena(count * kArenaSlotBytes);
    YIKA_TRY(forEachLine(text, [&](std::size_t line, const std::vector<std::string_view>& f) {
        if (f[0].size() != crypto::kTerminalIdChars || !isPrintable(f[0])) {
            return Status(lineError("terminals file", line, "the TID must be 8 characters"));
        }
        if (f[1].size() != 15 || !isPrintable(f[1])) {
            return Status(lineError("terminals file", line, "the MID must be 15 characters"));
        }
        const std::size_t i = terminals.size();
        const std::span<std::uint8_t> tmk(arena.data() + i * kArenaSlotBytes + kArenaTmkOffset,
                                          crypto::kTerminalMasterKeyBytes);
        if (!crypto::fromHexInto(f[2], tmk)) {
            return Status(lineError("terminals file", line, "the TMK must be 32 hex digits"));
        }
        terminals.push_back({std::string(f[0]), std::string(f[1])});
        return Status(Ok{});
    }));
    return LoadTerminals(std::move(terminals), std::move(arena));
}

Result<std::vector<LoadCard>> parseCards(std::string_view text) {
    std::vector<LoadCard> cards;
    YIKA_TRY(forEachLine(text, [&](std::size_t line, const std::vector<std::string_view>& f) {
        if (f.size() != 2) {
            return Status(lineError("cards file", line, "expected PAN,PIN"));
        }
        if (!crypto::isValidPinBlockPan(f[0])) {
            return Status(lineError("cards file", line, "the PAN must be 13-19 digits"));
        }
        if (!f[1].empty() && !crypto::isValidPin(f[1])) {
            return Status(lineError("cards file", line, "the PIN must be 4-12 digits or empty"));
        }
        if (cards.size() >= kLoadCardsMax) {
            return Status(lineError("cards file", line, "too many cards"));
        }
        cards.push_back({std::string(f[0]), std::string(f[1])});
        return Status(Ok{});
    }));
    if (cards.empty()) {
        return makeError(ErrorCode::InvalidArgument, "cards file: no card");
    }
    return cards;
}

Result<std::string> readWholeFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat info {};
    if (fd < 0 || ::fstat(fd, &info) != 0) {
        const Error error = makeError(ErrorCode::StorageUnavailable,
                                      "cannot open " + path + ": " + std::strerror(errno));
        if (fd >= 0) {
            ::close(fd);
        }
        return error;
    }
    if (info.st_size < 0 || static_cast<std::uint64_t>(info.st_size) > kLoadFileBytesMax) {
        ::close(fd);
        return makeError(ErrorCode::InvalidArgument, path + " is larger than 64 MiB");
    }
    // Sized once, so no reallocation leaves copies of the secrets behind in freed memory.
    std::string text(static_cast<std::size_t>(info.st_size), '\0');
    std::size_t have = 0;
    while (have < text.size()) {
        const ssize_t n = ::read(fd, text.data() + have, text.size() - have);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;  // The file shrank (or failed) while read: use what was read.
        }
        have += static_cast<std::size_t>(n);
    }
    ::close(fd);
    text.resize(have);
    return text;
}

void wipe(std::string& text) {
    if (!text.empty()) {
        sodium_memzero(text.data(), text.size());
    }
}

}  // namespace yika::term
