// libFuzzer target for the admin API's request bodies (issue 9): the input is a body, parsed by
// parseJsonTree under small limits and then read through JsonReader the way handlers read it.
// Properties: nothing crashes, hangs or trips a sanitizer; a parsed tree respects the limits
// (depth, values, string bytes); its compact re-encoding (toJson, which approvals store as
// payloads and parse again when they execute) parses again to the same text; every accessor on
// every member answers a value or an error, never throws. YIKA_ASSERT aborts on a broken
// property, which libFuzzer reports as a crash.

#include "card_core/domain/assert.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "admin_api/json_tree.h"

namespace yika::admin {
namespace {

// Small limits so that the fuzzer reaches them; the server's are settings (admin.json_*).
constexpr JsonTreeLimits kLimits{4, 64, 48};

struct Walk {
    std::int64_t nodes = 0;
    std::int64_t depth_max = 0;
};

// `depth` counts the containers open around `node` (as the parser's depth limit does), so a
// scalar does not add a level.
void walk(const JsonNode& node, std::int64_t depth, Walk& w) {
    ++w.nodes;
    const bool container =
        node.type == http::JsonType::Object || node.type == http::JsonType::Array;
    if (container && depth + 1 > w.depth_max) w.depth_max = depth + 1;
    if (node.type == http::JsonType::String) {
        YIKA_ASSERT(static_cast<std::int64_t>(node.text.size()) <= kLimits.string_bytes_max);
    }
    if (node.type == http::JsonType::Object) YIKA_ASSERT(node.keys.size() == node.values.size());
    for (const JsonNode& child : node.values) walk(child, depth + 1, w);
}

// Every accessor on every member, recursively into objects and arrays of objects.
void readAll(const JsonReader& reader, const JsonNode& object) {
    (void)reader.only({"amount_minor", "lines", "name"});
    for (const std::string& key : object.keys) {
        YIKA_ASSERT(reader.has(key));
        (void)reader.str(key, 16);
        (void)reader.optStr(key, 1024);
        (void)reader.integer(key, -1000, 1000);
        (void)reader.optInteger(key, 0, INT64_MAX);
        (void)reader.optBool(key, false);
        (void)reader.integers(key, 1, 99, 8);
        (void)reader.raw(key);
        YIKA_ASSERT(!reader.pathOf(key).empty() || key.empty());
        if (auto child = reader.object(key)) {
            for (std::size_t i = 0; i < object.keys.size(); ++i) {
                if (object.keys[i] == key) readAll(*child, object.values[i]);
            }
        }
        if (auto items = reader.objects(key, 8)) {
            for (std::size_t i = 0; i < object.keys.size(); ++i) {
                if (object.keys[i] != key) continue;
                for (std::size_t j = 0; j < items->size(); ++j) {
                    readAll((*items)[j], object.values[i].values[j]);
                }
            }
        }
    }
}

}  // namespace
}  // namespace yika::admin

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace yika::admin;
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    auto tree = parseJsonTree(body, kLimits);
    if (!tree) {
        YIKA_ASSERT(!tree.error().detail.empty());
        return 0;
    }
    YIKA_ASSERT(tree->type == yika::http::JsonType::Object);
    Walk w;
    walk(*tree, 0, w);
    YIKA_ASSERT(w.nodes <= kLimits.nodes_max);
    YIKA_ASSERT(w.depth_max <= kLimits.depth_max);

    // Round trip: what toJson writes parses again and re-encodes to the same text (fractions
    // and huge integers become null the first time, so compare the second encoding).
    const std::string once = toJson(*tree);
    auto again = parseJsonTree(once, kLimits);
    YIKA_ASSERT(again.ok());
    YIKA_ASSERT(toJson(*again) == once);

    readAll(JsonReader(*tree, ""), *tree);
    return 0;
}
