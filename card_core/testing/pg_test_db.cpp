#include "card_core/testing/pg_test_db.h"

#include "card_core/store/pg_db.h"

#include <atomic>
#include <chrono>
#include <cstdlib>

#include <unistd.h>

namespace yika::test {

std::optional<std::string> testPgUrl() {
    const char* url = std::getenv("YIKA_TEST_PG_URL");
    if (url == nullptr || *url == '\0') return std::nullopt;
    return std::string(url);
}

std::string withSearchPath(const std::string& base_url, const std::string& schema) {
    if (base_url.rfind("postgres", 0) == 0 && base_url.find("://") != std::string::npos) {
        const char sep = base_url.find('?') == std::string::npos ? '?' : '&';
        return base_url + sep + "options=-csearch_path%3D" + schema;
    }
    return base_url + " options='-csearch_path=" + schema + "'";
}

namespace {
void execOn(const std::string& url, const std::string& sql) {
    store::PgOptions o;
    o.url = url;
    store::PgConnection c(o);
    c.exec(sql);
}
}  // namespace

PgTestSchema::PgTestSchema(std::string base_url) : base_(std::move(base_url)) {
    static std::atomic<int> counter{0};
    const auto ns = std::chrono::steady_clock::now().time_since_epoch().count();
    name_ = "t" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
            std::to_string(ns % 1000000);
    execOn(base_, "CREATE SCHEMA " + name_);
    url_ = withSearchPath(base_, name_);
}

PgTestSchema::~PgTestSchema() {
    try {
        execOn(base_, "DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
    } catch (const StorageError&) {
        // The server is gone (a test stopped it); the cluster is removed at the end anyway.
    }
}

store::SqliteStoreOptions testStoreOptions(const std::string& path) {
    store::SqliteStoreOptions options;
    options.path = path;
    // Tests need no durability against power loss; skipping the fsync keeps them fast.
    options.synchronous_full = false;
    return options;
}

store::SqliteStoreOptions testStoreOptions(const std::string& path,
                                           std::unique_ptr<PgTestSchema>& schema) {
    store::SqliteStoreOptions options = testStoreOptions(path);
    if (auto url = testPgUrl()) {
        schema = std::make_unique<PgTestSchema>(*url);
        options.engine = store::Engine::Postgres;
        options.pg.url = schema->url();
        options.pg.lock_timeout_ms = 200;
    }
    return options;
}

}  // namespace yika::test
