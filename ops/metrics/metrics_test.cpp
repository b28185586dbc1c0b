#include "ops/metrics/metrics.h"

#include "ops/metrics/yika_metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace yika::metrics {
namespace {

TEST(Metrics, CountersAddAcrossThreads) {
    Counter counter;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 10000; ++i) counter.add();
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(counter.value(), 40000u);
}

TEST(Metrics, HistogramPutsEachValueInTheFirstBucketAtOrAboveIt) {
    Histogram h{10, 100};
    h.observe(0);
    h.observe(10);
    h.observe(11);
    h.observe(1000);
    EXPECT_EQ(h.bucket(0), 2u);
    EXPECT_EQ(h.bucket(1), 1u);
    EXPECT_EQ(h.bucket(2), 1u);  // +Inf
    EXPECT_EQ(h.count(), 4u);
    EXPECT_EQ(h.sum(), 1021u);
}

TEST(Metrics, LabeledCounterCountsUnknownLabelsAsOther) {
    LabeledCounter c{"00", "51"};
    c.add("51");
    c.add("99");
    EXPECT_EQ(c.value(c.slot("51")), 1u);
    EXPECT_EQ(c.value(c.slot("00")), 0u);
    EXPECT_EQ(c.label(c.slot("99")), "other");
    EXPECT_EQ(c.value(c.slot("99")), 1u);
}

TEST(Metrics, HistogramRendersCumulativeBucketsInPrometheusText) {
    Histogram h{1000, 2000};
    h.observe(500);
    h.observe(1500);
    h.observe(5000);
    std::string out;
    writeHistogram(out, "x_seconds", "p=\"a\"", h, 1e6);
    EXPECT_EQ(out,
              "x_seconds_bucket{p=\"a\",le=\"0.001\"} 1\n"
              "x_seconds_bucket{p=\"a\",le=\"0.002\"} 2\n"
              "x_seconds_bucket{p=\"a\",le=\"+Inf\"} 3\n"
              "x_seconds_sum{p=\"a\"} 0.007\n"
              "x_seconds_count{p=\"a\"} 3\n");
}

TEST(Metrics, ExpositionNamesEveryFamilyAndExtraLines) {
    YikaMetrics m;
    m.iso8583.answered("00", 300);
    m.http.answered("503", 100);
    m.commit_batch_ops.observe(7);
    m.dayClose().observe(1500);
    std::string text =
        renderPrometheus(m, {[](std::string& out) { writeSample(out, "yika_extra", {}, 3); }});
    EXPECT_NE(text.find("yika_requests_total{protocol=\"iso8583\",code=\"00\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("yika_requests_total{protocol=\"http\",status=\"503\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("yika_commit_batch_operations_bucket{le=\"8\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find("yika_day_close_duration_seconds_sum 1.5\n"), std::string::npos);
    EXPECT_NE(text.find("yika_extra 3\n"), std::string::npos);
    EXPECT_NE(text.find("# TYPE yika_request_duration_seconds histogram\n"), std::string::npos);
}

}  // namespace
}  // namespace yika::metrics
