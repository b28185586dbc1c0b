#pragma once

// yikad's operations subcommands (issue 8; docs/operations.md):
//   config defaults | check | env   the configuration file and its environment overrides
//   backup --data DIR --to FILE     SQLite online backup, consistent while yikad serves
//   restore --from FILE --data DIR  into an empty data folder, then integrity and ledger checks
//   keys rotate --data DIR --purpose P
// Each returns the process exit code; results on stdout, errors on stderr.

#include "card_core/domain/result.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace yika::server {

int runConfig(const std::vector<std::string>& args);
int runBackup(const std::vector<std::string>& args);
int runRestore(const std::vector<std::string>& args);
int runKeys(const std::vector<std::string>& args);

// Copies the database at `source` to the new file `target` (refused if it exists) with the
// SQLite online backup API: one read transaction on a read-only connection holds a consistent
// snapshot while `pages_per_step` pages are copied per step, so the single writer keeps
// committing (WAL) and the copy is the database as of the backup's start. The copy is written
// to `target`.partial, checked (PRAGMA quick_check), fsynced and renamed, mode 0600.
// `progress(done_pages, total_pages)` may be empty. Errors: InvalidArgument (target exists),
// StorageUnavailable (SQLite's message).
Status backupDatabase(const std::string& source, const std::string& target,
                      std::int64_t pages_per_step,
                      const std::function<void(int, int)>& progress = {});

}  // namespace yika::server
