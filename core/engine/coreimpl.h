#pragma once
// Internal state of ControlCore, shared by controlcore.cpp (commands, snapshots, events) and
// reconciler.cpp (the loop). Everything in LiveGroup/LiveNode is touched on the strand only.

#include "core/engine/controlcore.h"
#include "core/expr/capacityexpression.h"
#include "core/expr/scaleexpression.h"
#include "core/expr/shufflesizeexpression.h"
#include "core/routing/routablenode.h"
#include "core/store/statestore.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

namespace sy::engine {

namespace asio = boost::asio;

struct CompiledRule {
    std::string subGroup;
    std::string role;
    std::int64_t min = 0, max = 0, increment = 1;
    std::optional<expr::ScaleExpression> out, in;
    std::optional<expr::CapacityExpression> ranking, limit;
    bool manual = false;
    std::int64_t manualCount = -1; // desired count set by manualscale; -1: not set
};

struct LiveNode {
    NodeView view;
    std::vector<double> metricRow; // view.metrics by catalog slot, filled on each report
    scaling::NodeLifecycle life;
    providers::NodeSpec spec;
    bool busy = false;          // a provider job for this node is under way
    bool created = false;       // the provider made it (reports are expected)
    bool linked = false;        // parents configured
    bool gone = false;          // destroyed: drop at the next snapshot
    bool adopt = false;         // known from the journal after a restart: find it before anything
    bool pendingIntent = false; // its create intent never completed (crash mid-create)
};

struct LiveGroup {
    model::NodeGroupConfig config;
    std::shared_ptr<providers::Provider> provider;
    std::map<std::string, LiveNode> nodes;
    std::vector<CompiledRule> rules;
    std::optional<expr::ShuffleSizeExpression> shuffle;
    std::map<std::string, scaling::ScalingMemory> memory; // by "sg/role"
    std::map<std::string, std::string> lastDecisionKey;   // to log decisions when they change
    std::vector<scaling::ScalingDecision> lastDecisions;
    bool deleting = false;
    // Parents are recomputed only when who may be a parent changed (a node began or stopped
    // serving, arrived or left): in a steady cluster a tick does no parent work at all.
    bool parentsDirty = true;
    bool releaseQueued = false;

    bool paused() const { return config.isScalingPaused.value_or(false); }
};

struct ControlCore::Impl {
    CoreOptions options;
    std::unique_ptr<store::StateStore> store;
    scaling::NodeStateMachine stateMachine;
    scaling::Autoscaler autoscaler;
    std::unique_ptr<StreamGate> gate; // immutable after open(); thread-safe

    asio::io_context ioc;
    asio::strand<asio::io_context::executor_type> strand{asio::make_strand(ioc)};
    asio::thread_pool workers{2};
    asio::steady_timer tickTimer{strand};
    asio::steady_timer pollTimer{strand};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::thread thread;
    bool running = false;

    // Strand-owned.
    std::map<std::string, LiveGroup> groups;
    bool observed = false;
    int pollsInFlight = 0;
    std::mt19937_64 random;
    std::uint64_t snapshotVersion = 0;
    bool publishQueued = false;
    std::int64_t lastTickMicros = 0;

    // Shared with readers.
    mutable std::mutex externalMutex;                                          // guards external
    std::map<std::string, std::map<std::string, model::FlatMetrics>> external; // source -> node
    mutable std::mutex publishMutex;
    SnapshotPtr current;
    std::deque<Event> ring;
    std::uint64_t nextSequence = 1;
    std::map<int, Listener> listeners;
    int nextListener = 1;

    std::int64_t now() const { return options.clock(); }

    // controlcore.cpp
    void emit(Event e);
    void publish();        // builds a snapshot now
    void requestPublish(); // builds one after the current batch (coalesced)
    Result<LiveGroup> makeGroup(model::NodeGroupConfig config) const;
    // The group's delivery settings (HLS, relay credential) into the node's spec; true when the
    // spec changed (a running node then needs its configuration reloaded).
    bool applyDelivery(const LiveGroup& g, LiveNode& n) const;
    template <class F>
    CommandResult command(F f);
    void persistConfig(LiveGroup& g, std::shared_ptr<std::promise<Result<void>>> done);

    // reconciler.cpp
    void scheduleTick();
    void schedulePoll();
    void reconcile();
    void pollNodes();
    void pollOne(const std::string& group, const std::string& nodeId);
    void reapOrphans();
    void noteStreams(LiveGroup& g, const LiveNode& n,
                     const std::vector<providers::StreamStats>& now, std::int64_t t);
    void applyReports(const std::string& group, std::vector<providers::NodeReport> reports);
    void stepNode(LiveGroup& g, LiveNode& n, std::int64_t t);
    void scale(LiveGroup& g, std::int64_t t);
    void applyDecision(LiveGroup& g, const CompiledRule& rule, scaling::ScalingDecision& d,
                       std::int64_t t);
    void requestNode(LiveGroup& g, const CompiledRule& rule, std::int64_t t);
    void startCreate(const std::string& group, const std::string& nodeId);
    void startDestroy(const std::string& group, const std::string& nodeId);
    void startLink(const std::string& group, const std::string& nodeId);
    void assignParents(LiveGroup& g);
    void releaseWaitingChildren(LiveGroup& g, std::int64_t t);
    std::vector<routing::RoutableNode> routableNodes(const LiveGroup& g) const;
    void observe(LiveGroup& g, LiveNode& n, scaling::NodeObservation what, std::int64_t t);
    void noteRoutable(LiveGroup& g, LiveNode& n, const scaling::Transition& change);
    void applyTransition(LiveGroup& g, LiveNode& n, const scaling::Transition& change,
                         std::int64_t t);
    Result<void> adoptFromJournal(); // in open(), before the loop runs
    void startAdopt(const std::string& group, const std::string& nodeId);
    std::string newNodeId();
};

} // namespace sy::engine
