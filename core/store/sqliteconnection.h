#pragma once
// A thin RAII layer over the SQLite C API for SqliteStore: one connection, its cache of prepared
// statements, and errors that name the database file and carry SQLite's own message. Internal to
// core/store; nothing outside the store sees a sqlite3 type.

#include "core/util/result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace sy::store::detail {

class SqliteConnection;

// A prepared statement lent to one call. Cached statements are reset and unbound when the lease
// ends, so the next user starts clean and no statement keeps a read snapshot open.
class Statement {
public:
    Statement(SqliteConnection& conn, sqlite3_stmt* stmt, bool* inUse);
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement& operator=(Statement&&) = delete;

    // Binds by name (":name" in the SQL). A bad bind is reported by the next step().
    Statement& bind(const char* name, std::int64_t value);
    Statement& bind(const char* name, std::string_view value);

    // One row: true when a row is available, false when the statement is done.
    Result<bool> step();
    // Runs a statement that returns no rows of interest.
    Result<void> run();

    std::int64_t int64(int column) const;
    std::string text(int column) const;
    std::string_view textView(int column) const; // valid until the next step()

private:
    int parameter(const char* name);

    SqliteConnection* conn_;
    sqlite3_stmt* stmt_;
    bool* inUse_; // the cache slot's flag; null for a one-off statement that this lease owns
    int bindRc_ = 0;
    std::string bindName_;
};

class SqliteConnection {
public:
    // Opens (creating if missing) the database file. Nothing is read yet: a file that is not a
    // database shows up on the first statement.
    static Result<std::unique_ptr<SqliteConnection>> open(const std::string& path);
    ~SqliteConnection();
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    // Runs one or more statements without results (pragmas, DDL, BEGIN/COMMIT).
    Result<void> exec(const char* sql);
    // The cached statement for this SQL text (a fresh one if the cached one is lent out).
    Result<Statement> prepare(const char* sql);

    // An error for a failed SQLite call: code "corrupt" for a damaged or foreign file, "storage"
    // otherwise; the message names the file, what was being done and SQLite's explanation.
    Error error(int rc, std::string_view doing) const;

    bool autocommit() const; // true when no transaction is open
    const std::string& path() const { return path_; }

private:
    struct DbClose {
        void operator()(sqlite3* db) const;
    };
    struct StatementFinalize {
        void operator()(sqlite3_stmt* stmt) const;
    };
    struct CachedStatement {
        std::unique_ptr<sqlite3_stmt, StatementFinalize> stmt;
        bool inUse = false;
    };

    SqliteConnection(sqlite3* db, std::string path);
    Result<sqlite3_stmt*> compile(const char* sql, bool persistent);

    // Declared first so it is destroyed last: statements must be finalized before the close.
    std::unique_ptr<sqlite3, DbClose> db_;
    std::unordered_map<std::string, CachedStatement> cache_;
    std::string path_;

    friend class Statement;
};

} // namespace sy::store::detail
