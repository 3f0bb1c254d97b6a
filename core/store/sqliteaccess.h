#pragma once
// The SQL behind SqliteStore: every StateAccess operation on one connection, each one atomic
// (its own transaction, or a savepoint inside an open one). No locking here: SqliteStore holds
// its mutex around every call.

#include "core/store/sqliteconnection.h"
#include "core/store/statestore.h"

#include <memory>

namespace sy::store::detail {

// Helpers shared by the files of SqliteAccess.
Result<void> requireName(std::string_view what, std::string_view value);
Result<std::string> serializeDocument(const nlohmann::json& doc, std::string_view what);
// A stored document that no longer parses is reported as "corrupt", naming the file and record.
Result<nlohmann::json> parseStoredDocument(std::string_view text, const std::string& path,
                                           std::string_view what);

class SqliteAccess final : public StateAccess {
public:
    SqliteAccess(std::unique_ptr<SqliteConnection> conn, Clock clock);
    ~SqliteAccess() override;

    SqliteConnection& connection() { return *conn_; }

    // The caller's transaction for StateStore::transact. While it is open every operation runs
    // in a savepoint, so a failed one is undone without undoing the others.
    Result<void> beginTransaction();
    Result<void> commitTransaction();
    void rollbackTransaction();

    Result<NodeGroupRecord> putNodeGroup(std::string_view name, const nlohmann::json& config,
                                         std::optional<std::int64_t> expectedVersion) override;
    Result<NodeGroupRecord> createNodeGroup(std::string_view name,
                                            const nlohmann::json& config) override;
    Result<NodeGroupRecord> getNodeGroup(std::string_view name) override;
    Result<std::vector<NodeGroupRecord>> listNodeGroups() override;
    Result<void> deleteNodeGroup(std::string_view name,
                                 std::optional<std::int64_t> expectedVersion) override;

    Result<ProvisionRecord> putProvision(std::string_view nodeGroup, std::string_view guid,
                                         const nlohmann::json& doc,
                                         std::optional<std::int64_t> expectedVersion) override;
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
    // Where a document lives: its table's SQL and its key (one or two parts, bound as :k1, :k2).
    struct DocumentKey;
    struct StoredDocument;

    template <class F>
    auto atomically(F&& body) -> decltype(body());

    Result<std::optional<StoredDocument>> findDocument(const DocumentKey& key);
    Result<StoredDocument> writeDocument(const DocumentKey& key, const nlohmann::json& doc,
                                         std::optional<std::int64_t> expectedVersion,
                                         bool createOnly);
    Result<void> removeDocument(const DocumentKey& key, std::optional<std::int64_t> expected);
    Result<std::int64_t> nextRevision();
    Result<void> requireNodeGroup(std::string_view name);
    Result<std::vector<IntentRecord>> queryIntents(const char* sql, std::string_view nodeGroup);
    Result<std::optional<IntentRecord>> findIntent(std::string_view token);
    static Result<IntentRecord> sameIntent(IntentRecord existing, const IntentRequest& request);

    std::unique_ptr<SqliteConnection> conn_;
    Clock clock_;
    bool callerTransaction_ = false;
    int depth_ = 0; // operations currently inside atomically()
};

// Runs body in its own transaction, or in a savepoint when a transaction is already open (the
// caller's, or an enclosing operation's), and undoes everything body wrote if it fails.
template <class F>
auto SqliteAccess::atomically(F&& body) -> decltype(body()) {
    struct Depth {
        int& depth;
        explicit Depth(int& d)
            : depth(++d) {}
        ~Depth() { --depth; }
    };
    if (callerTransaction_ || depth_ > 0) {
        // SQLite rolls a whole transaction back on its own after some errors (disk full, I/O).
        // Carrying on in autocommit mode would commit the rest of the batch piecemeal.
        if (conn_->autocommit()) {
            return fail(errc::storage,
                        conn_->path() + ": transaction already rolled back by an earlier error");
        }
        if (auto r = conn_->exec("SAVEPOINT op"); !r) {
            return unexpected(r.error());
        }
        auto result = [&] {
            Depth guard(depth_);
            return body();
        }();
        if (!result && !conn_->autocommit()) {
            (void)conn_->exec("ROLLBACK TO op");
        }
        if (!conn_->autocommit()) {
            if (auto r = conn_->exec("RELEASE op"); !r && result) {
                return unexpected(r.error());
            }
        }
        return result;
    }
    // IMMEDIATE takes the write lock up front: a read-then-write (compare-and-set) cannot be
    // overtaken by another writer between its read and its write.
    if (auto r = conn_->exec("BEGIN IMMEDIATE"); !r) {
        return unexpected(r.error());
    }
    auto result = [&] {
        Depth guard(depth_);
        return body();
    }();
    if (result) {
        if (auto r = conn_->exec("COMMIT"); !r) {
            result = unexpected(r.error());
        }
    }
    if (!conn_->autocommit()) {
        (void)conn_->exec("ROLLBACK");
    }
    return result;
}

} // namespace sy::store::detail
