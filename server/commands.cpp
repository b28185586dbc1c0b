#include "server/commands.h"

#include "card_core/store/schema.h"
#include "crypto/audit_chain.h"
#include "crypto/key_file.h"
#include "crypto/seal_key.h"
#include "server/args.h"
#include "server/data_dir.h"
#include "server/production.h"

#include <chrono>
#include <cstdio>

#include "admin_api/audit_verify.h"
#include "admin_api/bootstrap.h"
#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

namespace yika::server {

namespace {

int fail(const std::string& message) {
    std::fprintf(stderr, "yikad: %s\n", message.c_str());
    return 1;
}

int fail(const Error& error) {
    return fail(std::string(toString(error.code)) + ": " + error.detail);
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

Status writeNewFile(const std::string& path, const std::string& text, mode_t mode) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) return makeError(ErrorCode::StorageUnavailable, "cannot create " + path);
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ok = ::fsync(fd) == 0 && ok;
    ::close(fd);
    if (!ok) return makeError(ErrorCode::StorageUnavailable, "cannot write " + path);
    return Ok{};
}

}  // namespace

int runInit(const std::vector<std::string>& argv) {
    Args args(argv, {"--data"}, {"--demo"});
    if (!args.ok()) return fail(args.error());
    auto dir = args.value("--data");
    if (!dir) return fail("init needs --data DIR");
    DataPaths paths{*dir};
    if (exists(paths.database()) || exists(paths.key_file())) {
        return fail(*dir + " is already initialised; refusing to overwrite its database or keys");
    }
    // Everything under the data folder is private to the service user: the database holds
    // encrypted card numbers and PIN verification values.
    ::umask(077);
    ::mkdir(dir->c_str(), 0700);
    if (::mkdir(paths.keys_dir().c_str(), 0700) != 0 && !exists(paths.keys_dir())) {
        return fail("cannot create " + paths.keys_dir());
    }
    ::mkdir(paths.manufacturer_dir().c_str(), 0700);
    ::mkdir(paths.exports_dir().c_str(), 0700);
    if (Status s = crypto::createKeyFile(paths.key_file()); !s) return fail(s.error());
    if (!exists(paths.config())) {
        if (Status s = writeNewFile(paths.config(), defaultConfigText(), 0640); !s)
            return fail(s.error());
    }
    if (args.flag("--demo") && !exists(paths.manufacturer_public_key())) {
        // Demo only: a real manufacturer generates its own key pair and sends the public key.
        auto pair = crypto::generateSealKeyPair();
        if (Status s =
                crypto::writeSealPublicKeyFile(paths.manufacturer_public_key(), pair.public_key);
            !s) {
            return fail(s.error());
        }
        if (Status s = crypto::writeSealSecretKeyFile(paths.manufacturer_secret_key(), pair); !s) {
            return fail(s.error());
        }
    }
    auto rt = openRuntime(*dir, /*create=*/true);
    if (!rt) return fail(rt.error());
    SystemClock clock;
    Status dated = (*rt)->store->writer().runStatus([&](StoreTx& tx) {
        tx.setBusinessDate(clock.todayCst());
        return Status(Ok{});
    });
    if (!dated) return fail(dated.error());
    std::printf("initialised %s: database schema v%d, key file %s (0600), configuration %s\n",
                dir->c_str(), store::currentSchemaVersion(), paths.key_file().c_str(),
                paths.config().c_str());
    // --- admin API (issue 6): the first administrator, its one-time password shown once ---
    const admin::AdminLimits& limits = (*rt)->config.admin.limits;
    auto first = admin::createFirstAdministrator(
        (*rt)->store->writer(), (*rt)->keys, (*rt)->random, clock, "admin",
        crypto::PasswordCost{static_cast<unsigned long long>(limits.password_ops),
                             static_cast<std::size_t>(limits.password_mem_kib) * 1024});
    if (!first) return fail(first.error());
    std::printf(
        "first administrator: %s, one-time password (shown once; change it at first login): %s\n",
        first->name.c_str(), first->one_time_password.c_str());
    if (args.flag("--demo")) return loadDemoData(**rt);
    return 0;
}

int runVerify(const std::vector<std::string>& argv) {
    Args args(argv, {"--data"}, {});
    if (!args.ok()) return fail(args.error());
    auto dir = args.value("--data");
    if (!dir) return fail("verify needs --data DIR");
    auto rt = openRuntime(*dir);
    if (!rt) return fail(rt.error());
    auto started = std::chrono::steady_clock::now();
    store::InvariantReport report;
    try {
        report = (*rt)->store->verify();
    } catch (const StorageError& e) {
        return fail(e.what());
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    // --- admin API (issue 6): the audit log's hash chain, named at its first broken row ---
    admin::AuditChainReport chain;
    try {
        auto db = (*rt)->store->openReader();
        store::SqliteStoreTx reader(*db);
        chain = admin::verifyAuditChain(reader, crypto::SodiumAuditChain((*rt)->keys));
    } catch (const StorageError& e) {
        return fail(e.what());
    }
    if (!report.ok()) {
        std::fprintf(stderr, "yikad verify: %zu invariant violation(s):\n%s",
                     report.violations.size(), report.summary().c_str());
    }
    if (report.ok() && !chain.ok()) {
        std::printf("yikad verify: all ledger invariants hold (V1-V10)\n");
    }
    if (!chain.ok()) std::fprintf(stderr, "yikad verify: %s\n", chain.summary().c_str());
    if (!report.ok() || !chain.ok()) return 1;
    std::printf("yikad verify: all ledger invariants hold (V1-V10, %lld ms); %s\n",
                static_cast<long long>(ms.count()), chain.summary().c_str());
    return 0;
}

int runProduce(const std::vector<std::string>& argv) {
    Args args(argv,
              {"--data", "--product", "--count", "--location", "--requested-by", "--approved-by",
               "--manufacturer-key"},
              {"--receive"});
    if (!args.ok()) return fail(args.error());
    for (const char* required :
         {"--data", "--product", "--count", "--location", "--requested-by", "--approved-by"}) {
        if (!args.value(required)) return fail(std::string("produce needs ") + required);
    }
    ProduceRequest request;
    request.product_code = *args.value("--product");
    const std::string count_text = *args.value("--count");  // `end` points into it
    char* end = nullptr;
    request.count = std::strtoll(count_text.c_str(), &end, 10);
    if (end == nullptr || *end != '\0' || request.count <= 0)
        return fail("--count: a positive number");
    request.location = *args.value("--location");
    request.requested_by = *args.value("--requested-by");
    request.approved_by = *args.value("--approved-by");
    request.manufacturer_public_key_path = args.value("--manufacturer-key").value_or("");
    request.receive = args.flag("--receive");
    // Generation allocates and frees millions of small buffers across two threads; keeping freed
    // memory in the heap instead of returning it to the kernel avoids a page fault storm.
    ::mallopt(M_TRIM_THRESHOLD, 512 << 20);
    ::mallopt(M_TOP_PAD, 64 << 20);
    auto rt = openRuntime(*args.value("--data"), false, [](Config& c) {
        c.store.cache_pages = std::max(c.store.cache_pages, c.batch_cache_pages);
    });
    if (!rt) return fail(rt.error());
    auto started = std::chrono::steady_clock::now();
    bool tty = ::isatty(STDERR_FILENO) != 0;
    auto progress = [&](std::int64_t done, std::int64_t total) {
        constexpr int kWidth = 40;
        double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        int filled = static_cast<int>(done * kWidth / total);
        std::fprintf(stderr, "%s[%.*s%*s] %3lld%% %lld/%lld cards %.1fs%s", tty ? "\r" : "", filled,
                     "########################################", kWidth - filled, "",
                     static_cast<long long>(done * 100 / total), static_cast<long long>(done),
                     static_cast<long long>(total), seconds, tty ? "" : "\n");
    };
    auto outcome = produceBatch(**rt, request, progress);
    if (tty) std::fputc('\n', stderr);
    if (!outcome) return fail(outcome.error());
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf(
        "batch %lld: %lld cards (serials %lld-%lld) %s in %.2f s; sealed manufacturer file %s\n",
        static_cast<long long>(outcome->batch_id), static_cast<long long>(request.count),
        static_cast<long long>(outcome->first_card_id),
        static_cast<long long>(outcome->last_card_id),
        request.receive ? "generated and received into stock" : "generated", seconds,
        outcome->sealed_file.c_str());
    return 0;
}

}  // namespace yika::server
