#pragma once

// The versioned schema. Each migration is applied once, in order, inside a transaction, and
// recorded in schema_version; a database newer than this binary is refused.

#include "card_core/store/sqlite_db.h"

#include <string>
#include <string_view>

namespace yika::store {

// The schema version this binary writes.
int currentSchemaVersion();

// Brings `db` to currentSchemaVersion(). Throws StorageError; refuses a newer database.
// On PostgreSQL the same numbered versions are applied in PostgreSQL's dialect
// (postgresDialect), under an advisory lock so that nodes starting together migrate once.
void migrate(Database& db);

// Issue 7: the migration text for PostgreSQL. INTEGER becomes BIGINT (amounts and ids are
// 64-bit), an `id INTEGER PRIMARY KEY` an identity column, BLOB bytea; WITHOUT ROWID goes; a
// trigger that refuses a change (RAISE(ABORT, ...)) calls the PL/pgSQL function yika_refuse.
std::string postgresDialect(std::string_view sqlite_ddl);

// True when `table` has an `id INTEGER PRIMARY KEY` (PostgreSQL: RETURNING id on insert).
bool tableHasIdKey(std::string_view table);

}  // namespace yika::store
