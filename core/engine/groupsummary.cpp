#include "core/engine/groupsummary.h"

#include "core/routing/routablenode.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sy::engine {

std::string_view toString(AlertSeverity s) {
    switch (s) {
    case AlertSeverity::Info:
        return "info";
    case AlertSeverity::Warning:
        return "warning";
    case AlertSeverity::Critical:
        return "critical";
    }
    return "info";
}

std::optional<AlertSeverity> capacitySeverity(double fraction) {
    if (fraction > kCapacityCritical)
        return AlertSeverity::Critical;
    if (fraction > kCapacityWarning)
        return AlertSeverity::Warning;
    return std::nullopt;
}

std::optional<AlertSeverity> GroupSummary::worstSeverity() const {
    std::optional<AlertSeverity> worst;
    for (const auto& a : alerts)
        if (!worst || a.severity > *worst)
            worst = a.severity;
    return worst;
}

namespace {

double metric(const NodeView& n, const char* name) {
    const auto it = n.metrics.find(name);
    return it == n.metrics.end() ? 0.0 : it->second;
}

// Whole percent, with one decimal where rounding would read as the threshold itself
// ("80.5% (above 80%)" rather than "80% (above 80%)").
std::string percent(double fraction, double threshold = -1) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f%%", fraction * 100.0);
    // nearbyint rounds half to even, as printf does.
    if (std::nearbyint(fraction * 100.0) == std::nearbyint(threshold * 100.0))
        std::snprintf(buf, sizeof buf, "%.1f%%", fraction * 100.0);
    return buf;
}

void addNode(GroupSummary& s, const NodeView& n) {
    ++s.nodesByState[n.state];
    ++s.nodesTotal;
    if (routing::carriesLiveStreams(n.state)) {
        s.publishers += static_cast<std::int64_t>(metric(n, "connections.publisher"));
        s.viewers += static_cast<std::int64_t>(metric(n, "connections.subscriber"));
        s.ingressKbps += metric(n, "network.ingress");
        s.egressKbps += metric(n, "network.egress");
    }
    const auto limit = routing::capacityToInt32(n.limit);
    if (n.state == model::NodeState::InService && limit > 0) {
        s.capacityRanking += routing::capacityToInt32(n.ranking);
        s.capacityLimit += limit;
    }
}

void computeCapacity(GroupSummary& s) {
    if (s.capacityLimit > 0)
        s.capacityUsed = s.capacityRanking / s.capacityLimit;
}

void faultAlerts(GroupSummary& s, const NodeGroupView& g) {
    for (const auto& n : g.nodes) {
        if (n.state != model::NodeState::Fault)
            continue;
        std::string message = "Node " + n.nodeId + " is FAULT";
        if (!n.faultReason.empty())
            message += ": " + n.faultReason;
        s.alerts.push_back({AlertSeverity::Critical, s.nodeGroup, n.nodeId, std::move(message)});
    }
}

void capacityAlert(GroupSummary& s) {
    const auto severity = s.capacityUsed ? capacitySeverity(*s.capacityUsed) : std::nullopt;
    if (!severity)
        return;
    const bool critical = *severity == AlertSeverity::Critical;
    const double threshold = critical ? kCapacityCritical : kCapacityWarning;
    s.alerts.push_back({*severity, s.nodeGroup, std::nullopt,
                        "Capacity at " + percent(*s.capacityUsed, threshold) + " (" +
                            (critical ? "critical" : "warning") + " above " + percent(threshold) +
                            ")"});
}

// A decision flagged as an alert is blocked: by too many FAULT nodes (critical: the rules have
// stopped), or at max while the out-expression still holds (warning: demand is above what the
// rule allows; raising max is the operator's call).
void scalingAlerts(GroupSummary& s) {
    for (const auto& d : s.lastDecisions) {
        if (!d.alert)
            continue;
        const bool atMax = d.rule == "outExpression";
        s.alerts.push_back({atMax ? AlertSeverity::Warning : AlertSeverity::Critical, s.nodeGroup,
                            std::nullopt,
                            "Scaling blocked for " + d.subGroup + "/" + d.role + ": " + d.reason});
    }
}

void sortAlerts(std::vector<Alert>& alerts) {
    std::stable_sort(alerts.begin(), alerts.end(),
                     [](const Alert& a, const Alert& b) { return a.severity > b.severity; });
}

GroupSummary summarizeGroup(const std::string& name, const NodeGroupView& g) {
    GroupSummary s;
    s.nodeGroup = name;
    s.paused = g.paused;
    s.simulated = g.simulated;
    s.lastDecisions = g.lastDecisions;
    for (const auto& n : g.nodes)
        addNode(s, n);
    computeCapacity(s);
    faultAlerts(s, g);
    capacityAlert(s);
    scalingAlerts(s);
    if (s.paused)
        s.alerts.push_back({AlertSeverity::Info, name, std::nullopt, "Autoscaling is paused"});
    sortAlerts(s.alerts);
    return s;
}

} // namespace

std::vector<GroupSummary> summarize(const ClusterSnapshot& snapshot) {
    std::vector<GroupSummary> out;
    out.reserve(snapshot.groups.size());
    for (const auto& [name, g] : snapshot.groups)
        out.push_back(summarizeGroup(name, g));
    return out;
}

GroupSummary clusterTotal(const std::vector<GroupSummary>& groups) {
    GroupSummary t;
    for (const auto& g : groups) {
        t.publishers += g.publishers;
        t.viewers += g.viewers;
        t.ingressKbps += g.ingressKbps;
        t.egressKbps += g.egressKbps;
        for (const auto& [state, count] : g.nodesByState)
            t.nodesByState[state] += count;
        t.nodesTotal += g.nodesTotal;
        t.capacityRanking += g.capacityRanking;
        t.capacityLimit += g.capacityLimit;
        t.paused = t.paused || g.paused;
        t.simulated = t.simulated || g.simulated;
        t.alerts.insert(t.alerts.end(), g.alerts.begin(), g.alerts.end());
    }
    computeCapacity(t);
    sortAlerts(t.alerts);
    return t;
}

} // namespace sy::engine
