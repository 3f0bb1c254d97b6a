// Routes of ours for the media layer (Stream Manager 2.0 has none of them):
// - /as/v1/media/{ng}/jobs: restreamers, social destinations and recordings running for the
//   group's provisions, with state, last error, node, bitrate, uptime and reconnects;
// - /as/v1/storage: storage targets (secrets write-only: answers mask them) and their "Test";
// - /as/v1/recordings/{ng}: recordings with size, duration, state, and a playback URL.
// Every failure is JSON with a message that names the cause; a test that fails is a 422.

#include "core/api/apierrors.h"
#include "core/api/apiservice.h"
#include "core/api/controllerutil.h"
#include "core/media/mediamanager.h"
#include "core/util/strings.h"

namespace sy::api {

namespace {

using Json = nlohmann::json;

HttpResponse noMedia() {
    return HttpResponse::error(503, "the media layer is not running in this server");
}

// The media layer's errors: "invalid" 400, "not_found" 404, "conflict" 409; a failed test or a
// finalisation that is not ready, 422; anything else 500 with the message (it names the cause
// and carries no secret: the storage engines scrub them).
HttpResponse mediaError(const Error& e) {
    if (e.code == "invalid" || e.code == "invalid_argument" || e.code == "not_found" ||
        e.code == "exists" || e.code == "conflict" || e.code == "storage" || e.code == "busy")
        return errorResponse(e);
    if (e.code == "corrupt")
        return HttpResponse::error(500, e.message);
    return HttpResponse::error(422, e.message);
}

std::optional<std::int64_t> recordingId(const std::string& text) {
    const auto id = sy::parseInt(text);
    if (!id || *id <= 0)
        return std::nullopt;
    return *id;
}

HttpResponse listJobs(ApiContext& ctx, const ApiRequest& r) {
    const auto snap = ctx.core.snapshot();
    const auto* g = findGroup(*snap, r.param("ng"));
    if (!g)
        return noGroup(r.param("ng"));
    auto out = Json::array();
    for (const auto& j : ctx.media->jobs(groupName(*g)))
        out.push_back(media::toJson(j));
    return HttpResponse::json(200, out);
}

HttpResponse listTargets(ApiContext& ctx) {
    auto list = ctx.media->targets();
    if (!list)
        return mediaError(list.error());
    return HttpResponse::json(200, Json(*list));
}

HttpResponse getTarget(ApiContext& ctx, const ApiRequest& r) {
    auto t = ctx.media->target(r.param("name"));
    if (!t)
        return t.error().code == "not_found"
                   ? HttpResponse::error(404, "no storage target " + sy::quoted(r.param("name")))
                   : mediaError(t.error());
    return HttpResponse::json(200, *t);
}

HttpResponse putTarget(ApiContext& ctx, const ApiRequest& r) {
    auto body = jsonBody(r.http);
    if (!body)
        return body.error();
    if (!body->is_object())
        return HttpResponse::error(400, "a storage target must be a JSON object");
    auto doc = *body;
    if (doc.contains("name") && doc["name"] != r.param("name"))
        return HttpResponse::error(400, "the body names " + doc["name"].dump() +
                                            " but the path names " + sy::quoted(r.param("name")));
    doc["name"] = r.param("name");
    if (auto done = ctx.media->putTarget(doc); !done)
        return mediaError(done.error());
    auto t = ctx.media->target(r.param("name"));
    return t ? HttpResponse::json(200, *t) : mediaError(t.error());
}

HttpResponse deleteTarget(ApiContext& ctx, const ApiRequest& r) {
    if (auto done = ctx.media->removeTarget(r.param("name")); !done)
        return done.error().code == "not_found"
                   ? HttpResponse::error(404, "no storage target " + sy::quoted(r.param("name")))
                   : mediaError(done.error());
    return HttpResponse::json(200, Json::object());
}

HttpResponse testTarget(ApiContext& ctx, const ApiRequest& r) {
    auto done = ctx.media->testTarget(r.param("name"));
    if (!done)
        return done.error().code == "not_found"
                   ? HttpResponse::error(404, "no storage target " + sy::quoted(r.param("name")))
                   : mediaError(done.error());
    return HttpResponse::json(200, {{"result", "OK"}, {"name", r.param("name")}});
}

HttpResponse testUnsavedTarget(ApiContext& ctx, const ApiRequest& r) {
    auto body = jsonBody(r.http);
    if (!body)
        return body.error();
    if (!body->is_object())
        return HttpResponse::error(400, "a storage target must be a JSON object");
    auto done = ctx.media->testTarget(*body);
    if (!done)
        return mediaError(done.error());
    return HttpResponse::json(200, {{"result", "OK"}});
}

HttpResponse listRecordings(ApiContext& ctx, const ApiRequest& r) {
    QueryReader q(r.http);
    const auto stream = q.text("stream").value_or("");
    if (auto bad = q.error())
        return *bad;
    const auto snap = ctx.core.snapshot();
    const auto* g = findGroup(*snap, r.param("ng"));
    if (!g)
        return noGroup(r.param("ng"));
    auto list = ctx.media->recordings(groupName(*g), stream);
    if (!list)
        return mediaError(list.error());
    auto out = Json::array();
    for (const auto& rec : *list)
        out.push_back(media::toJson(rec));
    return HttpResponse::json(200, out);
}

Result<store::RecordingRecord, HttpResponse> findRecording(ApiContext& ctx, const ApiRequest& r) {
    const auto id = recordingId(r.param("id"));
    if (!id)
        return unexpected(HttpResponse::error(400, "a recording id is a positive integer, got " +
                                                       sy::quoted(r.param("id"))));
    auto rec = ctx.media->recording(*id);
    if (!rec || rec->nodeGroup != r.param("ng"))
        return unexpected(HttpResponse::error(404, "no recording " + r.param("id") + " in " +
                                                       sy::quoted(r.param("ng"))));
    return std::move(rec).value();
}

HttpResponse getRecording(ApiContext& ctx, const ApiRequest& r) {
    auto rec = findRecording(ctx, r);
    if (!rec)
        return rec.error();
    auto url = ctx.media->playbackUrl(rec->id);
    return HttpResponse::json(200, media::toJson(*rec, url ? *url : std::string()));
}

HttpResponse deleteRecording(ApiContext& ctx, const ApiRequest& r) {
    auto rec = findRecording(ctx, r);
    if (!rec)
        return rec.error();
    if (auto done = ctx.media->deleteRecording(rec->id); !done)
        return mediaError(done.error());
    return HttpResponse::json(200, Json::object());
}

HttpResponse retention(ApiContext& ctx) {
    auto n = ctx.media->applyRetention();
    if (!n)
        return mediaError(n.error());
    return HttpResponse::json(200, {{"removed", *n}});
}

// Wraps a handler so that it answers 503 when no media manager runs.
template <class F>
ApiHandler withMedia(ApiContext& ctx, F f) {
    return [&ctx, f](const ApiRequest& r) {
        if (!ctx.media)
            return noMedia();
        return f(r);
    };
}

} // namespace

void addMediaRoutes(ApiContext& ctx, const RouteSink& add) {
    using auth::Role;
    add({"GET",
         "/as/v1/media/{ng}/jobs",
         Role::Viewer,
         "media",
         "Restreamers, social destinations and recordings of a node group's provisions",
         {},
         "",
         "MediaJobList",
         200,
         withMedia(ctx, [&ctx](const ApiRequest& r) { return listJobs(ctx, r); })});
    add({"GET",
         "/as/v1/storage",
         Role::Viewer,
         "media",
         "Storage targets (secrets masked)",
         {},
         "",
         "StorageTargetList",
         200,
         withMedia(ctx, [&ctx](const ApiRequest&) { return listTargets(ctx); })});
    add({"POST",
         "/as/v1/storage/test",
         Role::Operator,
         "media",
         "Test an unsaved storage target: write, read back and delete a probe object",
         {},
         "StorageTarget",
         "",
         200,
         withMedia(ctx, [&ctx](const ApiRequest& r) { return testUnsavedTarget(ctx, r); })});
    add({"GET",
         "/as/v1/storage/{name}",
         Role::Viewer,
         "media",
         "One storage target",
         {},
         "",
         "StorageTarget",
         200,
         withMedia(ctx, [&ctx](const ApiRequest& r) { return getTarget(ctx, r); })});
    add({"PUT",
         "/as/v1/storage/{name}",
         Role::Admin,
         "media",
         "Create or replace a storage target (a secret left out keeps its stored value)",
         {},
         "StorageTarget",
         "StorageTarget",
         200,
         withMedia(ctx, [&ctx](const ApiRequest& r) { return putTarget(ctx, r); })});
    add({"DELETE",
         "/as/v1/storage/{name}",
         Role::Admin,
         "media",
         "Delete a storage target",
         {},
         "",
         "",
         200,
         withMedia(ctx, [&ctx](const ApiRequest& r) { return deleteTarget(ctx, r); })});
    add({"POST",
         "/as/v1/storage/{name}/test",
         Role::Operator,
         "media",
         "Test a storage target: write, read back and delete a probe object",
         {},
         "",
         "",
         200,
         withMedia(ctx, [&ctx](const ApiRequest& r) { return testTarget(ctx, r); })});
    add({"POST",
         "/as/v1/recordings/retention",
         Role::Admin,
         "media",
         "Apply every storage target's retention policy now",
         {},
         "",
         "",
         200,
         withMedia(ctx, [&ctx](const ApiRequest&) { return retention(ctx); })});
    add({"GET",
         "/as/v1/recordings/{ng}",
         Role::Viewer,
         "media",
         "Recordings of a node group, newest first",
         {{"stream", "string", "only this stream guid"}},
         "",
         "RecordingList",
         200,
         withMedia(ctx, [&ctx](const ApiRequest& r) { return listRecordings(ctx, r); })});
    add({"GET",
         "/as/v1/recordings/{ng}/{id}",
         Role::Viewer,
         "media",
         "One recording with a playback URL",
         {},
         "",
         "Recording",
         200,
         withMedia(ctx, [&ctx](const ApiRequest& r) { return getRecording(ctx, r); })});
    add({"DELETE",
         "/as/v1/recordings/{ng}/{id}",
         Role::Operator,
         "media",
         "Delete a recording: the stored object and the local file",
         {},
         "",
         "",
         200,
         withMedia(ctx, [&ctx](const ApiRequest& r) { return deleteRecording(ctx, r); })});
}

} // namespace sy::api
