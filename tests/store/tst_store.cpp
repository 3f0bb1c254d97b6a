// Tests of core/store: SqliteStore semantics, settings, corruption handling, and durability of
// acknowledged writes across SIGKILL (with store_crash_writer).

#include "core/store/sqlitestore.h"
#include "crashdriver.h"
#include "crashmodel.h"
#include "storetestsupport.h"

#include <QRandomGenerator>
#include <QTemporaryDir>

#include <map>
#include <random>
#include <stdexcept>
#include <thread>

using namespace sy::store;
using namespace storetest;
using nlohmann::json;

class TestStore : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> dir_;
    std::int64_t now_ = 1000;
    std::unique_ptr<SqliteStore> store_;

    std::string path(const char* name = "state.db") const {
        return dir_->filePath(QString::fromUtf8(name)).toStdString();
    }
    std::unique_ptr<SqliteStore> open(const std::string& file) {
        auto store = SqliteStore::open(file, {[this] { return now_; }, 5000});
        if (!store) {
            qWarning("open failed: %s", store.error().message.c_str());
            return nullptr;
        }
        return std::move(store).value();
    }

private slots:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        QVERIFY(dir_->isValid());
        now_ = 1000;
        store_ = open(path());
        QVERIFY(store_);
    }
    void cleanup() {
        store_.reset();
        dir_.reset();
    }

    void settingsAreDurable() {
        auto s = store_->settings();
        SY_VERIFY_OK(s);
        QCOMPARE(s->journalMode, std::string("wal"));
        QCOMPARE(s->synchronous, 2); // FULL
        QVERIFY(s->foreignKeys);
        QCOMPARE(s->busyTimeoutMs, std::int64_t(5000));
        QCOMPARE(s->schemaVersion, SqliteStore::schemaVersion());
        // WAL is a property of the file: another connection sees it too.
        QCOMPARE(rawQuery(path(), "PRAGMA journal_mode"), std::string("wal"));
    }

    void nodeGroupRoundTrip() {
        auto first = store_->putNodeGroup("eu", {{"a", 1}});
        SY_VERIFY_OK(first);
        QVERIFY(first->version > 0);
        QCOMPARE(first->createdMs, std::int64_t(1000));
        now_ = 2000;
        auto second = store_->putNodeGroup("eu", {{"a", 2}, {"roles", {"origin", "edge"}}});
        SY_VERIFY_OK(second);
        QVERIFY(second->version > first->version);
        QCOMPARE(second->createdMs, std::int64_t(1000));
        QCOMPARE(second->updatedMs, std::int64_t(2000));
        auto got = store_->getNodeGroup("eu");
        SY_VERIFY_OK(got);
        SY_COMPARE_JSON(got->config, second->config);
        QCOMPARE(got->version, second->version);
        QCOMPARE(got->updatedMs, std::int64_t(2000));
        SY_VERIFY_OK(store_->putNodeGroup("asia", json::object()));
        auto all = store_->listNodeGroups();
        SY_VERIFY_OK(all);
        QCOMPARE(all->size(), std::size_t(2));
        QCOMPARE(all->at(0).name, std::string("asia"));
        SY_COMPARE_JSON(all->at(1).config, second->config);
        SY_VERIFY_ERROR(store_->getNodeGroup("nope"), errc::notFound);
    }

    void compareAndSet_data() {
        QTest::addColumn<int>("offset");
        QTest::addColumn<bool>("accepted");
        QTest::addRow("current version") << 0 << true;
        QTest::addRow("stale version") << -1 << false;
        QTest::addRow("future version") << 5 << false;
    }
    void compareAndSet() {
        QFETCH(int, offset);
        QFETCH(bool, accepted);
        SY_VERIFY_OK(store_->putNodeGroup("eu", {{"v", 0}}));
        auto base = store_->putNodeGroup("eu", {{"v", 1}});
        SY_VERIFY_OK(base);
        auto put = store_->putNodeGroup("eu", {{"v", 2}}, base->version + offset);
        QCOMPARE(put.ok(), accepted);
        auto stored = store_->getNodeGroup("eu");
        SY_VERIFY_OK(stored);
        if (accepted) {
            QVERIFY(put->version > base->version);
            SY_COMPARE_JSON(stored->config, json({{"v", 2}}));
        } else {
            QCOMPARE(put.error().code, std::string(errc::conflict));
            SY_COMPARE_JSON(stored->config, json({{"v", 1}}));
            QCOMPARE(stored->version, base->version);
        }
    }

    void compareAndSetOnMissingGroupConflicts() {
        SY_VERIFY_ERROR(store_->putNodeGroup("ghost", json::object(), 1), errc::conflict);
        SY_VERIFY_ERROR(store_->getNodeGroup("ghost"), errc::notFound);
    }

    void createOnlyRefusesTakenName() {
        SY_VERIFY_OK(store_->createNodeGroup("eu", {{"first", true}}));
        SY_VERIFY_ERROR(store_->createNodeGroup("eu", {{"first", false}}), errc::exists);
        SY_COMPARE_JSON(store_->getNodeGroup("eu")->config, json({{"first", true}}));
    }

    void versionIsNeverReusedAfterDelete() {
        auto old = store_->putNodeGroup("eu", {{"gen", 1}});
        SY_VERIFY_OK(old);
        SY_VERIFY_OK(store_->deleteNodeGroup("eu"));
        auto reborn = store_->putNodeGroup("eu", {{"gen", 2}});
        SY_VERIFY_OK(reborn);
        QVERIFY(reborn->version > old->version);
        // A writer still holding the old version must not overwrite the new group (no ABA).
        SY_VERIFY_ERROR(store_->putNodeGroup("eu", {{"gen", 1}}, old->version), errc::conflict);
    }

    void deleteNodeGroupChecksExistenceAndVersion() {
        SY_VERIFY_ERROR(store_->deleteNodeGroup("ghost"), errc::notFound);
        auto g = store_->putNodeGroup("eu", json::object());
        SY_VERIFY_OK(g);
        SY_VERIFY_ERROR(store_->deleteNodeGroup("eu", g->version - 1), errc::conflict);
        SY_VERIFY_OK(store_->getNodeGroup("eu"));
        SY_VERIFY_OK(store_->deleteNodeGroup("eu", g->version));
        SY_VERIFY_ERROR(store_->getNodeGroup("eu"), errc::notFound);
    }

    void provisionsRoundTrip() {
        SY_VERIFY_OK(store_->putNodeGroup("eu", json::object()));
        SY_VERIFY_OK(store_->putNodeGroup("us", json::object()));
        SY_VERIFY_OK(store_->createProvision("eu", "p2", {{"n", 2}}));
        auto p1 = store_->createProvision("eu", "p1", {{"n", 1}});
        SY_VERIFY_OK(p1);
        SY_VERIFY_OK(store_->createProvision("us", "p1", {{"n", 9}}));
        SY_VERIFY_ERROR(store_->createProvision("eu", "p1", {{"n", 0}}), errc::exists);

        auto list = store_->listProvisions("eu");
        SY_VERIFY_OK(list);
        QCOMPARE(list->size(), std::size_t(2));
        QCOMPARE(list->at(0).guid, std::string("p1"));
        SY_COMPARE_JSON(list->at(0).doc, json({{"n", 1}}));
        QCOMPARE(list->at(1).nodeGroup, std::string("eu"));

        auto updated = store_->putProvision("eu", "p1", {{"n", 10}}, p1->version);
        SY_VERIFY_OK(updated);
        QVERIFY(updated->version > p1->version);
        SY_VERIFY_ERROR(store_->putProvision("eu", "p1", {{"n", 11}}, p1->version), errc::conflict);
        SY_COMPARE_JSON(store_->getProvision("eu", "p1")->doc, json({{"n", 10}}));
        SY_COMPARE_JSON(store_->getProvision("us", "p1")->doc, json({{"n", 9}}));

        SY_VERIFY_OK(store_->deleteProvision("eu", "p2"));
        SY_VERIFY_ERROR(store_->deleteProvision("eu", "p2"), errc::notFound);
        SY_VERIFY_ERROR(store_->getProvision("eu", "p2"), errc::notFound);
    }

    void provisionNeedsItsNodeGroup() {
        SY_VERIFY_ERROR(store_->createProvision("ghost", "p1", json::object()), errc::notFound);
        SY_VERIFY_ERROR(store_->putProvision("ghost", "p1", json::object()), errc::notFound);
        QVERIFY(store_->listProvisions("ghost")->empty());
    }

    void deletingNodeGroupDeletesItsProvisions() {
        SY_VERIFY_OK(store_->putNodeGroup("eu", json::object()));
        SY_VERIFY_OK(store_->putNodeGroup("us", json::object()));
        for (const char* guid : {"a", "b", "c"}) {
            SY_VERIFY_OK(store_->createProvision("eu", guid, {{"g", guid}}));
        }
        SY_VERIFY_OK(store_->createProvision("us", "a", json::object()));
        SY_VERIFY_OK(store_->deleteNodeGroup("eu"));
        QVERIFY(store_->listProvisions("eu")->empty());
        SY_VERIFY_ERROR(store_->getProvision("eu", "a"), errc::notFound);
        SY_VERIFY_OK(store_->getProvision("us", "a"));
        // A group re-created under the same name starts empty: nothing is resurrected.
        SY_VERIFY_OK(store_->putNodeGroup("eu", json::object()));
        QVERIFY(store_->listProvisions("eu")->empty());
        QCOMPARE(store_->integrityCheck().value(), std::string("ok"));
    }

    void usersRoundTrip() {
        SY_VERIFY_OK(store_->putUser("bob", "hash-b", "viewer"));
        auto alice = store_->putUser("alice", "hash-1", "admin");
        SY_VERIFY_OK(alice);
        QCOMPARE(alice->createdMs, std::int64_t(1000));
        now_ = 5000;
        auto changed = store_->putUser("alice", "hash-2", "operator");
        SY_VERIFY_OK(changed);
        QCOMPARE(changed->createdMs, std::int64_t(1000)); // kept from the first put
        auto got = store_->getUser("alice");
        SY_VERIFY_OK(got);
        QCOMPARE(got->passwordHash, std::string("hash-2"));
        QCOMPARE(got->role, std::string("operator"));
        QCOMPARE(got->createdMs, std::int64_t(1000));
        auto all = store_->listUsers();
        SY_VERIFY_OK(all);
        QCOMPARE(all->size(), std::size_t(2));
        QCOMPARE(all->at(0).name, std::string("alice"));
        SY_VERIFY_OK(store_->deleteUser("alice"));
        SY_VERIFY_ERROR(store_->getUser("alice"), errc::notFound);
        SY_VERIFY_ERROR(store_->deleteUser("alice"), errc::notFound);
    }

    // Every put takes a new credential version, never one seen before (also after a delete and
    // re-create), and drops the user's API keys; a key is stored only under the current version.
    void credentialVersionsAndApiKeys() {
        auto first = store_->putUser("alice", "h1", "admin");
        SY_VERIFY_OK(first);
        QVERIFY(first->credentialVersion > 0);
        QCOMPARE(store_->getUser("alice")->credentialVersion, first->credentialVersion);
        const ApiKeyRecord k1{"k1", "alice", "admin", 1000, 9000};
        SY_VERIFY_OK(store_->createApiKey(k1, first->credentialVersion));
        SY_VERIFY_OK(
            store_->createApiKey({"k2", "alice", "admin", 1001, 9000}, first->credentialVersion));
        SY_VERIFY_ERROR(store_->createApiKey(k1, first->credentialVersion), errc::exists);
        SY_VERIFY_ERROR(store_->createApiKey({"k3", "bob", "admin", 1, 9000}, 0), errc::notFound);
        SY_VERIFY_ERROR(
            store_->createApiKey({"k3", "alice", "admin", 1, 9000}, first->credentialVersion - 1),
            errc::conflict);
        auto keys = store_->listApiKeys("alice");
        SY_VERIFY_OK(keys);
        QCOMPARE(keys->size(), std::size_t(2));
        QCOMPARE(keys->at(0).id, std::string("k1"));
        QCOMPARE(keys->at(0).expiresMs, std::int64_t(9000));
        QCOMPARE(store_->getApiKey("k2")->user, std::string("alice"));
        SY_VERIFY_ERROR(store_->deleteApiKey("bob", "k2"), errc::notFound);
        SY_VERIFY_OK(store_->deleteApiKey("alice", "k2"));
        SY_VERIFY_ERROR(store_->getApiKey("k2"), errc::notFound);

        auto changed = store_->putUser("alice", "h2", "admin");
        SY_VERIFY_OK(changed);
        QVERIFY(changed->credentialVersion > first->credentialVersion);
        QVERIFY(store_->listApiKeys("alice")->empty()); // a changed user keeps no key
        SY_VERIFY_OK(store_->createApiKey(k1, changed->credentialVersion));
        SY_VERIFY_OK(store_->deleteUser("alice"));
        SY_VERIFY_ERROR(store_->getApiKey("k1"), errc::notFound); // gone with the user
        auto again = store_->putUser("alice", "h2", "admin");
        SY_VERIFY_OK(again);
        QVERIFY(again->credentialVersion > changed->credentialVersion);
    }

    // A data directory written before credential versions: its users stay (version 0, which
    // tokens without a version match) and API keys can be stored at once.
    void version1DatabaseIsMigrated() {
        store_.reset();
        const std::string old = path("v1.db");
        QVERIFY(rawExec(old, R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('revision', 7);
CREATE TABLE node_groups (name TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL,
    version INTEGER NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL)
    WITHOUT ROWID;
CREATE TABLE provisions (
    node_group TEXT NOT NULL REFERENCES node_groups (name) ON DELETE CASCADE,
    guid TEXT NOT NULL, doc TEXT NOT NULL, version INTEGER NOT NULL,
    created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, PRIMARY KEY (node_group, guid))
    WITHOUT ROWID;
CREATE TABLE users (name TEXT PRIMARY KEY NOT NULL, password_hash TEXT NOT NULL,
    role TEXT NOT NULL, created_ms INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO users VALUES ('admin', 'old-hash', 'admin', 42);
CREATE TABLE intents (id INTEGER PRIMARY KEY AUTOINCREMENT, token TEXT NOT NULL UNIQUE,
    node_group TEXT NOT NULL, action TEXT NOT NULL, node_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed', 'abandoned')),
    payload TEXT NOT NULL, detail TEXT NOT NULL, created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL);
CREATE INDEX intents_pending ON intents (id) WHERE state = 'pending';
CREATE INDEX intents_by_group ON intents (node_group, id);
PRAGMA user_version = 1;
)sql"));
        auto migrated = open(old);
        QVERIFY(migrated);
        QCOMPARE(migrated->settings()->schemaVersion, SqliteStore::schemaVersion());
        auto admin = migrated->getUser("admin");
        SY_VERIFY_OK(admin);
        QCOMPARE(admin->passwordHash, std::string("old-hash"));
        QCOMPARE(admin->createdMs, std::int64_t(42));
        QCOMPARE(admin->credentialVersion, std::int64_t(0));
        SY_VERIFY_OK(migrated->createApiKey({"k", "admin", "admin", 1, 2}, 0));
        QCOMPARE(migrated->listApiKeys("admin")->size(), std::size_t(1));
        auto changed = migrated->putUser("admin", "new-hash", "admin");
        SY_VERIFY_OK(changed);
        QVERIFY(changed->credentialVersion > 7); // from the revision counter, never reused
    }

    void beginIntentIsIdempotent() {
        auto first = store_->beginIntent(request("t1"));
        SY_VERIFY_OK(first);
        QCOMPARE(name(first->state), name(IntentState::Pending));
        QCOMPARE(first->createdMs, std::int64_t(1000));
        now_ = 2000;
        auto retry = request("t1");
        retry.payload = {{"size", "xl"}};
        auto again = store_->beginIntent(retry);
        SY_VERIFY_OK(again);
        QCOMPARE(again->id, first->id);
        SY_COMPARE_JSON(again->payload, first->payload); // the stored entry, not the retry
        QCOMPARE(again->createdMs, std::int64_t(1000));
        QCOMPARE(store_->intentsFor("eu")->size(), std::size_t(1));
        // The same token for another action is a caller bug, not a retry.
        SY_VERIFY_ERROR(store_->beginIntent(request("t1", "eu", "destroy-node")), errc::conflict);
        SY_VERIFY_ERROR(store_->beginIntent(request("t1", "us")), errc::conflict);
        auto second = store_->beginIntent(request("t2"));
        SY_VERIFY_OK(second);
        QVERIFY(second->id > first->id);
    }

    void intentLifecycle() {
        for (const char* token : {"t1", "t2", "t3"}) {
            SY_VERIFY_OK(store_->beginIntent(request(token)));
        }
        auto open = store_->openIntents();
        SY_VERIFY_OK(open);
        QCOMPARE(open->size(), std::size_t(3));
        QCOMPARE(open->at(0).idempotencyToken, std::string("t1"));
        QCOMPARE(open->at(2).idempotencyToken, std::string("t3"));
        now_ = 3000;
        auto done = store_->completeIntent("t2", IntentState::Done, "node-7 running");
        SY_VERIFY_OK(done);
        QCOMPARE(name(done->state), name(IntentState::Done));
        QCOMPARE(done->updatedMs, std::int64_t(3000));
        auto got = store_->getIntent("t2");
        SY_VERIFY_OK(got);
        QCOMPARE(name(got->state), name(IntentState::Done));
        QCOMPARE(got->detail, std::string("node-7 running"));
        QCOMPARE(got->createdMs, std::int64_t(1000));
        QCOMPARE(got->nodeId, std::string("node-1"));
        open = store_->openIntents();
        QCOMPARE(open->size(), std::size_t(2));
        QCOMPARE(open->at(1).idempotencyToken, std::string("t3"));
        // A begin retried after completion returns the finished entry: the caller skips it.
        QCOMPARE(name(store_->beginIntent(request("t2"))->state), name(IntentState::Done));
    }

    void invalidTransitions_data() {
        QTest::addColumn<int>("first");  // -1: leave Pending
        QTest::addColumn<int>("second"); // the refused transition
        const auto s = [](IntentState v) {
            return static_cast<int>(v);
        };
        QTest::addRow("pending to pending") << -1 << s(IntentState::Pending);
        QTest::addRow("done to failed") << s(IntentState::Done) << s(IntentState::Failed);
        QTest::addRow("done to done") << s(IntentState::Done) << s(IntentState::Done);
        QTest::addRow("failed to done") << s(IntentState::Failed) << s(IntentState::Done);
        QTest::addRow("abandoned to done") << s(IntentState::Abandoned) << s(IntentState::Done);
        QTest::addRow("done to pending") << s(IntentState::Done) << s(IntentState::Pending);
    }
    void invalidTransitions() {
        QFETCH(int, first);
        QFETCH(int, second);
        SY_VERIFY_OK(store_->beginIntent(request("t")));
        if (first >= 0) {
            SY_VERIFY_OK(store_->completeIntent("t", IntentState(first), "first"));
        }
        SY_VERIFY_ERROR(store_->completeIntent("t", IntentState(second), "second"),
                        errc::invalidTransition);
        auto stored = store_->getIntent("t");
        SY_VERIFY_OK(stored);
        QCOMPARE(static_cast<int>(stored->state), first >= 0 ? first : 0);
        QCOMPARE(stored->detail, std::string(first >= 0 ? "first" : ""));
    }

    void completeUnknownIntentIsNotFound() {
        SY_VERIFY_ERROR(store_->completeIntent("ghost", IntentState::Done, ""), errc::notFound);
        SY_VERIFY_ERROR(store_->getIntent("ghost"), errc::notFound);
    }

    void intentsForGroupAndPrune() {
        SY_VERIFY_OK(store_->beginIntent(request("eu-1", "eu")));
        SY_VERIFY_OK(store_->beginIntent(request("us-1", "us")));
        SY_VERIFY_OK(store_->beginIntent(request("eu-2", "eu")));
        SY_VERIFY_OK(store_->beginIntent(request("eu-3", "eu")));
        auto eu = store_->intentsFor("eu");
        SY_VERIFY_OK(eu);
        QCOMPARE(eu->size(), std::size_t(3));
        QCOMPARE(eu->at(1).idempotencyToken, std::string("eu-2"));
        SY_VERIFY_OK(store_->completeIntent("eu-1", IntentState::Done, ""));
        now_ = 9000;
        SY_VERIFY_OK(store_->completeIntent("eu-2", IntentState::Failed, "quota"));
        auto pruned = store_->pruneIntents(5000);
        SY_VERIFY_OK(pruned);
        QCOMPARE(*pruned, std::int64_t(1)); // eu-1 only: eu-2 is recent, eu-3 and us-1 pending
        QCOMPARE(store_->intentsFor("eu")->size(), std::size_t(2));
        QCOMPARE(store_->openIntents()->size(), std::size_t(2));
    }

    void transactionCommitsEverything() {
        auto r = store_->transact([](Tx& tx) -> sy::Result<void> {
            if (auto g = tx.createNodeGroup("eu", {{"a", 1}}); !g) {
                return sy::unexpected(g.error());
            }
            if (auto p = tx.createProvision("eu", "p1", json::object()); !p) {
                return sy::unexpected(p.error());
            }
            if (auto u = tx.putUser("ops", "h", "admin"); !u) {
                return sy::unexpected(u.error());
            }
            if (auto t = tx.beginIntent(request("t1")); !t) {
                return sy::unexpected(t.error());
            }
            // Reads inside the transaction see its own writes.
            return tx.getProvision("eu", "p1").ok() ? sy::Result<void>() : sy::fail("test", "read");
        });
        SY_VERIFY_OK(r);
        SY_VERIFY_OK(store_->getNodeGroup("eu"));
        SY_VERIFY_OK(store_->getProvision("eu", "p1"));
        SY_VERIFY_OK(store_->getUser("ops"));
        QCOMPARE(store_->openIntents()->size(), std::size_t(1));
    }

    void transactionRollsBack_data() {
        QTest::addColumn<bool>("throws");
        QTest::addRow("callback returns an error") << false;
        QTest::addRow("callback throws") << true;
    }
    void transactionRollsBack() {
        QFETCH(bool, throws);
        auto keep = store_->putNodeGroup("keep", {{"old", true}});
        SY_VERIFY_OK(keep);
        auto r = store_->transact([&](Tx& tx) -> sy::Result<void> {
            bool ok = tx.putNodeGroup("keep", {{"old", false}}).ok() &&
                      tx.createNodeGroup("new", json::object()).ok() &&
                      tx.createProvision("keep", "p", json::object()).ok() &&
                      tx.putUser("u", "h", "r").ok() && tx.beginIntent(request("t")).ok() &&
                      tx.deleteNodeGroup("keep").ok();
            if (!ok) {
                return sy::fail("test", "a write inside the transaction failed");
            }
            if (throws) {
                throw std::runtime_error("boom");
            }
            return sy::fail("test", "caller gave up");
        });
        SY_VERIFY_ERROR(r, throws ? errc::callbackThrew : "test");
        auto stored = store_->getNodeGroup("keep");
        SY_VERIFY_OK(stored);
        SY_COMPARE_JSON(stored->config, json({{"old", true}}));
        QCOMPARE(stored->version, keep->version);
        SY_VERIFY_ERROR(store_->getNodeGroup("new"), errc::notFound);
        SY_VERIFY_ERROR(store_->getProvision("keep", "p"), errc::notFound);
        SY_VERIFY_ERROR(store_->getUser("u"), errc::notFound);
        SY_VERIFY_ERROR(store_->getIntent("t"), errc::notFound);
        // Even the revision counter went back: the next write takes the very next version.
        SY_COMPARE_JSON(store_->putNodeGroup("keep", json::object())->version, keep->version + 1);
    }

    void failedCallInsideTransactionIsUndoneAlone() {
        auto eu = store_->putNodeGroup("eu", {{"v", 1}});
        SY_VERIFY_OK(eu);
        auto r = store_->transact([&](Tx& tx) -> sy::Result<void> {
            if (tx.createNodeGroup("eu", json::object()).error().code != errc::exists ||
                tx.putNodeGroup("eu", {{"v", 2}}, eu->version + 7).error().code != errc::conflict ||
                tx.createProvision("ghost", "p", json::object()).error().code != errc::notFound) {
                return sy::fail("test", "expected errors");
            }
            return tx.createNodeGroup("us", json::object()).ok() ? sy::Result<void>()
                                                                 : sy::fail("test", "us");
        });
        SY_VERIFY_OK(r);
        SY_COMPARE_JSON(store_->getNodeGroup("eu")->config, json({{"v", 1}}));
        SY_VERIFY_OK(store_->getNodeGroup("us"));
    }

    void storeRefusesReentrantCalls() {
        Tx* escaped = nullptr;
        sy::Error inner;
        auto r = store_->transact([&](Tx& tx) -> sy::Result<void> {
            escaped = &tx;
            auto direct = store_->putNodeGroup("eu", json::object());
            inner = direct.ok() ? sy::Error{} : direct.error();
            return {};
        });
        SY_VERIFY_OK(r);
        QCOMPARE(inner.code, std::string(errc::reentrant));
        QVERIFY(escaped != nullptr);
        SY_VERIFY_ERROR(escaped->getNodeGroup("eu"), errc::txClosed);
        SY_VERIFY_ERROR(store_->getNodeGroup("eu"), errc::notFound);
        SY_VERIFY_ERROR(store_->transact(nullptr), errc::invalidArgument);
    }

    void reopenPersists() {
        SY_VERIFY_OK(store_->putNodeGroup("eu", {{"a", 1}}));
        SY_VERIFY_OK(store_->createProvision("eu", "p1", {{"b", 2}}));
        SY_VERIFY_OK(store_->putUser("alice", "h", "admin"));
        SY_VERIFY_OK(store_->beginIntent(request("done")));
        SY_VERIFY_OK(store_->completeIntent("done", IntentState::Done, "ok"));
        auto pending = store_->beginIntent(request("pending"));
        SY_VERIFY_OK(pending);
        const auto lastVersion = store_->getProvision("eu", "p1")->version;
        store_.reset();

        store_ = open(path());
        QVERIFY(store_);
        SY_COMPARE_JSON(store_->getNodeGroup("eu")->config, json({{"a", 1}}));
        SY_COMPARE_JSON(store_->getProvision("eu", "p1")->doc, json({{"b", 2}}));
        QCOMPARE(store_->getUser("alice")->role, std::string("admin"));
        QCOMPARE(store_->getIntent("done")->detail, std::string("ok"));
        auto open = store_->openIntents();
        SY_VERIFY_OK(open);
        QCOMPARE(open->size(), std::size_t(1));
        QCOMPARE(open->at(0).id, pending->id);
        QVERIFY(store_->putNodeGroup("eu", json::object())->version > lastVersion);
        QCOMPARE(store_->settings()->schemaVersion, SqliteStore::schemaVersion());
    }

    void concurrentCallsAreSerialised() {
        constexpr int threads = 4;
        constexpr int rounds = 25;
        std::vector<std::thread> workers;
        std::atomic<int> failures{0};
        for (int t = 0; t < threads; ++t) {
            workers.emplace_back([&, t] {
                const std::string group = "g" + std::to_string(t);
                for (int i = 0; i < rounds; ++i) {
                    const std::string token = group + "-" + std::to_string(i);
                    bool ok = store_->putNodeGroup(group, {{"i", i}}).ok() &&
                              store_->beginIntent(request(token, group)).ok() &&
                              store_->completeIntent(token, IntentState::Done, "").ok() &&
                              store_
                                  ->transact([&](Tx& tx) {
                                      return tx.putUser(token, "h", "r").ok()
                                                 ? sy::Result<void>()
                                                 : sy::fail("test", "user");
                                  })
                                  .ok();
                    failures += ok ? 0 : 1;
                }
            });
        }
        for (auto& w : workers) {
            w.join();
        }
        QCOMPARE(failures.load(), 0);
        auto groups = store_->listNodeGroups();
        SY_VERIFY_OK(groups);
        QCOMPARE(groups->size(), std::size_t(threads));
        for (const auto& g : *groups) {
            SY_COMPARE_JSON(g.config, json({{"i", rounds - 1}}));
            QCOMPARE(store_->intentsFor(g.name)->size(), std::size_t(rounds));
        }
        QCOMPARE(store_->listUsers()->size(), std::size_t(threads * rounds));
        QVERIFY(store_->openIntents()->empty());
    }

    void twoStoresOnOneFileCompareAndSet() {
        auto other = open(path());
        QVERIFY(other);
        auto v1 = store_->putNodeGroup("eu", {{"by", "a"}});
        SY_VERIFY_OK(v1);
        auto v2 = other->putNodeGroup("eu", {{"by", "b"}}, v1->version);
        SY_VERIFY_OK(v2);
        SY_VERIFY_ERROR(store_->putNodeGroup("eu", {{"by", "a"}}, v1->version), errc::conflict);
        SY_COMPARE_JSON(store_->getNodeGroup("eu")->config, json({{"by", "b"}}));
    }

    void writeLockHeldElsewhereGivesBusy() {
        auto other = SqliteStore::open(path(), {[this] { return now_; }, 100});
        SY_VERIFY_OK(other);
        sy::Result<NodeGroupRecord> blocked = sy::fail("test", "not run");
        auto r = store_->transact([&](Tx& tx) -> sy::Result<void> {
            if (auto g = tx.putNodeGroup("eu", json::object()); !g) {
                return sy::unexpected(g.error());
            }
            // This transaction holds the write lock; the other connection gives up after 100 ms.
            blocked = (*other)->putNodeGroup("us", json::object());
            return {};
        });
        SY_VERIFY_OK(r);
        SY_VERIFY_ERROR(blocked, errc::busy);
        QVERIFY(blocked.error().message.find(path()) != std::string::npos);
        SY_VERIFY_OK((*other)->putNodeGroup("us", json::object()));
    }

    void rejectsBadInput() {
        SY_VERIFY_ERROR(store_->putNodeGroup("", json::object()), errc::invalidArgument);
        SY_VERIFY_OK(store_->putNodeGroup("eu", json::object()));
        SY_VERIFY_ERROR(store_->createProvision("eu", "", json::object()), errc::invalidArgument);
        SY_VERIFY_ERROR(store_->putUser("", "h", "r"), errc::invalidArgument);
        SY_VERIFY_ERROR(store_->beginIntent(request("")), errc::invalidArgument);
        SY_VERIFY_ERROR(store_->beginIntent(request("t", "eu", "")), errc::invalidArgument);
        // nlohmann refuses to serialise invalid UTF-8; the store reports it instead of throwing.
        SY_VERIFY_ERROR(store_->putNodeGroup("eu", {{"bad", std::string("\xff\xfe")}}),
                        errc::invalidArgument);
        SY_COMPARE_JSON(store_->getNodeGroup("eu")->config, json::object());
    }

    void corruptFileGivesError_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addRow("text") << QByteArray("this is not a database\n");
        QByteArray random(64 * 1024, '\0');
        QRandomGenerator rng(42);
        for (auto& c : random) {
            c = static_cast<char>(rng.bounded(256));
        }
        QTest::addRow("random bytes") << random;
        QTest::addRow("sqlite magic then garbage")
            << QByteArray("SQLite format 3\0", 16) + QByteArray(8192, '\xa5');
    }
    void corruptFileGivesError() {
        QFETCH(QByteArray, content);
        const auto file = path("garbage.db");
        QVERIFY(writeFile(file, content));
        auto opened = SqliteStore::open(file);
        QVERIFY2(!opened.ok(), "a garbage file opened as a store");
        QCOMPARE(opened.error().code, std::string(errc::corrupt));
        QVERIFY2(opened.error().message.find(file) != std::string::npos,
                 opened.error().message.c_str());
    }

    void damagedPagesGiveErrors() {
        for (int i = 0; i < 200; ++i) {
            SY_VERIFY_OK(
                store_->putNodeGroup("g" + std::to_string(i), {{"pad", std::string(300, 'p')}}));
        }
        store_.reset(); // checkpoints the WAL into the main file
        QFile f(QString::fromStdString(path()));
        QVERIFY(f.open(QIODevice::ReadWrite));
        const qint64 pageSize = 4096;
        QVERIFY(f.size() > 8 * pageSize);
        // Keep page 1 (header and schema); smash every table page after it.
        QVERIFY(f.seek(pageSize));
        QVERIFY(f.write(QByteArray(f.size() - pageSize, '\x5a')) > 0);
        f.close();

        auto damaged = SqliteStore::open(path());
        if (!damaged) {
            QVERIFY(damaged.error().message.find(path()) != std::string::npos);
            return;
        }
        auto list = (*damaged)->listNodeGroups();
        QVERIFY2(!list.ok(), "a damaged file listed as if healthy");
        QCOMPARE(list.error().code, std::string(errc::corrupt));
        QVERIFY(list.error().message.find(path()) != std::string::npos);
        auto check = (*damaged)->integrityCheck();
        QVERIFY(!check.ok() || *check != "ok");
    }

    void corruptStoredDocumentGivesError() {
        SY_VERIFY_OK(store_->putNodeGroup("eu", {{"a", 1}}));
        SY_VERIFY_OK(store_->beginIntent(request("t")));
        QVERIFY(rawExec(path(), "UPDATE node_groups SET doc = '{broken' WHERE name = 'eu';"
                                "UPDATE intents SET payload = '[' WHERE token = 't'"));
        SY_VERIFY_ERROR(store_->getNodeGroup("eu"), errc::corrupt);
        SY_VERIFY_ERROR(store_->listNodeGroups(), errc::corrupt);
        SY_VERIFY_ERROR(store_->getIntent("t"), errc::corrupt);
        SY_VERIFY_ERROR(store_->openIntents(), errc::corrupt);
        // Overwriting repairs it: a write does not need to parse what it replaces.
        SY_VERIFY_OK(store_->putNodeGroup("eu", {{"a", 2}}));
        SY_COMPARE_JSON(store_->getNodeGroup("eu")->config, json({{"a", 2}}));
    }

    // Issue 14.1: stored documents are read with a nesting limit too, so that a row too deep to
    // copy (written by an older build, or by hand) is an error instead of a stack overflow.
    void tooDeepStoredDocumentIsRefused() {
        SY_VERIFY_OK(store_->putNodeGroup("eu", {{"a", 1}}));
        const std::string deep(200000, '[');
        const std::string sql = "UPDATE node_groups SET doc = '{\"x\": " + deep +
                                std::string(200000, ']') + "}' WHERE name = 'eu'";
        QVERIFY(rawExec(path(), sql.c_str()));
        auto got = store_->getNodeGroup("eu");
        SY_VERIFY_ERROR(got, errc::corrupt);
        QVERIFY2(got.error().message.find("nests deeper than") != std::string::npos,
                 got.error().message.c_str());
        SY_VERIFY_ERROR(store_->listNodeGroups(), errc::corrupt);
        // What the API accepts (64 levels), wrapped a little deeper when stored, still reads.
        const std::string ok = std::string(70, '[') + std::string(70, ']');
        const std::string fine =
            "UPDATE node_groups SET doc = '{\"x\": " + ok + "}' WHERE name = 'eu'";
        QVERIFY(rawExec(path(), fine.c_str()));
        SY_VERIFY_OK(store_->getNodeGroup("eu"));
    }

    void newerSchemaIsRefused() {
        store_.reset();
        QVERIFY(rawExec(path(), "PRAGMA user_version = 99"));
        auto opened = SqliteStore::open(path());
        SY_VERIFY_ERROR(opened, errc::schemaTooNew);
    }

    void unopenablePathGivesError() {
        const std::string file = "/nonexistent-switchyard-dir/state.db";
        auto opened = SqliteStore::open(file);
        QVERIFY(!opened.ok());
        QCOMPARE(opened.error().code, std::string(errc::storage));
        QVERIFY(opened.error().message.find(file) != std::string::npos);
    }

    // Durability proven, not assumed: a writer process is SIGKILLed at random points and every
    // write it acknowledged must be in the reopened file, with batches all-or-nothing.
    //
    // How this fails when durability is broken: acknowledging before COMMIT (a deferred or
    // batched commit, an open long-lived transaction) loses acked writes at the kill; a batch or a
    // multi-statement write that is not one transaction shows up half-applied; a journal mode
    // without crash safety corrupts the file (integrity_check). A SIGKILL keeps the kernel page
    // cache, so it cannot by itself tell an fsynced commit from a merely written one: the writer
    // counts WAL fsyncs through a pass-through VFS and RunModel::accept fails any ack that was
    // not preceded by one, which is what synchronous=NORMAL or OFF would produce.
    void acknowledgedWritesSurviveSigkill() {
        const QString writer = QStringLiteral(SWITCHYARD_BIN_DIR "/store_crash_writer");
        QVERIFY2(QFile::exists(writer), "store_crash_writer is not built");
        std::mt19937 rng(20240607); // seeded: the same kill points on every run
        std::uniform_int_distribution<int> killAfter(5, 300);
        std::uniform_int_distribution<int> jitterMs(0, 15);
        // Rounds 0-3 each start a fresh file; rounds 4-7 keep writing to one shared file, whose
        // earlier runs are checked again after every later kill.
        std::map<std::string, std::vector<crash::RunModel>> runsByFile;
        int verifiedAcks = 0;
        for (int round = 0; round < 8; ++round) {
            const std::string file = round < 4
                                         ? path(("fresh" + std::to_string(round) + ".db").c_str())
                                         : path("shared.db");
            const std::string prefix = "r" + std::to_string(round);
            auto& runs = runsByFile[file];
            runs.emplace_back(prefix);
            auto problems = crash::runAndKill(writer, file, prefix, runs.back(),
                                              {killAfter(rng), jitterMs(rng)}, 60000);
            auto reopened = open(file);
            QVERIFY2(reopened, file.c_str());
            for (const auto& run : runs) {
                auto found = run.verify(*reopened);
                problems.insert(problems.end(), found.begin(), found.end());
            }
            auto check = reopened->integrityCheck();
            SY_VERIFY_OK(check);
            QCOMPARE(*check, std::string("ok"));
            std::string report;
            for (const auto& p : problems) {
                report += "\n  " + p;
            }
            QVERIFY2(problems.empty(), ("round " + std::to_string(round) + report).c_str());
            verifiedAcks += runs.back().acks();
            qInfo("round %d: %d acknowledged writes survived SIGKILL (%s)", round,
                  runs.back().acks(), file.c_str());
        }
        qInfo("8 rounds, %d acknowledged writes verified", verifiedAcks);
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
