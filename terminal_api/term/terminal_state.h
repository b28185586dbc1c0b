#pragma once

// TerminalState: what the yika-term simulator remembers between runs, as a real POS terminal
// does: the batch number, the next trace number, the current session and the recent
// transactions (a void, refund, reversal or completion needs the original's card, amount,
// reference number and date).
//
// The session is kept as its nonce only: the keys are derived again from the TMK (given on each
// run) and the nonce, so no key is ever written to disk. The KCV of the TMK used at sign-on is
// kept so that a run with another TMK is told to sign on again instead of sending bad MACs.
//
// File: text, one "key=value" per line, written atomically (temporary file, fsync, rename) with
// mode 0600 because it holds full card numbers of recent transactions. Bounded: at most
// kStateTransactionsMax transactions (oldest dropped) and kStateFileBytesMax bytes.

#include "card_core/domain/result.h"
#include "crypto/terminal_keys.h"
#include "terminal_api/iso8583/mandatory.h"
#include "terminal_api/iso8583/subfields.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yika::term {

inline constexpr std::size_t kStateTransactionsMax = 100;
inline constexpr std::size_t kStateFileBytesMax = std::size_t{256} * 1024;

enum class TxnStatus : std::uint8_t {
    Sent,       // no (valid) answer yet: the outcome is unknown, reverse it
    Approved,   // 00
    Declined,   // any other response code
    Reversed,   // a reversal of it was answered
    Voided,     // an approved void (or pre-auth cancellation) refers to it
    MacFailed,  // the answer failed MAC verification: reverse it with reason A0
};

std::string_view toString(TxnStatus status);

struct TxnRecord {
    std::uint32_t trace = 0;
    iso8583::TransactionType type = iso8583::TransactionType::Purchase;
    TxnStatus status = TxnStatus::Sent;
    std::string batch;  // 60.2 it was sent in
    std::string pan;
    std::int64_t amount_minor = 0;
    bool pin_entered = false;
    // What the request carried (to rebuild it for a reversal).
    std::string sent_rrn;              // field 37
    std::string sent_auth_id;          // field 38
    std::string sent_original_data;    // field 61
    std::uint32_t original_trace = 0;  // the transaction it refers to (voids, refunds, ...)
    // What the approved answer carried.
    std::string rrn;      // field 37
    std::string auth_id;  // field 38
    std::string date;     // field 13, MMDD
    std::string time;     // field 12, hhmmss
    std::string response_code;

    friend bool operator==(const TxnRecord&, const TxnRecord&) = default;
};

struct TerminalState {
    std::string tid;
    std::uint32_t batch = 1;       // 1-999999
    std::uint32_t next_trace = 1;  // 1-999999
    std::optional<crypto::SessionNonce> session_nonce;
    std::string session_tmk_kcv;          // hex KCV of the TMK the session was derived from
    iso8583::SettlementTotals totals{};   // of the current batch; result unused (0)
    std::vector<TxnRecord> transactions;  // oldest first

    friend bool operator==(const TerminalState&, const TerminalState&) = default;
};

// A fresh state for `tid`: batch 1, trace 1, no session, no transactions.
TerminalState freshState(std::string_view tid);

// The trace number to use now; advances next_trace (1-999999, wrapping).
std::uint32_t takeTrace(TerminalState& state);

// Appends `record`, dropping the oldest when kStateTransactionsMax are kept.
void addTransaction(TerminalState& state, TxnRecord record);

// The most recent transaction with `trace`; null if none is kept.
TxnRecord* findTransaction(TerminalState& state, std::uint32_t trace);
// The most recent approved pre-authorization with authorization id `auth_id`; null if none.
TxnRecord* findPreAuth(TerminalState& state, std::string_view auth_id);

// Applies an approved transaction to the batch totals (purchases and completions add to the
// debits, voids take them away, refunds add to the credits); `sign` -1 undoes it (reversal).
void applyToTotals(TerminalState& state, const TxnRecord& record, int sign);

// Closes the batch after settlement: the next batch number, zero totals, and the
// transactions of the closed batch dropped.
void closeBatch(TerminalState& state);

std::string serializeState(const TerminalState& state);
// Errors: InvalidArgument naming the line at fault (never its card number).
Result<TerminalState> parseState(std::string_view text);

// "./yika-term-<TID>.state", with characters outside [A-Za-z0-9_-] in the TID replaced by '_'.
std::string defaultStatePath(std::string_view tid);

// The state in `path`, or freshState(tid) if the file does not exist. Errors: InvalidArgument if
// it cannot be parsed, is larger than kStateFileBytesMax, or belongs to another TID;
// StorageUnavailable if it cannot be read.
Result<TerminalState> loadState(const std::string& path, std::string_view tid);

// Replaces `path` atomically with the state, mode 0600. Errors: StorageUnavailable.
Status saveState(const std::string& path, const TerminalState& state);

}  // namespace yika::term
