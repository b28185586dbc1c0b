#include "server/cli.h"

#include "crypto/random.h"
#include "server/commands.h"
#include "server/terminals.h"

#include <cstdio>
#include <string>
#include <vector>

namespace yika::server {

namespace {
constexpr const char* kUsage = R"(usage: yikad <command> [options]

commands:
  init --data DIR [--demo]     create the data folder: database, key file, configuration
                               (--demo: also products, merchants, stock, sold cards, purchases)
  serve --data DIR [--pos-port N]
                               run the server: ISO 8583 terminal listener (stop with SIGTERM)
  terminal add --data DIR --mid MID --tid TID [--store NAME]
                               register a terminal; prints its master key once
  bench-setup --data DIR [--cards N] [--terminals K]
                               load-test data: N sold cards, K terminals, demo-only key files
  verify --data DIR            check every ledger invariant; exit 1 naming each violation
  produce --data DIR --product CODE --count N --location LOC --requested-by OP --approved-by OP2
          [--manufacturer-key FILE] [--receive]
                               run a production batch (制卡) and write the sealed manufacturer file
)";
}  // namespace

int runCli(int argc, char** argv) {
    crypto::ensureSodium();
    if (argc < 2) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    std::string command = argv[1];
    std::vector<std::string> args(argv + 2, argv + argc);
    if (command == "init") return runInit(args);
    if (command == "verify") return runVerify(args);
    if (command == "produce") return runProduce(args);
    if (command == "serve") return runServe(args);
    if (command == "bench-setup") return runBenchSetup(args);
    if (command == "terminal") return runTerminal(args);
    if (command == "help" || command == "--help" || command == "-h") {
        std::fputs(kUsage, stdout);
        return 0;
    }
    std::fprintf(stderr, "yikad: unknown command '%s'\n\n%s", command.c_str(), kUsage);
    return 2;
}

}  // namespace yika::server
