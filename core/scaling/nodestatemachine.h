#pragma once
// The node lifecycle of reference §4 as a pure transition function with per-state timeouts.
//
//   REQUESTED → CREATING → CREATED → STARTED → INSERVICE → SOFT_SUNSET (draining)
//     → DESTRUCTION_REQUESTED → DESTROYING → (gone);  FAULT from any state.
//
// The engine feeds it observations (the provider made the node, the node reports, the process
// exited, a stats poll failed, clients left) and the clock; it answers with the new state. It
// keeps no clock and does no I/O, so every path is testable without processes.

#include "core/model/enums.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace sy::scaling {

using model::NodeState;
using Millis = std::int64_t; // epoch or monotonic milliseconds, consistently one of them

// Defaults are ours, tuned for nodes that start in a second (LOCAL) or instantly (SIMULATED);
// SM 2.0's documented values are far longer (300 s to create) because cloud VMs are slow.
// A cloud provider passes its own.
struct NodeTimeouts {
    Millis requested = 30'000;   // provider has not started creating the node
    Millis creating = 60'000;    // instance being built
    Millis created = 30'000;     // built, no report yet
    Millis started = 30'000;     // reporting, not yet linked to its parents
    Millis sunset = 300'000;     // longest drain before a node is destroyed with clients on it
    Millis doomed = 5'000;       // grace between "destroy" and tearing it down
    Millis fault = 30'000;       // FAULT node destroyed after this; < 0 keeps it for inspection
    int failedPollsForFault = 3; // consecutive failed stats polls (500 ms apart by default)
};

enum class NodeObservation {
    ProviderCreating, // the provider began creating the node
    ProviderCreated,  // the process/instance exists
    FirstReport,      // the node answered its first stats poll
    ParentsLinked,    // its config has its parents and it serves
    Report,           // a successful stats poll
    PollFailed,       // a stats poll failed (counted toward failedPollsForFault)
    ProcessExited,    // the process is gone: FAULT at once
    DrainRequested,   // an operator or scale-in asked for drain
    ClientsGone,      // a draining node has no clients left
    DestroyRequested, // remove now (scale-in of a node that never served, delete of the group)
    ProviderDestroying,
};

struct NodeLifecycle {
    NodeState state = NodeState::Requested;
    Millis since = 0;        // when `state` was entered
    int failedPolls = 0;     // consecutive
    std::string faultReason; // why it is FAULT, for events and the console
};

struct Transition {
    NodeState from;
    NodeState to;
    std::string reason;
};

class NodeStateMachine {
public:
    explicit NodeStateMachine(NodeTimeouts timeouts = {})
        : timeouts_(timeouts) {}

    // Applies an observation at `now`; returns the transition when the state changed.
    std::optional<Transition> observe(NodeLifecycle& node, NodeObservation what, Millis now) const;
    // Applies timeouts at `now`; returns the transition when one fired.
    std::optional<Transition> tick(NodeLifecycle& node, Millis now) const;

    // States in which a node counts toward its rule's node count (it exists or is coming).
    static bool countsTowardRule(NodeState s);
    // States in which a node may receive new publishers or viewers.
    static bool routable(NodeState s) { return s == NodeState::InService; }

    const NodeTimeouts& timeouts() const { return timeouts_; }

private:
    std::optional<Transition> move(NodeLifecycle& node, NodeState to, std::string reason,
                                   Millis now) const;
    Millis timeoutOf(NodeState s) const;

    NodeTimeouts timeouts_;
};

} // namespace sy::scaling
