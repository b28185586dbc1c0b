#include "admin_api/admin_server.h"

#include "card_core/domain/assert.h"

#include <Poco/Exception.h>
#include <Poco/FileStream.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <istream>
#include <ostream>

#include "admin_api/admin_http.h"

namespace yika::admin {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("yika.admin"); }

constexpr int kPoolIdleSeconds = 60;

// Exceptions are caught once, here (style guide section 4); nothing below catches them.
class AdminHandler final : public Poco::Net::HTTPRequestHandler {
  public:
    explicit AdminHandler(AdminState& state) : state_(state) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        AdminReply reply;
        bool close = false;
        try {
            reply = process(request, close);
        } catch (const StorageError& e) {
            logger().error("admin: storage failed: %s", std::string(e.what()));
            reply = errorReply(makeError(e.code(), "storage is unavailable; nothing was changed"));
        } catch (const Poco::TimeoutException&) {
            reply = errorReply(408, "request_timeout", "the request did not arrive in time");
            close = true;
        } catch (const std::exception& e) {
            logger().error("admin: %s", std::string(e.what()));
            reply = errorReply(500, "internal_error", "internal error");
            close = true;
        }
        try {
            send(response, reply, close);
        } catch (const Poco::Exception& e) {
            logger().information("admin: answer not delivered: %s", e.displayText());
        }
    }

  private:
    AdminReply process(Poco::Net::HTTPServerRequest& http, bool& close) {
        const std::string& uri = http.getURI();
        auto q = uri.find('?');
        AdminRequest request{http,
                             http.getMethod(),
                             uri.substr(0, q),
                             q == std::string::npos ? std::string() : uri.substr(q + 1),
                             {},
                             http.clientAddress().host().toString(),
                             {},
                             {},
                             {}};
        if (request.method != "GET" && request.method != "POST") {
            close = true;
            return errorReply(405, "method_not_allowed", "use GET or POST");
        }
        if (request.method == "POST") {
            const auto max =
                static_cast<std::size_t>(bodyBytesMax(state_.limits, request.method, request.path));
            if (auto refused = readBody(http, request.body, max)) {
                close = true;
                return *refused;
            }
            std::string type = http.getContentType();
            if (!request.body.empty() && type.substr(0, type.find(';')) != "application/json") {
                return errorReply(415, "unsupported_media_type", "Content-Type: application/json");
            }
        } else if (http.getChunkedTransferEncoding() || http.getContentLength64() > 0) {
            close = true;  // a GET body we do not read
        }
        return dispatch(state_, request);
    }

    std::optional<AdminReply> readBody(Poco::Net::HTTPServerRequest& http, std::string& body,
                                       std::size_t max) {
        auto tooLarge = [&] {
            return errorReply(413, "payload_too_large",
                              "body over " + std::to_string(max) + " bytes");
        };
        if (!http.getChunkedTransferEncoding()) {
            if (!http.hasContentLength()) {
                return errorReply(411, "length_required", "Content-Length required");
            }
            if (http.getContentLength64() < 0 ||
                static_cast<std::uint64_t>(http.getContentLength64()) > max) {
                return tooLarge();
            }
        }
        body.resize(max + 1);
        http.stream().read(body.data(), static_cast<std::streamsize>(body.size()));
        body.resize(static_cast<std::size_t>(http.stream().gcount()));
        if (body.size() > max) return tooLarge();
        return std::nullopt;
    }

    static void send(Poco::Net::HTTPServerResponse& response, const AdminReply& reply, bool close) {
        response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
        response.setContentType(reply.content_type);
        response.set("Cache-Control", "no-store");
        response.set("X-Content-Type-Options", "nosniff");
        for (const auto& [name, value] : reply.headers) response.add(name, value);
        if (close) response.setKeepAlive(false);
        if (!reply.file_path.empty()) {
            Poco::FileInputStream file(reply.file_path);
            file.seekg(0, std::ios::end);
            response.setContentLength64(static_cast<Poco::Int64>(file.tellg()));
            file.seekg(0);
            std::ostream& out = response.send();
            Poco::StreamCopier::copyStream(file, out);
            out.flush();
            return;
        }
        response.setContentLength64(static_cast<Poco::Int64>(reply.body.size()));
        std::ostream& out = response.send();
        out.write(reply.body.data(), static_cast<std::streamsize>(reply.body.size()));
        out.flush();
    }

    AdminState& state_;
};

class AdminHandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit AdminHandlerFactory(AdminState& state) : state_(state) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new AdminHandler(state_);
    }

  private:
    AdminState& state_;
};

Poco::Timespan milliseconds(std::int64_t ms) { return Poco::Timespan(ms * 1000); }

}  // namespace

class AdminListener {
  public:
    AdminListener(AdminState& state, Poco::Net::ServerSocket socket) {
        const int threads = static_cast<int>(state.limits.threads_max);
        Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(threads);
        params->setMaxQueued(static_cast<int>(state.limits.queued_max));
        params->setKeepAlive(true);
        params->setKeepAliveTimeout(milliseconds(state.limits.keep_alive_timeout_ms));
        params->setTimeout(milliseconds(state.limits.receive_timeout_ms));
        params->setServerName("yika-admin");
        // Our own pool: back-office work never takes a thread from the terminal API's pool.
        pool_ = std::make_unique<Poco::ThreadPool>(std::min(2, threads), threads, kPoolIdleSeconds);
        server_ = std::make_unique<Poco::Net::HTTPServer>(new AdminHandlerFactory(state), *pool_,
                                                          socket, params);
        server_->start();
    }
    ~AdminListener() {
        server_->stopAll(false);
        pool_->joinAll();
    }

  private:
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

AdminServer::AdminServer(AdminDeps deps, AdminOptions options) {
    YIKA_ASSERT(validateAdminLimits(options.limits).ok());
    state_ = std::make_unique<AdminState>(deps, std::move(options));
    (void)routes();  // build the table before the first request
}

AdminServer::~AdminServer() { stop(); }

Status AdminServer::start(const std::string& address, std::uint16_t port) {
    if (listener_) return makeError(ErrorCode::NotPermitted, "admin: already running");
    try {
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(address, port),
                                       static_cast<int>(state_->limits.queued_max));
        port_ = socket.address().port();
        listener_ = std::make_unique<AdminListener>(*state_, socket);
    } catch (const Poco::Exception& e) {
        port_ = 0;
        return makeError(ErrorCode::InvalidArgument, "admin: cannot listen on " + address + ":" +
                                                         std::to_string(port) + ": " +
                                                         e.displayText());
    }
    return Ok{};
}

void AdminServer::stop() {
    if (listener_) listener_.reset();
    state_->jobs.stop();
    state_->closes.stop();
    port_ = 0;
}

}  // namespace yika::admin
