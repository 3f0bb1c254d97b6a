// switchyard-server: the control core, headless, behind the Stream Manager 2.0 compatible API.

#include "app/server/adminbootstrap.h"
#include "app/server/serveroptions.h"
#include "core/api/apiservice.h"
#include "core/api/httpserver.h"
#include "core/api/nodecallbackserver.h"
#include "core/api/requestmetrics.h"
#include "core/auth/secret.h"
#include "core/engine/controlcore.h"
#include "core/model/nodegroupcodec.h"
#include "core/providers/localprovider.h"
#include "core/providers/simulatedprovider.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <pthread.h>

namespace {

// The demo node group of `--demo`: simulated origins and edges under a steady synthetic load,
// so a fresh install shows a cluster that scales without any media server installed.
constexpr const char* kDemoGroup = R"json({
  "name": "demo", "description": "Simulated demo cluster (switchyard-server --demo)",
  "cloudPlatform": "SIMULATED", "shuffleSizeExpression": "1",
  "roles": {
    "origin": {"name": "origin", "capabilities": ["PUBLISH"]},
    "edge": {"name": "edge", "capabilities": ["SUBSCRIBE"], "parentRoleName": "origin",
             "parentCardinality": "GLOBAL"}},
  "groups": {"local": {"subGroupName": "local", "rulesByRole": {
    "origin": {"min": 1, "max": 3, "increment": 1,
               "outExpression": "avg(connections.publisher) > 12",
               "inExpression": "avg(connections.publisher) < 2",
               "capacityRankingExpression": "connections.publisher",
               "capacityLimitExpression": "20"},
    "edge": {"min": 2, "max": 8, "increment": 1,
             "outExpression": "avg(connections.subscriber) > 120",
             "inExpression": "avg(connections.subscriber) < 20",
             "capacityRankingExpression": "connections.subscriber",
             "capacityLimitExpression": "200"}}}}})json";

sy::Result<void> startDemo(sy::engine::ControlCore& core, sy::providers::SimulatedProvider& sim) {
    // A 10-minute swing between about 100 and 740 viewers: the edges scale out and back in
    // while you watch.
    sy::providers::SimulatedTraffic traffic;
    traffic.baseline = {6, 420};
    traffic.swingAmplitude = 0.75;
    traffic.swingPeriodMs = 10 * 60'000;
    traffic.noise = 0.05;
    sim.setTraffic("demo", traffic);
    if (core.snapshot()->group("demo"))
        return {};
    auto config = sy::model::parseNodeGroup(std::string_view(kDemoGroup));
    if (!config)
        return sy::fail("invalid", sy::model::describe(config.error()));
    return core.createNodeGroup(std::move(config).value()).get();
}

std::optional<std::string> environment(const char* name) {
    if (const char* v = std::getenv(name); v && *v)
        return std::string(v);
    return std::nullopt;
}

// A random id for this run: event ids carry it so that clients notice a restart.
std::string runId() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

// The node-callback port of the last run: running nodes' configs carry its URL, and keeping it
// spares them a reload when a restarted server re-adopts them.
constexpr const char* kCallbackPortFile = "node-callback-port";

std::uint16_t previousCallbackPort(const std::string& dataDir) {
    std::ifstream in(std::filesystem::path(dataDir) / kCallbackPortFile);
    int port = 0;
    if (in >> port && port > 1024 && port < 65536)
        return static_cast<std::uint16_t>(port);
    return 0;
}

void rememberCallbackPort(const std::string& dataDir, std::uint16_t port) {
    std::ofstream(std::filesystem::path(dataDir) / kCallbackPortFile) << port << "\n";
}

// Blocks SIGINT and SIGTERM in every thread (threads inherit the mask), so that the main thread
// alone takes them with sigwait and shuts down in order.
sigset_t blockStopSignals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    return set;
}

} // namespace

int main(int argc, char** argv) {
    const auto options = sy::server::parseServerOptions({argv + 1, argv + argc});
    if (!options) {
        std::cerr << "switchyard-server: " << options.error().message << "\n";
        return 2;
    }
    if (options->showHelp) {
        std::cout << sy::server::serverUsage();
        return 0;
    }
    if (options->showVersion) {
        std::cout << "switchyard-server " SWITCHYARD_VERSION "\n";
        return 0;
    }

    // Before any thread exists (the core's pool starts in open()), so that all inherit the mask.
    const sigset_t stopSignals = blockStopSignals();

    std::error_code ec;
    std::filesystem::create_directories(options->dataDir, ec);
    if (ec) {
        std::cerr << "switchyard-server: cannot create data directory " << options->dataDir << ": "
                  << ec.message() << "\n";
        return 1;
    }
    std::filesystem::permissions(options->dataDir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);

    // Desired state lives in the data directory; a store that cannot open stops the start-up
    // here, before anything listens. LOCAL needs nginx with the RTMP module; without it the
    // server still runs SIMULATED groups and says why LOCAL is missing.
    auto simulated = std::make_shared<sy::providers::SimulatedProvider>();
    sy::engine::CoreOptions coreOptions;
    coreOptions.dataDir = options->dataDir;
    coreOptions.providers["SIMULATED"] = simulated;
    // Nodes call the core back on loopback (on_play redirects an edge to the origin that carries
    // a stream); the endpoint starts first because node configs carry its URL.
    sy::api::NodeCallbackServer callbacks;
    if (auto started = callbacks.start(previousCallbackPort(options->dataDir)); !started) {
        std::cerr << "switchyard-server: node callbacks: " << started.error().message << "\n";
        return 1;
    }
    rememberCallbackPort(options->dataDir, callbacks.port());
    sy::providers::LocalProviderOptions localOptions;
    localOptions.nodesDir = std::filesystem::path(options->dataDir) / "nodes";
    localOptions.callbackBaseUrl = callbacks.baseUrl();
    localOptions.ports = {options->localPortFirst, options->localPortLast};
    if (auto local = sy::providers::LocalProvider::create(localOptions))
        coreOptions.providers["LOCAL"] = *local;
    else
        std::cerr << "switchyard-server: LOCAL node groups unavailable: " << local.error().message
                  << "\n";
    const auto coreProviders = coreOptions.providers;
    auto core = sy::engine::ControlCore::open(std::move(coreOptions));
    if (!core) {
        std::cerr << "switchyard-server: " << core.error().message << "\n";
        return 1;
    }

    callbacks.attach(core->get());

    // API tokens: the signing key comes from the environment, a file, or the data directory
    // (generated on first start, mode 0600).
    sy::auth::SecretSources secretSources;
    secretSources.fromEnvironment = environment("SWITCHYARD_JWT_SECRET");
    if (!options->jwtSecretFile.empty())
        secretSources.file = options->jwtSecretFile;
    auto secret = sy::auth::loadOrCreateSecret(options->dataDir, secretSources);
    if (!secret) {
        std::cerr << "switchyard-server: " << secret.error().message << "\n";
        return 1;
    }
    sy::auth::JwtConfig jwtConfig;
    jwtConfig.secret = *secret;
    jwtConfig.ttlSeconds = std::int64_t{options->tokenTtlMinutes} * 60;
    auto tokens = sy::auth::JwtCodec::create(std::move(jwtConfig));
    if (!tokens) {
        std::cerr << "switchyard-server: " << tokens.error().message << "\n";
        return 1;
    }
    sy::server::AdminSources admin;
    admin.user = environment("SWITCHYARD_ADMIN_USER").value_or("admin");
    admin.password = environment("SWITCHYARD_ADMIN_PASSWORD");
    admin.passwordFile = options->adminPasswordFile;
    auto adminLine = sy::server::bootstrapAdmin((*core)->store(), options->dataDir, admin);
    if (!adminLine) {
        std::cerr << "switchyard-server: " << adminLine.error().message << "\n";
        return 1;
    }
    std::cout << "switchyard-server: " << *adminLine << std::endl;

    sy::auth::LoginRateLimiter loginLimiter;
    sy::api::RequestMetrics requestMetrics;
    sy::api::ApiOptions apiOptions;
    apiOptions.version = SWITCHYARD_VERSION;
    apiOptions.startTimeMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    apiOptions.eventRunId = runId();
    const sy::api::ApiService api(sy::api::ApiContext{**core, *tokens, loginLimiter, coreProviders,
                                                      &requestMetrics, apiOptions});
    sy::api::ServerOptions http;
    http.address = options->listenAddress;
    http.port = options->listenPort;
    http.tlsCertFile = options->tlsCertFile;
    http.tlsKeyFile = options->tlsKeyFile;
    sy::api::HttpServer server(http,
                               [&api](const sy::api::HttpRequest& req) { return api.handle(req); });
    if (auto started = server.start(); !started) {
        std::cerr << "switchyard-server: " << started.error().message << "\n";
        return 1;
    }
    const std::string host =
        http.address.find(':') != std::string::npos ? "[" + http.address + "]" : http.address;
    const char* scheme = http.tlsCertFile.empty() ? "http" : "https";
    std::cout << "switchyard-server " SWITCHYARD_VERSION " listening on " << scheme << "://" << host
              << ":" << server.port() << "/as/v1 (data in " << options->dataDir << ")"
              << (options->demo ? " [demo]" : "") << std::endl;

    (*core)->start();
    if (options->demo) {
        if (auto demo = startDemo(**core, *simulated); !demo) {
            std::cerr << "switchyard-server: demo node group: " << demo.error().message << "\n";
            return 1;
        }
        std::cout << "demo node group 'demo' (SIMULATED): 1 origin and 2 to 8 edges under a "
                     "synthetic load"
                  << std::endl;
    }

    int sig = 0;
    sigwait(&stopSignals, &sig);
    std::cout << "switchyard-server: " << (sig == SIGINT ? "SIGINT" : "SIGTERM")
              << " received, stopping" << std::endl;
    server.stop();
    callbacks.attach(nullptr);
    (*core)->stop(); // nodes keep running; a restarted server re-adopts them
    return 0;
}
