#pragma once

// The ISO 8583 field table of the terminal protocol: the single source of truth for which fields
// exist, how each is typed and how long it may be. The codec (codec.h), the field store
// (message.h) and docs/terminal-protocol.md section 8 all follow this table; a field that is not
// in it is refused on input and cannot be set.
//
// Wire encodings (docs/terminal-protocol.md section 7):
//   n    numeric, packed BCD, two digits per byte. An odd digit count gets one pad nibble 0,
//        on the side the field's Align says (UnionPay practice differs per field).
//   z    track 2: packed like n, the separator '=' is nibble 0xD.
//   an   ASCII letters, digits and space.
//   ans  printable ASCII 0x20-0x7E.
//   b    raw bytes.
// Variable lengths are BCD: LLVAR one byte (00-99), LLLVAR two bytes (0000-0999). A length
// counts digits for n and z, characters for an and ans, bytes for b.

#include "card_core/domain/result.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace yika::iso8583 {

// Field numbers of the fields we define. The enumerator value is the ISO 8583 field number.
enum class Field : std::uint8_t {
    Pan = 2,
    ProcessingCode = 3,
    Amount = 4,
    Trace = 11,
    LocalTime = 12,
    LocalDate = 13,
    Expiry = 14,
    PosEntryMode = 22,
    CardSequence = 23,
    ConditionCode = 25,
    PinCaptureCode = 26,
    AcquirerId = 32,
    Track2 = 35,
    RetrievalReference = 37,
    AuthorizationId = 38,
    ResponseCode = 39,
    TerminalId = 41,
    MerchantId = 42,
    AdditionalResponse = 44,
    AdditionalData = 48,
    Currency = 49,
    PinData = 52,
    SecurityControl = 53,
    Balance = 54,
    Reserved60 = 60,
    OriginalData = 61,
    Reserved62 = 62,
    Reserved63 = 63,
    Mac = 64,
};

constexpr int fieldNumber(Field field) { return static_cast<int>(field); }

enum class FieldType : std::uint8_t { N, Z, An, Ans, B };
enum class LengthKind : std::uint8_t { Fixed, LlVar, LllVar };
// Where the pad nibble of an odd-length n or z value goes. Left: the value is left-aligned and
// the pad nibble 0 is the last nibble. Right: the value is right-aligned and the pad nibble 0
// is the first nibble. Irrelevant for an, ans and b.
enum class Align : std::uint8_t { Left, Right };

struct FieldSpec {
    Field field;
    FieldType type;
    LengthKind length_kind;
    std::uint16_t length_max;  // digits (n, z), characters (an, ans) or bytes (b)
    Align align;
    std::string_view name;
};

// Sorted by field number; encode() emits fields in this order.
inline constexpr std::array<FieldSpec, 29> kFieldTable = {{
    {Field::Pan, FieldType::N, LengthKind::LlVar, 19, Align::Left, "PAN"},
    {Field::ProcessingCode, FieldType::N, LengthKind::Fixed, 6, Align::Right, "processing code"},
    {Field::Amount, FieldType::N, LengthKind::Fixed, 12, Align::Right, "amount"},
    {Field::Trace, FieldType::N, LengthKind::Fixed, 6, Align::Right, "trace number"},
    {Field::LocalTime, FieldType::N, LengthKind::Fixed, 6, Align::Right, "local time"},
    {Field::LocalDate, FieldType::N, LengthKind::Fixed, 4, Align::Right, "local date"},
    {Field::Expiry, FieldType::N, LengthKind::Fixed, 4, Align::Right, "expiry date"},
    {Field::PosEntryMode, FieldType::N, LengthKind::Fixed, 3, Align::Left, "POS entry mode"},
    {Field::CardSequence, FieldType::N, LengthKind::Fixed, 3, Align::Right, "card sequence"},
    {Field::ConditionCode, FieldType::N, LengthKind::Fixed, 2, Align::Right, "condition code"},
    {Field::PinCaptureCode, FieldType::N, LengthKind::Fixed, 2, Align::Right, "PIN capture code"},
    {Field::AcquirerId, FieldType::N, LengthKind::LlVar, 11, Align::Left, "acquirer id"},
    {Field::Track2, FieldType::Z, LengthKind::LlVar, 37, Align::Left, "track 2"},
    {Field::RetrievalReference, FieldType::An, LengthKind::Fixed, 12, Align::Left,
     "retrieval reference"},
    {Field::AuthorizationId, FieldType::An, LengthKind::Fixed, 6, Align::Left, "authorization id"},
    {Field::ResponseCode, FieldType::An, LengthKind::Fixed, 2, Align::Left, "response code"},
    {Field::TerminalId, FieldType::Ans, LengthKind::Fixed, 8, Align::Left, "terminal id"},
    {Field::MerchantId, FieldType::Ans, LengthKind::Fixed, 15, Align::Left, "merchant id"},
    {Field::AdditionalResponse, FieldType::Ans, LengthKind::LlVar, 25, Align::Left,
     "additional response"},
    {Field::AdditionalData, FieldType::N, LengthKind::LllVar, 322, Align::Left, "additional data"},
    {Field::Currency, FieldType::An, LengthKind::Fixed, 3, Align::Left, "currency"},
    {Field::PinData, FieldType::B, LengthKind::Fixed, 8, Align::Left, "PIN data"},
    {Field::SecurityControl, FieldType::N, LengthKind::Fixed, 16, Align::Right, "security control"},
    {Field::Balance, FieldType::An, LengthKind::LllVar, 20, Align::Left, "balance"},
    {Field::Reserved60, FieldType::N, LengthKind::LllVar, 17, Align::Left, "reserved 60"},
    {Field::OriginalData, FieldType::N, LengthKind::LllVar, 29, Align::Left, "original data"},
    {Field::Reserved62, FieldType::B, LengthKind::LllVar, 512, Align::Left, "reserved 62"},
    {Field::Reserved63, FieldType::Ans, LengthKind::LllVar, 163, Align::Left, "reserved 63"},
    {Field::Mac, FieldType::B, LengthKind::Fixed, 8, Align::Left, "MAC"},
}};

inline constexpr std::size_t kFieldCount = kFieldTable.size();

// The bit of field `number` (1-64) in a bitmap read as a big-endian 64-bit integer: field 1 is
// the most significant bit, as on the wire.
constexpr std::uint64_t bitmapBit(int number) {
    return std::uint64_t{1} << static_cast<unsigned>(64 - number);
}

namespace detail {
constexpr std::array<std::int8_t, 65> makeSlotIndex() {
    std::array<std::int8_t, 65> index{};
    for (auto& slot : index) {
        slot = -1;
    }
    for (std::size_t i = 0; i < kFieldTable.size(); ++i) {
        index[static_cast<std::size_t>(fieldNumber(kFieldTable[i].field))] =
            static_cast<std::int8_t>(i);
    }
    return index;
}

constexpr bool tableIsWellFormed() {
    int previous = 1;
    for (const FieldSpec& spec : kFieldTable) {
        const int number = fieldNumber(spec.field);
        if (number <= previous || number > 64 || spec.length_max == 0) {
            return false;
        }
        if (spec.length_kind == LengthKind::LlVar && spec.length_max > 99) {
            return false;
        }
        if (spec.length_kind == LengthKind::LllVar && spec.length_max > 999) {
            return false;
        }
        previous = number;
    }
    return true;
}
}  // namespace detail

static_assert(detail::tableIsWellFormed(), "kFieldTable: sorted, fields 2-64, lengths fit prefix");

// Position of each field number in kFieldTable, -1 where the field is not defined.
inline constexpr std::array<std::int8_t, 65> kSlotByNumber = detail::makeSlotIndex();

// The bitmap bits of all defined fields.
inline constexpr std::uint64_t kDefinedFieldsBitmap = [] {
    std::uint64_t bits = 0;
    for (const FieldSpec& spec : kFieldTable) {
        bits |= bitmapBit(fieldNumber(spec.field));
    }
    return bits;
}();

// The table row of a defined field.
constexpr const FieldSpec& fieldSpec(Field field) {
    return kFieldTable[static_cast<std::size_t>(kSlotByNumber[static_cast<std::size_t>(field)])];
}

// The table row of field `number`, or nullptr if the number is not a field we define.
constexpr const FieldSpec* findFieldSpec(int number) {
    if (number < 0 || number > 64 || kSlotByNumber[static_cast<std::size_t>(number)] < 0) {
        return nullptr;
    }
    return &kFieldTable[static_cast<std::size_t>(kSlotByNumber[static_cast<std::size_t>(number)])];
}

constexpr std::size_t slotOf(Field field) {
    return static_cast<std::size_t>(kSlotByNumber[static_cast<std::size_t>(field)]);
}

// Bytes the value part of a field with `length` units occupies on the wire.
constexpr std::size_t valueBytes(const FieldSpec& spec, std::size_t length) {
    switch (spec.type) {
        case FieldType::N:
        case FieldType::Z:
            return (length + 1) / 2;
        case FieldType::An:
        case FieldType::Ans:
        case FieldType::B:
            return length;
    }
    return length;
}

// Bytes of the length prefix: 0 (fixed), 1 (LLVAR) or 2 (LLLVAR).
constexpr std::size_t prefixBytes(LengthKind kind) {
    switch (kind) {
        case LengthKind::Fixed:
            return 0;
        case LengthKind::LlVar:
            return 1;
        case LengthKind::LllVar:
            return 2;
    }
    return 0;
}

// Whether `value`, in the decoded form a Message stores, is valid for the field: only the
// characters its type allows (n: 0-9; z: 0-9 and '='; an: A-Z, a-z, 0-9 and space; ans: 0x20-
// 0x7E; b: any byte) and a length equal to the fixed length or at most the maximum.
// Errors: InvalidArgument, the detail naming the field ("field 4 (amount): ...").
Status validateValue(const FieldSpec& spec, std::string_view value);

// "field 4 (amount)": how error details name a field.
std::string describeField(const FieldSpec& spec);

}  // namespace yika::iso8583
