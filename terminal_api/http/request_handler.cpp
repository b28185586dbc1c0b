#include "terminal_api/http/request_handler.h"

#include "card_core/domain/card_number.h"
#include "card_core/domain/store.h"
#include "ops/log/json_log.h"
#include "ops/metrics/yika_metrics.h"
#include "terminal_api/http/json_body.h"
#include "terminal_api/http/openapi_document.h"
#include "terminal_api/http/operations.h"
#include "terminal_api/http/request_signature.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <future>
#include <istream>
#include <ostream>

namespace yika::http {

namespace {

using Poco::Net::HTTPServerRequest;

constexpr std::string_view kJsonType = "application/json";
// Lingering close: after refusing a request whose body we did not read, read and discard at
// most this much of it, for at most this long, before the connection closes. Closing a socket
// with unread data makes the kernel send a reset, which can destroy our answer (a 413) before
// the client reads it.
constexpr std::size_t kLingerBytesMax = 64 * 1024;
constexpr auto kLingerTime = std::chrono::milliseconds(500);

// Logs (issue 8): one JSON line per event; the request id is "<tid>:<nonce>" from the headers.
std::string requestId(const Poco::Net::HTTPServerRequest& request) {
    return request.get("X-Yika-Terminal", "") + ":" + request.get("X-Yika-Nonce", "");
}

Problem unauthenticated(std::string message) {
    return problemOf(HttpError::Unauthenticated, std::move(message));
}

bool isNonceChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

std::optional<Problem> checkHeaderLimits(const HTTPServerRequest& request,
                                         const HttpApiLimits& limits) {
    std::int64_t count = 0;
    std::int64_t bytes = 0;
    for (const auto& [name, value] : request) {
        count += 1;
        bytes += static_cast<std::int64_t>(name.size() + value.size());
    }
    if (count > limits.headers_max) {
        return problemOf(HttpError::HeadersTooLarge,
                         "more than " + std::to_string(limits.headers_max) + " header fields");
    }
    if (bytes > limits.header_bytes_max) {
        return problemOf(
            HttpError::HeadersTooLarge,
            "header fields over " + std::to_string(limits.header_bytes_max) + " bytes");
    }
    return std::nullopt;
}

bool isJsonContentType(const std::string& content_type) {
    std::string type = Poco::toLower(content_type.substr(0, content_type.find(';')));
    Poco::trimInPlace(type);
    return type == kJsonType;
}

// Reads the body into `body`, at most limits.body_bytes_max bytes. A refusal closes the
// connection: what is left of the body is unread, so the next request could not be found.
std::optional<Reply> readBody(HTTPServerRequest& request, const HttpApiLimits& limits,
                              std::string& body) {
    auto refuse = [&](HttpError error, std::string message) {
        Reply r = errorReply(problemOf(error, std::move(message)), limits.retry_after_s);
        r.close = true;
        return r;
    };
    const auto max = static_cast<std::size_t>(limits.body_bytes_max);
    std::istream& in = request.stream();
    if (request.getChunkedTransferEncoding()) {
        body.resize(max + 1);
        in.read(body.data(), static_cast<std::streamsize>(body.size()));
        body.resize(static_cast<std::size_t>(in.gcount()));
        if (body.size() > max) {
            return refuse(HttpError::PayloadTooLarge,
                          "body over " + std::to_string(max) + " bytes");
        }
        return std::nullopt;
    }
    if (!request.hasContentLength()) {
        return refuse(HttpError::LengthRequired, "Content-Length or chunked encoding required");
    }
    const Poco::Int64 length = request.getContentLength64();
    if (length < 0 || static_cast<std::uint64_t>(length) > max) {
        return refuse(HttpError::PayloadTooLarge, "body over " + std::to_string(max) + " bytes");
    }
    body.resize(static_cast<std::size_t>(length));
    in.read(body.data(), static_cast<std::streamsize>(length));
    if (in.gcount() != static_cast<std::streamsize>(length)) {
        Reply r = errorReply(problemOf(makeError(ErrorCode::InvalidArgument,
                                                 "body: shorter than its Content-Length")),
                             limits.retry_after_s);
        r.close = true;
        return r;
    }
    return std::nullopt;
}

void send(Poco::Net::HTTPServerResponse& response, const Reply& reply) {
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    response.setContentType(reply.content_type);
    response.setContentLength64(static_cast<Poco::Int64>(reply.body.size()));
    response.set("Cache-Control", "no-store");
    if (reply.retry_after_s > 0) response.set("Retry-After", std::to_string(reply.retry_after_s));
    if (!reply.allow.empty()) response.set("Allow", reply.allow);
    if (reply.replayed) response.set("X-Yika-Replayed", "true");
    if (reply.close) response.setKeepAlive(false);
    // Written and flushed here rather than with sendBuffer(), whose stream flushes only when
    // the response is destroyed: a lingering close must come after the answer is on the wire.
    std::ostream& out = response.send();
    out.write(reply.body.data(), static_cast<std::streamsize>(reply.body.size()));
    out.flush();
}

void lingerBeforeClose(Poco::Net::HTTPServerRequest& request) {
    auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
    if (impl == nullptr) return;
    Poco::Net::StreamSocket& socket = impl->socket();
    const auto deadline = std::chrono::steady_clock::now() + kLingerTime;
    try {
        socket.shutdownSend();
        socket.setReceiveTimeout(Poco::Timespan(
            std::chrono::duration_cast<std::chrono::microseconds>(kLingerTime).count()));
        std::array<char, 4096> discard{};
        std::size_t drained = 0;
        while (drained < kLingerBytesMax && std::chrono::steady_clock::now() < deadline) {
            int n = socket.receiveBytes(discard.data(), static_cast<int>(discard.size()));
            if (n <= 0) break;
            drained += static_cast<std::size_t>(n);
        }
    } catch (const Poco::Exception&) {
        // A timeout or a reset: the client has what it will get; the connection closes anyway.
    }
}

void wipe(std::string& secret) { std::fill(secret.begin(), secret.end(), '\0'); }

}  // namespace

std::optional<Problem> readAuthHeaders(const HTTPServerRequest& request, AuthHeaders& out) {
    out.tid = request.get("X-Yika-Terminal", "");
    if (!validateTid(out.tid))
        return unauthenticated("X-Yika-Terminal: 8 digits or capital letters");
    out.timestamp = request.get("X-Yika-Timestamp", "");
    if (out.timestamp.empty() || out.timestamp.size() > kTimestampDigitsMax ||
        !isAllDigits(out.timestamp)) {
        return unauthenticated("X-Yika-Timestamp: Unix time in milliseconds, digits only");
    }
    out.timestamp_ms = std::stoll(out.timestamp);
    out.nonce = request.get("X-Yika-Nonce", "");
    if (out.nonce.size() < kNonceCharsMin || out.nonce.size() > kNonceCharsMax ||
        !std::all_of(out.nonce.begin(), out.nonce.end(), isNonceChar)) {
        return unauthenticated("X-Yika-Nonce: 16-64 characters of A-Z a-z 0-9 - _");
    }
    out.signature = request.get("X-Yika-Signature", "");
    if (out.signature.size() != kSignatureHexChars) {
        return unauthenticated("X-Yika-Signature: 64 hex digits");
    }
    out.idem_key = request.get("X-Yika-Idempotency-Key", "");
    if (request.has("X-Yika-Idempotency-Key") && !isValidIdempotencyKey(out.idem_key)) {
        return problemOf(
            makeError(ErrorCode::InvalidArgument,
                      "X-Yika-Idempotency-Key: 1-64 characters of A-Z a-z 0-9 - _ . ~"));
    }
    return std::nullopt;
}

RequestHandler::RequestHandler(ServiceContext& context, const HttpApiLimits& limits,
                               ReplayCache& replay)
    : context_(context), limits_(limits), replay_(replay) {}

void RequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                   Poco::Net::HTTPServerResponse& response) {
    const std::int64_t received_ns = metrics::steadyNowNs();  // metrics (issue 8)
    metrics::yikaMetrics().http.in_progress.add();
    Reply reply;
    try {
        reply = process(request);
    } catch (const StorageError& e) {
        logs::error("http_storage_failed",
                    {{"request_id", requestId(request)}, {"error", e.what()}});
        reply =
            problem(problemOf(makeError(e.code(), "storage is unavailable; nothing was changed")));
    } catch (const Poco::TimeoutException&) {
        reply = problem(problemOf(HttpError::RequestTimeout, "the request did not arrive in time"));
        reply.close = true;
    } catch (const Poco::Exception& e) {
        logs::error("http_internal_error",
                    {{"request_id", requestId(request)}, {"error", e.displayText()}});
        reply = problem(problemOf(HttpError::Internal, "internal error"));
        reply.close = true;
    } catch (const std::exception& e) {
        logs::error("http_internal_error",
                    {{"request_id", requestId(request)}, {"error", e.what()}});
        reply = problem(problemOf(HttpError::Internal, "internal error"));
        reply.close = true;
    }
    try {
        send(response, reply);
        if (reply.close) lingerBeforeClose(request);
    } catch (const Poco::Exception& e) {
        // The client went away; the outcome is durable and a retry with the same idempotency
        // key gets it.
        logs::info("http_answer_not_delivered",
                   {{"request_id", requestId(request)}, {"error", e.displayText()}});
    }
    // --- operations (issue 8): metrics and the request log ---
    const std::string status = std::to_string(reply.status);
    const std::uint64_t latency_us = metrics::elapsedUs(received_ns);
    metrics::yikaMetrics().http.answered(status, latency_us);
    metrics::yikaMetrics().http.in_progress.sub();
    if (logs::enabled(logs::Level::Debug)) {
        logs::debug("http_request", {{"request_id", requestId(request)},
                                     {"method", request.getMethod()},
                                     {"path", request.getURI()},
                                     {"status", status},
                                     {"latency_us", std::to_string(latency_us)}});
    }
}

Reply RequestHandler::process(Poco::Net::HTTPServerRequest& request) {
    if (auto p = checkHeaderLimits(request, limits_)) {
        Reply r = problem(*p);
        r.close = true;
        return r;
    }
    const std::string& path = request.getURI();
    const bool post = request.getMethod() == Poco::Net::HTTPRequest::HTTP_POST;
    if (path == kOpenApiPath) {
        if (request.getMethod() != Poco::Net::HTTPRequest::HTTP_GET) {
            Reply r = problem(problemOf(HttpError::MethodNotAllowed, "use GET"));
            r.allow = "GET";
            r.close = true;
            return r;
        }
        Reply r;
        r.content_type = "application/yaml";
        r.body = std::string(openApiYaml());
        r.close = request.getChunkedTransferEncoding() || request.getContentLength64() > 0;
        return r;
    }
    auto op = operationForPath(path);
    if (!op || !post) {
        bool known = op.has_value();
        Reply r = problem(known ? problemOf(HttpError::MethodNotAllowed, "use POST")
                                : problemOf(HttpError::RouteNotFound, "no such endpoint"));
        if (known) r.allow = "POST";
        r.close = true;  // a body may follow that we will not read
        return r;
    }
    std::string body;
    if (auto refused = readBody(request, limits_, body)) return *refused;
    if (!isJsonContentType(request.getContentType())) {
        return problem(
            problemOf(HttpError::UnsupportedMediaType, "Content-Type: application/json"));
    }
    return processOperation(request, *op, body);
}

std::optional<Problem> RequestHandler::authenticate(const AuthHeaders& auth,
                                                    const std::string& path,
                                                    const std::string& body,
                                                    TerminalCredentials& terminal) {
    auto found = context_.terminal(auth.tid);
    if (!found) return problemOf(HttpError::UnknownTerminal, "unknown terminal");
    terminal = std::move(*found);
    const TimestampMs now_ms = context_.clock().nowMs();
    if (auth.timestamp_ms < now_ms - limits_.clock_skew_ms ||
        auth.timestamp_ms > now_ms + limits_.clock_skew_ms) {
        return problemOf(HttpError::StaleTimestamp,
                         "X-Yika-Timestamp is more than " + std::to_string(limits_.clock_skew_ms) +
                             " ms from the host's time " + std::to_string(now_ms));
    }
    std::string canonical = canonicalRequest("POST", path, auth.timestamp, auth.nonce, body);
    if (!verifySignature(terminal.http_key, canonical, auth.signature)) {
        return problemOf(HttpError::BadSignature, "signature does not verify");
    }
    if (!terminal.active) return problemOf(HttpError::TerminalDisabled, "the terminal is disabled");
    switch (replay_.admit(auth.tid, auth.nonce, auth.timestamp_ms, now_ms)) {
        case ReplayCache::Admit::Fresh:
            return std::nullopt;
        case ReplayCache::Admit::Replayed:
            return problemOf(HttpError::ReplayedNonce, "X-Yika-Nonce was already used");
        case ReplayCache::Admit::Full:
            logs::warn("http_replay_cache_full", {{"limit", "http.replay_entries_max"}});
            return problemOf(HttpError::Overloaded, "too many requests in the time window");
    }
    return std::nullopt;
}

Reply RequestHandler::processOperation(Poco::Net::HTTPServerRequest& request, Operation op,
                                       const std::string& body) {
    AuthHeaders auth;
    if (auto p = readAuthHeaders(request, auth)) return problem(*p);
    TerminalCredentials terminal;
    if (auto p = authenticate(auth, request.getURI(), body, terminal)) return problem(*p);
    if (needsIdempotencyKey(op) && auth.idem_key.empty()) {
        return problem(
            problemOf(makeError(ErrorCode::InvalidArgument, "X-Yika-Idempotency-Key: required")));
    }
    JsonLimits json{limits_.json_depth_max, limits_.json_fields_max,
                    limits_.string_field_bytes_max};
    auto object = parseFlatObject(body, json);
    if (!object) return problem(problemOf(object.error()));
    auto parsed = parseTerminalRequest(op, *object, limits_);
    if (!parsed) return problem(problemOf(parsed.error()));
    return execute(op, std::move(*parsed), auth, terminal);
}

Reply RequestHandler::execute(Operation op, TerminalRequest request, const AuthHeaders& auth,
                              const TerminalCredentials& terminal) {
    OperationInput in;
    in.terminal_id = terminal.id;
    in.tid = terminal.tid;
    in.merchant_id = terminal.merchant_id;
    in.idem_key = auth.idem_key;
    if (!request.pan.empty()) {
        // Hashed here, not on the writer, which is the one thread every request shares.
        in.pan_lookup = context_.vault().lookupHash(request.pan);
        wipe(request.pan);
    }
    in.request = std::move(request);
    in.now_ms = context_.clock().nowMs();
    AcceptanceDeps deps{context_.pins(), context_.policies()};
    std::optional<OperationOutcome> outcome;
    std::promise<Status> committed;
    std::future<Status> durable = committed.get_future();
    bool accepted = context_.submit(
        [&in, &outcome, deps](StoreTx& tx) -> Status {
            auto r = runOperation(tx, in, deps);
            if (!r) return r.error();
            outcome = std::move(*r);
            return Ok{};
        },
        [&committed](const Status& status) { committed.set_value(status); });
    if (!accepted) {
        if (in.request.pin) wipe(*in.request.pin);
        return problem(problemOf(HttpError::Overloaded, "the writer queue is full"));
    }
    Status status = durable.get();
    if (in.request.pin) wipe(*in.request.pin);
    if (!status) return problem(problemOf(status.error()));
    return outcomeReply(op, *outcome, limits_.retry_after_s);
}

}  // namespace yika::http
