#include "terminal_api/iso8583/field_table.h"

#include "terminal_api/iso8583/bcd.h"

#include <algorithm>
#include <array>

namespace yika::iso8583 {

namespace {

// One bit per field type in a 256-entry table, so that validating a value costs one load and
// one test per character.
constexpr std::uint8_t kClassN = 1;
constexpr std::uint8_t kClassZ = 2;
constexpr std::uint8_t kClassAn = 4;
constexpr std::uint8_t kClassAns = 8;

constexpr std::array<std::uint8_t, 256> kCharClasses = [] {
    std::array<std::uint8_t, 256> classes{};
    for (int c = 0x20; c <= 0x7E; ++c) {
        const auto ch = static_cast<char>(c);
        std::uint8_t bits = kClassAns;
        if (detail::isDigit(ch)) {
            bits |= kClassN | kClassZ | kClassAn;
        }
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == ' ') {
            bits |= kClassAn;
        }
        if (ch == '=') {
            bits |= kClassZ;
        }
        classes[static_cast<std::size_t>(c)] = bits;
    }
    return classes;
}();

constexpr std::uint8_t classOf(FieldType type) {
    switch (type) {
        case FieldType::N:
            return kClassN;
        case FieldType::Z:
            return kClassZ;
        case FieldType::An:
            return kClassAn;
        case FieldType::Ans:
            return kClassAns;
        case FieldType::B:
            return 0;
    }
    return 0;
}

std::string_view charsetName(FieldType type) {
    switch (type) {
        case FieldType::N:
            return "a non-digit character";
        case FieldType::Z:
            return "a character other than 0-9 and '='";
        case FieldType::An:
            return "a character other than letters, digits and space";
        case FieldType::Ans:
            return "a non-printable character";
        case FieldType::B:
            return "";
    }
    return "";
}

}  // namespace

std::string describeField(const FieldSpec& spec) {
    std::string text = "field ";
    text += std::to_string(fieldNumber(spec.field));
    text += " (";
    text += spec.name;
    text += ")";
    return text;
}

Status validateValue(const FieldSpec& spec, std::string_view value) {
    if (spec.length_kind == LengthKind::Fixed && value.size() != spec.length_max) {
        return makeError(ErrorCode::InvalidArgument,
                         describeField(spec) + ": length " + std::to_string(value.size()) +
                             ", expected " + std::to_string(spec.length_max));
    }
    if (value.size() > spec.length_max) {
        return makeError(ErrorCode::InvalidArgument,
                         describeField(spec) + ": length " + std::to_string(value.size()) +
                             " exceeds the maximum " + std::to_string(spec.length_max));
    }
    if (spec.type == FieldType::B) {
        return Ok{};
    }
    const std::uint8_t wanted = classOf(spec.type);
    const bool all_allowed = std::all_of(value.begin(), value.end(), [wanted](char c) {
        return (kCharClasses[static_cast<unsigned char>(c)] & wanted) != 0;
    });
    if (!all_allowed) {
        return makeError(ErrorCode::InvalidArgument,
                         describeField(spec) + ": " + std::string(charsetName(spec.type)));
    }
    return Ok{};
}

}  // namespace yika::iso8583
