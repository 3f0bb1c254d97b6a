#pragma once
// Where finished recordings go. A target is named by the operator and configured as JSON
// (`StorageTargetConfig`); its secrets are kept encrypted at rest (SecretBox) and masked in every
// view. Two engines:
// - "folder": a local or mounted directory. Uploads are written to a temporary name, fsynced and
//   renamed, so a half-written object never has the final name.
// - "s3" (and any other rclone remote type: "gcs", "azureblob", "sftp"): rclone from Debian, run
//   with a clean environment that carries the remote's settings as RCLONE_CONFIG_* variables (no
//   config file; keys never on a command line).
// Every call blocks (disk, network): call it from a worker, never from the core's strand or a GUI
// thread. Errors name the target and the cause ("s3 target \"archive\": InvalidAccessKeyId: …").

#include "core/util/result.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sy::media {

struct RetentionPolicy {
    std::optional<std::int64_t> maxAgeDays; // objects older than this are deleted
    std::optional<std::int64_t> maxCount;   // per stream prefix: keep the newest N
    bool operator==(const RetentionPolicy&) const = default;
};

struct StorageTargetConfig {
    std::string name; // [A-Za-z0-9_.-], 1-64
    std::string kind; // "folder" | "s3" | "gcs" | "azureblob" | "sftp"
    // folder: "path" (absolute). s3: "bucket", "region", "endpoint" (optional URL),
    // "accessKeyId", "secretAccessKey", "provider" (optional: AWS, Minio, Other…), "prefix".
    // Other rclone kinds: their rclone options by rclone name, plus "bucket"/"prefix".
    std::map<std::string, std::string> settings;
    RetentionPolicy retention;
    std::vector<std::string> recordNodeGroups; // record every stream published in these groups
    bool operator==(const StorageTargetConfig&) const = default;
};

// The settings that are secrets for a kind ("secretAccessKey", "accessKeyId", "key", "pass"…).
bool isSecretSetting(const std::string& kind, const std::string& setting);
// JSON <-> config. decode gives every problem at once ("settings.bucket: required for s3").
nlohmann::json encodeStorageTarget(const StorageTargetConfig& c, bool maskSecrets);
Result<StorageTargetConfig> decodeStorageTarget(const nlohmann::json& j);
// Complete and consistent: name, kind, the settings each kind needs, an absolute folder path,
// an http(s) endpoint, retention values >= 1.
std::optional<std::string> validateStorageTarget(const StorageTargetConfig& c);

struct StoredObject {
    std::string key; // path inside the target, "live/cam1/2026-11-24T04-05-00Z.mp4"
    std::int64_t size = 0;
    std::int64_t modifiedMs = 0;
    std::string md5; // hex; empty when the backend gives none
};

class StorageTarget {
public:
    virtual ~StorageTarget() = default;
    const StorageTargetConfig& config() const { return config_; }

    // Copies a local file to `key`, replacing any object of that name (an upload redone after a
    // crash therefore never duplicates). Returns the stored object as the backend reports it.
    virtual Result<StoredObject> upload(const std::filesystem::path& file,
                                        const std::string& key) = 0;
    // The object as stored, or "not_found".
    virtual Result<StoredObject> stat(const std::string& key) = 0;
    // Objects under a prefix ("" for all), oldest first.
    virtual Result<std::vector<StoredObject>> list(const std::string& prefix) = 0;
    virtual Result<void> remove(const std::string& key) = 0;
    // A URL a player (ffprobe, VLC) can open: file:// for folders, a presigned http(s) URL for s3.
    virtual Result<std::string> playbackUrl(const std::string& key,
                                            std::chrono::seconds validFor) = 0;
    // Checks credentials and write access by writing, reading back and deleting a small probe
    // object. The error says which step failed and why.
    virtual Result<void> test() = 0;

protected:
    explicit StorageTarget(StorageTargetConfig c)
        : config_(std::move(c)) {}
    StorageTargetConfig config_;
};

// Builds the engine for a validated config. `workDir` holds temporary files of the engine.
Result<std::unique_ptr<StorageTarget>> makeStorageTarget(const StorageTargetConfig& config,
                                                         const std::filesystem::path& workDir);

// Verified upload: true when `stored` is the local file (same size, and same MD5 when the backend
// reports one). A recording is deleted locally only after this holds.
bool sameContent(const StoredObject& stored, std::int64_t localSize, const std::string& localMd5);
// Hex MD5 of a file ("" when unreadable).
std::string fileMd5(const std::filesystem::path& file);

// What retention would delete from `objects` at `nowMs` (keys).
std::vector<std::string> retentionVictims(const RetentionPolicy& policy,
                                          const std::vector<StoredObject>& objects,
                                          std::int64_t nowMs);

} // namespace sy::media
