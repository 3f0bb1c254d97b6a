#include "core/engine/event.h"

namespace sy::engine {

std::string_view toString(EventKind k) {
    switch (k) {
    case EventKind::NodeStateChanged:
        return "node-state";
    case EventKind::ScalingDecision:
        return "scaling";
    case EventKind::StreamStarted:
        return "stream-started";
    case EventKind::StreamStopped:
        return "stream-stopped";
    case EventKind::Alert:
        return "alert";
    case EventKind::NodeGroupChanged:
        return "nodegroup";
    case EventKind::Media:
        return "media";
    case EventKind::Access:
        return "access";
    }
    return "alert";
}

nlohmann::json toJson(const Event& e) {
    nlohmann::json j = {{"sequence", e.sequence},
                        {"timestamp", e.timeMs},
                        {"kind", std::string(toString(e.kind))},
                        {"message", e.message}};
    if (!e.nodeGroup.empty())
        j["nodeGroupName"] = e.nodeGroup;
    if (!e.subGroup.empty())
        j["subGroupName"] = e.subGroup;
    if (!e.role.empty())
        j["nodeRoleName"] = e.role;
    if (!e.nodeId.empty())
        j["nodeId"] = e.nodeId;
    if (!e.details.empty())
        j["details"] = e.details;
    return j;
}

} // namespace sy::engine
