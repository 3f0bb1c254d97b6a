// /as/v1/admin/nodegroup (reference §2.1): node-group documents, node status, idle time, pause,
// manual scaling, and draining a node (ours).

#include "core/api/apierrors.h"
#include "core/api/apiservice.h"
#include "core/api/controllerutil.h"
#include "core/model/nodegroupcodec.h"
#include "core/model/nodestatus.h"

#include <limits>

namespace sy::api {

namespace {

using Json = nlohmann::json;

// 200, not 201: Red5's node-group installer scripts compare the status with exactly 200, retry
// on anything else and then fail on the 409 of their own retry (reference §9.1).
HttpResponse created() {
    return HttpResponse::json(200, {{"result", "CREATED"}});
}

HttpResponse ok() {
    return HttpResponse::json(200, Json::object());
}

HttpResponse commandResponse(Result<void> done, HttpResponse success) {
    return done ? std::move(success) : errorResponse(done.error());
}

Result<model::NodeGroupConfig, HttpResponse> configFromBody(const HttpRequest& req) {
    auto body = jsonBody(req);
    if (!body)
        return unexpected(std::move(body).error());
    auto config = model::parseNodeGroup(*body);
    if (!config)
        return unexpected(problemsResponse("node group", config.error()));
    return std::move(config).value();
}

HttpResponse createGroup(ApiContext& ctx, const ApiRequest& r) {
    auto config = configFromBody(r.http);
    if (!config)
        return config.error();
    return commandResponse(await(ctx.core.createNodeGroup(std::move(config).value())), created());
}

HttpResponse updateGroup(ApiContext& ctx, const ApiRequest& r) {
    auto config = configFromBody(r.http);
    if (!config)
        return config.error();
    return commandResponse(await(ctx.core.updateNodeGroup(std::move(config).value())), ok());
}

HttpResponse listGroups(ApiContext& ctx) {
    auto names = Json::array();
    for (const auto& [name, g] : ctx.core.snapshot()->groups)
        names.push_back(name);
    return HttpResponse::json(200, names);
}

HttpResponse getGroup(ApiContext& ctx, const ApiRequest& r) {
    QueryReader q(r.http);
    q.flag("isEffective", false); // no schedule overlays yet: the effective config is the config
    if (auto bad = q.error())
        return *bad;
    const auto snap = ctx.core.snapshot();
    const auto* g = findGroup(*snap, r.param("ng"));
    if (!g)
        return noGroup(r.param("ng"));
    auto config = g->config;
    config.isScalingPaused = g->paused;
    return HttpResponse::json(200, model::encodeNodeGroup(config));
}

HttpResponse deleteGroup(ApiContext& ctx, const ApiRequest& r) {
    const auto snap = ctx.core.snapshot();
    const auto* g = findGroup(*snap, r.param("ng"));
    if (!g)
        return noGroup(r.param("ng"));
    return commandResponse(await(ctx.core.deleteNodeGroup(groupName(*g))), ok());
}

std::int64_t metricOr(const model::FlatMetrics& m, const char* name, std::int64_t fallback) {
    const auto it = m.find(name);
    return it == m.end() ? fallback : static_cast<std::int64_t>(it->second);
}

model::NodeStatusItem statusItem(const engine::NodeView& n, bool withMetrics) {
    model::NodeEvent ne;
    ne.nodeGroupName = n.nodeGroup;
    ne.subGroupName = n.subGroup;
    ne.nodeRoleName = n.role;
    ne.nodeId = n.nodeId;
    ne.publicIp = n.endpoint.address;
    ne.privateIp = n.endpoint.address;
    ne.parents = n.parents;
    std::int64_t publishers = 0;
    std::int64_t viewers = 0;
    for (const auto& s : n.streams) {
        publishers += s.publishing ? 1 : 0;
        viewers += s.viewers;
    }
    ne.publisherCount = metricOr(n.metrics, "connections.publisher", publishers);
    ne.subscriberCount = metricOr(n.metrics, "connections.subscriber", viewers);
    ne.clientCount = metricOr(n.metrics, "connections.client", publishers + viewers);
    ne.restreamerCount = metricOr(n.metrics, "connections.restreamer", 0);
    if (withMetrics)
        ne.metrics = model::unflatten(n.metrics);
    ne.timestamp = n.lastReportMs;
    // Ours, beside SM 2.0's fields: local nodes differ by port.
    ne.extra = Json{{"rtmpPort", n.endpoint.rtmpPort}, {"httpPort", n.endpoint.httpPort}};
    model::ScalingEvent se;
    se.nodeGroupName = n.nodeGroup;
    se.subGroupName = n.subGroup;
    se.nodeRoleName = n.role;
    se.nodeId = n.nodeId;
    se.state = n.state;
    se.timestamp = n.stateSinceMs;
    if (!n.faultReason.empty())
        se.extra = Json{{"reason", n.faultReason}};
    return {ne, se};
}

HttpResponse groupStatus(ApiContext& ctx, const ApiRequest& r) {
    QueryReader q(r.http);
    const bool withMetrics = q.flag("metrics", false);
    const bool includeScaling = q.flag("includeScaling", true);
    const bool includeNode = q.flag("includeNode", true);
    const auto subGroup = q.list({"subGroup", "subgroup"});
    const auto role = q.text("role");
    std::optional<model::NodeState> state;
    if (auto s = q.text("state")) {
        state = model::nodeStateFromString(*s);
        if (!state)
            return HttpResponse::error(400, "query parameter state must be one of " +
                                                model::joinNames(model::nodeStateNames()) +
                                                ", got " + sy::quoted(*s));
    }
    if (auto bad = q.error())
        return *bad;
    const auto snap = ctx.core.snapshot();
    const auto* g = findGroup(*snap, r.param("ng"));
    if (!g)
        return noGroup(r.param("ng"));
    auto out = Json::array();
    for (const auto& n : g->nodes) {
        if (!subGroup.empty() &&
            std::find(subGroup.begin(), subGroup.end(), n.subGroup) == subGroup.end())
            continue;
        if ((role && n.role != *role) || (state && n.state != *state))
            continue;
        auto item = statusItem(n, withMetrics);
        if (!includeNode)
            item.nodeEvent.reset();
        if (!includeScaling)
            item.scalingEvent.reset();
        out.push_back(model::encodeNodeStatus(item));
    }
    return HttpResponse::json(200, out);
}

HttpResponse idle(ApiContext& ctx, const ApiRequest& r) {
    const auto snap = ctx.core.snapshot();
    const auto* g = findGroup(*snap, r.param("ng"));
    if (!g)
        return noGroup(r.param("ng"));
    std::int64_t least = std::numeric_limits<std::int64_t>::max();
    int inService = 0;
    for (const auto& n : g->nodes)
        if (n.state == model::NodeState::InService) {
            ++inService;
            least = std::min(least, metricOr(n.metrics, "connections.lastpubsubms", 0));
        }
    // No node in service: nothing has been idle for any time worth acting on.
    return HttpResponse::json(
        200, {{"lastPubSubMs", inService ? least : 0}, {"inServiceNodes", inService}});
}

HttpResponse pause(ApiContext& ctx, const ApiRequest& r) {
    QueryReader q(r.http);
    const bool resume = q.flag("resume", false);
    if (auto bad = q.error())
        return *bad;
    const auto snap = ctx.core.snapshot();
    const auto* g = findGroup(*snap, r.param("ng"));
    if (!g)
        return noGroup(r.param("ng"));
    return commandResponse(await(ctx.core.setPaused(groupName(*g), !resume)),
                           HttpResponse::json(200, {{"isScalingPaused", !resume}}));
}

HttpResponse manualScaleRole(ApiContext& ctx, const ApiRequest& r) {
    QueryReader q(r.http);
    if (!q.has("nodeCount"))
        return HttpResponse::error(400, "query parameter nodeCount is required");
    const auto count = q.integer("nodeCount", 0, 0, 1024);
    if (auto bad = q.error())
        return *bad;
    const auto snap = ctx.core.snapshot();
    const auto* g = findGroup(*snap, r.param("ng"));
    if (!g)
        return noGroup(r.param("ng"));
    return commandResponse(await(ctx.core.manualScale(groupName(*g), r.param("sg"), r.param("role"),
                                                      static_cast<int>(count))),
                           ok());
}

const engine::NodeView* findNode(const engine::NodeGroupView& g, const std::string& id) {
    for (const auto& n : g.nodes)
        if (n.nodeId == id)
            return &n;
    return nullptr;
}

// PUT .../{nodeId}/manualscale?currentState=&desiredState= : a compare-and-set on a MANUAL
// role's node. The one transition a node can be asked for is out of service (drain).
HttpResponse manualScaleNode(ApiContext& ctx, const ApiRequest& r) {
    QueryReader q(r.http);
    const auto current = q.text("currentState");
    const auto desired = q.text("desiredState");
    if (!current || !desired)
        return HttpResponse::error(400, "query parameters currentState and desiredState are "
                                        "required");
    const auto from = model::nodeStateFromString(*current);
    const auto to = model::nodeStateFromString(*desired);
    if (!from || !to)
        return HttpResponse::error(400, "currentState and desiredState must be one of " +
                                            model::joinNames(model::nodeStateNames()));
    const auto snap = ctx.core.snapshot();
    const auto* g = findGroup(*snap, r.param("ng"));
    if (!g)
        return noGroup(r.param("ng"));
    const auto* n = findNode(*g, r.param("nodeId"));
    if (!n)
        return HttpResponse::error(404, "no node " + sy::quoted(r.param("nodeId")) + " in " +
                                            sy::quoted(groupName(*g)));
    const auto& roles = g->config.roles;
    if (roles && roles->contains(n->role) &&
        roles->at(n->role).effectiveLifecycle() != model::Lifecycle::Manual)
        return HttpResponse::error(400, "node " + n->nodeId + " has role " + n->role +
                                            " with lifecycle AUTO; manualscale needs MANUAL "
                                            "(drain it with POST .../node/{nodeId}/drain)");
    if (n->state != *from)
        return HttpResponse::error(400, "node " + n->nodeId + " is " +
                                            std::string(model::toString(n->state)) + ", not " +
                                            *current);
    using model::NodeState;
    if (*to != NodeState::SoftSunset && *to != NodeState::HardSunset &&
        *to != NodeState::DestructionRequested)
        return HttpResponse::error(400, "desiredState " + *desired +
                                            " cannot be requested; nodes can be taken out of "
                                            "service (SOFT_SUNSET, HARD_SUNSET, "
                                            "DESTRUCTION_REQUESTED)");
    return commandResponse(await(ctx.core.drainNode(groupName(*g), n->nodeId)), ok());
}

HttpResponse drain(ApiContext& ctx, const ApiRequest& r) {
    const auto snap = ctx.core.snapshot();
    const auto* g = findGroup(*snap, r.param("ng"));
    if (!g)
        return noGroup(r.param("ng"));
    return commandResponse(await(ctx.core.drainNode(groupName(*g), r.param("nodeId"))), ok());
}

} // namespace

void addNodeGroupRoutes(ApiContext& ctx, const RouteSink& add) {
    using auth::Role;
    const std::string base = "/as/v1/admin/nodegroup";
    add({"POST",
         base,
         Role::Admin,
         "admin",
         "Create a node group; scaling starts at once unless paused (409 if the name exists)",
         {},
         "NodeGroupConfig",
         "Created",
         200,
         [&ctx](const ApiRequest& r) {
             return createGroup(ctx, r);
         }});
    add({"GET",
         base,
         Role::Viewer,
         "admin",
         "Names of the node groups",
         {},
         "",
         "NameList",
         200,
         [&ctx](const ApiRequest&) {
             return listGroups(ctx);
         }});
    add({"PUT",
         base,
         Role::Admin,
         "admin",
         "Replace a node group's configuration (by name)",
         {},
         "NodeGroupConfig",
         "",
         200,
         [&ctx](const ApiRequest& r) {
             return updateGroup(ctx, r);
         }});
    add({"GET",
         base + "/status/{ng}",
         Role::Viewer,
         "admin",
         "Status of every node of a group",
         {{"subGroup", "string", "only these sub-groups (CSV; also subgroup)"},
          {"role", "string", "only this role"},
          {"state", "string", "only nodes in this state"},
          {"metrics", "boolean", "include each node's metric tree (false)"},
          {"includeScaling", "boolean", "include scalingEvent (true)"},
          {"includeNode", "boolean", "include nodeEvent (true)"}},
         "",
         "NodeStatusList",
         200,
         [&ctx](const ApiRequest& r) {
             return groupStatus(ctx, r);
         }});
    add({"GET",
         base + "/{ng}",
         Role::Viewer,
         "admin",
         "A node group's configuration",
         {{"isEffective", "boolean", "the running overlay (same as the config here)"}},
         "",
         "NodeGroupConfig",
         200,
         [&ctx](const ApiRequest& r) {
             return getGroup(ctx, r);
         }});
    add({"DELETE",
         base + "/{ng}",
         Role::Admin,
         "admin",
         "Delete a node group with its nodes and provisions",
         {},
         "",
         "",
         200,
         [&ctx](const ApiRequest& r) {
             return deleteGroup(ctx, r);
         }});
    add({"GET",
         base + "/{ng}/idle",
         Role::Viewer,
         "admin",
         "Least time since the last publish or play over the group's INSERVICE nodes",
         {},
         "",
         "Idle",
         200,
         [&ctx](const ApiRequest& r) {
             return idle(ctx, r);
         }});
    add({"PUT",
         base + "/{ng}/pause",
         Role::Operator,
         "admin",
         "Pause autoscaling (no parameter) or resume it (resume=true)",
         {{"resume", "boolean", "resume instead of pausing"}},
         "",
         "",
         200,
         [&ctx](const ApiRequest& r) {
             return pause(ctx, r);
         }});
    add({"POST",
         base + "/{ng}/{sg}/{role}/manualscale",
         Role::Operator,
         "admin",
         "Set the node count of a MANUAL role in a sub-group",
         {{"nodeCount", "integer", "desired nodes, 0..1024 (required)"}},
         "",
         "",
         200,
         [&ctx](const ApiRequest& r) {
             return manualScaleRole(ctx, r);
         }});
    add({"PUT",
         base + "/{ng}/{nodeId}/manualscale",
         Role::Operator,
         "admin",
         "Compare-and-set a MANUAL node's state (take it out of service)",
         {{"currentState", "string", "the state the node must be in (required)"},
          {"desiredState", "string", "SOFT_SUNSET, HARD_SUNSET or DESTRUCTION_REQUESTED"}},
         "",
         "",
         200,
         [&ctx](const ApiRequest& r) {
             return manualScaleNode(ctx, r);
         }});
    add({"POST",
         base + "/{ng}/node/{nodeId}/drain",
         Role::Operator,
         "admin",
         "Drain a node: no new clients, removed once empty (ours)",
         {},
         "",
         "",
         200,
         [&ctx](const ApiRequest& r) {
             return drain(ctx, r);
         }});
}

} // namespace sy::api
