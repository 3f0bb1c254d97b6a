#include "core/routing/parentassignment.h"

#include <algorithm>

namespace sy::routing {

using model::NodeState;
using model::ParentCardinality;

namespace {

const model::NodeRole* findRole(const model::NodeGroupConfig& config, const std::string& name) {
    if (!config.roles)
        return nullptr;
    if (const auto it = config.roles->find(name); it != config.roles->end())
        return &it->second;
    for (const auto& [key, role] : *config.roles)
        if (role.name == name)
            return &role;
    return nullptr;
}

bool beingDestroyed(NodeState s) {
    return s == NodeState::DestructionRequested || s == NodeState::Destroying;
}

// The parents of one role, in node id order.
std::vector<const RoutableNode*> parentsOfRole(std::span<const RoutableNode> nodes,
                                               const std::string& role) {
    std::vector<const RoutableNode*> out;
    for (const auto& n : nodes)
        if (n.role == role && n.state == NodeState::InService)
            out.push_back(&n);
    std::sort(out.begin(), out.end(),
              [](const RoutableNode* a, const RoutableNode* b) { return a->nodeId < b->nodeId; });
    return out;
}

std::vector<std::string> idsIn(const std::vector<const RoutableNode*>& parents,
                               const std::string* subGroup) {
    std::vector<std::string> out;
    for (const auto* p : parents)
        if (!subGroup || p->subGroup == *subGroup)
            out.push_back(p->nodeId);
    return out;
}

// One sub-group's children of one AUTOGROUP role, with the relays of that sub-group.
void assignAutoGroup(std::vector<const RoutableNode*> children,
                     const std::vector<const RoutableNode*>& relays, ParentMap& out) {
    std::sort(children.begin(), children.end(),
              [](const RoutableNode* a, const RoutableNode* b) { return a->nodeId < b->nodeId; });
    std::map<std::string, std::size_t> load;
    for (const auto* r : relays)
        load.emplace(r->nodeId, 0);
    std::vector<const RoutableNode*> unassigned;
    for (const auto* child : children) {
        auto kept = std::find_if(child->parents.begin(), child->parents.end(),
                                 [&](const std::string& p) { return load.contains(p); });
        if (kept == child->parents.end()) {
            unassigned.push_back(child);
            continue;
        }
        ++load[*kept];
        out[child->nodeId] = {*kept};
    }
    const bool anyActive = std::any_of(relays.begin(), relays.end(),
                                       [](const RoutableNode* r) { return !r->draining; });
    for (const auto* child : unassigned) {
        const RoutableNode* best = nullptr;
        for (const auto* r : relays) // in id order, so a strict < keeps the lowest id on ties
            if ((!anyActive || !r->draining) && (!best || load[r->nodeId] < load[best->nodeId]))
                best = r;
        auto& parents = out[child->nodeId];
        parents.clear();
        if (best) {
            ++load[best->nodeId];
            parents.push_back(best->nodeId);
        }
    }
}

} // namespace

ParentMap assignParents(const model::NodeGroupConfig& config, std::span<const RoutableNode> nodes) {
    ParentMap out;
    // role → sub-group → children, for AUTOGROUP, whose choices depend on each other.
    std::map<std::string, std::map<std::string, std::vector<const RoutableNode*>>> autoGroups;
    std::map<std::string, std::vector<const RoutableNode*>> parentsByRole;
    for (const auto& n : nodes) {
        const auto* role = findRole(config, n.role);
        if (!role || !role->parentRoleName || role->parentRoleName->empty() ||
            beingDestroyed(n.state))
            continue;
        const auto& parentRole = *role->parentRoleName;
        if (!parentsByRole.contains(parentRole))
            parentsByRole.emplace(parentRole, parentsOfRole(nodes, parentRole));
        const auto& parents = parentsByRole[parentRole];
        switch (role->parentCardinality.value_or(ParentCardinality::Global)) {
        case ParentCardinality::Global:
            out[n.nodeId] = idsIn(parents, nullptr);
            break;
        case ParentCardinality::SubGroup:
            out[n.nodeId] = idsIn(parents, &n.subGroup);
            break;
        case ParentCardinality::AutoGroup:
            autoGroups[n.role][n.subGroup].push_back(&n);
            break;
        }
    }
    for (const auto& [roleName, bySubGroup] : autoGroups) {
        const auto& parents = parentsByRole[*findRole(config, roleName)->parentRoleName];
        for (const auto& [subGroup, children] : bySubGroup) {
            std::vector<const RoutableNode*> relays;
            for (const auto* p : parents)
                if (p->subGroup == subGroup)
                    relays.push_back(p);
            assignAutoGroup(children, relays, out);
        }
    }
    return out;
}

} // namespace sy::routing
