#include "terminal_api/http/json_body.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Handler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SharedPtr.h>

#include <algorithm>
#include <limits>
#include <vector>

namespace yika::http {

namespace {

Error invalid(std::string detail) {
    return makeError(ErrorCode::InvalidArgument, std::move(detail));
}

// A member name as it may be echoed in an error message: printable ASCII, at most 64 bytes.
// Names are not bounded by string_bytes_max and may hold any bytes; the answer must stay short
// and valid UTF-8.
std::string printable(std::string_view name) {
    constexpr std::size_t kEchoBytesMax = 64;
    std::string out;
    for (char c : name.substr(0, kEchoBytesMax)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
    if (name.size() > kEchoBytesMax) out += "...";
    return out;
}

// Collects the top-level members into a JsonObject as Poco's parser reports them. Poco's own
// ParseHandler builds a tree in which a repeated member silently replaces the first; a request
// with two "amount_minor" members must be refused instead, so we keep our own.
class FlatHandler final : public Poco::JSON::Handler {
  public:
    explicit FlatHandler(const JsonLimits& limits) : limits_(limits) {}

    void reset() override {
        depth_ = 0;
        saw_top_ = false;
        object_.clear();
        key_.clear();
        value_done_ = false;
        error_.clear();
    }
    void startObject() override { open(JsonType::Object); }
    void endObject() override { depth_ -= 1; }
    void startArray() override { open(JsonType::Array); }
    void endArray() override { depth_ -= 1; }
    void key(const std::string& k) override {
        if (depth_ == 1) {
            key_ = k;
            value_done_ = false;
        }
    }
    void null() override { scalar(JsonValue{JsonType::Null, 0, {}, false}); }
    void value(int v) override { integer(v); }
    void value(unsigned v) override { integer(static_cast<std::int64_t>(v)); }
    void value(Poco::Int64 v) override { integer(v); }
    void value(Poco::UInt64 v) override {
        // Poco reports UInt64 only for values above INT64_MAX.
        (void)v;
        scalar(JsonValue{JsonType::BigInteger, 0, {}, false});
    }
    void value(const std::string& s) override {
        if (static_cast<std::int64_t>(s.size()) > limits_.string_bytes_max) {
            fail(name() + ": longer than " + std::to_string(limits_.string_bytes_max) + " bytes");
        }
        scalar(JsonValue{JsonType::String, 0, s, false});
    }
    void value(double) override { scalar(JsonValue{JsonType::Fraction, 0, {}, false}); }
    void value(bool b) override { scalar(JsonValue{JsonType::Bool, 0, {}, b}); }

    JsonObject& object() { return object_; }
    const std::string& error() const { return error_; }
    // The member whose value the parser was reading when it failed, if any.
    std::string pendingKey() const { return value_done_ ? std::string() : printable(key_); }
    bool sawObject() const { return saw_top_; }

  private:
    std::string name() const { return key_.empty() ? std::string("body") : printable(key_); }
    void fail(std::string message) {
        if (error_.empty()) error_ = std::move(message);
    }
    void open(JsonType type) {
        if (depth_ == 0) {
            if (type != JsonType::Object) fail("body: must be a JSON object");
            saw_top_ = true;
        } else if (depth_ == 1) {
            put(JsonValue{type, 0, {}, false});
        }
        depth_ += 1;
    }
    void integer(std::int64_t v) { scalar(JsonValue{JsonType::Integer, v, {}, false}); }
    void scalar(JsonValue v) {
        if (depth_ == 0) {
            fail("body: must be a JSON object");
        } else if (depth_ == 1) {
            put(std::move(v));
        }
    }
    void put(JsonValue v) {
        value_done_ = true;
        if (static_cast<std::int64_t>(object_.size()) >= limits_.fields_max) {
            fail("body: more than " + std::to_string(limits_.fields_max) + " members");
            return;
        }
        auto [it, inserted] = object_.emplace(key_, std::move(v));
        if (!inserted) fail(printable(key_) + ": given twice");
    }

    const JsonLimits& limits_;
    int depth_ = 0;
    bool saw_top_ = false;
    JsonObject object_;
    std::string key_;
    bool value_done_ = false;
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

}  // namespace

Result<JsonObject> parseFlatObject(std::string_view body, const JsonLimits& limits) {
    Poco::SharedPtr<FlatHandler> handler = new FlatHandler(limits);
    Poco::JSON::Parser parser(handler);
    parser.setAllowComments(false);
    parser.setAllowNullByte(false);
    parser.setDepth(static_cast<std::size_t>(limits.depth_max));
    try {
        parser.parse(std::string(body));
    } catch (const Poco::Exception& e) {
        // Poco's messages describe the position and the token, never echo the body, so they are
        // safe to return (a PIN cannot leak through them) and help integrators.
        std::string pending = handler->pendingKey();
        if (!pending.empty()) return invalid(pending + ": malformed value (" + e.message() + ")");
        return invalid("body: malformed JSON (" + e.message() + ")");
    }
    if (!handler->error().empty()) return invalid(handler->error());
    if (!handler->sawObject()) return invalid("body: must be a JSON object");
    return std::move(handler->object());
}

Status onlyFields(const JsonObject& object, std::initializer_list<std::string_view> allowed) {
    for (const auto& [name, value] : object) {
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
            return invalid(printable(name) + ": unknown field");
        }
    }
    return Ok{};
}

Result<std::optional<std::string>> stringField(const JsonObject& object, std::string_view name,
                                               bool required) {
    auto it = object.find(name);
    if (it == object.end()) {
        if (required) return invalid(std::string(name) + ": required");
        return std::optional<std::string>();
    }
    if (it->second.type != JsonType::String) {
        return invalid(std::string(name) + ": must be a string, not " +
                       std::string(typeName(it->second.type)));
    }
    return std::optional<std::string>(it->second.text);
}

Result<std::optional<std::int64_t>> integerField(const JsonObject& object, std::string_view name,
                                                 std::int64_t min, std::int64_t max,
                                                 bool required) {
    auto it = object.find(name);
    if (it == object.end()) {
        if (required) return invalid(std::string(name) + ": required");
        return std::optional<std::int64_t>();
    }
    const JsonValue& v = it->second;
    std::string range = std::to_string(min) + ".." + std::to_string(max);
    if (v.type == JsonType::BigInteger) {
        return invalid(std::string(name) + ": must be in " + range);
    }
    if (v.type != JsonType::Integer) {
        return invalid(std::string(name) + ": must be an integer, not " +
                       std::string(typeName(v.type)));
    }
    if (v.integer < min || v.integer > max) {
        return invalid(std::string(name) + ": must be in " + range);
    }
    return std::optional<std::int64_t>(v.integer);
}

}  // namespace yika::http
