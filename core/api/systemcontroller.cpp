// Health, metrics, the OpenAPI documents, and who-am-I.

#include "core/api/apiservice.h"
#include "core/api/openapi.h"
#include "core/api/prometheusexporter.h"
#include "core/engine/controlcore.h"

namespace sy::api {

void addSystemRoutes(ApiContext& ctx, const RouteSink& add,
                     const std::vector<RouteSpec>& allRoutes) {
    // Load balancers probe this (reference §6, SM high availability). `observed`: the core has
    // seen every node once since it started (before that, routing may miss nodes).
    auto health = [&ctx](const ApiRequest&) {
        const auto snap = ctx.core.snapshot();
        return HttpResponse::json(200, {{"status", "UP"}, {"observed", snap->observed}});
    };
    add({"GET",
         "/as/v1/admin/healthz",
         std::nullopt,
         "admin",
         "Health of the server",
         {},
         "",
         "Health",
         200,
         health});
    add({"GET",
         "/as/v1/streams/stream/healthz",
         std::nullopt,
         "streams",
         "Health of the routing service",
         {},
         "",
         "Health",
         200,
         health});
    add({"GET",
         "/metrics",
         std::nullopt,
         "system",
         "Prometheus metrics of the cluster and the API (text format 0.0.4)",
         {},
         "",
         "",
         200,
         [&ctx](const ApiRequest&) {
             HttpResponse res;
             res.contentType = "text/plain; version=0.0.4; charset=utf-8";
             res.body = renderPrometheus(*ctx.core.snapshot(), ctx.metrics,
                                         {ctx.options.version, ctx.options.startTimeMs});
             return res;
         }});
    add({"GET",
         "/as/v1/admin/whoami",
         auth::Role::Viewer,
         "admin",
         "The caller's user name and effective role",
         {},
         "",
         "Caller",
         200,
         [](const ApiRequest& r) {
             return HttpResponse::json(
                 200, {{"name", r.caller->subject}, {"role", auth::toString(r.caller->role)}});
         }});
    struct Doc {
        const char* path;
        const char* prefix;
    };
    for (const Doc d :
         {Doc{"/as/v1/admin/v3/api-docs", ""}, Doc{"/as/v1/streams/v3/api-docs", "/as/v1/streams"},
          Doc{"/as/v1/auth/v3/api-docs", "/as/v1/auth"}})
        add({"GET",
             d.path,
             std::nullopt,
             "system",
             std::string("OpenAPI document") + (*d.prefix ? " of " + std::string(d.prefix) : ""),
             {},
             "",
             "",
             200,
             [&ctx, &allRoutes, prefix = std::string(d.prefix)](const ApiRequest&) {
                 return HttpResponse::json(200,
                                           openApiDocument(allRoutes, ctx.options.version, prefix));
             }});
}

} // namespace sy::api
