// libFuzzer target for the HTTP acceptance API's request parsing: the input is a request body,
// parsed as JSON (Poco's parser under the limits of http_limits.h) and then read as the request
// of every operation. Properties: nothing crashes, hangs or trips a sanitizer; a parsed object
// respects the limits; a request that reads successfully has the shapes its operation requires
// (YIKA_ASSERT aborts otherwise, which libFuzzer reports as a crash).

#include "card_core/domain/assert.h"
#include "card_core/domain/card_number.h"
#include "terminal_api/http/http_limits.h"
#include "terminal_api/http/json_body.h"
#include "terminal_api/http/terminal_requests.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace yika::http {
namespace {

constexpr Operation kOperations[] = {
    Operation::Balance,         Operation::Purchase,      Operation::PreAuth,
    Operation::PreAuthComplete, Operation::PreAuthCancel, Operation::Void,
    Operation::Refund,          Operation::Reversal,      Operation::Settle,
};

void checkRequest(Operation op, const TerminalRequest& r) {
    YIKA_ASSERT(r.op == op);
    switch (op) {
        case Operation::Balance:
        case Operation::Purchase:
        case Operation::PreAuth:
            // The shape only: an unknown or mistyped number is the card lookup's answer.
            YIKA_ASSERT(r.pan.size() >= 13 && r.pan.size() <= 19 && isAllDigits(r.pan));
            YIKA_ASSERT(!r.pin || (r.pin->size() == 6 && isAllDigits(*r.pin)));
            break;
        case Operation::Reversal:
            YIKA_ASSERT(isValidIdempotencyKey(r.original_idem_key));
            break;
        case Operation::PreAuthComplete:
        case Operation::PreAuthCancel:
        case Operation::Void:
        case Operation::Refund:
            YIKA_ASSERT(r.original_id > 0);
            break;
        case Operation::Settle:
            break;
    }
    YIKA_ASSERT(r.amount.minor() >= 0);
}

}  // namespace
}  // namespace yika::http

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace yika::http;
    const HttpApiLimits limits;
    const JsonLimits json{limits.json_depth_max, limits.json_fields_max,
                          limits.string_field_bytes_max};
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    auto object = parseFlatObject(body, json);
    if (!object.ok()) return 0;
    YIKA_ASSERT(static_cast<std::int64_t>(object->size()) <= json.fields_max);
    for (const auto& [name, value] : *object) {
        YIKA_ASSERT(value.type != JsonType::String ||
                    static_cast<std::int64_t>(value.text.size()) <= json.string_bytes_max);
    }
    for (Operation op : kOperations) {
        auto request = parseTerminalRequest(op, *object, limits);
        if (request.ok()) checkRequest(op, *request);
    }
    return 0;
}
