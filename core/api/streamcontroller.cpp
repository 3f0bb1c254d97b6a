// /as/v1/streams/stream (reference §2.2, §6): live streams and publish / subscribe selection.
// Public routes (no token), answered from the current snapshot on the calling thread.

#include "core/api/apierrors.h"
#include "core/api/apiservice.h"
#include "core/api/controllerutil.h"
#include "core/media/mediamanager.h"
#include "core/model/provision.h"
#include "core/store/statestore.h"

namespace sy::api {

namespace {

using Json = nlohmann::json;

Json locationsJson(const std::vector<model::StreamLocation>& locations) {
    auto out = Json::array();
    for (const auto& l : locations)
        out.push_back(model::encodeStreamLocation(l));
    return out;
}

// The stream-list 404 of SM 2.0 says {"error"}; ours says both, so every client finds its key.
HttpResponse streamNotFound(std::string message) {
    return HttpResponse::error(404, std::move(message));
}

HttpResponse listStreams(ApiContext& ctx, const ApiRequest& r) {
    QueryReader q(r.http);
    const bool stats = q.flag("stats", false);
    const bool aggregate = q.flag("aggregate", true);
    if (auto bad = q.error())
        return *bad;
    const auto snap = ctx.core.snapshot();
    if (!findGroup(*snap, r.param("ng")))
        return streamNotFound("no node group " + sy::quoted(r.param("ng")));
    auto streams = ctx.core.listStreams(r.param("ng"), aggregate);
    if (!stats)
        for (auto& s : streams)
            s.durationMs.reset();
    return HttpResponse::json(200, locationsJson(streams));
}

HttpResponse oneStream(ApiContext& ctx, const ApiRequest& r) {
    QueryReader q(r.http);
    const bool aggregate = q.flag("aggregate", true);
    if (auto bad = q.error())
        return *bad;
    const auto snap = ctx.core.snapshot();
    if (!findGroup(*snap, r.param("ng")))
        return streamNotFound("no node group " + sy::quoted(r.param("ng")));
    const std::string& guid = r.param("guid");
    std::vector<model::StreamLocation> found;
    for (auto& s : ctx.core.listStreams(r.param("ng"), aggregate))
        if (s.streamGuid == guid)
            found.push_back(std::move(s));
    if (found.empty())
        return streamNotFound("stream " + sy::quoted(guid) + " is not live in " +
                              sy::quoted(r.param("ng")));
    return HttpResponse::json(200, locationsJson(found));
}

// A provision in the group lists `guid` with renditions (videoParams): transcode routing may
// place it (§6 step 6).
bool hasTranscodeProvision(ApiContext& ctx, const std::string& group, const std::string& guid) {
    auto provisions = ctx.core.store().listProvisions(group);
    if (!provisions)
        return false;
    for (const auto& p : *provisions)
        for (const auto& s : p.doc.value("streams", Json::array()))
            if (s.is_object() && s.value("streamGuid", "") == guid && s.contains("videoParams"))
                return true;
    return false;
}

HttpResponse selection(const engine::ControlCore::Selection& s) {
    if (!s)
        return HttpResponse::error(s.error().status, s.error().message);
    return HttpResponse::json(200, locationsJson(*s));
}

// Publish routing of a group that checks publishers hands out credentials: only an operator (or
// an admin) may ask. Subscribe routing needs a viewer when the group says so. nullopt: allowed.
std::optional<HttpResponse> refuseRouting(ApiContext& ctx, const ApiRequest& r, bool publish) {
    const auto snap = ctx.core.snapshot();
    const auto* g = findGroup(*snap, r.param("ng"));
    if (!g)
        return std::nullopt; // routing answers the 404
    const bool guarded = publish ? model::publishAccess(g->config) != model::AccessMode::Open
                                 : model::subscribeNeedsViewer(g->config);
    if (!guarded)
        return std::nullopt;
    const auth::Role needed = publish ? auth::Role::Operator : auth::Role::Viewer;
    const std::string what = std::string(publish ? "publish" : "subscribe") +
                             " routing of node group " + sy::quoted(groupName(*g));
    if (!r.caller) {
        auto res = HttpResponse::error(401, what + " needs a bearer token of a" +
                                                (publish ? "n operator" : " viewer") +
                                                " (PUT /as/v1/auth/login returns one)");
        res.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"switchyard\"");
        return res;
    }
    if (!auth::allows(r.caller->role, needed))
        return HttpResponse::error(403, "role " + std::string(auth::toString(r.caller->role)) +
                                            " may not use " + what + " (needs " +
                                            std::string(auth::toString(needed)) + ")");
    return std::nullopt;
}

// `region` wins over `subgroup`/`subGroup` (tolerance rule 3).
std::vector<std::string> preferredSubGroups(const QueryReader& q) {
    auto region = q.list({"region"});
    return region.empty() ? q.list({"subgroup", "subGroup"}) : region;
}

HttpResponse publish(ApiContext& ctx, const ApiRequest& r) {
    QueryReader q(r.http);
    routing::PublishRequest req;
    req.streamGuid = r.param("guid");
    req.subGroups = preferredSubGroups(q);
    req.strict = q.flag("strict", false);
    req.endpoints = q.integer("endpoints", 1, -1'000'000, 1'000'000);
    req.transcode = q.flag("transcode", false);
    const bool restream = q.flag("restream", false);
    q.flag("distribute", true); // provisions are distributed by issue 6's media manager
    if (auto bad = q.error())
        return *bad;
    if (auto bad = model::checkStreamGuid(req.streamGuid))
        return HttpResponse::error(400, *bad);
    if (auto refused = refuseRouting(ctx, r, true))
        return *refused;
    if (req.transcode) {
        const auto snap = ctx.core.snapshot();
        if (const auto* g = findGroup(*snap, r.param("ng")))
            req.transcodeProvisioned = hasTranscodeProvision(ctx, groupName(*g), req.streamGuid);
    }
    if (restream && ctx.media) { // a restreamer provisioned with immediate=false starts now
        const auto snap = ctx.core.snapshot();
        if (const auto* g = findGroup(*snap, r.param("ng")))
            ctx.media->activate(groupName(*g), req.streamGuid);
    }
    auto chosen = ctx.core.selectPublish(r.param("ng"), req, r.callerName());
    // [transcoder, origin]: the ladder publishes into the origin this answer names.
    if (chosen && req.transcode && chosen->size() == 2 && ctx.media) {
        const auto snap = ctx.core.snapshot();
        if (const auto* g = findGroup(*snap, r.param("ng")))
            if (const auto url = (*chosen)[1].urls.find("rtmp"); url != (*chosen)[1].urls.end())
                ctx.media->placeTranscode(groupName(*g), req.streamGuid, url->second);
    }
    return selection(chosen);
}

HttpResponse subscribe(ApiContext& ctx, const ApiRequest& r) {
    QueryReader q(r.http);
    routing::SubscribeRequest req;
    req.streamGuid = r.param("guid");
    req.subGroups = preferredSubGroups(q);
    req.strict = q.flag("strict", false);
    req.endpoints = q.integer("endpoints", 1, -1'000'000, 1'000'000);
    if (auto bad = q.error())
        return *bad;
    if (auto bad = model::checkStreamGuid(req.streamGuid))
        return HttpResponse::error(400, *bad);
    if (auto refused = refuseRouting(ctx, r, false))
        return *refused;
    return selection(ctx.core.selectSubscribe(r.param("ng"), req, r.callerName()));
}

const std::vector<QueryDoc> kRoutingQuery = {
    {"subgroup", "string", "preferred sub-groups, CSV in order (also subGroup; region wins)"},
    {"strict", "boolean", "404 instead of falling back to other sub-groups (false)"},
    {"endpoints", "integer", "how many nodes to return (1)"}};

} // namespace

void addStreamRoutes(ApiContext& ctx, const RouteSink& add) {
    const std::string base = "/as/v1/streams/stream";
    auto publishQuery = kRoutingQuery;
    publishQuery.push_back({"transcode", "boolean", "[transcoder, origin] (false)"});
    publishQuery.push_back({"restream", "boolean", "a restreamer publishes (false)"});
    publishQuery.push_back({"distribute", "boolean", "distribute a matching provision (true)"});
    // Red5's HTML testbed lists the node groups here, without a token (reference §9.2).
    add({"GET",
         base + "/node-groups",
         std::nullopt,
         "streams",
         "Names of the node groups",
         {},
         "",
         "NameList",
         200,
         [&ctx](const ApiRequest&) {
             auto names = Json::array();
             for (const auto& [name, g] : ctx.core.snapshot()->groups)
                 names.push_back(name);
             return HttpResponse::json(200, names);
         }});
    add({"GET",
         base + "/{ng}",
         std::nullopt,
         "streams",
         "Live streams of a node group",
         {{"stats", "boolean", "include durations (false)"},
          {"aggregate", "boolean", "one entry per stream, viewers summed (true)"}},
         "",
         "StreamLocationList",
         200,
         [&ctx](const ApiRequest& r) {
             return listStreams(ctx, r);
         }});
    add({"GET",
         base + "/{ng}/stream/{guid...}",
         std::nullopt,
         "streams",
         "Where a stream is live",
         {{"aggregate", "boolean", "the publishing node with the total (true)"}},
         "",
         "StreamLocationList",
         200,
         [&ctx](const ApiRequest& r) {
             return oneStream(ctx, r);
         }});
    add({"GET", base + "/{ng}/publish/{guid...}", std::nullopt, "streams",
         "Where to publish a stream: publish to [0]; with stream tokens, urls carry one (needs "
         "an operator then)",
         publishQuery, "", "StreamLocationList", 200,
         [&ctx](const ApiRequest& r) { return publish(ctx, r); }, true});
    add({"GET", base + "/{ng}/subscribe/{guid...}", std::nullopt, "streams",
         "Where to play a live stream; with stream tokens, urls carry one", kRoutingQuery, "",
         "StreamLocationList", 200, [&ctx](const ApiRequest& r) { return subscribe(ctx, r); },
         true});
}

} // namespace sy::api
