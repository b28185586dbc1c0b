#pragma once

// The terminal side of the ISO 8583 protocol (docs/terminal-protocol.md): building every request
// a Yika POS terminal sends, sealing it with the session MAC, and checking the host's answers.
// Pure functions over iso8583::Message; no I/O. Used by the yika-term simulator, its load
// generator and the tests (which also use it to play the host).
//
// Card data is always keyed (field 2 and 22.1-2 "01"): the simulator has no magnetic stripe.
// PINs are encrypted with crypto::encryptPinBlock under the session PIN key; the keystream
// context is the request's own field 41, 60.2 and 11.

#include "card_core/domain/money.h"
#include "card_core/domain/result.h"
#include "crypto/terminal_keys.h"
#include "terminal_api/iso8583/codec.h"
#include "terminal_api/iso8583/mandatory.h"
#include "terminal_api/iso8583/message.h"
#include "terminal_api/iso8583/subfields.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace yika::term {

using iso8583::Bytes;
using iso8583::Message;
using iso8583::TransactionType;

// The TPDU a terminal sends: destination NII 0003, source 0000 (section 3).
inline constexpr iso8583::Tpdu kTerminalTpdu{0x0003, 0x0000};
inline constexpr std::uint32_t kTraceMax = 999'999;
inline constexpr std::uint32_t kBatchMax = 999'999;
inline constexpr std::int64_t kAmountMinorMax = 999'999'999'999;  // field 4, n12
inline constexpr std::size_t kMerchantIdChars = 15;
// Field 26: the simulated PIN pad takes up to 12 digits.
inline constexpr std::string_view kPinCaptureCode = "12";

// What identifies the terminal in every request.
struct TerminalContext {
    std::string tid;    // field 41, 8 characters
    std::string mid;    // field 42, 15 characters
    std::string batch;  // 60.2, 6 digits
};

// Whether the TID, MID and batch have the shapes above (printable ASCII, digits).
Status checkTerminalContext(const TerminalContext& context);

// The next trace number after `trace`: 1-999999, wrapping to 1 (section 9, field 11).
std::uint32_t nextTrace(std::uint32_t trace);
// The next batch number: 1-999999, wrapping to 1.
std::uint32_t nextBatch(std::uint32_t batch);
// "000042".
std::string sixDigits(std::uint32_t value);

// A card-present financial request (every transaction with field 2 except reversals).
struct CardRequest {
    TransactionType type = TransactionType::Purchase;
    std::uint32_t trace = 1;
    std::string pan;
    std::optional<Money> amount;  // all types except BalanceInquiry
    std::string pin;              // empty: no PIN entered
    std::string original_rrn;     // field 37: voids and refunds
    std::string auth_id;          // field 38: pre-authorization family after the pre-auth
    std::string original_data;    // field 61 (iso8583::formatField61): voids, refunds, ...
};

// Whether `type` is one buildCardRequest() builds.
bool isCardRequestType(TransactionType type);
// Whether a transaction of `type` goes into the settlement totals as a debit, a credit, or
// takes one away (voids). Used by the simulator's batch totals.
enum class TotalsEffect : std::uint8_t { None, Debit, Credit, VoidDebit };
TotalsEffect totalsEffect(TransactionType type);

// The request for `request` in `context`, field 64 holding a placeholder (sealFrame() writes the
// MAC). With a PIN, fields 26, 52 and 53 are set and 22 is "011", else 22 is "012".
// `pin_key` is needed only with a PIN (kSessionKeyBytes).
// Errors (InvalidArgument, never naming the PAN or PIN): a type buildCardRequest does not build,
// a PAN that is not 13-19 digits, a PIN that is not 4-12 digits, a PIN without a session, a
// missing or non-positive amount (or an amount on a balance inquiry), a missing field 37, 38
// or 61 the type requires, a bad context.
Result<Message> buildCardRequest(const TerminalContext& context, const CardRequest& request,
                                 std::span<const std::uint8_t> pin_key);

// Network management and settlement requests (no PIN; 0800 and 0820 carry no MAC).
Message buildSignOn(const TerminalContext& context, std::uint32_t trace);
Message buildEchoTest(const TerminalContext& context, std::uint32_t trace);
Message buildSettlement(const TerminalContext& context, std::uint32_t trace,
                        const iso8583::SettlementTotals& totals);
// Preconditions: 1-8 items (iso8583::formatBatchUpload).
Message buildBatchUpload(const TerminalContext& context, std::uint32_t trace,
                         const std::vector<iso8583::BatchUploadItem>& items);
Message buildBatchUploadEnd(const TerminalContext& context, std::uint32_t trace,
                            std::size_t uploaded);

// The 0400 reversal of `original` (a request buildCardRequest built, of a reversible type):
// the same fields without 26, 52 and 53, MTI 0400, field 39 = `reason` ("98", "06" or "A0").
// Errors: InvalidArgument if the original is not reversible or the reason is not one of those.
Result<Message> buildReversal(const Message& original, std::string_view reason);

// The length-prefixed frame of `message`. If it has field 64, the MAC under `mac_key` is
// computed over iso8583::macInput() and written last. Precondition: mac_key.size() ==
// kSessionKeyBytes whenever the message has field 64.
Bytes sealFrame(const Message& message, std::span<const std::uint8_t> mac_key);

enum class MacCheck : std::uint8_t { Absent, Valid, Invalid };
// Field 64 of a decoded `frame_body` checked under `mac_key`; Absent if the message has none.
// Precondition: mac_key.size() == kSessionKeyBytes.
MacCheck checkMac(std::span<const std::uint8_t> frame_body, const Message& message,
                  std::span<const std::uint8_t> mac_key);

// Whether the approved response to `type` must carry a MAC (section 11: every MAC'd request's
// approved response).
bool responseNeedsMac(TransactionType type);

// An approved 0810 accepted: the session nonce and the batch number the host assigns (60.2).
struct SignOnResult {
    crypto::SessionNonce nonce{};
    std::string batch;
};
// Checks a 0810 against the terminal's TMK: approved, field 62 of kSignOnKeyDataBytes, and the
// KCVs of the keys derived from `tmk` match (so the TMK is the host's and the nonce arrived
// intact). Errors: InvalidArgument describing what failed (never key bytes); a decline gives
// its response code in the detail.
Result<SignOnResult> acceptSignOnResponse(const Message& response,
                                          std::span<const std::uint8_t> tmk, std::string_view tid);

// The response matches its request: response MTI, the same trace and TID.
Status checkResponseMatches(const Message& request, const Message& response);

}  // namespace yika::term
