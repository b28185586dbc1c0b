#pragma once

// The operations of the HTTP acceptance API and their request bodies (docs/openapi.yaml), read
// from a parsed JSON object into typed requests. Pure; thread-safe.

#include "card_core/domain/money.h"
#include "card_core/domain/result.h"
#include "card_core/domain/terminal.h"
#include "card_core/domain/txn.h"
#include "terminal_api/http/http_limits.h"
#include "terminal_api/http/json_body.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yika::http {

enum class Operation : std::uint8_t {
    Balance,          // POST /v1/terminal/balance
    Purchase,         // POST /v1/terminal/purchase
    PreAuth,          // POST /v1/terminal/preauth
    PreAuthComplete,  // POST /v1/terminal/preauth/complete
    PreAuthCancel,    // POST /v1/terminal/preauth/cancel
    Void,             // POST /v1/terminal/void
    Refund,           // POST /v1/terminal/refund
    Reversal,         // POST /v1/terminal/reversal
    Settle,           // POST /v1/terminal/settle
};

inline constexpr std::string_view kOpenApiPath = "/v1/openapi.yaml";

std::string_view pathOf(Operation op);
// The operation whose path is exactly `path`; empty for anything else (including a query).
std::optional<Operation> operationForPath(std::string_view path);
// Whether the request must carry X-Yika-Idempotency-Key: every operation that moves value or
// changes a hold. A balance inquiry changes nothing to repeat, a reversal is identified by the
// key of the request it reverses, and a settlement by its batch number.
bool needsIdempotencyKey(Operation op);
// Whether the domain records a transaction whose kind identifies this operation.
std::optional<TxnKind> txnKindOf(Operation op);

// Whether `key` is 1-64 characters of A-Z a-z 0-9 '-' '_' '.' '~' (never ':', which the
// domain's request keys use as a separator).
bool isValidIdempotencyKey(std::string_view key);

struct TerminalRequest {
    Operation op = Operation::Balance;
    std::string pan;                            // Balance, Purchase, PreAuth
    std::optional<std::string> pin;             // Balance, Purchase, PreAuth; 6 digits when present
    Money amount = Money::zero(Currency::Cny);  // Purchase, PreAuth, PreAuthComplete, Void, Refund
    TxnId original_id = 0;                      // PreAuthComplete, PreAuthCancel, Void, Refund
    std::string original_idem_key;              // Reversal
    int batch_no = 0;                           // Settle
    BatchTotals totals;                         // Settle: the terminal's count
};

// The request of `op` in `body`. InvalidArgument naming the field for an unknown, missing,
// mistyped or out-of-range member ("amount_minor: must be in 1..999999999999").
Result<TerminalRequest> parseTerminalRequest(Operation op, const JsonObject& body,
                                             const HttpApiLimits& limits);

}  // namespace yika::http
