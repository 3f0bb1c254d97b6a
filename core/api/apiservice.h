#pragma once
// The Stream Manager 2.0 compatible REST API of switchyard-server (reference
// ../shared/reference/stream-manager-2-api.md), as a pure function from HttpRequest to
// HttpResponse: tests call handle() without a socket, the Beast server calls it per request.
//
// One route table carries, for every route, the least role it needs (or none: public); the
// service authenticates the bearer token, checks the role and maps errors to statuses in one place
// (apierrors.h) before any controller runs. Controllers (one file per resource) add their routes
// to the table and read the cluster from ControlCore snapshots.

#include "core/api/callerstreams.h"
#include "core/api/clientaddress.h"
#include "core/api/http.h"
#include "core/api/router.h"
#include "core/auth/jwt.h"
#include "core/auth/loginratelimiter.h"
#include "core/auth/roles.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sy::engine {
class ControlCore;
}
namespace sy::providers {
class Provider;
}
namespace sy::media {
class MediaManager;
}

namespace sy::api {

class RequestMetrics;
class WorkPool;

struct ApiOptions {
    std::string version;          // reported by /metrics and the OpenAPI document
    std::int64_t startTimeMs = 0; // process start, for /metrics
    std::string eventRunId;       // distinguishes event sequence numbers of different runs
    // Reverse proxies whose X-Forwarded-For names the client (--trusted-proxy); none by default.
    TrustedProxies trustedProxies;
    std::size_t maxEventStreamsPerUser = 8; // open SSE streams of one user; more get 429
    // Blocking routes (RouteSpec::blocking) run on two pools, so that slow storage calls never
    // hold up logins: password hashing (CPU bound: about one thread per core) and calls that
    // wait on something else (rclone). At most blockingQueue requests run or wait in each; past
    // that they are answered 503 at once.
    int hashingThreads = 2;
    int waitingThreads = 8;
    std::size_t blockingQueue = 64;
};

// Everything the controllers need, passed in (no globals).
struct ApiContext {
    engine::ControlCore& core;
    const auth::JwtCodec& tokens;
    auth::LoginRateLimiter& loginLimiter;
    std::map<std::string, std::shared_ptr<providers::Provider>> providers; // by cloudPlatform
    RequestMetrics* metrics = nullptr;
    ApiOptions options;
    // Restreamers, social pushers, recordings and storage targets; null: provisions are only
    // stored, and the media routes answer 503.
    media::MediaManager* media = nullptr;
    // Open event streams by caller: capped per user, closed when their credentials are revoked.
    std::shared_ptr<CallerStreams> streams = std::make_shared<CallerStreams>();
};

// A request as a controller sees it: the HTTP request, path parameters, and who is calling
// (absent on public routes).
struct ApiRequest {
    const HttpRequest& http;
    const PathParams& params;
    const auth::Claims* caller = nullptr;

    const std::string& param(const std::string& name) const { return params.at(name); }
    std::string callerName() const { return caller ? caller->subject : "anonymous"; }
};

using ApiHandler = std::function<HttpResponse(const ApiRequest&)>;

// A query parameter as the OpenAPI document shows it.
struct QueryDoc {
    std::string name;
    std::string type; // "boolean", "integer", "string"
    std::string description;
};

// Where handleAsync runs a route's handler.
enum class RouteWork {
    Inline,  // on the HTTP I/O thread: quick
    Hashing, // PBKDF2: seconds of CPU
    Waiting, // waits on another process or host (rclone): up to minutes
};

struct RouteSpec {
    std::string method;
    std::string pattern;            // /as/v1/...; {name} one segment, {name...} the rest
    std::optional<auth::Role> role; // nullopt: public
    std::string tag;                // OpenAPI grouping: "auth", "admin", "streams", "provision"
    std::string summary;
    std::vector<QueryDoc> query = {};
    std::string requestBody = {}; // schema name in the OpenAPI document, or empty
    std::string response = {};    // schema name of a 200/201 body, or empty
    int successStatus = 200;
    ApiHandler handler = {};
    // Public routes only: a bearer token, when sent, is checked and names the caller (the handler
    // decides, e.g. by a node group's stream access settings, whether it needs one).
    bool identifiesCaller = false;
    // The handler may take long (a password hash, an rclone call, a child process): handleAsync
    // runs it on a pool instead of the HTTP I/O thread. ApiService::add sets it for the routes
    // it lists.
    RouteWork blocking = RouteWork::Inline;
};

class ApiService {
public:
    explicit ApiService(ApiContext context);
    ~ApiService();
    ApiService(const ApiService&) = delete;
    ApiService& operator=(const ApiService&) = delete;

    // Runs every route inline (tests call it directly).
    HttpResponse handle(const HttpRequest& request) const;
    // The server's entry: a blocking route runs on its pool and `done` is called from a pool
    // thread (or at once with 503 when that pool is full); every other route is answered inline.
    void handleAsync(HttpRequest request, std::function<void(HttpResponse)> done) const;
    // Blocking requests running or waiting on the pools.
    std::size_t blockingInFlight() const;

    const std::vector<RouteSpec>& routes() const { return routes_; }
    ApiContext& context() { return context_; }

private:
    void add(RouteSpec spec);
    // nullopt when the caller may use the route (and `caller` is set), else the 401/403.
    std::optional<HttpResponse> authorize(const RouteSpec& spec, const HttpRequest& request,
                                          std::optional<auth::Claims>& caller) const;

    ApiContext context_;
    std::vector<RouteSpec> routes_;
    std::unordered_map<std::string, std::size_t> byRoute_; // "GET /as/v1/..." → routes_ index
    Router router_;
    // Last: destroyed first, so no pool job outlives what it uses.
    std::unique_ptr<WorkPool> hashing_;
    std::unique_ptr<WorkPool> waiting_;
};

// Controllers: each adds the routes of one resource.
using RouteSink = std::function<void(RouteSpec)>;
void addAuthRoutes(ApiContext& ctx, const RouteSink& add);
void addNodeGroupRoutes(ApiContext& ctx, const RouteSink& add);
void addEvaluateRoutes(ApiContext& ctx, const RouteSink& add);
void addInventoryRoutes(ApiContext& ctx, const RouteSink& add);
void addStreamRoutes(ApiContext& ctx, const RouteSink& add);
void addProvisionRoutes(ApiContext& ctx, const RouteSink& add);
void addEventRoutes(ApiContext& ctx, const RouteSink& add);
void addMediaRoutes(ApiContext& ctx, const RouteSink& add);
void addSystemRoutes(ApiContext& ctx, const RouteSink& add,
                     const std::vector<RouteSpec>& allRoutes);

} // namespace sy::api
