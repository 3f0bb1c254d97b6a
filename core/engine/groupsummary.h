#pragma once
// The golden signals of each node group and what deserves an operator's attention, as a pure
// function of a snapshot, so the Overview page, the monitoring wall and anything headless read
// the same numbers and raise the same alerts.
//
// Definitions:
//  - traffic (publishers, viewers, ingress, egress) sums the last report of the nodes that serve
//    clients: INSERVICE and draining (routing::carriesLiveStreams). Other nodes carry no clients
//    yet, and a FAULT node's last report is stale: its clients have moved or are gone, and
//    counting them would count them twice.
//  - ingress and egress are in kbit/s, the unit nodes report network.ingress/egress in (nginx
//    bw_in/bw_out bits/s ÷ 1000; SIMULATED kbpsPerStream per client).
//  - capacity used is what routing sees: over the INSERVICE nodes whose capacity limit is above
//    zero, sum(ranking) / sum(limit), both truncated to int32 as routing compares them. Draining
//    nodes take no new routes, so their headroom is not capacity. A node with no limit (limit 0
//    means "no new routes") has no headroom either, but no useful share, so it is left out. It
//    exceeds 1.0 when nodes are loaded past their limit. Unset when no node has a limit.

#include "core/engine/clustersnapshot.h"
#include "core/model/enums.h"
#include "core/scaling/autoscaler.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sy::engine {

enum class AlertSeverity { Info, Warning, Critical };

std::string_view toString(AlertSeverity s);

struct Alert {
    AlertSeverity severity = AlertSeverity::Info;
    std::string nodeGroup;
    std::optional<std::string> nodeId; // set when one node is the cause
    std::string message;               // one sentence for people

    bool operator==(const Alert&) const = default;
};

// Alert thresholds of capacity used: strictly above them.
inline constexpr double kCapacityWarning = 0.80;
inline constexpr double kCapacityCritical = 0.95;
// The alert level of a capacity used, none up to kCapacityWarning; pages colour capacity by it
// so a bar and its alert always agree.
std::optional<AlertSeverity> capacitySeverity(double fraction);

struct GroupSummary {
    std::string nodeGroup; // empty for the cluster total
    std::int64_t publishers = 0;
    std::int64_t viewers = 0;
    double ingressKbps = 0;
    double egressKbps = 0;
    std::map<model::NodeState, int> nodesByState; // only states with nodes
    int nodesTotal = 0;
    // Routing's view of capacity (see above); the two sums are kept so totals can be combined.
    double capacityRanking = 0;
    double capacityLimit = 0;
    std::optional<double> capacityUsed;
    bool paused = false;
    bool simulated = false;
    std::vector<scaling::ScalingDecision> lastDecisions; // the cluster total has none
    std::vector<Alert> alerts;                           // most severe first

    int nodesIn(model::NodeState s) const {
        const auto it = nodesByState.find(s);
        return it == nodesByState.end() ? 0 : it->second;
    }
    // The most severe alert, if any.
    std::optional<AlertSeverity> worstSeverity() const;
};

// One summary per node group, in name order.
std::vector<GroupSummary> summarize(const ClusterSnapshot& snapshot);

// The whole cluster: sums of every number, nodes by state merged, capacity from the summed
// ranking and limit, every group's alerts (most severe first), paused/simulated when any group
// is, and no decisions.
GroupSummary clusterTotal(const std::vector<GroupSummary>& groups);

} // namespace sy::engine
