// The configuration loader: defaults, the shipped file, unknown keys and bad values, and the
// environment overrides (issue 8).

#include "server/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <unistd.h>

namespace yika::server {
namespace {

std::string writeTemp(const std::string& name, const std::string& text) {
    std::string path = ::testing::TempDir() + "/yika-config-" + std::to_string(::getpid()) + "-" +
                       name + ".properties";
    std::ofstream(path) << text;
    return path;
}

// "key = value" lines of a properties text (comments and blank lines skipped).
std::map<std::string, std::string> settingsOf(const std::string& text) {
    std::map<std::string, std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        std::string key = line.substr(0, eq);
        std::string value = line.substr(eq + 1);
        while (!key.empty() && key.back() == ' ') key.pop_back();
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        out[key] = value;
    }
    return out;
}

TEST(Config, DefaultTextNamesEverySettingWithItsDefaultValue) {
    const Config defaults;
    auto settings = settingsOf(defaultConfigText());
    for (const std::string& key : configKeys()) {
        auto it = settings.find(key);
        ASSERT_NE(it, settings.end()) << key << " is missing from defaultConfigText()";
        auto value = configValueText(defaults, key);
        if (value) {
            EXPECT_EQ(it->second, *value) << key << ": the text and Config{} disagree";
        }
    }
    EXPECT_EQ(settings.size(), configKeys().size()) << "the text has a key the loader refuses";
}

TEST(Config, DefaultTextLoadsToTheDefaults) {
    auto loaded = loadConfig(writeTemp("defaults", defaultConfigText()));
    ASSERT_TRUE(loaded.ok()) << loaded.error().detail;
    const Config defaults;
    for (const std::string& key : configKeys()) {
        EXPECT_EQ(configValueText(*loaded, key), configValueText(defaults, key)) << key;
    }
}

TEST(Config, ShippedFileIsTheGeneratedDefaults) {
    std::ifstream in(YIKA_SHIPPED_CONFIG);
    ASSERT_TRUE(in) << YIKA_SHIPPED_CONFIG;
    std::string shipped((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(shipped, defaultConfigText())
        << "regenerate: build/server/yikad config defaults > installer/yikad.properties";
}

TEST(Config, UnknownKeyAndBadValueNameTheKey) {
    auto unknown = loadConfig(writeTemp("unknown", "pos.prot = 1\n"));
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().detail.find("'pos.prot'"), std::string::npos);
    auto bad = loadConfig(writeTemp("bad", "ops.port = 70000\n"));
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().detail.find("'ops.port'"), std::string::npos);
    auto level = loadConfig(writeTemp("level", "log.level = loud\n"));
    ASSERT_FALSE(level.ok());
    EXPECT_NE(level.error().detail.find("'log.level'"), std::string::npos);
}

TEST(Config, AKeySetTwiceIsRefusedWithBothLines) {
    auto twice = loadConfig(writeTemp("twice", "# c\npos.port = 1\nhttp.port: 2\npos.port=3\n"));
    ASSERT_FALSE(twice.ok());
    EXPECT_NE(twice.error().detail.find("'pos.port' appears twice (lines 2 and 4)"),
              std::string::npos)
        << twice.error().detail;
}

TEST(Config, EnvironmentOverridesTheFile) {
    std::string path = writeTemp("env", "pos.port = 7000\nhttp.threads_max = 4\n");
    auto loaded = loadConfig(path, {{"YIKA_POS_PORT", "6000"},
                                    {"YIKA_LOG_LEVEL", "debug"},
                                    {"YIKA_TERM_TMK", "not configuration"},
                                    {"YIKA_DATA", "/tmp"}});
    ASSERT_TRUE(loaded.ok()) << loaded.error().detail;
    EXPECT_EQ(loaded->pos.port, 6000);
    EXPECT_EQ(loaded->http.limits.threads_max, 4);
    EXPECT_EQ(loaded->log.level, "debug");
    EXPECT_EQ(environmentName("http.keep_alive_timeout_ms"), "YIKA_HTTP_KEEP_ALIVE_TIMEOUT_MS");
}

TEST(Config, EnvironmentTyposAndBadValuesStopStartUp) {
    std::string path = writeTemp("envbad", "");
    auto typo = loadConfig(path, {{"YIKA_POS_PROT", "1"}});
    ASSERT_FALSE(typo.ok());
    EXPECT_NE(typo.error().detail.find("YIKA_POS_PROT"), std::string::npos);
    auto bad = loadConfig(path, {{"YIKA_OPS_PORT", "x"}});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().detail.find("ops.port"), std::string::npos);
    auto limits = loadConfig(path, {{"YIKA_HTTP_REPLAY_BUCKET_MS", "600000"}});
    EXPECT_FALSE(limits.ok()) << "cross-limit checks apply after the environment too";
}

}  // namespace
}  // namespace yika::server
