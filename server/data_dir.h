#pragma once

// The data folder (--data DIR) and what lives in it:
//   DIR/yika.db                 the SQLite database (WAL mode)
//   DIR/yikad.properties        configuration
//   DIR/keys/yika.keys          the key file (0600; keys/ is 0700), never inside the database
//   DIR/manufacturer/*.pub      the card manufacturer's public key (demo: its secret key too)
//   DIR/exports/                sealed manufacturer files of production batches

#include "card_core/domain/result.h"
#include "card_core/store/sqlite_store.h"
#include "crypto/card_vault.h"
#include "crypto/key_ring.h"
#include "crypto/pin_verifier.h"
#include "crypto/random.h"
#include "server/config.h"

#include <functional>
#include <memory>
#include <string>

namespace yika::server {

// --- operations (issue 8): `yikad --config FILE` (every subcommand) reads FILE instead of
// DIR/yikad.properties; the Debian package uses /etc/yika/yikad.properties. Set once by the
// command line before anything runs; empty = DIR/yikad.properties.
void setConfigFileOverride(std::string path);
const std::string& configFileOverride();

struct DataPaths {
    std::string dir;
    std::string database() const { return dir + "/yika.db"; }
    std::string config() const {  // issue 8: --config
        return configFileOverride().empty() ? dir + "/yikad.properties" : configFileOverride();
    }
    std::string keys_dir() const { return dir + "/keys"; }
    std::string key_file() const { return dir + "/keys/yika.keys"; }
    std::string manufacturer_dir() const { return dir + "/manufacturer"; }
    std::string manufacturer_public_key() const { return dir + "/manufacturer/manufacturer.pub"; }
    std::string manufacturer_secret_key() const {
        return dir + "/manufacturer/manufacturer-demo.secret";
    }
    std::string exports_dir() const { return dir + "/exports"; }
};

// Everything a command needs from an initialised data folder: configuration, keys in locked
// memory, the crypto ports and the store (with its single writer running).
struct Runtime {
    DataPaths paths;
    Config config;
    crypto::KeyRing keys;
    crypto::SodiumPinVerifier pins;
    crypto::SodiumCardNumberVault vault;
    crypto::SodiumRandom random;
    std::unique_ptr<store::SqliteStore> store;

    Runtime(DataPaths p, Config c, crypto::KeyRing k);
};

// Opens an initialised data folder (or a new one with `create`); errors name what is missing or
// wrong. `adjust` may change the configuration before the store opens (a command's own needs).
Result<std::unique_ptr<Runtime>> openRuntime(const std::string& dir, bool create = false,
                                             const std::function<void(Config&)>& adjust = {});

}  // namespace yika::server
