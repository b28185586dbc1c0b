#pragma once

// Internal to portal/: the request/answer plumbing shared by the cardholder API (account_api.cpp)
// and the shop API (shop_api.cpp). One function per endpoint; each returns a PortalReply and
// throws nothing but StorageError / Poco exceptions, caught once in PortalHandler.

#include "card_core/domain/result.h"
#include "terminal_api/http/json_body.h"
#include "terminal_api/http/json_out.h"

#include <Poco/Net/HTTPServerRequest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "portal/portal_state.h"

namespace yika::portal {

using http::jsonArray;
using http::JsonOut;  // terminal_api/http/json_out.h, shared with the admin API

struct PortalReply {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // Set-Cookie may repeat
};

// {"error":{"code":..,"message":..}} with `status`.
PortalReply errorReply(int status, std::string_view code, std::string_view message);
// A domain error through the terminal API's one status table (http_status.h).
PortalReply errorReply(const Error& error);
PortalReply jsonReply(int status, std::string body);

// One parsed request: method, path without query, body, client address, the JSON object.
struct PortalRequest {
    Poco::Net::HTTPServerRequest& http;
    std::string method;
    std::string path;
    std::string body;
    std::string client;
};

// The body's flat JSON object under the portal's limits, or a 400 reply.
Result<http::JsonObject> jsonBody(const PortalState& state, const PortalRequest& request);

// Runs `fn` on the single writer and waits for the durable commit.
template <typename T>
Result<T> write(PortalState& state, std::function<Result<T>(StoreTx&)> fn) {
    return state.deps.store.writer().run<T>(std::move(fn));
}

// Cardholder endpoints (account_api.cpp); nullopt when the path is not theirs.
std::optional<PortalReply> routeAccountApi(PortalState& state, PortalRequest& request);
// Web-shop endpoints (shop_api.cpp); nullopt when the path is not theirs.
std::optional<PortalReply> routeShopApi(PortalState& state, PortalRequest& request);

// The order as the shop and the page see it.
std::string orderJson(const PortalState& state, const PaymentOrder& order, TimestampMs now_ms);

}  // namespace yika::portal
