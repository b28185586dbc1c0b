#pragma once

// Message: one ISO 8583 message of the terminal protocol as plain data (TPDU, header, MTI and
// the fields of kFieldTable), with typed accessors. It holds each field in decoded form: digits
// as ASCII for n, digits and '=' for z, the characters for an and ans, raw bytes for b.
//
// Invariant: every present field holds a value that validateValue() accepts, and an absent
// field holds the empty string. set() refuses anything else, so encode() can never meet an
// invalid field; decode() builds Messages that satisfy the same invariant.
//
// Thread-safety: a Message is a value; concurrent const use is safe.

#include "card_core/domain/money.h"
#include "card_core/domain/result.h"
#include "terminal_api/iso8583/field_table.h"
#include "terminal_api/iso8583/response_code.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yika::iso8583 {

// Message type indicators we support; the value is the MTI read as a decimal number (0200 is
// 200). decode() refuses any other MTI.
enum class Mti : std::uint16_t {
    AuthorizationRequest = 100,  // pre-authorization and its cancellation
    AuthorizationResponse = 110,
    FinancialRequest = 200,  // balance inquiry, purchase, void, pre-auth completion
    FinancialResponse = 210,
    FinancialAdvice = 220,  // refund, offline pre-auth completion
    FinancialAdviceResponse = 230,
    BatchUploadAdvice = 320,
    BatchUploadResponse = 330,
    ReversalAdvice = 400,
    ReversalResponse = 410,
    SettlementRequest = 500,
    SettlementResponse = 510,
    NetworkRequest = 800,  // sign-on
    NetworkResponse = 810,
    NetworkAdvice = 820,  // sign-off, echo test
    NetworkAdviceResponse = 830,
};

// The MTI for a decimal value, empty if we do not support it.
std::optional<Mti> mtiFromNumber(int number);
// True for the response MTIs (third digit 1 or 3).
bool isResponse(Mti mti);
// The response MTI of a request MTI (0200 -> 0210). Precondition: !isResponse(mti).
Mti responseMti(Mti mti);
// The request MTI of a response MTI (0210 -> 0200). Precondition: isResponse(mti).
Mti requestMti(Mti mti);
// "0200".
std::string mtiText(Mti mti);

// TPDU ID byte; the only one we accept.
inline constexpr std::uint8_t kTpduId = 0x60;

// Transport protocol data unit: 0x60, destination address, source address (2 bytes each,
// binary, big-endian). The host answers with the two addresses swapped.
struct Tpdu {
    std::uint16_t destination = 0;
    std::uint16_t source = 0;

    Tpdu swapped() const { return Tpdu{source, destination}; }
    friend bool operator==(const Tpdu&, const Tpdu&) = default;
};

// The 6-byte (12 BCD digit) UnionPay POS message header.
struct Header {
    std::uint8_t application_type = 60;       // 2 digits; only 60 (POS) is accepted
    std::uint8_t software_version = 31;       // 2 digits; any value, echoed by the host
    std::uint8_t terminal_status = 0;         // 1 digit; 0 production, 1 test
    std::uint8_t processing_requirement = 0;  // 1 digit; 0 none, 3 sign on again (host only)
    std::uint32_t reserved = 0;               // 6 digits; any value, echoed by the host

    friend bool operator==(const Header&, const Header&) = default;
};

inline constexpr std::uint8_t kApplicationTypePos = 60;
inline constexpr std::uint8_t kProcessingRequirementNone = 0;
inline constexpr std::uint8_t kProcessingRequirementSignOn = 3;

// Whether the header holds values we accept. Errors: InvalidArgument naming the header item.
Status checkHeader(const Header& header);

namespace detail {
struct MessageAccess;
}  // namespace detail

class Message {
  public:
    // A NetworkRequest with the default TPDU and header and no fields.
    Message() = default;
    explicit Message(Mti mti) : mti_(mti) {}

    Mti mti() const { return mti_; }
    void setMti(Mti mti) { mti_ = mti; }
    const Tpdu& tpdu() const { return tpdu_; }
    void setTpdu(const Tpdu& tpdu) { tpdu_ = tpdu; }
    const Header& header() const { return header_; }
    // Precondition: checkHeader(header) succeeds.
    void setHeader(const Header& header);

    bool has(Field field) const { return (present_ & bitOf(field)) != 0; }
    // The value of the field, or an empty view if it is absent. Valid until the field is next
    // set or cleared or the Message is destroyed.
    std::string_view get(Field field) const { return values_[slotOf(field)]; }
    // The value if present.
    std::optional<std::string_view> find(Field field) const;
    // Sets the field after validateValue(). On error the message is unchanged.
    // Errors: InvalidArgument naming the field.
    Status set(Field field, std::string_view value);
    void clear(Field field);
    // The primary bitmap as on the wire (field 1 = most significant bit); bit 1 is never set.
    std::uint64_t bitmap() const { return present_; }

    // Typed accessors. The getters return empty if the field is absent.
    std::optional<std::int64_t> amountMinor() const;  // field 4, in minor units (fen)
    // Fields 4 and 49 as Money. Errors: InvalidArgument if either is absent or the currency is
    // not one we know.
    Result<Money> amount() const;
    // Sets fields 4 and 49. Precondition: 0 <= amount.minor() <= 999999999999.
    void setAmount(Money amount);
    std::optional<std::uint32_t> trace() const;  // field 11
    // Precondition: trace <= 999999.
    void setTrace(std::uint32_t trace);
    // Field 39 if present and one of ours; a code we do not know also yields empty.
    std::optional<ResponseCode> responseCode() const;
    void setResponseCode(ResponseCode code);

    friend bool operator==(const Message&, const Message&) = default;

  private:
    friend struct detail::MessageAccess;

    static constexpr std::uint64_t bitOf(Field field) { return bitmapBit(fieldNumber(field)); }
    // set() for values the caller built and knows to be valid.
    void setValid(Field field, std::string_view value);

    Tpdu tpdu_{};
    Header header_{};
    Mti mti_ = Mti::NetworkRequest;
    std::uint64_t present_ = 0;
    std::array<std::string, kFieldCount> values_{};
};

// A response skeleton for `request` as the host sends it: TPDU addresses swapped, the request's
// header with processing requirement 0, the response MTI, and fields 3, 4, 11, 25, 41, 42, 49
// and 60 echoed where the request has them. Precondition: !isResponse(request.mti()).
Message makeResponse(const Message& request);

}  // namespace yika::iso8583
