#pragma once

// Request bodies of the admin API: one JSON object that may nest (an order's lines, an
// adjustment's lines, a buyer), read strictly under limits, then through JsonReader, whose
// errors name the offending field by its path ("lines[1].amount_minor: must be an integer") so
// the desktop tool can show each message next to its field.
//
// Refused (InvalidArgument): malformed JSON, trailing bytes, a top level that is not an object,
// a member name given twice in one object, more than nodes_max values in all, nesting deeper
// than depth_max, a string longer than string_bytes_max bytes, a NUL byte. The flat reader of
// the terminal API (terminal_api/http/json_body.h) keeps only top-level scalars; this one keeps
// the tree, with the same duplicate-member rule.

#include "card_core/domain/result.h"
#include "terminal_api/http/json_body.h"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yika::admin {

using http::JsonType;

struct JsonTreeLimits {
    std::int64_t depth_max = 4;
    std::int64_t nodes_max = 512;
    std::int64_t string_bytes_max = 1024;
};

struct JsonNode {
    JsonType type = JsonType::Null;
    std::int64_t integer = 0;
    std::string text;
    bool boolean = false;
    std::vector<std::string> keys;  // Object: member names, in order (unique)
    std::vector<JsonNode> values;   // Object: member values; Array: items
};

// Parses `body` (top level must be an object). Never throws; thread-safe.
Result<JsonNode> parseJsonTree(std::string_view body, const JsonTreeLimits& limits);

// Typed access to one object node; `path` prefixes every error ("" for the body).
class JsonReader {
  public:
    JsonReader(const JsonNode& object, std::string path);

    // InvalidArgument "<path.name>: unknown field" for a member not in `allowed`.
    Status only(std::initializer_list<std::string_view> allowed) const;
    bool has(std::string_view name) const;

    Result<std::string> str(std::string_view name, std::size_t bytes_max) const;     // required
    Result<std::string> optStr(std::string_view name, std::size_t bytes_max) const;  // "" if absent
    Result<std::int64_t> integer(std::string_view name, std::int64_t min, std::int64_t max) const;
    Result<std::optional<std::int64_t>> optInteger(std::string_view name, std::int64_t min,
                                                   std::int64_t max) const;
    Result<bool> optBool(std::string_view name, bool absent) const;
    Result<JsonReader> object(std::string_view name) const;  // required
    // A required array of objects, 1..items_max of them.
    Result<std::vector<JsonReader>> objects(std::string_view name, std::size_t items_max) const;
    // An optional array of integers in [min, max] (empty if absent), at most items_max.
    Result<std::vector<std::int64_t>> integers(std::string_view name, std::int64_t min,
                                               std::int64_t max, std::size_t items_max) const;
    // The member's value re-encoded as compact JSON (to store a payload); "" if absent.
    std::string raw(std::string_view name) const;

    std::string pathOf(std::string_view name) const;

  private:
    const JsonNode* find(std::string_view name) const;
    const JsonNode& object_;
    std::string path_;
};

// Compact JSON text of a node.
std::string toJson(const JsonNode& node);

}  // namespace yika::admin
