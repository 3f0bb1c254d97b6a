#include "core/model/nodestatus.h"

#include "core/model/jsonfields.h"
#include "core/model/streamlocation.h"
#include "core/util/strings.h"

namespace sy::model {

namespace {

// Required-with-default reading for report types whose fields are always sent.
template <class T>
void readOr(ObjectReader& r, std::string_view key, T& out) {
    std::optional<T> v;
    r.read(key, v);
    if (v)
        out = std::move(*v);
}

void readInt(ObjectReader& r, std::string_view key, std::int64_t& out) {
    readOr(r, key, out);
}

Json encodeNodeEvent(const NodeEvent& e) {
    Json j = {{"nodeGroupName", e.nodeGroupName},
              {"subGroupName", e.subGroupName},
              {"nodeRoleName", e.nodeRoleName},
              {"nodeId", e.nodeId},
              {"publicIp", e.publicIp},
              {"privateIp", e.privateIp},
              {"parents", e.parents},
              {"clientCount", e.clientCount},
              {"publisherCount", e.publisherCount},
              {"subscriberCount", e.subscriberCount},
              {"restreamerCount", e.restreamerCount},
              {"postProcessorCount", e.postProcessorCount},
              {"timestamp", e.timestamp}};
    if (e.metrics)
        j["metrics"] = encodeMetricTree(*e.metrics);
    putExtra(j, e.extra);
    return j;
}

NodeEvent decodeNodeEvent(const Json& j, const std::string& path, Problems& problems) {
    NodeEvent e;
    ObjectReader r(j, path, problems);
    readOr(r, "nodeGroupName", e.nodeGroupName);
    readOr(r, "subGroupName", e.subGroupName);
    readOr(r, "nodeRoleName", e.nodeRoleName);
    readOr(r, "nodeId", e.nodeId);
    readOr(r, "publicIp", e.publicIp);
    readOr(r, "privateIp", e.privateIp);
    readOr(r, "parents", e.parents);
    readInt(r, "clientCount", e.clientCount);
    readInt(r, "publisherCount", e.publisherCount);
    readInt(r, "subscriberCount", e.subscriberCount);
    readInt(r, "restreamerCount", e.restreamerCount);
    readInt(r, "postProcessorCount", e.postProcessorCount);
    readInt(r, "timestamp", e.timestamp);
    if (const Json* m = r.take("metrics"))
        e.metrics = decodeMetricTree(*m, r.pathOf("metrics"), problems);
    e.extra = r.extra();
    return e;
}

Json encodeScalingEvent(const ScalingEvent& e) {
    Json j = {{"nodeGroupName", e.nodeGroupName},        {"subGroupName", e.subGroupName},
              {"nodeRoleName", e.nodeRoleName},          {"nodeId", e.nodeId},
              {"state", std::string(toString(e.state))}, {"timestamp", e.timestamp}};
    putExtra(j, e.extra);
    return j;
}

ScalingEvent decodeScalingEvent(const Json& j, const std::string& path, Problems& problems) {
    ScalingEvent e;
    ObjectReader r(j, path, problems);
    readOr(r, "nodeGroupName", e.nodeGroupName);
    readOr(r, "subGroupName", e.subGroupName);
    readOr(r, "nodeRoleName", e.nodeRoleName);
    readOr(r, "nodeId", e.nodeId);
    std::optional<std::string> state;
    r.read("state", state);
    if (state) {
        if (auto s = nodeStateFromString(*state))
            e.state = *s;
        else
            problems.push_back({r.pathOf("state"), "unknown node state " + sy::quoted(*state) +
                                                       "; expected " +
                                                       joinNames(nodeStateNames())});
    }
    readInt(r, "timestamp", e.timestamp);
    e.extra = r.extra();
    return e;
}

} // namespace

Json encodeNodeStatus(const NodeStatusItem& item) {
    Json j = Json::object();
    if (item.nodeEvent)
        j["nodeEvent"] = encodeNodeEvent(*item.nodeEvent);
    if (item.scalingEvent)
        j["scalingEvent"] = encodeScalingEvent(*item.scalingEvent);
    return j;
}

NodeStatusItem decodeNodeStatus(const Json& j, const std::string& path, Problems& problems) {
    NodeStatusItem item;
    ObjectReader r(j, path, problems);
    if (const Json* n = r.take("nodeEvent"))
        item.nodeEvent = decodeNodeEvent(*n, r.pathOf("nodeEvent"), problems);
    if (const Json* s = r.take("scalingEvent"))
        item.scalingEvent = decodeScalingEvent(*s, r.pathOf("scalingEvent"), problems);
    return item;
}

Json encodeTerraformEvent(const TerraformEvent& e) {
    return {{"commandId", e.commandId},
            {"nodeId", e.nodeId},
            {"status", e.status},
            {"details", e.details},
            {"messages", e.messages},
            {"executionTime", e.executionTime},
            {"cloudPlatform", e.cloudPlatform},
            {"timestamp", e.timestamp}};
}

TerraformEvent decodeTerraformEvent(const Json& j, const std::string& path, Problems& problems) {
    TerraformEvent e;
    ObjectReader r(j, path, problems);
    readOr(r, "commandId", e.commandId);
    readOr(r, "nodeId", e.nodeId);
    readOr(r, "status", e.status);
    readOr(r, "details", e.details);
    readOr(r, "messages", e.messages);
    readInt(r, "executionTime", e.executionTime);
    readOr(r, "cloudPlatform", e.cloudPlatform);
    readInt(r, "timestamp", e.timestamp);
    return e;
}

Json encodeStreamLocation(const StreamLocation& s) {
    Json j = {{"streamGuid", s.streamGuid}, {"serverAddress", s.serverAddress}};
    put(j, "nodeRole", s.nodeRole);
    put(j, "subGroup", s.subGroup);
    put(j, "nodeState", s.nodeState);
    put(j, "subscribers", s.subscribers);
    put(j, "durationMs", s.durationMs);
    put(j, "state", s.state);
    put(j, "error", s.error);
    if (!s.urls.empty())
        j["urls"] = s.urls;
    putExtra(j, s.extra);
    return j;
}

StreamLocation decodeStreamLocation(const Json& j, const std::string& path, Problems& problems) {
    StreamLocation s;
    ObjectReader r(j, path, problems);
    readOr(r, "streamGuid", s.streamGuid);
    readOr(r, "serverAddress", s.serverAddress);
    r.read("nodeRole", s.nodeRole);
    r.read("subGroup", s.subGroup);
    r.read("nodeState", s.nodeState);
    r.read("subscribers", s.subscribers);
    r.read("durationMs", s.durationMs);
    r.read("state", s.state);
    r.read("error", s.error);
    readOr(r, "urls", s.urls);
    s.extra = r.extra();
    return s;
}

} // namespace sy::model
