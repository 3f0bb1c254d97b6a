#include "core/store/sqliteaccess.h"

#include "core/model/jsontext.h"

#include "core/store/sqliteconnection.h"
#include "core/util/strings.h"

namespace sy::store::detail {
namespace {

// The SQL of one document table. Keys are bound as :k1 (and :k2 for two-part keys).
struct DocumentSql {
    const char* kind;
    bool twoPartKey;
    const char* select; // doc, version, created_ms, updated_ms
    const char* meta;   // version, created_ms: enough to write without parsing the old document
    const char* upsert; // binds :doc, :version, :now
    const char* remove;
};

constexpr DocumentSql kNodeGroupSql{
    "node group",
    false,
    "SELECT doc, version, created_ms, updated_ms FROM node_groups WHERE name = :k1",
    "SELECT version, created_ms FROM node_groups WHERE name = :k1",
    "INSERT INTO node_groups (name, doc, version, created_ms, updated_ms)"
    " VALUES (:k1, :doc, :version, :now, :now) ON CONFLICT (name) DO UPDATE SET"
    " doc = excluded.doc, version = excluded.version, updated_ms = excluded.updated_ms",
    "DELETE FROM node_groups WHERE name = :k1",
};

constexpr DocumentSql kProvisionSql{
    "provision",
    true,
    "SELECT doc, version, created_ms, updated_ms FROM provisions"
    " WHERE node_group = :k1 AND guid = :k2",
    "SELECT version, created_ms FROM provisions WHERE node_group = :k1 AND guid = :k2",
    "INSERT INTO provisions (node_group, guid, doc, version, created_ms, updated_ms)"
    " VALUES (:k1, :k2, :doc, :version, :now, :now) ON CONFLICT (node_group, guid) DO UPDATE SET"
    " doc = excluded.doc, version = excluded.version, updated_ms = excluded.updated_ms",
    "DELETE FROM provisions WHERE node_group = :k1 AND guid = :k2",
};

} // namespace

Result<void> requireName(std::string_view what, std::string_view value) {
    if (value.empty()) {
        return fail(errc::invalidArgument, std::string(what) + " must not be empty");
    }
    return {};
}

Result<std::string> serializeDocument(const nlohmann::json& doc, std::string_view what) {
    try {
        return doc.dump();
    } catch (const nlohmann::json::exception& e) {
        // dump() throws on strings that are not valid UTF-8.
        return fail(errc::invalidArgument,
                    std::string(what) + ": cannot store document: " + e.what());
    }
}

Result<nlohmann::json> parseStoredDocument(std::string_view text, const std::string& path,
                                           std::string_view what) {
    auto doc = model::parseJsonText(text, model::kMaxDerivedJsonDepth); // too deep: refused
    if (!doc)
        return fail(errc::corrupt,
                    path + ": " + std::string(what) + ": stored document " + doc.error());
    return std::move(doc).value();
}

struct SqliteAccess::DocumentKey {
    const DocumentSql& sql;
    std::string_view k1;
    std::string_view k2;

    std::string describe() const {
        return std::string(sql.kind) + " " + sy::quoted(k1) +
               (sql.twoPartKey ? "/" + sy::quoted(k2) : "");
    }
    void bindTo(Statement& stmt) const {
        stmt.bind(":k1", k1);
        if (sql.twoPartKey) {
            stmt.bind(":k2", k2);
        }
    }
};

struct SqliteAccess::StoredDocument {
    nlohmann::json doc;
    std::int64_t version = 0;
    std::int64_t createdMs = 0;
    std::int64_t updatedMs = 0;
};

SqliteAccess::SqliteAccess(std::unique_ptr<SqliteConnection> conn, Clock clock)
    : conn_(std::move(conn))
    , clock_(std::move(clock)) {}

SqliteAccess::~SqliteAccess() = default;

// ---- transactions ----

Result<void> SqliteAccess::beginTransaction() {
    if (auto r = conn_->exec("BEGIN IMMEDIATE"); !r) {
        return r;
    }
    callerTransaction_ = true;
    return {};
}

Result<void> SqliteAccess::commitTransaction() {
    callerTransaction_ = false;
    if (conn_->autocommit()) {
        return fail(errc::storage,
                    conn_->path() + ": transaction already rolled back by an earlier error");
    }
    auto result = conn_->exec("COMMIT");
    if (!result) {
        rollbackTransaction();
    }
    return result;
}

void SqliteAccess::rollbackTransaction() {
    callerTransaction_ = false;
    if (!conn_->autocommit()) {
        (void)conn_->exec("ROLLBACK");
    }
}

Result<std::int64_t> SqliteAccess::nextRevision() {
    auto stmt =
        conn_->prepare("UPDATE meta SET value = value + 1 WHERE key = 'revision' RETURNING value");
    if (!stmt) {
        return unexpected(stmt.error());
    }
    auto row = stmt->step();
    if (!row) {
        return unexpected(row.error());
    }
    if (!*row) {
        return fail(errc::corrupt, conn_->path() + ": the revision counter is missing");
    }
    return stmt->int64(0);
}

// ---- documents (node groups and provisions) ----

Result<std::optional<SqliteAccess::StoredDocument>>
SqliteAccess::findDocument(const DocumentKey& key) {
    auto stmt = conn_->prepare(key.sql.select);
    if (!stmt) {
        return unexpected(stmt.error());
    }
    key.bindTo(*stmt);
    auto row = stmt->step();
    if (!row) {
        return unexpected(row.error());
    }
    if (!*row) {
        return std::optional<StoredDocument>();
    }
    auto doc = parseStoredDocument(stmt->textView(0), conn_->path(), key.describe());
    if (!doc) {
        return unexpected(doc.error());
    }
    return std::optional<StoredDocument>(
        StoredDocument{std::move(*doc), stmt->int64(1), stmt->int64(2), stmt->int64(3)});
}

Result<SqliteAccess::StoredDocument>
SqliteAccess::writeDocument(const DocumentKey& key, const nlohmann::json& doc,
                            std::optional<std::int64_t> expectedVersion, bool createOnly) {
    auto text = serializeDocument(doc, key.describe());
    if (!text) {
        return unexpected(text.error());
    }
    return atomically([&]() -> Result<StoredDocument> {
        auto meta = conn_->prepare(key.sql.meta);
        if (!meta) {
            return unexpected(meta.error());
        }
        key.bindTo(*meta);
        auto row = meta->step();
        if (!row) {
            return unexpected(row.error());
        }
        const bool found = *row;
        const std::int64_t version = found ? meta->int64(0) : 0;
        const std::int64_t now = clock_();
        const std::int64_t createdMs = found ? meta->int64(1) : now;
        if (createOnly && found) {
            return fail(errc::exists, key.describe() + " already exists");
        }
        if (expectedVersion && (!found || version != *expectedVersion)) {
            return fail(errc::conflict,
                        key.describe() + ": expected version " + std::to_string(*expectedVersion) +
                            (found ? ", stored " + std::to_string(version) : ", but it is absent"));
        }
        auto revision = nextRevision();
        if (!revision) {
            return unexpected(revision.error());
        }
        auto upsert = conn_->prepare(key.sql.upsert);
        if (!upsert) {
            return unexpected(upsert.error());
        }
        key.bindTo(*upsert);
        upsert->bind(":doc", *text).bind(":version", *revision).bind(":now", now);
        if (auto r = upsert->run(); !r) {
            return unexpected(r.error());
        }
        return StoredDocument{doc, *revision, createdMs, now};
    });
}

Result<void> SqliteAccess::removeDocument(const DocumentKey& key,
                                          std::optional<std::int64_t> expected) {
    return atomically([&]() -> Result<void> {
        auto meta = conn_->prepare(key.sql.meta);
        if (!meta) {
            return unexpected(meta.error());
        }
        key.bindTo(*meta);
        auto row = meta->step();
        if (!row) {
            return unexpected(row.error());
        }
        if (!*row) {
            return fail(errc::notFound, key.describe() + " does not exist");
        }
        if (expected && meta->int64(0) != *expected) {
            return fail(errc::conflict, key.describe() + ": expected version " +
                                            std::to_string(*expected) + ", stored " +
                                            std::to_string(meta->int64(0)));
        }
        auto remove = conn_->prepare(key.sql.remove);
        if (!remove) {
            return unexpected(remove.error());
        }
        key.bindTo(*remove);
        // For a node group the foreign key's ON DELETE CASCADE removes its provisions within this
        // same statement, hence the same transaction.
        return remove->run();
    });
}

Result<void> SqliteAccess::requireNodeGroup(std::string_view name) {
    auto stmt = conn_->prepare(kNodeGroupSql.meta);
    if (!stmt) {
        return unexpected(stmt.error());
    }
    stmt->bind(":k1", name);
    auto row = stmt->step();
    if (!row) {
        return unexpected(row.error());
    }
    if (!*row) {
        return fail(errc::notFound, "node group " + sy::quoted(name) + " does not exist");
    }
    return {};
}

Result<NodeGroupRecord> SqliteAccess::putNodeGroup(std::string_view name,
                                                   const nlohmann::json& config,
                                                   std::optional<std::int64_t> expectedVersion) {
    if (auto r = requireName("node group name", name); !r) {
        return unexpected(r.error());
    }
    auto stored = writeDocument({kNodeGroupSql, name, {}}, config, expectedVersion, false);
    if (!stored) {
        return unexpected(stored.error());
    }
    return NodeGroupRecord{std::string(name), std::move(stored->doc), stored->version,
                           stored->createdMs, stored->updatedMs};
}

Result<NodeGroupRecord> SqliteAccess::createNodeGroup(std::string_view name,
                                                      const nlohmann::json& config) {
    if (auto r = requireName("node group name", name); !r) {
        return unexpected(r.error());
    }
    auto stored = writeDocument({kNodeGroupSql, name, {}}, config, std::nullopt, true);
    if (!stored) {
        return unexpected(stored.error());
    }
    return NodeGroupRecord{std::string(name), std::move(stored->doc), stored->version,
                           stored->createdMs, stored->updatedMs};
}

Result<NodeGroupRecord> SqliteAccess::getNodeGroup(std::string_view name) {
    const DocumentKey key{kNodeGroupSql, name, {}};
    auto found = findDocument(key);
    if (!found) {
        return unexpected(found.error());
    }
    if (!*found) {
        return fail(errc::notFound, key.describe() + " does not exist");
    }
    auto& doc = **found;
    return NodeGroupRecord{std::string(name), std::move(doc.doc), doc.version, doc.createdMs,
                           doc.updatedMs};
}

Result<std::vector<NodeGroupRecord>> SqliteAccess::listNodeGroups() {
    auto stmt = conn_->prepare("SELECT name, doc, version, created_ms, updated_ms"
                               " FROM node_groups ORDER BY name");
    if (!stmt) {
        return unexpected(stmt.error());
    }
    std::vector<NodeGroupRecord> groups;
    for (;;) {
        auto row = stmt->step();
        if (!row) {
            return unexpected(row.error());
        }
        if (!*row) {
            return groups;
        }
        NodeGroupRecord group{stmt->text(0), {}, stmt->int64(2), stmt->int64(3), stmt->int64(4)};
        auto doc = parseStoredDocument(stmt->textView(1), conn_->path(),
                                       "node group " + sy::quoted(group.name));
        if (!doc) {
            return unexpected(doc.error());
        }
        group.config = std::move(*doc);
        groups.push_back(std::move(group));
    }
}

Result<void> SqliteAccess::deleteNodeGroup(std::string_view name,
                                           std::optional<std::int64_t> expectedVersion) {
    return removeDocument({kNodeGroupSql, name, {}}, expectedVersion);
}

Result<ProvisionRecord> SqliteAccess::putProvision(std::string_view nodeGroup,
                                                   std::string_view guid, const nlohmann::json& doc,
                                                   std::optional<std::int64_t> expectedVersion) {
    if (auto r = requireName("provision guid", guid); !r) {
        return unexpected(r.error());
    }
    return atomically([&]() -> Result<ProvisionRecord> {
        if (auto r = requireNodeGroup(nodeGroup); !r) {
            return unexpected(r.error());
        }
        auto stored = writeDocument({kProvisionSql, nodeGroup, guid}, doc, expectedVersion, false);
        if (!stored) {
            return unexpected(stored.error());
        }
        return ProvisionRecord{std::string(nodeGroup), std::string(guid), std::move(stored->doc),
                               stored->version,        stored->createdMs, stored->updatedMs};
    });
}

Result<ProvisionRecord> SqliteAccess::createProvision(std::string_view nodeGroup,
                                                      std::string_view guid,
                                                      const nlohmann::json& doc) {
    if (auto r = requireName("provision guid", guid); !r) {
        return unexpected(r.error());
    }
    return atomically([&]() -> Result<ProvisionRecord> {
        if (auto r = requireNodeGroup(nodeGroup); !r) {
            return unexpected(r.error());
        }
        auto stored = writeDocument({kProvisionSql, nodeGroup, guid}, doc, std::nullopt, true);
        if (!stored) {
            return unexpected(stored.error());
        }
        return ProvisionRecord{std::string(nodeGroup), std::string(guid), std::move(stored->doc),
                               stored->version,        stored->createdMs, stored->updatedMs};
    });
}

Result<ProvisionRecord> SqliteAccess::getProvision(std::string_view nodeGroup,
                                                   std::string_view guid) {
    const DocumentKey key{kProvisionSql, nodeGroup, guid};
    auto found = findDocument(key);
    if (!found) {
        return unexpected(found.error());
    }
    if (!*found) {
        return fail(errc::notFound, key.describe() + " does not exist");
    }
    auto& doc = **found;
    return ProvisionRecord{std::string(nodeGroup), std::string(guid),
                           std::move(doc.doc),     doc.version,
                           doc.createdMs,          doc.updatedMs};
}

Result<std::vector<ProvisionRecord>> SqliteAccess::listProvisions(std::string_view nodeGroup) {
    auto stmt = conn_->prepare("SELECT guid, doc, version, created_ms, updated_ms"
                               " FROM provisions WHERE node_group = :k1 ORDER BY guid");
    if (!stmt) {
        return unexpected(stmt.error());
    }
    stmt->bind(":k1", nodeGroup);
    std::vector<ProvisionRecord> provisions;
    for (;;) {
        auto row = stmt->step();
        if (!row) {
            return unexpected(row.error());
        }
        if (!*row) {
            return provisions;
        }
        ProvisionRecord p{std::string(nodeGroup), stmt->text(0),  {},
                          stmt->int64(2),         stmt->int64(3), stmt->int64(4)};
        auto doc =
            parseStoredDocument(stmt->textView(1), conn_->path(),
                                "provision " + sy::quoted(nodeGroup) + "/" + sy::quoted(p.guid));
        if (!doc) {
            return unexpected(doc.error());
        }
        p.doc = std::move(*doc);
        provisions.push_back(std::move(p));
    }
}

Result<void> SqliteAccess::deleteProvision(std::string_view nodeGroup, std::string_view guid) {
    return removeDocument({kProvisionSql, nodeGroup, guid}, std::nullopt);
}

} // namespace sy::store::detail
