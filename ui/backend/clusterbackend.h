#pragma once
// ClusterBackend: the one interface the console's pages talk to, whether the cluster is managed by
// an embedded ControlCore (EmbeddedBackend) or by a remote Stream Manager over its REST API
// (RemoteBackend, next). Both hand the UI the core's own value types: an immutable
// ClusterSnapshot and engine::Event values, so pages do not care where the cluster lives.
//
// Threads: every signal is emitted and every command callback runs on the GUI thread. Nothing
// here blocks it: commands complete later through their callback.

#include "core/engine/clustersnapshot.h"
#include "core/engine/event.h"
#include "core/media/mediamanager.h"
#include "core/model/nodegroup.h"
#include "core/store/mediastore.h"
#include "core/util/result.h"

#include <nlohmann/json.hpp>

#include <QObject>
#include <QString>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sy::ui {

using EventList = std::vector<engine::Event>;

// What the media layer runs and keeps (reference §7), as the Provisions page shows it: fetched
// whole by refreshMedia(), never in pieces. Secrets are masked everywhere in it ("••••").
struct MediaSnapshot {
    std::vector<media::JobView> jobs;               // every node group's, ordered by id
    std::vector<nlohmann::json> targets;            // storage targets, masked, by name
    std::vector<store::RecordingRecord> recordings; // newest first
    std::map<std::string, std::vector<nlohmann::json>> provisions; // per node group, masked
    // Why the media part could not be read ("the media layer is not running…"); the lists
    // are then those of the last good fetch.
    QString error;
    std::int64_t fetchedMs = 0; // 0: never fetched
};
using MediaSnapshotPtr = std::shared_ptr<const MediaSnapshot>;

class ClusterBackend : public QObject {
    Q_OBJECT
public:
    // The outcome of a command, on the GUI thread; the error's message is for people as is.
    using CommandCallback = std::function<void(Result<void>)>;

    // Scale-rule expressions (reference §5): capacity is numeric per node, scale is boolean over
    // aggregates. Trying one gives its value on empty metrics as text ("0", "false"), or the
    // parse error with its column.
    enum class ExpressionKind { Capacity, Scale };
    using ExpressionCallback = std::function<void(Result<QString>)>;
    // Where a publisher or viewer of a stream goes, by the cluster's own routing: its RTMP URL.
    using RouteCallback = std::function<void(Result<QString>)>;

    using QObject::QObject;
    ~ClusterBackend() override = default;

    // What the console is connected to, for the title bar: "embedded: /path", "https://host".
    virtual QString description() const = 0;
    // The latest snapshot (never null; empty before the first one arrives).
    virtual engine::SnapshotPtr snapshot() const = 0;

    virtual void createNodeGroup(model::NodeGroupConfig config, CommandCallback done) = 0;
    virtual void updateNodeGroup(model::NodeGroupConfig config, CommandCallback done) = 0;
    virtual void deleteNodeGroup(std::string name, CommandCallback done) = 0;
    virtual void setPaused(std::string name, bool paused, CommandCallback done) = 0;
    virtual void drainNode(std::string nodeGroup, std::string nodeId, CommandCallback done) = 0;
    virtual void manualScale(std::string nodeGroup, std::string subGroup, std::string role,
                             int nodeCount, CommandCallback done) = 0;
    // Checks an expression where the cluster lives (the evaluate routes when attached), for the
    // node-group wizard. `done` runs later on the GUI thread, never inside this call.
    virtual void evaluateExpression(ExpressionKind kind, QString expression,
                                    ExpressionCallback done) = 0;
    // Publish or subscribe selection (the streams routes when attached) for `guid`
    // ("live/lab1"): the RTMP URL of the node chosen, or the routing error (503 "at capacity",
    // 404 "not live"). `done` runs later on the GUI thread.
    virtual void routeStream(bool publish, std::string nodeGroup, std::string guid,
                             RouteCallback done) = 0;

    // ---- media: provisions, storage targets, recordings (reference §7) ----
    // The defaults answer that this backend has no media layer, so a backend written before it
    // (a test's scripted one) keeps working.
    using UrlCallback = std::function<void(Result<QString>)>;

    // The latest media snapshot (never null; fetchedMs 0 before the first one).
    virtual MediaSnapshotPtr media() const;
    // Fetches a new media snapshot in the background; mediaChanged() when it is in. Calls made
    // while one is in flight are coalesced into one more fetch after it.
    virtual void refreshMedia();
    // The URL policy the forms check sources and destinations against: the embedded media
    // layer's own, a default one when attached (the server checks again on its side).
    virtual media::UrlPolicy mediaPolicy() const { return {}; }
    // `provisions`: a JSON array of provisions, stored all or none after the media checks.
    virtual void createProvisions(std::string nodeGroup, nlohmann::json provisions,
                                  CommandCallback done);
    virtual void deleteProvision(std::string nodeGroup, std::string guid, CommandCallback done);
    // A storage target document (storagetarget.h); a masked or left-out secret keeps its value.
    virtual void putStorageTarget(nlohmann::json target, CommandCallback done);
    virtual void deleteStorageTarget(std::string name, CommandCallback done);
    // Writes, reads back and deletes a probe object with the (possibly unsaved) target: success,
    // or the error that names the failing step.
    virtual void testStorageTarget(nlohmann::json target, CommandCallback done);
    virtual void deleteRecording(std::string nodeGroup, std::int64_t id, CommandCallback done);
    // Where the recording can be played (file:// or a presigned URL).
    virtual void recordingPlaybackUrl(std::string nodeGroup, std::int64_t id, UrlCallback done);

Q_SIGNALS:
    // A newer snapshot is available (coalesced: at most one per refresh interval).
    void snapshotChanged();
    // New events, oldest first, delivered in batches.
    void eventsArrived(const sy::ui::EventList& events);
    // Remote backends lose and regain their server; embedded ones are always connected.
    void connectionChanged(bool connected, const QString& detail);
    // A new media snapshot is available (after refreshMedia(), and after media commands).
    void mediaChanged();
};

} // namespace sy::ui
