#pragma once

// Structured logs: one JSON object per line, on stderr (journald under systemd) or appended to
// the file log.file names.
//
//   {"ts":"2026-11-23T18:52:43.123Z","level":"info","event":"serving","pos_port":"5858"}
//
// Every line has ts (UTC, milliseconds), level and event (a stable snake_case name to alert
// on); the rest are the caller's fields, all strings. Request lines carry request_id
// (ISO 8583: "<tid>:<batch>:<trace>"; HTTP: the terminal's nonce).
//
// Secrets: callers never pass a PIN, a key or a card number. As a second line of defence every
// value is scrubbed: a run of 13 or more digits (a card number's length) is masked to its first
// 6 and last 4 digits.
//
// Thread-safety: every function may be called from any thread; each line is written with one
// write(2), so lines from different threads never interleave.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace yika::logs {

enum class Level { Debug, Info, Warn, Error };

using Field = std::pair<std::string_view, std::string_view>;

std::optional<Level> parseLevel(std::string_view text);  // "debug", "info", "warn", "error"

// Sets the threshold and destination: an empty `file` is stderr. Returns an error text if the
// file cannot be opened (the previous destination stays). Call before the threads start.
std::optional<std::string> configure(Level threshold, const std::string& file);

bool enabled(Level level) noexcept;
void write(Level level, std::string_view event, std::initializer_list<Field> fields = {});

inline void debug(std::string_view event, std::initializer_list<Field> fields = {}) {
    if (enabled(Level::Debug)) write(Level::Debug, event, fields);
}
inline void info(std::string_view event, std::initializer_list<Field> fields = {}) {
    write(Level::Info, event, fields);
}
inline void warn(std::string_view event, std::initializer_list<Field> fields = {}) {
    write(Level::Warn, event, fields);
}
inline void error(std::string_view event, std::initializer_list<Field> fields = {}) {
    write(Level::Error, event, fields);
}

// The JSON line write() emits (without the trailing newline), for tests. `ts_ms`: Unix ms.
std::string formatLine(long long ts_ms, Level level, std::string_view event,
                       std::initializer_list<Field> fields);

// `text` with every run of 13 or more digits masked to its first 6 and last 4 digits.
std::string scrubCardNumbers(std::string_view text);

}  // namespace yika::logs
