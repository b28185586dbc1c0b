#include "terminal_api/iso8583/frame_reader.h"

#include "terminal_api/iso8583/test_messages.h"

#include <gtest/gtest.h>

#include <vector>

namespace yika::iso8583 {
namespace {

using testing::fromHex;

// Three frames back to back, as a terminal might send them.
Bytes threeFrames() {
    Bytes stream;
    for (const Message& message :
         {testing::signOnRequest(), testing::purchaseRequest(), testing::reversalRequest()}) {
        const Bytes frame = encodeFrame(message);
        stream.insert(stream.end(), frame.begin(), frame.end());
    }
    return stream;
}

std::vector<Bytes> expectedBodies() {
    return {fromHex(testing::kSignOnHex), fromHex(testing::kPurchaseHex),
            fromHex(testing::kReversalHex)};
}

// Feeds `stream` in chunks whose sizes come from `chunk_size(index)` and collects the frames.
template <typename ChunkSize>
std::vector<Bytes> readAll(const Bytes& stream, ChunkSize chunk_size) {
    FrameReader reader(CodecLimits{});
    std::vector<Bytes> frames;
    std::size_t offset = 0;
    for (std::size_t chunk = 0; offset < stream.size(); ++chunk) {
        const std::size_t size = std::min(chunk_size(chunk), stream.size() - offset);
        std::span<const std::uint8_t> input(stream.data() + offset, size);
        offset += size;
        while (!input.empty()) {
            auto consumed = reader.feed(input);
            EXPECT_TRUE(consumed.ok());
            if (!consumed.ok()) {
                return frames;
            }
            input = input.subspan(*consumed);
            if (reader.ready()) {
                frames.emplace_back(reader.frame().begin(), reader.frame().end());
                reader.pop();
            }
        }
    }
    EXPECT_FALSE(reader.midFrame());
    return frames;
}

TEST(FrameReader, SplitsAtEveryByteBoundary) {
    const Bytes stream = threeFrames();
    for (std::size_t split = 0; split <= stream.size(); ++split) {
        const auto frames = readAll(stream, [split, &stream](std::size_t chunk) {
            return chunk == 0 ? split : stream.size();
        });
        EXPECT_EQ(frames, expectedBodies()) << "split at " << split;
    }
}

TEST(FrameReader, AcceptsEveryChunkSize) {
    const Bytes stream = threeFrames();
    for (std::size_t size = 1; size <= stream.size(); ++size) {
        const auto frames = readAll(stream, [size](std::size_t) { return size; });
        EXPECT_EQ(frames, expectedBodies()) << "chunks of " << size;
    }
}

TEST(FrameReader, StopsConsumingAtTheEndOfAFrame) {
    const Bytes stream = threeFrames();
    FrameReader reader(CodecLimits{});
    auto consumed = reader.feed(stream);
    ASSERT_TRUE(consumed.ok());
    EXPECT_EQ(*consumed, 2 + fromHex(testing::kSignOnHex).size());
    ASSERT_TRUE(reader.ready());
    EXPECT_FALSE(reader.midFrame());
    reader.pop();
    EXPECT_FALSE(reader.ready());
}

TEST(FrameReader, ReportsAPartialFrame) {
    const Bytes frame = encodeFrame(testing::signOnRequest());
    FrameReader reader(CodecLimits{});
    EXPECT_FALSE(reader.midFrame());
    ASSERT_TRUE(reader.feed(std::span(frame).first(1)).ok());
    EXPECT_TRUE(reader.midFrame());
    ASSERT_TRUE(reader.feed(std::span(frame).subspan(1, 10)).ok());
    EXPECT_TRUE(reader.midFrame());
    EXPECT_FALSE(reader.ready());
}

std::string lengthError(std::uint16_t length, const CodecLimits& limits) {
    FrameReader reader(limits);
    const Bytes prefix = {static_cast<std::uint8_t>(length >> 8),
                          static_cast<std::uint8_t>(length & 0xFF), 0x60};
    auto consumed = reader.feed(prefix);
    if (consumed.ok()) {
        return {};
    }
    EXPECT_TRUE(reader.failed());
    EXPECT_EQ(consumed.code(), ErrorCode::InvalidArgument);
    return consumed.error().detail;
}

TEST(FrameReader, RefusesAnOversizeLength) {
    EXPECT_NE(lengthError(2049, CodecLimits{}).find("length 2049 is outside [21, 2048]"),
              std::string::npos);
    EXPECT_NE(lengthError(0xFFFF, CodecLimits{}), "");
    EXPECT_NE(lengthError(101, CodecLimits{100}), "");
    EXPECT_EQ(lengthError(100, CodecLimits{100}), "");
    EXPECT_EQ(lengthError(2048, CodecLimits{}), "");
}

TEST(FrameReader, RefusesAnUndersizeLength) {
    EXPECT_NE(lengthError(0, CodecLimits{}), "");
    EXPECT_NE(lengthError(20, CodecLimits{}), "");
    EXPECT_EQ(lengthError(21, CodecLimits{}), "");
}

TEST(FrameReader, EmptyInputConsumesNothing) {
    FrameReader reader(CodecLimits{});
    auto consumed = reader.feed({});
    ASSERT_TRUE(consumed.ok());
    EXPECT_EQ(*consumed, 0u);
    EXPECT_FALSE(reader.midFrame());
}

}  // namespace
}  // namespace yika::iso8583
