#pragma once

// The ISO 8583 codec of the terminal protocol (docs/terminal-protocol.md sections 2-10): a frame
// body to a Message and back, driven by kFieldTable.
//
//   TCP stream: | length (2 bytes, big-endian) | frame body (length bytes) | length | body | ...
//   Frame body: | TPDU (5) | header (6) | MTI (2, BCD) | bitmap (8, binary) | fields ... |
//
// decode() trusts nothing: every length, nibble, character and bit is checked against the table
// before it is used, and every read is bounds-checked. encode() is for Messages, whose invariant
// (message.h) already makes every field valid; it asserts what it relies on.
//
// The encoding is canonical: a body that decode() accepts is exactly what encode() produces for
// the decoded Message (pad nibbles must be 0, no trailing bytes, no optional forms).

#include "card_core/domain/result.h"
#include "terminal_api/iso8583/field_table.h"
#include "terminal_api/iso8583/message.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace yika::iso8583 {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::size_t kLengthPrefixBytes = 2;
inline constexpr std::size_t kTpduBytes = 5;
inline constexpr std::size_t kHeaderBytes = 6;
inline constexpr std::size_t kMtiBytes = 2;
inline constexpr std::size_t kBitmapBytes = 8;
inline constexpr std::size_t kMacBytes = 8;
// Where the MAC input starts: the MTI.
inline constexpr std::size_t kMacInputOffset = kTpduBytes + kHeaderBytes;
// The smallest frame body: TPDU, header, MTI and a bitmap with no field.
inline constexpr std::size_t kFrameBodyBytesMin = kMacInputOffset + kMtiBytes + kBitmapBytes;
// What the 2-byte length prefix can express.
inline constexpr std::size_t kFrameBodyBytesMaxExpressible = 0xFFFF;

// The largest body encode() can produce: every field present at its maximum length.
inline constexpr std::size_t kFrameBodyBytesMaxPossible = [] {
    std::size_t total = kFrameBodyBytesMin;
    for (const FieldSpec& spec : kFieldTable) {
        total += prefixBytes(spec.length_kind) + valueBytes(spec, spec.length_max);
    }
    return total;
}();

struct CodecLimits {
    // The largest frame body accepted, i.e. the largest value of the length prefix (config
    // tcp.frame_bytes_max). The default admits every message the field table allows.
    std::size_t frame_bytes_max = 2048;
};

static_assert(CodecLimits{}.frame_bytes_max >= kFrameBodyBytesMaxPossible,
              "the default limit admits every valid message");
static_assert(kFrameBodyBytesMaxPossible <= kFrameBodyBytesMaxExpressible,
              "every valid message fits the 2-byte length prefix");

// Checks limits read from config at startup: kFrameBodyBytesMin <= frame_bytes_max <= 65535.
// Errors: InvalidArgument.
Status checkLimits(const CodecLimits& limits);

// Decodes a frame body (without its length prefix). Never reads outside `frame_body`.
// Errors: InvalidArgument with a detail naming the part or field at fault: a body shorter than
// kFrameBodyBytesMin or longer than limits.frame_bytes_max, a TPDU ID other than 0x60, a header
// checkHeader() refuses, an MTI we do not support, bitmap bit 1 (secondary bitmap), a bitmap bit
// of an undefined field, a length over the field's maximum, a fixed length mismatch, a non-BCD or
// non-zero pad nibble, a character outside the field's type, a field running past the end of
// the body, or bytes after the last field.
// Precondition: checkLimits(limits) succeeds.
Result<Message> decode(std::span<const std::uint8_t> frame_body, const CodecLimits& limits);

// decode() into an existing Message, for a connection that reuses one Message per frame: its
// strings keep their capacity, so a steady stream of frames decodes without allocating. On
// error `out` holds a partly decoded message that must not be used (it still satisfies the
// Message invariant). Errors: as decode().
Status decodeInto(std::span<const std::uint8_t> frame_body, const CodecLimits& limits,
                  Message& out);

// The frame body of `message` (no length prefix). Precondition: the message's header passes
// checkHeader() (Message::setHeader ensures it).
Bytes encode(const Message& message);

// encode(), appending to `out` (which callers may reuse to avoid allocating per message).
void encodeTo(const Message& message, Bytes& out);

// The length prefix followed by the frame body: what goes on the TCP stream.
Bytes encodeFrame(const Message& message);

// The size of encode(message), computed without encoding.
std::size_t encodedSize(const Message& message);

// The bytes the field 64 MAC covers: from the MTI through the end of the last field before 64,
// i.e. frame_body[11, size - 8). The span points into `frame_body`.
// Errors: InvalidArgument if the body is too short to hold a MAC or its bitmap lacks field 64.
// Use it on bodies decode() accepted or encode() produced; it does not re-validate the fields.
Result<std::span<const std::uint8_t>> macInput(std::span<const std::uint8_t> frame_body);

// Writes `mac` over the last 8 bytes of an encoded body whose message has field 64 (encode
// with a placeholder MAC, compute the MAC over macInput(), then setMac()).
// Precondition: macInput(frame_body) succeeds.
void setMac(std::span<std::uint8_t> frame_body, std::span<const std::uint8_t, kMacBytes> mac);

}  // namespace yika::iso8583
