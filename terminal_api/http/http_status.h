#pragma once

// The one place where errors become HTTP statuses and wire codes (style guide section 4,
// ClickHouse). docs/openapi.yaml documents the same table; http_status_test.cpp keeps the two
// from drifting apart for the codes a terminal can see.
//
// The rule behind the table:
//   2xx  the host did what was asked (approved; a settlement compared, balanced or not)
//   400  the request is malformed (a field is missing, mistyped, out of range)
//   401  the request is not authenticated (signature, time window, nonce, terminal)
//   402  the card or cardholder was declined (funds, PIN, state, limits, acceptance scope):
//        a business answer, deliberately not 2xx so that an integration that only looks at
//        the status can never mistake a decline for a payment (the convention of Stripe's API)
//   404  the original transaction a request refers to does not exist at this merchant
//   409  the idempotency key was used for a different request, or a conflicting state
//   422  well-formed, but the host's rules refuse the operation (void after the business day)
//   503  storage or capacity problem; nothing was changed; retry after Retry-After seconds

#include "card_core/domain/error.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace yika::http {

// Problems the HTTP layer finds itself, outside the domain's ErrorCode.
enum class HttpError : std::uint8_t {
    Unauthenticated,       // a missing or malformed X-Yika-Terminal/Timestamp/Nonce/Signature
    BadSignature,          // the signature does not verify
    StaleTimestamp,        // X-Yika-Timestamp outside now +/- http.clock_skew_ms
    ReplayedNonce,         // the nonce was seen within the window
    UnknownTerminal,       // no terminal with this TID (or its key does not unwrap)
    TerminalDisabled,      // the terminal exists but is disabled
    RouteNotFound,         // no such endpoint
    MethodNotAllowed,      // the endpoint exists for another method
    LengthRequired,        // a POST without Content-Length or chunked encoding
    RequestTimeout,        // the body did not arrive within http.receive_timeout_ms
    PayloadTooLarge,       // body over http.body_bytes_max
    UnsupportedMediaType,  // a POST body that is not application/json
    HeadersTooLarge,       // more header fields or bytes than allowed
    IdempotencyConflict,   // the idempotency key was used for a different request
    Overloaded,            // the replay cache or the commit queue is full
    Internal,              // an unexpected exception; logged
};

// The HTTP status of a domain error (the table above).
int toHttpStatus(ErrorCode code);
// The HTTP status of an HTTP-layer problem.
int toHttpStatus(HttpError error);

// "bad_signature"; a domain error's wire code is toString(ErrorCode) ("insufficient_funds").
std::string_view wireCode(HttpError error);

// Whether a domain error is a decline of the card or cardholder (status 402).
bool isDecline(ErrorCode code);

// A fixed English text for a decline, used when the decline was recorded and is answered again
// on a retry (the recorded transaction keeps only its code). Never names the PAN or PIN.
std::string_view declineMessage(ErrorCode code);

// What the client is told: the status, the wire code and a message (never a PIN, key or PAN).
struct Problem {
    int status = 500;
    std::string code;
    std::string message;
};

Problem problemOf(const Error& error);
Problem problemOf(HttpError error, std::string message);

}  // namespace yika::http
