// /as/v1/admin/terraform (reference §2.1): what each provider offers (regions, instance types,
// images), the nodes per platform and region, and node lifecycle events in TerraformEvent form.

#include "core/api/apiservice.h"
#include "core/api/controllerutil.h"
#include "core/model/nodestatus.h"
#include "core/providers/provider.h"

namespace sy::api {

namespace {

using Json = nlohmann::json;

// `region=eu-west` in a sub-group's cloudProperties, else the sub-group's name.
std::string regionOf(const model::NodeGroupConfig& config, const std::string& subGroup) {
    for (const auto& leaf : model::leafSubGroups(config)) {
        if (leaf.group->subGroupName.value_or("") != subGroup || !leaf.group->cloudProperties)
            continue;
        for (auto kv : split(*leaf.group->cloudProperties, ';')) {
            kv = trim(kv);
            if (kv.starts_with("region="))
                return std::string(kv.substr(7));
        }
    }
    return subGroup;
}

Json platformLists(ApiContext& ctx, std::vector<std::string> providers::ProviderInventory::*field) {
    Json out = Json::object();
    for (const auto& [platform, p] : ctx.providers)
        out[platform] = p->inventory().*field;
    return out;
}

Json imagesByRegion(ApiContext& ctx) {
    Json out = Json::object();
    for (const auto& [platform, p] : ctx.providers) {
        const auto inv = p->inventory();
        Json regions = Json::object();
        for (const auto& region : inv.regions)
            regions[region] = inv.images;
        out[platform] = regions;
    }
    return out;
}

Json nodesByRegion(ApiContext& ctx) {
    Json out = Json::object();
    for (const auto& [platform, p] : ctx.providers)
        out[platform] = Json::object();
    for (const auto& [name, g] : ctx.core.snapshot()->groups) {
        const std::string platform = g.config.cloudPlatform.value_or("");
        for (const auto& n : g.nodes) {
            auto& list = out[platform][regionOf(g.config, n.subGroup)];
            if (list.is_null())
                list = Json::array();
            list.push_back(n.nodeId);
        }
    }
    return out;
}

std::string terraformStatus(const engine::Event& e) {
    const std::string from = e.details.value("from", "");
    const std::string to = e.details.value("to", "");
    if (to == "CREATING")
        return "NODE_CREATING";
    if (to == "CREATED")
        return "NODE_CREATED";
    if (to == "FAULT" && (from == "REQUESTED" || from == "CREATING"))
        return "NODE_CREATION_FAILED";
    if (to == "DESTROYING")
        return "NODE_DESTROYING";
    if (to == "DESTROYED")
        return "NODE_DESTROYED";
    return "INFO";
}

// Node lifecycle events of the core's event ring, keyed by node (§2.1; the ng is a filter only:
// an unknown one gives {}).
HttpResponse nodeEvents(ApiContext& ctx, const ApiRequest& r) {
    const auto snap = ctx.core.snapshot();
    const auto* g = findGroup(*snap, r.param("ng"));
    const std::string group = g ? groupName(*g) : r.param("ng");
    const std::string platform = g ? g->config.cloudPlatform.value_or("") : "";
    Json out = Json::object();
    for (const auto& e : ctx.core.eventsSince(0)) {
        if (e.nodeGroup != group || e.nodeId.empty() ||
            (e.kind != engine::EventKind::NodeStateChanged && e.kind != engine::EventKind::Alert))
            continue;
        model::TerraformEvent t;
        t.commandId = "event-" + std::to_string(e.sequence);
        t.nodeId = e.nodeId;
        t.status = e.kind == engine::EventKind::Alert ? "INFO" : terraformStatus(e);
        t.details = e.message;
        t.messages = {e.message};
        t.cloudPlatform = platform;
        t.timestamp = e.timeMs;
        out[e.nodeId].push_back(model::encodeTerraformEvent(t));
    }
    return HttpResponse::json(200, out);
}

} // namespace

void addInventoryRoutes(ApiContext& ctx, const RouteSink& add) {
    using auth::Role;
    using Inv = providers::ProviderInventory;
    const std::string base = "/as/v1/admin/terraform";
    add({"GET",
         base + "/image",
         Role::Viewer,
         "admin",
         "Images per platform and region",
         {},
         "",
         "Inventory",
         200,
         [&ctx](const ApiRequest&) {
             return HttpResponse::json(200, imagesByRegion(ctx));
         }});
    add({"GET",
         base + "/node",
         Role::Viewer,
         "admin",
         "Node ids per platform and region",
         {},
         "",
         "Inventory",
         200,
         [&ctx](const ApiRequest&) {
             return HttpResponse::json(200, nodesByRegion(ctx));
         }});
    add({"GET",
         base + "/instanceType",
         Role::Viewer,
         "admin",
         "Instance types per platform",
         {},
         "",
         "Inventory",
         200,
         [&ctx](const ApiRequest&) {
             return HttpResponse::json(200, platformLists(ctx, &Inv::instanceTypes));
         }});
    add({"GET",
         base + "/region",
         Role::Viewer,
         "admin",
         "Regions per platform",
         {},
         "",
         "Inventory",
         200,
         [&ctx](const ApiRequest&) {
             return HttpResponse::json(200, platformLists(ctx, &Inv::regions));
         }});
    add({"GET",
         base + "/updateInfo",
         Role::Operator,
         "admin",
         "Refresh the inventory (providers here answer live, so there is nothing to refresh)",
         {{"which", "string", "IMAGE, INSTANCE_TYPE, NODE or REGION"}},
         "",
         "",
         200,
         [](const ApiRequest&) {
             return HttpResponse::json(200, Json::object());
         }});
    for (const char* path : {"/node/events/{ng}", "/events/{ng}"})
        add({"GET",
             base + path,
             Role::Viewer,
             "admin",
             "Node lifecycle events of a node group, by node",
             {},
             "",
             "NodeEvents",
             200,
             [&ctx](const ApiRequest& r) {
                 return nodeEvents(ctx, r);
             }});
}

} // namespace sy::api
