// Signed callbacks to web shops: when an order with a callback_url is paid, one thread POSTs the
// order (the same JSON as GET /v1/shop/orders/{id}) to the URL, signed with the shop terminal's
// HTTP key exactly as the shop signs its own requests (X-Yika-Terminal, X-Yika-Timestamp,
// X-Yika-Nonce, X-Yika-Signature over the canonical request). Any 2xx acknowledges it. Otherwise
// it is retried after portal.callback_backoff_ms, doubling up to portal.callback_backoff_max_ms,
// at most portal.callback_attempts_max times, then marked FAILED (the shop can still poll).
// The schedule lives in the shop_callback table, so a restart resumes it.

#include "card_core/domain/online_payment.h"
#include "terminal_api/http/request_signature.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/URI.h>

#include <algorithm>
#include <chrono>

#include "portal/portal_http.h"

namespace yika::portal {

namespace {

constexpr std::int64_t kDueBatchMax = 32;
constexpr int kBackoffShiftMax = 30;

// POSTs `body` to `url` signed with `key`; whether the shop answered 2xx.
bool deliver(const std::string& url, const std::string& tid, const http::HttpKey& key,
             const std::string& body, TimestampMs now_ms, std::int64_t timeout_ms) {
    try {
        Poco::URI uri(url);
        if (uri.getScheme() != "http") return false;  // https: through a TLS-terminating proxy
        Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
        session.setTimeout(Poco::Timespan(timeout_ms * 1000));
        std::string target = uri.getPathAndQuery();
        if (target.empty()) target = "/";
        std::string timestamp = std::to_string(now_ms);
        std::string nonce = PortalState::randomHex(16);
        std::string signature = http::signCanonical(
            key, http::canonicalRequest("POST", target, timestamp, nonce, body));
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, target,
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        request.setContentType("application/json");
        request.setContentLength64(static_cast<Poco::Int64>(body.size()));
        request.set("X-Yika-Terminal", tid);
        request.set("X-Yika-Timestamp", timestamp);
        request.set("X-Yika-Nonce", nonce);
        request.set("X-Yika-Signature", signature);
        session.sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        session.receiveResponse(response);
        int status = static_cast<int>(response.getStatus());
        return status >= 200 && status < 300;
    } catch (const Poco::Exception& e) {
        Poco::Logger::get("yika.portal")
            .information("callback to shop failed: %s", e.displayText());
        return false;
    }
}

}  // namespace

void PortalState::startCallbacks() {
    std::lock_guard lock(callback_mutex_);
    if (callback_thread_.joinable()) return;
    callbacks_stopping_ = false;
    callback_thread_ = std::thread([this] { callbackLoop(); });
}

void PortalState::stopCallbacks() {
    {
        std::lock_guard lock(callback_mutex_);
        callbacks_stopping_ = true;
    }
    callback_wake_.notify_all();
    if (callback_thread_.joinable()) callback_thread_.join();
}

void PortalState::pokeCallbacks() {
    {
        std::lock_guard lock(callback_mutex_);
        callbacks_poked_ = true;
    }
    callback_wake_.notify_all();
}

void PortalState::callbackLoop() {
    for (;;) {
        {
            std::unique_lock lock(callback_mutex_);
            callback_wake_.wait_for(lock, std::chrono::milliseconds(limits.callback_poll_ms),
                                    [this] { return callbacks_stopping_ || callbacks_poked_; });
            if (callbacks_stopping_) return;
            callbacks_poked_ = false;
        }
        try {
            TimestampMs now = deps.clock.nowMs();
            std::vector<std::pair<ShopCallback, std::string>> due;
            std::vector<std::string> tids;
            {
                auto reader = readers.acquire();
                for (ShopCallback& c : reader.tx().accounts().dueCallbacks(now, kDueBatchMax)) {
                    auto order = reader.tx().accounts().paymentOrder(c.order_id);
                    if (!order) continue;
                    tids.push_back(order->shop_tid);
                    due.emplace_back(std::move(c), orderJson(*this, *order, now));
                }
            }
            for (std::size_t i = 0; i < due.size(); ++i) {
                auto& [callback, body] = due[i];
                auto shop = shops.find(tids[i]);
                bool acknowledged = shop && deliver(callback.url, shop->tid, shop->http_key, body,
                                                    deps.clock.nowMs(), limits.callback_timeout_ms);
                callback.attempts += 1;
                if (acknowledged) {
                    callback.state = "DELIVERED";
                } else if (callback.attempts >= limits.callback_attempts_max) {
                    callback.state = "FAILED";
                } else {
                    int shift = std::min(callback.attempts - 1, kBackoffShiftMax);
                    std::int64_t delay = std::min(limits.callback_backoff_ms << shift,
                                                  limits.callback_backoff_max_ms);
                    // From the attempt's start, so the schedule does not drift with slow shops.
                    callback.next_at_ms = now + delay;
                }
                ShopCallback row = callback;
                deps.store.writer().submit(
                    [row](StoreTx& tx) -> Status {
                        tx.accounts().upsertCallback(row);
                        return Ok{};
                    },
                    [](const Status&) {});
            }
        } catch (const std::exception& e) {
            Poco::Logger::get("yika.portal").error("callbacks: %s", std::string(e.what()));
        }
    }
}

}  // namespace yika::portal
