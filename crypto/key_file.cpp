#include "crypto/key_file.h"

#include "card_core/domain/assert.h"
#include "crypto/hex.h"
#include "crypto/posix_file.h"

#include <sodium.h>

#include <cstring>
#include <string_view>
#include <vector>

namespace yika::crypto {

namespace {

constexpr std::string_view kHeader = "yika-keyfile 1";
constexpr std::string_view kCreatedComment =
    "# Yika key file. Keep it mode 0600 and backed up offline; add keys only with rotateKey.";
constexpr std::size_t kKeyHexChars = 2 * kKeyBytes;
constexpr std::size_t kKeyIdCharsMax = 5;  // "65535"
// "terminal-key-encryption 65535 <64 hex>\n" is 95 bytes; leave room for longer names.
constexpr std::size_t kKeyLineBytesMax = 128;
static_assert(kHeader.size() + kCreatedComment.size() + 2 + kKeyRingKeysMax * kKeyLineBytesMax <=
                  kKeyFileBytesMax,
              "a file with the maximum number of keys must fit the file size limit");

// Text assembled in locked memory, because it holds key hex. Capacity is fixed up front so that
// nothing is ever reallocated (a reallocation would leave a copy of the keys in freed memory).
class SecureText {
  public:
    explicit SecureText(std::size_t capacity) : buffer_(capacity) {}

    void append(std::string_view text) {
        YIKA_ASSERT(text.size() <= buffer_.size() - size_);
        std::memcpy(buffer_.data() + size_, text.data(), text.size());
        size_ += text.size();
    }

    void appendKeyLine(KeyPurpose purpose, std::uint16_t id, std::span<const std::uint8_t> key) {
        append(toString(purpose));
        append(" ");
        append(std::to_string(id));
        append(" ");
        YIKA_ASSERT(kKeyHexChars <= buffer_.size() - size_);
        toHexInto(key, std::span(reinterpret_cast<char*>(buffer_.data() + size_), kKeyHexChars));
        size_ += kKeyHexChars;
        append("\n");
    }

    std::size_t size() const { return size_; }
    std::span<const std::uint8_t> bytes() const { return buffer_.span().first(size_); }

  private:
    SecureBuffer buffer_;
    std::size_t size_ = 0;
};

std::string_view asText(const SecureBuffer& buffer) {
    return {reinterpret_cast<const char*>(buffer.data()), buffer.size()};
}

struct KeyLine {
    KeySlot slot;
    std::string_view hex;  // points into the file text
    std::size_t line_number;
};

Error lineError(const std::string& path, std::size_t line_number, std::string_view what) {
    return makeError(
        ErrorCode::InvalidArgument,
        "key file " + path + " line " + std::to_string(line_number) + ": " + std::string(what));
}

// Decimal 1..65535 without sign, leading zeros or spaces.
std::optional<std::uint16_t> parseKeyId(std::string_view text) {
    if (text.empty() || text.size() > kKeyIdCharsMax || text[0] == '0') {
        return std::nullopt;
    }
    std::uint32_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (value > kKeyIdMax) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(value);
}

// Splits a key line into its three fields. Only the shape is checked here; the line's content
// is never echoed into errors because a malformed line may still contain key hex.
Result<KeyLine> parseKeyLine(std::string_view line, std::size_t line_number,
                             const std::string& path) {
    const std::size_t first = line.find(' ');
    const std::size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) {
        return lineError(path, line_number, "expected '<purpose> <key id> <64 hex digits>'");
    }
    const auto purpose = parseKeyPurpose(line.substr(0, first));
    if (!purpose) {
        return lineError(path, line_number, "unknown key purpose");
    }
    const auto id = parseKeyId(line.substr(first + 1, second - first - 1));
    if (!id) {
        return lineError(path, line_number, "bad key id (expected 1..65535)");
    }
    const std::string_view hex = line.substr(second + 1);
    if (hex.size() != kKeyHexChars) {
        return lineError(path, line_number, "bad key hex (expected 64 hex digits)");
    }
    return KeyLine{{*purpose, *id}, hex, line_number};
}

// Finds the key lines of `text`, checking the header and each line's shape.
Result<std::vector<KeyLine>> scanKeyFile(std::string_view text, const std::string& path) {
    std::vector<KeyLine> lines;
    std::size_t line_number = 0;
    std::size_t pos = 0;
    // Each iteration consumes at least one byte, so the loop is bounded by the file size.
    while (pos < text.size()) {
        const std::size_t end = std::min(text.find('\n', pos), text.size());
        const std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_number;
        if (line_number == 1) {
            if (line != kHeader) {
                return lineError(path, 1, "not a key file (expected 'yika-keyfile 1')");
            }
            continue;
        }
        if (line.empty() || line[0] == '#') {
            continue;
        }
        if (lines.size() == kKeyRingKeysMax) {
            return lineError(path, line_number,
                             "more than " + std::to_string(kKeyRingKeysMax) + " keys");
        }
        auto key_line = parseKeyLine(line, line_number, path);
        if (!key_line) {
            return key_line.error();
        }
        lines.push_back(*key_line);
    }
    if (line_number == 0) {
        return lineError(path, 1, "empty file (expected 'yika-keyfile 1')");
    }
    return lines;
}

Result<KeyRing> parseKeyFile(std::string_view text, const std::string& path) {
    auto lines = scanKeyFile(text, path);
    if (!lines) {
        return lines.error();
    }
    SecureBuffer material(lines->size() * kKeyBytes);
    std::vector<KeySlot> slots;
    slots.reserve(lines->size());
    for (std::size_t i = 0; i < lines->size(); ++i) {
        const KeyLine& line = (*lines)[i];
        if (!fromHexInto(line.hex, material.span().subspan(i * kKeyBytes, kKeyBytes))) {
            return lineError(path, line.line_number, "bad key hex (expected 64 hex digits)");
        }
        slots.push_back(line.slot);
    }
    auto ring = KeyRing::fromMaterial(std::move(material), slots);
    if (!ring) {
        return makeError(ErrorCode::InvalidArgument,
                         "key file " + path + ": " + ring.error().detail);
    }
    return ring;
}

}  // namespace

Status createKeyFile(const std::string& path) {
    SecureBuffer keys(kKeyPurposeCount * kKeyBytes);
    randombytes_buf(keys.data(), keys.size());
    SecureText text(kHeader.size() + kCreatedComment.size() + 2 +
                    kKeyPurposeCount * kKeyLineBytesMax);
    text.append(kHeader);
    text.append("\n");
    text.append(kCreatedComment);
    text.append("\n");
    for (std::size_t i = 0; i < kKeyPurposeCount; ++i) {
        text.appendKeyLine(kAllKeyPurposes[i], 1, keys.span().subspan(i * kKeyBytes, kKeyBytes));
    }
    return writeNewFile(path, text.bytes(), kPrivateFileMode);
}

Result<KeyRing> loadKeyFile(const std::string& path) {
    auto text = readPrivateFile(path, kKeyFileBytesMax);
    if (!text) {
        return makeError(text.code(), "key file " + text.error().detail);
    }
    auto ring = parseKeyFile(asText(*text), path);
    // The SecureBuffer would wipe on destruction anyway; wiping here keeps the window in which
    // the hex copy of the keys exists as short as possible.
    sodium_memzero(text->data(), text->size());
    return ring;
}

Result<std::uint16_t> rotateKey(const std::string& path, KeyPurpose purpose) {
    auto text = readPrivateFile(path, kKeyFileBytesMax);
    if (!text) {
        return makeError(text.code(), "key file " + text.error().detail);
    }
    auto ring = parseKeyFile(asText(*text), path);
    if (!ring) {
        return ring.error();
    }
    const std::uint16_t current_id = ring->current(purpose).id;
    if (current_id == kKeyIdMax) {
        return makeError(ErrorCode::InvalidArgument, "key file " + path + ": " +
                                                         std::string(toString(purpose)) +
                                                         " has reached key id 65535");
    }
    if (ring->size() >= kKeyRingKeysMax) {
        return makeError(ErrorCode::InvalidArgument,
                         "key file " + path + ": already holds the maximum number of keys");
    }
    const auto new_id = static_cast<std::uint16_t>(current_id + 1);
    SecureBuffer key(kKeyBytes);
    randombytes_buf(key.data(), key.size());

    SecureText out(text->size() + 1 + kKeyLineBytesMax);
    out.append(asText(*text));
    if (text->size() > 0 && text->data()[text->size() - 1] != '\n') {
        out.append("\n");
    }
    out.appendKeyLine(purpose, new_id, key.span());
    if (out.size() > kKeyFileBytesMax) {
        return makeError(
            ErrorCode::InvalidArgument,
            "key file " + path + ": would exceed " + std::to_string(kKeyFileBytesMax) + " bytes");
    }
    YIKA_TRY(replacePrivateFile(path, out.bytes()));
    return new_id;
}

}  // namespace yika::crypto
