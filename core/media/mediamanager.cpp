#include "core/media/mediamanager.h"

#include "core/media/childprocess.h"
#include "core/media/secretbox.h"
#include "core/media/storagetarget.h"
#include "core/media/transcodeladder.h"
#include "core/model/provision.h"
#include "core/nodes/processsampler.h"
#include "core/routing/routablenode.h"
#include "core/store/statestore.h"
#include "core/util/strings.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace sy::media {

namespace {

using Json = nlohmann::json;
using store::RecordingRecord;
using store::RecordingState;
namespace fs = std::filesystem;

constexpr const char* kDefaultProvision = "@default";
constexpr std::int64_t kRecoveredAfterMs = 30000; // LIVE this long: failures forgiven
constexpr std::int64_t kMaxBackoffMs = 30000;
constexpr std::int64_t kListenIdleMs = 120000; // a listener nobody calls (unless persist)
constexpr std::int64_t kSourceGoneMs = 1500;   // a read stream unpublished this long: ended

std::int64_t systemNow() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// What ffmpeg's -progress output says; written by the process's reader thread.
struct Progress {
    std::mutex m;
    std::int64_t outTimeUs = 0;
    std::int64_t totalSize = 0;
    double bitrateKbps = 0;
    std::int64_t lastAdvanceMs = 0; // when out_time last moved
    std::deque<std::string> errors; // scrubbed stderr, last few lines
};

struct Job {
    JobSpec spec;
    std::string id, nodeGroup, provisionGuid;
    std::string invalid; // the provision no longer passes the checks: FAULT with this reason
    JobState state = JobState::Wait;
    std::string waitingFor, lastError;
    bool activated = false;
    std::unique_ptr<ChildProcess> process;
    std::shared_ptr<Progress> progress;
    std::string nodeId, nodeAddress, clusterUrl;
    std::int64_t startedMs = 0, liveSinceMs = 0, nextAttemptMs = 0, sourceSeenMs = 0;
    int failures = 0, restarts = 0, reconnects = 0, starts = 0;
    bool everLive = false;
    std::int64_t recordingId = 0;
    std::string captureFile;
    std::optional<Ladder> ladder;                   // Transcode
    std::string originId;                           // Transcode: where the renditions go
    std::shared_ptr<nodes::ProcessSampler> sampler; // Transcode: the ffmpeg's CPU, for scaling
    double cpuLoad = 0;
};

// "1280x720@2500k 640x360@800k": a ladder in a job's view, and the part of its spec that makes a
// changed ladder a new job.
std::string describeLadder(const Ladder& l) {
    std::string out;
    for (const auto& r : l.renditions)
        out += (out.empty() ? "" : " ") + r.streamGuid + "=" + std::to_string(r.width) + "x" +
               std::to_string(r.height) + "@" + std::to_string(r.bitRate / 1000) + "k";
    return out;
}

bool publishesOn(const engine::NodeView& n, const std::string& guid) {
    return std::any_of(n.streams.begin(), n.streams.end(),
                       [&](const auto& s) { return s.guid == guid && s.publishing; });
}

// A recording gets time to write its trailer (its read times out after 2 s, see jobspec.cpp).
std::chrono::milliseconds graceFor(const Job& j) {
    return std::chrono::milliseconds(j.spec.kind == JobKind::Record ? 4000 : 1500);
}

std::string safeSegment(std::string s) {
    for (auto& c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            c = '_';
    return s;
}

std::string utcStamp(std::int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

// The stream key is the last path segment of an RTMP URL, pulled or pushed; an SRT streamid often
// carries the publisher's secret (",s=…").
bool isSecretProperty(const std::string& key, const std::string& type) {
    return key == "passphrase" || key == "password" || key == "streamid" ||
           (key == "rtmpUri" && (type == "rtmp-push" || type == "rtmp"));
}

// A URL whose password or token/sig/passphrase… query values would show in a view.
bool urlHasSecret(const std::string& v) {
    return v.find("://") != std::string::npos && maskUrl(v, false) != v;
}

// The top-level `credentials` (reference §3.4): what grants, not who.
constexpr const char* kCredentialSecrets[] = {"password", "token"};

bool hasUserinfo(const std::string& v) {
    const auto scheme = v.find("://");
    if (scheme == std::string::npos)
        return false;
    const auto at = v.find('@', scheme);
    return at != std::string::npos && at < v.find('/', scheme + 3);
}

} // namespace

std::string_view toString(JobState s) {
    switch (s) {
    case JobState::Wait:
        return "WAIT";
    case JobState::Starting:
        return "STARTING";
    case JobState::Live:
        return "LIVE";
    case JobState::Fault:
        return "FAULT";
    }
    return "WAIT";
}

// Optional text fields are left out of answers when empty.
static void putIfSet(Json& out, const char* key, const std::string& value) {
    if (!value.empty())
        out[key] = value;
}

Json toJson(const JobView& j) {
    Json out = {{"id", j.id},
                {"nodeGroup", j.nodeGroup},
                {"provisionGuid", j.provisionGuid},
                {"streamGuid", j.streamGuid},
                {"kind", std::string(toString(j.kind))},
                {"type", j.type},
                {"state", std::string(toString(j.state))},
                {"persist", j.persist},
                {"immediate", j.immediate},
                {"failures", j.failures},
                {"restarts", j.restarts},
                {"reconnects", j.reconnects},
                {"bitrateKbps", j.bitrateKbps},
                {"bytes", j.bytes},
                {"uptimeMs", j.uptimeMs}};
    auto opt = [&out](const char* k, const std::string& v) {
        putIfSet(out, k, v);
    };
    opt("remote", j.remote);
    opt("target", j.target);
    opt("waitingFor", j.waitingFor);
    opt("lastError", j.lastError);
    opt("nodeId", j.nodeId);
    opt("serverAddress", j.nodeAddress);
    opt("originNodeId", j.originNodeId);
    if (j.liveSinceMs)
        out["liveSince"] = j.liveSinceMs;
    if (j.recordingId)
        out["recordingId"] = j.recordingId;
    return out;
}

Json toJson(const RecordingRecord& r, const std::string& playbackUrl) {
    Json out = {{"id", r.id},
                {"nodeGroup", r.nodeGroup},
                {"streamGuid", r.streamGuid},
                {"state", std::string(store::toString(r.state))},
                {"sizeBytes", r.sizeBytes},
                {"durationMs", r.durationMs},
                {"startedMs", r.startedMs},
                {"localDeleted", r.localDeleted},
                {"uploadAttempts", r.uploadAttempts}};
    auto opt = [&out](const char* k, const std::string& v) {
        putIfSet(out, k, v);
    };
    opt("provisionGuid", r.provisionGuid);
    opt("target", r.target);
    opt("remoteKey", r.remoteKey);
    opt("md5", r.md5);
    opt("error", r.error);
    opt("playbackUrl", playbackUrl);
    if (r.endedMs)
        out["endedMs"] = r.endedMs;
    if (r.uploadedMs)
        out["uploadedMs"] = r.uploadedMs;
    return out;
}

struct MediaManager::Impl {
    engine::ControlCore& core;
    MediaOptions& options;
    std::unique_ptr<store::MediaStore> store;
    std::optional<SecretBox> box;

    mutable std::mutex mutex; // jobs, activations, flags below
    std::map<std::string, Job> jobs;
    struct Retired {
        std::unique_ptr<ChildProcess> process;
        std::chrono::milliseconds grace;
        std::int64_t recordingId = 0;
    };
    std::vector<Retired> retired;                  // stopped by reap(), outside the lock
    std::set<std::string> activations;             // ng + "\n" + streamGuid
    std::map<std::string, std::string> placements; // ng + "\n" + source guid → origin rtmp URL
    bool running = false;
    bool nudged = true;
    std::condition_variable wake;
    std::thread supervisor;
    std::int64_t lastProvisionScanMs = 0;

    // Upload worker.
    std::mutex uploadMutex;
    std::condition_variable uploadWake;
    std::deque<std::int64_t> uploadQueue;
    std::map<std::int64_t, std::int64_t> uploadRetryAt; // id -> ms
    bool uploading = false;
    std::thread uploader;
    std::int64_t lastRetentionMs = 0;

    Impl(engine::ControlCore& c, MediaOptions& o)
        : core(c)
        , options(o) {}

    std::int64_t now() const { return options.clock ? options.clock() : systemNow(); }

    void event(const std::string& group, std::string message, Json details,
               const std::string& nodeId = {}) {
        engine::Event e;
        e.kind = engine::EventKind::Media;
        e.nodeGroup = group;
        e.nodeId = nodeId;
        e.message = std::move(message);
        e.details = std::move(details);
        core.report(std::move(e));
    }

    Result<std::string> openSecret(const std::string& v) const { return box->unseal(v); }

    // ---- desired jobs ----
    std::map<std::string, Job> desiredJobs(const engine::ClusterSnapshot& snap) {
        std::map<std::string, Job> want;
        std::vector<StorageTargetConfig> defaults;
        if (auto targets = store->listTargets())
            for (const auto& t : *targets)
                if (auto c = decodeStorageTarget(t.doc); c && !c->recordNodeGroups.empty())
                    defaults.push_back(*c);
        for (const auto& [ng, g] : snap.groups) {
            auto provisions = core.store().listProvisions(ng);
            if (!provisions)
                continue;
            for (const auto& rec : *provisions) {
                model::Problems problems;
                auto p = model::decodeProvision(rec.doc, "", problems);
                auto specs =
                    problems.empty()
                        ? jobsForProvision(p, options.policy,
                                           [this](const std::string& v) { return openSecret(v); })
                        : Result<std::vector<JobSpec>, model::Problems>(unexpected(problems));
                if (!specs) {
                    Job j;
                    j.id = ng + "/" + rec.guid + "#invalid";
                    j.nodeGroup = ng;
                    j.provisionGuid = rec.guid;
                    j.invalid = model::describe(specs.error());
                    want.emplace(j.id, std::move(j));
                    continue;
                }
                if (auto ladder = ladderForProvision(p); ladder && *ladder) {
                    Job j;
                    j.id = ng + "/" + rec.guid + "#ladder:transcode";
                    j.nodeGroup = ng;
                    j.provisionGuid = rec.guid;
                    j.spec.kind = JobKind::Transcode;
                    j.spec.type = "transcode";
                    j.spec.streamGuid = (*ladder)->sourceGuid;
                    j.spec.streamIndex = (*ladder)->renditions.front().streamIndex;
                    j.spec.persist = true;
                    j.spec.remote = describeLadder(**ladder);
                    j.spec.remoteMasked = j.spec.remote;
                    j.ladder = std::move(*ladder);
                    want.emplace(j.id, std::move(j));
                }
                for (auto& s : *specs) {
                    Job j;
                    j.id = ng + "/" + rec.guid + "#" + std::to_string(s.streamIndex) + ":" +
                           std::string(toString(s.kind));
                    j.nodeGroup = ng;
                    j.provisionGuid = rec.guid;
                    j.spec = std::move(s);
                    want.emplace(j.id, std::move(j));
                }
            }
            // Node-group default recordings: every stream published in the group.
            for (const auto& t : defaults) {
                if (std::find(t.recordNodeGroups.begin(), t.recordNodeGroups.end(), ng) ==
                    t.recordNodeGroups.end())
                    continue;
                std::set<std::string> live;
                for (const auto& n : g.nodes)
                    for (const auto& s : n.streams)
                        if (s.publishing)
                            live.insert(s.guid);
                for (const auto& guid : live) {
                    Job j;
                    j.id = ng + "/" + kDefaultProvision + "#" + guid + ":record";
                    if (want.count(j.id))
                        continue;
                    j.nodeGroup = ng;
                    j.provisionGuid = kDefaultProvision;
                    j.spec.kind = JobKind::Record;
                    j.spec.type = "record";
                    j.spec.streamGuid = guid;
                    j.spec.persist = true;
                    j.spec.target = t.name;
                    want.emplace(j.id, std::move(j));
                }
            }
        }
        return want;
    }

    // Called with the mutex held.
    void reconcileJobs(const engine::ClusterSnapshot& snap) {
        auto want = desiredJobs(snap);
        for (auto it = jobs.begin(); it != jobs.end();) {
            const auto w = want.find(it->first);
            if (w == want.end() || !(w->second.spec == it->second.spec) ||
                w->second.invalid != it->second.invalid) {
                stopJob(it->second, "its provision changed or was deleted");
                if (w == want.end() && it->second.provisionGuid != kDefaultProvision)
                    event(it->second.nodeGroup,
                          "Stopped " + std::string(toString(it->second.spec.kind)) + " job " +
                              it->first,
                          {{"job", it->first}, {"state", "STOPPED"}});
                it = jobs.erase(it);
                continue;
            }
            ++it;
        }
        for (auto& [id, j] : want) {
            if (jobs.count(id))
                continue;
            if (!j.invalid.empty()) {
                j.state = JobState::Fault;
                j.lastError = j.invalid;
            }
            j.activated = activations.count(j.nodeGroup + "\n" + j.spec.streamGuid) > 0;
            jobs.emplace(id, std::move(j));
        }
    }

    // ---- one job ----
    void setState(Job& j, JobState s, const std::string& why = {}) {
        if (j.state == s)
            return;
        j.state = s;
        if (s == JobState::Live || s == JobState::Fault || (s == JobState::Wait && j.everLive)) {
            std::string msg =
                std::string(toString(j.spec.kind)) + " " + j.id + " is " + std::string(toString(s));
            if (!why.empty())
                msg += ": " + why;
            event(
                j.nodeGroup, msg,
                {{"job", j.id}, {"state", std::string(toString(s))}, {"stream", j.spec.streamGuid}},
                j.nodeId);
        }
    }

    void stopJob(Job& j, const std::string& why) {
        (void)why;
        retire(j);
    }

    // The node publishing a cluster stream: where push, social and record jobs read.
    const engine::NodeView* sourceNode(const engine::NodeGroupView& g, const std::string& guid) {
        for (const auto& n : g.nodes)
            if (n.state == model::NodeState::InService)
                for (const auto& s : n.streams)
                    if (s.guid == guid && s.publishing)
                        return &n;
        return nullptr;
    }

    // The stream a job reads is still published: a transcoder's source on the transcoder itself
    // (its renditions on the origin include the top one, which must not count).
    bool sourceLive(const Job& j, const engine::NodeGroupView& g) {
        if (j.spec.kind == JobKind::Transcode) {
            const auto* n = nodeById(g, j.nodeId);
            return n && publishesOn(*n, j.spec.streamGuid);
        }
        return sourceNode(g, j.spec.streamGuid) != nullptr;
    }

    const engine::NodeView* nodeById(const engine::NodeGroupView& g, const std::string& id) {
        for (const auto& n : g.nodes)
            if (n.nodeId == id)
                return &n;
        return nullptr;
    }

    void backoff(Job& j, std::int64_t t, bool nodeLost) {
        std::int64_t delay = static_cast<std::int64_t>(j.spec.delayS * 1000.0);
        for (int i = 1; i < j.failures && delay < kMaxBackoffMs; ++i)
            delay *= 2;
        delay = std::min(delay, kMaxBackoffMs);
        if (nodeLost)
            delay = 200; // re-place at once: the source is fine, its node is not
        j.nextAttemptMs = t + delay;
        j.waitingFor = "restart in " + std::to_string((delay + 500) / 1000) + " s";
        setState(j, JobState::Wait, j.lastError);
    }

    void fail(Job& j, std::int64_t t, const std::string& why, bool nodeLost) {
        retire(j);
        j.lastError = why;
        ++j.failures;
        const bool pull = j.spec.kind == JobKind::Pull;
        if (nodeLost && pull && !j.spec.persist) {
            setState(j, JobState::Fault, why + " (not persistent, so not re-placed)");
            return;
        }
        if (!j.spec.persist && !nodeLost && j.failures > j.spec.attempts) {
            setState(j, JobState::Fault,
                     why + " (gave up after " + std::to_string(j.failures) + " attempts)");
            return;
        }
        backoff(j, t, nodeLost);
    }

    std::string lastErrorLine(const Job& j, const ProcessExit& e) {
        std::lock_guard lock(j.progress->m);
        if (!j.progress->errors.empty())
            return j.progress->errors.back();
        return "ffmpeg " + e.describe();
    }

    // Starts the job's ffmpeg with progress on stdout and scrubbed errors; false (FAULT) when it
    // cannot be started.
    bool spawn(Job& j, FfmpegCommand command, std::int64_t t) {
        auto progress = std::make_shared<Progress>();
        progress->lastAdvanceMs = t;
        const auto secrets = j.spec.secrets;
        auto clock = [this] {
            return now();
        };
        ProcessOptions po;
        po.argv = std::move(command.argv); // no secret: those are in the documents
        po.documents = std::move(command.documents);
        auto proc = ChildProcess::spawn(
            po, [progress, secrets, clock](OutputStream s, const std::string& line) {
                std::lock_guard lock(progress->m);
                if (s == OutputStream::Err) {
                    progress->errors.push_back(scrub(line, secrets));
                    if (progress->errors.size() > 20)
                        progress->errors.pop_front();
                    return;
                }
                const auto eq = line.find('=');
                if (eq == std::string::npos)
                    return;
                const auto key = line.substr(0, eq);
                const auto value = line.substr(eq + 1);
                if (key == "out_time_us") {
                    const auto v = sy::parseInt(value).value_or(0);
                    if (v > progress->outTimeUs) {
                        progress->outTimeUs = v;
                        progress->lastAdvanceMs = clock();
                    }
                } else if (key == "total_size") {
                    progress->totalSize = sy::parseInt(value).value_or(progress->totalSize);
                } else if (key == "bitrate") {
                    progress->bitrateKbps = sy::parseDouble(value.substr(0, value.find("kbits")))
                                                .value_or(progress->bitrateKbps);
                }
            });
        if (!proc) {
            j.lastError = proc.error().message;
            setState(j, JobState::Fault, j.lastError);
            return false;
        }
        j.process = std::move(proc).value();
        j.progress = progress;
        j.startedMs = t;
        j.sourceSeenMs = t;
        if (j.starts++ > 0)
            ++j.restarts;
        return true;
    }

    // The transcoder node where the publisher sends the ladder's source (a node whose role
    // transcodes), and an origin chosen by routing for the renditions.
    void startTranscode(Job& j, const engine::NodeGroupView& g, std::int64_t t) {
        const Ladder& ladder = *j.ladder;
        const engine::NodeView* transcoder = nullptr;
        const auto& roles = *g.config.roles;
        for (const auto& n : g.nodes) {
            const auto role = roles.find(n.role);
            if (n.state == model::NodeState::InService && role != roles.end() &&
                role->second.has(model::Capability::Transcode) && publishesOn(n, ladder.sourceGuid))
                transcoder = &n;
        }
        if (!transcoder) {
            j.waitingFor = "a publisher of " + ladder.sourceGuid + " on a transcoder";
            return;
        }
        // The origin the publish answer named, while it serves; else one routing picks now.
        const auto originAt = [&](const std::string& url) -> const engine::NodeView* {
            for (const auto& n : g.nodes)
                if (n.nodeId != transcoder->nodeId && n.state == model::NodeState::InService &&
                    roles.at(n.role).has(model::Capability::Publish) &&
                    url.starts_with(routing::rtmpUrl(n.endpoint.address, n.endpoint.rtmpPort, "")))
                    return &n;
            return nullptr;
        };
        const engine::NodeView* origin = nullptr;
        if (const auto placed = placements.find(j.nodeGroup + "\n" + ladder.sourceGuid);
            placed != placements.end())
            origin = originAt(placed->second);
        Result<std::vector<model::StreamLocation>, routing::RoutingError> sel =
            std::vector<model::StreamLocation>{};
        if (!origin) {
            routing::PublishRequest req;
            req.streamGuid = ladder.sourceGuid;
            sel = core.selectPublish(j.nodeGroup, req, "media:" + j.provisionGuid);
            if (sel && !sel->empty())
                origin = originAt(sel->front().urls.at("rtmp"));
        }
        if (!origin) {
            j.waitingFor = "an origin: " + (sel ? std::string("none") : sel.error().message);
            j.nextAttemptMs = t + 1000;
            return;
        }
        const std::string subject = "media:" + j.provisionGuid;
        const std::string source =
            engine::withToken(routing::rtmpUrl(transcoder->endpoint.address,
                                               transcoder->endpoint.rtmpPort, ladder.sourceGuid),
                              core.internalStreamToken(j.nodeGroup, ladder.sourceGuid,
                                                       auth::StreamAction::Play, subject));
        std::vector<std::string> outputs;
        for (const auto& r : ladder.renditions)
            outputs.push_back(engine::withToken(
                routing::rtmpUrl(origin->endpoint.address, origin->endpoint.rtmpPort, r.streamGuid),
                core.internalStreamToken(j.nodeGroup, r.streamGuid, auth::StreamAction::Publish,
                                         subject)));
        if (!spawn(j, ladderCommand(ladder, source, outputs), t))
            return;
        j.sampler = std::make_shared<nodes::ProcessSampler>(j.process->pid());
        j.nodeId = transcoder->nodeId;
        j.nodeAddress =
            transcoder->endpoint.address + ":" + std::to_string(transcoder->endpoint.rtmpPort);
        j.originId = origin->nodeId;
        j.clusterUrl = routing::rtmpUrl(origin->endpoint.address, origin->endpoint.rtmpPort,
                                        ladder.renditions.front().streamGuid);
        j.waitingFor.clear();
        setState(j, JobState::Starting);
    }

    void start(Job& j, const engine::ClusterSnapshot& snap, std::int64_t t) {
        const engine::NodeGroupView* g = nullptr;
        if (const auto it = snap.groups.find(j.nodeGroup); it != snap.groups.end())
            g = &it->second;
        if (!g)
            return;
        if (g->simulated) {
            j.lastError =
                "node group " + sy::quoted(j.nodeGroup) + " is SIMULATED: its nodes carry no media";
            setState(j, JobState::Fault, j.lastError);
            return;
        }
        const auto& spec = j.spec;
        if (spec.kind == JobKind::Transcode) {
            startTranscode(j, *g, t);
            return;
        }
        std::string url;
        const engine::NodeView* node = nullptr;
        if (spec.kind == JobKind::Pull) {
            if (!spec.immediate && !j.activated) {
                j.waitingFor = "publish?restream=true (immediate is false)";
                return;
            }
            routing::PublishRequest req;
            req.streamGuid = spec.streamGuid;
            auto sel = core.selectPublish(j.nodeGroup, req);
            if (!sel || sel->empty()) {
                j.waitingFor = "an origin: " + (sel ? std::string("none") : sel.error().message);
                j.nextAttemptMs = t + 1000;
                return;
            }
            url = (*sel)[0].urls.count("rtmp") ? (*sel)[0].urls.at("rtmp") : "";
            url = url.substr(0, url.find('?')); // without the routing token: ours follows
            for (const auto& n : g->nodes)
                if (routing::rtmpUrl(n.endpoint.address, n.endpoint.rtmpPort, spec.streamGuid) ==
                    url)
                    node = &n;
        } else {
            node = sourceNode(*g, spec.streamGuid);
            if (!node) {
                j.waitingFor = "the stream " + spec.streamGuid + " to go live";
                return;
            }
            url =
                routing::rtmpUrl(node->endpoint.address, node->endpoint.rtmpPort, spec.streamGuid);
        }
        if (!node || url.empty()) {
            j.waitingFor = "a node";
            j.nextAttemptMs = t + 1000;
            return;
        }
        // A group that checks publishers or viewers gets a token of the core with each start.
        const auto action =
            spec.kind == JobKind::Pull ? auth::StreamAction::Publish : auth::StreamAction::Play;
        const std::string token = core.internalStreamToken(j.nodeGroup, spec.streamGuid, action,
                                                           "media:" + j.provisionGuid);
        const bool roundTrip = model::publishAccess(g->config) == model::AccessMode::RoundTrip;
        const std::string clusterUrl =
            spec.kind == JobKind::Pull && roundTrip && !spec.publishCredentials.empty()
                ? url + "?" + spec.publishCredentials
                : engine::withToken(url, token);
        // Resolved once, here: ffmpeg gets the address that was checked, not the name.
        JobSpec run = spec;
        if (spec.kind == JobKind::Pull || spec.kind == JobKind::Push ||
            spec.kind == JobKind::Social)
            if (!spec.listen) {
                auto pinned = pinResolved(spec.remote, options.policy);
                if (!pinned) {
                    j.lastError = pinned.error().message;
                    setState(j, JobState::Fault, j.lastError);
                    return;
                }
                run.remote = *pinned;
                if (*pinned != spec.remote && toLower(spec.remote.substr(0, 7)) == "rtmp://")
                    run.remoteTcUrl = rtmpTcUrl(spec.remote);
            }
        if (spec.kind == JobKind::Record) {
            const fs::path dir = options.dataDir / "recordings" / safeSegment(j.nodeGroup) /
                                 safeSegment(spec.streamGuid);
            std::error_code ec;
            fs::create_directories(dir, ec);
            // One file per recording job: two targets of one stream record side by side.
            j.captureFile =
                (dir / (utcStamp(t) + "-" +
                        safeSegment(spec.target.empty() ? "local" : spec.target) + ".mkv"))
                    .string();
            RecordingRecord r;
            r.nodeGroup = j.nodeGroup;
            r.streamGuid = spec.streamGuid;
            r.provisionGuid = j.provisionGuid == kDefaultProvision ? "" : j.provisionGuid;
            r.target = spec.target;
            r.localPath = j.captureFile;
            r.state = RecordingState::Recording;
            r.startedMs = t;
            auto id = store->putRecording(r);
            if (!id) {
                j.lastError = "cannot record: " + id.error().message;
                setState(j, JobState::Fault, j.lastError);
                return;
            }
            j.recordingId = *id;
        }
        if (!spawn(j, ffmpegCommand(run, clusterUrl, j.captureFile), t))
            return;
        j.nodeId = node->nodeId;
        j.nodeAddress = node->endpoint.address + ":" + std::to_string(node->endpoint.rtmpPort);
        j.clusterUrl = url;
        j.waitingFor = spec.listen ? "a caller on " + spec.remoteMasked : "";
        setState(j, JobState::Starting);
    }

    void step(Job& j, const engine::ClusterSnapshot& snap, std::int64_t t) {
        if (j.state == JobState::Fault)
            return;
        if (j.state == JobState::Wait) {
            if (t < j.nextAttemptMs)
                return;
            start(j, snap, t);
            return;
        }
        // STARTING or LIVE: a process runs.
        if (auto exit = j.process->exitStatus()) {
            const auto why = lastErrorLine(j, *exit);
            const bool ended = exit->success() && j.spec.kind != JobKind::Pull;
            if (ended) { // the stream it read has ended: wait for it again
                retire(j);
                j.nextAttemptMs = t + 500;
                setState(j, JobState::Wait, "the stream ended");
                j.waitingFor = "the stream " + j.spec.streamGuid + " to go live";
                return;
            }
            fail(j, t, why, false);
            return;
        }
        const engine::NodeGroupView* g = nullptr;
        if (const auto it = snap.groups.find(j.nodeGroup); it != snap.groups.end())
            g = &it->second;
        const auto* node = g ? nodeById(*g, j.nodeId) : nullptr;
        if (!node || node->state != model::NodeState::InService) {
            const std::string why =
                "node " + j.nodeId + " left service" +
                (node ? " (" + std::string(model::toString(node->state)) +
                            (node->faultReason.empty() ? "" : ": " + node->faultReason) + ")"
                      : "");
            fail(j, t, why, true);
            return;
        }
        std::int64_t lastAdvance = 0, outTime = 0;
        {
            std::lock_guard lock(j.progress->m);
            lastAdvance = j.progress->lastAdvanceMs;
            outTime = j.progress->outTimeUs;
        }
        if (j.state == JobState::Starting) {
            if (outTime > 0) {
                if (j.everLive)
                    ++j.reconnects;
                j.everLive = true;
                j.liveSinceMs = t;
                j.lastError.clear();
                setState(j, JobState::Live);
                return;
            }
            const auto waited = t - j.startedMs;
            if (j.spec.listen) {
                j.waitingFor = "a caller on " + j.spec.remoteMasked;
                if (!j.spec.persist && waited > kListenIdleMs)
                    fail(j, t, "no caller connected for 2 minutes", false);
                return;
            }
            if (waited > options.startTimeout.count())
                fail(j, t,
                     "no media from the source within " +
                         std::to_string(options.startTimeout.count() / 1000) + " s",
                     false);
            return;
        }
        // LIVE
        if (t - j.liveSinceMs > kRecoveredAfterMs)
            j.failures = 0;
        if (j.spec.kind != JobKind::Pull) {
            // The publisher left: nginx would keep the reader waiting for it. Finish (a
            // recording is finalised) and wait for the stream to come back.
            if (sourceLive(j, *g))
                j.sourceSeenMs = t;
            else if (t - j.sourceSeenMs > kSourceGoneMs) {
                retire(j);
                j.waitingFor = "the stream " + j.spec.streamGuid + " to go live";
                setState(j, JobState::Wait, "the stream ended");
                return;
            }
        }
        if (t - lastAdvance > options.stallTimeout.count()) {
            if (j.spec.kind != JobKind::Pull && !sourceLive(j, *g)) {
                // The publisher left: nginx keeps the reader waiting. Finish, wait for it again.
                retire(j);
                j.waitingFor = "the stream " + j.spec.streamGuid + " to go live";
                setState(j, JobState::Wait, "the stream ended");
                return;
            }
            fail(j, t, "no media for " + std::to_string(options.stallTimeout.count() / 1000) + " s",
                 false);
        }
    }

    // A job's process is stopped outside the lock (a recording gets seconds to write its
    // trailer), then its capture is handed to the upload worker to be finalised.
    void retire(Job& j) {
        retired.push_back({std::move(j.process), graceFor(j), j.recordingId});
        j.recordingId = 0;
        j.sampler.reset();
        j.cpuLoad = 0;
    }

    void reap(std::unique_lock<std::mutex>& lock) {
        if (retired.empty())
            return;
        auto batch = std::move(retired);
        retired.clear();
        lock.unlock();
        for (auto& r : batch) {
            if (r.process)
                r.process->terminate(r.grace);
            r.process.reset();
            if (r.recordingId)
                finishCapture(r.recordingId);
        }
        lock.lock();
    }

    void finishCapture(std::int64_t id) {
        if (auto r = store->getRecording(id)) {
            r->state = RecordingState::Finalizing;
            r->endedMs = now();
            (void)store->putRecording(*r);
        }
        std::lock_guard lock(uploadMutex);
        uploadQueue.push_back(id);
        uploadWake.notify_all();
    }

    void publishMetrics() {
        std::map<std::string, model::FlatMetrics> byNode;
        for (auto& [id, j] : jobs) {
            if (!j.process || j.nodeId.empty())
                continue;
            if (j.spec.kind == JobKind::Transcode) {
                // The ladder's encoders are the transcoder's load: scaling rules and capacity
                // expressions of the transcoder role see them like any node metric.
                if (j.sampler)
                    if (auto usage = j.sampler->sample(); usage && usage->interval.count() > 0)
                        j.cpuLoad = usage->cpuLoad;
                auto& m = byNode[j.nodeId];
                m["transcoder.renditions"] += static_cast<double>(j.ladder->renditions.size());
                m["cpu.process.load"] += j.cpuLoad;
            } else if (j.spec.kind != JobKind::Record) {
                byNode[j.nodeId]["connections.restreamer"] += 1;
            }
        }
        core.setExternalMetrics("media", std::move(byNode));
    }

    void supervise() {
        std::unique_lock lock(mutex);
        while (running) {
            const auto t = now();
            const auto snap = core.snapshot();
            if (nudged || t - lastProvisionScanMs >= 1000) {
                nudged = false;
                lastProvisionScanMs = t;
                reconcileJobs(*snap);
            }
            for (auto& [id, j] : jobs)
                step(j, *snap, t);
            publishMetrics();
            reap(lock);
            wake.wait_for(lock, options.tick, [this] { return !running || nudged; });
        }
        for (auto& [id, j] : jobs)
            stopJob(j, "the media manager stopped");
        jobs.clear();
        reap(lock);
        core.setExternalMetrics("media", {});
    }

    // ---- recordings: finalise, upload, verify, delete locally ----
    Result<std::unique_ptr<StorageTarget>> targetEngine(const std::string& name) {
        auto rec = store->getTarget(name);
        if (!rec)
            return unexpected(rec.error());
        auto c = decodeStorageTarget(rec->doc);
        if (!c)
            return unexpected(c.error());
        for (auto& [k, v] : c->settings)
            if (SecretBox::isSealed(v)) {
                auto plain = box->unseal(v);
                if (!plain)
                    return unexpected(plain.error());
                v = *plain;
            }
        return makeStorageTarget(*c, options.dataDir / "tmp");
    }

    Result<void> finalise(RecordingRecord& r) {
        const fs::path capture = r.localPath;
        if (capture.extension() == ".mp4" && fs::exists(capture))
            return {}; // finalised before a restart
        fs::path mp4 = capture;
        mp4.replace_extension(".mp4");
        std::error_code ec;
        if (!fs::exists(capture, ec) || fs::file_size(capture, ec) == 0) {
            if (fs::exists(mp4, ec)) {
                r.localPath = mp4.string();
                return {};
            }
            return sy::fail("no_media",
                            "the capture " + capture.filename().string() +
                                " holds no media (the stream ended before any arrived)");
        }
        ProcessOptions po;
        po.argv = {
            "ffmpeg", "-hide_banner",   "-nostdin",   "-loglevel", "error",
            "-i",     capture.string(), "-map",       "0",         "-c",
            "copy",   "-movflags",      "+faststart", "-y",        mp4.string() + ".part.mp4"};
        auto remux = ChildProcess::run(po, std::chrono::minutes(10), 64 * 1024);
        if (!remux)
            return unexpected(remux.error());
        if (!remux->exit.success())
            return sy::fail("finalise_failed",
                            "remuxing " + capture.filename().string() +
                                " to MP4 failed: " + std::string(sy::trim(remux->err)));
        fs::rename(mp4.string() + ".part.mp4", mp4, ec);
        if (ec)
            return sy::fail("finalise_failed", "cannot rename the MP4: " + ec.message());
        fs::remove(capture, ec);
        r.localPath = mp4.string();
        return {};
    }

    void describeFile(RecordingRecord& r) {
        std::error_code ec;
        r.sizeBytes = static_cast<std::int64_t>(fs::file_size(r.localPath, ec));
        r.md5 = fileMd5(r.localPath);
        ProcessOptions po;
        po.argv = {"ffprobe",
                   "-v",
                   "error",
                   "-show_entries",
                   "format=duration",
                   "-of",
                   "default=noprint_wrappers=1:nokey=1",
                   r.localPath};
        if (auto probe = ChildProcess::run(po, std::chrono::seconds(30), 4096);
            probe && probe->exit.success())
            r.durationMs = static_cast<std::int64_t>(
                sy::parseDouble(std::string(sy::trim(probe->out))).value_or(0) * 1000.0);
    }

    std::string remoteKey(const RecordingRecord& r) {
        std::string prefix;
        if (!r.provisionGuid.empty())
            if (auto p = core.store().getProvision(r.nodeGroup, r.provisionGuid))
                for (const auto& s : p->doc.value("streams", Json::array()))
                    if (s.is_object() && s.value("streamGuid", "") == r.streamGuid &&
                        s.contains("cloudParams") && s["cloudParams"].is_object())
                        prefix = s["cloudParams"].value("fileStorageName", "");
        std::string key = prefix.empty() ? r.streamGuid : prefix;
        while (key.ends_with('/'))
            key.pop_back();
        return key + "/" + fs::path(r.localPath).filename().string();
    }

    // One step of one recording; returns false to retry later.
    bool advance(std::int64_t id) {
        auto r = store->getRecording(id);
        if (!r)
            return true;
        const std::string ng = r->nodeGroup;
        if (r->state == RecordingState::Recording) {
            std::lock_guard lock(mutex);
            for (const auto& [jid, j] : jobs)
                if (j.recordingId == id)
                    return true; // still being captured
            r->state = RecordingState::Finalizing;
        }
        if (r->state == RecordingState::Finalizing) {
            if (auto done = finalise(*r); !done) {
                r->state = RecordingState::Failed;
                r->error = done.error().message;
                (void)store->putRecording(*r);
                event(ng, "Recording of " + r->streamGuid + " failed: " + r->error,
                      {{"recording", id}, {"state", "FAULT"}});
                return true;
            }
            describeFile(*r);
            r->state = r->target.empty() ? RecordingState::Local : RecordingState::Pending;
            r->error.clear();
            (void)store->putRecording(*r);
            event(ng,
                  "Recorded " + r->streamGuid + " (" + std::to_string(r->durationMs / 1000) +
                      " s, " + std::to_string(r->sizeBytes / 1024) + " KiB)",
                  {{"recording", id}, {"state", std::string(store::toString(r->state))}});
        }
        if (r->state == RecordingState::Pending || r->state == RecordingState::Uploading) {
            auto target = targetEngine(r->target);
            if (!target) {
                r->error =
                    "storage target " + sy::quoted(r->target) + ": " + target.error().message;
                r->state = RecordingState::Pending;
                (void)store->putRecording(*r);
                return false;
            }
            if (r->remoteKey.empty())
                r->remoteKey = remoteKey(*r);
            r->state = RecordingState::Uploading;
            ++r->uploadAttempts;
            (void)store->putRecording(*r); // journalled before the upload starts
            auto stored = (*target)->upload(r->localPath, r->remoteKey);
            if (stored)
                stored = (*target)->stat(r->remoteKey);
            if (!stored || !sameContent(*stored, r->sizeBytes, r->md5)) {
                r->error = stored ? "the uploaded object differs from the recording (size or "
                                    "MD5); will upload again"
                                  : stored.error().message;
                r->state = RecordingState::Pending;
                (void)store->putRecording(*r);
                event(ng,
                      "Upload of " + r->streamGuid + " to " + r->target + " failed: " + r->error,
                      {{"recording", id}, {"state", "PENDING"}});
                return false;
            }
            r->state = RecordingState::Uploaded;
            r->uploadedMs = now();
            r->error.clear();
            (void)store->putRecording(*r);
            event(ng, "Uploaded " + r->streamGuid + " to " + r->target + " as " + r->remoteKey,
                  {{"recording", id}, {"state", "UPLOADED"}});
        }
        if (r->state == RecordingState::Uploaded && !r->localDeleted) {
            std::error_code ec;
            fs::remove(r->localPath, ec);
            r->localDeleted = true;
            (void)store->putRecording(*r);
        }
        return true;
    }

    void uploadLoop() {
        std::unique_lock lock(uploadMutex);
        while (uploading) {
            const auto t = now();
            std::optional<std::int64_t> next;
            if (!uploadQueue.empty()) {
                next = uploadQueue.front();
                uploadQueue.pop_front();
            } else {
                for (auto it = uploadRetryAt.begin(); it != uploadRetryAt.end(); ++it)
                    if (it->second <= t) {
                        next = it->first;
                        uploadRetryAt.erase(it);
                        break;
                    }
            }
            if (next) {
                lock.unlock();
                const bool done = advance(*next);
                std::int64_t attempts = 1;
                if (!done)
                    if (auto r = store->getRecording(*next))
                        attempts = r->uploadAttempts;
                lock.lock();
                if (!done) {
                    std::int64_t delay = 1000;
                    for (int i = 1; i < attempts && delay < 300000; ++i)
                        delay *= 2;
                    uploadRetryAt[*next] = now() + std::min<std::int64_t>(delay, 300000);
                }
                continue;
            }
            if (t - lastRetentionMs > 3600 * 1000) {
                lastRetentionMs = t;
                lock.unlock();
                (void)retention();
                lock.lock();
                continue;
            }
            uploadWake.wait_for(lock, std::chrono::milliseconds(500));
        }
    }

    Result<int> retention() {
        auto targets = store->listTargets();
        if (!targets)
            return unexpected(targets.error());
        int removed = 0;
        for (const auto& t : *targets) {
            auto c = decodeStorageTarget(t.doc);
            if (!c || (!c->retention.maxAgeDays && !c->retention.maxCount))
                continue;
            auto engine = targetEngine(c->name);
            if (!engine)
                continue;
            auto objects = (*engine)->list("");
            if (!objects)
                continue;
            // Only what the recordings table says Switchyard wrote there: a folder or bucket
            // shared with other tools keeps their files, however old.
            std::set<std::string> ours;
            if (auto recs = store->listRecordings())
                for (const auto& r : *recs)
                    if (r.target == c->name && !r.remoteKey.empty())
                        ours.insert(r.remoteKey);
            std::erase_if(*objects, [&](const StoredObject& o) { return !ours.count(o.key); });
            const auto victims = retentionVictims(c->retention, *objects, now());
            std::set<std::string> gone;
            for (const auto& key : victims)
                if ((*engine)->remove(key))
                    gone.insert(key);
            if (auto recs = store->listRecordings())
                for (const auto& r : *recs)
                    if (r.target == c->name && gone.count(r.remoteKey) && r.localDeleted)
                        (void)store->deleteRecording(r.id);
            removed += static_cast<int>(gone.size());
            if (!gone.empty())
                event("",
                      "Retention removed " + std::to_string(gone.size()) + " recordings from " +
                          c->name,
                      {{"target", c->name}, {"removed", gone.size()}});
        }
        return removed;
    }
};

// ---- MediaManager ----

MediaManager::MediaManager(engine::ControlCore& core, MediaOptions options)
    : options_(std::move(options))
    , impl_(std::make_unique<Impl>(core, options_)) {}

MediaManager::~MediaManager() {
    stop();
}

Result<std::unique_ptr<MediaManager>> MediaManager::open(engine::ControlCore& core,
                                                         MediaOptions options) {
    std::error_code ec;
    fs::create_directories(options.dataDir / "recordings", ec);
    fs::create_directories(options.dataDir / "tmp", ec);
    if (ec)
        return fail("storage", "cannot create " + (options.dataDir / "recordings").string() + ": " +
                                   ec.message());
    std::unique_ptr<MediaManager> m(new MediaManager(core, std::move(options)));
    auto store = store::MediaStore::open((m->options_.dataDir / "media.db").string());
    if (!store)
        return unexpected(store.error());
    m->impl_->store = std::move(store).value();
    auto box = SecretBox::open(m->options_.dataDir / "media-secrets.key");
    if (!box)
        return unexpected(box.error());
    m->impl_->box = std::move(box).value();
    return m;
}

void MediaManager::start() {
    auto& i = *impl_;
    {
        std::lock_guard lock(i.mutex);
        if (i.running)
            return;
        i.running = true;
        i.nudged = true;
    }
    {
        std::lock_guard lock(i.uploadMutex);
        i.uploading = true;
        if (auto open = i.store->unfinishedRecordings())
            for (const auto& r : *open)
                i.uploadQueue.push_back(r.id);
    }
    i.supervisor = std::thread([&i] { i.supervise(); });
    i.uploader = std::thread([&i] { i.uploadLoop(); });
}

void MediaManager::stop() {
    auto& i = *impl_;
    {
        std::lock_guard lock(i.mutex);
        i.running = false;
        i.wake.notify_all();
    }
    if (i.supervisor.joinable())
        i.supervisor.join();
    {
        std::lock_guard lock(i.uploadMutex);
        i.uploading = false;
        i.uploadWake.notify_all();
    }
    if (i.uploader.joinable())
        i.uploader.join();
}

std::vector<JobView> MediaManager::jobs(const std::string& nodeGroup) const {
    std::vector<JobView> out;
    const auto t = impl_->now();
    std::lock_guard lock(impl_->mutex);
    for (const auto& [id, j] : impl_->jobs) {
        if (!nodeGroup.empty() && j.nodeGroup != nodeGroup)
            continue;
        JobView v;
        v.id = id;
        v.nodeGroup = j.nodeGroup;
        v.provisionGuid = j.provisionGuid;
        v.streamGuid = j.spec.streamGuid;
        v.kind = j.spec.kind;
        v.type = j.spec.type;
        v.remote = j.spec.remoteMasked;
        v.target = j.spec.target;
        v.persist = j.spec.persist;
        v.immediate = j.spec.immediate;
        v.state = j.state;
        v.waitingFor =
            j.state == JobState::Wait || j.state == JobState::Starting ? j.waitingFor : "";
        v.lastError = j.lastError;
        v.nodeId = j.process ? j.nodeId : "";
        v.nodeAddress = j.process ? j.nodeAddress : "";
        v.originNodeId = j.process ? j.originId : "";
        v.failures = j.failures;
        v.restarts = j.restarts;
        v.reconnects = j.reconnects;
        v.recordingId = j.recordingId;
        v.pid = j.process ? j.process->pid() : 0;
        if (j.state == JobState::Live) {
            v.liveSinceMs = j.liveSinceMs;
            v.uptimeMs = t - j.liveSinceMs;
            std::lock_guard plock(j.progress->m);
            v.bitrateKbps = j.progress->bitrateKbps;
            v.bytes = j.progress->totalSize;
        }
        out.push_back(std::move(v));
    }
    return out;
}

model::Problems MediaManager::check(const model::ProvisionRequest& p) const {
    auto specs = jobsForProvision(p, options_.policy,
                                  [this](const std::string& v) { return impl_->box->unseal(v); });
    model::Problems out;
    if (!specs)
        out = specs.error();
    if (auto ladder = ladderForProvision(p); !ladder)
        out.insert(out.end(), ladder.error().begin(), ladder.error().end());
    if (p.streams)
        for (std::size_t i = 0; i < p.streams->size(); ++i) {
            const auto& s = (*p.streams)[i];
            if (s.cloudParams && s.cloudParams->bucketName &&
                !impl_->store->getTarget(*s.cloudParams->bucketName))
                out.push_back({model::indexPath("streams", i) + ".cloudParams.bucketName",
                               "no storage target named " + sy::quoted(*s.cloudParams->bucketName) +
                                   " (create it under /as/v1/storage first)"});
        }
    return out;
}

Json MediaManager::sealSecrets(const Json& doc) const {
    Json out = doc;
    if (out.is_object() && out.contains("credentials") && out["credentials"].is_object())
        for (const char* k : kCredentialSecrets)
            if (auto it = out["credentials"].find(k); it != out["credentials"].end() &&
                                                      it->is_string() &&
                                                      !it->get_ref<const std::string&>().empty() &&
                                                      !SecretBox::isSealed(it->get<std::string>()))
                *it = impl_->box->seal(it->get<std::string>());
    if (!out.contains("streams") || !out["streams"].is_array())
        return out;
    for (auto& s : out["streams"]) {
        if (!s.is_object())
            continue;
        if (s.contains("destUri") && s["destUri"].is_string() &&
            !SecretBox::isSealed(s["destUri"].get<std::string>()))
            s["destUri"] = impl_->box->seal(s["destUri"].get<std::string>());
        if (!s.contains("camParams") || !s["camParams"].is_object())
            continue;
        auto& props = s["camParams"]["properties"];
        if (!props.is_object())
            continue;
        const std::string type = props.value("type", "");
        for (auto& [k, v] : props.items()) {
            if (!v.is_string() || SecretBox::isSealed(v.get<std::string>()))
                continue;
            if (isSecretProperty(k, type) || hasUserinfo(v.get<std::string>()) ||
                urlHasSecret(v.get<std::string>()))
                v = impl_->box->seal(v.get<std::string>());
        }
    }
    return out;
}

Json MediaManager::maskSecrets(const Json& doc) {
    Json out = doc;
    if (out.is_object() && out.contains("credentials") && out["credentials"].is_object())
        for (const char* k : kCredentialSecrets)
            if (auto it = out["credentials"].find(k); it != out["credentials"].end() &&
                                                      it->is_string() &&
                                                      !it->get_ref<const std::string&>().empty())
                *it = "••••";
    if (!out.contains("streams") || !out["streams"].is_array())
        return out;
    for (auto& s : out["streams"]) {
        if (!s.is_object())
            continue;
        if (s.contains("destUri") && s["destUri"].is_string())
            s["destUri"] = SecretBox::isSealed(s["destUri"].get<std::string>())
                               ? std::string("••••")
                               : maskUrl(s["destUri"].get<std::string>(), true);
        if (!s.contains("camParams") || !s["camParams"].is_object() ||
            !s["camParams"].contains("properties") || !s["camParams"]["properties"].is_object())
            continue;
        auto& props = s["camParams"]["properties"];
        const std::string type = props.value("type", "");
        for (auto& [k, v] : props.items()) {
            if (!v.is_string())
                continue;
            const auto text = v.get<std::string>();
            if (SecretBox::isSealed(text) || isSecretProperty(k, type))
                v = "••••";
            else if (hasUserinfo(text) || urlHasSecret(text))
                v = maskUrl(text, false);
        }
    }
    return out;
}

Json MediaManager::keepStoredSecrets(const Json& given, const Json& stored) {
    Json out = given;
    const auto masked = [](const Json& v) {
        return v.is_string() && v.get<std::string>().find("••••") != std::string::npos;
    };
    if (out.is_object() && stored.is_object() && out.contains("credentials") &&
        out["credentials"].is_object() && stored.contains("credentials") &&
        stored["credentials"].is_object())
        for (const char* k : kCredentialSecrets)
            if (auto it = out["credentials"].find(k);
                it != out["credentials"].end() && masked(*it) && stored["credentials"].contains(k))
                *it = stored["credentials"][k];
    if (!out.contains("streams") || !out["streams"].is_array() || !stored.contains("streams") ||
        !stored["streams"].is_array())
        return out;
    auto& streams = out["streams"];
    const auto& old = stored["streams"];
    for (std::size_t i = 0; i < streams.size() && i < old.size(); ++i) {
        auto& s = streams[i];
        const auto& o = old[i];
        if (!s.is_object() || !o.is_object())
            continue;
        if (s.contains("destUri") && masked(s["destUri"]) && o.contains("destUri"))
            s["destUri"] = o["destUri"];
        if (!s.contains("camParams") || !s["camParams"].is_object() ||
            !s["camParams"].contains("properties") || !o.contains("camParams") ||
            !o["camParams"].is_object() || !o["camParams"].contains("properties"))
            continue;
        auto& props = s["camParams"]["properties"];
        const auto& oldProps = o["camParams"]["properties"];
        if (!props.is_object() || !oldProps.is_object())
            continue;
        for (auto& [k, v] : props.items())
            if (masked(v) && oldProps.contains(k))
                v = oldProps[k];
    }
    return out;
}

void MediaManager::activate(const std::string& nodeGroup, const std::string& streamGuid) {
    std::lock_guard lock(impl_->mutex);
    impl_->activations.insert(nodeGroup + "\n" + streamGuid);
    for (auto& [id, j] : impl_->jobs)
        if (j.nodeGroup == nodeGroup && j.spec.streamGuid == streamGuid)
            j.activated = true;
    impl_->nudged = true;
    impl_->wake.notify_all();
}

void MediaManager::placeTranscode(const std::string& nodeGroup, const std::string& sourceGuid,
                                  const std::string& originRtmpUrl) {
    std::lock_guard lock(impl_->mutex);
    impl_->placements[nodeGroup + "\n" + sourceGuid] = originRtmpUrl;
    impl_->nudged = true;
    impl_->wake.notify_all();
}

void MediaManager::nudge() {
    std::lock_guard lock(impl_->mutex);
    impl_->nudged = true;
    impl_->wake.notify_all();
}

// A secret left out, empty or masked in a target document keeps its stored (sealed) value, so a
// form or a GET answer sent back does not have to carry it. Done before decoding, which needs
// every required setting.
static Json withStoredSecrets(store::MediaStore& store, Json doc) {
    if (!doc.is_object() || !doc.contains("name") || !doc["name"].is_string())
        return doc;
    auto existing = store.getTarget(doc["name"].get<std::string>());
    if (!existing || !existing->doc.is_object())
        return doc;
    const auto named = doc.find("kind"); // the body's: value() would throw on a number (500)
    const auto kind =
        named != doc.end() && named->is_string() ? named->get<std::string>() : std::string();
    const auto& old = existing->doc.value("settings", Json::object());
    if (!old.is_object() || existing->doc.value("kind", std::string()) != kind)
        return doc;
    if (!doc.contains("settings") || !doc["settings"].is_object())
        return doc;
    auto& settings = doc["settings"];
    for (const auto& [k, v] : old.items()) {
        if (!isSecretSetting(kind, k) || !v.is_string())
            continue;
        const auto given = settings.find(k);
        if (given == settings.end() ||
            (given->is_string() && (given->get<std::string>().empty() ||
                                    given->get<std::string>().find("••••") != std::string::npos)))
            settings[k] = v;
    }
    return doc;
}

Result<void> MediaManager::putTarget(const Json& given) {
    const auto doc = withStoredSecrets(*impl_->store, given);
    auto c = decodeStorageTarget(doc);
    if (!c)
        return unexpected(c.error());
    auto existing = impl_->store->getTarget(c->name);
    std::optional<StorageTargetConfig> old;
    if (existing)
        if (auto o = decodeStorageTarget(existing->doc))
            old = *o;
    for (auto& [k, v] : c->settings)
        if (isSecretSetting(c->kind, k) && (v.empty() || v.find("••••") != std::string::npos)) {
            if (old && old->settings.count(k))
                v = old->settings.at(k);
        }
    // Validate with the secrets in plain text, store them sealed.
    StorageTargetConfig plain = *c;
    for (auto& [k, v] : plain.settings)
        if (SecretBox::isSealed(v))
            if (auto p = impl_->box->unseal(v))
                v = *p;
    if (auto why = validateStorageTarget(plain))
        return fail("invalid", *why);
    for (auto& [k, v] : c->settings)
        if (isSecretSetting(c->kind, k) && !SecretBox::isSealed(v))
            v = impl_->box->seal(v);
    store::StorageTargetRecord r{c->name, encodeStorageTarget(*c, false), impl_->now()};
    auto put = impl_->store->putTarget(r);
    if (!put)
        return unexpected(put.error());
    nudge();
    return {};
}

Result<std::vector<Json>> MediaManager::targets() const {
    auto list = impl_->store->listTargets();
    if (!list)
        return unexpected(list.error());
    std::vector<Json> out;
    for (const auto& t : *list)
        if (auto c = decodeStorageTarget(t.doc))
            out.push_back(encodeStorageTarget(*c, true));
    return out;
}

Result<Json> MediaManager::target(const std::string& name) const {
    auto t = impl_->store->getTarget(name);
    if (!t)
        return unexpected(t.error());
    auto c = decodeStorageTarget(t->doc);
    if (!c)
        return unexpected(c.error());
    return encodeStorageTarget(*c, true);
}

Result<void> MediaManager::removeTarget(const std::string& name) {
    auto r = impl_->store->deleteTarget(name);
    if (r)
        nudge();
    return r;
}

Result<void> MediaManager::testTarget(const std::string& name) {
    auto engine = impl_->targetEngine(name);
    if (!engine)
        return unexpected(engine.error());
    return (*engine)->test();
}

Result<void> MediaManager::testTarget(const Json& given) {
    auto c = decodeStorageTarget(withStoredSecrets(*impl_->store, given));
    if (!c)
        return unexpected(c.error());
    if (auto existing = impl_->store->getTarget(c->name))
        if (auto old = decodeStorageTarget(existing->doc))
            for (auto& [k, v] : c->settings)
                if (isSecretSetting(c->kind, k) &&
                    (v.empty() || v.find("••••") != std::string::npos) && old->settings.count(k))
                    v = old->settings.at(k);
    for (auto& [k, v] : c->settings)
        if (SecretBox::isSealed(v)) {
            auto p = impl_->box->unseal(v);
            if (!p)
                return unexpected(p.error());
            v = *p;
        }
    if (auto why = validateStorageTarget(*c))
        return fail("invalid", *why);
    auto engine = makeStorageTarget(*c, options_.dataDir / "tmp");
    if (!engine)
        return unexpected(engine.error());
    return (*engine)->test();
}

Result<std::vector<RecordingRecord>> MediaManager::recordings(const std::string& nodeGroup,
                                                              const std::string& streamGuid) const {
    return impl_->store->listRecordings(nodeGroup, streamGuid);
}

Result<RecordingRecord> MediaManager::recording(std::int64_t id) const {
    return impl_->store->getRecording(id);
}

Result<std::string> MediaManager::playbackUrl(std::int64_t id) {
    auto r = impl_->store->getRecording(id);
    if (!r)
        return unexpected(r.error());
    if (r->state == RecordingState::Uploaded) {
        auto engine = impl_->targetEngine(r->target);
        if (!engine)
            return unexpected(engine.error());
        return (*engine)->playbackUrl(r->remoteKey, std::chrono::hours(1));
    }
    if (r->state == RecordingState::Recording || r->state == RecordingState::Finalizing)
        return fail("not_ready", "recording " + std::to_string(id) + " is still " +
                                     std::string(store::toString(r->state)));
    return "file://" + r->localPath;
}

Result<void> MediaManager::deleteRecording(std::int64_t id) {
    auto r = impl_->store->getRecording(id);
    if (!r)
        return unexpected(r.error());
    if (r->state == RecordingState::Recording)
        return fail("conflict", "recording " + std::to_string(id) +
                                    " is still being captured; stop its provision first");
    if (!r->remoteKey.empty() && !r->target.empty() &&
        (r->state == RecordingState::Uploaded || r->state == RecordingState::Uploading)) {
        auto engine = impl_->targetEngine(r->target);
        if (!engine)
            return unexpected(engine.error());
        if (auto gone = (*engine)->remove(r->remoteKey); !gone && gone.error().code != "not_found")
            return gone;
    }
    std::error_code ec;
    if (!r->localDeleted)
        fs::remove(r->localPath, ec);
    return impl_->store->deleteRecording(id);
}

Result<int> MediaManager::applyRetention() {
    return impl_->retention();
}

} // namespace sy::media
