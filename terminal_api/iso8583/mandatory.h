#pragma once

// Transaction identification and per-transaction mandatory fields (docs/terminal-protocol.md
// section 11). As in UnionPay POS, a transaction is identified by the MTI, the first two digits
// of field 3 (processing code), field 25 (condition code) and 60.1 (message type code); network
// management messages (08xx), settlement (05xx) and batch upload (03xx) by the MTI and 60.3.
//
//   type                        MTI   3   25  60.1 60.3   reversible
//   SignOn                      0800  -   -   00   003    no
//   SignOff                     0820  -   -   00   002    no
//   EchoTest                    0820  -   -   00   301    no
//   BalanceInquiry              0200  31  00  01   -      no
//   Purchase                    0200  00  00  22   -      yes
//   PurchaseVoid                0200  20  00  23   -      yes
//   Refund                      0220  20  00  25   -      no
//   PreAuth                     0100  03  06  10   -      yes
//   PreAuthCancel               0100  20  06  11   -      yes
//   PreAuthCompletion           0200  00  06  20   -      yes
//   PreAuthCompletionVoid       0200  20  06  21   -      yes
//   PreAuthCompletionAdvice     0220  00  06  24   -      no
//   Reversal                    0400  as the original transaction
//   BatchSettlement             0500  -   -   00   201    no
//   BatchUpload                 0320  -   -   00   201    no
//   BatchUploadEnd              0320  -   -   00   202    no
//
// Responses (MTI + 10) are identified by the same fields, which the host echoes.

#include "card_core/domain/result.h"
#include "terminal_api/iso8583/message.h"

#include <cstdint>
#include <string_view>

namespace yika::iso8583 {

enum class TransactionType : std::uint8_t {
    SignOn,
    SignOff,
    EchoTest,
    BalanceInquiry,
    Purchase,
    PurchaseVoid,
    Refund,
    PreAuth,
    PreAuthCancel,
    PreAuthCompletion,
    PreAuthCompletionVoid,
    PreAuthCompletionAdvice,
    Reversal,
    BatchSettlement,
    BatchUpload,
    BatchUploadEnd,
};

// "purchase".
std::string_view toString(TransactionType type);

// The transaction a request or response message is (table above); Reversal for 0400/0410.
// Errors: InvalidArgument if field 60 is missing or malformed, or no row matches (the detail
// names the MTI and the identifying values).
Result<TransactionType> classify(const Message& message);

// For a 0400/0410: the type of the transaction it reverses, identified by its fields 3, 25 and
// 60.1 as if it had the original's MTI. Errors: InvalidArgument if the message is not a
// reversal or what it names is not reversible.
Result<TransactionType> reversedType(const Message& message);

// The fields that must be present (as a bitmap, bitmapBit() per field) in a request or
// response of `type`; for a response whose field 39 is "00", add approvedResponseFields().
// Reversal requests: see reversalRequestFields().
std::uint64_t requestFields(TransactionType type);
std::uint64_t responseFields(TransactionType type);
std::uint64_t approvedResponseFields(TransactionType type);
// A reversal request carries the original's mandatory fields without PIN data (26, 52, 53),
// plus 2 (PAN) and 39 (reversal reason).
std::uint64_t reversalRequestFields(TransactionType reversed);

// Checks that the message carries what its transaction type requires (section 11 of the
// document): the mandatory fields of its direction, and for requests also: card data (field 2
// or 35), PIN consistency (22.3 = 1 exactly when 52 is present; 52 needs 26 and 53), field 61's
// layout and date where required, and a reversal reason (39) of 98, 06 or A0.
// Errors: InvalidArgument naming the transaction and the first field at fault.
Status checkMandatory(const Message& message);

}  // namespace yika::iso8583
