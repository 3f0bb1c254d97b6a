#pragma once
// The scale loop's decision for one SubGroup x Role (reference §4), as a pure function of the
// rule, the role's nodes and what the loop remembers between ticks.
//
// Beyond SM 2.0 (which documents none), two dampers keep a cluster from flapping:
//  - a scale-out cool-down: after adding nodes, wait until they serve or the cool-down passes
//    before adding more, because the new nodes have not taken load yet;
//  - a scale-in stabilisation window: the in-expression must hold for the whole window before a
//    node is drained, so a dip between two bursts does not remove capacity.
// Scale-in drains the least-loaded node (lowest ranking) first; it is destroyed once empty.

#include "core/expr/metriccatalog.h"
#include "core/expr/nodemetricstable.h"
#include "core/expr/scaleexpression.h"
#include "core/model/enums.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sy::scaling {

using Millis = std::int64_t;

struct ScalingPolicy {
    Millis scaleOutCooldown = 30'000;     // after a scale-out
    Millis scaleInStabilisation = 60'000; // in-expression must hold this long
    int failedNodeThreshold = 5;          // FAULT nodes in a SubGroup x Role that stop its rules
};

// One node of the SubGroup x Role as the autoscaler sees it.
struct ScalingNode {
    std::string nodeId;
    model::NodeState state = model::NodeState::Requested;
    double ranking = 0; // capacityRankingExpression: lower is less loaded
    std::int64_t clients = 0;
    std::int64_t metricsRow = -1; // row in ScalingInput::metrics when the node reports, else -1
};

struct ScalingInput {
    std::string subGroup;
    std::string role;
    std::int64_t min = 0;
    std::int64_t max = 0;
    std::int64_t increment = 1;
    const expr::ScaleExpression* out = nullptr; // null when the rule has none (max = 0)
    const expr::ScaleExpression* in = nullptr;
    bool manual = false; // lifecycle MANUAL: only manualscale changes the count
    bool paused = false; // isScalingPaused or /pause
    std::vector<ScalingNode> nodes;
    const expr::NodeMetricsTable* metrics = nullptr; // rows of the INSERVICE reporting nodes
    const expr::MetricCatalog* catalog = &expr::MetricCatalog::standard();
};

// What the loop remembers for one SubGroup x Role between ticks.
struct ScalingMemory {
    std::optional<Millis> lastScaleOut;
    std::optional<Millis> inTrueSince;
};

enum class ScalingAction {
    None,     // nothing to do (reason says why, e.g. "within limits")
    ScaleOut, // add `count` nodes
    ScaleIn,  // drain `victims` (least loaded first)
    Waiting,  // a rule fired but a cool-down or stabilisation window holds it back
    Blocked,  // rules stopped: paused, MANUAL, or too many FAULT nodes
};

struct ScalingDecision {
    std::string subGroup;
    std::string role;
    ScalingAction action = ScalingAction::None;
    std::int64_t count = 0;
    std::vector<std::string> victims;
    std::string rule;       // which rule fired: "min", "max", "outExpression", "inExpression"
    std::string expression; // its text, when an expression fired
    std::string values;     // the aggregates it read: "avg(connections.subscriber)=131.5 (3 nodes)"
    std::string reason;     // one sentence for the event log
    std::int64_t activeNodes = 0;
    bool alert = false; // deserves an operator's attention (blocked by FAULT nodes)
};

std::string_view toString(ScalingAction a);

class Autoscaler {
public:
    explicit Autoscaler(ScalingPolicy policy = {})
        : policy_(policy) {}

    // Decides for one SubGroup x Role at `now` and updates `memory`.
    ScalingDecision decide(const ScalingInput& input, ScalingMemory& memory, Millis now) const;

    const ScalingPolicy& policy() const { return policy_; }

private:
    ScalingDecision outOrIn(const ScalingInput& input, ScalingMemory& memory, Millis now,
                            ScalingDecision d, std::int64_t active, bool starting) const;

    ScalingPolicy policy_;
};

// The least-loaded INSERVICE nodes first: lowest ranking, then fewest clients, then node id.
std::vector<std::string> scaleInVictims(const std::vector<ScalingNode>& nodes, std::int64_t n);

// "avg(connections.subscriber)=131.5, max(cpu.process.load)=0.42 (3 nodes)" for the slots an
// expression reads, over the rows of `metrics`.
std::string describeAggregates(const expr::ScaleExpression& e, const expr::NodeMetricsTable& m,
                               const expr::MetricCatalog& catalog);

} // namespace sy::scaling
