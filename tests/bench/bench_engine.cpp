// Reconcile tick time and memory of the control core at 100, 1,000 and 10,000 SIMULATED nodes
// (aim: under 20 ms per tick at 10,000). The state store lives on /dev/shm so that creating
// 10,000 nodes (two journal fsyncs each) measures the core, not the disk.

#include "core/engine/controlcore.h"
#include "core/model/nodegroupcodec.h"
#include "core/providers/simulatedprovider.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
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

std::string groupJson(int edges) {
    const std::string n = std::to_string(edges);
    return R"({"name":"bench","cloudPlatform":"SIMULATED","shuffleSizeExpression":"1",
      "roles":{"origin":{"name":"origin","capabilities":["PUBLISH"]},
               "edge":{"name":"edge","capabilities":["SUBSCRIBE"],"parentRoleName":"origin"}},
      "groups":{"eu":{"subGroupName":"eu","rulesByRole":{
        "origin":{"min":10,"max":10,"increment":1,"outExpression":"avg(connections.publisher) > 12",
          "inExpression":"avg(connections.publisher) < 0","capacityRankingExpression":"connections.publisher",
          "capacityLimitExpression":"20"},
        "edge":{"min":)" + n + R"(,"max":)" + n + R"(,"increment":1,
          "outExpression":"avg(connections.subscriber) > 120",
          "inExpression":"avg(connections.subscriber) < 0",
          "capacityRankingExpression":"connections.subscriber","capacityLimitExpression":"200"}}}}})";
}

struct Figures {
    double medianMs = 0, maxMs = 0;
    long rssMiB = 0;
    double upSeconds = 0;
};

Figures measure(int edges) {
    const auto dir = std::filesystem::path("/dev/shm") /
                     ("switchyard-bench-" + std::to_string(::getpid()) + "-" + std::to_string(edges));
    std::filesystem::remove_all(dir);
    auto sim = std::make_shared<providers::SimulatedProvider>();
    engine::CoreOptions o;
    o.dataDir = dir.string();
    o.tick = std::chrono::milliseconds(100);
    o.pollInterval = std::chrono::milliseconds(100);
    o.providers["SIMULATED"] = sim;
    const long rssBefore = rssKiB();
    auto core = std::move(engine::ControlCore::open(o)).value();
    core->start();
    sim->setLoad("bench", {50, edges * 60L});
    const auto t0 = std::chrono::steady_clock::now();
    auto config = std::move(model::parseNodeGroup(std::string_view(groupJson(edges)))).value();
    if (!core->createNodeGroup(config).get())
        std::abort();
    const auto inService = [&] {
        const auto s = core->snapshot();
        const auto* g = s->group("bench");
        if (!g)
            return 0;
        return static_cast<int>(std::count_if(g->nodes.begin(), g->nodes.end(), [](auto& n) {
            return n.state == model::NodeState::InService;
        }));
    };
    while (inService() < edges + 10)
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
        std::printf("  %5d nodes: tick median %.2f ms, max %.2f ms (%.1fx the 100-node tick), "
                    "+%ld MiB, all INSERVICE after %.1f s%s\n",
                    edges + 10, f.medianMs, f.maxMs, f.medianMs / std::max(base, 1e-3),
                    f.rssMiB, f.upSeconds,
                    edges == 10000 ? (f.medianMs < 20 ? "  (aim < 20 ms: met)"
                                                      : "  (aim < 20 ms: MISSED)")
                                   : "");
    }
    return 0;
}
