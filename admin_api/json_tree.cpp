#include "admin_api/json_tree.h"

#include "terminal_api/http/responses.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Handler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SharedPtr.h>

#include <algorithm>

namespace yika::admin {

namespace {

Error invalid(std::string detail) {
    return makeError(ErrorCode::InvalidArgument, std::move(detail));
}

// A member name as it may be echoed: printable ASCII, at most 64 bytes.
std::string printable(std::string_view name) {
    constexpr std::size_t kEchoBytesMax = 64;
    std::string out;
    for (char c : name.substr(0, kEchoBytesMax)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
    if (name.size() > kEchoBytesMax) out += "...";
    return out;
}

// Builds the tree as Poco's parser reports it. Poco's own ParseHandler lets a repeated member
// silently replace the first; a body with two "amount_minor" members must be refused instead.
class TreeHandler final : public Poco::JSON::Handler {
  public:
    explicit TreeHandler(const JsonTreeLimits& limits) : limits_(limits) {}

    void reset() override {
        root_ = JsonNode{};
        stack_.clear();
        key_.clear();
        nodes_ = 0;
        started_ = false;
        error_.clear();
    }
    void startObject() override { open(JsonType::Object); }
    void endObject() override { close(); }
    void startArray() override { open(JsonType::Array); }
    void endArray() override { close(); }
    void key(const std::string& k) override { key_ = k; }
    void null() override { add(JsonNode{}); }
    void value(int v) override { integer(v); }
    void value(unsigned v) override { integer(static_cast<std::int64_t>(v)); }
    void value(Poco::Int64 v) override { integer(v); }
    void value(Poco::UInt64) override { add(node(JsonType::BigInteger)); }
    void value(const std::string& s) override {
        if (static_cast<std::int64_t>(s.size()) > limits_.string_bytes_max) {
            fail(printable(key_) + ": longer than " + std::to_string(limits_.string_bytes_max) +
                 " bytes");
        }
        JsonNode n = node(JsonType::String);
        n.text = s;
        add(std::move(n));
    }
    void value(double) override { add(node(JsonType::Fraction)); }
    void value(bool b) override {
        JsonNode n = node(JsonType::Bool);
        n.boolean = b;
        add(std::move(n));
    }

    JsonNode& root() { return root_; }
    const std::string& error() const { return error_; }
    bool started() const { return started_; }

  private:
    static JsonNode node(JsonType type) {
        JsonNode n;
        n.type = type;
        return n;
    }
    void integer(std::int64_t v) {
        JsonNode n = node(JsonType::Integer);
        n.integer = v;
        add(std::move(n));
    }
    void fail(std::string message) {
        if (error_.empty()) error_ = std::move(message);
    }
    // Appends to the innermost open container; returns the new node (valid until the next add
    // to the same container, which cannot happen while it is open).
    JsonNode* add(JsonNode n) {
        if (++nodes_ > limits_.nodes_max) {
            fail("body: more than " + std::to_string(limits_.nodes_max) + " values");
            return nullptr;
        }
        if (stack_.empty()) {
            if (started_ || n.type != JsonType::Object) {
                fail("body: must be a JSON object");
                return nullptr;
            }
            started_ = true;
            root_ = std::move(n);
            return &root_;
        }
        JsonNode& parent = *stack_.back();
        if (parent.type == JsonType::Object) {
            if (std::find(parent.keys.begin(), parent.keys.end(), key_) != parent.keys.end()) {
                fail(printable(key_) + ": given twice");
            }
            parent.keys.push_back(key_);
        }
        parent.values.push_back(std::move(n));
        return &parent.values.back();
    }
    void open(JsonType type) {
        JsonNode* n = add(node(type));
        if (n != nullptr) stack_.push_back(n);
    }
    void close() {
        if (!stack_.empty()) stack_.pop_back();
    }

    const JsonTreeLimits& limits_;
    JsonNode root_;
    std::vector<JsonNode*> stack_;
    std::string key_;
    std::int64_t nodes_ = 0;
    bool started_ = false;
    std::string error_;
};

std::string_view typeName(JsonType type) {
    switch (type) {
        case JsonType::Integer:
        case JsonType::BigInteger:
            return "an integer";
        case JsonType::Fraction:
            return "a fraction";
        case JsonType::String:
            return "a string";
        case JsonType::Bool:
            return "a boolean";
        case JsonType::Null:
            return "null";
        case JsonType::Object:
            return "an object";
        case JsonType::Array:
            return "an array";
    }
    return "unknown";
}

Error wrongType(const std::string& path, std::string_view want, JsonType got) {
    return invalid(path + ": must be " + std::string(want) + ", not " + std::string(typeName(got)));
}

}  // namespace

Result<JsonNode> parseJsonTree(std::string_view body, const JsonTreeLimits& limits) {
    Poco::SharedPtr<TreeHandler> handler = new TreeHandler(limits);
    Poco::JSON::Parser parser(handler);
    parser.setAllowComments(false);
    parser.setAllowNullByte(false);
    parser.setDepth(static_cast<std::size_t>(limits.depth_max));
    try {
        parser.parse(std::string(body));
    } catch (const Poco::Exception& e) {
        // Poco's messages name the position and token and never echo the body.
        return invalid("body: malformed JSON (" + e.message() + ")");
    }
    if (!handler->error().empty()) return invalid(handler->error());
    if (!handler->started()) return invalid("body: must be a JSON object");
    return std::move(handler->root());
}

JsonReader::JsonReader(const JsonNode& object, std::string path)
    : object_(object), path_(std::move(path)) {}

std::string JsonReader::pathOf(std::string_view name) const {
    return path_.empty() ? std::string(name) : path_ + "." + std::string(name);
}

const JsonNode* JsonReader::find(std::string_view name) const {
    for (std::size_t i = 0; i < object_.keys.size(); ++i) {
        if (object_.keys[i] == name) return &object_.values[i];
    }
    return nullptr;
}

bool JsonReader::has(std::string_view name) const { return find(name) != nullptr; }

Status JsonReader::only(std::initializer_list<std::string_view> allowed) const {
    for (const std::string& key : object_.keys) {
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            return invalid(pathOf(printable(key)) + ": unknown field");
        }
    }
    return Ok{};
}

Result<std::string> JsonReader::str(std::string_view name, std::size_t bytes_max) const {
    const JsonNode* n = find(name);
    if (n == nullptr) return invalid(pathOf(name) + ": required");
    auto s = optStr(name, bytes_max);
    if (s && s->empty()) return invalid(pathOf(name) + ": must not be empty");
    return s;
}

Result<std::string> JsonReader::optStr(std::string_view name, std::size_t bytes_max) const {
    const JsonNode* n = find(name);
    if (n == nullptr || n->type == JsonType::Null) return std::string();
    if (n->type != JsonType::String) return wrongType(pathOf(name), "a string", n->type);
    if (n->text.size() > bytes_max) {
        return invalid(pathOf(name) + ": at most " + std::to_string(bytes_max) + " bytes");
    }
    return n->text;
}

Result<std::optional<std::int64_t>> JsonReader::optInteger(std::string_view name, std::int64_t min,
                                                           std::int64_t max) const {
    const JsonNode* n = find(name);
    if (n == nullptr || n->type == JsonType::Null) return std::optional<std::int64_t>();
    std::string range = std::to_string(min) + ".." + std::to_string(max);
    if (n->type == JsonType::BigInteger) return invalid(pathOf(name) + ": must be in " + range);
    if (n->type != JsonType::Integer) return wrongType(pathOf(name), "an integer", n->type);
    if (n->integer < min || n->integer > max) {
        return invalid(pathOf(name) + ": must be in " + range);
    }
    return std::optional<std::int64_t>(n->integer);
}

Result<std::int64_t> JsonReader::integer(std::string_view name, std::int64_t min,
                                         std::int64_t max) const {
    auto v = optInteger(name, min, max);
    if (!v) return v.error();
    if (!*v) return invalid(pathOf(name) + ": required");
    return **v;
}

Result<bool> JsonReader::optBool(std::string_view name, bool absent) const {
    const JsonNode* n = find(name);
    if (n == nullptr || n->type == JsonType::Null) return absent;
    if (n->type != JsonType::Bool) return wrongType(pathOf(name), "a boolean", n->type);
    return n->boolean;
}

Result<JsonReader> JsonReader::object(std::string_view name) const {
    const JsonNode* n = find(name);
    if (n == nullptr) return invalid(pathOf(name) + ": required");
    if (n->type != JsonType::Object) return wrongType(pathOf(name), "an object", n->type);
    return JsonReader(*n, pathOf(name));
}

Result<std::vector<JsonReader>> JsonReader::objects(std::string_view name,
                                                    std::size_t items_max) const {
    const JsonNode* n = find(name);
    if (n == nullptr) return invalid(pathOf(name) + ": required");
    if (n->type != JsonType::Array) return wrongType(pathOf(name), "an array", n->type);
    if (n->values.empty() || n->values.size() > items_max) {
        return invalid(pathOf(name) + ": 1 to " + std::to_string(items_max) + " items");
    }
    std::vector<JsonReader> out;
    for (std::size_t i = 0; i < n->values.size(); ++i) {
        std::string item = pathOf(name) + "[" + std::to_string(i) + "]";
        if (n->values[i].type != JsonType::Object) {
            return wrongType(item, "an object", n->values[i].type);
        }
        out.emplace_back(n->values[i], item);
    }
    return out;
}

Result<std::vector<std::int64_t>> JsonReader::integers(std::string_view name, std::int64_t min,
                                                       std::int64_t max,
                                                       std::size_t items_max) const {
    const JsonNode* n = find(name);
    std::vector<std::int64_t> out;
    if (n == nullptr || n->type == JsonType::Null) return out;
    if (n->type != JsonType::Array) return wrongType(pathOf(name), "an array", n->type);
    if (n->values.size() > items_max) {
        return invalid(pathOf(name) + ": at most " + std::to_string(items_max) + " items");
    }
    for (std::size_t i = 0; i < n->values.size(); ++i) {
        const JsonNode& v = n->values[i];
        std::string item = pathOf(name) + "[" + std::to_string(i) + "]";
        if (v.type != JsonType::Integer) return wrongType(item, "an integer", v.type);
        if (v.integer < min || v.integer > max) {
            return invalid(item + ": must be in " + std::to_string(min) + ".." +
                           std::to_string(max));
        }
        out.push_back(v.integer);
    }
    return out;
}

std::string JsonReader::raw(std::string_view name) const {
    const JsonNode* n = find(name);
    return n == nullptr ? std::string() : toJson(*n);
}

std::string toJson(const JsonNode& node) {
    switch (node.type) {
        case JsonType::Integer:
            return std::to_string(node.integer);
        case JsonType::String:
            return http::jsonString(node.text);
        case JsonType::Bool:
            return node.boolean ? "true" : "false";
        case JsonType::Object: {
            std::string out = "{";
            for (std::size_t i = 0; i < node.keys.size(); ++i) {
                if (i) out += ',';
                out += http::jsonString(node.keys[i]) + ":" + toJson(node.values[i]);
            }
            return out + "}";
        }
        case JsonType::Array: {
            std::string out = "[";
            for (std::size_t i = 0; i < node.values.size(); ++i) {
                if (i) out += ',';
                out += toJson(node.values[i]);
            }
            return out + "]";
        }
        default:
            return "null";  // fractions and huge integers are never stored: readers refuse them
    }
}

}  // namespace yika::admin
