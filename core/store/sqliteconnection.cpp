#include "core/store/sqliteconnection.h"

#include "core/store/statestore.h"
#include "core/util/strings.h"

#include <sqlite3.h>

namespace sy::store::detail {
namespace {

// Callers act on the kind of failure: a damaged file needs an operator, a busy one a retry.
const char* errorCode(int rc) {
    switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return errc::corrupt;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return errc::busy;
    default:
        return errc::storage;
    }
}

} // namespace

// ---- Statement ----

Statement::Statement(SqliteConnection& conn, sqlite3_stmt* stmt, bool* inUse)
    : conn_(&conn)
    , stmt_(stmt)
    , inUse_(inUse) {
    if (inUse_ != nullptr) {
        *inUse_ = true;
    }
}

Statement::Statement(Statement&& other) noexcept
    : conn_(other.conn_)
    , stmt_(other.stmt_)
    , inUse_(other.inUse_)
    , bindRc_(other.bindRc_)
    , bindName_(std::move(other.bindName_)) {
    other.stmt_ = nullptr;
    other.inUse_ = nullptr;
}

Statement::~Statement() {
    if (stmt_ == nullptr) {
        return;
    }
    if (inUse_ == nullptr) {
        sqlite3_finalize(stmt_);
        return;
    }
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *inUse_ = false;
}

int Statement::parameter(const char* name) {
    const int index = sqlite3_bind_parameter_index(stmt_, name);
    if (index == 0 && bindRc_ == SQLITE_OK) {
        bindRc_ = SQLITE_RANGE;
        bindName_ = name;
    }
    return index;
}

Statement& Statement::bind(const char* name, std::int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_, parameter(name), value);
    if (rc != SQLITE_OK && bindRc_ == SQLITE_OK) {
        bindRc_ = rc;
        bindName_ = name;
    }
    return *this;
}

Statement& Statement::bind(const char* name, std::string_view value) {
    // SQLITE_TRANSIENT: SQLite copies, so the caller's buffer may die before step().
    const int rc = sqlite3_bind_text64(stmt_, parameter(name), value.data(), value.size(),
                                       SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK && bindRc_ == SQLITE_OK) {
        bindRc_ = rc;
        bindName_ = name;
    }
    return *this;
}

Result<bool> Statement::step() {
    if (bindRc_ != SQLITE_OK) {
        return fail(errc::storage,
                    conn_->path() + ": cannot bind " + bindName_ + ": " + sqlite3_errstr(bindRc_));
    }
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    return unexpected(conn_->error(rc, sqlite3_sql(stmt_)));
}

Result<void> Statement::run() {
    for (;;) {
        auto row = step();
        if (!row) {
            return unexpected(row.error());
        }
        if (!*row) {
            return {};
        }
    }
}

std::int64_t Statement::int64(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

std::string_view Statement::textView(int column) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (text == nullptr) {
        return {};
    }
    return {text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::string Statement::text(int column) const {
    return std::string(textView(column));
}

// ---- SqliteConnection ----

void SqliteConnection::DbClose::operator()(sqlite3* db) const {
    // v2 defers the close if a statement were still alive instead of failing with SQLITE_BUSY.
    sqlite3_close_v2(db);
}

void SqliteConnection::StatementFinalize::operator()(sqlite3_stmt* stmt) const {
    sqlite3_finalize(stmt);
}

SqliteConnection::SqliteConnection(sqlite3* db, std::string path)
    : db_(db)
    , path_(std::move(path)) {}

SqliteConnection::~SqliteConnection() = default;

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::string& path) {
    sqlite3* raw = nullptr;
    // NOMUTEX: SqliteStore serialises every use of the connection with its own mutex.
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    std::unique_ptr<sqlite3, DbClose> db(raw); // closes even a half-opened handle
    if (rc != SQLITE_OK) {
        const char* why = db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc);
        return fail(errorCode(rc), path + ": cannot open database: " + why);
    }
    sqlite3_extended_result_codes(db.get(), 1);
    return std::unique_ptr<SqliteConnection>(new SqliteConnection(db.release(), path));
}

Error SqliteConnection::error(int rc, std::string_view doing) const {
    // errmsg describes the most recent failure on this connection, which is the one at hand
    // because the store serialises all calls; errstr is the fallback for an empty message.
    std::string why = sqlite3_errmsg(db_.get());
    if (why.empty() || why == "not an error") {
        why = sqlite3_errstr(rc);
    }
    return Error{errorCode(rc), path_ + ": " + std::string(doing) + ": " + why + " (sqlite code " +
                                    std::to_string(rc) + ")"};
}

bool SqliteConnection::autocommit() const {
    return sqlite3_get_autocommit(db_.get()) != 0;
}

Result<void> SqliteConnection::exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &message);
    if (rc == SQLITE_OK) {
        return {};
    }
    std::string why = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    // Only the head of the SQL: enough to recognise it, without a whole migration in a message.
    const std::string head = sy::quoted(std::string_view(sql).substr(0, 60));
    return fail(errorCode(rc),
                path_ + ": " + head + ": " + why + " (sqlite code " + std::to_string(rc) + ")");
}

Result<sqlite3_stmt*> SqliteConnection::compile(const char* sql, bool persistent) {
    sqlite3_stmt* stmt = nullptr;
    const unsigned flags = persistent ? SQLITE_PREPARE_PERSISTENT : 0;
    const int rc = sqlite3_prepare_v3(db_.get(), sql, -1, flags, &stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return unexpected(error(rc, std::string("prepare ") + sql));
    }
    return stmt;
}

Result<Statement> SqliteConnection::prepare(const char* sql) {
    auto found = cache_.find(sql);
    if (found != cache_.end() && !found->second.inUse) {
        return Statement(*this, found->second.stmt.get(), &found->second.inUse);
    }
    const bool cacheIt = found == cache_.end();
    auto stmt = compile(sql, cacheIt);
    if (!stmt) {
        return unexpected(stmt.error());
    }
    if (!cacheIt) {
        // The cached copy is lent out (a nested use of the same SQL): lend a one-off instead.
        return Statement(*this, *stmt, nullptr);
    }
    auto& slot = cache_[sql];
    slot.stmt.reset(*stmt);
    return Statement(*this, slot.stmt.get(), &slot.inUse);
}

} // namespace sy::store::detail
