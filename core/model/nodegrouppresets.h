#pragma once
// Node-group presets: the usual cluster shapes of reference §3.2 filled with the Red5 generator
// defaults of reference §5, so that the console's wizard and its one-click "create with
// defaults" start from a config the core accepts as is. Every config made here passes
// validateNodeGroup and round-trips through the codec.

#include "core/model/nodegroup.h"
#include "core/model/problem.h"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sy::model {

enum class NodeGroupPreset {
    AllInOne,        // one role that publishes and serves viewers
    OriginEdge,      // origins take publishers, edges pull from any origin and serve viewers
    OriginRelayEdge, // origins → relays fanning out → edges grouped under each relay
    MultiRegion,     // origins and edges in each region; edges pull from their region's origins
};

std::span<const NodeGroupPreset> nodeGroupPresets();
// "all-in-one", "origin-edge", "origin-relay-edge", "multi-region": stable, for settings and tests.
std::string_view toString(NodeGroupPreset preset);
std::optional<NodeGroupPreset> nodeGroupPresetFromString(std::string_view s);

// Role names of a preset, parents before children ("origin", "relay", "edge").
std::vector<std::string> presetRoles(NodeGroupPreset preset);
// The sub-groups a preset makes when none are given: one, or two for MultiRegion.
std::vector<std::string> presetRegions(NodeGroupPreset preset);
// The fewest sub-groups a preset needs: 2 for MultiRegion, else 1.
std::size_t minimumRegions(NodeGroupPreset preset);

// What an operator may change in a role's scale rule; an absent field keeps the default.
struct RuleOverrides {
    std::optional<std::int64_t> min = std::nullopt;
    std::optional<std::int64_t> max = std::nullopt;
    std::optional<std::int64_t> increment = std::nullopt;
    std::optional<std::string> outExpression = std::nullopt;
    std::optional<std::string> inExpression = std::nullopt;
    std::optional<std::string> capacityRankingExpression = std::nullopt;
    std::optional<std::string> capacityLimitExpression = std::nullopt;
};

struct PresetOptions {
    std::string name;
    std::string cloudPlatform = "SIMULATED";
    // Sub-group names, one leaf each; empty takes presetRegions().
    std::vector<std::string> regions = {};
    // Role name → changes to its rule, applied in every sub-group.
    std::map<std::string, RuleOverrides> rules = {};
    // Copied into the group as they are (absent: open, no HLS).
    std::optional<StreamAccess> streamAccess = {};
    std::optional<HlsSettings> hls = {};
};

// The default rule of a role of a preset (min, max, increment and the four expressions), without
// the node-group, sub-group and role names a rule carries in a config.
ScaleRule defaultRule(NodeGroupPreset preset, const std::string& role);

// Builds the node group. It is valid when the options are (checkPresetOptions returns nothing);
// otherwise validateNodeGroup names what is wrong, with its JSON path.
NodeGroupConfig makeNodeGroup(NodeGroupPreset preset, const PresetOptions& options);

// Problems of the options that the config alone would not show, such as a MultiRegion preset
// with one region, with paths into the options ("regions", "regions[1]", "name").
Problems checkPresetOptions(NodeGroupPreset preset, const PresetOptions& options);

// What is wrong with a node-group name (the strict name pattern, and "default" is reserved), or
// nullopt; the same rule validateNodeGroup applies.
std::optional<std::string> checkNodeGroupName(std::string_view name);

// The first of "stem-1", "stem-2", … that names no group in `taken`, for one-click creation.
std::string uniqueNodeGroupName(std::span<const std::string> taken,
                                std::string_view stem = "cluster");

} // namespace sy::model
