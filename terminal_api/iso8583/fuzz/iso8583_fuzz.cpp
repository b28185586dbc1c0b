// libFuzzer target for the ISO 8583 codec: the input is used both as one frame body and as a
// TCP stream cut by FrameReader. Whatever decodes must re-encode to the same bytes (the encoding
// is canonical) and decode again to an equal Message; the other entry points must not crash on
// anything decode() accepted. Any failed YIKA_ASSERT aborts, which libFuzzer reports as a crash.

#include "card_core/domain/assert.h"
#include "terminal_api/iso8583/codec.h"
#include "terminal_api/iso8583/frame_reader.h"
#include "terminal_api/iso8583/mandatory.h"
#include "terminal_api/iso8583/subfields.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

namespace yika::iso8583 {
namespace {

void exerciseSubfields(const Message& message) {
    if (message.has(Field::Reserved60)) {
        (void)parseField60(message.get(Field::Reserved60));
    }
    if (message.has(Field::OriginalData)) {
        (void)parseField61(message.get(Field::OriginalData));
    }
    if (message.has(Field::AdditionalData)) {
        (void)parseSettlementTotals(message.get(Field::AdditionalData));
        (void)parseBatchUpload(message.get(Field::AdditionalData));
    }
    if (message.has(Field::Balance)) {
        (void)parseBalance(message.get(Field::Balance));
    }
    (void)message.amount();
    (void)message.responseCode();
}

void checkBody(std::span<const std::uint8_t> body, const CodecLimits& limits) {
    auto message = decode(body, limits);
    if (!message.ok()) {
        YIKA_ASSERT(message.code() == ErrorCode::InvalidArgument);
        YIKA_ASSERT(!message.error().detail.empty());
        return;
    }
    const Bytes encoded = encode(*message);
    YIKA_ASSERT(std::equal(encoded.begin(), encoded.end(), body.begin(), body.end()));
    YIKA_ASSERT(encodedSize(*message) == body.size());
    auto again = decode(encoded, limits);
    YIKA_ASSERT(again.ok());
    YIKA_ASSERT(*again == *message);

    auto mac_input = macInput(body);
    YIKA_ASSERT(mac_input.ok() == message->has(Field::Mac));
    if (mac_input.ok()) {
        YIKA_ASSERT(mac_input->size() == body.size() - kMacInputOffset - kMacBytes);
    }
    (void)classify(*message);
    (void)reversedType(*message);
    (void)checkMandatory(*message);
    exerciseSubfields(*message);
    if (!isResponse(message->mti())) {
        const Message response = makeResponse(*message);
        auto decoded_response = decode(encode(response), CodecLimits{kFrameBodyBytesMaxPossible});
        YIKA_ASSERT(decoded_response.ok());
        YIKA_ASSERT(*decoded_response == response);
    }
}

void fuzzOne(const std::uint8_t* data, std::size_t size) {
    const CodecLimits limits{};
    const std::span<const std::uint8_t> input(data, size);
    checkBody(input, limits);

    // The same bytes as a stream, in chunks of 1-16 bytes as a socket might deliver them.
    FrameReader reader(limits);
    const std::size_t chunk = size > 0 ? static_cast<std::size_t>(data[0] % 16) + 1 : 1;
    std::span<const std::uint8_t> rest = input;
    while (!rest.empty()) {
        std::span<const std::uint8_t> piece = rest.first(std::min(chunk, rest.size()));
        rest = rest.subspan(piece.size());
        while (!piece.empty()) {
            auto consumed = reader.feed(piece);
            if (!consumed.ok()) {
                YIKA_ASSERT(reader.failed());
                return;
            }
            YIKA_ASSERT(*consumed > 0 && *consumed <= piece.size());
            piece = piece.subspan(*consumed);
            if (reader.ready()) {
                YIKA_ASSERT(reader.frame().size() >= kFrameBodyBytesMin);
                YIKA_ASSERT(reader.frame().size() <= limits.frame_bytes_max);
                checkBody(reader.frame(), limits);
                reader.pop();
            }
        }
    }
}

}  // namespace
}  // namespace yika::iso8583

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    yika::iso8583::fuzzOne(data, size);
    return 0;
}
