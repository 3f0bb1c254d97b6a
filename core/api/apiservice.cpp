#include "core/api/apiservice.h"

#include "core/api/apierrors.h"
#include "core/api/credentials.h"
#include "core/api/requestmetrics.h"
#include "core/engine/controlcore.h"
#include "core/store/statestore.h"
#include "core/util/strings.h"

#include <chrono>

namespace sy::api {

ApiService::ApiService(ApiContext context)
    : context_(std::move(context)) {
    const RouteSink sink = [this](RouteSpec spec) {
        add(std::move(spec));
    };
    addAuthRoutes(context_, sink);
    addNodeGroupRoutes(context_, sink);
    addEvaluateRoutes(context_, sink);
    addInventoryRoutes(context_, sink);
    addEventRoutes(context_, sink);
    addMediaRoutes(context_, sink);
    addStreamRoutes(context_, sink);
    addProvisionRoutes(context_, sink);
    addSystemRoutes(context_, sink, routes_);
}

void ApiService::add(RouteSpec spec) {
    // The router only finds the route; the spec (role, handler) is looked up by pattern.
    router_.add(spec.method, spec.pattern, [](const HttpRequest&, const PathParams&) {
        return HttpResponse::error(500, "internal error while handling the request");
    });
    byRoute_.emplace(spec.method + " " + spec.pattern, routes_.size());
    routes_.push_back(std::move(spec));
}

std::optional<HttpResponse> ApiService::authorize(const RouteSpec& spec, const HttpRequest& request,
                                                  std::optional<auth::Claims>& caller) const {
    const std::string header = request.header("Authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (header.empty() || header.size() <= kBearer.size() ||
        toLower(header.substr(0, kBearer.size())) != "bearer ") {
        auto res = HttpResponse::error(
            401, "authentication required: send Authorization: Bearer <token> (PUT "
                 "/as/v1/auth/login returns one)");
        res.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"switchyard\"");
        return res;
    }
    auto claims = context_.tokens.verify(std::string_view(header).substr(kBearer.size()));
    if (!claims) {
        auto res = HttpResponse::error(401, "invalid token: " + claims.error().message);
        res.headers.emplace_back("WWW-Authenticate",
                                 "Bearer realm=\"switchyard\", error=\"invalid_token\"");
        return res;
    }
    // Tokens are stateless, but users are not: a deleted user's token, or one issued before the
    // user's password or role changed, stops working at once (credentials.h).
    if (auto refused = checkCredentials(context_.core.store(), *claims))
        return refused;
    if (spec.role && !auth::allows(claims->role, *spec.role))
        return HttpResponse::error(403, "role " + std::string(auth::toString(claims->role)) +
                                            " may not " + spec.method + " " + spec.pattern +
                                            " (needs " + std::string(auth::toString(*spec.role)) +
                                            ")");
    caller = std::move(claims).value();
    return std::nullopt;
}

HttpResponse ApiService::handle(const HttpRequest& request) const {
    const auto started = std::chrono::steady_clock::now();
    const auto m = router_.match(request.method, request.path());
    HttpResponse res;
    std::string route = "unmatched";
    if (!m.handler) {
        res = router_.dispatch(request); // 404 or 405 with Allow
    } else {
        route = *m.pattern;
        const RouteSpec& spec = routes_[byRoute_.at(request.method + " " + route)];
        std::optional<auth::Claims> caller;
        std::optional<HttpResponse> refused;
        if (spec.role || (spec.identifiesCaller && !request.header("Authorization").empty()))
            refused = authorize(spec, request, caller);
        if (refused) {
            res = std::move(*refused);
        } else {
            try {
                res = spec.handler(ApiRequest{request, m.params, caller ? &*caller : nullptr});
            } catch (const std::exception&) {
                res = HttpResponse::error(500, "internal error while handling the request");
            }
        }
    }
    if (context_.metrics)
        context_.metrics->record(request.method, route, res.status,
                                 std::chrono::steady_clock::now() - started);
    return res;
}

} // namespace sy::api
