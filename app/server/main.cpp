// switchyard-server: the control core, headless, behind the Stream Manager 2.0 compatible API.

#include "app/server/adminbootstrap.h"
#include "app/server/serveroptions.h"
#include "core/api/apiservice.h"
#include "core/api/clusterhost.h"
#include "core/api/httpserver.h"
#include "core/api/requestmetrics.h"
#include "core/auth/secret.h"
#include "core/engine/controlcore.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <pthread.h>

namespace {

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

    // Desired state lives in the data directory; a store that cannot open stops the start-up
    // here, before anything listens. LOCAL needs nginx with the RTMP module; without it the
    // server still runs SIMULATED groups and says why LOCAL is missing.
    sy::api::ClusterHostOptions hostOptions;
    hostOptions.dataDir = options->dataDir;
    hostOptions.localPorts = {options->localPortFirst, options->localPortLast};
    auto cluster = sy::api::ClusterHost::open(std::move(hostOptions));
    if (!cluster) {
        std::cerr << "switchyard-server: " << cluster.error().message << "\n";
        return 1;
    }
    if (!(*cluster)->localUnavailable().empty())
        std::cerr << "switchyard-server: LOCAL node groups unavailable: "
                  << (*cluster)->localUnavailable() << "\n";
    auto& core = (*cluster)->core();

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
    auto adminLine = sy::server::bootstrapAdmin(core.store(), options->dataDir, admin);
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
    apiOptions.trustedProxies = options->trustedProxies;
    // Optional only to be destroyed early: its pool of blocking requests must finish before the
    // core stops.
    std::optional<sy::api::ApiService> api;
    api.emplace(sy::api::ApiContext{core, *tokens, loginLimiter, (*cluster)->providers(),
                                    &requestMetrics, apiOptions, &(*cluster)->media()});
    sy::api::ServerOptions http;
    http.address = options->listenAddress;
    http.port = options->listenPort;
    http.tlsCertFile = options->tlsCertFile;
    http.tlsKeyFile = options->tlsKeyFile;
    http.maxConnectionsPerAddress = static_cast<std::size_t>(options->maxConnectionsPerAddress);
    // Slow routes (logins, storage tests) run on the API's pool, not on the I/O threads.
    sy::api::HttpServer server(
        http, sy::api::AsyncHandler([&api](sy::api::HttpRequest req, sy::api::Respond done) {
            api->handleAsync(std::move(req), std::move(done));
        }));
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

    (*cluster)->start(); // the core, then the media layer
    if (options->demo) {
        if (auto demo = (*cluster)->startDemo(); !demo) {
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
    api.reset();      // waits for the logins and storage tests still running
    cluster->reset(); // stops the core; nodes keep running and a restarted server re-adopts them
    return 0;
}
