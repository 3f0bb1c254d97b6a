#pragma once
// MediaManager: runs what provisions ask for beside the nodes (reference §7) and keeps
// recordings. Level-triggered like the engine: every tick it reads the provisions of every node
// group from the state store, derives the jobs they describe (jobspec.h), and makes the running
// ffmpeg processes match: starting, supervising, restarting with back-off, re-placing persistent
// restreamers whose node left service, and stopping what is no longer wanted.
//
// A job's state is WAIT (not started yet, waiting for its stream or its back-off), STARTING
// (ffmpeg runs, no media yet), LIVE (media flows) or FAULT (given up; `lastError` says why).
// Recordings are captured to DATA_DIR/recordings, finalised to MP4 and uploaded to their storage
// target by a worker of their own; the media store journals each step, so a restarted core
// resumes an interrupted upload (same object name: redone, never duplicated) and deletes a local
// file only after the upload was verified.
//
// Thread-safe. Views are copies. Calls marked "blocks" do disk or network I/O.

#include "core/engine/controlcore.h"
#include "core/media/jobspec.h"
#include "core/store/mediastore.h"
#include "core/util/result.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sy::media {

struct MediaOptions {
    std::filesystem::path dataDir; // media.db, media-secrets.key, recordings/
    UrlPolicy policy;
    std::chrono::milliseconds tick{250};
    std::chrono::milliseconds stallTimeout{10000}; // LIVE without new media: restarted
    std::chrono::milliseconds startTimeout{20000}; // STARTING without media (not listeners)
    std::function<std::int64_t()> clock;           // epoch ms; default: system clock
};

enum class JobState { Wait, Starting, Live, Fault };
std::string_view toString(JobState s); // "WAIT", "STARTING", "LIVE", "FAULT"

struct JobView {
    std::string id; // "{ng}/{provisionGuid}#{streamIndex}:{kind}"
    std::string nodeGroup;
    std::string provisionGuid; // "@default" for a node-group default recording
    std::string streamGuid;
    JobKind kind = JobKind::Pull;
    std::string type;
    std::string remote; // masked source (pull) or destination (push, social)
    std::string target; // recordings: the storage target
    bool persist = false;
    bool immediate = true;
    JobState state = JobState::Wait;
    std::string waitingFor; // in WAIT: what for ("the stream to go live", "back-off 2 s")
    std::string lastError;
    std::string nodeId; // the node it publishes to or reads from
    std::string nodeAddress;
    std::string originNodeId; // transcode: the origin its renditions are published into
    int failures = 0;         // consecutive
    int restarts = 0;         // process starts after the first
    int reconnects = 0;       // LIVE again after having been LIVE
    double bitrateKbps = 0;
    std::int64_t bytes = 0;
    std::int64_t liveSinceMs = 0;
    std::int64_t uptimeMs = 0;
    std::int64_t recordingId = 0;
    int pid = 0;
};

nlohmann::json toJson(const JobView& j);
nlohmann::json toJson(const store::RecordingRecord& r, const std::string& playbackUrl = {});

class MediaManager {
public:
    // Opens DATA_DIR/media.db and the secret key, creating them when missing.
    static Result<std::unique_ptr<MediaManager>> open(engine::ControlCore& core,
                                                      MediaOptions options);
    ~MediaManager(); // stop()
    MediaManager(const MediaManager&) = delete;
    MediaManager& operator=(const MediaManager&) = delete;

    // Starts the supervisor and the upload worker, and resumes unfinished recordings.
    void start();
    // Stops every job (recordings are finalised later, by the next start) and the workers.
    void stop();

    std::vector<JobView> jobs(const std::string& nodeGroup = {}) const;
    const UrlPolicy& policy() const { return options_.policy; }

    // ---- provisions: the API checks and stores them; the manager reads them back ----
    // Problems of the media fields under the URL policy (empty when fine).
    model::Problems check(const model::ProvisionRequest& p) const;
    // The document to store: stream keys, passwords and passphrases sealed.
    nlohmann::json sealSecrets(const nlohmann::json& provisionDoc) const;
    // For views: sealed or plain secrets masked.
    static nlohmann::json maskSecrets(const nlohmann::json& provisionDoc);
    // A replacement sent back as a view shows it: each masked value ("••••" in destUri or a
    // camParams property) takes the stored value at the same stream and key, so an edit need not
    // repeat a stream key. Values that are not masked are taken as sent.
    static nlohmann::json keepStoredSecrets(const nlohmann::json& given,
                                            const nlohmann::json& stored);
    // `publish?restream=true` or distribute for this stream: a restreamer with immediate=false
    // starts now.
    void activate(const std::string& nodeGroup, const std::string& streamGuid);
    // `publish?transcode=true` answered [transcoder, origin]: the ladder of `sourceGuid`
    // publishes its renditions into that origin (rtmp URL of the answer) while it serves, so the
    // client is told the truth; otherwise routing picks one when the ladder starts.
    void placeTranscode(const std::string& nodeGroup, const std::string& sourceGuid,
                        const std::string& originRtmpUrl);
    // Provisions or targets changed: reconcile at the next tick.
    void nudge();

    // ---- storage targets ----
    // Validated whole; secrets sealed. A secret left out or sent masked keeps its stored value.
    Result<void> putTarget(const nlohmann::json& doc);
    Result<std::vector<nlohmann::json>> targets() const; // masked
    Result<nlohmann::json> target(const std::string& name) const;
    Result<void> removeTarget(const std::string& name);
    // Blocks: writes, reads back and deletes a probe object.
    Result<void> testTarget(const std::string& name);
    Result<void> testTarget(const nlohmann::json& doc); // an unsaved form

    // ---- recordings ----
    Result<std::vector<store::RecordingRecord>>
    recordings(const std::string& nodeGroup = {}, const std::string& streamGuid = {}) const;
    Result<store::RecordingRecord> recording(std::int64_t id) const;
    // Blocks (s3: presigning): where the recording can be played.
    Result<std::string> playbackUrl(std::int64_t id);
    // Blocks: deletes the local file and the stored object, then the row.
    Result<void> deleteRecording(std::int64_t id);
    // Blocks: every target's retention policy now (also applied hourly). Objects deleted.
    Result<int> applyRetention();

    struct Impl;

private:
    MediaManager(engine::ControlCore& core, MediaOptions options);
    MediaOptions options_;
    std::unique_ptr<Impl> impl_;
};

} // namespace sy::media
