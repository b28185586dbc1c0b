#pragma once

// A small lock-free metrics registry for Prometheus (docs/operations.md, "Metrics").
//
// Counting is a relaxed atomic add on memory allocated at start: no lock, no allocation, no
// system call, so the purchase path can count every request. Reading (a scrape) takes relaxed
// loads, so a snapshot is not mutually consistent across metrics (a histogram's _count may lag
// its buckets by the requests in progress); Prometheus tolerates that, and nothing that needs
// consistency (money) is ever read from here.
//
// Thread-safety: every method of every type here may be called from any thread.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace yika::metrics {

// A monotonic count.
class Counter {
  public:
    void add(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down (open connections, requests in progress).
class Gauge {
  public:
    void add(std::int64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    void sub(std::int64_t n = 1) noexcept { value_.fetch_sub(n, std::memory_order_relaxed); }
    void set(std::int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
    std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<std::int64_t> value_{0};
};

// A histogram with at most kBucketsMax fixed upper bounds (ascending, in the unit the caller
// observes: microseconds, operations) plus +Inf.
class Histogram {
  public:
    static constexpr std::size_t kBucketsMax = 16;

    // Precondition (asserted): 1..kBucketsMax strictly ascending bounds.
    Histogram(std::initializer_list<std::uint64_t> upper_bounds);

    // Linear scan over at most 16 bounds: cheaper than a binary search at this size.
    void observe(std::uint64_t value) noexcept {
        std::size_t i = 0;
        while (i < size_ && value > bounds_[i]) ++i;
        counts_[i].fetch_add(1, std::memory_order_relaxed);
        sum_.fetch_add(value, std::memory_order_relaxed);
    }

    std::size_t bucketCount() const { return size_; }  // finite buckets
    std::uint64_t upperBound(std::size_t i) const { return bounds_[i]; }
    // Observations in bucket i alone (not cumulative); i == bucketCount() is +Inf.
    std::uint64_t bucket(std::size_t i) const { return counts_[i].load(std::memory_order_relaxed); }
    std::uint64_t sum() const { return sum_.load(std::memory_order_relaxed); }
    std::uint64_t count() const;

  private:
    std::array<std::uint64_t, kBucketsMax> bounds_{};
    std::size_t size_ = 0;
    std::array<std::atomic<std::uint64_t>, kBucketsMax + 1> counts_{};
    std::atomic<std::uint64_t> sum_{0};
};

// Counters keyed by a label value from a fixed list given at construction (ISO 8583 response
// codes, HTTP statuses); values outside the list count under "other".
class LabeledCounter {
  public:
    static constexpr std::size_t kLabelsMax = 31;

    // Precondition (asserted): at most kLabelsMax labels; the views must outlive the object
    // (string literals).
    explicit LabeledCounter(std::initializer_list<std::string_view> labels);

    void add(std::string_view label, std::uint64_t n = 1) noexcept { at(slot(label)).add(n); }
    std::size_t slot(std::string_view label) const noexcept;
    Counter& at(std::size_t slot) noexcept { return counters_[slot]; }

    std::size_t size() const { return size_ + 1; }  // with "other"
    std::string_view label(std::size_t slot) const {
        return slot < size_ ? labels_[slot] : std::string_view("other");
    }
    std::uint64_t value(std::size_t slot) const { return counters_[slot].value(); }

  private:
    std::array<std::string_view, kLabelsMax> labels_{};
    std::size_t size_ = 0;
    std::array<Counter, kLabelsMax + 1> counters_{};
};

// Prometheus text exposition format 0.0.4 writers. `scale` divides histogram bounds and sums
// for display (1e6: microseconds shown as seconds); `labels` is an extra label set such as
// `protocol="iso8583"` (without braces), or empty.
void writeHelp(std::string& out, std::string_view name, std::string_view type,
               std::string_view help);
void writeSample(std::string& out, std::string_view name, std::string_view labels, double value);
void writeHistogram(std::string& out, std::string_view name, std::string_view labels,
                    const Histogram& histogram, double scale);

}  // namespace yika::metrics
