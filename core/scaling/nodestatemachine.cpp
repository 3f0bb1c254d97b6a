#include "core/scaling/nodestatemachine.h"

namespace sy::scaling {

namespace {
bool isGoneOrGoing(NodeState s) {
    return s == NodeState::DestructionRequested || s == NodeState::Destroying;
}
bool isDraining(NodeState s) {
    return s == NodeState::SoftSunset || s == NodeState::HardSunset;
}
} // namespace

bool NodeStateMachine::countsTowardRule(NodeState s) {
    switch (s) {
    case NodeState::Requested:
    case NodeState::Creating:
    case NodeState::Created:
    case NodeState::Started:
    case NodeState::InService:
        return true;
    default:
        return false; // draining, going away, or FAULT: the rule must replace it
    }
}

std::optional<Transition> NodeStateMachine::move(NodeLifecycle& node, NodeState to,
                                                 std::string reason, Millis now) const {
    if (node.state == to)
        return std::nullopt;
    Transition t{node.state, to, std::move(reason)};
    node.state = to;
    node.since = now;
    if (to == NodeState::Fault)
        node.faultReason = t.reason;
    return t;
}

std::optional<Transition> NodeStateMachine::observe(NodeLifecycle& node, NodeObservation what,
                                                    Millis now) const {
    const NodeState s = node.state;
    switch (what) {
    case NodeObservation::ProviderCreating:
        if (s == NodeState::Requested)
            return move(node, NodeState::Creating, "provider is creating the node", now);
        return std::nullopt;
    case NodeObservation::ProviderCreated:
        if (s == NodeState::Requested || s == NodeState::Creating)
            return move(node, NodeState::Created, "node process started", now);
        return std::nullopt;
    case NodeObservation::FirstReport:
    case NodeObservation::Report:
        node.failedPolls = 0;
        if (s == NodeState::Created || s == NodeState::Creating || s == NodeState::Requested)
            return move(node, NodeState::Started, "node reports its metrics", now);
        return std::nullopt;
    case NodeObservation::ParentsLinked:
        if (s == NodeState::Started)
            return move(node, NodeState::InService, "node serves and is linked to its parents",
                        now);
        return std::nullopt;
    case NodeObservation::PollFailed:
        if (s == NodeState::Fault || isGoneOrGoing(s))
            return std::nullopt;
        if (++node.failedPolls >= timeouts_.failedPollsForFault &&
            (s == NodeState::Started || s == NodeState::InService || isDraining(s)))
            return move(node, NodeState::Fault,
                        std::to_string(node.failedPolls) + " stats polls failed in a row", now);
        return std::nullopt;
    case NodeObservation::ProcessExited:
        if (isGoneOrGoing(s))
            return std::nullopt; // expected: we are tearing it down
        return move(node, NodeState::Fault, "node process exited", now);
    case NodeObservation::DrainRequested:
        if (s == NodeState::InService)
            return move(node, NodeState::SoftSunset, "draining: no new clients", now);
        if (s == NodeState::Requested || s == NodeState::Creating || s == NodeState::Created ||
            s == NodeState::Started)
            return move(node, NodeState::DestructionRequested, "drained before serving", now);
        return std::nullopt;
    case NodeObservation::ClientsGone:
        if (isDraining(s))
            return move(node, NodeState::DestructionRequested, "drained: no clients left", now);
        return std::nullopt;
    case NodeObservation::DestroyRequested:
        if (!isGoneOrGoing(s))
            return move(node, NodeState::DestructionRequested, "destroy requested", now);
        return std::nullopt;
    case NodeObservation::ProviderDestroying:
        return move(node, NodeState::Destroying, "provider is destroying the node", now);
    }
    return std::nullopt;
}

Millis NodeStateMachine::timeoutOf(NodeState s) const {
    switch (s) {
    case NodeState::Requested:
        return timeouts_.requested;
    case NodeState::Creating:
        return timeouts_.creating;
    case NodeState::Created:
        return timeouts_.created;
    case NodeState::Started:
        return timeouts_.started;
    case NodeState::SoftSunset:
    case NodeState::HardSunset:
        return timeouts_.sunset;
    case NodeState::DestructionRequested:
        return timeouts_.doomed;
    case NodeState::Fault:
        return timeouts_.fault;
    default:
        return -1; // INSERVICE is watched by polls; DESTROYING by the provider
    }
}

std::optional<Transition> NodeStateMachine::tick(NodeLifecycle& node, Millis now) const {
    const Millis limit = timeoutOf(node.state);
    if (limit < 0 || now - node.since < limit)
        return std::nullopt;
    const std::string waited = std::to_string(limit / 1000) + " s";
    switch (node.state) {
    case NodeState::SoftSunset:
    case NodeState::HardSunset:
        return move(node, NodeState::DestructionRequested,
                    "drain timed out after " + waited + " with clients still connected", now);
    case NodeState::DestructionRequested:
        return move(node, NodeState::Destroying, "grace period over", now);
    case NodeState::Fault:
        return move(node, NodeState::Destroying, "FAULT for " + waited + ": removing", now);
    default:
        return move(node, NodeState::Fault,
                    "stuck in " + std::string(model::toString(node.state)) + " for " + waited, now);
    }
}

} // namespace sy::scaling
