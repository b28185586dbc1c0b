#include "crypto/hex.h"

#include "card_core/domain/assert.h"
#include "crypto/random.h"

#include <sodium.h>

#include <algorithm>
#include <array>

namespace yika::crypto {

namespace {

// sodium_bin2hex writes a terminator; converting in slices keeps the stack buffer small and
// lets toHexInto write into exactly-sized outputs.
constexpr std::size_t kSliceBytes = 64;

}  // namespace

void toHexInto(std::span<const std::uint8_t> bytes, std::span<char> out) {
    YIKA_ASSERT(out.size() == 2 * bytes.size());
    std::array<char, 2 * kSliceBytes + 1> slice{};
    for (std::size_t done = 0; done < bytes.size(); done += kSliceBytes) {
        const std::size_t count = std::min(kSliceBytes, bytes.size() - done);
        sodium_bin2hex(slice.data(), slice.size(), bytes.data() + done, count);
        std::copy_n(slice.data(), 2 * count, out.data() + 2 * done);
    }
    sodium_memzero(slice.data(), slice.size());
}

std::string toHex(std::span<const std::uint8_t> bytes) {
    std::string out(2 * bytes.size(), '\0');
    toHexInto(bytes, out);
    return out;
}

bool fromHexInto(std::string_view hex, std::span<std::uint8_t> out) {
    if (out.empty()) {
        // An empty span may have a null data(), which sodium_hex2bin declares nonnull.
        return hex.empty();
    }
    ensureSodium();
    std::size_t decoded = 0;
    // With hex_end == nullptr, sodium_hex2bin fails unless every character was consumed, so a
    // stray character anywhere is refused rather than silently truncating the value.
    const int rc =
        sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &decoded, nullptr);
    if (rc != 0 || decoded != out.size() || hex.size() != 2 * out.size()) {
        sodium_memzero(out.data(), out.size());
        return false;
    }
    return true;
}

std::optional<Bytes> fromHex(std::string_view hex) {
    if (hex.size() % 2 != 0) {
        return std::nullopt;
    }
    Bytes out(hex.size() / 2);
    if (!fromHexInto(hex, out)) {
        return std::nullopt;
    }
    return out;
}

}  // namespace yika::crypto
