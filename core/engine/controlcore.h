#pragma once
// ControlCore: the one public face of the core. It owns an io_context thread whose strand owns
// all cluster state, the state store, the providers, the node state machine and the autoscaler,
// and runs the level-triggered reconcile loop. Readers take immutable snapshots; commands are
// posted to the strand and complete through a future with a typed error; events are delivered
// on the core's thread (hop to your own thread before touching anything of yours).

#include "core/auth/streamtoken.h"
#include "core/engine/clustersnapshot.h"
#include "core/engine/event.h"
#include "core/engine/streamgate.h"
#include "core/model/nodegroup.h"
#include "core/providers/provider.h"
#include "core/routing/streamrouter.h"
#include "core/scaling/autoscaler.h"
#include "core/scaling/nodestatemachine.h"
#include "core/util/result.h"

#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sy::store {
class StateStore;
}

namespace sy::engine {

struct CoreOptions {
    std::string dataDir;                         // holds switchyard.db
    std::chrono::milliseconds tick{1000};        // reconcile loop
    std::chrono::milliseconds pollInterval{500}; // node stats polls
    scaling::ScalingPolicy scaling;
    scaling::NodeTimeouts timeouts;
    std::function<std::int64_t()> clock; // epoch ms; default: system clock
    std::uint64_t seed = 0;              // node ids and routing shuffles; 0: from the clock
    std::map<std::string, std::shared_ptr<providers::Provider>> providers; // by cloudPlatform
    // Master secret of stream tokens (per-group keys are derived from it). Empty: read from, or
    // created in, DATADIR/stream-tokens/jwt.secret.
    std::string streamSecret;
    RoundTripCall roundTrip; // round-trip stream auth's POST; empty: HTTP (streamgate.h)
};

// Error codes of commands: "invalid", "not_found", "exists", "conflict", "no_provider",
// "storage", "stopped".
using CommandResult = std::future<Result<void>>;

class ControlCore {
public:
    // Opens the store in options.dataDir and loads desired state. Nothing runs until start().
    static Result<std::unique_ptr<ControlCore>> open(CoreOptions options);
    ~ControlCore(); // stops; nodes keep running (they belong to the providers)
    ControlCore(const ControlCore&) = delete;
    ControlCore& operator=(const ControlCore&) = delete;

    void start();
    void stop();

    SnapshotPtr snapshot() const;

    // Events after `afterSequence` still in the ring (the last few thousand), oldest first.
    std::vector<Event> eventsSince(std::uint64_t afterSequence) const;
    using Listener = std::function<void(const Event&)>;
    // Called on the core's thread for every new event. Returns an id for unsubscribe().
    int subscribe(Listener listener);
    void unsubscribe(int id);

    CommandResult createNodeGroup(model::NodeGroupConfig config);
    CommandResult updateNodeGroup(model::NodeGroupConfig config);
    CommandResult deleteNodeGroup(std::string name);
    CommandResult setPaused(std::string name, bool paused);
    CommandResult drainNode(std::string nodeGroup, std::string nodeId);
    // MANUAL roles only: the desired node count of a SubGroup x Role.
    CommandResult manualScale(std::string nodeGroup, std::string subGroup, std::string role,
                              int nodeCount);

    // Publish and subscribe selection (reference §6) on the current snapshot, on the caller's
    // thread: no hop to the core. `default` names the only node group when there is one.
    // When the group requires stream tokens, every answer carries one issued to `subject`: in
    // urls.token, and appended to urls.rtmp (publish: only [0], where the client publishes).
    using Selection = Result<std::vector<model::StreamLocation>, routing::RoutingError>;
    Selection selectPublish(const std::string& nodeGroup, const routing::PublishRequest& request,
                            const std::string& subject = "anonymous") const;
    Selection selectSubscribe(const std::string& nodeGroup,
                              const routing::SubscribeRequest& request,
                              const std::string& subject = "anonymous") const;

    // The token a media job of the core appends to its URL to publish or read a stream of the
    // group: empty when the group leaves that action open.
    std::string internalStreamToken(const std::string& nodeGroup, const std::string& streamGuid,
                                    auth::StreamAction action, const std::string& subject) const;

    // Live streams of a node group (GET /streams/stream/{ng}). Aggregated: one entry per stream,
    // on the node it is published to, with viewers summed over every node serving it;
    // otherwise one entry per node carrying it. Empty when the group is unknown.
    std::vector<model::StreamLocation> listStreams(const std::string& nodeGroup,
                                                   bool aggregate = true) const;

    // A node's on_publish / on_play / on_done callback (nginx-rtmp POSTs them to the core on
    // loopback). First the group's stream access decides (StreamGate): a refusal is a 403 and
    // an Access event saying who, which stream and why. Then an edge asked to play a stream is
    // redirected (302) to the node that publishes it, so that any edge can serve any live
    // stream of its group. Answered from the snapshot, on the caller's thread.
    struct NodeCallback {
        std::string nodeId;
        std::string call; // "publish", "play", "done"
        std::string app;
        std::string name;
        CallbackFields fields; // the whole form (addr, pageurl, the client's arguments…)
    };
    struct NodeCallbackAnswer {
        int status = 200;
        std::string location; // for 302: rtmp://ADDR:PORT/APP/NAME
        std::string reason;
    };
    NodeCallbackAnswer answerNodeCallback(const NodeCallback& request) const;

    store::StateStore& store();

    // Adds an event of another part of the core (the media layer) to the stream: numbered, kept
    // in the ring and delivered to listeners like the core's own. Thread-safe.
    void report(Event event);

    // Metrics that a node's own report cannot know, kept by another part of the core (the media
    // layer's restreamer sessions as connections.restreamer). Merged into every later report of
    // the node, so scaling and capacity expressions see them; a metric missing from `metrics` is
    // no longer added. Thread-safe.
    void setExternalMetrics(const std::string& source,
                            std::map<std::string, model::FlatMetrics> byNodeId);

    struct Impl;

private:
    explicit ControlCore(std::unique_ptr<Impl> impl);
    NodeCallbackAnswer answerPlay(const NodeGroupView& g, const NodeView& self,
                                  const std::string& guid) const;
    std::unique_ptr<Impl> impl_;
};

} // namespace sy::engine
