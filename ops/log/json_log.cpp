#include "ops/log/json_log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

#include <fcntl.h>
#include <unistd.h>

namespace yika::logs {

namespace {

std::atomic<int> g_threshold{static_cast<int>(Level::Info)};
std::atomic<int> g_fd{STDERR_FILENO};

constexpr std::size_t kCardDigitsMin = 13;

std::string_view levelName(Level level) {
    switch (level) {
        case Level::Debug:
            return "debug";
        case Level::Info:
            return "info";
        case Level::Warn:
            return "warn";
        case Level::Error:
            return "error";
    }
    return "info";
}

void appendEscaped(std::string& out, std::string_view text) {
    for (char ch : text) {
        switch (ch) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(ch) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(ch));
                    out += buf;
                } else {
                    out += ch;
                }
        }
    }
}

void appendTimestamp(std::string& out, long long ts_ms) {
    std::time_t seconds = static_cast<std::time_t>(ts_ms / 1000);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char buf[40];
    std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
    out.append(buf, n);
    std::snprintf(buf, sizeof buf, ".%03lldZ", ts_ms % 1000);
    out += buf;
}

}  // namespace

std::optional<Level> parseLevel(std::string_view text) {
    for (Level level : {Level::Debug, Level::Info, Level::Warn, Level::Error}) {
        if (levelName(level) == text) return level;
    }
    return std::nullopt;
}

std::optional<std::string> configure(Level threshold, const std::string& file) {
    if (!file.empty()) {
        int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (fd < 0) return "cannot open log file " + file;
        int old = g_fd.exchange(fd);
        if (old != STDERR_FILENO) ::close(old);
    }
    g_threshold.store(static_cast<int>(threshold), std::memory_order_relaxed);
    return std::nullopt;
}

bool enabled(Level level) noexcept {
    return static_cast<int>(level) >= g_threshold.load(std::memory_order_relaxed);
}

std::string scrubCardNumbers(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t j = i;
        while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
        if (j == i) {
            out += text[i++];
            continue;
        }
        std::string_view digits = text.substr(i, j - i);
        if (digits.size() >= kCardDigitsMin) {
            out += digits.substr(0, 6);
            out.append(digits.size() - 10, '*');
            out += digits.substr(digits.size() - 4);
        } else {
            out += digits;
        }
        i = j;
    }
    return out;
}

std::string formatLine(long long ts_ms, Level level, std::string_view event,
                       std::initializer_list<Field> fields) {
    std::string line;
    line.reserve(128);
    line += "{\"ts\":\"";
    appendTimestamp(line, ts_ms);
    line += "\",\"level\":\"";
    line += levelName(level);
    line += "\",\"event\":\"";
    appendEscaped(line, event);
    line += '"';
    for (const auto& [key, value] : fields) {
        line += ",\"";
        appendEscaped(line, key);
        line += "\":\"";
        appendEscaped(line, scrubCardNumbers(value));
        line += '"';
    }
    line += '}';
    return line;
}

void write(Level level, std::string_view event, std::initializer_list<Field> fields) {
    if (!enabled(level)) return;
    long long now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    std::string line = formatLine(now_ms, level, event, fields);
    line += '\n';
    // One write: lines from different threads never interleave (O_APPEND for files).
    ssize_t written = ::write(g_fd.load(std::memory_order_relaxed), line.data(), line.size());
    (void)written;  // nowhere left to report a failed log write
}

}  // namespace yika::logs
