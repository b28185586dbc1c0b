#include "card_core/domain/json_writer.h"

#include "card_core/domain/assert.h"

#include <cstdio>

namespace yika {

std::string jsonQuote(std::string_view text) {
    std::string out = "\"";
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += ch;
                }
        }
    }
    return out + "\"";
}

void JsonWriter::key(std::string_view name) {
    if (!first_.empty()) {
        if (!first_.back()) out_ += ',';
        first_.back() = false;
    }
    if (!name.empty()) {
        out_ += jsonQuote(name);
        out_ += ':';
    }
}

JsonWriter& JsonWriter::beginObject(std::string_view name) {
    key(name);
    out_ += '{';
    first_.push_back(true);
    return *this;
}

JsonWriter& JsonWriter::endObject() {
    YIKA_ASSERT(!first_.empty());
    first_.pop_back();
    out_ += '}';
    return *this;
}

JsonWriter& JsonWriter::beginArray(std::string_view name) {
    key(name);
    out_ += '[';
    first_.push_back(true);
    return *this;
}

JsonWriter& JsonWriter::endArray() {
    YIKA_ASSERT(!first_.empty());
    first_.pop_back();
    out_ += ']';
    return *this;
}

JsonWriter& JsonWriter::str(std::string_view name, std::string_view value) {
    key(name);
    out_ += jsonQuote(value);
    return *this;
}

JsonWriter& JsonWriter::num(std::string_view name, std::int64_t value) {
    key(name);
    out_ += std::to_string(value);
    return *this;
}

JsonWriter& JsonWriter::boolean(std::string_view name, bool value) {
    key(name);
    out_ += value ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::money(std::string_view name, Money value) {
    num(std::string(name) + "_minor", value.minor());
    return str(name, value.toDecimal());
}

}  // namespace yika
