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
#include "core/model/nodegroup.h"
#include "core/util/result.h"

#include <QObject>
#include <QString>

#include <functional>
#include <string>
#include <vector>

namespace sy::ui {

using EventList = std::vector<engine::Event>;

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

Q_SIGNALS:
    // A newer snapshot is available (coalesced: at most one per refresh interval).
    void snapshotChanged();
    // New events, oldest first, delivered in batches.
    void eventsArrived(const sy::ui::EventList& events);
    // Remote backends lose and regain their server; embedded ones are always connected.
    void connectionChanged(bool connected, const QString& detail);
};

} // namespace sy::ui
