#pragma once

// yikad's subcommands. Each returns the process exit code and prints for an operator:
// results on stdout, progress and errors on stderr. None prints a PIN, key or card number.

#include <string>
#include <vector>

namespace yika::server {

int runInit(const std::vector<std::string>& args);
int runVerify(const std::vector<std::string>& args);
int runProduce(const std::vector<std::string>& args);
int runServe(const std::vector<std::string>& args);
int runBenchSetup(const std::vector<std::string>& args);
int runBenchDay(const std::vector<std::string>& args);  // issue 5: day-close benchmark data

// The demo data of `yikad init --demo`: products, merchants, stock, sold cards, purchases.
struct Runtime;
int loadDemoData(Runtime& rt);

}  // namespace yika::server
