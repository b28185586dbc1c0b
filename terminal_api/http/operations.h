#pragma once

// What each HTTP operation does inside the writer's transaction: the acceptance service call,
// plus the HTTP-specific parts around it (idempotency check, the terminal's current batch,
// settlement moving the terminal to its next batch). Runs on the writer thread only; keep it
// short: parsing, hashing and JSON happen on the request thread before and after.
//
// Idempotency: the request's identity is (TID, X-Yika-Idempotency-Key), given to the domain as
// TerminalRef::idem_key. A retry finds the first transaction and gets its answer (replayed);
// the same key with a different operation, card, original or amount is a conflict, and nothing
// is written.

#include "card_core/domain/acceptance_service.h"
#include "card_core/domain/result.h"
#include "card_core/domain/store.h"
#include "terminal_api/http/service_context.h"
#include "terminal_api/http/terminal_requests.h"

#include <optional>
#include <string>

namespace yika::http {

struct OperationInput {
    TerminalRequest request;
    TerminalId terminal_id = 0;
    std::string tid;
    MerchantId merchant_id = 0;
    std::string idem_key;  // X-Yika-Idempotency-Key; may be empty where not required
    Bytes pan_lookup;      // vault.lookupHash(request.pan), for the operations with a card
    TimestampMs now_ms = 0;
};

struct OperationOutcome {
    std::optional<CardTxn> txn;                  // every operation but balance and settle
    std::optional<BalanceAnswer> balance;        // balance inquiry, approved
    std::optional<SettlementAnswer> settlement;  // settle
    std::optional<Error> declined;               // balance inquiry refused (see .cpp)
    std::optional<Money> available;              // the card's available balance afterwards
    bool replayed = false;                       // the first answer to this key, again
    bool conflict = false;                       // key reused for another request; no change
    bool terminal_disabled = false;              // disabled since the cache read; no change
    int batch_no = 0;                            // the batch the transaction belongs to
    int next_batch_no = 0;                       // settle: the terminal's batch afterwards
};

// Runs `in` in `tx`. Errors are the domain's (rolled back by the commit queue); declines of
// purchases and pre-authorisations are recorded and come back as a Declined `txn`.
// Precondition (asserted): in.idem_key is non-empty when needsIdempotencyKey(op).
Result<OperationOutcome> runOperation(StoreTx& tx, const OperationInput& in, AcceptanceDeps deps);

}  // namespace yika::http
