// Reconcile tick time and memory of the control core at 100, 1,000 and 10,000 SIMULATED nodes
// (aim: under 20 ms per tick at 10,000). The state store lives on /dev/shm so that creating
// 10,000 nodes (two journal fsyncs each) measures the core, not the disk.

#include "core/engine/controlcore.h"
#include "core/model/nodegroupcodec.h"
#include "core/providers/simulatedprovider.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace sy;

namespace {

long rssKiB() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stol(line.substr(6));
    return 0;
}

// Rules cap a SubGroup x Role at 1,024 nodes, so large groups spread over sub-groups of up to
// 1,000 edges, each with one origin.
std::string groupJson(int edges) {
    const int subGroups = std::max(1, edges / 1000);
    const std::string perGroup = std::to_string(edges / subGroups);
    std::string groups;
    for (int i = 0; i < subGroups; ++i) {
        const std::string sg = "sg" + std::to_string(i);
        groups += (i ? "," : "") + ("\"" + sg + "\":{\"subGroupName\":\"" + sg) +
                  R"(","rulesByRole":{
        "origin":{"min":1,"max":1,"increment":1,"outExpression":"avg(connections.publisher) > 12",
          "inExpression":"avg(connections.publisher) < 0","capacityRankingExpression":"connections.publisher",
          "capacityLimitExpression":"20"},
        "edge":{"min":)" +
                  perGroup + R"(,"max":)" + perGroup + R"(,"increment":1,
          "outExpression":"avg(connections.subscriber) > 120",
          "inExpression":"avg(connections.subscriber) < 0",
          "capacityRankingExpression":"connections.subscriber","capacityLimitExpression":"200"}}})";
    }
    return R"({"name":"bench","cloudPlatform":"SIMULATED","shuffleSizeExpression":"1",
      "roles":{"origin":{"name":"origin","capabilities":["PUBLISH"]},
               "edge":{"name":"edge","capabilities":["SUBSCRIBE"],"parentRoleName":"origin"}},
      "groups":{)" +
           groups + "}}";
}

struct Figures {
    double medianMs = 0, maxMs = 0;
    long rssMiB = 0;
    double upSeconds = 0;
};

Figures measure(int edges) {
    const auto dir =
        std::filesystem::path("/dev/shm") /
        ("switchyard-bench-" + std::to_string(::getpid()) + "-" + std::to_string(edges));
    std::filesystem::remove_all(dir);
    auto sim = std::make_shared<providers::SimulatedProvider>();
    engine::CoreOptions o;
    o.dataDir = dir.string();
    o.tick = std::chrono::milliseconds(100);
    o.pollInterval = std::chrono::milliseconds(100);
    o.providers["SIMULATED"] = sim;
    const long rssBefore = rssKiB();
    auto opened = engine::ControlCore::open(o);
    if (!opened) {
        std::fprintf(stderr, "bench_engine: %s\n", opened.error().message.c_str());
        std::exit(1);
    }
    auto core = std::move(opened).value();
    core->start();
    sim->setLoad("bench", {50, edges * 60L});
    const auto t0 = std::chrono::steady_clock::now();
    const int origins = std::max(1, edges / 1000);
    auto parsed = model::parseNodeGroup(std::string_view(groupJson(edges)));
    if (!parsed) {
        std::fprintf(stderr, "bench_engine: %s\n", model::describe(parsed.error()).c_str());
        std::exit(1);
    }
    if (auto created = core->createNodeGroup(std::move(parsed).value()).get(); !created) {
        std::fprintf(stderr, "bench_engine: %s\n", created.error().message.c_str());
        std::exit(1);
    }
    const auto inService = [&] {
        const auto s = core->snapshot();
        const auto* g = s->group("bench");
        if (!g)
            return 0;
        return static_cast<int>(std::count_if(g->nodes.begin(), g->nodes.end(), [](auto& n) {
            return n.state == model::NodeState::InService;
        }));
    };
    while (inService() < edges + origins)
        std::this_thread::sleep_for(std::chrono::milliseconds(50)); // a benchmark, not a test
    Figures f;
    f.upSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::vector<double> ticks;
    std::uint64_t lastVersion = 0;
    while (ticks.size() < 25) {
        const auto s = core->snapshot();
        if (s->version != lastVersion && s->lastTickMicros > 0) {
            ticks.push_back(static_cast<double>(s->lastTickMicros) / 1000.0);
            lastVersion = s->version;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::sort(ticks.begin(), ticks.end());
    f.medianMs = ticks[ticks.size() / 2];
    f.maxMs = ticks.back();
    f.rssMiB = (rssKiB() - rssBefore) / 1024;
    core->stop();
    core.reset();
    std::filesystem::remove_all(dir);
    return f;
}

} // namespace

int main() {
    std::printf("control core, SIMULATED nodes (tick median of 25, RSS growth of the process)\n");
    double base = 0;
    for (int edges : {100, 1000, 10000}) {
        const Figures f = measure(edges);
        if (base == 0)
            base = f.medianMs;
        const int origins = std::max(1, edges / 1000);
        std::printf("  %5d nodes: tick median %.2f ms, max %.2f ms (%.1fx the 100-node tick), "
                    "+%ld MiB, all INSERVICE after %.1f s%s\n",
                    edges + origins, f.medianMs, f.maxMs, f.medianMs / std::max(base, 1e-3),
                    f.rssMiB, f.upSeconds,
                    edges == 10000
                        ? (f.medianMs < 20 ? "  (aim < 20 ms: met)" : "  (aim < 20 ms: MISSED)")
                        : "");
    }
    return 0;
}
