// Subscribe decisions per second from a RoutingTable at 100, 1,000 and 10,000 nodes, against a
// linear scan over every node of the same snapshot (what a decision costs without the table), and
// the time to build the table. The aim is more than a million decisions per second on one core at
// 10,000 nodes: API threads answer every viewer's subscribe from the table of the latest snapshot.

#include "core/expr/shufflesizeexpression.h"
#include "core/routing/routingtable.h"
#include "core/routing/streamrouter.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

using namespace sy::routing;
using sy::model::Capability;
using sy::model::NodeState;

namespace {

constexpr int kLeaves = 10; // sg0..sg4 in zone "americas", sg5..sg9 in zone "emea"
constexpr int kStreamsPerOrigin = 20;
constexpr int kRequests = 4096;
constexpr int kRuns = 9;
constexpr double kAim = 1e6;
const char* const kShuffle = "max(nodeCount*0.1, 2)";

template <class T>
void keep(const T& value) {
    asm volatile("" : : "r"(&value) : "memory");
}

sy::model::NodeGroupConfig makeConfig() {
    sy::model::NodeGroupConfig ng;
    ng.name = "bench";
    sy::model::NodeRole origin;
    origin.name = "origin";
    origin.capabilities = std::vector<Capability>{Capability::Publish};
    sy::model::NodeRole edge;
    edge.name = "edge";
    edge.capabilities = std::vector<Capability>{Capability::Subscribe};
    edge.parentRoleName = "origin";
    edge.parentCardinality = sy::model::ParentCardinality::SubGroup;
    ng.roles = std::map<std::string, sy::model::NodeRole>{{"origin", origin}, {"edge", edge}};
    std::map<std::string, sy::model::SubGroupConfig> zones;
    for (const char* zone : {"americas", "emea"}) {
        auto& z = zones[zone];
        z.subGroupName = zone;
        z.childGroups.emplace();
    }
    for (int i = 0; i < kLeaves; ++i) {
        sy::model::SubGroupConfig leaf;
        leaf.subGroupName = "sg" + std::to_string(i);
        leaf.rulesByRole.emplace();
        zones[i < kLeaves / 2 ? "americas" : "emea"].childGroups->push_back(leaf);
    }
    ng.groups = zones;
    return ng;
}

// splitmix64 through RandomSource: the same snapshot on every run and machine.
std::vector<RoutableNode> makeNodes(int count, RandomSource& random) {
    std::vector<RoutableNode> nodes;
    const int origins = std::max(kLeaves, count / 10);
    for (int i = 0; i < count; ++i) {
        RoutableNode n;
        const int leaf = i % kLeaves;
        const bool origin = i < origins;
        n.nodeId = (origin ? "o" : "e") + std::to_string(i);
        n.subGroup = "sg" + std::to_string(leaf);
        n.zonePath = {leaf < kLeaves / 2 ? "americas" : "emea", n.subGroup};
        n.role = origin ? "origin" : "edge";
        n.capabilities = {origin ? Capability::Publish : Capability::Subscribe};
        n.state = random.below(50) == 0 ? NodeState::Started : NodeState::InService;
        n.draining = random.below(100) == 0;
        n.serverAddress = "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250);
        n.rtmpPort = 1935;
        n.limit = origin ? 20 : 200;
        n.ranking = static_cast<double>(random.below(origin ? 22 : 240)); // some at their limit
        if (origin)
            for (int s = 0; s < kStreamsPerOrigin; ++s)
                n.streams.push_back({"live/s" + std::to_string(i * kStreamsPerOrigin + s),
                                     CarriedAs::Publishing, 0});
        else
            for (int s = 0; s < 5; ++s) // viewers on relayed copies
                n.streams.push_back(
                    {"live/s" + std::to_string(random.below(static_cast<std::uint64_t>(origins) *
                                                            kStreamsPerOrigin)),
                     CarriedAs::Relayed, static_cast<std::int64_t>(random.below(40))});
        nodes.push_back(std::move(n));
    }
    return nodes;
}

// A third without preference, a third preferring one leaf, a third a zone then a leaf (strict).
std::vector<SubscribeRequest> makeRequests(int origins, RandomSource& random) {
    std::vector<SubscribeRequest> out;
    for (int i = 0; i < kRequests; ++i) {
        SubscribeRequest r;
        r.streamGuid =
            "live/s" +
            std::to_string(random.below(static_cast<std::uint64_t>(origins) * kStreamsPerOrigin));
        if (i % 3 == 1)
            r.subGroups = {"sg" + std::to_string(random.below(kLeaves))};
        if (i % 3 == 2) {
            r.subGroups = {"emea", "sg1"};
            r.strict = true;
        }
        out.push_back(std::move(r));
    }
    return out;
}

// What a decision costs without precomputation: every node checked on every request.
class LinearScan {
public:
    LinearScan(const sy::model::NodeGroupConfig& ng, const std::vector<RoutableNode>& nodes)
        : ng_(ng)
        , nodes_(nodes)
        , shuffle_(*sy::expr::ShuffleSizeExpression::parse(kShuffle)) {}

    std::size_t select(const SubscribeRequest& request, RandomSource& random) const {
        if (!isLive(request.streamGuid))
            return SIZE_MAX;
        struct Candidate {
            std::size_t tier;
            std::int32_t rank;
            std::size_t node;
        };
        std::vector<Candidate> candidates;
        for (std::size_t i = 0; i < nodes_.size(); ++i) {
            const auto& n = nodes_[i];
            const std::int32_t rank = capacityToInt32(n.ranking);
            if (n.state != NodeState::InService || n.draining || !n.has(Capability::Subscribe) ||
                rank >= capacityToInt32(n.limit) ||
                (!hasParent(n) && !carries(n, request.streamGuid)))
                continue;
            const std::size_t tier = tierOf(n, request);
            if (tier != SIZE_MAX)
                candidates.push_back({tier, rank, i});
        }
        if (candidates.empty())
            return SIZE_MAX;
        std::sort(candidates.begin(), candidates.end(), [&](const auto& a, const auto& b) {
            if (a.tier != b.tier)
                return a.tier < b.tier;
            return a.rank != b.rank ? a.rank < b.rank
                                    : nodes_[a.node].nodeId < nodes_[b.node].nodeId;
        });
        std::size_t tied = 1;
        while (tied < candidates.size() && candidates[tied].tier == candidates[0].tier &&
               candidates[tied].rank == candidates[0].rank)
            ++tied;
        const auto best = std::min<std::size_t>(
            tied, static_cast<std::size_t>(shuffle_.evaluate(static_cast<int>(candidates.size()))));
        return candidates[random.below(best)].node;
    }

private:
    bool isLive(const std::string& guid) const {
        for (const auto& n : nodes_)
            if (n.state == NodeState::InService || n.state == NodeState::SoftSunset ||
                n.state == NodeState::HardSunset)
                for (const auto& s : n.streams)
                    if (s.as == CarriedAs::Publishing && s.guid == guid)
                        return true;
        return false;
    }
    bool hasParent(const RoutableNode& n) const {
        const auto& role = ng_.roles->at(n.role);
        return role.parentRoleName.has_value();
    }
    static bool carries(const RoutableNode& n, const std::string& guid) {
        return std::any_of(n.streams.begin(), n.streams.end(),
                           [&](const CarriedStream& s) { return s.guid == guid; });
    }
    static std::size_t tierOf(const RoutableNode& n, const SubscribeRequest& request) {
        for (std::size_t p = 0; p < request.subGroups.size(); ++p)
            for (const auto& zone : n.zonePath)
                if (zone == request.subGroups[p])
                    return p;
        return request.strict && !request.subGroups.empty() ? SIZE_MAX : request.subGroups.size();
    }

    const sy::model::NodeGroupConfig& ng_;
    const std::vector<RoutableNode>& nodes_;
    sy::expr::ShuffleSizeExpression shuffle_;
};

// Median wall time of one call of `body`, in nanoseconds (about 20 ms per run).
double medianNs(const std::function<void()>& body) {
    using Clock = std::chrono::steady_clock;
    long reps = 1;
    for (;;) {
        const auto t0 = Clock::now();
        for (long i = 0; i < reps; ++i)
            body();
        if (Clock::now() - t0 > std::chrono::milliseconds(20) || reps > (1L << 28))
            break;
        reps *= 2;
    }
    std::vector<double> runs;
    for (int r = 0; r < kRuns; ++r) {
        const auto t0 = Clock::now();
        for (long i = 0; i < reps; ++i)
            body();
        const std::chrono::duration<double, std::nano> elapsed = Clock::now() - t0;
        runs.push_back(elapsed.count() / static_cast<double>(reps));
    }
    std::nth_element(runs.begin(), runs.begin() + kRuns / 2, runs.end());
    return runs[kRuns / 2];
}

std::string perSecond(double ns) {
    char buf[32];
    const double rate = 1e9 / ns;
    if (rate >= 1e6)
        std::snprintf(buf, sizeof buf, "%.2f M/s", rate / 1e6);
    else
        std::snprintf(buf, sizeof buf, "%.1f k/s", rate / 1e3);
    return buf;
}

void benchSubscribe(const sy::model::NodeGroupConfig& ng, int count) {
    RandomSource random(42);
    const auto nodes = makeNodes(count, random);
    const auto requests = makeRequests(std::max(kLeaves, count / 10), random);
    const auto shuffle = sy::expr::ShuffleSizeExpression::parse(kShuffle);
    const auto table = RoutingTable::build(ng, nodes, *shuffle);
    const LinearScan scan(ng, nodes);

    std::size_t next = 0;
    std::size_t answered = 0;
    const double tableNs = medianNs([&] {
        const auto r = selectSubscribe(*table, requests[next++ % kRequests], random);
        answered += r ? r->size() : 0;
        keep(answered);
    });
    const double scanNs = medianNs([&] {
        const auto node = scan.select(requests[next++ % kRequests], random);
        keep(node);
    });
    std::printf("subscribe, %6d nodes: table %s (%.0f ns), linear scan %s (%.0f ns), ratio %.0fx",
                count, perSecond(tableNs).c_str(), tableNs, perSecond(scanNs).c_str(), scanNs,
                scanNs / tableNs);
    if (count == 10000)
        std::printf(" (aim > 1 M/s)%s", 1e9 / tableNs > kAim ? "" : "  ** below aim **");
    std::printf("\n");
}

void benchPublishAndBuild(const sy::model::NodeGroupConfig& ng) {
    RandomSource random(42);
    const auto nodes = makeNodes(10000, random);
    const auto shuffle = sy::expr::ShuffleSizeExpression::parse(kShuffle);
    const double buildNs = medianNs([&] {
        auto table = RoutingTable::build(ng, nodes, *shuffle); // includes copying the nodes
        keep(table);
    });
    const auto table = RoutingTable::build(ng, nodes, *shuffle);
    PublishRequest request;
    request.streamGuid = "live/new";
    request.subGroups = {"sg3"};
    const double publishNs = medianNs([&] {
        const auto r = selectPublish(*table, request, random);
        keep(r);
    });
    std::printf("publish,    10000 nodes: table %s (%.0f ns)\n", perSecond(publishNs).c_str(),
                publishNs);
    std::printf("build table, 10000 nodes (%d streams): %.2f ms\n",
                (10000 / 10) * kStreamsPerOrigin, buildNs / 1e6);
}

} // namespace

int main() {
    std::printf("bench_routing (%s build), 10 sub-groups in 2 zones, 10%% origins, shuffle %s\n",
                SWITCHYARD_BUILD_TYPE, kShuffle);
    const auto ng = makeConfig();
    for (int count : {100, 1000, 10000})
        benchSubscribe(ng, count);
    benchPublishAndBuild(ng);
    return 0;
}
