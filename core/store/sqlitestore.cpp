#include "core/store/sqlitestore.h"

#include "core/store/sqliteaccess.h"
#include "core/store/sqliteschema.h"

#include "core/util/strings.h"

#include <exception>

namespace sy::store {
namespace {

using detail::SqliteAccess;

} // namespace

namespace detail {

// The Tx handed to a transact() callback: forwards to the connection the store has already
// locked and put in a transaction. One per store and as long-lived as the store, so that a Tx kept
// past its callback, or handed to another thread, gets "tx_closed" instead of touching the
// connection without the lock.
class SqliteTx final : public Tx {
public:
    SqliteTx(SqliteAccess& access, const std::atomic<std::thread::id>& transactingThread)
        : access_(access)
        , transactingThread_(transactingThread) {}

    Result<NodeGroupRecord> putNodeGroup(std::string_view name, const nlohmann::json& config,
                                         std::optional<std::int64_t> expected) override {
        return call([&](SqliteAccess& a) { return a.putNodeGroup(name, config, expected); });
    }
    Result<NodeGroupRecord> createNodeGroup(std::string_view name,
                                            const nlohmann::json& config) override {
        return call([&](SqliteAccess& a) { return a.createNodeGroup(name, config); });
    }
    Result<NodeGroupRecord> getNodeGroup(std::string_view name) override {
        return call([&](SqliteAccess& a) { return a.getNodeGroup(name); });
    }
    Result<std::vector<NodeGroupRecord>> listNodeGroups() override {
        return call([&](SqliteAccess& a) { return a.listNodeGroups(); });
    }
    Result<void> deleteNodeGroup(std::string_view name,
                                 std::optional<std::int64_t> expected) override {
        return call([&](SqliteAccess& a) { return a.deleteNodeGroup(name, expected); });
    }
    Result<ProvisionRecord> putProvision(std::string_view group, std::string_view guid,
                                         const nlohmann::json& doc,
                                         std::optional<std::int64_t> expected) override {
        return call([&](SqliteAccess& a) { return a.putProvision(group, guid, doc, expected); });
    }
    Result<ProvisionRecord> createProvision(std::string_view group, std::string_view guid,
                                            const nlohmann::json& doc) override {
        return call([&](SqliteAccess& a) { return a.createProvision(group, guid, doc); });
    }
    Result<ProvisionRecord> getProvision(std::string_view group, std::string_view guid) override {
        return call([&](SqliteAccess& a) { return a.getProvision(group, guid); });
    }
    Result<std::vector<ProvisionRecord>> listProvisions(std::string_view group) override {
        return call([&](SqliteAccess& a) { return a.listProvisions(group); });
    }
    Result<void> deleteProvision(std::string_view group, std::string_view guid) override {
        return call([&](SqliteAccess& a) { return a.deleteProvision(group, guid); });
    }
    Result<UserRecord> putUser(std::string_view name, std::string_view hash,
                               std::string_view role) override {
        return call([&](SqliteAccess& a) { return a.putUser(name, hash, role); });
    }
    Result<UserRecord> getUser(std::string_view name) override {
        return call([&](SqliteAccess& a) { return a.getUser(name); });
    }
    Result<std::vector<UserRecord>> listUsers() override {
        return call([&](SqliteAccess& a) { return a.listUsers(); });
    }
    Result<void> deleteUser(std::string_view name) override {
        return call([&](SqliteAccess& a) { return a.deleteUser(name); });
    }
    Result<ApiKeyRecord> createApiKey(const ApiKeyRecord& key, std::int64_t cv) override {
        return call([&](SqliteAccess& a) { return a.createApiKey(key, cv); });
    }
    Result<ApiKeyRecord> getApiKey(std::string_view id) override {
        return call([&](SqliteAccess& a) { return a.getApiKey(id); });
    }
    Result<std::vector<ApiKeyRecord>> listApiKeys(std::string_view user) override {
        return call([&](SqliteAccess& a) { return a.listApiKeys(user); });
    }
    Result<void> deleteApiKey(std::string_view user, std::string_view id) override {
        return call([&](SqliteAccess& a) { return a.deleteApiKey(user, id); });
    }
    Result<IntentRecord> beginIntent(const IntentRequest& request) override {
        return call([&](SqliteAccess& a) { return a.beginIntent(request); });
    }
    Result<IntentRecord> completeIntent(std::string_view token, IntentState state,
                                        std::string_view detail) override {
        return call([&](SqliteAccess& a) { return a.completeIntent(token, state, detail); });
    }
    Result<IntentRecord> getIntent(std::string_view token) override {
        return call([&](SqliteAccess& a) { return a.getIntent(token); });
    }
    Result<std::vector<IntentRecord>> openIntents() override {
        return call([&](SqliteAccess& a) { return a.openIntents(); });
    }
    Result<std::vector<IntentRecord>> intentsFor(std::string_view group) override {
        return call([&](SqliteAccess& a) { return a.intentsFor(group); });
    }
    Result<std::int64_t> pruneIntents(std::int64_t updatedBeforeMs) override {
        return call([&](SqliteAccess& a) { return a.pruneIntents(updatedBeforeMs); });
    }

private:
    template <class F>
    auto call(F&& op) -> decltype(op(std::declval<SqliteAccess&>())) {
        if (transactingThread_.load() != std::this_thread::get_id()) {
            return fail(
                errc::txClosed,
                "transaction handle used outside its transact() callback's thread and time");
        }
        return op(access_);
    }

    SqliteAccess& access_;
    const std::atomic<std::thread::id>& transactingThread_;
};

} // namespace detail

namespace {

Result<void> runCallback(const std::function<Result<void>(Tx&)>& fn, Tx& tx) {
    // The callback is caller code: an exception must still roll back, and must not cross the
    // store's no-throw boundary.
    try {
        return fn(tx);
    } catch (const std::exception& e) {
        return fail(errc::callbackThrew, std::string("transaction callback threw: ") + e.what());
    } catch (...) {
        return fail(errc::callbackThrew, "transaction callback threw a non-standard exception");
    }
}

} // namespace

SqliteStore::SqliteStore(std::unique_ptr<SqliteAccess> access, std::string path)
    : access_(std::move(access))
    , tx_(std::make_unique<detail::SqliteTx>(*access_, transactingThread_))
    , path_(std::move(path)) {}

SqliteStore::~SqliteStore() = default;

int SqliteStore::schemaVersion() {
    return detail::sqliteSchemaVersion();
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path,
                                                       SqliteStoreOptions options) {
    auto conn = detail::SqliteConnection::open(path);
    if (!conn) {
        return unexpected(conn.error());
    }
    if (auto r = detail::configureConnection(**conn, options.busyTimeoutMs); !r) {
        return unexpected(r.error());
    }
    if (auto r = detail::migrateSchema(**conn); !r) {
        return unexpected(r.error());
    }
    Clock clock = options.clock ? std::move(options.clock) : systemClock();
    auto access = std::make_unique<SqliteAccess>(std::move(*conn), std::move(clock));
    return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(access), path));
}

template <class F>
auto SqliteStore::locked(F&& op) -> decltype(op(std::declval<SqliteAccess&>())) {
    if (transactingThread_.load() == std::this_thread::get_id()) {
        return fail(errc::reentrant,
                    path_ + ": store called from inside transact(); use the Tx it passes");
    }
    std::lock_guard lock(mutex_);
    return op(*access_);
}

Result<void> SqliteStore::transact(const std::function<Result<void>(Tx&)>& fn) {
    if (!fn) {
        return fail(errc::invalidArgument, "transact() needs a callback");
    }
    return locked([&](SqliteAccess& access) -> Result<void> {
        if (auto r = access.beginTransaction(); !r) {
            return r;
        }
        transactingThread_ = std::this_thread::get_id();
        Result<void> result = runCallback(fn, *tx_);
        transactingThread_ = std::thread::id();
        if (!result) {
            access.rollbackTransaction();
            return result;
        }
        return access.commitTransaction();
    });
}

namespace {

// Runs a pragma and collects its first column, one string per row.
Result<std::vector<std::string>> pragmaRows(detail::SqliteConnection& conn, const char* sql) {
    auto stmt = conn.prepare(sql);
    if (!stmt) {
        return unexpected(stmt.error());
    }
    std::vector<std::string> rows;
    for (;;) {
        auto row = stmt->step();
        if (!row) {
            return unexpected(row.error());
        }
        if (!*row) {
            return rows;
        }
        rows.push_back(stmt->text(0));
    }
}

} // namespace

Result<SqliteSettings> SqliteStore::settings() {
    return locked([&](SqliteAccess& access) -> Result<SqliteSettings> {
        SqliteSettings s;
        const char* pragmas[] = {"PRAGMA journal_mode", "PRAGMA synchronous", "PRAGMA foreign_keys",
                                 "PRAGMA busy_timeout", "PRAGMA user_version"};
        std::vector<std::string> values;
        for (const char* pragma : pragmas) {
            auto rows = pragmaRows(access.connection(), pragma);
            if (!rows) {
                return unexpected(rows.error());
            }
            values.push_back(rows->empty() ? std::string() : rows->front());
        }
        auto number = [](const std::string& text) {
            return parseInt(text).value_or(-1);
        };
        s.journalMode = values[0];
        s.synchronous = static_cast<int>(number(values[1]));
        s.foreignKeys = number(values[2]) == 1;
        s.busyTimeoutMs = number(values[3]);
        s.schemaVersion = static_cast<int>(number(values[4]));
        return s;
    });
}

Result<std::string> SqliteStore::integrityCheck() {
    return locked([&](SqliteAccess& access) -> Result<std::string> {
        auto rows = pragmaRows(access.connection(), "PRAGMA integrity_check");
        if (!rows) {
            return unexpected(rows.error());
        }
        // integrity_check does not look at foreign keys: a provision without its node group would
        // pass it.
        auto orphans = pragmaRows(access.connection(), "PRAGMA foreign_key_check");
        if (!orphans) {
            return unexpected(orphans.error());
        }
        std::string report;
        for (const auto& row : *rows) {
            report += (report.empty() ? "" : "\n") + row;
        }
        for (const auto& table : *orphans) {
            report += "\nforeign key violation in " + table;
        }
        return report;
    });
}

// ---- forwarding: each public call is one locked, atomic operation ----

Result<NodeGroupRecord> SqliteStore::putNodeGroup(std::string_view name,
                                                  const nlohmann::json& config,
                                                  std::optional<std::int64_t> expectedVersion) {
    return locked([&](SqliteAccess& a) { return a.putNodeGroup(name, config, expectedVersion); });
}

Result<NodeGroupRecord> SqliteStore::createNodeGroup(std::string_view name,
                                                     const nlohmann::json& config) {
    return locked([&](SqliteAccess& a) { return a.createNodeGroup(name, config); });
}

Result<NodeGroupRecord> SqliteStore::getNodeGroup(std::string_view name) {
    return locked([&](SqliteAccess& a) { return a.getNodeGroup(name); });
}

Result<std::vector<NodeGroupRecord>> SqliteStore::listNodeGroups() {
    return locked([&](SqliteAccess& a) { return a.listNodeGroups(); });
}

Result<void> SqliteStore::deleteNodeGroup(std::string_view name,
                                          std::optional<std::int64_t> expectedVersion) {
    return locked([&](SqliteAccess& a) { return a.deleteNodeGroup(name, expectedVersion); });
}

Result<ProvisionRecord> SqliteStore::putProvision(std::string_view nodeGroup, std::string_view guid,
                                                  const nlohmann::json& doc,
                                                  std::optional<std::int64_t> expectedVersion) {
    return locked(
        [&](SqliteAccess& a) { return a.putProvision(nodeGroup, guid, doc, expectedVersion); });
}

Result<ProvisionRecord> SqliteStore::createProvision(std::string_view nodeGroup,
                                                     std::string_view guid,
                                                     const nlohmann::json& doc) {
    return locked([&](SqliteAccess& a) { return a.createProvision(nodeGroup, guid, doc); });
}

Result<ProvisionRecord> SqliteStore::getProvision(std::string_view nodeGroup,
                                                  std::string_view guid) {
    return locked([&](SqliteAccess& a) { return a.getProvision(nodeGroup, guid); });
}

Result<std::vector<ProvisionRecord>> SqliteStore::listProvisions(std::string_view nodeGroup) {
    return locked([&](SqliteAccess& a) { return a.listProvisions(nodeGroup); });
}

Result<void> SqliteStore::deleteProvision(std::string_view nodeGroup, std::string_view guid) {
    return locked([&](SqliteAccess& a) { return a.deleteProvision(nodeGroup, guid); });
}

Result<UserRecord> SqliteStore::putUser(std::string_view name, std::string_view passwordHash,
                                        std::string_view role) {
    return locked([&](SqliteAccess& a) { return a.putUser(name, passwordHash, role); });
}

Result<UserRecord> SqliteStore::getUser(std::string_view name) {
    return locked([&](SqliteAccess& a) { return a.getUser(name); });
}

Result<std::vector<UserRecord>> SqliteStore::listUsers() {
    return locked([&](SqliteAccess& a) { return a.listUsers(); });
}

Result<void> SqliteStore::deleteUser(std::string_view name) {
    return locked([&](SqliteAccess& a) { return a.deleteUser(name); });
}

Result<ApiKeyRecord> SqliteStore::createApiKey(const ApiKeyRecord& key,
                                               std::int64_t credentialVersion) {
    return locked([&](SqliteAccess& a) { return a.createApiKey(key, credentialVersion); });
}

Result<ApiKeyRecord> SqliteStore::getApiKey(std::string_view id) {
    return locked([&](SqliteAccess& a) { return a.getApiKey(id); });
}

Result<std::vector<ApiKeyRecord>> SqliteStore::listApiKeys(std::string_view user) {
    return locked([&](SqliteAccess& a) { return a.listApiKeys(user); });
}

Result<void> SqliteStore::deleteApiKey(std::string_view user, std::string_view id) {
    return locked([&](SqliteAccess& a) { return a.deleteApiKey(user, id); });
}

Result<IntentRecord> SqliteStore::beginIntent(const IntentRequest& request) {
    return locked([&](SqliteAccess& a) { return a.beginIntent(request); });
}

Result<IntentRecord> SqliteStore::completeIntent(std::string_view token, IntentState state,
                                                 std::string_view detail) {
    return locked([&](SqliteAccess& a) { return a.completeIntent(token, state, detail); });
}

Result<IntentRecord> SqliteStore::getIntent(std::string_view token) {
    return locked([&](SqliteAccess& a) { return a.getIntent(token); });
}

Result<std::vector<IntentRecord>> SqliteStore::openIntents() {
    return locked([&](SqliteAccess& a) { return a.openIntents(); });
}

Result<std::vector<IntentRecord>> SqliteStore::intentsFor(std::string_view nodeGroup) {
    return locked([&](SqliteAccess& a) { return a.intentsFor(nodeGroup); });
}

Result<std::int64_t> SqliteStore::pruneIntents(std::int64_t updatedBeforeMs) {
    return locked([&](SqliteAccess& a) { return a.pruneIntents(updatedBeforeMs); });
}

} // namespace sy::store
