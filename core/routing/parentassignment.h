#pragma once
// Which nodes each child node pulls its streams from (reference §3.2 parentRoleName and
// parentCardinality), as a pure function of the config and the nodes, so that the engine can
// recompute it on every change and apply only the difference.
//
// Parents are the INSERVICE nodes of the parent role (a draining parent still carries its
// streams, so it stays a parent). Children are the nodes of a role with a parentRoleName, except
// those being destroyed. An absent parentCardinality is taken as GLOBAL.
// - GLOBAL: every parent in the node group.
// - SUBGROUP: every parent in the child's leaf sub-group.
// - AUTOGROUP: exactly one parent (a relay) from the child's leaf sub-group. A child keeps the
//   relay it has while that relay remains a parent: moving an edge interrupts its viewers, and the
//   per-relay scale rule already brings new edges up for a new relay. Children without a valid
//   relay go, in node id order, to the relay with the fewest children (then the lowest id), never
//   to a draining relay while another is available. Adding a relay therefore moves no child.

#include "core/model/nodegroup.h"
#include "core/routing/routablenode.h"

#include <map>
#include <span>
#include <string>
#include <vector>

namespace sy::routing {

// Child node id → its parents' node ids, sorted. Every child has an entry, empty when its role's
// parents are all missing. Deterministic: the same input gives the same output.
using ParentMap = std::map<std::string, std::vector<std::string>>;

ParentMap assignParents(const model::NodeGroupConfig& config, std::span<const RoutableNode> nodes);

} // namespace sy::routing
