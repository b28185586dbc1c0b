#include "terminal_api/iso8583/codec.h"

#include "terminal_api/iso8583/frame_reader.h"
#include "terminal_api/iso8583/mandatory.h"
#include "terminal_api/iso8583/test_messages.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <new>
#include <random>
#include <string>
#include <vector>

// Counts heap allocations so that a test can bound what encoding and decoding allocate. The
// replacement pairs malloc with free, which GCC's -Wmismatched-new-delete cannot see through once
// it inlines these operators into gtest's `new TestClass`.
namespace {
std::atomic<long> g_allocations{0};
}  // namespace

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t size) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) {
        return p;
    }
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace yika::iso8583 {
namespace {

using testing::fromHex;
using testing::toHex;

const CodecLimits kLimits{};

Message decodeOrDie(std::string_view hex) {
    auto message = decode(fromHex(hex), kLimits);
    EXPECT_TRUE(message.ok()) << message.error().detail;
    return message.ok() ? *message : Message{};
}

// The detail of decoding `body`, which must fail with InvalidArgument.
std::string decodeError(const Bytes& body) {
    auto message = decode(body, kLimits);
    if (message.ok()) {
        ADD_FAILURE() << "decoded " << toHex(body);
        return {};
    }
    EXPECT_EQ(message.code(), ErrorCode::InvalidArgument);
    return message.error().detail;
}

TEST(Codec, SignOnEncodesToTheDocumentedBytes) {
    EXPECT_EQ(toHex(encode(testing::signOnRequest())), testing::kSignOnHex);
    EXPECT_EQ(decodeOrDie(testing::kSignOnHex), testing::signOnRequest());
}

TEST(Codec, PurchaseEncodesToTheDocumentedBytes) {
    EXPECT_EQ(toHex(encode(testing::purchaseRequest())), testing::kPurchaseHex);
    EXPECT_EQ(decodeOrDie(testing::kPurchaseHex), testing::purchaseRequest());
}

TEST(Codec, ReversalEncodesToTheDocumentedBytes) {
    EXPECT_EQ(toHex(encode(testing::reversalRequest())), testing::kReversalHex);
    EXPECT_EQ(decodeOrDie(testing::kReversalHex), testing::reversalRequest());
}

TEST(Codec, EncodeFramePrefixesTheBigEndianLength) {
    const Bytes frame = encodeFrame(testing::purchaseRequest());
    ASSERT_EQ(frame.size(), 2u + 110u);
    EXPECT_EQ(frame[0], 0x00);
    EXPECT_EQ(frame[1], 110);
    EXPECT_EQ(toHex(std::span(frame).subspan(2)), testing::kPurchaseHex);
    EXPECT_EQ(encodedSize(testing::purchaseRequest()), 110u);
}

TEST(Codec, EncodeToAppends) {
    Bytes out = {0xAA};
    encodeTo(testing::signOnRequest(), out);
    EXPECT_EQ(out.size(), 61u);
    EXPECT_EQ(out[0], 0xAA);
}

TEST(Codec, TpduAndHeaderRoundTrip) {
    Message message = testing::signOnRequest();
    message.setTpdu(Tpdu{0xBEEF, 0x1234});
    message.setHeader(Header{60, 99, 1, 3, 123456});
    const Bytes body = encode(message);
    EXPECT_EQ(toHex(std::span(body).first(11)), "60BEEF1234609913123456");
    auto decoded = decode(body, kLimits);
    ASSERT_TRUE(decoded.ok()) << decoded.error().detail;
    EXPECT_EQ(*decoded, message);
}

// A value of `length` units for the field that exercises its character set.
std::string sampleValue(const FieldSpec& spec, std::size_t length, unsigned seed) {
    std::string value;
    for (std::size_t i = 0; i < length; ++i) {
        const auto k = static_cast<unsigned>(i) + seed;
        switch (spec.type) {
            case FieldType::N:
                value.push_back(static_cast<char>('0' + k % 10));
                break;
            case FieldType::Z:
                value.push_back(k % 7 == 3 ? '=' : static_cast<char>('0' + k % 10));
                break;
            case FieldType::An: {
                constexpr std::string_view kChars = "AZaz09 Mm5";
                value.push_back(kChars[k % kChars.size()]);
                break;
            }
            case FieldType::Ans:
                value.push_back(static_cast<char>(0x20 + k % 95));
                break;
            case FieldType::B:
                value.push_back(static_cast<char>(k * 37 % 256));
                break;
        }
    }
    return value;
}

std::vector<std::size_t> sampleLengths(const FieldSpec& spec) {
    if (spec.length_kind == LengthKind::Fixed) {
        return {spec.length_max};
    }
    return {0, 1, 2, 3, static_cast<std::size_t>(spec.length_max - 1), spec.length_max};
}

TEST(Codec, EveryFieldRoundTripsAtEveryInterestingLength) {
    for (const FieldSpec& spec : kFieldTable) {
        for (const std::size_t length : sampleLengths(spec)) {
            for (unsigned seed = 0; seed < 3; ++seed) {
                Message message(Mti::FinancialRequest);
                const std::string value = sampleValue(spec, length, seed);
                ASSERT_TRUE(message.set(spec.field, value).ok()) << describeField(spec);
                const Bytes body = encode(message);
                ASSERT_EQ(body.size(), kFrameBodyBytesMin + prefixBytes(spec.length_kind) +
                                           valueBytes(spec, length));
                auto decoded = decode(body, kLimits);
                ASSERT_TRUE(decoded.ok()) << describeField(spec) << ": " << decoded.error().detail;
                EXPECT_EQ(decoded->get(spec.field), value) << describeField(spec);
                EXPECT_EQ(*decoded, message);
            }
        }
    }
}

TEST(Codec, OddLengthsPadOnTheFieldsSide) {
    Message message(Mti::FinancialRequest);
    ASSERT_TRUE(message.set(Field::PosEntryMode, "021").ok());  // left-aligned
    ASSERT_TRUE(message.set(Field::CardSequence, "001").ok());  // right-aligned
    ASSERT_TRUE(message.set(Field::AcquirerId, "12345").ok());  // LLVAR, left-aligned
    const Bytes body = encode(message);
    EXPECT_EQ(toHex(std::span(body).subspan(kFrameBodyBytesMin)),
              "0210"
              "0001"
              "05123450");
}

TEST(Codec, EveryFieldAtItsMaximumMakesTheLargestFrame) {
    Message message(Mti::FinancialRequest);
    for (const FieldSpec& spec : kFieldTable) {
        ASSERT_TRUE(message.set(spec.field, sampleValue(spec, spec.length_max, 1)).ok());
    }
    const Bytes body = encode(message);
    EXPECT_EQ(body.size(), kFrameBodyBytesMaxPossible);
    auto decoded = decode(body, kLimits);
    ASSERT_TRUE(decoded.ok()) << decoded.error().detail;
    EXPECT_EQ(*decoded, message);
    EXPECT_FALSE(decode(body, CodecLimits{body.size() - 1}).ok());
}

TEST(Codec, RefusesBodiesOutsideTheLimits) {
    // TPDU, header, MTI and 7 of the 8 bitmap bytes.
    const std::string detail = decodeError(fromHex("6000030000603100000000080000000000000000"));
    EXPECT_NE(detail.find("20 bytes is shorter"), std::string::npos) << detail;
    const Bytes body = fromHex(testing::kPurchaseHex);
    auto small = decode(body, CodecLimits{body.size() - 1});
    ASSERT_FALSE(small.ok());
    EXPECT_NE(small.error().detail.find("frame_bytes_max"), std::string::npos);
    EXPECT_TRUE(decode(body, CodecLimits{body.size()}).ok());
}

// Decoding `hex` with `from` replaced by `to` (both hex, `from` must occur) fails with a detail
// containing `expected`.
void expectRefused(std::string_view hex, std::string_view from, std::string_view to,
                   std::string_view expected) {
    std::string mutated(hex);
    const auto at = mutated.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    mutated.replace(at, from.size(), to);
    const std::string detail = decodeError(fromHex(mutated));
    EXPECT_NE(detail.find(expected), std::string::npos)
        << "detail '" << detail << "' lacks '" << expected << "'";
}

TEST(Codec, RefusesABadEnvelope) {
    const std::string_view hex = testing::kSignOnHex;
    expectRefused(hex, "6000030000", "6100030000", "TPDU: ID 0x61");
    expectRefused(hex, "603100000000", "6A3100000000", "header: non-BCD");
    expectRefused(hex, "603100000000", "613100000000", "application type 61");
    expectRefused(hex, "603100000000", "603120000000", "terminal status 2");
    expectRefused(hex, "603100000000", "603105000000", "processing requirement 5");
    expectRefused(hex,
                  "603100000000"
                  "0800",
                  "603100000000"
                  "08A0",
                  "MTI: non-BCD");
    expectRefused(hex,
                  "603100000000"
                  "0800",
                  "603100000000"
                  "0600",
                  "MTI 0600 is not supported");
}

TEST(Codec, RefusesBitmapBitsWeDoNotDefine) {
    const std::string_view hex = testing::kSignOnHex;
    expectRefused(hex, "0020000000C00012", "8020000000C00012", "secondary bitmap");
    expectRefused(hex, "0020000000C00012", "0820000000C00012", "field 5 is not defined");
    expectRefused(hex, "0020000000C00012", "0020000000C00013", "field 64 (MAC): truncated");
}

TEST(Codec, RefusesBadLengths) {
    const std::string_view purchase = testing::kPurchaseHex;
    expectRefused(purchase,
                  "27"
                  "6288",
                  "38"
                  "6288",
                  "field 35 (track 2): length 38 exceeds");
    expectRefused(purchase,
                  "27"
                  "6288",
                  "2A"
                  "6288",
                  "field 35 (track 2): length prefix is not");
    const std::string_view reversal = testing::kReversalHex;
    expectRefused(reversal,
                  "19"
                  "6288",
                  "20"
                  "6288",
                  "field 2 (PAN): length 20 exceeds the maximum 19");
    expectRefused(reversal,
                  "0011"
                  "2200",
                  "0018"
                  "2200",
                  "field 60 (reserved 60): length 18");
    expectRefused(reversal,
                  "0011"
                  "2200",
                  "1011"
                  "2200",
                  "field 60 (reserved 60): length 1011");
    // A length that fits the maximum but runs past the end of the body.
    const std::string_view sign_on = testing::kSignOnHex;
    expectRefused(sign_on,
                  "0003"
                  "303031",
                  "0163"
                  "303031",
                  "field 63 (reserved 63): truncated");
}

TEST(Codec, RefusesBadNibblesAndCharacters) {
    const std::string_view purchase = testing::kPurchaseHex;
    expectRefused(purchase, "000000001250", "00000000125A", "field 4 (amount): non-BCD nibble");
    expectRefused(purchase,
                  "0210"
                  "00"
                  "06",
                  "0211"
                  "00"
                  "06",
                  "field 22 (POS entry mode): pad nibble is not 0");
    expectRefused(purchase, "28121010", "28121011", "field 35 (track 2): pad nibble is not 0");
    expectRefused(purchase, "016D28", "016E28", "field 35 (track 2): non-BCD nibble");
    expectRefused(purchase, "313536", "3135FF", "field 49 (currency)");
    expectRefused(purchase, "3130303030303031", "313030303030307F", "field 41 (terminal id)");
    const std::string_view reversal = testing::kReversalHex;
    expectRefused(reversal, "62888800000000000160", "62888800000000000161",
                  "field 2 (PAN): pad nibble");
    expectRefused(reversal, "62888800000000000160", "628888000000000001D0",
                  "field 2 (PAN): non-BCD nibble");
    expectRefused(reversal, "3938", "392D", "field 39 (response code)");
}

TEST(Codec, RefusesTrailingBytes) {
    const std::string detail = decodeError(fromHex(std::string(testing::kPurchaseHex) + "00"));
    EXPECT_NE(detail.find("1 trailing bytes"), std::string::npos) << detail;
}

TEST(Codec, RefusesEveryTruncation) {
    for (const std::string_view hex :
         {testing::kSignOnHex, testing::kPurchaseHex, testing::kReversalHex}) {
        const Bytes body = fromHex(hex);
        for (std::size_t size = 0; size < body.size(); ++size) {
            // A fresh copy of exactly `size` bytes lets AddressSanitizer catch any over-read.
            const Bytes truncated(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(size));
            EXPECT_FALSE(decode(truncated, kLimits).ok()) << size;
        }
    }
}

TEST(Codec, EverySingleByteChangeDecodesCanonicallyOrFails) {
    const Bytes body = fromHex(testing::kPurchaseHex);
    for (std::size_t i = 0; i < body.size(); ++i) {
        for (const unsigned flip : {0x01u, 0x10u, 0x80u, 0xFFu}) {
            Bytes mutated = body;
            mutated[i] = static_cast<std::uint8_t>(mutated[i] ^ flip);
            auto message = decode(mutated, kLimits);
            if (message.ok()) {
                EXPECT_EQ(encode(*message), mutated) << "byte " << i;
            } else {
                EXPECT_EQ(message.code(), ErrorCode::InvalidArgument);
            }
        }
    }
}

TEST(Codec, RandomBodiesNeverCrash) {
    std::mt19937 random(20261123);
    const Bytes valid = fromHex(testing::kPurchaseHex);
    for (int round = 0; round < 20000; ++round) {
        // Keep the envelope valid half of the time so that the fields get exercised.
        const auto size = static_cast<std::size_t>(random() % 200);
        Bytes body(size);
        for (auto& byte : body) {
            byte = static_cast<std::uint8_t>(random());
        }
        if (round % 2 == 0 && size >= kFrameBodyBytesMin) {
            std::copy(valid.begin(), valid.begin() + 13, body.begin());
            for (std::size_t i = 0; i < kBitmapBytes; ++i) {
                const auto defined =
                    static_cast<std::uint8_t>(kDefinedFieldsBitmap >> (56 - 8 * i));
                body[13 + i] = static_cast<std::uint8_t>(body[13 + i] & defined);
            }
        }
        auto message = decode(body, kLimits);
        if (message.ok()) {
            EXPECT_EQ(encode(*message), body);
        }
    }
}

TEST(Codec, MacInputIsMtiThroughField63) {
    const Bytes body = fromHex(testing::kPurchaseHex);
    auto input = macInput(body);
    ASSERT_TRUE(input.ok()) << input.error().detail;
    EXPECT_EQ(input->data(), body.data() + 11);
    EXPECT_EQ(input->size(), body.size() - 11 - 8);
    EXPECT_EQ(toHex(input->first(2)), "0200");
    EXPECT_FALSE(macInput(fromHex(testing::kSignOnHex)).ok());  // no field 64
    EXPECT_FALSE(macInput(std::span(body).first(28)).ok());     // too short
}

TEST(Codec, SetMacOverwritesTheLastEightBytes) {
    Message message = testing::purchaseRequest();
    ASSERT_TRUE(message.set(Field::Mac, std::string(8, '\0')).ok());
    Bytes body = encode(message);
    const std::array<std::uint8_t, 8> mac = {0x8C, 0x3F, 0x5A, 0x19, 0xD2, 0x07, 0xB4, 0x6E};
    setMac(body, mac);
    EXPECT_EQ(toHex(body), testing::kPurchaseHex);
}

TEST(Codec, CheckLimitsBoundsTheFrameSize) {
    EXPECT_TRUE(checkLimits(CodecLimits{}).ok());
    EXPECT_TRUE(checkLimits(CodecLimits{kFrameBodyBytesMin}).ok());
    EXPECT_TRUE(checkLimits(CodecLimits{65535}).ok());
    EXPECT_FALSE(checkLimits(CodecLimits{kFrameBodyBytesMin - 1}).ok());
    EXPECT_FALSE(checkLimits(CodecLimits{65536}).ok());
    EXPECT_EQ(kFrameBodyBytesMaxPossible, 1072u);
}

TEST(Codec, PurchaseDoesNotAllocateAStorm) {
    const Bytes body = fromHex(testing::kPurchaseHex);
    const Message message = testing::purchaseRequest();
    Bytes reused;
    reused.reserve(kFrameBodyBytesMaxPossible);

    long before = g_allocations.load();
    auto decoded = decode(body, kLimits);
    const long decode_allocations = g_allocations.load() - before;
    ASSERT_TRUE(decoded.ok());
    // Only the values longer than the small-string buffer (track 2, field 53) allocate.
    EXPECT_LE(decode_allocations, 3);

    before = g_allocations.load();
    const Bytes encoded = encode(message);
    EXPECT_EQ(g_allocations.load() - before, 1);

    before = g_allocations.load();
    reused.clear();
    encodeTo(message, reused);
    EXPECT_EQ(g_allocations.load() - before, 0);
}

#ifdef YIKA_ISO8583_CORPUS_DIR
TEST(Codec, EverySeedOfTheFuzzCorpusIsAValidFrame) {
    int seeds = 0;
    for (const auto& entry : std::filesystem::directory_iterator(YIKA_ISO8583_CORPUS_DIR)) {
        std::ifstream file(entry.path(), std::ios::binary);
        const Bytes bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
        FrameReader reader(kLimits);
        auto consumed = reader.feed(bytes);
        ASSERT_TRUE(consumed.ok()) << entry.path();
        ASSERT_EQ(*consumed, bytes.size()) << entry.path();
        ASSERT_TRUE(reader.ready()) << entry.path();
        auto message = decode(reader.frame(), kLimits);
        ASSERT_TRUE(message.ok()) << entry.path() << ": " << message.error().detail;
        const Status mandatory = checkMandatory(*message);
        EXPECT_TRUE(mandatory.ok()) << entry.path() << ": " << mandatory.error().detail;
        ++seeds;
    }
    EXPECT_GE(seeds, 3);
}
#endif

}  // namespace
}  // namespace yika::iso8583
