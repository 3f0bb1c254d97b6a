// Real nodes through the control core at its default intervals (tick 1 s, polls every 500 ms):
//  - a LOCAL node from REQUESTED to INSERVICE (aim: under 2 s);
//  - failure detection: from kill -9 of an edge to out of routing (aim: under 2 s; Stream
//    Manager 2.0 waits 60 s for a silent node, HAProxy's default checks about 6 s).
// Needs nginx with libnginx-mod-rtmp (scripts/bootstrap installs it).

#include "core/engine/controlcore.h"
#include "core/model/nodegroupcodec.h"
#include "core/providers/localprovider.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace sy;
using Clock = std::chrono::steady_clock;

namespace {

std::string groupJson(int edges) {
    const std::string n = std::to_string(edges);
    return R"({"name":"bench","cloudPlatform":"LOCAL","shuffleSizeExpression":"1",
      "roles":{"origin":{"name":"origin","capabilities":["PUBLISH"]},
               "edge":{"name":"edge","capabilities":["SUBSCRIBE"],"parentRoleName":"origin"}},
      "groups":{"local":{"subGroupName":"local","rulesByRole":{
        "origin":{"min":1,"max":1,"outExpression":"avg(connections.publisher) > 12",
          "inExpression":"avg(connections.publisher) < 0","capacityRankingExpression":"connections.publisher",
          "capacityLimitExpression":"20"},
        "edge":{"min":)" +
           n + R"(,"max":)" + n + R"(,
          "outExpression":"avg(connections.subscriber) > 120",
          "inExpression":"avg(connections.subscriber) < 0",
          "capacityRankingExpression":"connections.subscriber","capacityLimitExpression":"200"}}}}})";
}

void die(const std::string& what) {
    std::fprintf(stderr, "bench_localnodes: %s\n", what.c_str());
    std::exit(1);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

struct Timeline {
    std::mutex m;
    std::map<std::string, std::int64_t> requested, inService;
};

} // namespace

int main() {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("switchyard-bench-local-" + std::to_string(::getpid()));
    providers::LocalProviderOptions lo;
    lo.nodesDir = dir / "nodes";
    lo.ports = {21500, 21999}; // clear of the tests' ranges
    auto local = providers::LocalProvider::create(lo);
    if (!local)
        die(local.error().message);
    engine::CoreOptions o;
    o.dataDir = dir.string();
    o.providers["LOCAL"] = *local;
    auto opened = engine::ControlCore::open(o);
    if (!opened)
        die(opened.error().message);
    auto core = std::move(opened).value();
    Timeline t;
    core->subscribe([&](const engine::Event& e) {
        if (e.kind != engine::EventKind::NodeStateChanged)
            return;
        std::lock_guard lock(t.m);
        const auto to = e.details.value("to", "");
        if (to == "REQUESTED")
            t.requested[e.nodeId] = e.timeMs;
        if (to == "INSERVICE")
            t.inService[e.nodeId] = e.timeMs;
    });
    core->start();

    // 1. A group of 1 origin + 4 edges (edges wait for the origin), then 2 more edges.
    auto config = model::parseNodeGroup(std::string_view(groupJson(4)));
    if (!config || !core->createNodeGroup(*config).get())
        die("cannot create the node group");
    auto count = [&](model::NodeState state) {
        // Pinned: a pointer into a temporary snapshot would dangle.
        const auto pinned = core->snapshot();
        const auto* g = pinned->group("bench");
        return g ? std::count_if(g->nodes.begin(), g->nodes.end(),
                                 [&](auto& n) { return n.state == state; })
                 : 0;
    };
    const auto deadline = [](int s) {
        return Clock::now() + std::chrono::seconds(s);
    };
    for (auto until = deadline(60); count(model::NodeState::InService) < 5;)
        if (Clock::now() > until)
            die("nodes did not come up within 60 s");
        else
            std::this_thread::sleep_for(std::chrono::milliseconds(5)); // a benchmark, not a test
    std::map<std::string, std::int64_t> firstWave;
    {
        std::lock_guard lock(t.m);
        firstWave = t.requested;
    }
    auto more = model::parseNodeGroup(std::string_view(groupJson(6)));
    if (!more || !core->updateNodeGroup(*more).get())
        die("cannot update the node group");
    for (auto until = deadline(60); count(model::NodeState::InService) < 7;)
        if (Clock::now() > until)
            die("added edges did not come up within 60 s");
        else
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::vector<double> cold, warm;
    {
        std::lock_guard lock(t.m);
        for (const auto& [id, at] : t.requested)
            if (t.inService.count(id))
                (firstWave.count(id) ? cold : warm)
                    .push_back(static_cast<double>(t.inService[id] - at));
    }
    std::printf("LOCAL node from REQUESTED to INSERVICE (default tick 1 s, polls 500 ms):\n");
    std::printf("  new group, 1 origin + 4 edges: median %.0f ms, max %.0f ms (edges wait for "
                "their origin)\n",
                median(cold), *std::max_element(cold.begin(), cold.end()));
    std::printf("  scale-out of 2 edges on a serving group: median %.0f ms, max %.0f ms (aim < "
                "2000 ms: %s)\n",
                median(warm), *std::max_element(warm.begin(), warm.end()),
                *std::max_element(warm.begin(), warm.end()) < 2000 ? "met" : "MISSED");

    // 2. kill -9 an edge, three times: time until the snapshot no longer routes to it.
    std::vector<double> detection;
    for (int round = 0; round < 3; ++round) {
        std::string victim;
        // Held: a temporary snapshot would die before the loop ran.
        const auto held = core->snapshot();
        for (const auto& n : held->group("bench")->nodes)
            if (n.role == "edge" && n.state == model::NodeState::InService)
                victim = n.nodeId;
        const pid_t pid = (*local)->pidOf(victim);
        if (pid <= 0)
            die("no edge to kill");
        const auto killed = Clock::now();
        ::kill(pid, SIGKILL);
        for (auto until = deadline(30);;) {
            bool routed = false;
            // Held: a temporary snapshot would die before the loop ran.
            const auto current = core->snapshot();
            for (const auto& n : current->group("bench")->nodes)
                routed = routed || (n.nodeId == victim && n.state == model::NodeState::InService);
            if (!routed)
                break;
            if (Clock::now() > until)
                die("a killed edge stayed in routing for 30 s");
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        detection.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - killed).count());
        for (auto until = deadline(60); count(model::NodeState::InService) < 7;)
            if (Clock::now() > until)
                die("the killed edge was not replaced within 60 s");
            else
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const double worst = *std::max_element(detection.begin(), detection.end());
    std::printf("kill -9 to out of routing (3 kills): median %.0f ms, max %.0f ms (aim < 2000 "
                "ms: %s); %.0fx faster than SM 2.0's 60 s, %.0fx faster than HAProxy's ~6 s\n",
                median(detection), worst, worst < 2000 ? "met" : "MISSED",
                60000.0 / median(detection), 6000.0 / median(detection));

    if (!core->deleteNodeGroup("bench").get())
        die("cannot delete the node group");
    for (auto until = deadline(30); core->snapshot()->group("bench");)
        if (Clock::now() > until)
            die("nodes were not destroyed within 30 s");
        else
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    core->stop();
    std::filesystem::remove_all(dir);
    return 0;
}
