// The node callback round trip that nginx-rtmp's on_publish / on_play adds to every publish and
// play start: an HTTP POST on loopback to the core's callback endpoint, answered from the
// snapshot. Measured against the real NodeCallbackServer of a ClusterHost, for a node group that
// is open (the baseline: the round trip alone) and one that requires stream tokens (the round
// trip plus the token check), with median and p99 of each, and the same decisions made in
// process (no HTTP) to show where the time goes. SIMULATED nodes: the callback does not look at
// the media, only at the request.

#include "core/api/clusterhost.h"
#include "core/auth/nodesecret.h"
#include "core/model/nodegroupcodec.h"
#include "core/nodes/loopbackhttpclient.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

using namespace sy;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kWarmup = 200;
constexpr int kRounds = 3000;

std::string group(const std::string& name, const std::string& access) {
    return R"({"name": ")" + name +
           R"(", "cloudPlatform": "SIMULATED", "shuffleSizeExpression": "1")" + access + R"(,
      "roles": {"origin": {"name": "origin", "capabilities": ["PUBLISH"]}},
      "groups": {"g": {"subGroupName": "g", "rulesByRole": {"origin": {"min": 1, "max": 1,
        "outExpression": "avg(connections.publisher) > 1000",
        "inExpression": "avg(connections.publisher) < 0",
        "capacityRankingExpression": "0", "capacityLimitExpression": "100"}}}}})";
}

struct Figures {
    double medianUs = 0, p99Us = 0;
};

Figures figures(std::vector<double> us) {
    std::sort(us.begin(), us.end());
    return {us[us.size() / 2], us[std::min(us.size() - 1, us.size() * 99 / 100)]};
}

std::string nodeOf(api::ClusterHost& host, const std::string& g) {
    for (int i = 0; i < 200; ++i) {
        const auto snap = host.core().snapshot();
        if (const auto* v = snap->group(g))
            for (const auto& n : v->nodes)
                if (n.state == model::NodeState::InService)
                    return n.nodeId;
        std::this_thread::sleep_for(std::chrono::milliseconds(50)); // polling, with a deadline
    }
    return {};
}

std::string body(const std::string& call, const std::string& token) {
    return "app=live&flashver=FMLE%2F3.0&swfurl=&tcurl=rtmp%3A%2F%2F127.0.0.1%2Flive&pageurl="
           "&addr=127.0.0.1&clientid=7&call=" +
           call + "&name=cam1&type=live" + (token.empty() ? "" : "&token=" + token);
}

// The node's secret rides in the query, as in the URLs nginx is given.
Figures overHttp(const std::string& base, const auth::NodeSecrets& secrets,
                 const std::string& nodeId, const std::string& call, const std::string& token,
                 int& refused) {
    const std::string url =
        base + "/" + nodeId + "/" + call + "?secret=" + secrets.secretFor(nodeId);
    const std::string form = body(call, token);
    std::vector<double> us;
    us.reserve(kRounds);
    for (int i = 0; i < kWarmup + kRounds; ++i) {
        const auto t0 = Clock::now();
        auto r = nodes::postHttp(url, form, "application/x-www-form-urlencoded");
        const auto t1 = Clock::now();
        if (!r || r->status != 200)
            ++refused;
        if (i >= kWarmup)
            us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    }
    return figures(std::move(us));
}

Figures inProcess(api::ClusterHost& host, const std::string& nodeId, const std::string& call,
                  const std::string& token) {
    engine::ControlCore::NodeCallback c{nodeId, call, "live", "cam1", {}};
    c.fields.first = {{"app", "live"}, {"name", "cam1"}, {"addr", "127.0.0.1"}};
    if (!token.empty())
        c.fields.first["token"] = token;
    std::vector<double> us;
    us.reserve(kRounds);
    for (int i = 0; i < kRounds; ++i) {
        const auto t0 = Clock::now();
        const auto a = host.core().answerNodeCallback(c);
        const auto t1 = Clock::now();
        if (a.status >= 400)
            std::printf("  unexpected refusal: %s\n", a.reason.c_str());
        us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    }
    return figures(std::move(us));
}

} // namespace

int main() {
    const auto dir =
        std::filesystem::temp_directory_path() / ("bench-callbacks-" + std::to_string(::getpid()));
    api::ClusterHostOptions o;
    o.dataDir = dir.string();
    auto host = api::ClusterHost::open(std::move(o));
    if (!host) {
        std::printf("cannot open a cluster host: %s\n", host.error().message.c_str());
        return 1;
    }
    (*host)->start();
    for (const auto& [name, access] :
         {std::pair<std::string, std::string>{"open", ""},
          {"guarded", R"(, "streamAccess": {"publish": "token", "play": "token"})"}}) {
        auto config = model::parseNodeGroup(std::string_view(group(name, access)));
        if (!config || !(*host)->core().createNodeGroup(*config).get()) {
            std::printf("cannot create node group %s\n", name.c_str());
            return 1;
        }
    }
    const std::string openNode = nodeOf(**host, "open");
    const std::string guardedNode = nodeOf(**host, "guarded");
    if (openNode.empty() || guardedNode.empty()) {
        std::printf("nodes did not come into service\n");
        return 1;
    }
    routing::PublishRequest pub;
    pub.streamGuid = "live/cam1";
    const auto sel = (*host)->core().selectPublish("guarded", pub, "bench");
    const std::string publishToken = sel && !sel->empty() ? sel->front().urls.at("token") : "";
    const std::string playToken = (*host)->core().internalStreamToken(
        "guarded", "live/cam1", auth::StreamAction::Play, "bench");
    const std::string base = (*host)->callbackBaseUrl();
    // The host's own master key, so these are the secrets its nodes carry.
    const auto secrets = auth::NodeSecrets::open(dir / "node-secrets");
    if (!secrets) {
        std::printf("node secrets: %s\n", secrets.error().message.c_str());
        return 1;
    }

    std::printf("bench_nodecallbacks (%s build): %d POSTs per case to the core's loopback "
                "callback endpoint, after %d warm-up\n",
                SWITCHYARD_BUILD_TYPE, kRounds, kWarmup);
    int refused = 0;
    const auto openPublish = overHttp(base, **secrets, openNode, "publish", "", refused);
    const auto tokenPublish =
        overHttp(base, **secrets, guardedNode, "publish", publishToken, refused);
    const auto openPlay = overHttp(base, **secrets, openNode, "play", "", refused);
    const auto tokenPlay = overHttp(base, **secrets, guardedNode, "play", playToken, refused);
    const auto inOpen = inProcess(**host, openNode, "publish", "");
    const auto inToken = inProcess(**host, guardedNode, "publish", publishToken);
    const auto row = [](const char* what, const Figures& f, const Figures& baseline) {
        std::printf("  %-34s median %7.1f us   p99 %7.1f us   (x%.2f the open median)\n", what,
                    f.medianUs, f.p99Us, f.medianUs / baseline.medianUs);
    };
    row("on_publish, open group (baseline)", openPublish, openPublish);
    row("on_publish, stream token checked", tokenPublish, openPublish);
    row("on_play, open group", openPlay, openPublish);
    row("on_play, stream token checked", tokenPlay, openPublish);
    row("in process: open decision", inOpen, inOpen);
    row("in process: token decision", inToken, inOpen);
    std::printf("  token check adds %.1f us to a publish start at the median (%.1f us at p99); "
                "refused: %d of %d (want 0)\n",
                tokenPublish.medianUs - openPublish.medianUs,
                tokenPublish.p99Us - openPublish.p99Us, refused, 4 * (kRounds + kWarmup));
    for (const char* g : {"open", "guarded"})
        (void)(*host)->core().deleteNodeGroup(g).get();
    host->reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return refused == 0 ? 0 : 1;
}
