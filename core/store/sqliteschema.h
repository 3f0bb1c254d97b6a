#pragma once
// Connection settings and the versioned schema of SqliteStore.

#include "core/util/result.h"

namespace sy::store::detail {

class SqliteConnection;

// The schema version this build writes (PRAGMA user_version after migrating).
int sqliteSchemaVersion();

// Applies the durability and safety pragmas; fails if the file refuses WAL mode.
Result<void> configureConnection(SqliteConnection& conn, int busyTimeoutMs);

// Brings the schema up to sqliteSchemaVersion() in one transaction; refuses a newer file.
Result<void> migrateSchema(SqliteConnection& conn);

} // namespace sy::store::detail
