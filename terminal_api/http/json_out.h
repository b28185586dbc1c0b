#pragma once

// A small JSON object writer for the portal's and the admin API's answers (values are escaped
// with jsonString). Not a general serializer: members are appended in order.

#include "card_core/domain/money.h"
#include "terminal_api/http/responses.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace yika::http {

class JsonOut {
  public:
    JsonOut& str(std::string_view name, std::string_view value) {
        return raw(name, jsonString(value));
    }
    JsonOut& num(std::string_view name, std::int64_t value) {
        return raw(name, std::to_string(value));
    }
    JsonOut& boolean(std::string_view name, bool value) {
        return raw(name, value ? "true" : "false");
    }
    JsonOut& money(std::string_view prefix, Money m) {
        num(std::string(prefix) + "_minor", m.minor());
        return str(std::string(prefix) + "_yuan", m.toDecimal());
    }
    JsonOut& raw(std::string_view name, std::string_view json) {
        body_ += body_.size() > 1 ? "," : "";
        body_ += jsonString(name);
        body_ += ':';
        body_ += json;
        return *this;
    }
    std::string done() { return body_ + "}"; }

  private:
    std::string body_ = "{";
};

// "[a,b,c]" of already-encoded JSON values.
inline std::string jsonArray(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        out += items[i];
    }
    return out + "]";
}

}  // namespace yika::http
