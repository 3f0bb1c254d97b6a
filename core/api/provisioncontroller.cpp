// /as/v1/streams/provision (reference §2.3): provisions are validated whole (the model, then the
// media manager's URL policy) and stored in one transaction (all or nothing), with their stream
// keys and passwords sealed; reads mask them. distribute answers where a provision would be
// placed and starts a restreamer that waits for it. Running what a provision describes is the
// media manager's job (core/media).

#include "core/api/apierrors.h"
#include "core/api/apiservice.h"
#include "core/api/controllerutil.h"
#include "core/media/mediamanager.h"
#include "core/model/provision.h"
#include "core/store/statestore.h"

#include <set>

namespace sy::api {

namespace {

using Json = nlohmann::json;

struct ParsedProvisions {
    std::string group;
    std::vector<model::ProvisionRequest> provisions;
};

// Resolves the group and decodes the body (an array, or one object: tolerance rule 4).
// `replacing`: a PUT, where a secret sent back masked (as a GET shows it) keeps its stored value.
Result<ParsedProvisions, HttpResponse> provisionsFromRequest(ApiContext& ctx, const ApiRequest& r,
                                                             bool replacing = false) {
    const auto snap = ctx.core.snapshot();
    const auto* g = findGroup(*snap, r.param("ng"));
    if (!g)
        return unexpected(noGroup(r.param("ng")));
    auto body = jsonBody(r.http);
    if (!body)
        return unexpected(std::move(body).error());
    if (replacing) {
        auto keep = [&](Json& doc) {
            if (!doc.is_object())
                return;
            // The guid as the decoder reads it: provisionGuid, else a top-level streamGuid.
            const char* key = doc.contains("provisionGuid") ? "provisionGuid" : "streamGuid";
            if (!doc.contains(key) || !doc[key].is_string())
                return;
            if (auto stored =
                    ctx.core.store().getProvision(groupName(*g), doc[key].get<std::string>()))
                doc = media::MediaManager::keepStoredSecrets(doc, stored->doc);
        };
        if (body->is_array())
            for (auto& doc : *body)
                keep(doc);
        else
            keep(*body);
    }
    auto parsed = model::parseProvisions(*body);
    if (!parsed)
        return unexpected(problemsResponse("provision request", parsed.error()));
    std::set<std::string> seen;
    model::Problems media;
    for (std::size_t i = 0; i < parsed->size(); ++i) {
        const auto& p = (*parsed)[i];
        if (!seen.insert(*p.provisionGuid).second)
            return unexpected(HttpResponse::error(400, "provision " + sy::quoted(*p.provisionGuid) +
                                                           " appears twice in the request"));
        if (ctx.media)
            for (auto& problem : ctx.media->check(p))
                media.push_back({model::indexPath("", i) + "." + problem.path, problem.message});
    }
    if (!media.empty())
        return unexpected(problemsResponse("provision request", media));
    return ParsedProvisions{groupName(*g), std::move(parsed).value()};
}

// What is stored: the provision with its secrets sealed when a media manager runs.
Json storedDoc(ApiContext& ctx, const model::ProvisionRequest& p) {
    auto doc = model::encodeProvision(p);
    return ctx.media ? ctx.media->sealSecrets(doc) : doc;
}

void nudgeMedia(ApiContext& ctx) {
    if (ctx.media)
        ctx.media->nudge();
}

HttpResponse storeFailure(const Error& e, const std::string& group) {
    if (e.code == "exists" || e.code == "not_found")
        return HttpResponse::error(e.code == "exists" ? 409 : 404,
                                   e.message + " (node group " + sy::quoted(group) + ")");
    return errorResponse(e);
}

HttpResponse createProvisions(ApiContext& ctx, const ApiRequest& r) {
    auto parsed = provisionsFromRequest(ctx, r);
    if (!parsed)
        return parsed.error();
    auto done = ctx.core.store().transact([&](store::Tx& tx) -> Result<void> {
        for (const auto& p : parsed->provisions) {
            auto c = tx.createProvision(parsed->group, *p.provisionGuid, storedDoc(ctx, p));
            if (!c)
                return c.error().code == "exists"
                           ? fail("exists",
                                  "provision " + sy::quoted(*p.provisionGuid) + " already exists")
                           : unexpected(c.error());
        }
        return {};
    });
    if (!done)
        return storeFailure(done.error(), parsed->group);
    nudgeMedia(ctx);
    return HttpResponse::json(201, {{"result", "CREATED"}});
}

HttpResponse updateProvisions(ApiContext& ctx, const ApiRequest& r) {
    auto parsed = provisionsFromRequest(ctx, r, true);
    if (!parsed)
        return parsed.error();
    auto done = ctx.core.store().transact([&](store::Tx& tx) -> Result<void> {
        for (const auto& p : parsed->provisions) {
            auto existing = tx.getProvision(parsed->group, *p.provisionGuid);
            if (!existing)
                return existing.error().code == "not_found"
                           ? fail("not_found", "no provision " + sy::quoted(*p.provisionGuid))
                           : unexpected(existing.error());
            auto w = tx.putProvision(parsed->group, *p.provisionGuid, storedDoc(ctx, p),
                                     existing->version);
            if (!w)
                return unexpected(w.error());
        }
        return {};
    });
    if (!done)
        return storeFailure(done.error(), parsed->group);
    nudgeMedia(ctx);
    return HttpResponse::json(200, Json::object());
}

HttpResponse listProvisions(ApiContext& ctx, const ApiRequest& r) {
    const auto snap = ctx.core.snapshot();
    const auto* g = findGroup(*snap, r.param("ng"));
    if (!g)
        return noGroup(r.param("ng"));
    auto list = ctx.core.store().listProvisions(groupName(*g));
    if (!list)
        return errorResponse(list.error());
    auto out = Json::array();
    for (const auto& p : *list)
        out.push_back(media::MediaManager::maskSecrets(p.doc));
    return HttpResponse::json(200, out);
}

// status=true: where each of the provision's streams is, WAIT until it is live somewhere. With
// media jobs, their state wins (a restreamer that gave up is FAULT with its last error) and each
// entry carries its jobs.
Json provisionStatus(ApiContext& ctx, const std::string& group, const std::string& provisionGuid,
                     const Json& doc) {
    const auto live = ctx.core.listStreams(group, true);
    std::vector<media::JobView> jobs;
    if (ctx.media)
        for (auto& j : ctx.media->jobs(group))
            if (j.provisionGuid == provisionGuid)
                jobs.push_back(std::move(j));
    auto out = Json::array();
    const auto streams = doc.value("streams", Json::array());
    for (std::size_t i = 0; i < streams.size(); ++i) {
        const auto& s = streams[i];
        const std::string guid = s.is_object() ? s.value("streamGuid", "") : "";
        model::StreamLocation l;
        l.streamGuid = guid;
        l.state = "WAIT";
        for (const auto& candidate : live)
            if (candidate.streamGuid == guid) {
                l = candidate;
                l.state = "LIVE";
            }
        auto mine = Json::array();
        for (const auto& j : jobs)
            if (j.id.find("#" + std::to_string(i) + ":") != std::string::npos ||
                j.id.ends_with("#invalid")) {
                mine.push_back(media::toJson(j));
                if (j.state == media::JobState::Fault) {
                    l.state = "FAULT";
                    l.error = j.lastError;
                } else if (!j.lastError.empty() && !l.error) {
                    l.error = j.lastError;
                }
            }
        auto encoded = model::encodeStreamLocation(l);
        if (!mine.empty())
            encoded["jobs"] = mine;
        out.push_back(encoded);
    }
    return out;
}

Result<store::ProvisionRecord, HttpResponse>
findProvision(ApiContext& ctx, const std::string& group, const std::string& guid) {
    auto p = ctx.core.store().getProvision(group, guid);
    if (!p)
        return unexpected(p.error().code == "not_found"
                              ? HttpResponse::error(404, "no provision " + sy::quoted(guid) +
                                                             " in " + sy::quoted(group))
                              : errorResponse(p.error()));
    return std::move(p).value();
}

HttpResponse getProvision(ApiContext& ctx, const ApiRequest& r) {
    QueryReader q(r.http);
    const bool status = q.flag("status", false);
    if (auto bad = q.error())
        return *bad;
    const auto snap = ctx.core.snapshot();
    const auto* g = findGroup(*snap, r.param("ng"));
    if (!g)
        return noGroup(r.param("ng"));
    auto p = findProvision(ctx, groupName(*g), r.param("guid"));
    if (!p)
        return p.error();
    return HttpResponse::json(200,
                              status ? provisionStatus(ctx, groupName(*g), r.param("guid"), p->doc)
                                     : media::MediaManager::maskSecrets(p->doc));
}

HttpResponse deleteProvision(ApiContext& ctx, const ApiRequest& r) {
    const auto snap = ctx.core.snapshot();
    const auto* g = findGroup(*snap, r.param("ng"));
    if (!g)
        return noGroup(r.param("ng"));
    auto done = ctx.core.store().deleteProvision(groupName(*g), r.param("guid"));
    if (!done)
        return done.error().code == "not_found"
                   ? HttpResponse::error(404, "no provision " + sy::quoted(r.param("guid")) +
                                                  " in " + sy::quoted(groupName(*g)))
                   : errorResponse(done.error());
    nudgeMedia(ctx); // its restreamers stop at the next tick
    return HttpResponse::json(200, Json::object());
}

// The capability a distribution targets (§2.3): the query's, the provision's, TRANSCODE when a
// stream has renditions, else PUBLISH.
std::string targetCapability(const QueryReader& q, const Json& doc) {
    if (auto caps = q.list({"capabilities"}); !caps.empty())
        return toUpper(caps.front());
    if (const auto caps = doc.find("capabilities");
        caps != doc.end() && caps->is_array() && !caps->empty() && (*caps)[0].is_string())
        return (*caps)[0].get<std::string>();
    for (const auto& s : doc.value("streams", Json::array()))
        if (s.is_object() && s.contains("videoParams"))
            return "TRANSCODE";
    return "PUBLISH";
}

bool groupHasCapability(const engine::NodeGroupView& g, std::string_view capability) {
    const auto cap = model::capabilityFromString(capability);
    if (!cap || !g.config.roles)
        return false;
    for (const auto& [name, role] : *g.config.roles)
        if (role.capabilities && std::find(role.capabilities->begin(), role.capabilities->end(),
                                           *cap) != role.capabilities->end())
            return true;
    return false;
}

HttpResponse distribute(ApiContext& ctx, const ApiRequest& r) {
    QueryReader q(r.http);
    const auto subGroups = q.list({"subgroup", "subGroup"});
    const bool strict = q.flag("strict", false);
    const auto endpoints = q.integer("endpoints", 1, -1'000'000, 1'000'000);
    const bool transcode = q.flag("transcode", false);
    q.flag("restream", false);
    q.flag("blocking", true);
    if (auto bad = q.error())
        return *bad;
    const auto snap = ctx.core.snapshot();
    const auto* g = findGroup(*snap, r.param("ng"));
    if (!g)
        return noGroup(r.param("ng"));
    auto p = findProvision(ctx, groupName(*g), r.param("guid"));
    if (!p)
        return p.error();
    const std::string capability = targetCapability(q, p->doc);
    if (ctx.media)
        for (const auto& s : p->doc.value("streams", Json::array()))
            if (s.is_object())
                ctx.media->activate(groupName(*g), s.value("streamGuid", ""));
    if (!groupHasCapability(*g, capability))
        return HttpResponse::error(422, "no role of " + sy::quoted(groupName(*g)) +
                                            " has the capability " + capability);
    const auto streams = p->doc.value("streams", Json::array());
    const std::string guid = streams.empty() || !streams[0].is_object()
                                 ? std::string()
                                 : streams[0].value("streamGuid", "");
    if (capability == "SUBSCRIBE") {
        routing::SubscribeRequest req{guid, subGroups, strict, endpoints};
        auto s = ctx.core.selectSubscribe(groupName(*g), req);
        if (!s)
            return HttpResponse::error(s.error().status, s.error().message);
        return HttpResponse::json(200,
                                  provisionStatus(ctx, groupName(*g), r.param("guid"), p->doc));
    }
    if (capability != "PUBLISH" && capability != "TRANSCODE")
        return HttpResponse::error(422,
                                   "distributing to " + capability + " nodes is not supported yet");
    routing::PublishRequest req;
    req.streamGuid = guid;
    req.subGroups = subGroups;
    req.strict = strict;
    req.endpoints = endpoints;
    req.transcode = transcode || capability == "TRANSCODE";
    req.transcodeProvisioned = req.transcode;
    auto s = ctx.core.selectPublish(groupName(*g), req);
    if (!s)
        return HttpResponse::error(s.error().status, s.error().message);
    auto out = Json::array();
    for (const auto& l : *s)
        out.push_back(model::encodeStreamLocation(l));
    return HttpResponse::json(200, out);
}

} // namespace

void addProvisionRoutes(ApiContext& ctx, const RouteSink& add) {
    using auth::Role;
    const std::string base = "/as/v1/streams/provision";
    add({"POST",
         base + "/{ng}",
         Role::Operator,
         "provision",
         "Create provisions (an array; all or none are stored)",
         {},
         "ProvisionList",
         "Created",
         201,
         [&ctx](const ApiRequest& r) {
             return createProvisions(ctx, r);
         }});
    add({"GET",
         base + "/{ng}",
         Role::Viewer,
         "provision",
         "Provisions of a node group",
         {},
         "",
         "ProvisionList",
         200,
         [&ctx](const ApiRequest& r) {
             return listProvisions(ctx, r);
         }});
    add({"PUT",
         base + "/{ng}",
         Role::Operator,
         "provision",
         "Replace existing provisions (an array; all or none)",
         {},
         "ProvisionList",
         "",
         200,
         [&ctx](const ApiRequest& r) {
             return updateProvisions(ctx, r);
         }});
    add({"POST",
         base + "/{ng}/distribute/{guid...}",
         Role::Operator,
         "provision",
         "Where a provision is placed",
         {{"capabilities", "string", "target capability (CSV; the first is used)"},
          {"subgroup", "string", "preferred sub-groups (CSV)"},
          {"strict", "boolean", "no fallback to other sub-groups"},
          {"endpoints", "integer", "how many nodes (1)"},
          {"transcode", "boolean", "[transcoder, origin]"}},
         "",
         "StreamLocationList",
         200,
         [&ctx](const ApiRequest& r) {
             return distribute(ctx, r);
         }});
    add({"GET",
         base + "/{ng}/{guid...}",
         Role::Viewer,
         "provision",
         "One provision, or with status=true where its streams are",
         {{"status", "boolean", "StreamLocation[] with WAIT/LIVE"}},
         "",
         "Provision",
         200,
         [&ctx](const ApiRequest& r) {
             return getProvision(ctx, r);
         }});
    add({"DELETE",
         base + "/{ng}/{guid...}",
         Role::Operator,
         "provision",
         "Delete a provision",
         {},
         "",
         "",
         200,
         [&ctx](const ApiRequest& r) {
             return deleteProvision(ctx, r);
         }});
}

} // namespace sy::api
