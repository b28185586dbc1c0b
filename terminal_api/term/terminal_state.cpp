#include "terminal_api/term/terminal_state.h"

#include "card_core/domain/assert.h"
#include "crypto/hex.h"
#include "terminal_api/term/requests.h"

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace yika::term {

namespace {

using T = iso8583::TransactionType;

constexpr std::string_view kVersion = "1";
constexpr std::size_t kStateLinesMax = kStateTransactionsMax + 32;
constexpr std::size_t kTxnFieldCount = 16;
constexpr char kSeparator = '|';

struct TypeName {
    T type;
    std::string_view name;
};
constexpr std::array<TypeName, 8> kTypeNames = {{
    {T::BalanceInquiry, "balance"},
    {T::Purchase, "purchase"},
    {T::PurchaseVoid, "void"},
    {T::Refund, "refund"},
    {T::PreAuth, "preauth"},
    {T::PreAuthCancel, "preauth-cancel"},
    {T::PreAuthCompletion, "completion"},
    {T::PreAuthCompletionVoid, "completion-void"},
}};

constexpr std::array<std::pair<TxnStatus, std::string_view>, 6> kStatusNames = {{
    {TxnStatus::Sent, "sent"},
    {TxnStatus::Approved, "approved"},
    {TxnStatus::Declined, "declined"},
    {TxnStatus::Reversed, "reversed"},
    {TxnStatus::Voided, "voided"},
    {TxnStatus::MacFailed, "mac-failed"},
}};

std::string_view typeName(T type) {
    for (const TypeName& entry : kTypeNames) {
        if (entry.type == type) {
            return entry.name;
        }
    }
    YIKA_ASSERT(false);  // Only card transactions are recorded.
    return {};
}

std::optional<T> parseTypeName(std::string_view name) {
    for (const TypeName& entry : kTypeNames) {
        if (entry.name == name) {
            return entry.type;
        }
    }
    return std::nullopt;
}

std::optional<TxnStatus> parseStatus(std::string_view name) {
    for (const auto& [status, text] : kStatusNames) {
        if (text == name) {
            return status;
        }
    }
    return std::nullopt;
}

template <typename Integer>
std::optional<Integer> parseNumber(std::string_view text) {
    Integer value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    for (;;) {
        const std::size_t at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos) {
            return parts;
        }
        text.remove_prefix(at + 1);
    }
}

bool isDigits(std::string_view text, std::size_t size_min, std::size_t size_max) {
    if (text.size() < size_min || text.size() > size_max) {
        return false;
    }
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

// A value that must fit between separators on one line.
bool isPlainValue(std::string_view text) {
    for (const char c : text) {
        if (c < 0x20 || c > 0x7e || c == kSeparator) {
            return false;
        }
    }
    return true;
}

std::string serializeTxn(const TxnRecord& r) {
    std::string line = "txn=";
    const std::array<std::string, kTxnFieldCount> fields = {
        std::to_string(r.trace),
        std::string(typeName(r.type)),
        std::string(toString(r.status)),
        r.batch,
        r.pan,
        std::to_string(r.amount_minor),
        r.pin_entered ? "1" : "0",
        r.sent_rrn,
        r.sent_auth_id,
        r.sent_original_data,
        std::to_string(r.original_trace),
        r.rrn,
        r.auth_id,
        r.date,
        r.time,
        r.response_code,
    };
    for (std::size_t i = 0; i < fields.size(); ++i) {
        YIKA_ASSERT(isPlainValue(fields[i]));
        line += (i == 0 ? "" : "|") + fields[i];
    }
    return line + "\n";
}

std::optional<TxnRecord> parseTxn(std::string_view value) {
    const auto f = split(value, kSeparator);
    if (f.size() != kTxnFieldCount) {
        return std::nullopt;
    }
    TxnRecord r;
    const auto trace = parseNumber<std::uint32_t>(f[0]);
    const auto type = parseTypeName(f[1]);
    const auto status = parseStatus(f[2]);
    const auto amount = parseNumber<std::int64_t>(f[5]);
    const auto original_trace = parseNumber<std::uint32_t>(f[10]);
    if (!trace || *trace == 0 || *trace > kTraceMax || !type || !status || !isDigits(f[3], 6, 6) ||
        !isDigits(f[4], 13, 19) || !amount || *amount < 0 || (f[6] != "0" && f[6] != "1") ||
        !original_trace || *original_trace > kTraceMax) {
        return std::nullopt;
    }
    r.trace = *trace;
    r.type = *type;
    r.status = *status;
    r.batch = f[3];
    r.pan = f[4];
    r.amount_minor = *amount;
    r.pin_entered = f[6] == "1";
    r.sent_rrn = f[7];
    r.sent_auth_id = f[8];
    r.sent_original_data = f[9];
    r.original_trace = *original_trace;
    r.rrn = f[11];
    r.auth_id = f[12];
    r.date = f[13];
    r.time = f[14];
    r.response_code = f[15];
    return r;
}

std::optional<iso8583::SettlementTotals> parseTotals(std::string_view value) {
    const auto f = split(value, kSeparator);
    if (f.size() != 4) {
        return std::nullopt;
    }
    const auto debit = parseNumber<std::int64_t>(f[0]);
    const auto debit_count = parseNumber<std::uint32_t>(f[1]);
    const auto credit = parseNumber<std::int64_t>(f[2]);
    const auto credit_count = parseNumber<std::uint32_t>(f[3]);
    if (!debit || !debit_count || !credit || !credit_count) {
        return std::nullopt;
    }
    return iso8583::SettlementTotals{*debit, *debit_count, *credit, *credit_count, 0};
}

Error lineError(std::size_t line_number, std::string_view what) {
    return makeError(ErrorCode::InvalidArgument,
                     "state file line " + std::to_string(line_number) + ": " + std::string(what));
}

// Applies one "key=value" line; false if the key is unknown or the value malformed.
bool applyLine(TerminalState& state, std::string_view key, std::string_view value) {
    if (key == "version") {
        return value == kVersion;
    }
    if (key == "tid") {
        state.tid = value;
        return value.size() == crypto::kTerminalIdChars;
    }
    if (key == "batch" || key == "next_trace") {
        const auto number = parseNumber<std::uint32_t>(value);
        if (!number || *number == 0 || *number > kTraceMax) {
            return false;
        }
        (key == "batch" ? state.batch : state.next_trace) = *number;
        return true;
    }
    if (key == "session_nonce") {
        crypto::SessionNonce nonce{};
        if (!crypto::fromHexInto(value, nonce)) {
            return false;
        }
        state.session_nonce = nonce;
        return true;
    }
    if (key == "session_tmk_kcv") {
        state.session_tmk_kcv = value;
        return isPlainValue(value);
    }
    if (key == "totals") {
        const auto totals = parseTotals(value);
        state.totals = totals.value_or(iso8583::SettlementTotals{});
        return totals.has_value();
    }
    if (key == "txn") {
        auto record = parseTxn(value);
        if (!record || state.transactions.size() >= kStateTransactionsMax) {
            return false;
        }
        state.transactions.push_back(std::move(*record));
        return true;
    }
    return false;
}

Error storageError(const std::string& what, const std::string& path) {
    return makeError(ErrorCode::StorageUnavailable,
                     what + " " + path + ": " + std::string(std::strerror(errno)));
}

}  // namespace

std::string_view toString(TxnStatus status) {
    for (const auto& [value, text] : kStatusNames) {
        if (value == status) {
            return text;
        }
    }
    return "unknown";
}

TerminalState freshState(std::string_view tid) {
    TerminalState state;
    state.tid = tid;
    return state;
}

std::uint32_t takeTrace(TerminalState& state) {
    const std::uint32_t trace = state.next_trace;
    state.next_trace = nextTrace(trace);
    return trace;
}

void addTransaction(TerminalState& state, TxnRecord record) {
    if (state.transactions.size() >= kStateTransactionsMax) {
        state.transactions.erase(state.transactions.begin());
    }
    state.transactions.push_back(std::move(record));
}

TxnRecord* findTransaction(TerminalState& state, std::uint32_t trace) {
    for (auto it = state.transactions.rbegin(); it != state.transactions.rend(); ++it) {
        if (it->trace == trace) {
            return &*it;
        }
    }
    return nullptr;
}

TxnRecord* findPreAuth(TerminalState& state, std::string_view auth_id) {
    for (auto it = state.transactions.rbegin(); it != state.transactions.rend(); ++it) {
        if (it->type == T::PreAuth && it->status == TxnStatus::Approved && it->auth_id == auth_id) {
            return &*it;
        }
    }
    return nullptr;
}

void applyToTotals(TerminalState& state, const TxnRecord& record, int sign) {
    YIKA_ASSERT(sign == 1 || sign == -1);
    iso8583::SettlementTotals& t = state.totals;
    const std::int64_t amount = sign * record.amount_minor;
    switch (totalsEffect(record.type)) {
        case TotalsEffect::None:
            return;
        case TotalsEffect::Debit:
            t.debit_amount_minor += amount;
            t.debit_count =
                static_cast<std::uint32_t>(static_cast<std::int64_t>(t.debit_count) + sign);
            return;
        case TotalsEffect::VoidDebit:
            t.debit_amount_minor -= amount;
            t.debit_count =
                static_cast<std::uint32_t>(static_cast<std::int64_t>(t.debit_count) - sign);
            return;
        case TotalsEffect::Credit:
            t.credit_amount_minor += amount;
            t.credit_count =
                static_cast<std::uint32_t>(static_cast<std::int64_t>(t.credit_count) + sign);
            return;
    }
}

void closeBatch(TerminalState& state) {
    const std::string closed = sixDigits(state.batch);
    state.batch = nextBatch(state.batch);
    state.totals = iso8583::SettlementTotals{};
    std::erase_if(state.transactions, [&](const TxnRecord& r) { return r.batch == closed; });
}

std::string serializeState(const TerminalState& state) {
    YIKA_ASSERT(isPlainValue(state.tid));
    std::string text =
        "# yika-term state. Mode 0600: holds the full card numbers of recent transactions.\n";
    text += "version=" + std::string(kVersion) + "\n";
    text += "tid=" + state.tid + "\n";
    text += "batch=" + std::to_string(state.batch) + "\n";
    text += "next_trace=" + std::to_string(state.next_trace) + "\n";
    if (state.session_nonce) {
        text += "session_nonce=" + crypto::toHex(*state.session_nonce) + "\n";
        text += "session_tmk_kcv=" + state.session_tmk_kcv + "\n";
    }
    const iso8583::SettlementTotals& t = state.totals;
    text += "totals=" + std::to_string(t.debit_amount_minor) + "|" + std::to_string(t.debit_count) +
            "|" + std::to_string(t.credit_amount_minor) + "|" + std::to_string(t.credit_count) +
            "\n";
    for (const TxnRecord& record : state.transactions) {
        text += serializeTxn(record);
    }
    return text;
}

Result<TerminalState> parseState(std::string_view text) {
    TerminalState state;
    bool saw_version = false;
    std::size_t line_number = 0;
    while (!text.empty()) {
        ++line_number;
        if (line_number > kStateLinesMax) {
            return lineError(line_number, "too many lines");
        }
        const std::size_t end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        if (line.empty() || line.front() == '#') {
            continue;
        }
        const std::size_t equals = line.find('=');
        if (equals == std::string_view::npos) {
            return lineError(line_number, "expected key=value");
        }
        const std::string_view key = line.substr(0, equals);
        if (!applyLine(state, key, line.substr(equals + 1))) {
            return lineError(line_number, "bad or unknown entry '" + std::string(key) + "'");
        }
        saw_version = saw_version || key == "version";
    }
    if (!saw_version || state.tid.empty()) {
        return makeError(ErrorCode::InvalidArgument, "state file: no version or tid line");
    }
    return state;
}

std::string defaultStatePath(std::string_view tid) {
    std::string name(tid);
    for (char& c : name) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        c = ok ? c : '_';
    }
    return "./yika-term-" + name + ".state";
}

Result<TerminalState> loadState(const std::string& path, std::string_view tid) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            return freshState(tid);
        }
        return storageError("cannot open", path);
    }
    std::string text;
    std::array<char, 4096> chunk;
    for (;;) {
        const ssize_t got = ::read(fd, chunk.data(), chunk.size());
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            const Error error = storageError("cannot read", path);
            ::close(fd);
            return error;
        }
        if (got == 0) {
            break;
        }
        text.append(chunk.data(), static_cast<std::size_t>(got));
        if (text.size() > kStateFileBytesMax) {
            ::close(fd);
            return makeError(ErrorCode::InvalidArgument, path + ": larger than the state limit");
        }
    }
    ::close(fd);
    auto state = parseState(text);
    if (!state) {
        return makeError(ErrorCode::InvalidArgument, path + ": " + state.error().detail);
    }
    if (state->tid != tid) {
        return makeError(ErrorCode::InvalidArgument, path + " belongs to terminal '" + state->tid +
                                                         "', not '" + std::string(tid) + "'");
    }
    return state;
}

Status saveState(const std::string& path, const TerminalState& state) {
    const std::string text = serializeState(state);
    const std::string temporary = path + ".tmp";
    ::unlink(temporary.c_str());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        return storageError("cannot create", temporary);
    }
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            const Error error = storageError("cannot write", temporary);
            ::close(fd);
            ::unlink(temporary.c_str());
            return error;
        }
        written += static_cast<std::size_t>(n);
    }
    // The umask may have narrowed the mode further, never widened it; fchmod makes it exact.
    if (::fchmod(fd, 0600) != 0 || ::fsync(fd) != 0) {
        const Error error = storageError("cannot sync", temporary);
        ::close(fd);
        ::unlink(temporary.c_str());
        return error;
    }
    ::close(fd);
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        const Error error = storageError("cannot replace", path);
        ::unlink(temporary.c_str());
        return error;
    }
    return Ok{};
}

}  // namespace yika::term
