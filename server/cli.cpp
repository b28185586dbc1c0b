#include "server/cli.h"

#include "crypto/random.h"
#include "server/commands.h"
#include "server/data_dir.h"
#include "server/day_commands.h"
#include "server/ops_commands.h"
#include "server/terminals.h"

#include <cstdio>
#include <string>
#include <vector>

namespace yika::server {

namespace {
constexpr const char* kUsage = R"(usage: yikad <command> [options]

commands:
  init --data DIR [--demo]     create the data folder: database, key file, configuration and
                               the first administrator "admin" (its one-time password is
                               printed once) (--demo: also products, merchants, stock, sales)
  serve --data DIR [--pos-port N] [--http-port N] [--ops-port N] [--portal-port N]
        [--admin-port N]       run the server: ISO 8583 listener, terminal JSON API, portal,
                               admin API, health and metrics (stop with SIGTERM: in-flight
                               requests are answered)
  terminal add --data DIR --mid MID --tid TID [--store NAME]
                               register a terminal; prints its master key once
  bench-setup --data DIR [--cards N] [--terminals K]
                               load-test data: N sold cards, K terminals, demo-only key files
  bench-day --data DIR [--purchases N] [--merchants M] [--cards C]
                               day-close benchmark data: N purchases at M merchants (bulk inserts)
  verify --data DIR            check every ledger invariant and the audit log's hash chain;
                               exit 1 naming each violation and the first broken audit row
  produce --data DIR --product CODE --count N --location LOC --requested-by OP --approved-by OP2
          [--manufacturer-key FILE] [--receive]
                               run a production batch (制卡) and write the sealed manufacturer file
  config defaults              print the default configuration, every setting commented
  config check --data DIR      load the configuration with YIKA_* overrides; print the result
  config env                   list every setting's environment variable
  backup --data DIR --to FILE  online backup of the database (consistent while serving)
  restore --from FILE --data DIR [--key-file FILE]
                               restore a backup into an empty data folder, then verify it
  keys rotate --data DIR --purpose P
                               add a new current key for P to the key file (restart to use it)
  day status|cutoff|close --data DIR [--date D] [--by OP]
                               business day (日切) and day close: clearing, payout file
                               (DIR/exports/payout-D.csv), expiry, breakage, trial balance, report
  payout export --data DIR --date D --to FILE | import --data DIR --file F | list --data DIR
                               settlement instructions for the bank and the bank's results
  bank-statement import --data DIR --file F
                               reserve account statement, matched against payments and payouts
  recon list --data DIR [--all] [--csv] | resolve ID --data DIR --by OP --comment TEXT
                               reconciliation exceptions (对账)
  report NAME --data DIR [--date D | --from D --to D] [--csv]
                               trial-balance, liability, activity, settlement, breakage, day,
                               invoices-out, invoices-in, invoice-pool (JSON, or CSV)
  invoice issue|receive --data DIR ...
                               invoices to buyers and from merchants (yikad invoice for options)

global option (before or after the command): --config FILE  read FILE instead of
DIR/yikad.properties. Environment: YIKA_<KEY> overrides a setting (pos.port: YIKA_POS_PORT).
)";
}  // namespace

int runCli(int argc, char** argv) {
    crypto::ensureSodium();
    if (argc < 2) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    // --- operations (issue 8): --config FILE anywhere on the line, for every command ---
    std::vector<std::string> all(argv + 1, argv + argc);
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (all[i] != "--config") continue;
        if (i + 1 >= all.size()) {
            std::fputs("yikad: --config needs a value\n", stderr);
            return 2;
        }
        setConfigFileOverride(all[i + 1]);
        all.erase(all.begin() + static_cast<std::ptrdiff_t>(i),
                  all.begin() + static_cast<std::ptrdiff_t>(i) + 2);
        break;
    }
    if (all.empty()) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    std::string command = all.front();
    std::vector<std::string> args(all.begin() + 1, all.end());
    if (command == "config") return runConfig(args);
    if (command == "backup") return runBackup(args);
    if (command == "restore") return runRestore(args);
    if (command == "keys") return runKeys(args);
    // --- end operations (issue 8) ---
    if (command == "init") return runInit(args);
    if (command == "verify") return runVerify(args);
    if (command == "produce") return runProduce(args);
    if (command == "serve") return runServe(args);
    if (command == "bench-setup") return runBenchSetup(args);
    if (command == "terminal") return runTerminal(args);
    // --- business day, settlement, reconciliation, reports, invoices (issue 5) ---
    if (command == "day") return runDay(args);
    if (command == "bench-day") return runBenchDay(args);
    if (command == "payout") return runPayout(args);
    if (command == "bank-statement") return runBankStatement(args);
    if (command == "recon") return runRecon(args);
    if (command == "report") return runReport(args);
    if (command == "invoice") return runInvoice(args);
    if (command == "help" || command == "--help" || command == "-h") {
        std::fputs(kUsage, stdout);
        return 0;
    }
    std::fprintf(stderr, "yikad: unknown command '%s'\n\n%s", command.c_str(), kUsage);
    return 2;
}

}  // namespace yika::server
