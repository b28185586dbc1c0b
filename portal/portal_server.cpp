#include "portal/portal_server.h"

#include "card_core/domain/assert.h"
#include "card_core/domain/online_payment.h"
#include "terminal_api/http/http_status.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <istream>
#include <ostream>

#include "portal/portal_http.h"
#include "portal/web_assets.h"

namespace yika::portal {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("yika.portal"); }

constexpr int kPoolIdleSeconds = 60;
constexpr std::int64_t kJsonDepthMax = 2;
constexpr std::int64_t kJsonFieldsMax = 16;

struct StaticFile {
    std::string_view path;
    std::string_view content_type;
    const unsigned char* bytes;
    std::size_t size;
};

const StaticFile* staticFile(std::string_view path) {
    static const StaticFile kFiles[] = {
        {"/", "text/html; charset=utf-8", kIndexHtml, kIndexHtml_bytes},
        {"/index.html", "text/html; charset=utf-8", kIndexHtml, kIndexHtml_bytes},
        {"/app.js", "text/javascript; charset=utf-8", kAppJs, kAppJs_bytes},
        {"/style.css", "text/css; charset=utf-8", kStyleCss, kStyleCss_bytes},
    };
    for (const StaticFile& f : kFiles) {
        if (f.path == path) return &f;
    }
    return nullptr;
}

class PortalHandler final : public Poco::Net::HTTPRequestHandler {
  public:
    explicit PortalHandler(PortalState& state) : state_(state) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        PortalReply reply;
        bool close = false;
        try {
            reply = process(request, close);
        } catch (const StorageError& e) {
            logger().error("portal: storage failed: %s", std::string(e.what()));
            reply = errorReply(makeError(e.code(), "storage is unavailable; nothing was changed"));
        } catch (const Poco::TimeoutException&) {
            reply = errorReply(408, "request_timeout", "the request did not arrive in time");
            close = true;
        } catch (const std::exception& e) {
            logger().error("portal: %s", std::string(e.what()));
            reply = errorReply(500, "internal_error", "internal error");
            close = true;
        }
        try {
            send(response, reply, close);
        } catch (const Poco::Exception& e) {
            logger().information("portal: answer not delivered: %s", e.displayText());
        }
    }

  private:
    PortalReply process(Poco::Net::HTTPServerRequest& http, bool& close) {
        const std::string& uri = http.getURI();
        PortalRequest request{http,
                              http.getMethod(),
                              uri.substr(0, uri.find('?')),
                              {},
                              http.clientAddress().host().toString()};
        if (request.method != "GET" && request.method != "POST") {
            close = true;
            return errorReply(405, "method_not_allowed", "use GET or POST");
        }
        if (request.method == "POST") {
            if (auto refused = readBody(http, request.body)) {
                close = true;
                return *refused;
            }
        } else if (http.getChunkedTransferEncoding() || http.getContentLength64() > 0) {
            close = true;  // a GET body we do not read
        }
        if (const StaticFile* f = staticFile(request.path)) {
            if (request.method != "GET") return errorReply(405, "method_not_allowed", "use GET");
            PortalReply r;
            r.content_type = std::string(f->content_type);
            r.body.assign(reinterpret_cast<const char*>(f->bytes), f->size);
            return r;
        }
        if (auto r = routeShopApi(state_, request)) return *r;
        if (request.method == "POST") {
            std::string type = http.getContentType();
            if (type.substr(0, type.find(';')) != "application/json") {
                return errorReply(415, "unsupported_media_type", "Content-Type: application/json");
            }
        }
        if (auto r = routeAccountApi(state_, request)) return *r;
        return errorReply(404, "unknown_endpoint", "no such page or endpoint");
    }

    std::optional<PortalReply> readBody(Poco::Net::HTTPServerRequest& http, std::string& body) {
        const auto max = static_cast<std::size_t>(state_.limits.body_bytes_max);
        if (!http.getChunkedTransferEncoding()) {
            if (!http.hasContentLength()) {
                return errorReply(411, "length_required", "Content-Length required");
            }
            if (http.getContentLength64() < 0 ||
                static_cast<std::uint64_t>(http.getContentLength64()) > max) {
                return errorReply(413, "payload_too_large",
                                  "body over " + std::to_string(max) + " bytes");
            }
        }
        body.resize(max + 1);
        http.stream().read(body.data(), static_cast<std::streamsize>(body.size()));
        body.resize(static_cast<std::size_t>(http.stream().gcount()));
        if (body.size() > max) {
            return errorReply(413, "payload_too_large",
                              "body over " + std::to_string(max) + " bytes");
        }
        return std::nullopt;
    }

    static void send(Poco::Net::HTTPServerResponse& response, const PortalReply& reply,
                     bool close) {
        response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
        response.setContentType(reply.content_type);
        response.setContentLength64(static_cast<Poco::Int64>(reply.body.size()));
        response.set("Cache-Control", "no-store");
        response.set("X-Content-Type-Options", "nosniff");
        response.set("X-Frame-Options", "DENY");
        response.set("Referrer-Policy", "no-referrer");
        response.set("Content-Security-Policy",
                     "default-src 'self'; frame-ancestors 'none'; form-action 'self'");
        for (const auto& [name, value] : reply.headers) response.add(name, value);
        if (close) response.setKeepAlive(false);
        std::ostream& out = response.send();
        out.write(reply.body.data(), static_cast<std::streamsize>(reply.body.size()));
        out.flush();
    }

    PortalState& state_;
};

class PortalHandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit PortalHandlerFactory(PortalState& state) : state_(state) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new PortalHandler(state_);
    }

  private:
    PortalState& state_;
};

Poco::Timespan milliseconds(std::int64_t ms) { return Poco::Timespan(ms * 1000); }

}  // namespace

// ---- shared helpers (portal_http.h) ----

PortalReply errorReply(int status, std::string_view code, std::string_view message) {
    PortalReply r;
    r.status = status;
    r.body =
        JsonOut().raw("error", JsonOut().str("code", code).str("message", message).done()).done();
    return r;
}

PortalReply errorReply(const Error& error) {
    http::Problem p = http::problemOf(error);
    PortalReply r = errorReply(p.status, p.code, p.message);
    if (p.status == 503) r.headers.emplace_back("Retry-After", "1");
    return r;
}

PortalReply jsonReply(int status, std::string body) {
    PortalReply r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

Result<http::JsonObject> jsonBody(const PortalState& state, const PortalRequest& request) {
    return http::parseFlatObject(
        request.body,
        http::JsonLimits{kJsonDepthMax, kJsonFieldsMax, state.limits.json_string_bytes_max});
}

std::string orderJson(const PortalState& state, const PaymentOrder& order, TimestampMs now_ms) {
    return JsonOut()
        .num("order_id", order.id)
        .str("merchant_order_id", order.merchant_order_id)
        .str("state", toString(order.stateAt(now_ms)))
        .money("amount", order.amount)
        .money("refunded", order.refunded)
        .str("currency", currencyAlpha(order.amount.currency()))
        .str("pay_token", order.token)
        .str("pay_url", state.public_url + "/#/pay/" + order.token)
        .num("expires_at_ms", order.expires_at_ms)
        .num("paid_at_ms", order.paid_at_ms)
        .done();
}

// ---- the listener ----

class PortalListener {
  public:
    PortalListener(PortalState& state, Poco::Net::ServerSocket socket) {
        const int threads = static_cast<int>(state.limits.threads_max);
        Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(threads);
        params->setMaxQueued(static_cast<int>(state.limits.queued_max));
        params->setKeepAlive(true);
        params->setKeepAliveTimeout(milliseconds(state.limits.keep_alive_timeout_ms));
        params->setTimeout(milliseconds(state.limits.receive_timeout_ms));
        params->setServerName("yika-portal");
        // Our own pool: the portal never takes a thread from the terminal API's pool.
        pool_ = std::make_unique<Poco::ThreadPool>(std::min(2, threads), threads, kPoolIdleSeconds);
        server_ = std::make_unique<Poco::Net::HTTPServer>(new PortalHandlerFactory(state), *pool_,
                                                          socket, params);
        server_->start();
    }
    ~PortalListener() {
        server_->stopAll(false);
        pool_->joinAll();
    }

  private:
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

PortalServer::PortalServer(PortalDeps deps, PortalOptions options) {
    YIKA_ASSERT(validatePortalLimits(options.limits).ok());
    state_ = std::make_unique<PortalState>(deps, std::move(options));
    state_->shops.loadAll();
}

PortalServer::~PortalServer() { stop(); }

Status PortalServer::start(const std::string& address, std::uint16_t port) {
    if (listener_) return makeError(ErrorCode::NotPermitted, "portal: already running");
    try {
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(address, port),
                                       static_cast<int>(state_->limits.queued_max));
        port_ = socket.address().port();
        if (state_->public_url.empty()) {
            state_->public_url = "http://" + address + ":" + std::to_string(port_);
        }
        listener_ = std::make_unique<PortalListener>(*state_, socket);
    } catch (const Poco::Exception& e) {
        port_ = 0;
        return makeError(ErrorCode::InvalidArgument, "portal: cannot listen on " + address + ":" +
                                                         std::to_string(port) + ": " +
                                                         e.displayText());
    }
    state_->startCallbacks();
    return Ok{};
}

void PortalServer::stop() {
    if (!listener_) return;
    listener_.reset();
    state_->stopCallbacks();
    port_ = 0;
}

}  // namespace yika::portal
