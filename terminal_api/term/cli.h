#pragma once

// The yika-term command line: parsing, usage text and dispatch to the terminal commands
// (commands.h) and the load generator (load_generator.h).
//
//   yika-term --host H --port P --tid T --mid M --tmk HEX [--state FILE] [--hex] <command> ...
//   yika-term load --host H --port P --terminals FILE --cards FILE --connections N
//                  --duration S [--rate R] [--inflight K] [--pin-every K] [--idle-connections K]
//
// Options may come before or after the command. Unknown options, options the command does not
// take and missing required options are errors, so a typo never falls back to a default.

#include "card_core/domain/result.h"

#include <iosfwd>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace yika::term {

struct CommandLine {
    std::string command;
    std::map<std::string, std::string> values;  // "--port" -> "8583"
    std::set<std::string> flags;                // "--hex"

    std::optional<std::string> value(const std::string& name) const;
    bool flag(const std::string& name) const { return flags.count(name) > 0; }
};

// Splits `args` (without the program name) into the command and its options and checks them
// against the command's options. Errors: InvalidArgument with a message for the user.
Result<CommandLine> parseCommandLine(const std::vector<std::string>& args);

// The usage text.
std::string usage();

// Runs the program: parses `args`, runs the command, writes results to `out` and problems to
// `err`. The exit status: 0 approved / done, 1 usage or local error, 2 no valid answer from the
// host, 3 declined (response code other than 00). Never throws for bad input.
int runMain(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace yika::term
