#pragma once
// An immutable picture of the cluster, published after each change batch. Readers (UI, API
// handlers) hold a shared_ptr to one and never touch the core's live state.

#include "core/model/enums.h"
#include "core/model/metrictree.h"
#include "core/model/nodegroup.h"
#include "core/providers/provider.h"
#include "core/routing/routingtable.h"
#include "core/scaling/autoscaler.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sy::engine {

struct NodeView {
    std::string nodeId;
    std::string nodeGroup;
    std::string subGroup;
    std::string role;
    model::NodeState state = model::NodeState::Requested;
    std::int64_t stateSinceMs = 0;
    std::string faultReason;
    providers::NodeEndpoint endpoint;
    std::vector<std::string> parents;
    model::FlatMetrics metrics;
    std::vector<providers::StreamStats> streams;
    std::int64_t lastReportMs = 0;
    double ranking = 0; // capacityRankingExpression on the last report
    double limit = 0;   // capacityLimitExpression
};

struct NodeGroupView {
    model::NodeGroupConfig config;
    bool paused = false;
    bool simulated = false;
    std::vector<NodeView> nodes;
    std::vector<scaling::ScalingDecision> lastDecisions; // one per leaf SubGroup x Role
    // Publish and subscribe selection of this snapshot (reference §6), built once per snapshot.
    std::shared_ptr<const routing::RoutingTable> routing;
};

struct ClusterSnapshot {
    std::uint64_t version = 0;
    std::int64_t timeMs = 0;
    bool observed = false;           // the first full observation after start has been made
    std::int64_t lastTickMicros = 0; // how long the last reconcile tick took
    std::map<std::string, NodeGroupView> groups;

    const NodeGroupView* group(const std::string& name) const {
        const auto it = groups.find(name);
        return it == groups.end() ? nullptr : &it->second;
    }
};

using SnapshotPtr = std::shared_ptr<const ClusterSnapshot>;

} // namespace sy::engine
