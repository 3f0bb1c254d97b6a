#include "core/scaling/autoscaler.h"

#include "core/expr/aggregateset.h"
#include "core/scaling/nodestatemachine.h"

#include <algorithm>
#include <cstdio>

namespace sy::scaling {

using model::NodeState;

std::string_view toString(ScalingAction a) {
    switch (a) {
    case ScalingAction::None:
        return "none";
    case ScalingAction::ScaleOut:
        return "scale-out";
    case ScalingAction::ScaleIn:
        return "scale-in";
    case ScalingAction::Waiting:
        return "waiting";
    case ScalingAction::Blocked:
        return "blocked";
    }
    return "none";
}

namespace {

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string seconds(Millis ms) {
    return number(static_cast<double>(ms) / 1000.0) + " s";
}

} // namespace

std::string describeAggregates(const expr::ScaleExpression& e, const expr::NodeMetricsTable& m,
                               const expr::MetricCatalog& catalog) {
    const auto all = expr::AggregateSet::fromTable(m);
    std::string out;
    for (std::size_t slot : e.referencedSlots()) {
        const auto& a = all[slot];
        const std::string name(catalog.nameOf(slot));
        if (!out.empty())
            out += ", ";
        out += "avg(" + name + ")=" + number(a.avg()) + " min=" + number(a.min) +
               " max=" + number(a.max) + " sum=" + number(a.sum);
    }
    out += " (" + std::to_string(m.rows()) + (m.rows() == 1 ? " node)" : " nodes)");
    return out;
}

std::vector<std::string> scaleInVictims(const std::vector<ScalingNode>& nodes, std::int64_t n) {
    std::vector<const ScalingNode*> candidates;
    for (const auto& node : nodes)
        if (node.state == NodeState::InService)
            candidates.push_back(&node);
    std::sort(candidates.begin(), candidates.end(), [](const auto* a, const auto* b) {
        if (a->ranking != b->ranking)
            return a->ranking < b->ranking;
        if (a->clients != b->clients)
            return a->clients < b->clients;
        return a->nodeId < b->nodeId;
    });
    std::vector<std::string> out;
    for (std::int64_t i = 0; i < n && i < static_cast<std::int64_t>(candidates.size()); ++i)
        out.push_back(candidates[static_cast<std::size_t>(i)]->nodeId);
    return out;
}

ScalingDecision Autoscaler::decide(const ScalingInput& input, ScalingMemory& memory,
                                   Millis now) const {
    ScalingDecision d;
    d.subGroup = input.subGroup;
    d.role = input.role;
    std::int64_t active = 0;
    std::int64_t faults = 0;
    bool starting = false;
    for (const auto& n : input.nodes) {
        if (NodeStateMachine::countsTowardRule(n.state))
            ++active;
        if (n.state == NodeState::Fault)
            ++faults;
        if (n.state != NodeState::InService && NodeStateMachine::countsTowardRule(n.state))
            starting = true;
    }
    d.activeNodes = active;

    if (input.manual) {
        d.action = ScalingAction::Blocked;
        d.reason = "role is MANUAL: only manual scaling changes its node count";
        return d;
    }
    if (input.paused) {
        d.action = ScalingAction::Blocked;
        d.reason = "scaling is paused: no nodes are added or removed";
        return d;
    }
    if (faults >= policy_.failedNodeThreshold) {
        d.action = ScalingAction::Blocked;
        d.alert = true;
        d.reason = std::to_string(faults) + " FAULT nodes reached the failed-node threshold (" +
                   std::to_string(policy_.failedNodeThreshold) +
                   "): rules stopped until they are removed";
        return d;
    }
    if (active < input.min) {
        d.action = ScalingAction::ScaleOut;
        d.count = input.min - active;
        d.rule = "min";
        d.reason = std::to_string(active) + " of min " + std::to_string(input.min) +
                   " nodes: adding " + std::to_string(d.count);
        memory.lastScaleOut = now;
        memory.inTrueSince.reset();
        return d;
    }
    if (active > input.max) {
        d.victims = scaleInVictims(input.nodes, active - input.max);
        d.count = static_cast<std::int64_t>(d.victims.size());
        d.action = d.count > 0 ? ScalingAction::ScaleIn : ScalingAction::None;
        d.rule = "max";
        d.reason = std::to_string(active) + " nodes above max " + std::to_string(input.max) +
                   ": draining " + std::to_string(d.count);
        return d;
    }
    return outOrIn(input, memory, now, std::move(d), active, starting);
}

ScalingDecision Autoscaler::outOrIn(const ScalingInput& input, ScalingMemory& memory, Millis now,
                                    ScalingDecision d, std::int64_t active, bool starting) const {
    static const expr::NodeMetricsTable kNoRows(0);
    const expr::NodeMetricsTable& rows = input.metrics ? *input.metrics : kNoRows;
    const bool out = input.out && rows.rows() > 0 && input.out->evaluate(rows);
    const bool in = input.in && rows.rows() > 0 && input.in->evaluate(rows);

    if (out) { // out wins over in: under doubt, keep capacity
        memory.inTrueSince.reset();
        d.rule = "outExpression";
        d.expression = input.out->source();
        d.values = describeAggregates(*input.out, rows, *input.catalog);
        if (active >= input.max) {
            d.action = ScalingAction::Blocked;
            d.alert = true;
            d.reason = "out-expression holds but the role is at max " + std::to_string(input.max);
            return d;
        }
        const bool cooling =
            memory.lastScaleOut && now - *memory.lastScaleOut < policy_.scaleOutCooldown;
        if (cooling || starting) {
            d.action = ScalingAction::Waiting;
            d.reason = starting ? "out-expression holds; waiting for new nodes to serve first"
                                : "out-expression holds; cool-down of " +
                                      seconds(policy_.scaleOutCooldown) +
                                      " after the last "
                                      "scale-out";
            return d;
        }
        d.action = ScalingAction::ScaleOut;
        d.count = std::min(input.increment, input.max - active);
        d.reason = "out-expression holds: adding " + std::to_string(d.count);
        memory.lastScaleOut = now;
        return d;
    }
    if (!in || active <= input.min) {
        memory.inTrueSince.reset();
        d.reason = in ? "in-expression holds but the role is at min " + std::to_string(input.min)
                      : "within limits";
        return d;
    }
    d.rule = "inExpression";
    d.expression = input.in->source();
    d.values = describeAggregates(*input.in, rows, *input.catalog);
    if (!memory.inTrueSince)
        memory.inTrueSince = now;
    const Millis held = now - *memory.inTrueSince;
    if (held < policy_.scaleInStabilisation) {
        d.action = ScalingAction::Waiting;
        d.reason = "in-expression has held for " + seconds(held) + " of the " +
                   seconds(policy_.scaleInStabilisation) + " stabilisation window";
        return d;
    }
    d.victims = scaleInVictims(input.nodes, std::min(input.increment, active - input.min));
    d.count = static_cast<std::int64_t>(d.victims.size());
    d.action = d.count > 0 ? ScalingAction::ScaleIn : ScalingAction::None;
    d.reason = "in-expression held for " + seconds(held) + ": draining the least loaded " +
               (d.count == 1 ? "node" : std::to_string(d.count) + " nodes");
    memory.inTrueSince.reset(); // the next removal needs a full window again
    return d;
}

} // namespace sy::scaling
