#include "server/data_dir.h"

#include "crypto/key_file.h"

#include <sys/stat.h>

namespace yika::server {

// --- operations (issue 8) ---
namespace {
std::string& configOverride() {
    static std::string path;
    return path;
}
}  // namespace

void setConfigFileOverride(std::string path) { configOverride() = std::move(path); }
const std::string& configFileOverride() { return configOverride(); }
// --- end operations (issue 8) ---

Runtime::Runtime(DataPaths p, Config c, crypto::KeyRing k)
    : paths(std::move(p)), config(std::move(c)), keys(std::move(k)), pins(keys), vault(keys) {}

Result<std::unique_ptr<Runtime>> openRuntime(const std::string& dir, bool create,
                                             const std::function<void(Config&)>& adjust) {
    DataPaths paths{dir};
    auto config = loadConfig(paths.config(), processEnvironment());  // issue 8: YIKA_* overrides
    struct stat st {};
    // On PostgreSQL (issue 7) the database is the server's; DIR holds the keys and configuration.
    const bool postgres = config && config->store.engine == store::Engine::Postgres;
    if (!create && !postgres && ::stat(paths.database().c_str(), &st) != 0) {
        return makeError(ErrorCode::NotFound, "no database at " + paths.database() +
                                                  " (run: yikad init --data " + dir + ")");
    }
    if (!config) return config.error();
    if (postgres && config->store.pg.url.empty()) {
        return makeError(ErrorCode::InvalidArgument, "db.engine = postgresql needs db.url");
    }
    auto keys = crypto::loadKeyFile(paths.key_file());
    if (!keys) return keys.error();
    auto runtime =
        std::make_unique<Runtime>(paths, std::move(config).value(), std::move(keys).value());
    runtime->config.store.path = paths.database();
    if (adjust) adjust(runtime->config);
    try {
        runtime->store = std::make_unique<store::SqliteStore>(runtime->config.store);
    } catch (const StorageError& e) {
        return makeError(e.code(), e.what());
    }
    return runtime;
}

}  // namespace yika::server
