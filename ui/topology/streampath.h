#pragma once
// Which nodes and parent→child links one stream flows through, as a pure function of a snapshot:
// the nodes that report the stream (NodeView::streams), and, walking up from each of them, the
// parents it is pulled from, back to the node where it is published.
//
// A parent counts as on the way when it carries the stream itself, or when it reports no streams
// at all and one of its own parents is on the way: a SIMULATED relay reports nothing (its role
// has no capabilities, so the traffic model gives it no share) yet sits between the origin that
// publishes and the edges that play, and a relay that reports other streams but not this one is
// not on its way. A node that carries the stream but whose parents do not lead to its publisher
// (a stale report) is still marked, without links.

#include "core/engine/clustersnapshot.h"

#include <set>
#include <string_view>
#include <unordered_set>
#include <utility>

namespace sy::ui {

struct StreamPath {
    // Pointers into the snapshot the path was computed from: valid while it lives.
    std::unordered_set<const engine::NodeView*> nodes;
    std::set<std::pair<const engine::NodeView*, const engine::NodeView*>> links; // child, parent
};

StreamPath streamPath(const engine::ClusterSnapshot& snapshot, std::string_view guid);

} // namespace sy::ui
