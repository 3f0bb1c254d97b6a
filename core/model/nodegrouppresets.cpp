#include "core/model/nodegrouppresets.h"

#include "core/model/validation.h"
#include "core/util/strings.h"

#include <algorithm>
#include <array>
#include <set>

namespace sy::model {

namespace {

constexpr std::array kPresets = {NodeGroupPreset::AllInOne, NodeGroupPreset::OriginEdge,
                                 NodeGroupPreset::OriginRelayEdge, NodeGroupPreset::MultiRegion};

// Reference §5, "Red5 generator defaults": ranking, limit, and out/in thresholds per role, the
// out threshold being round(0.6 × limit). An all-in-one node takes the origin's values. Counts
// follow the reference's example node groups, scaled to what a lab or a SIMULATED cluster runs.
ScaleRule ruleFor(const std::string& role) {
    ScaleRule r;
    r.increment = 1;
    if (role == "edge") {
        r.min = 1;
        r.max = 10;
        r.outExpression = "avg(connections.subscriber) > 120";
        r.inExpression = "avg(connections.subscriber) < 20";
        r.capacityRankingExpression = "connections.subscriber";
        r.capacityLimitExpression = "200";
    } else if (role == "relay") {
        // A relay is never routable: ranking and limit 0 keep clients off it.
        r.min = 1;
        r.max = 4;
        r.outExpression = "avg(connections.clusterchildren) > 8";
        r.inExpression = "avg(connections.clusterchildren) < 2";
        r.capacityRankingExpression = "0";
        r.capacityLimitExpression = "0";
    } else {
        r.min = 1;
        r.max = role == "allinone" ? 3 : 5;
        r.outExpression = "avg(connections.publisher) > 12";
        r.inExpression = "avg(connections.publisher) < 2";
        r.capacityRankingExpression = "connections.publisher";
        r.capacityLimitExpression = "20";
    }
    return r;
}

NodeRole role(const std::string& name, std::vector<Capability> capabilities) {
    NodeRole r;
    r.name = name;
    r.capabilities = std::move(capabilities);
    return r;
}

NodeRole childRole(const std::string& name, std::vector<Capability> capabilities,
                   const std::string& parent, ParentCardinality cardinality) {
    NodeRole r = role(name, std::move(capabilities));
    r.parentRoleName = parent;
    r.parentCardinality = cardinality;
    return r;
}

std::map<std::string, NodeRole> rolesOf(NodeGroupPreset preset) {
    using enum Capability;
    switch (preset) {
    case NodeGroupPreset::AllInOne:
        return {{"allinone", role("allinone", {Publish, Subscribe})}};
    case NodeGroupPreset::OriginEdge:
        return {{"origin", role("origin", {Publish})},
                {"edge", childRole("edge", {Subscribe}, "origin", ParentCardinality::Global)}};
    case NodeGroupPreset::OriginRelayEdge:
        // Each relay gets its own automatic group of edges, and the edge rule applies per relay.
        return {{"origin", role("origin", {Publish})},
                {"relay", childRole("relay", {}, "origin", ParentCardinality::Global)},
                {"edge", childRole("edge", {Subscribe}, "relay", ParentCardinality::AutoGroup)}};
    case NodeGroupPreset::MultiRegion:
        // Edges pull from the origins of their own region, so no stream crosses regions twice.
        return {{"origin", role("origin", {Publish})},
                {"edge", childRole("edge", {Subscribe}, "origin", ParentCardinality::SubGroup)}};
    }
    return {};
}

std::string descriptionOf(NodeGroupPreset preset) {
    switch (preset) {
    case NodeGroupPreset::AllInOne:
        return "All-in-one nodes: each node takes publishers and serves viewers";
    case NodeGroupPreset::OriginEdge:
        return "Origins take publishers, edges serve viewers";
    case NodeGroupPreset::OriginRelayEdge:
        return "Origins, relays fanning out, and edges grouped under each relay";
    case NodeGroupPreset::MultiRegion:
        return "Origins and edges in each region; edges pull from their region's origins";
    }
    return {};
}

void apply(ScaleRule& r, const RuleOverrides& o) {
    auto set = [](auto& field, const auto& value) {
        if (value)
            field = *value;
    };
    set(r.min, o.min);
    set(r.max, o.max);
    set(r.increment, o.increment);
    set(r.outExpression, o.outExpression);
    set(r.inExpression, o.inExpression);
    set(r.capacityRankingExpression, o.capacityRankingExpression);
    set(r.capacityLimitExpression, o.capacityLimitExpression);
}

// Red5's advice on the shuffle pool (reference §5): up to 5 nodes "1", up to 10 "2", else a tenth
// of the nodes with at least 2. Sized by the most nodes the rules allow.
std::string shuffleSizeFor(const NodeGroupConfig& ng) {
    std::int64_t most = 0;
    for (const auto& leaf : leafSubGroups(ng))
        for (const auto& [unused, rule] : *leaf.group->rulesByRole)
            most += rule.max.value_or(0);
    if (most <= 5)
        return "1";
    if (most <= 10)
        return "2";
    return "max(nodeCount*0.1, 2)";
}

} // namespace

std::span<const NodeGroupPreset> nodeGroupPresets() {
    return kPresets;
}

std::string_view toString(NodeGroupPreset preset) {
    switch (preset) {
    case NodeGroupPreset::AllInOne:
        return "all-in-one";
    case NodeGroupPreset::OriginEdge:
        return "origin-edge";
    case NodeGroupPreset::OriginRelayEdge:
        return "origin-relay-edge";
    case NodeGroupPreset::MultiRegion:
        return "multi-region";
    }
    return "";
}

std::optional<NodeGroupPreset> nodeGroupPresetFromString(std::string_view s) {
    for (auto p : kPresets)
        if (toString(p) == s)
            return p;
    return std::nullopt;
}

std::vector<std::string> presetRoles(NodeGroupPreset preset) {
    switch (preset) {
    case NodeGroupPreset::AllInOne:
        return {"allinone"};
    case NodeGroupPreset::OriginEdge:
    case NodeGroupPreset::MultiRegion:
        return {"origin", "edge"};
    case NodeGroupPreset::OriginRelayEdge:
        return {"origin", "relay", "edge"};
    }
    return {};
}

std::vector<std::string> presetRegions(NodeGroupPreset preset) {
    if (preset == NodeGroupPreset::MultiRegion)
        return {"us-east", "eu-west"};
    return {"main"};
}

std::size_t minimumRegions(NodeGroupPreset preset) {
    return preset == NodeGroupPreset::MultiRegion ? 2 : 1;
}

ScaleRule defaultRule(NodeGroupPreset preset, const std::string& role) {
    (void)preset; // every preset shares the generator's defaults today; the seam is for later
    return ruleFor(role);
}

NodeGroupConfig makeNodeGroup(NodeGroupPreset preset, const PresetOptions& options) {
    NodeGroupConfig ng;
    ng.name = options.name;
    ng.description = descriptionOf(preset);
    ng.isScalingPaused = false;
    ng.cloudPlatform = options.cloudPlatform;
    ng.roles = rolesOf(preset);
    const bool multi = preset == NodeGroupPreset::MultiRegion;
    const auto regions = options.regions.empty() ? presetRegions(preset) : options.regions;
    ng.groups.emplace();
    for (const auto& region : regions) {
        SubGroupConfig sg;
        sg.subGroupName = region;
        sg.nodeGroupName = options.name;
        sg.groupType = multi ? "region" : "main";
        sg.rulesByRole.emplace();
        for (const auto& roleName : presetRoles(preset)) {
            ScaleRule r = defaultRule(preset, roleName);
            if (const auto it = options.rules.find(roleName); it != options.rules.end())
                apply(r, it->second);
            r.nodeGroupName = options.name;
            r.subGroupName = region;
            r.nodeRoleName = roleName;
            (*sg.rulesByRole)[roleName] = std::move(r);
        }
        // A repeated region name keeps its first sub-group; checkPresetOptions reports it.
        ng.groups->emplace(region, std::move(sg));
    }
    ng.shuffleSizeExpression = shuffleSizeFor(ng);
    ng.streamAccess = options.streamAccess;
    ng.hls = options.hls;
    return ng;
}

Problems checkPresetOptions(NodeGroupPreset preset, const PresetOptions& options) {
    Problems problems;
    if (auto why = checkNodeGroupName(options.name))
        problems.push_back({"name", *why});
    if (!isKnownCloudPlatform(options.cloudPlatform))
        problems.push_back({"cloudPlatform", "unknown platform " +
                                                 sy::quoted(options.cloudPlatform) + "; expected " +
                                                 joinNames(cloudPlatformNames())});
    const std::size_t needed = minimumRegions(preset);
    if (!options.regions.empty() && options.regions.size() < needed)
        problems.push_back({"regions", "the " + std::string(toString(preset)) +
                                           " preset needs at least " + std::to_string(needed) +
                                           " regions, got " +
                                           std::to_string(options.regions.size())});
    std::set<std::string> seen;
    for (std::size_t i = 0; i < options.regions.size(); ++i) {
        const auto& region = options.regions[i];
        if (auto why = checkName(region))
            problems.push_back({indexPath("regions", i), "region name " + *why});
        else if (!seen.insert(region).second)
            problems.push_back(
                {indexPath("regions", i), "region " + sy::quoted(region) + " is listed twice"});
    }
    const auto roles = presetRoles(preset);
    for (const auto& [roleName, unused] : options.rules)
        if (std::find(roles.begin(), roles.end(), roleName) == roles.end())
            problems.push_back(
                {joinPath("rules", roleName),
                 "names no role of the " + std::string(toString(preset)) + " preset"});
    return problems;
}

std::optional<std::string> checkNodeGroupName(std::string_view name) {
    // Ask the validator itself, so the wizard and the core can never disagree on a name.
    NodeGroupConfig probe;
    probe.name = std::string(name);
    for (auto& p : validateNodeGroup(probe))
        if (p.path == "name")
            return std::move(p.message);
    return std::nullopt;
}

std::string uniqueNodeGroupName(std::span<const std::string> taken, std::string_view stem) {
    const std::set<std::string> names(taken.begin(), taken.end());
    for (std::size_t n = 1;; ++n) {
        std::string candidate = std::string(stem) + "-" + std::to_string(n);
        if (!names.contains(candidate))
            return candidate;
    }
}

} // namespace sy::model
