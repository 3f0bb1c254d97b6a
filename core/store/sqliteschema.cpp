#include "core/store/sqliteschema.h"

#include "core/store/sqliteconnection.h"
#include "core/store/statestore.h"

#include <array>
#include <cstdint>
#include <string>

namespace sy::store::detail {
namespace {

// Ordered migrations: entry i takes the schema from user_version i to i + 1. Never edit a shipped
// entry; append a new one, because files in the field are already at the older versions.
constexpr std::array kMigrations = {
    // 1: initial schema.
    R"sql(
CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value INTEGER NOT NULL
) WITHOUT ROWID;
-- The store revision: every document write takes the next one as its version.
INSERT INTO meta (key, value) VALUES ('revision', 0);

CREATE TABLE node_groups (
    name       TEXT PRIMARY KEY NOT NULL,
    doc        TEXT NOT NULL,
    version    INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE provisions (
    node_group TEXT NOT NULL REFERENCES node_groups (name) ON DELETE CASCADE,
    guid       TEXT NOT NULL,
    doc        TEXT NOT NULL,
    version    INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (node_group, guid)
) WITHOUT ROWID;

CREATE TABLE users (
    name          TEXT PRIMARY KEY NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    created_ms    INTEGER NOT NULL
) WITHOUT ROWID;

-- No foreign key to node_groups: destroying the nodes of a deleted group must still be
-- journaled, and the journal must outlive the group. AUTOINCREMENT so that an id seen in a log
-- is never handed to another intent after pruning.
CREATE TABLE intents (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    token      TEXT NOT NULL UNIQUE,
    node_group TEXT NOT NULL,
    action     TEXT NOT NULL,
    node_id    TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed', 'abandoned')),
    payload    TEXT NOT NULL,
    detail     TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE INDEX intents_pending ON intents (id) WHERE state = 'pending';
CREATE INDEX intents_by_group ON intents (node_group, id);
)sql",
    // 2: revocable credentials. Existing users keep version 0, which the tokens issued before
    // this column existed carry implicitly, so they stay valid until the user next changes.
    // API keys are tracked by id so that they can be listed and revoked one by one.
    R"sql(
ALTER TABLE users ADD COLUMN credential_version INTEGER NOT NULL DEFAULT 0;

CREATE TABLE api_keys (
    id         TEXT PRIMARY KEY NOT NULL,
    user_name  TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX api_keys_by_user ON api_keys (user_name, created_ms);
)sql",
};

Result<std::string> queryText(SqliteConnection& conn, const char* sql) {
    auto stmt = conn.prepare(sql);
    if (!stmt) {
        return unexpected(stmt.error());
    }
    auto row = stmt->step();
    if (!row) {
        return unexpected(row.error());
    }
    return *row ? stmt->text(0) : std::string();
}

Result<std::int64_t> queryInt(SqliteConnection& conn, const char* sql) {
    auto stmt = conn.prepare(sql);
    if (!stmt) {
        return unexpected(stmt.error());
    }
    auto row = stmt->step();
    if (!row) {
        return unexpected(row.error());
    }
    return *row ? stmt->int64(0) : 0;
}

} // namespace

int sqliteSchemaVersion() {
    return static_cast<int>(kMigrations.size());
}

Result<void> configureConnection(SqliteConnection& conn, int busyTimeoutMs) {
    // Set first, so that the journal-mode switch below waits for another process's lock.
    const std::string busy = "PRAGMA busy_timeout = " + std::to_string(busyTimeoutMs);
    if (auto r = conn.exec(busy.c_str()); !r) {
        return r;
    }
    // WAL: readers never block the writer, and a commit is one append to the log. This is also
    // the first read of the file, where a foreign or damaged file is detected.
    auto mode = queryText(conn, "PRAGMA journal_mode = WAL");
    if (!mode) {
        return unexpected(mode.error());
    }
    const bool inMemory = conn.path().empty() || conn.path() == ":memory:";
    if (*mode != "wal" && !(inMemory && *mode == "memory")) {
        return fail(errc::storage, conn.path() + ": cannot enable WAL journal (got " + *mode + ")");
    }
    // FULL, not the NORMAL that WAL usually pairs with: NORMAL syncs the log only at checkpoints,
    // so a power failure can lose the last commits even though they were acknowledged. Desired
    // state and the intent journal must not go back in time (a lost intent means a node created
    // twice or leaked), and the cost is one fsync per commit, taken off the engine strand.
    if (auto r = conn.exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON"); !r) {
        return r;
    }
    // foreign_keys silently stays off in a build without them; provisions rely on the cascade.
    auto fk = queryInt(conn, "PRAGMA foreign_keys");
    if (!fk) {
        return unexpected(fk.error());
    }
    if (*fk != 1) {
        return fail(errc::storage, conn.path() + ": SQLite refuses foreign keys");
    }
    return {};
}

Result<void> migrateSchema(SqliteConnection& conn) {
    // IMMEDIATE takes the write lock before reading the version, so two processes opening a new
    // file cannot both run the same migration.
    if (auto r = conn.exec("BEGIN IMMEDIATE"); !r) {
        return r;
    }
    auto run = [&]() -> Result<void> {
        auto version = queryInt(conn, "PRAGMA user_version");
        if (!version) {
            return unexpected(version.error());
        }
        const std::int64_t current = *version;
        if (current > sqliteSchemaVersion()) {
            return fail(errc::schemaTooNew, conn.path() + ": schema version " +
                                                std::to_string(current) +
                                                " is newer than this build understands (" +
                                                std::to_string(sqliteSchemaVersion()) + ")");
        }
        for (auto v = static_cast<int>(current); v < sqliteSchemaVersion(); ++v) {
            if (auto r = conn.exec(kMigrations[static_cast<std::size_t>(v)]); !r) {
                return r;
            }
        }
        const std::string setVersion =
            "PRAGMA user_version = " + std::to_string(sqliteSchemaVersion());
        return conn.exec(setVersion.c_str());
    };
    auto result = run();
    if (!result) {
        if (!conn.autocommit()) {
            (void)conn.exec("ROLLBACK");
        }
        return result;
    }
    return conn.exec("COMMIT");
}

} // namespace sy::store::detail
