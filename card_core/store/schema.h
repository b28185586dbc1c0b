#pragma once

// The versioned schema. Each migration is applied once, in order, inside a transaction, and
// recorded in schema_version; a database newer than this binary is refused.

#include "card_core/store/sqlite_db.h"

namespace yika::store {

// The schema version this binary writes.
int currentSchemaVersion();

// Brings `db` to currentSchemaVersion(). Throws StorageError; refuses a newer database.
void migrate(Database& db);

}  // namespace yika::store
