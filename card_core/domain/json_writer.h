#pragma once

// A small JSON writer (std only) for reports: objects and arrays appended in order, strings
// escaped (control characters as \u00XX; UTF-8 passes through). Money is written as the
// project's wire convention: "<name>_minor": 1250 plus "<name>": "12.50".

#include "card_core/domain/money.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace yika {

std::string jsonQuote(std::string_view text);

class JsonWriter {
  public:
    JsonWriter& beginObject(std::string_view name = {});
    JsonWriter& endObject();
    JsonWriter& beginArray(std::string_view name = {});
    JsonWriter& endArray();
    JsonWriter& str(std::string_view name, std::string_view value);
    JsonWriter& num(std::string_view name, std::int64_t value);
    JsonWriter& boolean(std::string_view name, bool value);
    JsonWriter& money(std::string_view name, Money value);
    const std::string& text() const { return out_; }

  private:
    void key(std::string_view name);
    std::string out_;
    std::vector<bool> first_;  // per open container: nothing written in it yet
};

}  // namespace yika
