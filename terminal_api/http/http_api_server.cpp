#include "terminal_api/http/http_api_server.h"

#include "card_core/domain/assert.h"
#include "terminal_api/http/request_handler.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>

#include <algorithm>

namespace yika::http {

namespace {

constexpr int kPoolThreadsMin = 2;
constexpr int kPoolIdleSeconds = 60;

class HandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    HandlerFactory(ServiceContext& context, const HttpApiLimits& limits, ReplayCache& replay)
        : context_(context), limits_(limits), replay_(replay) {}

    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new RequestHandler(context_, limits_, replay_);
    }

  private:
    ServiceContext& context_;
    const HttpApiLimits& limits_;
    ReplayCache& replay_;
};

Poco::Timespan milliseconds(std::int64_t ms) { return Poco::Timespan(ms * 1000); }

}  // namespace

HttpApiServer::HttpApiServer(ServiceContext& context, HttpApiLimits limits)
    : context_(context),
      limits_(limits),
      replay_(limits.clock_skew_ms, limits.replay_bucket_ms, limits.replay_entries_max) {
    YIKA_ASSERT(validateLimits(limits_).ok());
}

HttpApiServer::~HttpApiServer() { stop(); }

Status HttpApiServer::start(const std::string& address, std::uint16_t port) {
    if (server_) return makeError(ErrorCode::NotPermitted, "http: already running");
    const int threads = static_cast<int>(limits_.threads_max);
    try {
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(address, port),
                                       static_cast<int>(limits_.queued_max));
        Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(threads);
        params->setMaxQueued(static_cast<int>(limits_.queued_max));
        params->setKeepAlive(true);
        params->setMaxKeepAliveRequests(static_cast<int>(limits_.keep_alive_requests_max));
        params->setKeepAliveTimeout(milliseconds(limits_.keep_alive_timeout_ms));
        params->setTimeout(milliseconds(limits_.receive_timeout_ms));
        params->setServerName("yika");
        params->setSoftwareVersion("yika");
        // The pool is ours so that its size is exactly the configured limit (Poco's default
        // pool is shared by the whole process and capped at 16).
        pool_ = std::make_unique<Poco::ThreadPool>(std::min(kPoolThreadsMin, threads), threads,
                                                   kPoolIdleSeconds);
        auto server = std::make_unique<Poco::Net::HTTPServer>(
            new HandlerFactory(context_, limits_, replay_), *pool_, socket, params);
        server->start();
        std::lock_guard lock(server_mutex_);
        server_ = std::move(server);
        port_ = socket.address().port();
    } catch (const Poco::Exception& e) {
        {
            std::lock_guard lock(server_mutex_);
            server_.reset();
        }
        pool_.reset();
        return makeError(ErrorCode::InvalidArgument, "http: cannot listen on " + address + ":" +
                                                         std::to_string(port) + ": " +
                                                         e.displayText());
    }
    return Ok{};
}

std::uint16_t HttpApiServer::port() const { return port_; }

int HttpApiServer::currentConnections() const {  // issue 8
    std::lock_guard lock(server_mutex_);
    return server_ ? server_->currentConnections() : 0;
}

void HttpApiServer::stop() {
    if (!server_) return;
    // stopAll(false): stop accepting, let requests in progress finish and be answered, shut
    // idle keep-alive connections down instead of waiting out their timeout.
    server_->stopAll(false);
    pool_->joinAll();
    {
        std::lock_guard lock(server_mutex_);
        server_.reset();
    }
    pool_.reset();
    port_ = 0;
}

}  // namespace yika::http
