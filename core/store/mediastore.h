#pragma once
// The media layer's durable state, in a SQLite file of its own (DATA_DIR/media.db): storage
// targets (their documents, secrets sealed by the caller) and recordings with their upload state.
// The recordings table is the upload journal: a row moves RECORDING -> FINALIZING -> PENDING ->
// UPLOADING -> UPLOADED (-> local file deleted) or FAILED, and a restarted core picks up every
// row that is not final, so an upload is resumed or redone, never lost or duplicated.
// Thread-safe; calls block on disk.

#include "core/util/result.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sy::store {

struct StorageTargetRecord {
    std::string name;
    nlohmann::json doc;
    std::int64_t updatedMs = 0;
};

enum class RecordingState { Recording, Finalizing, Pending, Uploading, Uploaded, Failed, Local };
std::string_view toString(RecordingState s); // "RECORDING", …
std::optional<RecordingState> parseRecordingState(std::string_view s);

struct RecordingRecord {
    std::int64_t id = 0;
    std::string nodeGroup;
    std::string streamGuid;
    std::string provisionGuid; // empty for a node-group default recording
    std::string target;        // storage target name; empty: kept locally
    std::string localPath;     // the finished MP4 (or the capture while RECORDING)
    std::string remoteKey;
    RecordingState state = RecordingState::Recording;
    std::int64_t sizeBytes = 0;
    std::int64_t durationMs = 0;
    std::string md5;
    std::int64_t startedMs = 0;
    std::int64_t endedMs = 0;
    std::int64_t uploadedMs = 0;
    bool localDeleted = false;
    int uploadAttempts = 0;
    std::string error;
};

class MediaStore {
public:
    static Result<std::unique_ptr<MediaStore>> open(const std::string& path);
    ~MediaStore();
    MediaStore(const MediaStore&) = delete;
    MediaStore& operator=(const MediaStore&) = delete;

    Result<void> putTarget(const StorageTargetRecord& r);           // create or replace
    Result<StorageTargetRecord> getTarget(const std::string& name); // "not_found"
    Result<std::vector<StorageTargetRecord>> listTargets();         // by name
    Result<void> deleteTarget(const std::string& name);             // "not_found"

    // Inserts (id 0) and returns the new id, or replaces the row with r.id.
    Result<std::int64_t> putRecording(const RecordingRecord& r);
    Result<RecordingRecord> getRecording(std::int64_t id);
    // nodeGroup/streamGuid empty: any. Newest first.
    Result<std::vector<RecordingRecord>> listRecordings(const std::string& nodeGroup = {},
                                                        const std::string& streamGuid = {});
    // Rows not in a final state (Uploaded with the local copy deleted, Failed, Local), oldest
    // first: the work a restarted core resumes.
    Result<std::vector<RecordingRecord>> unfinishedRecordings();
    Result<void> deleteRecording(std::int64_t id);

private:
    struct Impl;
    explicit MediaStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace sy::store
