#pragma once
// The node status item of GET /admin/nodegroup/status (reference §3.3): what a node reports
// (nodeEvent) and where the autoscaler has it (scalingEvent); and TerraformEvent (§3.4).

#include "core/model/enums.h"
#include "core/model/metrictree.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sy::model {

struct NodeEvent {
    std::string nodeGroupName;
    std::string subGroupName;
    std::string nodeRoleName;
    std::string nodeId;
    std::string publicIp;
    std::string privateIp;
    std::vector<std::string> parents;
    std::int64_t clientCount = 0;
    std::int64_t publisherCount = 0;
    std::int64_t subscriberCount = 0;
    std::int64_t restreamerCount = 0;
    std::int64_t postProcessorCount = 0;
    std::optional<MetricTree> metrics; // only with ?metrics=true
    std::int64_t timestamp = 0;        // epoch ms
    std::optional<nlohmann::json> extra;
    bool operator==(const NodeEvent&) const = default;
};

struct ScalingEvent {
    std::string nodeGroupName;
    std::string subGroupName;
    std::string nodeRoleName;
    std::string nodeId;
    NodeState state = NodeState::Requested;
    std::int64_t timestamp = 0;
    std::optional<nlohmann::json> extra;
    bool operator==(const ScalingEvent&) const = default;
};

struct NodeStatusItem {
    std::optional<NodeEvent> nodeEvent;       // dropped with includeNode=false
    std::optional<ScalingEvent> scalingEvent; // dropped with includeScaling=false
    bool operator==(const NodeStatusItem&) const = default;
};

struct TerraformEvent {
    std::string commandId;
    std::string nodeId;
    std::string status; // NODE_CREATING … NODE_DESTRUCTION_FAILED, INFO
    std::string details;
    std::vector<std::string> messages;
    std::int64_t executionTime = 0;
    std::string cloudPlatform;
    std::int64_t timestamp = 0;
    bool operator==(const TerraformEvent&) const = default;
};

nlohmann::json encodeNodeStatus(const NodeStatusItem& item);
NodeStatusItem decodeNodeStatus(const nlohmann::json& j, const std::string& path,
                                Problems& problems);
nlohmann::json encodeTerraformEvent(const TerraformEvent& e);
TerraformEvent decodeTerraformEvent(const nlohmann::json& j, const std::string& path,
                                    Problems& problems);

} // namespace sy::model
