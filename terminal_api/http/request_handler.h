#pragma once

// One HTTP request of the acceptance API, start to finish (docs/openapi.yaml):
//
//   header limits -> route -> method -> body (bounded) -> authentication headers -> terminal
//   -> time window -> signature -> nonce -> JSON -> request schema -> writer -> durable answer
//
// Each step refuses with its own status before anything later runs; in particular the
// signature is verified before the JSON is parsed, and nothing reaches the writer unless the
// request is authentic and well-formed. The handler thread then blocks until the commit is
// durable (the HTTP pool is sized for that; the ISO 8583 listener is the event-driven one).
//
// Exceptions are caught once, at the top of handleRequest(): StorageError becomes 503, a
// timeout reading the body 408, anything else 500 (logged; never a PIN or card number).

#include "terminal_api/http/http_limits.h"
#include "terminal_api/http/replay_cache.h"
#include "terminal_api/http/responses.h"
#include "terminal_api/http/service_context.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <optional>
#include <string>

namespace yika::http {

// The authentication headers of a request, syntactically valid.
struct AuthHeaders {
    std::string tid;
    std::string timestamp;  // as sent, for the canonical string
    TimestampMs timestamp_ms = 0;
    std::string nonce;
    std::string signature;
    std::string idem_key;  // empty when absent
};

// Reads and checks the X-Yika-* headers' shapes; a Problem (401, or 400 for the idempotency
// key) names the first one that is missing or malformed.
std::optional<Problem> readAuthHeaders(const Poco::Net::HTTPServerRequest& request,
                                       AuthHeaders& out);

class RequestHandler final : public Poco::Net::HTTPRequestHandler {
  public:
    // All references must outlive the handler (the server owns them).
    RequestHandler(ServiceContext& context, const HttpApiLimits& limits, ReplayCache& replay);

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override;

  private:
    Reply process(Poco::Net::HTTPServerRequest& request);
    Reply processOperation(Poco::Net::HTTPServerRequest& request, Operation op,
                           const std::string& body);
    std::optional<Problem> authenticate(const AuthHeaders& auth, const std::string& path,
                                        const std::string& body, TerminalCredentials& terminal);
    Reply execute(Operation op, TerminalRequest request, const AuthHeaders& auth,
                  const TerminalCredentials& terminal);
    Reply problem(const Problem& p) const { return errorReply(p, limits_.retry_after_s); }

    ServiceContext& context_;
    const HttpApiLimits& limits_;
    ReplayCache& replay_;
};

}  // namespace yika::http
