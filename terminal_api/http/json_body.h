#pragma once

// Request bodies: one JSON object whose members are scalars (docs/openapi.yaml), read strictly.
// Syntax first (parseFlatObject), then each operation's schema through the field readers, which
// name the offending field in their error ("amount_minor: must be an integer").
//
// Refused (InvalidArgument): malformed JSON, trailing bytes, a top level that is not an object,
// a member name given twice, more than json_fields_max members, nesting deeper than
// json_depth_max, a string longer than string_field_bytes_max bytes, a NUL byte. A member
// whose value is an object or array is kept with that type, so its field reader can say what
// it should have been.

#include "card_core/domain/result.h"

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace yika::http {

struct JsonLimits {
    std::int64_t depth_max = 4;
    std::int64_t fields_max = 16;
    std::int64_t string_bytes_max = 64;
};

enum class JsonType : std::uint8_t {
    Integer,
    BigInteger,
    Fraction,
    String,
    Bool,
    Null,
    Object,
    Array
};

struct JsonValue {
    JsonType type = JsonType::Null;
    std::int64_t integer = 0;  // JsonType::Integer
    std::string text;          // JsonType::String
    bool boolean = false;      // JsonType::Bool
};

using JsonObject = std::map<std::string, JsonValue, std::less<>>;

// Parses `body`. Thread-safe (no shared state). Never throws.
Result<JsonObject> parseFlatObject(std::string_view body, const JsonLimits& limits);

// InvalidArgument "<name>: unknown field" for the first member not in `allowed` (in name order,
// so the answer does not depend on hash order).
Status onlyFields(const JsonObject& object, std::initializer_list<std::string_view> allowed);

// The string member `name`; InvalidArgument naming it when absent (`required`) or not a string.
Result<std::optional<std::string>> stringField(const JsonObject& object, std::string_view name,
                                               bool required);

// The integer member `name` in [min, max]; InvalidArgument naming it when absent (`required`),
// not an integer (a fraction, exponent, string, ...) or out of range.
Result<std::optional<std::int64_t>> integerField(const JsonObject& object, std::string_view name,
                                                 std::int64_t min, std::int64_t max, bool required);

}  // namespace yika::http
