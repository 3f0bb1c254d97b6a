// switchyard-server: the control core, headless, behind the Stream Manager 2.0 compatible API.

#include "app/server/serveroptions.h"
#include "core/api/httpserver.h"
#include "core/api/router.h"
#include "core/store/sqlitestore.h"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <pthread.h>

namespace {

sy::api::Router makeRouter() {
    sy::api::Router router;
    auto healthy = [](const sy::api::HttpRequest&, const sy::api::PathParams&) {
        return sy::api::HttpResponse::json(200, {{"status", "UP"}});
    };
    router.add("GET", "/as/v1/admin/healthz", healthy);
    router.add("GET", "/as/v1/streams/stream/healthz", healthy);
    return router;
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
    // here, before anything listens.
    auto store = sy::store::SqliteStore::open(options->dataDir + "/switchyard.db");
    if (!store) {
        std::cerr << "switchyard-server: " << store.error().message << "\n";
        return 1;
    }

    const sigset_t stopSignals = blockStopSignals();
    const sy::api::Router router = makeRouter();
    sy::api::ServerOptions http;
    http.address = options->listenAddress;
    http.port = options->listenPort;
    sy::api::HttpServer server(
        http, [&router](const sy::api::HttpRequest& req) { return router.dispatch(req); });
    if (auto started = server.start(); !started) {
        std::cerr << "switchyard-server: " << started.error().message << "\n";
        return 1;
    }
    const std::string host =
        http.address.find(':') != std::string::npos ? "[" + http.address + "]" : http.address;
    std::cout << "switchyard-server " SWITCHYARD_VERSION " listening on http://" << host << ":"
              << server.port() << "/as/v1 (data in " << options->dataDir << ")"
              << (options->demo ? " [demo]" : "") << std::endl;

    int sig = 0;
    sigwait(&stopSignals, &sig);
    std::cout << "switchyard-server: " << (sig == SIGINT ? "SIGINT" : "SIGTERM")
              << " received, stopping" << std::endl;
    server.stop();
    return 0;
}
