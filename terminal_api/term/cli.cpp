#include "terminal_api/term/cli.h"

#include "crypto/hex.h"
#include "terminal_api/term/commands.h"
#include "terminal_api/term/load_files.h"
#include "terminal_api/term/load_generator.h"
#include "terminal_api/term/terminal_state.h"

#include <array>
#include <charconv>
#include <cstdlib>
#include <ostream>

namespace yika::term {

namespace {

constexpr std::string_view kTmkEnvironment = "YIKA_TERM_TMK";

struct CommandSpec {
    std::string_view name;
    std::vector<std::string> required;
    std::vector<std::string> optional;
};

const std::vector<std::string> kTerminalRequired = {"--port", "--tid", "--mid"};
const std::vector<std::string> kTerminalOptional = {"--host", "--tmk", "--state", "--timeout-ms"};

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

const std::vector<CommandSpec>& commandSpecs() {
    static const std::vector<CommandSpec> specs = {
        {"sign-on", kTerminalRequired, kTerminalOptional},
        {"echo", kTerminalRequired, kTerminalOptional},
        {"balance", concat(kTerminalRequired, {"--pan"}), concat(kTerminalOptional, {"--pin"})},
        {"purchase", concat(kTerminalRequired, {"--pan", "--amount"}),
         concat(kTerminalOptional, {"--pin"})},
        {"preauth", concat(kTerminalRequired, {"--pan", "--amount"}),
         concat(kTerminalOptional, {"--pin"})},
        {"void", concat(kTerminalRequired, {"--trace"}), kTerminalOptional},
        {"refund", concat(kTerminalRequired, {"--trace", "--amount"}), kTerminalOptional},
        {"reversal", concat(kTerminalRequired, {"--trace"}),
         concat(kTerminalOptional, {"--reason"})},
        {"complete", concat(kTerminalRequired, {"--auth-id", "--amount"}), kTerminalOptional},
        {"settle", kTerminalRequired, kTerminalOptional},
        {"status", {"--tid"}, concat(kTerminalOptional, {"--port", "--mid"})},
        {"load",
         {"--port", "--terminals", "--cards", "--connections", "--duration"},
         {"--host", "--rate", "--inflight", "--pin-every", "--idle-connections", "--timeout-ms",
          "--setup-timeout-ms", "--connect-concurrency", "--seed"}},
    };
    return specs;
}

const CommandSpec* findSpec(std::string_view name) {
    for (const CommandSpec& spec : commandSpecs()) {
        if (spec.name == name) {
            return &spec;
        }
    }
    return nullptr;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
    for (const std::string& entry : list) {
        if (entry == item) {
            return true;
        }
    }
    return false;
}

Error usageError(std::string detail) {
    return makeError(ErrorCode::InvalidArgument, std::move(detail));
}

template <typename Integer>
std::optional<Integer> parseInteger(const std::string& text, Integer min, Integer max) {
    Integer value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
        return std::nullopt;
    }
    return value;
}

// "10", "2.5" or "0.250" seconds as milliseconds.
std::optional<std::chrono::milliseconds> parseSeconds(const std::string& text) {
    const std::size_t dot = text.find('.');
    const auto whole = parseInteger<std::int64_t>(text.substr(0, dot), 0, 86'400);
    std::int64_t fraction_ms = 0;
    if (dot != std::string::npos) {
        const std::string fraction = text.substr(dot + 1);
        const auto digits = parseInteger<std::int64_t>(fraction, 0, 999);
        if (!digits || fraction.empty() || fraction.size() > 3) {
            return std::nullopt;
        }
        fraction_ms = *digits * (fraction.size() == 1 ? 100 : fraction.size() == 2 ? 10 : 1);
    }
    if (!whole) {
        return std::nullopt;
    }
    return std::chrono::milliseconds(*whole * 1000 + fraction_ms);
}

// Shared by both kinds of command: --port and --timeout-ms.
Status readNetworkOptions(const CommandLine& line, std::uint16_t& port, int& timeout_ms) {
    if (const auto text = line.value("--port")) {
        const auto value = parseInteger<std::uint16_t>(*text, 1, 65535);
        if (!value) {
            return usageError("--port must be 1-65535");
        }
        port = *value;
    }
    if (const auto text = line.value("--timeout-ms")) {
        const auto value = parseInteger<int>(*text, 1, 3'600'000);
        if (!value) {
            return usageError("--timeout-ms must be 1-3600000");
        }
        timeout_ms = *value;
    }
    return Ok{};
}

Result<TermConfig> terminalConfig(const CommandLine& line) {
    TermConfig config;
    YIKA_TRY(readNetworkOptions(line, config.port, config.timeout_ms));
    config.host = line.value("--host").value_or(config.host);
    config.tid = line.value("--tid").value_or("");
    config.mid = line.value("--mid").value_or(std::string(kMerchantIdChars, ' '));
    config.state_path = line.value("--state").value_or(defaultStatePath(config.tid));
    config.hex = line.flag("--hex");
    if (config.tid.size() != crypto::kTerminalIdChars) {
        return usageError("--tid must be 8 characters");
    }
    if (config.mid.size() != kMerchantIdChars) {
        return usageError("--mid must be 15 characters");
    }
    std::string tmk_hex = line.value("--tmk").value_or("");
    if (tmk_hex.empty()) {
        const char* from_environment = std::getenv(std::string(kTmkEnvironment).c_str());
        tmk_hex = from_environment == nullptr ? "" : from_environment;
    }
    const bool needs_tmk = line.command != "echo" && line.command != "status";
    if (!tmk_hex.empty()) {
        config.tmk = crypto::SecureBuffer(crypto::kTerminalMasterKeyBytes);
        const bool ok = crypto::fromHexInto(tmk_hex, config.tmk.span());
        wipe(tmk_hex);
        if (!ok) {
            return usageError("--tmk must be 32 hex digits");
        }
    } else if (needs_tmk) {
        return usageError("--tmk (or the environment variable YIKA_TERM_TMK) is required");
    }
    return config;
}

Result<LoadOptions> loadOptions(const CommandLine& line) {
    LoadOptions o;
    YIKA_TRY(readNetworkOptions(line, o.port, o.timeout_ms));
    o.host = line.value("--host").value_or(o.host);
    struct Count {
        const char* name;
        std::size_t& target;
        std::size_t min;
        std::size_t max;
    };
    const std::array<Count, 5> counts = {{
        {"--connections", o.connections, 1, kLoadConnectionsMax},
        {"--idle-connections", o.idle_connections, 0, kLoadConnectionsMax},
        {"--inflight", o.inflight, 1, kLoadInflightMax},
        {"--pin-every", o.pin_every, 0, 1'000'000},
        {"--connect-concurrency", o.connect_concurrency, 1, kLoadConnectConcurrencyMax},
    }};
    for (const Count& count : counts) {
        if (const auto text = line.value(count.name)) {
            const auto value = parseInteger<std::size_t>(*text, count.min, count.max);
            if (!value) {
                return usageError(std::string(count.name) + " must be " +
                                  std::to_string(count.min) + "-" + std::to_string(count.max));
            }
            count.target = *value;
        }
    }
    const auto duration = parseSeconds(line.value("--duration").value_or(""));
    if (!duration || duration->count() == 0) {
        return usageError("--duration must be a positive number of seconds, like 10 or 2.5");
    }
    o.duration = *duration;
    if (const auto text = line.value("--rate")) {
        const auto rate = parseInteger<std::uint64_t>(*text, 1, 10'000'000);
        if (!rate) {
            return usageError("--rate must be 1-10000000 requests per second");
        }
        o.rate_per_second = *rate;
    }
    if (const auto text = line.value("--setup-timeout-ms")) {
        const auto value = parseInteger<int>(*text, 1, 3'600'000);
        if (!value) {
            return usageError("--setup-timeout-ms must be 1-3600000");
        }
        o.setup_timeout_ms = *value;
    }
    if (const auto text = line.value("--seed")) {
        const auto seed = parseInteger<std::uint64_t>(*text, 1, UINT64_MAX);
        if (!seed) {
            return usageError("--seed must be a positive integer");
        }
        o.seed = *seed;
    }
    return o;
}

int runLoadCommand(const CommandLine& line, std::ostream& out, std::ostream& err) {
    auto options = loadOptions(line);
    if (!options) {
        err << "yika-term: " << options.error().detail << "\n";
        return kExitUsage;
    }
    auto terminals_text = readWholeFile(*line.value("--terminals"));
    if (!terminals_text) {
        err << "yika-term: " << terminals_text.error().detail << "\n";
        return kExitUsage;
    }
    auto terminals = parseTerminals(*terminals_text);
    wipe(*terminals_text);
    auto cards_text = readWholeFile(*line.value("--cards"));
    if (!terminals || !cards_text) {
        err << "yika-term: " << (!terminals ? terminals.error().detail : cards_text.error().detail)
            << "\n";
        return kExitUsage;
    }
    auto cards = parseCards(*cards_text);
    wipe(*cards_text);
    if (!cards) {
        err << "yika-term: " << cards.error().detail << "\n";
        return kExitUsage;
    }
    const Status checked = checkLoadOptions(*options, terminals->size());
    if (!checked) {
        err << "yika-term: " << checked.error().detail << "\n";
        return kExitUsage;
    }
    auto report = runLoad(*options, *terminals, *cards, &err);
    if (!report) {
        err << "yika-term: " << report.error().detail << "\n";
        return kExitUsage;
    }
    out << formatLoadReport(*report);
    return report->active_signed_on > 0 ? kExitOk : kExitNoAnswer;
}

}  // namespace

std::optional<std::string> CommandLine::value(const std::string& name) const {
    const auto it = values.find(name);
    if (it == values.end()) {
        return std::nullopt;
    }
    return it->second;
}

Result<CommandLine> parseCommandLine(const std::vector<std::string>& args) {
    CommandLine line;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--hex" || arg == "--help" || arg == "-h") {
            line.flags.insert(arg == "-h" ? "--help" : arg);
        } else if (arg.rfind("--", 0) == 0) {
            if (i + 1 >= args.size()) {
                return usageError(arg + " needs a value");
            }
            if (!line.values.emplace(arg, args[i + 1]).second) {
                return usageError(arg + " is given twice");
            }
            ++i;
        } else if (line.command.empty()) {
            line.command = arg;
        } else {
            return usageError("unexpected argument '" + arg + "'");
        }
    }
    if (line.flag("--help") || line.command == "help") {
        line.command = "help";
        return line;
    }
    const CommandSpec* spec = findSpec(line.command);
    if (spec == nullptr) {
        return usageError(line.command.empty() ? "no command given"
                                               : "unknown command '" + line.command + "'");
    }
    for (const auto& [name, value] : line.values) {
        if (!contains(spec->required, name) && !contains(spec->optional, name)) {
            return usageError(line.command + " does not take " + name);
        }
    }
    for (const std::string& name : spec->required) {
        if (line.values.count(name) == 0) {
            return usageError(line.command + " needs " + name);
        }
    }
    return line;
}

std::string usage() {
    return R"(yika-term: a Yika POS terminal simulator (ISO 8583 over TCP) and load generator.

usage: yika-term --host H --port P --tid T --mid M --tmk HEX [--state FILE] [--hex]
                 [--timeout-ms MS] <command> [options]

commands (one transaction each, like a POS terminal):
  sign-on                                     get a session (needed before anything else)
  echo                                        echo test (no session needed)
  balance  --pan PAN [--pin PIN]              balance inquiry
  purchase --pan PAN --amount 12.50 [--pin PIN]
  preauth  --pan PAN --amount X [--pin PIN]   pre-authorization (a hold)
  complete --auth-id ID --amount X            pre-authorization completion
  void     --trace N                          void a purchase or completion, cancel a preauth
  refund   --trace N --amount X               refund (partial allowed) of a purchase
  reversal --trace N [--reason 98|06|A0]      reverse a transaction (no answer, bad MAC, ...)
  settle                                      batch settlement (and batch upload if needed)
  status                                      show the state file (batch, trace, recent txns)

  --tmk HEX      the terminal master key, 32 hex digits (or set YIKA_TERM_TMK, which unlike a
                 command-line argument does not show in the process list)
  --state FILE   the terminal's memory, default ./yika-term-<TID>.state (mode 0600; it holds
                 the card numbers of recent transactions, which void/refund/reversal need)
  --hex          also print the frames sent and received (card numbers masked)
  Amounts are in yuan (CNY) with up to two decimals. Card numbers print masked (first 6,
  last 4).

load generator:
  yika-term load --host H --port P --terminals FILE --cards FILE --connections N
                 --duration S [--rate R] [--inflight K] [--pin-every K]
                 [--idle-connections K] [--timeout-ms MS] [--setup-timeout-ms MS]
                 [--connect-concurrency K] [--seed N]
  terminals file: TID,MID,TMK_HEX per line (active connections use the first N, idle ones the
  next K); cards file: PAN,PIN per line. Prints counts by response code, approved/s and
  latency percentiles.

exit status: 0 approved, 1 usage or local error, 2 no valid answer, 3 declined.
)";
}

int runMain(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    auto line = parseCommandLine(args);
    if (!line) {
        err << "yika-term: " << line.error().detail << "\n(yika-term --help for usage)\n";
        return kExitUsage;
    }
    if (line->command == "help") {
        out << usage();
        return kExitOk;
    }
    if (line->command == "load") {
        return runLoadCommand(*line, out, err);
    }
    auto config = terminalConfig(*line);
    if (!config) {
        err << "yika-term: " << config.error().detail << "\n";
        return kExitUsage;
    }
    return runTerminalCommand(*config, *line, out, err);
}

}  // namespace yika::term
