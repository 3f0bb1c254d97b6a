#pragma once
// NodeGroupConfig and its parts (reference §3.1, §3.2), as plain values.
//
// Every field that may be absent on the wire is optional here, and members the model does not
// know are kept in `extra`, so decode → encode returns what was sent (in canonical form:
// integers sent as strings become integers, `subGroups` becomes `groups`).

#include "core/model/enums.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sy::model {

using Json = nlohmann::json;
using StringMap = std::map<std::string, std::string>;

struct PropertyOverride {
    std::optional<std::string> fileName;
    std::optional<StringMap> properties;            // edits a .properties file
    std::optional<std::vector<std::string>> blocks; // uncomments named XML blocks
    std::optional<Json> extra;
    bool operator==(const PropertyOverride&) const = default;
};

struct Schedule {
    std::optional<std::string> name;
    std::optional<std::string> startAt; // Quartz cron, "0 0 0 ? * SAT *"
    std::optional<std::int64_t> durationS;
    std::optional<Json> extra;
    bool operator==(const Schedule&) const = default;
};

struct Image {
    std::optional<std::string> name;
    std::optional<std::string> image; // cloud image id
    std::optional<std::string> cloudProperties;
    std::optional<StringMap> tags;
    std::optional<Json> extra;
    bool operator==(const Image&) const = default;
};

struct NodeRole {
    std::optional<std::string> name;
    std::optional<std::string> imageName;
    std::optional<std::vector<Capability>> capabilities;
    std::optional<std::string> parentRoleName;
    std::optional<ParentCardinality> parentCardinality;
    std::optional<Lifecycle> lifecycle;
    std::optional<std::vector<PropertyOverride>> propertyOverrides;
    std::optional<std::vector<std::string>> initScripts;
    std::optional<std::string> cloudProperties;
    std::optional<StringMap> tags;
    std::optional<Json> extra; // e.g. the undocumented `capacity`

    bool has(Capability c) const;
    Lifecycle effectiveLifecycle() const { return lifecycle.value_or(Lifecycle::Auto); }
    bool operator==(const NodeRole&) const = default;
};

struct ScaleRule {
    std::optional<std::string> nodeGroupName;
    std::optional<std::string> subGroupName;
    std::optional<std::string> nodeRoleName;
    std::optional<std::int64_t> min;
    std::optional<std::int64_t> max;
    std::optional<std::int64_t> increment;
    std::optional<std::string> outExpression;
    std::optional<std::string> inExpression;
    std::optional<std::string> capacityRankingExpression;
    std::optional<std::string> capacityLimitExpression;
    std::optional<Json> extra;

    std::int64_t effectiveIncrement() const { return increment.value_or(1); }
    bool operator==(const ScaleRule&) const = default;
};

// A sub-group (region) is either a leaf with rules per role, or a geo-zone holding child groups.
struct SubGroupConfig {
    std::optional<std::string> subGroupName;
    std::optional<std::string> nodeGroupName;
    std::optional<std::string> groupType;
    std::optional<std::string> cloudProperties;
    std::optional<StringMap> tags;
    std::optional<std::map<std::string, ScaleRule>> rulesByRole;
    std::optional<std::vector<SubGroupConfig>> childGroups;
    std::optional<Json> extra;
    // Some clients send rulesByRole as an array of rules; we answer in the form we were sent,
    // in the order we were sent (role names in array order).
    bool rulesAsArray = false;
    std::vector<std::string> ruleArrayOrder;

    bool isLeaf() const { return !childGroups.has_value(); }
    bool operator==(const SubGroupConfig&) const = default;
};

// Who may publish and play the group's streams (our extension; absent: open, as in a lab).
// - "open": anyone who can reach a node;
// - "token": a stream token issued by publish / subscribe routing (auth/streamtoken.h);
// - "roundtrip": Stream Manager 2.0's round-trip auth: the client's username / password / token
//   (stream name arguments) are POSTed to `validateUrl`, which answers {"result": true}.
struct StreamAccess {
    std::optional<std::string> publish;          // open | token | roundtrip
    std::optional<std::string> play;             // open | token | roundtrip
    std::optional<std::string> subscribeRole;    // public | viewer: who may ask subscribe routing
    std::optional<bool> oneTime;                 // a token starts one session only (replay cache)
    std::optional<std::int64_t> tokenTtlSeconds; // 10..86400, default 120
    std::optional<std::string> validateUrl;      // roundtrip: http:// URL of the operator's check
    std::optional<Json> extra;
    bool operator==(const StreamAccess&) const = default;
};

enum class AccessMode { Open, Token, RoundTrip };

// HLS delivery (our extension): origins segment every live stream, edges and relays serve the
// segments of their parents over HTTP; StreamLocation urls then carry `hls`.
struct HlsSettings {
    std::optional<bool> enabled;
    std::optional<std::int64_t> fragmentSeconds; // 1..10, default 2
    std::optional<std::int64_t> playlistSeconds; // fragment*3..120, default 12
    std::optional<Json> extra;
    bool operator==(const HlsSettings&) const = default;
};

struct NodeGroupConfig {
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::optional<bool> isScalingPaused;
    std::optional<std::string> cloudPlatform;
    std::optional<std::vector<std::string>> initScripts;
    std::optional<std::string> cloudProperties;
    std::optional<StringMap> tags;
    std::optional<std::string> clusterPassword;
    std::optional<std::int64_t> maxPublishers;
    std::optional<std::int64_t> maxSubscribers;
    std::optional<std::string> baseNodeGroupName;
    std::optional<std::string> shuffleSizeExpression;
    std::optional<std::vector<PropertyOverride>> propertyOverrides;
    std::optional<std::map<std::string, Schedule>> schedules;
    std::optional<std::map<std::string, Image>> images;
    std::optional<std::map<std::string, NodeRole>> roles;
    std::optional<std::map<std::string, SubGroupConfig>> groups;
    std::optional<StreamAccess> streamAccess;
    std::optional<HlsSettings> hls;
    std::optional<Json> extra; // e.g. `internalVersionCount`

    bool operator==(const NodeGroupConfig&) const = default;
};

// The effective settings, defaults applied.
AccessMode publishAccess(const NodeGroupConfig& ng);
AccessMode playAccess(const NodeGroupConfig& ng);
bool subscribeNeedsViewer(const NodeGroupConfig& ng);
bool oneTimeTokens(const NodeGroupConfig& ng);
std::int64_t tokenTtlSeconds(const NodeGroupConfig& ng);
bool hlsEnabled(const NodeGroupConfig& ng);
std::int64_t hlsFragmentSeconds(const NodeGroupConfig& ng);
std::int64_t hlsPlaylistSeconds(const NodeGroupConfig& ng);
std::optional<AccessMode> parseAccessMode(std::string_view text);

// A leaf sub-group with the path that leads to it, for walking geo-zone trees.
struct LeafSubGroup {
    const SubGroupConfig* group;
    std::string path;     // JSON path of the sub-group ("groups.usa.childGroups[0]")
    std::string zonePath; // names from the top: "usa/virginia"
};
std::vector<LeafSubGroup> leafSubGroups(const NodeGroupConfig& ng);

// The roles of a leaf's rules in wire order: array order when sent as an array (roles added
// since then follow, by name), otherwise by name.
std::vector<std::string> ruleOrder(const SubGroupConfig& sg);

} // namespace sy::model
