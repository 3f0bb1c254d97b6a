#pragma once
// Where everything of the topology sits, as a pure function of a snapshot: node groups in rows
// (as many per row as show the picture largest in a wide window), each holding its sub-groups
// (regions) side by side, each sub-group holding its
// nodes in tiers by role depth (origins, then relays, then edges: a role one parentRoleName step
// further down sits one tier lower), so that parent→child links run downwards. A tier wraps into
// rows of about √n nodes, so a sub-group of 200 edges stays roughly square instead of becoming a
// strip that no zoom level can show.
//
// Within a tier, nodes are ordered by their first parent's place, then by id: the children of one
// relay sit together under it and links stay short. Kept free of items so the scene can compute a
// layout only when membership changes and tests can check it without a view.

#include "core/engine/clustersnapshot.h"

#include <QPointF>
#include <QRectF>
#include <QSizeF>

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sy::ui {

struct TopologyMetrics {
    static constexpr double kNodeWidth = 112;
    static constexpr double kNodeHeight = 54;
    static constexpr double kNodeGapX = 12;
    static constexpr double kNodeGapY = 12;
    static constexpr double kTierGap = 40; // room for the links between tiers
    static constexpr double kSubGroupPadding = 16;
    static constexpr double kSubGroupHeader = 34;
    static constexpr double kSubGroupGap = 24;
    static constexpr double kGroupPadding = 20;
    static constexpr double kGroupHeader = 56;
    static constexpr double kGroupGap = 40;
    static constexpr double kMinSubGroupWidth = 260;
};

struct TopologyFrame {
    std::string nodeGroup;
    std::string subGroup; // empty for a node group's frame
    QRectF rect;
};

struct TopologyLayout {
    std::unordered_map<std::string, QPointF> nodePos; // top-left of each node, by node id
    std::vector<TopologyFrame> frames;                // group frames before their sub-groups
    QRectF bounds;
};

// `showGroup` filters node groups (null: all).
TopologyLayout layoutTopology(const engine::ClusterSnapshot& snapshot,
                              const std::function<bool(const std::string&)>& showGroup);

} // namespace sy::ui
