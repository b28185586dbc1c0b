#include "ops/metrics/metrics.h"

#include "card_core/domain/assert.h"

#include <charconv>
#include <cstdio>

namespace yika::metrics {

Histogram::Histogram(std::initializer_list<std::uint64_t> upper_bounds) {
    YIKA_ASSERT(upper_bounds.size() >= 1 && upper_bounds.size() <= kBucketsMax);
    for (std::uint64_t bound : upper_bounds) {
        YIKA_ASSERT(size_ == 0 || bound > bounds_[size_ - 1]);
        bounds_[size_++] = bound;
    }
}

std::uint64_t Histogram::count() const {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i <= size_; ++i) total += bucket(i);
    return total;
}

LabeledCounter::LabeledCounter(std::initializer_list<std::string_view> labels) {
    YIKA_ASSERT(labels.size() <= kLabelsMax);
    for (std::string_view label : labels) labels_[size_++] = label;
}

std::size_t LabeledCounter::slot(std::string_view label) const noexcept {
    for (std::size_t i = 0; i < size_; ++i) {
        if (labels_[i] == label) return i;
    }
    return size_;
}

namespace {

void appendNumber(std::string& out, double value) {
    char buf[64];
    // Integers print exactly (counters stay exact up to 2^53); fractions with enough digits.
    // The range check comes first: converting a double beyond int64 is undefined.
    constexpr double kExactMax = 9e15;  // below 2^53
    const bool whole = value > -kExactMax && value < kExactMax &&
                       value == static_cast<double>(static_cast<std::int64_t>(value));
    int n = whole ? std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(value))
                  : std::snprintf(buf, sizeof buf, "%.9g", value);
    out.append(buf, static_cast<std::size_t>(n));
}

void appendLabels(std::string& out, std::string_view labels, std::string_view extra) {
    if (labels.empty() && extra.empty()) return;
    out += '{';
    out += labels;
    if (!labels.empty() && !extra.empty()) out += ',';
    out += extra;
    out += '}';
}

}  // namespace

void writeHelp(std::string& out, std::string_view name, std::string_view type,
               std::string_view help) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

void writeSample(std::string& out, std::string_view name, std::string_view labels, double value) {
    out += name;
    appendLabels(out, labels, {});
    out += ' ';
    appendNumber(out, value);
    out += '\n';
}

void writeHistogram(std::string& out, std::string_view name, std::string_view labels,
                    const Histogram& histogram, double scale) {
    std::uint64_t cumulative = 0;
    std::string bucket_name = std::string(name) + "_bucket";
    for (std::size_t i = 0; i <= histogram.bucketCount(); ++i) {
        cumulative += histogram.bucket(i);
        std::string le = "le=\"";
        if (i == histogram.bucketCount()) {
            le += "+Inf";
        } else {
            appendNumber(le, static_cast<double>(histogram.upperBound(i)) / scale);
        }
        le += '"';
        out += bucket_name;
        appendLabels(out, labels, le);
        out += ' ';
        appendNumber(out, static_cast<double>(cumulative));
        out += '\n';
    }
    writeSample(out, std::string(name) + "_sum", labels,
                static_cast<double>(histogram.sum()) / scale);
    writeSample(out, std::string(name) + "_count", labels, static_cast<double>(cumulative));
}

}  // namespace yika::metrics
