#include "core/store/mediastore.h"

#include "core/model/jsontext.h"

#include "core/store/sqliteconnection.h"
#include "core/store/sqliteschema.h"
#include "core/store/statestore.h"

#include <array>
#include <chrono>
#include <mutex>

namespace sy::store {

namespace {

using detail::SqliteConnection;
using detail::Statement;

constexpr int kBusyTimeoutMs = 5000;

// Ordered migrations, as in sqliteschema.cpp: entry i takes user_version i to i + 1. Never edit
// a shipped entry. The file is separate from the state store so that recordings (written every
// few seconds while uploading) never contend with desired state for its write lock.
constexpr std::array kMediaMigrations = {
    // 1: initial schema.
    R"sql(
CREATE TABLE storage_targets (
    name       TEXT PRIMARY KEY NOT NULL,
    doc        TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- AUTOINCREMENT: an id seen in a log or a URL is never handed to another recording.
CREATE TABLE recordings (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    node_group      TEXT NOT NULL,
    stream_guid     TEXT NOT NULL,
    provision_guid  TEXT NOT NULL,
    target          TEXT NOT NULL,
    local_path      TEXT NOT NULL,
    remote_key      TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('RECORDING', 'FINALIZING', 'PENDING',
                                                   'UPLOADING', 'UPLOADED', 'FAILED', 'LOCAL')),
    size_bytes      INTEGER NOT NULL,
    duration_ms     INTEGER NOT NULL,
    md5             TEXT NOT NULL,
    started_ms      INTEGER NOT NULL,
    ended_ms        INTEGER NOT NULL,
    uploaded_ms     INTEGER NOT NULL,
    local_deleted   INTEGER NOT NULL,
    upload_attempts INTEGER NOT NULL,
    error           TEXT NOT NULL
);
CREATE INDEX recordings_by_stream ON recordings (node_group, stream_guid, started_ms);
CREATE INDEX recordings_unfinished ON recordings (started_ms, id)
    WHERE NOT (state IN ('FAILED', 'LOCAL') OR (state = 'UPLOADED' AND local_deleted = 1));
)sql",
};

constexpr int mediaSchemaVersion() {
    return static_cast<int>(kMediaMigrations.size());
}

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Result<std::int64_t> queryInt(SqliteConnection& conn, const char* sql) {
    auto stmt = conn.prepare(sql);
    if (!stmt)
        return unexpected(stmt.error());
    auto row = stmt->step();
    if (!row)
        return unexpected(row.error());
    return *row ? stmt->int64(0) : 0;
}

Result<void> migrate(SqliteConnection& conn) {
    // IMMEDIATE: two processes opening a new file cannot both run the same migration.
    if (auto r = conn.exec("BEGIN IMMEDIATE"); !r)
        return r;
    auto run = [&]() -> Result<void> {
        auto version = queryInt(conn, "PRAGMA user_version");
        if (!version)
            return unexpected(version.error());
        if (*version > mediaSchemaVersion())
            return fail(errc::schemaTooNew, conn.path() + ": schema version " +
                                                std::to_string(*version) +
                                                " is newer than this build understands (" +
                                                std::to_string(mediaSchemaVersion()) + ")");
        for (auto v = static_cast<int>(*version); v < mediaSchemaVersion(); ++v)
            if (auto r = conn.exec(kMediaMigrations[static_cast<std::size_t>(v)]); !r)
                return r;
        const std::string set = "PRAGMA user_version = " + std::to_string(mediaSchemaVersion());
        return conn.exec(set.c_str());
    };
    auto result = run();
    if (!result) {
        if (!conn.autocommit())
            (void)conn.exec("ROLLBACK");
        return result;
    }
    return conn.exec("COMMIT");
}

constexpr const char* kRecordingColumns =
    "id, node_group, stream_guid, provision_guid, target, local_path, remote_key, state, "
    "size_bytes, duration_ms, md5, started_ms, ended_ms, uploaded_ms, local_deleted, "
    "upload_attempts, error";

Result<RecordingRecord> readRecording(const Statement& s, const std::string& path) {
    RecordingRecord r;
    r.id = s.int64(0);
    r.nodeGroup = s.text(1);
    r.streamGuid = s.text(2);
    r.provisionGuid = s.text(3);
    r.target = s.text(4);
    r.localPath = s.text(5);
    r.remoteKey = s.text(6);
    const auto state = parseRecordingState(s.textView(7));
    if (!state)
        return fail(errc::corrupt, path + ": recording " + std::to_string(r.id) +
                                       " has an unknown state '" + s.text(7) + "'");
    r.state = *state;
    r.sizeBytes = s.int64(8);
    r.durationMs = s.int64(9);
    r.md5 = s.text(10);
    r.startedMs = s.int64(11);
    r.endedMs = s.int64(12);
    r.uploadedMs = s.int64(13);
    r.localDeleted = s.int64(14) != 0;
    r.uploadAttempts = static_cast<int>(s.int64(15));
    r.error = s.text(16);
    return r;
}

void bindRecording(Statement& s, const RecordingRecord& r) {
    s.bind(":node_group", r.nodeGroup)
        .bind(":stream_guid", r.streamGuid)
        .bind(":provision_guid", r.provisionGuid)
        .bind(":target", r.target)
        .bind(":local_path", r.localPath)
        .bind(":remote_key", r.remoteKey)
        .bind(":state", toString(r.state))
        .bind(":size_bytes", r.sizeBytes)
        .bind(":duration_ms", r.durationMs)
        .bind(":md5", r.md5)
        .bind(":started_ms", r.startedMs)
        .bind(":ended_ms", r.endedMs)
        .bind(":uploaded_ms", r.uploadedMs)
        .bind(":local_deleted", std::int64_t{r.localDeleted ? 1 : 0})
        .bind(":upload_attempts", std::int64_t{r.uploadAttempts})
        .bind(":error", r.error);
}

Result<std::vector<RecordingRecord>> collect(Statement& s, const std::string& path) {
    std::vector<RecordingRecord> out;
    for (;;) {
        auto row = s.step();
        if (!row)
            return unexpected(row.error());
        if (!*row)
            return out;
        auto r = readRecording(s, path);
        if (!r)
            return unexpected(r.error());
        out.push_back(std::move(*r));
    }
}

} // namespace

std::string_view toString(RecordingState s) {
    switch (s) {
    case RecordingState::Recording:
        return "RECORDING";
    case RecordingState::Finalizing:
        return "FINALIZING";
    case RecordingState::Pending:
        return "PENDING";
    case RecordingState::Uploading:
        return "UPLOADING";
    case RecordingState::Uploaded:
        return "UPLOADED";
    case RecordingState::Failed:
        return "FAILED";
    case RecordingState::Local:
        return "LOCAL";
    }
    return "FAILED";
}

std::optional<RecordingState> parseRecordingState(std::string_view s) {
    for (auto state : {RecordingState::Recording, RecordingState::Finalizing,
                       RecordingState::Pending, RecordingState::Uploading, RecordingState::Uploaded,
                       RecordingState::Failed, RecordingState::Local})
        if (toString(state) == s)
            return state;
    return std::nullopt;
}

struct MediaStore::Impl {
    std::mutex mutex;
    std::unique_ptr<SqliteConnection> conn;
};

MediaStore::MediaStore(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

MediaStore::~MediaStore() = default;

Result<std::unique_ptr<MediaStore>> MediaStore::open(const std::string& path) {
    auto conn = SqliteConnection::open(path);
    if (!conn)
        return unexpected(conn.error());
    // The same pragmas as the state store (WAL, synchronous FULL, foreign keys, busy timeout):
    // an acknowledged journal row must survive a power cut, or an upload could be lost.
    if (auto r = detail::configureConnection(**conn, kBusyTimeoutMs); !r)
        return unexpected(r.error());
    if (auto r = migrate(**conn); !r)
        return unexpected(r.error());
    auto impl = std::make_unique<Impl>();
    impl->conn = std::move(*conn);
    return std::unique_ptr<MediaStore>(new MediaStore(std::move(impl)));
}

Result<void> MediaStore::putTarget(const StorageTargetRecord& r) {
    if (r.name.empty())
        return fail(errc::invalidArgument, "a storage target needs a name");
    std::lock_guard lock(impl_->mutex);
    auto s = impl_->conn->prepare(
        "INSERT INTO storage_targets (name, doc, updated_ms) VALUES (:name, :doc, :now) "
        "ON CONFLICT (name) DO UPDATE SET doc = excluded.doc, updated_ms = excluded.updated_ms");
    if (!s)
        return unexpected(s.error());
    s->bind(":name", r.name)
        .bind(":doc", r.doc.dump())
        .bind(":now", r.updatedMs ? r.updatedMs : nowMs());
    return s->run();
}

Result<StorageTargetRecord> MediaStore::getTarget(const std::string& name) {
    std::lock_guard lock(impl_->mutex);
    auto s = impl_->conn->prepare(
        "SELECT name, doc, updated_ms FROM storage_targets WHERE name = :name");
    if (!s)
        return unexpected(s.error());
    s->bind(":name", name);
    auto row = s->step();
    if (!row)
        return unexpected(row.error());
    if (!*row)
        return fail(errc::notFound, "no storage target named '" + name + "'");
    auto doc = model::parseJsonText(s->textView(1), model::kMaxDerivedJsonDepth);
    if (!doc)
        return fail(errc::corrupt,
                    impl_->conn->path() + ": storage target '" + name + "' " + doc.error());
    return StorageTargetRecord{s->text(0), std::move(doc).value(), s->int64(2)};
}

Result<std::vector<StorageTargetRecord>> MediaStore::listTargets() {
    std::lock_guard lock(impl_->mutex);
    auto s =
        impl_->conn->prepare("SELECT name, doc, updated_ms FROM storage_targets ORDER BY name");
    if (!s)
        return unexpected(s.error());
    std::vector<StorageTargetRecord> out;
    for (;;) {
        auto row = s->step();
        if (!row)
            return unexpected(row.error());
        if (!*row)
            return out;
        auto doc = model::parseJsonText(s->textView(1), model::kMaxDerivedJsonDepth);
        if (!doc)
            return fail(errc::corrupt, impl_->conn->path() + ": storage target '" + s->text(0) +
                                           "' " + doc.error());
        out.push_back(StorageTargetRecord{s->text(0), std::move(doc).value(), s->int64(2)});
    }
}

Result<void> MediaStore::deleteTarget(const std::string& name) {
    std::lock_guard lock(impl_->mutex);
    auto s = impl_->conn->prepare("DELETE FROM storage_targets WHERE name = :name RETURNING name");
    if (!s)
        return unexpected(s.error());
    s->bind(":name", name);
    auto row = s->step();
    if (!row)
        return unexpected(row.error());
    if (!*row)
        return fail(errc::notFound, "no storage target named '" + name + "'");
    // Finish the statement so the delete is complete before the lease returns it.
    while (true) {
        auto more = s->step();
        if (!more)
            return unexpected(more.error());
        if (!*more)
            return {};
    }
}

Result<std::int64_t> MediaStore::putRecording(const RecordingRecord& r) {
    if (r.id < 0)
        return fail(errc::invalidArgument, "recording id " + std::to_string(r.id) + " is invalid");
    std::lock_guard lock(impl_->mutex);
    auto s = impl_->conn->prepare(
        r.id == 0
            ? "INSERT INTO recordings (node_group, stream_guid, provision_guid, target, "
              "local_path, remote_key, state, size_bytes, duration_ms, md5, started_ms, ended_ms, "
              "uploaded_ms, local_deleted, upload_attempts, error) VALUES (:node_group, "
              ":stream_guid, :provision_guid, :target, :local_path, :remote_key, :state, "
              ":size_bytes, :duration_ms, :md5, :started_ms, :ended_ms, :uploaded_ms, "
              ":local_deleted, :upload_attempts, :error) RETURNING id"
            : "UPDATE recordings SET node_group = :node_group, stream_guid = :stream_guid, "
              "provision_guid = :provision_guid, target = :target, local_path = :local_path, "
              "remote_key = :remote_key, state = :state, size_bytes = :size_bytes, "
              "duration_ms = :duration_ms, md5 = :md5, started_ms = :started_ms, "
              "ended_ms = :ended_ms, uploaded_ms = :uploaded_ms, local_deleted = :local_deleted, "
              "upload_attempts = :upload_attempts, error = :error WHERE id = :id RETURNING id");
    if (!s)
        return unexpected(s.error());
    bindRecording(*s, r);
    if (r.id != 0)
        s->bind(":id", r.id);
    auto row = s->step();
    if (!row)
        return unexpected(row.error());
    if (!*row)
        return fail(errc::notFound, "no recording with id " + std::to_string(r.id));
    const auto id = s->int64(0);
    auto done = s->step(); // runs the statement to its end: the write completes here
    if (!done)
        return unexpected(done.error());
    return id;
}

Result<RecordingRecord> MediaStore::getRecording(std::int64_t id) {
    std::lock_guard lock(impl_->mutex);
    const std::string sql =
        std::string("SELECT ") + kRecordingColumns + " FROM recordings WHERE id = :id";
    auto s = impl_->conn->prepare(sql.c_str());
    if (!s)
        return unexpected(s.error());
    s->bind(":id", id);
    auto rows = collect(*s, impl_->conn->path());
    if (!rows)
        return unexpected(rows.error());
    if (rows->empty())
        return fail(errc::notFound, "no recording with id " + std::to_string(id));
    return std::move(rows->front());
}

Result<std::vector<RecordingRecord>> MediaStore::listRecordings(const std::string& nodeGroup,
                                                                const std::string& streamGuid) {
    std::lock_guard lock(impl_->mutex);
    const std::string sql = std::string("SELECT ") + kRecordingColumns +
                            " FROM recordings WHERE (:g = '' OR node_group = :g) AND "
                            "(:s = '' OR stream_guid = :s) ORDER BY started_ms DESC, id DESC";
    auto s = impl_->conn->prepare(sql.c_str());
    if (!s)
        return unexpected(s.error());
    s->bind(":g", nodeGroup).bind(":s", streamGuid);
    return collect(*s, impl_->conn->path());
}

Result<std::vector<RecordingRecord>> MediaStore::unfinishedRecordings() {
    std::lock_guard lock(impl_->mutex);
    const std::string sql = std::string("SELECT ") + kRecordingColumns +
                            " FROM recordings WHERE NOT (state IN ('FAILED', 'LOCAL') OR "
                            "(state = 'UPLOADED' AND local_deleted = 1)) ORDER BY started_ms, id";
    auto s = impl_->conn->prepare(sql.c_str());
    if (!s)
        return unexpected(s.error());
    return collect(*s, impl_->conn->path());
}

Result<void> MediaStore::deleteRecording(std::int64_t id) {
    std::lock_guard lock(impl_->mutex);
    auto s = impl_->conn->prepare("DELETE FROM recordings WHERE id = :id RETURNING id");
    if (!s)
        return unexpected(s.error());
    s->bind(":id", id);
    auto row = s->step();
    if (!row)
        return unexpected(row.error());
    if (!*row)
        return fail(errc::notFound, "no recording with id " + std::to_string(id));
    auto done = s->step();
    if (!done)
        return unexpected(done.error());
    return {};
}

} // namespace sy::store
