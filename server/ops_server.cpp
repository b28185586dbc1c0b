#include "server/ops_server.h"

#include "ops/metrics/yika_metrics.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>

namespace yika::server {

namespace {

using Poco::Net::HTTPResponse;

class OpsHandler final : public Poco::Net::HTTPRequestHandler {
  public:
    explicit OpsHandler(const OpsServer& server) : server_(server) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        HTTPResponse::HTTPStatus status = HTTPResponse::HTTP_OK;
        std::string content_type = "text/plain; charset=utf-8";
        std::string body;
        const std::string& method = request.getMethod();
        const std::string& path = request.getURI();
        try {
            if (method != "GET" && method != "HEAD") {
                status = HTTPResponse::HTTP_METHOD_NOT_ALLOWED;
                body = "use GET\n";
                response.set("Allow", "GET, HEAD");
            } else if (path == "/healthz") {
                body = "ok\n";
            } else if (path == "/readyz") {
                if (!server_.ready(body)) status = HTTPResponse::HTTP_SERVICE_UNAVAILABLE;
            } else if (path == "/metrics") {
                content_type = "text/plain; version=0.0.4; charset=utf-8";
                body =
                    metrics::renderPrometheus(metrics::yikaMetrics(), server_.endpoints().metrics);
            } else {
                status = HTTPResponse::HTTP_NOT_FOUND;
                body = "not found: /healthz, /readyz, /metrics\n";
            }
        } catch (const std::exception& e) {
            status = HTTPResponse::HTTP_INTERNAL_SERVER_ERROR;
            body = std::string("internal error: ") + e.what() + "\n";
        }
        response.setStatus(status);
        response.setContentType(content_type);
        response.set("Cache-Control", "no-store");
        response.setContentLength64(static_cast<Poco::Int64>(body.size()));
        std::ostream& out = response.send();
        if (method != "HEAD") out.write(body.data(), static_cast<std::streamsize>(body.size()));
        out.flush();
    }

  private:
    const OpsServer& server_;
};

class OpsFactory final : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit OpsFactory(const OpsServer& server) : server_(server) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new OpsHandler(server_);
    }

  private:
    const OpsServer& server_;
};

constexpr int kQueuedMax = 16;
constexpr int kTimeoutMs = 5000;

}  // namespace

OpsServer::OpsServer(OpsEndpoints endpoints, int threads_max)
    : endpoints_(std::move(endpoints)), threads_max_(threads_max) {}

OpsServer::~OpsServer() { stop(); }

Status OpsServer::start(const std::string& address, std::uint16_t port) {
    if (server_) return makeError(ErrorCode::NotPermitted, "ops: already running");
    try {
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(address, port), kQueuedMax);
        Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(threads_max_);
        params->setMaxQueued(kQueuedMax);
        params->setKeepAlive(false);  // scrapes are seconds apart
        params->setTimeout(Poco::Timespan(Poco::Timespan::TimeDiff{kTimeoutMs} * 1000));
        params->setServerName("yika-ops");
        pool_ = std::make_unique<Poco::ThreadPool>(1, threads_max_, 60);
        server_ =
            std::make_unique<Poco::Net::HTTPServer>(new OpsFactory(*this), *pool_, socket, params);
        server_->start();
        port_ = socket.address().port();
    } catch (const Poco::Exception& e) {
        server_.reset();
        pool_.reset();
        return makeError(ErrorCode::InvalidArgument, "ops: cannot listen on " + address + ":" +
                                                         std::to_string(port) + ": " +
                                                         e.displayText());
    }
    return Ok{};
}

void OpsServer::stop() {
    if (!server_) return;
    server_->stopAll(true);
    pool_->joinAll();
    server_.reset();
    pool_.reset();
    port_ = 0;
}

bool OpsServer::ready(std::string& report) const {
    bool all = true;
    for (const ReadinessCheck& c : endpoints_.readiness) {
        Status s = c.check();
        report += c.name;
        if (s) {
            report += " ok\n";
        } else {
            all = false;
            report += " down: " + s.error().detail + "\n";
        }
    }
    report += all ? "ready\n" : "not ready\n";
    return all;
}

}  // namespace yika::server
