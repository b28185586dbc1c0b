#pragma once

// The JSON answers of the HTTP acceptance API (docs/openapi.yaml, components/schemas). Pure;
// thread-safe. Members are written in a fixed order, so a replayed request gets a byte-identical
// body.

#include "card_core/domain/txn.h"
#include "terminal_api/http/http_status.h"
#include "terminal_api/http/operations.h"
#include "terminal_api/http/terminal_requests.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace yika::http {

struct Reply {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    bool close = false;              // Connection: close (the rest of the request was not read)
    bool replayed = false;           // X-Yika-Replayed: true
    std::int64_t retry_after_s = 0;  // Retry-After, when > 0
    std::string allow;               // Allow, on 405
};

// The 12-digit reference number of a transaction (as ISO 8583 field 37): its id, zero-filled.
// Precondition (asserted): 0 < id < 10^12.
std::string referenceNumber(TxnId id);
// The 6-digit authorisation code (as field 38): the id's last six digits. Not a secret and
// never an authenticator; printed on receipts.
std::string authCode(TxnId id);

// {"error":{"code":...,"message":...}}, with "result":"declined" first for 402s;
// Retry-After on 503.
Reply errorReply(const Problem& problem, std::int64_t retry_after_s);

// The answer to a completed operation (approved, declined and recorded, balanced or not).
Reply outcomeReply(Operation op, const OperationOutcome& outcome, std::int64_t retry_after_s);

// JSON string literal of `text` with quotes, escaping '"', '\\' and control characters.
std::string jsonString(std::string_view text);

}  // namespace yika::http
