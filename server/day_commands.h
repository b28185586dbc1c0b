#pragma once

// yikad's back-office subcommands (issue 5, docs/day-close.md): day status|cutoff|close,
// payout export|import|list, bank-statement import, recon list|resolve, report NAME,
// invoice issue|receive. Each prints results on stdout and errors on stderr and returns the
// process exit code (0 ok, 1 refused or failed, 2 usage).

#include <string>
#include <vector>

namespace yika::server {

int runDay(const std::vector<std::string>& args);
int runPayout(const std::vector<std::string>& args);
int runBankStatement(const std::vector<std::string>& args);
int runRecon(const std::vector<std::string>& args);
int runReport(const std::vector<std::string>& args);
int runInvoice(const std::vector<std::string>& args);

}  // namespace yika::server
