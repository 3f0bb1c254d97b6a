#include "ui/topology/topologylayout.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <string_view>

namespace sy::ui {

namespace {

using M = TopologyMetrics;
using engine::NodeView;

// 0 for a role without a parent role, one more than its parent's otherwise. Validation rejects
// cycles; the step bound keeps a bad config from hanging the page anyway.
std::map<std::string, int> roleDepths(const model::NodeGroupConfig& config) {
    std::map<std::string, int> out;
    if (!config.roles)
        return out;
    for (const auto& [name, role] : *config.roles) {
        int depth = 0;
        const model::NodeRole* r = &role;
        while (depth < 16 && r->parentRoleName && !r->parentRoleName->empty()) {
            const auto it = config.roles->find(*r->parentRoleName);
            if (it == config.roles->end())
                break;
            ++depth;
            r = &it->second;
        }
        out[name] = depth;
    }
    return out;
}

// The config's leaves first, in config order (an empty region still gets its frame), then any
// sub-group only nodes name (a config edited under running nodes).
std::vector<std::string> subGroupNames(const engine::NodeGroupView& g) {
    std::vector<std::string> names;
    auto add = [&](const std::string& name) {
        if (std::find(names.begin(), names.end(), name) == names.end())
            names.push_back(name);
    };
    if (g.config.groups)
        for (const auto& leaf : model::leafSubGroups(g.config))
            add(leaf.group->subGroupName.value_or(std::string()));
    for (const auto& n : g.nodes)
        add(n.subGroup);
    return names;
}

using Tier = std::vector<const NodeView*>;
struct SubGroupTiers {
    std::string name;
    std::map<int, Tier> tiers; // by role depth
    int nodeCount = 0;
};

// Orders every tier, shallowest first across all sub-groups (a relay's GLOBAL parents may sit in
// another region), by the first-placed parent, then by id.
void orderTiers(std::vector<SubGroupTiers>& subGroups, int maxDepth) {
    std::unordered_map<std::string_view, int> placed;
    for (int depth = 0; depth <= maxDepth; ++depth)
        for (auto& sg : subGroups) {
            const auto it = sg.tiers.find(depth);
            if (it == sg.tiers.end())
                continue;
            Tier& tier = it->second;
            auto parentPlace = [&](const NodeView* n) {
                int best = INT_MAX;
                for (const auto& p : n->parents)
                    if (const auto found = placed.find(p); found != placed.end())
                        best = std::min(best, found->second);
                return best;
            };
            std::vector<std::pair<int, const NodeView*>> keyed;
            keyed.reserve(tier.size());
            for (const auto* n : tier)
                keyed.emplace_back(parentPlace(n), n);
            std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
                return a.first != b.first ? a.first < b.first : a.second->nodeId < b.second->nodeId;
            });
            for (std::size_t i = 0; i < keyed.size(); ++i) {
                tier[i] = keyed[i].second;
                placed.emplace(tier[i]->nodeId, static_cast<int>(placed.size()));
            }
        }
}

int wrapWidth(const SubGroupTiers& sg) {
    std::size_t widest = 1;
    for (const auto& [depth, tier] : sg.tiers)
        widest = std::max(widest, tier.size());
    const int square = std::max(4, static_cast<int>(std::ceil(std::sqrt(sg.nodeCount))));
    return std::min(static_cast<int>(widest), square);
}

QSizeF subGroupSize(const SubGroupTiers& sg) {
    const int cols = wrapWidth(sg);
    const double inner = cols * (M::kNodeWidth + M::kNodeGapX) - M::kNodeGapX;
    const double width = std::max(M::kMinSubGroupWidth, inner + 2 * M::kSubGroupPadding);
    double height = M::kSubGroupHeader + 2 * M::kSubGroupPadding;
    bool first = true;
    for (const auto& [depth, tier] : sg.tiers) {
        const auto rows = static_cast<double>((tier.size() + cols - 1) / cols);
        height += rows * (M::kNodeHeight + M::kNodeGapY) - M::kNodeGapY;
        if (!first)
            height += M::kTierGap;
        first = false;
    }
    if (sg.tiers.empty())
        height += M::kNodeHeight; // an empty region keeps a visible body
    return {width, height};
}

// Places one sub-group's nodes in `area` (its frame).
void placeNodes(const SubGroupTiers& sg, const QRectF& area, TopologyLayout& out) {
    const int cols = wrapWidth(sg);
    const double inner = area.width() - 2 * M::kSubGroupPadding;
    double y = area.top() + M::kSubGroupHeader + M::kSubGroupPadding;
    for (const auto& [depth, tier] : sg.tiers) {
        for (std::size_t i = 0; i < tier.size(); i += cols) {
            const std::size_t inRow = std::min<std::size_t>(cols, tier.size() - i);
            const double rowWidth =
                static_cast<double>(inRow) * (M::kNodeWidth + M::kNodeGapX) - M::kNodeGapX;
            double x = area.left() + M::kSubGroupPadding + (inner - rowWidth) / 2;
            for (std::size_t k = 0; k < inRow; ++k) {
                out.nodePos[tier[i + k]->nodeId] = QPointF(x, y);
                x += M::kNodeWidth + M::kNodeGapX;
            }
            y += M::kNodeHeight + M::kNodeGapY;
        }
        y += M::kTierGap - M::kNodeGapY;
    }
}

// One node group measured, before it is placed.
struct GroupPlan {
    const std::string* name;
    std::vector<SubGroupTiers> subGroups;
    std::vector<QSizeF> sizes; // per sub-group
    QSizeF size;               // the group's frame
};

GroupPlan planGroup(const std::string& name, const engine::NodeGroupView& g) {
    GroupPlan plan{&name, {}, {}, {}};
    const auto depths = roleDepths(g.config);
    for (const auto& sgName : subGroupNames(g))
        plan.subGroups.push_back({sgName, {}, 0});
    int maxDepth = 0;
    for (const auto& n : g.nodes) {
        const auto d = depths.find(n.role);
        const int depth = d != depths.end() ? d->second : (n.parents.empty() ? 0 : 1);
        maxDepth = std::max(maxDepth, depth);
        auto sg = std::find_if(plan.subGroups.begin(), plan.subGroups.end(),
                               [&](const SubGroupTiers& s) { return s.name == n.subGroup; });
        sg->tiers[depth].push_back(&n);
        ++sg->nodeCount;
    }
    orderTiers(plan.subGroups, maxDepth);
    double width = 2 * M::kGroupPadding - M::kSubGroupGap;
    double height = 0;
    for (const auto& sg : plan.subGroups) {
        plan.sizes.push_back(subGroupSize(sg));
        width += plan.sizes.back().width() + M::kSubGroupGap;
        height = std::max(height, plan.sizes.back().height());
    }
    plan.size = QSizeF(std::max(M::kMinSubGroupWidth + 2 * M::kGroupPadding, width),
                       M::kGroupHeader + height + M::kGroupPadding);
    return plan;
}

void placeGroup(const GroupPlan& plan, QPointF origin, TopologyLayout& out) {
    out.frames.push_back({*plan.name, {}, QRectF(origin, plan.size)});
    const double height = plan.size.height() - M::kGroupHeader - M::kGroupPadding;
    double x = origin.x() + M::kGroupPadding;
    const double y = origin.y() + M::kGroupHeader;
    for (std::size_t i = 0; i < plan.subGroups.size(); ++i) {
        const QRectF area(x, y, plan.sizes[i].width(), height);
        out.frames.push_back({*plan.name, plan.subGroups[i].name, area});
        placeNodes(plan.subGroups[i], area, out);
        x += plan.sizes[i].width() + M::kSubGroupGap;
    }
}

// Groups go left to right in rows; the number per row is the one that shows the whole picture
// largest in a 16:10 window, so several small groups do not become one tall column.
int groupsPerRow(const std::vector<GroupPlan>& plans) {
    const int n = static_cast<int>(plans.size());
    int best = 1;
    double bestScale = 0;
    for (int perRow = 1; perRow <= n; ++perRow) {
        double width = 0;
        double height = 0;
        for (int row = 0; row * perRow < n; ++row) {
            double rowWidth = 0;
            double rowHeight = 0;
            for (int i = row * perRow; i < std::min(n, (row + 1) * perRow); ++i) {
                rowWidth += plans[static_cast<std::size_t>(i)].size.width() + M::kGroupGap;
                rowHeight = std::max(rowHeight, plans[static_cast<std::size_t>(i)].size.height());
            }
            width = std::max(width, rowWidth - M::kGroupGap);
            height += rowHeight + M::kGroupGap;
        }
        const double scale = std::min(1600 / width, 1000 / (height - M::kGroupGap));
        if (scale > bestScale * 1.0001) {
            bestScale = scale;
            best = perRow;
        }
    }
    return best;
}

} // namespace

TopologyLayout layoutTopology(const engine::ClusterSnapshot& snapshot,
                              const std::function<bool(const std::string&)>& showGroup) {
    std::vector<GroupPlan> plans;
    for (const auto& [name, group] : snapshot.groups)
        if (!showGroup || showGroup(name))
            plans.push_back(planGroup(name, group));
    TopologyLayout out;
    const std::size_t perRow = static_cast<std::size_t>(groupsPerRow(plans));
    double y = 0;
    for (std::size_t row = 0; row * perRow < plans.size(); ++row) {
        double x = 0;
        double rowHeight = 0;
        for (std::size_t i = row * perRow; i < std::min(plans.size(), (row + 1) * perRow); ++i) {
            placeGroup(plans[i], QPointF(x, y), out);
            out.bounds = out.bounds.united(QRectF(QPointF(x, y), plans[i].size));
            x += plans[i].size.width() + M::kGroupGap;
            rowHeight = std::max(rowHeight, plans[i].size.height());
        }
        y += rowHeight + M::kGroupGap;
    }
    return out;
}

} // namespace sy::ui
