#include "server/ops_commands.h"

#include "crypto/key_file.h"
#include "server/args.h"
#include "server/config.h"
#include "server/data_dir.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace yika::server {

namespace {

constexpr int kBusyRetriesMax = 1000;  // 10 s of 10 ms waits for a lock the writer holds
constexpr int kBusyTimeoutMs = 5000;

int fail(const std::string& message) {
    std::fprintf(stderr, "yikad: %s\n", message.c_str());
    return 1;
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

Error sqliteError(sqlite3* db, const std::string& what) {
    return makeError(ErrorCode::StorageUnavailable,
                     what + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

// Closes a connection on every path.
struct Connection {
    sqlite3* db = nullptr;
    ~Connection() { sqlite3_close_v2(db); }
};

Status quickCheck(sqlite3* db, const char* pragma) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, pragma, -1, &stmt, nullptr) != SQLITE_OK) {
        return sqliteError(db, pragma);
    }
    std::string first;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        const unsigned char* text = sqlite3_column_text(stmt, 0);
        first = text != nullptr ? reinterpret_cast<const char*>(text) : "";
    }
    sqlite3_finalize(stmt);
    if (first != "ok") {
        return makeError(ErrorCode::StorageUnavailable, std::string(pragma) + ": " + first);
    }
    return Ok{};
}

Status fsyncPath(const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return makeError(ErrorCode::StorageUnavailable, "cannot open " + path);
    bool ok = ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) return makeError(ErrorCode::StorageUnavailable, "cannot fsync " + path);
    return Ok{};
}

std::string parentDir(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

Status copyPages(sqlite3* source, sqlite3* target, std::int64_t pages_per_step,
                 const std::function<void(int, int)>& progress) {
    sqlite3_backup* backup = sqlite3_backup_init(target, "main", source, "main");
    if (backup == nullptr) return sqliteError(target, "backup");
    int rc = SQLITE_OK;
    int busy = 0;
    while (true) {
        rc = sqlite3_backup_step(backup, static_cast<int>(pages_per_step));
        if (progress) {
            int total = sqlite3_backup_pagecount(backup);
            progress(total - sqlite3_backup_remaining(backup), total);
        }
        if (rc == SQLITE_DONE) break;
        if (rc == SQLITE_OK) continue;
        if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++busy < kBusyRetriesMax) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
        }
        break;
    }
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) return sqliteError(target, "backup step");
    return Ok{};
}

}  // namespace

Status backupDatabase(const std::string& source, const std::string& target,
                      std::int64_t pages_per_step, const std::function<void(int, int)>& progress) {
    if (exists(target)) {
        return makeError(ErrorCode::InvalidArgument, target + " exists; refusing to overwrite it");
    }
    const std::string partial = target + ".partial";
    ::unlink(partial.c_str());  // left by an interrupted backup
    {
        Connection src;
        if (sqlite3_open_v2(source.c_str(), &src.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
            return sqliteError(src.db, "cannot open " + source);
        }
        sqlite3_busy_timeout(src.db, kBusyTimeoutMs);
        // One read transaction for the whole copy: its snapshot is the backup's point in time,
        // and in WAL mode it never blocks the writer, so the copy can go in small steps.
        if (sqlite3_exec(src.db, "BEGIN; SELECT count(*) FROM sqlite_schema;", nullptr, nullptr,
                         nullptr) != SQLITE_OK) {
            return sqliteError(src.db, "cannot read " + source);
        }
        Connection dst;
        ::umask(077);
        if (sqlite3_open_v2(partial.c_str(), &dst.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                            nullptr) != SQLITE_OK) {
            return sqliteError(dst.db, "cannot create " + partial);
        }
        if (Status copied = copyPages(src.db, dst.db, pages_per_step, progress); !copied) {
            ::unlink(partial.c_str());
            return copied;
        }
        sqlite3_exec(src.db, "COMMIT", nullptr, nullptr, nullptr);
        if (Status checked = quickCheck(dst.db, "PRAGMA quick_check"); !checked) {
            ::unlink(partial.c_str());
            return checked;
        }
    }
    ::chmod(partial.c_str(), 0600);
    YIKA_TRY(fsyncPath(partial, O_RDONLY));
    if (::rename(partial.c_str(), target.c_str()) != 0) {
        return makeError(ErrorCode::StorageUnavailable, "cannot rename " + partial);
    }
    return fsyncPath(parentDir(target), O_RDONLY | O_DIRECTORY);
}

int runConfig(const std::vector<std::string>& argv) {
    if (argv.empty()) return fail("config needs defaults, check or env");
    const std::string& what = argv.front();
    std::vector<std::string> rest(argv.begin() + 1, argv.end());
    if (what == "defaults" && rest.empty()) {
        std::fputs(defaultConfigText().c_str(), stdout);
        return 0;
    }
    if (what == "env" && rest.empty()) {
        for (const std::string& key : configKeys()) {
            std::printf("%-40s %s\n", key.c_str(), environmentName(key).c_str());
        }
        return 0;
    }
    if (what == "check") {
        Args args(rest, {"--data"}, {});
        if (!args.ok()) return fail(args.error());
        DataPaths paths{args.value("--data").value_or(".")};
        if (!args.value("--data") && configFileOverride().empty()) {
            return fail("config check needs --data DIR or --config FILE");
        }
        auto config = loadConfig(paths.config(), processEnvironment());
        if (!config) return fail(config.error().detail);
        std::printf("# %s with YIKA_* overrides: valid\n", paths.config().c_str());
        for (const std::string& key : configKeys()) {
            auto value = configValueText(*config, key);
            std::printf("%s = %s\n", key.c_str(), value ? value->c_str() : "(not shown)");
        }
        return 0;
    }
    return fail("config: unknown subcommand '" + what + "' (defaults, check, env)");
}

int runBackup(const std::vector<std::string>& argv) {
    Args args(argv, {"--data", "--to"}, {});
    if (!args.ok()) return fail(args.error());
    if (!args.value("--data") || !args.value("--to")) return fail("backup needs --data and --to");
    DataPaths paths{*args.value("--data")};
    auto config = loadConfig(paths.config(), processEnvironment());
    if (!config) return fail(config.error().detail);
    if (config->store.engine == store::Engine::Postgres) {  // issue 7
        return fail(
            "db.engine = postgresql: back up with PostgreSQL's tools (pg_basebackup, "
            "pg_dump; docs/deployment.md); the key file apart");
    }
    if (!exists(paths.database())) return fail("no database at " + paths.database());
    auto started = std::chrono::steady_clock::now();
    int pages = 0;
    Status done =
        backupDatabase(paths.database(), *args.value("--to"), config->ops.backup_pages_per_step,
                       [&](int, int total) { pages = total; });
    if (!done) return fail(done.error().detail);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - started)
                  .count();
    std::printf("backup %s: %d pages in %lld ms (the key file is not in it: back it up apart)\n",
                args.value("--to")->c_str(), pages, static_cast<long long>(ms));
    return 0;
}

int runRestore(const std::vector<std::string>& argv) {
    Args args(argv, {"--from", "--data", "--key-file"}, {});
    if (!args.ok()) return fail(args.error());
    if (!args.value("--from") || !args.value("--data")) {
        return fail("restore needs --from FILE and --data DIR");
    }
    const std::string from = *args.value("--from");
    DataPaths paths{*args.value("--data")};
    if (exists(paths.database())) {
        return fail(paths.database() + " exists; restore only into a folder without a database");
    }
    {
        Connection src;
        if (sqlite3_open_v2(from.c_str(), &src.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
            return fail(sqliteError(src.db, "cannot open " + from).detail);
        }
        if (Status ok = quickCheck(src.db, "PRAGMA integrity_check"); !ok) {
            return fail(from + ": " + ok.error().detail);
        }
    }
    ::umask(077);
    ::mkdir(paths.dir.c_str(), 0700);
    ::mkdir(paths.keys_dir().c_str(), 0700);
    ::mkdir(paths.exports_dir().c_str(), 0700);
    if (auto key_file = args.value("--key-file"); key_file && !exists(paths.key_file())) {
        auto keys = crypto::loadKeyFile(*key_file);  // validates mode and format
        if (!keys) return fail(keys.error().detail);
        std::ifstream in(*key_file, std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(in)), {});
        int fd = ::open(paths.key_file().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        bool ok = fd >= 0 &&
                  ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
        std::fill(text.begin(), text.end(), '\0');
        if (fd >= 0) ::close(fd);
        if (!ok) return fail("cannot write " + paths.key_file());
    }
    if (!exists(paths.key_file())) {
        return fail("no key file at " + paths.key_file() +
                    ": give the key file kept with the backups (--key-file FILE)");
    }
    if (!exists(paths.config())) {
        std::ofstream out(paths.config());
        out << defaultConfigText();
    }
    Status copied = backupDatabase(from, paths.database(), 1 << 20);
    if (!copied) return fail(copied.error().detail);
    auto rt = openRuntime(paths.dir);
    if (!rt) return fail(rt.error().detail);
    store::InvariantReport report;
    try {
        report = (*rt)->store->verify();
    } catch (const StorageError& e) {
        return fail(e.what());
    }
    if (!report.ok()) {
        std::fprintf(stderr, "yikad restore: restored, but %zu invariant violation(s):\n%s",
                     report.violations.size(), report.summary().c_str());
        return 1;
    }
    std::printf("restored %s into %s; integrity check ok; all ledger invariants hold\n",
                from.c_str(), paths.database().c_str());
    return 0;
}

int runKeys(const std::vector<std::string>& argv) {
    if (argv.empty() || argv.front() != "rotate") return fail("keys needs: rotate");
    Args args(std::vector<std::string>(argv.begin() + 1, argv.end()), {"--data", "--purpose"}, {});
    if (!args.ok()) return fail(args.error());
    if (!args.value("--data") || !args.value("--purpose")) {
        return fail("keys rotate needs --data DIR --purpose P");
    }
    auto purpose = crypto::parseKeyPurpose(*args.value("--purpose"));
    if (!purpose) {
        std::string names;
        for (auto p : crypto::kAllKeyPurposes) names += " " + std::string(crypto::toString(p));
        return fail("unknown purpose '" + *args.value("--purpose") + "'; one of:" + names);
    }
    if (*purpose == crypto::KeyPurpose::CardNumberLookup) {
        // Lookup hashes are computed with the current key only: a new one would make every
        // existing card unfindable until all hashes are recomputed, which yikad does not do.
        return fail(
            "card-number-lookup cannot be rotated in place (existing lookup hashes use "
            "it); see docs/operations.md");
    }
    DataPaths paths{*args.value("--data")};
    auto id = crypto::rotateKey(paths.key_file(), *purpose);
    if (!id) return fail(id.error().detail);
    std::printf(
        "%s: %s is now at key id %u; older ids stay for what they protect. Restart yikad to "
        "use it, and back up the key file.\n",
        paths.key_file().c_str(), std::string(crypto::toString(*purpose)).c_str(),
        static_cast<unsigned>(*id));
    return 0;
}

}  // namespace yika::server
