// Encode and decode cost of a purchase request (target: under 1 us each, a few allocations).
//   ninja -C build yika_iso8583_bench && build/terminal_api/yika_iso8583_bench

#include "terminal_api/iso8583/codec.h"
#include "terminal_api/iso8583/frame_reader.h"
#include "terminal_api/iso8583/mandatory.h"
#include "terminal_api/iso8583/test_messages.h"

#include <benchmark/benchmark.h>

namespace yika::iso8583 {
namespace {

void BM_DecodePurchase(benchmark::State& state) {
    const Bytes body = testing::fromHex(testing::kPurchaseHex);
    const CodecLimits limits{};
    for (auto _ : state) {
        auto message = decode(body, limits);
        benchmark::DoNotOptimize(message);
    }
}
BENCHMARK(BM_DecodePurchase);

void BM_DecodePurchaseIntoReusedMessage(benchmark::State& state) {
    const Bytes body = testing::fromHex(testing::kPurchaseHex);
    const CodecLimits limits{};
    Message message;
    for (auto _ : state) {
        Status status = decodeInto(body, limits, message);
        benchmark::DoNotOptimize(status);
    }
}
BENCHMARK(BM_DecodePurchaseIntoReusedMessage);

void BM_EncodePurchase(benchmark::State& state) {
    const Message message = testing::purchaseRequest();
    for (auto _ : state) {
        Bytes body = encode(message);
        benchmark::DoNotOptimize(body);
    }
}
BENCHMARK(BM_EncodePurchase);

void BM_EncodePurchaseIntoReusedBuffer(benchmark::State& state) {
    const Message message = testing::purchaseRequest();
    Bytes body;
    body.reserve(kFrameBodyBytesMaxPossible);
    for (auto _ : state) {
        body.clear();
        encodeTo(message, body);
        benchmark::DoNotOptimize(body.data());
    }
}
BENCHMARK(BM_EncodePurchaseIntoReusedBuffer);

void BM_FrameDecodeCheckPurchase(benchmark::State& state) {
    const Bytes frame = encodeFrame(testing::purchaseRequest());
    const CodecLimits limits{};
    FrameReader reader(limits);
    for (auto _ : state) {
        auto consumed = reader.feed(frame);
        benchmark::DoNotOptimize(consumed);
        auto message = decode(reader.frame(), limits);
        auto status = checkMandatory(*message);
        benchmark::DoNotOptimize(status);
        reader.pop();
    }
}
BENCHMARK(BM_FrameDecodeCheckPurchase);

}  // namespace
}  // namespace yika::iso8583

BENCHMARK_MAIN();
