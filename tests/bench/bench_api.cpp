// The REST API under load: wrk on loopback against the subscribe route of a 1,000-node SIMULATED
// node group, served by the same ApiService and HttpServer as switchyard-server; then the same
// wrk run against nginx serving a static JSON file of the same size, as the baseline measured in
// the same run. The figure is the ratio (aim: at least 0.5 of nginx's requests per second).
// Needs wrk and nginx (scripts/bootstrap bench installs them).

#include "core/api/apiservice.h"
#include "core/api/credentials.h"
#include "core/api/httpserver.h"
#include "core/api/requestmetrics.h"
#include "core/engine/controlcore.h"
#include "core/nodes/portallocator.h"
#include "core/providers/simulatedprovider.h"
#include "core/store/statestore.h"
#include "tests/bench/benchcore.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace sy;
namespace fs = std::filesystem;

namespace {

constexpr int kOrigins = 10;
constexpr int kEdges = 990;
constexpr const char* kWrkArgs = "-t2 -c32 -d10s --latency";

std::string groupJson() {
    auto rule = [](int n, const char* metric, int limit) {
        return nlohmann::json{{"min", n},
                              {"max", n},
                              {"increment", 1},
                              {"outExpression", std::string("avg(") + metric + ") > 100000"},
                              {"inExpression", std::string("avg(") + metric + ") < 0"},
                              {"capacityRankingExpression", metric},
                              {"capacityLimitExpression", std::to_string(limit)}};
    };
    nlohmann::json j = {{"name", "bench"},
                        {"cloudPlatform", "SIMULATED"},
                        {"shuffleSizeExpression", "max(nodeCount*0.1, 2)"},
                        {"roles",
                         {{"origin", {{"name", "origin"}, {"capabilities", {"PUBLISH"}}}},
                          {"edge",
                           {{"name", "edge"},
                            {"capabilities", {"SUBSCRIBE"}},
                            {"parentRoleName", "origin"},
                            {"parentCardinality", "GLOBAL"}}}}},
                        {"groups",
                         {{"sim",
                           {{"subGroupName", "sim"},
                            {"rulesByRole",
                             {{"origin", rule(kOrigins, "connections.publisher", 200)},
                              {"edge", rule(kEdges, "connections.subscriber", 2000)}}}}}}}};
    return j.dump();
}

struct WrkResult {
    double requestsPerSecond = 0;
    double p50Ms = 0;
    double p99Ms = 0;
    std::string raw;
};

double toMs(double value, const std::string& unit) {
    if (unit == "us")
        return value / 1000;
    if (unit == "s")
        return value * 1000;
    return value;
}

WrkResult runWrk(const std::string& url) {
    const std::string command = std::string("wrk ") + kWrkArgs + " " + url + " 2>&1";
    WrkResult r;
    if (FILE* p = popen(command.c_str(), "r")) {
        char buf[512];
        while (fgets(buf, sizeof buf, p))
            r.raw += buf;
        pclose(p);
    }
    std::smatch m;
    if (std::regex_search(r.raw, m, std::regex(R"(Requests/sec:\s+([0-9.]+))")))
        r.requestsPerSecond = std::stod(m[1]);
    if (std::regex_search(r.raw, m, std::regex(R"(\n\s+50%\s+([0-9.]+)(us|ms|s))")))
        r.p50Ms = toMs(std::stod(m[1]), m[2]);
    if (std::regex_search(r.raw, m, std::regex(R"(\n\s+99%\s+([0-9.]+)(us|ms|s))")))
        r.p99Ms = toMs(std::stod(m[1]), m[2]);
    return r;
}

// nginx with every path inside `dir`, serving `dir/www` on 127.0.0.1:port.
pid_t startNginx(const fs::path& dir, int port) {
    fs::create_directories(dir / "www");
    fs::create_directories(dir / "logs");
    const std::string d = dir.string();
    std::ofstream(dir / "nginx.conf")
        << "daemon off;\nmaster_process on;\nworker_processes 2;\npid " << d
        << "/nginx.pid;\nerror_log " << d << "/logs/error.log;\n"
        << "events { worker_connections 1024; }\n"
        << "http {\n  access_log off;\n"
        << "  client_body_temp_path " << d << "/tmp_body;\n  proxy_temp_path " << d
        << "/tmp_proxy;\n  fastcgi_temp_path " << d << "/tmp_fastcgi;\n  uwsgi_temp_path " << d
        << "/tmp_uwsgi;\n  scgi_temp_path " << d << "/tmp_scgi;\n"
        << "  server {\n    listen 127.0.0.1:" << port << ";\n    location / { root " << d
        << "/www; default_type application/json; add_header Cache-Control no-store; }\n  }\n}\n";
    const pid_t pid = fork();
    if (pid == 0) {
        execlp("nginx", "nginx", "-p", d.c_str(), "-c", (d + "/nginx.conf").c_str(), nullptr);
        _exit(127);
    }
    return pid;
}

bool waitUntil(const std::function<bool()>& pred, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50)); // polling interval
    }
    return pred();
}

} // namespace

int main() {
    if (std::system("command -v wrk > /dev/null") != 0 ||
        std::system("command -v nginx > /dev/null") != 0) {
        std::printf("bench_api: needs wrk and nginx (scripts/bootstrap bench)\n");
        return 1;
    }
    const fs::path dir =
        fs::temp_directory_path() / ("switchyard-bench-api-" + std::to_string(getpid()));
    fs::create_directories(dir);

    auto opened = bench::openSimulatedCore(dir / "core", "bench_api");
    if (!opened.core)
        return 1;
    const auto simulated = opened.provider;
    auto* core = &opened.core;
    auth::JwtConfig jwtConfig;
    jwtConfig.secret = std::string(48, 'k');
    auto jwt = auth::JwtCodec::create(jwtConfig);
    auth::LoginRateLimiter limiter;
    api::RequestMetrics metrics;
    const api::ApiService service(
        api::ApiContext{**core, *jwt, limiter, {{"SIMULATED", simulated}}, &metrics, {}});
    const auto bench = (*core)->store().putUser("bench", "-", "admin"); // the token's user
    if (!bench)
        return 1;
    api::HttpRequest create;
    create.method = "POST";
    create.target = "/as/v1/admin/nodegroup";
    create.body = groupJson();
    create.headers["Authorization"] =
        "Bearer " + api::issueUserToken(*jwt, *bench, auth::Role::Admin);
    if (const auto r = service.handle(create); r.status != 200) {
        std::printf("bench_api: cannot create the group: %s\n", r.body.c_str());
        return 1;
    }
    providers::SimulatedTraffic traffic;
    traffic.baseline = {20, 200'000};
    simulated->setTraffic("bench", traffic);

    const std::string path = "/as/v1/streams/stream/bench/subscribe/live/sim3";
    api::HttpRequest probe;
    probe.method = "GET";
    probe.target = path;
    std::string sample;
    const bool ready = waitUntil(
        [&] {
            const auto snap = (*core)->snapshot();
            const auto* g = snap->group("bench");
            int inService = 0;
            for (const auto& n : g ? g->nodes : std::vector<engine::NodeView>{})
                inService += n.state == model::NodeState::InService;
            const auto r = service.handle(probe);
            sample = r.body;
            return inService == kOrigins + kEdges && r.status == 200;
        },
        std::chrono::seconds(120));
    if (!ready) {
        std::printf("bench_api: the group did not come up: %s\n", sample.c_str());
        return 1;
    }

    api::ServerOptions http;
    http.port = 0;
    api::HttpServer server(http,
                           [&service](const api::HttpRequest& r) { return service.handle(r); });
    if (auto started = server.start(); !started) {
        std::printf("bench_api: %s\n", started.error().message.c_str());
        return 1;
    }
    nodes::PortAllocator ports({22900, 22999});
    auto lease = ports.lease(1);
    const int nginxPort = lease ? lease->ports().front() : 22950;
    const pid_t nginx = startNginx(dir / "nginx", nginxPort);
    std::ofstream(dir / "nginx" / "www" / "subscribe.json") << sample;

    std::printf("== REST API under wrk (%s, loopback, %d-node SIMULATED group)\n", kWrkArgs,
                kOrigins + kEdges);
    std::printf("   response body: %zu bytes of JSON\n", sample.size());
    waitUntil(
        [&] {
            return runWrk("http://127.0.0.1:" + std::to_string(nginxPort) + "/subscribe.json")
                       .requestsPerSecond > 0;
        },
        std::chrono::seconds(10));
    const auto ours = runWrk("http://127.0.0.1:" + std::to_string(server.port()) + path);
    const auto base = runWrk("http://127.0.0.1:" + std::to_string(nginxPort) + "/subscribe.json");
    std::printf("   switchyard subscribe route: %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms\n",
                ours.requestsPerSecond, ours.p50Ms, ours.p99Ms);
    std::printf("   nginx static file:          %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms\n",
                base.requestsPerSecond, base.p50Ms, base.p99Ms);
    const double ratio =
        base.requestsPerSecond > 0 ? ours.requestsPerSecond / base.requestsPerSecond : 0;
    std::printf("   ratio to nginx: %.2f (aim >= 0.5) %s\n", ratio, ratio >= 0.5 ? "ok" : "MISSED");
    if (ours.requestsPerSecond == 0)
        std::printf("%s\n", ours.raw.c_str());

    kill(nginx, SIGQUIT);
    waitpid(nginx, nullptr, 0);
    server.stop();
    (*core)->stop();
    std::error_code ec;
    fs::remove_all(dir, ec);
    return 0;
}
