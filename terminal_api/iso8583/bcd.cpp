#include "terminal_api/iso8583/bcd.h"

#include "card_core/domain/assert.h"

#include <array>

namespace yika::iso8583::detail {

namespace {

// The character of each nibble in n fields and in z fields; '\0' marks a nibble not allowed.
constexpr std::string_view kNumericChars{"0123456789\0\0\0\0\0\0", 16};
constexpr std::string_view kTrack2Chars{"0123456789\0\0\0=\0\0", 16};

std::uint8_t checkedNibble(char c, bool allow_separator) {
    YIKA_ASSERT(isDigit(c) || (c == '=' && allow_separator));
    return nibbleOf(c);
}

}  // namespace

void appendBcd(std::string_view digits, bool pad_first, bool allow_separator,
               std::vector<std::uint8_t>& out) {
    const std::size_t count = digits.size();
    std::size_t i = 0;
    if (count % 2 == 1 && pad_first) {
        out.push_back(checkedNibble(digits[0], allow_separator));
        i = 1;
    }
    for (; i + 1 < count; i += 2) {
        out.push_back(static_cast<std::uint8_t>(checkedNibble(digits[i], allow_separator) << 4 |
                                                checkedNibble(digits[i + 1], allow_separator)));
    }
    if (i < count) {  // An odd count padded last.
        out.push_back(static_cast<std::uint8_t>(checkedNibble(digits[i], allow_separator) << 4));
    }
}

BcdStatus unpackBcd(std::span<const std::uint8_t> in, bool pad_first, bool allow_separator,
                    std::span<char> out) {
    const std::size_t count = out.size();
    YIKA_ASSERT(in.size() == (count + 1) / 2);
    if (count == 0) {
        return BcdStatus::Ok;
    }
    const std::string_view chars = allow_separator ? kTrack2Chars : kNumericChars;
    const bool odd = count % 2 == 1;
    if (odd && (pad_first ? (in.front() >> 4) : (in.back() & 0x0F)) != 0) {
        return BcdStatus::BadPad;
    }
    // Every allowed character is non-zero; locals keep the compiler from reloading through the
    // aliasing char pointers.
    bool bad = false;
    std::size_t d = 0;
    std::size_t b = 0;
    if (odd && pad_first) {
        const char low = chars[in[0] & 0x0F];
        out[0] = low;
        bad = low == '\0';
        d = 1;
        b = 1;
    }
    for (; d + 1 < count; d += 2, ++b) {
        const std::uint8_t byte = in[b];
        const char high = chars[byte >> 4];
        const char low = chars[byte & 0x0F];
        out[d] = high;
        out[d + 1] = low;
        bad = bad || high == '\0' || low == '\0';
    }
    if (d < count) {  // An odd count padded last: the high nibble of the last byte.
        const char high = chars[in[b] >> 4];
        out[d] = high;
        bad = bad || high == '\0';
    }
    return bad ? BcdStatus::BadNibble : BcdStatus::Ok;
}

bool readBcdNumber(std::span<const std::uint8_t> in, std::uint32_t& value) {
    YIKA_ASSERT(!in.empty() && in.size() <= 4);
    std::uint32_t result = 0;
    for (const std::uint8_t byte : in) {
        const auto high = static_cast<std::uint32_t>(byte >> 4);
        const auto low = static_cast<std::uint32_t>(byte & 0x0F);
        if (high > 9 || low > 9) {
            return false;
        }
        result = result * 100 + high * 10 + low;
    }
    value = result;
    return true;
}

void appendBcdNumber(std::uint32_t value, std::size_t byte_count, std::vector<std::uint8_t>& out) {
    YIKA_ASSERT(byte_count >= 1 && byte_count <= 4);
    std::array<std::uint8_t, 4> bytes{};
    for (std::size_t i = byte_count; i > 0; --i) {
        const std::uint32_t pair = value % 100;
        value /= 100;
        bytes[i - 1] = static_cast<std::uint8_t>((pair / 10) << 4 | (pair % 10));
    }
    YIKA_ASSERT(value == 0);  // The value fitted in byte_count bytes.
    out.insert(out.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(byte_count));
}

}  // namespace yika::iso8583::detail
