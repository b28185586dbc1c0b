// The web-shop API (docs/portal-api.md): a merchant's web shop creates payment orders, polls
// them and refunds them. A shop authenticates exactly as an HTTP terminal does (its terminal's
// TID in X-Yika-Terminal, X-Yika-Timestamp, X-Yika-Nonce, X-Yika-Signature over the canonical
// request; terminal_api/http/request_signature.h): its "API key" is a terminal of the merchant
// registered for the web shop, so that keys, their storage, rotation and disabling are the
// terminals' own.

#include "card_core/domain/online_payment.h"
#include "terminal_api/http/http_limits.h"
#include "terminal_api/http/request_handler.h"
#include "terminal_api/http/request_signature.h"

#include "portal/portal_http.h"

namespace yika::portal {

namespace {

constexpr std::string_view kShopOrders = "/v1/shop/orders";
constexpr std::int64_t kAmountMinorMax = 999'999'999'999;
constexpr std::int64_t kMsPerSecond = 1000;

PortalReply problemReply(const http::Problem& p) { return errorReply(p.status, p.code, p.message); }

// The shop's terminal, or an error reply (401 unless the terminal is disabled: 403).
std::variant<http::TerminalCredentials, PortalReply> authenticateShop(PortalState& state,
                                                                      PortalRequest& request) {
    http::AuthHeaders auth;
    if (auto p = http::readAuthHeaders(request.http, auth)) return problemReply(*p);
    auto shop = state.shops.find(auth.tid);
    if (!shop)
        return problemReply(http::problemOf(http::HttpError::UnknownTerminal, "unknown shop"));
    TimestampMs now = state.deps.clock.nowMs();
    if (auth.timestamp_ms < now - state.limits.clock_skew_ms ||
        auth.timestamp_ms > now + state.limits.clock_skew_ms) {
        return problemReply(http::problemOf(
            http::HttpError::StaleTimestamp,
            "X-Yika-Timestamp is too far from the host's time " + std::to_string(now)));
    }
    std::string canonical = http::canonicalRequest(request.method, request.http.getURI(),
                                                   auth.timestamp, auth.nonce, request.body);
    if (!http::verifySignature(shop->http_key, canonical, auth.signature)) {
        return problemReply(
            http::problemOf(http::HttpError::BadSignature, "signature does not verify"));
    }
    if (!shop->active) {
        return problemReply(
            http::problemOf(http::HttpError::TerminalDisabled, "the shop is disabled"));
    }
    switch (state.replay.admit(auth.tid, auth.nonce, auth.timestamp_ms, now)) {
        case http::ReplayCache::Admit::Fresh:
            return *shop;
        case http::ReplayCache::Admit::Replayed:
            return problemReply(
                http::problemOf(http::HttpError::ReplayedNonce, "X-Yika-Nonce was already used"));
        case http::ReplayCache::Admit::Full:
            return problemReply(http::problemOf(http::HttpError::Overloaded, "too many requests"));
    }
    return *shop;
}

Status checkUrl(std::string_view name, const std::string& url, bool required) {
    if (url.empty() && !required) return Ok{};
    bool scheme = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
    bool clean = std::all_of(url.begin(), url.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f && c != '"' && c != '<' && c != '>' && c != '\\';
    });
    if (!scheme || !clean) {
        return makeError(ErrorCode::InvalidArgument,
                         std::string(name) + ": an http:// or https:// URL");
    }
    return Ok{};
}

Result<PaymentOrderRequest> parseCreate(const PortalState& state, const http::JsonObject& o,
                                        const http::TerminalCredentials& shop, TimestampMs now) {
    YIKA_TRY(http::onlyFields(o, {"merchant_order_id", "amount_minor", "currency", "description",
                                  "return_url", "callback_url", "expires_in_s"}));
    PaymentOrderRequest r;
    r.merchant_id = shop.merchant_id;
    r.shop_tid = shop.tid;
    auto ref = http::stringField(o, "merchant_order_id", true);
    if (!ref) return ref.error();
    r.merchant_order_id = **ref;
    auto amount = http::integerField(o, "amount_minor", 1, kAmountMinorMax, true);
    if (!amount) return amount.error();
    r.amount = Money::fromMinor(**amount, Currency::Cny);
    auto currency = http::stringField(o, "currency", false);
    if (!currency) return currency.error();
    if (*currency && **currency != "CNY") {
        return makeError(ErrorCode::InvalidArgument, "currency: CNY");
    }
    auto description = http::stringField(o, "description", false);
    if (!description) return description.error();
    r.description = description->value_or("");
    auto return_url = http::stringField(o, "return_url", true);
    if (!return_url) return return_url.error();
    r.return_url = **return_url;
    YIKA_TRY(checkUrl("return_url", r.return_url, true));
    auto callback_url = http::stringField(o, "callback_url", false);
    if (!callback_url) return callback_url.error();
    r.callback_url = callback_url->value_or("");
    YIKA_TRY(checkUrl("callback_url", r.callback_url, false));
    auto ttl = http::integerField(o, "expires_in_s", 60,
                                  state.limits.order_ttl_max_ms / kMsPerSecond, false);
    if (!ttl) return ttl.error();
    r.expires_at_ms = now + (*ttl ? **ttl * kMsPerSecond : state.limits.order_ttl_default_ms);
    r.token = PortalState::randomHex(16);
    return r;
}

PortalReply createOrder(PortalState& state, PortalRequest& request,
                        const http::TerminalCredentials& shop) {
    auto body = jsonBody(state, request);
    if (!body) return errorReply(body.error());
    TimestampMs now = state.deps.clock.nowMs();
    auto parsed = parseCreate(state, *body, shop, now);
    if (!parsed) return errorReply(parsed.error());
    auto order = write<PaymentOrder>(
        state, [&](StoreTx& tx) { return createPaymentOrder(tx, *parsed, now); });
    if (!order) return errorReply(order.error());
    bool created = order->token == parsed->token;
    return jsonReply(created ? 201 : 200, orderJson(state, *order, now));
}

std::optional<PaymentOrder> findOrder(PortalState& state, MerchantId merchant,
                                      std::string_view ref) {
    auto reader = state.readers.acquire();
    return reader.tx().accounts().paymentOrderByMerchantRef(merchant, ref);
}

PortalReply refundOrder(PortalState& state, PortalRequest& request, MerchantId merchant,
                        std::string_view ref) {
    auto body = jsonBody(state, request);
    if (!body) return errorReply(body.error());
    if (Status s = http::onlyFields(*body, {"refund_id", "amount_minor"}); !s) {
        return errorReply(s.error());
    }
    auto refund_id = http::stringField(*body, "refund_id", true);
    if (!refund_id) return errorReply(refund_id.error());
    auto amount = http::integerField(*body, "amount_minor", 1, kAmountMinorMax, true);
    if (!amount) return errorReply(amount.error());
    auto order = findOrder(state, merchant, ref);
    if (!order) return errorReply(makeError(ErrorCode::OriginalNotFound, "no such order"));
    auto refunded = write<PaidOrder>(state, [&](StoreTx& tx) {
        return refundPaymentOrder(tx, merchant, order->id,
                                  Money::fromMinor(**amount, Currency::Cny), **refund_id,
                                  state.deps.clock.nowMs());
    });
    if (!refunded) return errorReply(refunded.error());
    return jsonReply(200, orderJson(state, refunded->order, state.deps.clock.nowMs()));
}

}  // namespace

std::optional<PortalReply> routeShopApi(PortalState& state, PortalRequest& request) {
    const std::string& p = request.path;
    if (p.rfind("/v1/shop/", 0) != 0) return std::nullopt;
    if (p.rfind(kShopOrders, 0) != 0)
        return errorReply(404, "unknown_endpoint", "no such endpoint");
    auto authed = authenticateShop(state, request);
    if (auto* refused = std::get_if<PortalReply>(&authed)) return *refused;
    const auto& shop = std::get<http::TerminalCredentials>(authed);
    MerchantId merchant = shop.merchant_id;
    const bool post = request.method == "POST";
    if (p == kShopOrders) {
        return post ? createOrder(state, request, shop)
                    : errorReply(405, "method_not_allowed", "use POST");
    }
    std::string_view rest = std::string_view(p).substr(kShopOrders.size());
    if (rest.empty() || rest[0] != '/')
        return errorReply(404, "unknown_endpoint", "no such endpoint");
    rest.remove_prefix(1);
    constexpr std::string_view kRefund = "/refund";
    if (rest.size() > kRefund.size() && rest.substr(rest.size() - kRefund.size()) == kRefund) {
        if (!post) return errorReply(405, "method_not_allowed", "use POST");
        return refundOrder(state, request, merchant, rest.substr(0, rest.size() - kRefund.size()));
    }
    if (rest.find('/') != std::string_view::npos) {
        return errorReply(404, "unknown_endpoint", "no such endpoint");
    }
    if (request.method != "GET") return errorReply(405, "method_not_allowed", "use GET");
    auto order = findOrder(state, merchant, rest);
    if (!order) return errorReply(makeError(ErrorCode::NotFound, "no such order"));
    return jsonReply(200, orderJson(state, *order, state.deps.clock.nowMs()));
}

}  // namespace yika::portal
