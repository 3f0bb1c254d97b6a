#pragma once
// The embedded StateStore: one SQLite file in the data directory.
//
// Durability: WAL journal with synchronous=FULL, so a call that returned success has reached the
// disk (fsync of the log) and survives a crash or a power loss; see sqliteschema.cpp for why FULL
// rather than NORMAL. Every call takes the store's mutex and may block on that fsync, which is
// why the engine calls the store off its strand.

#include "core/store/statestore.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace sy::store {

namespace detail {
class SqliteAccess;
class SqliteTx;
} // namespace detail

struct SqliteStoreOptions {
    Clock clock = systemClock();
    int busyTimeoutMs = 5000; // how long to wait for another process holding the write lock
};

// The connection's settings as SQLite reports them (for diagnostics and tests).
struct SqliteSettings {
    std::string journalMode; // "wal"
    int synchronous = 0;     // 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
    bool foreignKeys = false;
    std::int64_t busyTimeoutMs = 0;
    int schemaVersion = 0; // PRAGMA user_version
};

class SqliteStore final : public StateStore {
public:
    // Opens or creates the file, applies the pragmas and migrates the schema. A file that is not
    // a Switchyard database, is damaged or is from a newer version gives an error naming it.
    static Result<std::unique_ptr<SqliteStore>> open(const std::string& path,
                                                     SqliteStoreOptions options = {});
    ~SqliteStore() override;
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;

    const std::string& path() const { return path_; }
    static int schemaVersion(); // the version this build writes
    Result<SqliteSettings> settings();
    // "ok", or SQLite's findings (integrity_check, then foreign_key_check), one per line.
    Result<std::string> integrityCheck();

    Result<void> transact(const std::function<Result<void>(Tx&)>& fn) override;

    Result<NodeGroupRecord> putNodeGroup(std::string_view name, const nlohmann::json& config,
                                         std::optional<std::int64_t> expectedVersion = {}) override;
    Result<NodeGroupRecord> createNodeGroup(std::string_view name,
                                            const nlohmann::json& config) override;
    Result<NodeGroupRecord> getNodeGroup(std::string_view name) override;
    Result<std::vector<NodeGroupRecord>> listNodeGroups() override;
    Result<void> deleteNodeGroup(std::string_view name,
                                 std::optional<std::int64_t> expectedVersion = {}) override;

    Result<ProvisionRecord> putProvision(std::string_view nodeGroup, std::string_view guid,
                                         const nlohmann::json& doc,
                                         std::optional<std::int64_t> expectedVersion = {}) override;
    Result<ProvisionRecord> createProvision(std::string_view nodeGroup, std::string_view guid,
                                            const nlohmann::json& doc) override;
    Result<ProvisionRecord> getProvision(std::string_view nodeGroup,
                                         std::string_view guid) override;
    Result<std::vector<ProvisionRecord>> listProvisions(std::string_view nodeGroup) override;
    Result<void> deleteProvision(std::string_view nodeGroup, std::string_view guid) override;

    Result<UserRecord> putUser(std::string_view name, std::string_view passwordHash,
                               std::string_view role) override;
    Result<UserRecord> getUser(std::string_view name) override;
    Result<std::vector<UserRecord>> listUsers() override;
    Result<void> deleteUser(std::string_view name) override;
    Result<ApiKeyRecord> createApiKey(const ApiKeyRecord& key,
                                      std::int64_t credentialVersion) override;
    Result<ApiKeyRecord> getApiKey(std::string_view id) override;
    Result<std::vector<ApiKeyRecord>> listApiKeys(std::string_view user) override;
    Result<void> deleteApiKey(std::string_view user, std::string_view id) override;

    Result<IntentRecord> beginIntent(const IntentRequest& request) override;
    Result<IntentRecord> completeIntent(std::string_view token, IntentState state,
                                        std::string_view detail) override;
    Result<IntentRecord> getIntent(std::string_view token) override;
    Result<std::vector<IntentRecord>> openIntents() override;
    Result<std::vector<IntentRecord>> intentsFor(std::string_view nodeGroup) override;
    Result<std::int64_t> pruneIntents(std::int64_t updatedBeforeMs) override;

private:
    SqliteStore(std::unique_ptr<detail::SqliteAccess> access, std::string path);

    // Runs op under the mutex; refuses a call from inside this thread's transact() callback,
    // which would otherwise deadlock on the mutex.
    template <class F>
    auto locked(F&& op) -> decltype(op(std::declval<detail::SqliteAccess&>()));

    std::mutex mutex_;
    std::atomic<std::thread::id> transactingThread_{};
    std::unique_ptr<detail::SqliteAccess> access_;
    std::unique_ptr<detail::SqliteTx> tx_;
    std::string path_;
};

} // namespace sy::store
