#include "terminal_api/iso8583/codec.h"

#include "card_core/domain/assert.h"
#include "terminal_api/iso8583/bcd.h"

#include <algorithm>
#include <bit>
#include <string>
#include <utility>

namespace yika::iso8583 {

namespace detail {
// The codec's write access to a Message's field store. decode() fills the store only with
// values it has checked against the table, which keeps the Message invariant.
struct MessageAccess {
    static std::string& slot(Message& message, std::size_t index) { return message.values_[index]; }
    static void setPresent(Message& message, std::uint64_t bitmap) { message.present_ = bitmap; }
};
}  // namespace detail

namespace {

Error invalid(std::string detail) {
    return makeError(ErrorCode::InvalidArgument, std::move(detail));
}

// A bounds-checked read position in the frame body: the only way decode() touches input.
class Cursor {
  public:
    explicit Cursor(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

    std::size_t remaining() const { return bytes_.size() - offset_; }

    // Moves past the next `count` bytes and returns them in `out`; false, without moving, if
    // fewer remain.
    bool take(std::size_t count, std::span<const std::uint8_t>& out) {
        if (count > remaining()) {
            return false;
        }
        out = bytes_.subspan(offset_, count);
        offset_ += count;
        return true;
    }

  private:
    std::span<const std::uint8_t> bytes_;
    std::size_t offset_ = 0;
};

std::uint16_t readU16(std::span<const std::uint8_t> bytes) {
    return static_cast<std::uint16_t>((bytes[0] << 8) | bytes[1]);
}

std::string truncatedDetail(std::string_view what, std::size_t needed, std::size_t remaining) {
    return std::string(what) + ": truncated: needs " + std::to_string(needed) + " bytes, " +
           std::to_string(remaining) + " remain";
}

Status decodeTpdu(Cursor& cursor, Tpdu& tpdu) {
    std::span<const std::uint8_t> bytes;
    if (!cursor.take(kTpduBytes, bytes)) {
        return invalid(truncatedDetail("TPDU", kTpduBytes, cursor.remaining()));
    }
    if (bytes[0] != kTpduId) {
        constexpr std::string_view kHex = "0123456789ABCDEF";
        std::string id = "0x";
        id += kHex[bytes[0] >> 4];
        id += kHex[bytes[0] & 0x0F];
        return invalid("TPDU: ID " + id + " is not 0x60");
    }
    tpdu.destination = readU16(bytes.subspan(1, 2));
    tpdu.source = readU16(bytes.subspan(3, 2));
    return Ok{};
}

Status decodeHeader(Cursor& cursor, Header& header) {
    std::span<const std::uint8_t> bytes;
    if (!cursor.take(kHeaderBytes, bytes)) {
        return invalid(truncatedDetail("header", kHeaderBytes, cursor.remaining()));
    }
    std::uint32_t application_type = 0;
    std::uint32_t software_version = 0;
    std::uint32_t status_and_requirement = 0;
    std::uint32_t reserved = 0;
    if (!detail::readBcdNumber(bytes.subspan(0, 1), application_type) ||
        !detail::readBcdNumber(bytes.subspan(1, 1), software_version) ||
        !detail::readBcdNumber(bytes.subspan(2, 1), status_and_requirement) ||
        !detail::readBcdNumber(bytes.subspan(3, 3), reserved)) {
        return invalid("header: non-BCD nibble");
    }
    header.application_type = static_cast<std::uint8_t>(application_type);
    header.software_version = static_cast<std::uint8_t>(software_version);
    header.terminal_status = static_cast<std::uint8_t>(status_and_requirement / 10);
    header.processing_requirement = static_cast<std::uint8_t>(status_and_requirement % 10);
    header.reserved = reserved;
    return checkHeader(header);
}

Status decodeMti(Cursor& cursor, Mti& mti) {
    std::span<const std::uint8_t> bytes;
    if (!cursor.take(kMtiBytes, bytes)) {
        return invalid(truncatedDetail("MTI", kMtiBytes, cursor.remaining()));
    }
    std::uint32_t number = 0;
    if (!detail::readBcdNumber(bytes, number)) {
        return invalid("MTI: non-BCD nibble");
    }
    const auto known = mtiFromNumber(static_cast<int>(number));
    if (!known) {
        std::string text = std::to_string(number);
        text.insert(0, 4 - text.size(), '0');
        return invalid("MTI " + text + " is not supported");
    }
    mti = *known;
    return Ok{};
}

Status decodeBitmap(Cursor& cursor, std::uint64_t& bitmap) {
    std::span<const std::uint8_t> bytes;
    if (!cursor.take(kBitmapBytes, bytes)) {
        return invalid(truncatedDetail("bitmap", kBitmapBytes, cursor.remaining()));
    }
    std::uint64_t bits = 0;
    for (const std::uint8_t byte : bytes) {
        bits = (bits << 8) | byte;
    }
    if ((bits & bitmapBit(1)) != 0) {
        return invalid("bitmap: bit 1 (secondary bitmap) is not supported");
    }
    const std::uint64_t undefined = bits & ~kDefinedFieldsBitmap;
    if (undefined != 0) {
        const int number = std::countl_zero(undefined) + 1;
        return invalid("bitmap: field " + std::to_string(number) + " is not defined");
    }
    bitmap = bits;
    return Ok{};
}

// Reads the length of the field's value in its units (digits, characters or bytes).
Status decodeLength(const FieldSpec& spec, Cursor& cursor, std::size_t& length) {
    if (spec.length_kind == LengthKind::Fixed) {
        length = spec.length_max;
        return Ok{};
    }
    const std::size_t prefix_bytes = prefixBytes(spec.length_kind);
    std::span<const std::uint8_t> bytes;
    if (!cursor.take(prefix_bytes, bytes)) {
        return invalid(
            truncatedDetail(describeField(spec) + " length", prefix_bytes, cursor.remaining()));
    }
    std::uint32_t value = 0;
    if (!detail::readBcdNumber(bytes, value)) {
        return invalid(describeField(spec) + ": length prefix is not BCD");
    }
    if (value > spec.length_max) {
        return invalid(describeField(spec) + ": length " + std::to_string(value) +
                       " exceeds the maximum " + std::to_string(spec.length_max));
    }
    length = value;
    return Ok{};
}

Status decodeValue(const FieldSpec& spec, Cursor& cursor, std::size_t length, std::string& out) {
    const std::size_t byte_count = valueBytes(spec, length);
    std::span<const std::uint8_t> bytes;
    if (!cursor.take(byte_count, bytes)) {
        return invalid(truncatedDetail(describeField(spec), byte_count, cursor.remaining()));
    }
    switch (spec.type) {
        case FieldType::N:
        case FieldType::Z: {
            out.resize(length);
            const auto status = detail::unpackBcd(bytes, spec.align == Align::Right,
                                                  spec.type == FieldType::Z, out);
            if (status == detail::BcdStatus::BadNibble) {
                return invalid(describeField(spec) + ": non-BCD nibble");
            }
            if (status == detail::BcdStatus::BadPad) {
                return invalid(describeField(spec) + ": pad nibble is not 0");
            }
            return Ok{};
        }
        case FieldType::An:
        case FieldType::Ans:
            out.assign(bytes.begin(), bytes.end());
            return validateValue(spec, out);
        case FieldType::B:
            out.assign(bytes.begin(), bytes.end());
            return Ok{};
    }
    return Ok{};
}

void appendU16(std::uint16_t value, Bytes& out) {
    out.push_back(static_cast<std::uint8_t>(value >> 8));
    out.push_back(static_cast<std::uint8_t>(value & 0xFF));
}

void encodeField(const FieldSpec& spec, std::string_view value, Bytes& out) {
    // The Message invariant, asserted: lengths here, characters of n and z fields as
    // appendBcd() packs them, characters of an and ans fields through validateValue().
    YIKA_ASSERT(spec.length_kind == LengthKind::Fixed ? value.size() == spec.length_max
                                                      : value.size() <= spec.length_max);
    if (spec.type == FieldType::An || spec.type == FieldType::Ans) {
        YIKA_ASSERT(validateValue(spec, value).ok());
    }
    if (spec.length_kind != LengthKind::Fixed) {
        detail::appendBcdNumber(static_cast<std::uint32_t>(value.size()),
                                prefixBytes(spec.length_kind), out);
    }
    switch (spec.type) {
        case FieldType::N:
        case FieldType::Z:
            detail::appendBcd(value, spec.align == Align::Right, spec.type == FieldType::Z, out);
            return;
        case FieldType::An:
        case FieldType::Ans:
        case FieldType::B: {
            const auto* bytes = reinterpret_cast<const std::uint8_t*>(value.data());
            out.insert(out.end(), bytes, bytes + value.size());
            return;
        }
    }
}

// Empties every field; clear() keeps each string's capacity for reuse.
void clearFields(Message& message) {
    for (const FieldSpec& spec : kFieldTable) {
        message.clear(spec.field);
    }
}

// Decodes the fields the bitmap announces into their slots, without marking them present.
Status decodeFields(std::uint64_t bitmap, Cursor& cursor, Message& out) {
    // The bitmap holds only defined fields, so walking the table visits every field present,
    // in wire order.
    for (std::size_t slot = 0; slot < kFieldTable.size(); ++slot) {
        const FieldSpec& spec = kFieldTable[slot];
        if ((bitmap & bitmapBit(fieldNumber(spec.field))) == 0) {
            continue;
        }
        std::size_t length = 0;
        YIKA_TRY(decodeLength(spec, cursor, length));
        YIKA_TRY(decodeValue(spec, cursor, length, detail::MessageAccess::slot(out, slot)));
    }
    return Ok{};
}

}  // namespace

Status checkLimits(const CodecLimits& limits) {
    if (limits.frame_bytes_max < kFrameBodyBytesMin ||
        limits.frame_bytes_max > kFrameBodyBytesMaxExpressible) {
        return invalid("frame_bytes_max " + std::to_string(limits.frame_bytes_max) +
                       " is outside [" + std::to_string(kFrameBodyBytesMin) + ", " +
                       std::to_string(kFrameBodyBytesMaxExpressible) + "]");
    }
    return Ok{};
}

Status decodeInto(std::span<const std::uint8_t> frame_body, const CodecLimits& limits,
                  Message& out) {
    clearFields(out);
    if (frame_body.size() > limits.frame_bytes_max) {
        return invalid("frame: body of " + std::to_string(frame_body.size()) +
                       " bytes exceeds frame_bytes_max " + std::to_string(limits.frame_bytes_max));
    }
    if (frame_body.size() < kFrameBodyBytesMin) {
        return invalid("frame: body of " + std::to_string(frame_body.size()) +
                       " bytes is shorter than TPDU, header, MTI and bitmap (" +
                       std::to_string(kFrameBodyBytesMin) + ")");
    }
    Cursor cursor(frame_body);
    Tpdu tpdu;
    YIKA_TRY(decodeTpdu(cursor, tpdu));
    out.setTpdu(tpdu);
    Header header;
    YIKA_TRY(decodeHeader(cursor, header));
    out.setHeader(header);
    Mti mti = Mti::NetworkRequest;
    YIKA_TRY(decodeMti(cursor, mti));
    out.setMti(mti);
    std::uint64_t bitmap = 0;
    YIKA_TRY(decodeBitmap(cursor, bitmap));
    Status fields = decodeFields(bitmap, cursor, out);
    if (fields.ok() && cursor.remaining() != 0) {
        fields = invalid("frame: " + std::to_string(cursor.remaining()) +
                         " trailing bytes after the last field");
    }
    if (!fields.ok()) {
        clearFields(out);  // Keep the invariant: absent fields hold the empty string.
        return fields;
    }
    detail::MessageAccess::setPresent(out, bitmap);
    return Ok{};
}

Result<Message> decode(std::span<const std::uint8_t> frame_body, const CodecLimits& limits) {
    Message message;
    YIKA_TRY(decodeInto(frame_body, limits, message));
    return message;
}

std::size_t encodedSize(const Message& message) {
    std::size_t total = kFrameBodyBytesMin;
    for (const FieldSpec& spec : kFieldTable) {
        if (message.has(spec.field)) {
            total +=
                prefixBytes(spec.length_kind) + valueBytes(spec, message.get(spec.field).size());
        }
    }
    return total;
}

void encodeTo(const Message& message, Bytes& out) {
    const Header& header = message.header();
    YIKA_ASSERT(checkHeader(header).ok());
    YIKA_ASSERT(mtiFromNumber(static_cast<int>(message.mti())).has_value());
    YIKA_ASSERT((message.bitmap() & ~kDefinedFieldsBitmap) == 0);
    const std::size_t start = out.size();
    const std::size_t size = encodedSize(message);
    out.reserve(start + size);

    out.push_back(kTpduId);
    appendU16(message.tpdu().destination, out);
    appendU16(message.tpdu().source, out);
    detail::appendBcdNumber(header.application_type, 1, out);
    detail::appendBcdNumber(header.software_version, 1, out);
    detail::appendBcdNumber(
        static_cast<std::uint32_t>(header.terminal_status * 10 + header.processing_requirement), 1,
        out);
    detail::appendBcdNumber(header.reserved, 3, out);
    detail::appendBcdNumber(static_cast<std::uint32_t>(message.mti()), kMtiBytes, out);
    const std::uint64_t bitmap = message.bitmap();
    for (int shift = 56; shift >= 0; shift -= 8) {
        out.push_back(static_cast<std::uint8_t>((bitmap >> shift) & 0xFF));
    }
    for (const FieldSpec& spec : kFieldTable) {
        if (message.has(spec.field)) {
            encodeField(spec, message.get(spec.field), out);
        }
    }
    YIKA_ASSERT(out.size() - start == size);
}

Bytes encode(const Message& message) {
    Bytes out;
    encodeTo(message, out);
    return out;
}

Bytes encodeFrame(const Message& message) {
    const std::size_t size = encodedSize(message);
    YIKA_ASSERT(size <= kFrameBodyBytesMaxExpressible);
    Bytes out;
    out.reserve(kLengthPrefixBytes + size);
    appendU16(static_cast<std::uint16_t>(size), out);
    encodeTo(message, out);
    return out;
}

Result<std::span<const std::uint8_t>> macInput(std::span<const std::uint8_t> frame_body) {
    if (frame_body.size() < kFrameBodyBytesMin + kMacBytes) {
        return invalid("MAC: body of " + std::to_string(frame_body.size()) +
                       " bytes is too short to hold field 64");
    }
    // Field 64 is the least significant bit of the last bitmap byte.
    const std::uint8_t last_bitmap_byte =
        frame_body[kMacInputOffset + kMtiBytes + kBitmapBytes - 1];
    if ((last_bitmap_byte & 0x01) == 0) {
        return invalid("MAC: the bitmap lacks field 64");
    }
    return frame_body.subspan(kMacInputOffset, frame_body.size() - kMacInputOffset - kMacBytes);
}

void setMac(std::span<std::uint8_t> frame_body, std::span<const std::uint8_t, kMacBytes> mac) {
    YIKA_ASSERT(macInput(frame_body).ok());
    std::copy(mac.begin(), mac.end(), frame_body.end() - static_cast<std::ptrdiff_t>(kMacBytes));
}

}  // namespace yika::iso8583
