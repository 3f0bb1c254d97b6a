#include "core/providers/simulatedprovider.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>

namespace sy::providers {

namespace {

bool has(const NodeSpec& s, model::Capability c) {
    return std::find(s.capabilities.begin(), s.capabilities.end(), c) != s.capabilities.end();
}

std::int64_t systemMillis() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// splitmix64: a stateless mix, so a noise sample depends on its inputs only and not on how many
// samples were drawn before it (polls, loadAt calls and threads interleave freely).
std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// FNV-1a, not std::hash: the noise must be the same across standard libraries and runs.
std::uint64_t hashName(const std::string& s) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char c : s)
        h = (h ^ c) * 0x100000001b3ULL;
    return h;
}

// Uniform in [-1, 1] for one (seed, group, bucket, channel).
double noiseSample(std::uint64_t seed, const std::string& group, std::int64_t bucket,
                   std::uint64_t channel) {
    const std::uint64_t h =
        mix(mix(mix(seed ^ hashName(group)) ^ static_cast<std::uint64_t>(bucket)) ^ channel);
    return static_cast<double>(h >> 11) * 0x1.0p-53 * 2.0 - 1.0;
}

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
    const std::int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// One side (publishers or viewers) of the traffic formula in the header.
std::int64_t clients(double baseline, double perMinute, double scale, double swing, double noise,
                     double elapsedMs) {
    const double ramped = baseline + perMinute * std::max(0.0, elapsedMs) / 60'000.0;
    const double value = scale * ramped * swing * noise;
    return std::max<std::int64_t>(0, std::llround(value));
}

// Splits `total` clients over `takers` nodes in id order, the first ones taking the remainder:
// whole clients, as routing with equal rankings would place them.
std::int64_t shareOf(std::int64_t total, int takers, int index) {
    if (takers <= 0 || index < 0)
        return 0;
    return total / takers + (index < total % takers ? 1 : 0);
}

} // namespace

SimulatedProvider::SimulatedProvider()
    : SimulatedProvider(SimulatedOptions{}) {}

SimulatedProvider::SimulatedProvider(SimulatedOptions options)
    : options_(std::move(options)) {
    if (!options_.clock)
        options_.clock = systemMillis;
}

Result<NodeEndpoint> SimulatedProvider::create(const NodeSpec& spec) {
    std::lock_guard lock(mutex_);
    if (nodes_.contains(spec.nodeId))
        return sy::fail("exists", "simulated node " + spec.nodeId + " exists already");
    nodes_[spec.nodeId] = SimNode{spec, false};
    NodeEndpoint e;
    e.address = "10.255." + std::to_string((nextPort_ >> 8) & 0xff) + "." +
                std::to_string(nextPort_ & 0xff);
    e.rtmpPort = 1935;
    e.httpPort = 5080;
    e.handle = {{"simulated", true}};
    ++nextPort_;
    return e;
}

Result<void> SimulatedProvider::destroy(const std::string& nodeId) {
    std::lock_guard lock(mutex_);
    nodes_.erase(nodeId); // destroying a node that is gone already is not an error
    return {};
}

Result<NodeEndpoint> SimulatedProvider::adopt(const NodeSpec& spec, const NodeEndpoint& known) {
    std::lock_guard lock(mutex_);
    if (!nodes_.contains(spec.nodeId))
        return sy::fail("gone",
                        "simulated node " + spec.nodeId +
                            " did not survive the restart (simulated nodes live in memory)");
    return known;
}

void SimulatedProvider::setLoad(const std::string& nodeGroup, SimulatedLoad load) {
    SimulatedTraffic flat;
    flat.baseline = load;
    flat.startMs = 0; // a flat traffic has no start: skip the clock
    setTraffic(nodeGroup, flat);
}

void SimulatedProvider::setTraffic(const std::string& nodeGroup, SimulatedTraffic traffic) {
    // Read the clock outside the lock: it is the caller's code.
    if (!traffic.startMs)
        traffic.startMs = options_.clock();
    std::lock_guard lock(mutex_);
    traffic_[nodeGroup] = traffic;
}

std::optional<SimulatedTraffic> SimulatedProvider::traffic(const std::string& nodeGroup) const {
    std::lock_guard lock(mutex_);
    const auto it = traffic_.find(nodeGroup);
    return it == traffic_.end() ? std::nullopt : std::optional<SimulatedTraffic>(it->second);
}

void SimulatedProvider::setCapacity(const std::string& nodeGroup, SimulatedCapacity capacity) {
    std::lock_guard lock(mutex_);
    capacity_[nodeGroup] = capacity;
}

SimulatedLoad SimulatedProvider::loadAt(const std::string& nodeGroup, std::int64_t timeMs) const {
    std::lock_guard lock(mutex_);
    return loadAtLocked(nodeGroup, timeMs);
}

SimulatedLoad SimulatedProvider::loadAtLocked(const std::string& nodeGroup,
                                              std::int64_t timeMs) const {
    const auto it = traffic_.find(nodeGroup);
    if (it == traffic_.end())
        return {0, 0, SimulatedLoad{}.kbpsPerStream};
    const SimulatedTraffic& t = it->second;
    const double elapsed = static_cast<double>(timeMs - t.startMs.value_or(0));
    const double swing =
        t.swingAmplitude == 0 || t.swingPeriodMs <= 0
            ? 1.0
            : 1.0 + t.swingAmplitude * std::sin(2 * std::numbers::pi * elapsed /
                                                static_cast<double>(t.swingPeriodMs));
    double pubNoise = 1.0;
    double viewNoise = 1.0;
    if (t.noise != 0) {
        // Publishers and viewers draw separate samples: they do not move in lockstep.
        const std::int64_t bucket = floorDiv(timeMs, std::max<std::int64_t>(1, t.noiseBucketMs));
        pubNoise += t.noise * noiseSample(options_.seed, nodeGroup, bucket, 1);
        viewNoise += t.noise * noiseSample(options_.seed, nodeGroup, bucket, 2);
    }
    SimulatedLoad out;
    out.kbpsPerStream = t.baseline.kbpsPerStream;
    out.publishers = clients(static_cast<double>(t.baseline.publishers), t.publishersPerMinute,
                             t.publisherScale, swing, pubNoise, elapsed);
    out.viewers = clients(static_cast<double>(t.baseline.viewers), t.viewersPerMinute, t.scale,
                          swing, viewNoise, elapsed);
    return out;
}

SimulatedCapacity SimulatedProvider::capacityOf(const std::string& nodeGroup) const {
    const auto it = capacity_.find(nodeGroup);
    return it == capacity_.end() ? options_.capacity : it->second;
}

void SimulatedProvider::fail(const std::string& nodeId) {
    std::lock_guard lock(mutex_);
    if (auto it = nodes_.find(nodeId); it != nodes_.end())
        it->second.failed = true;
}

void SimulatedProvider::setRoutable(const std::string& nodeId, bool routable) {
    std::lock_guard lock(mutex_);
    if (auto it = nodes_.find(nodeId); it != nodes_.end())
        it->second.routable = routable;
}

std::size_t SimulatedProvider::nodeCount() const {
    std::lock_guard lock(mutex_);
    return nodes_.size();
}

// Every node's share of its group's load at a time. Only healthy routable nodes take clients,
// publishers over the PUBLISH nodes and viewers over the SUBSCRIBE nodes of the group.
std::map<std::string, SimulatedProvider::Share>
SimulatedProvider::spread(std::int64_t timeMs) const {
    struct Takers {
        std::vector<const std::string*> publish;
        std::vector<const std::string*> subscribe;
    };
    std::map<std::string, Takers> byGroup;
    for (const auto& [id, n] : nodes_) {
        if (n.failed || !n.routable)
            continue;
        auto& t = byGroup[n.spec.nodeGroup];
        if (has(n.spec, model::Capability::Publish))
            t.publish.push_back(&id);
        if (has(n.spec, model::Capability::Subscribe))
            t.subscribe.push_back(&id);
    }
    std::map<std::string, Share> shares;
    for (const auto& [group, takers] : byGroup) {
        const SimulatedLoad load = loadAtLocked(group, timeMs);
        const int pubs = static_cast<int>(takers.publish.size());
        for (int i = 0; i < pubs; ++i) {
            auto& share = shares[*takers.publish[i]];
            share.publishers = shareOf(load.publishers, pubs, i);
            share.publishIndex = i;
        }
        const int subs = static_cast<int>(takers.subscribe.size());
        for (int i = 0; i < subs; ++i)
            shares[*takers.subscribe[i]].viewers = shareOf(load.viewers, subs, i);
        for (auto* list : {&takers.publish, &takers.subscribe})
            for (const auto* id : *list) {
                auto& share = shares[*id];
                share.publishTakers = pubs;
                share.groupPublishers = pubs > 0 ? load.publishers : 0;
                share.kbpsPerStream = load.kbpsPerStream;
            }
    }
    return shares;
}

model::FlatMetrics SimulatedProvider::metricsOf(const SimNode& node, Share share) const {
    const SimulatedCapacity cap = capacityOf(node.spec.nodeGroup);
    const auto it = traffic_.find(node.spec.nodeGroup);
    const double kbps =
        it == traffic_.end() ? SimulatedLoad{}.kbpsPerStream : it->second.baseline.kbpsPerStream;
    const auto pubs = static_cast<double>(share.publishers);
    const auto subs = static_cast<double>(share.viewers);
    // Not capped at 1.0: an overloaded node must look overloaded (see SimulatedCapacity).
    const double used = pubs / static_cast<double>(std::max<std::int64_t>(1, cap.maxPublishers)) +
                        subs / static_cast<double>(std::max<std::int64_t>(1, cap.maxViewers));
    return {{"connections.publisher", pubs},
            {"connections.subscriber", subs},
            {"connections.client", pubs + subs},
            {"network.ingress", pubs * kbps},
            {"network.egress", subs * kbps},
            {"cpu.processors", static_cast<double>(cap.processors)},
            {"cpu.process.load", cap.idleLoad + (1.0 - cap.idleLoad) * used}};
}

// Streams are named live/sim0 .. live/sim{N-1} for the group's N publishers. Publisher k is on the
// publishing node k mod takers (the same counts as the load spread); a node's viewers watch the
// streams round-robin, so every node serving viewers carries streams routing can find.
std::vector<StreamStats> SimulatedProvider::streamsOf(const Share& share) {
    std::vector<StreamStats> out;
    const std::int64_t streams = share.groupPublishers;
    if (streams <= 0)
        return out;
    auto guid = [](std::int64_t k) {
        return "live/sim" + std::to_string(k);
    };
    std::map<std::int64_t, StreamStats> byIndex;
    if (share.publishIndex >= 0)
        for (std::int64_t k = share.publishIndex; k < streams; k += share.publishTakers)
            byIndex[k] = {guid(k), true, 0, share.kbpsPerStream, 0};
    const std::int64_t watched = std::min(streams, share.viewers);
    for (std::int64_t k = 0; k < watched; ++k) {
        auto& st = byIndex[k];
        if (st.guid.empty())
            st = {guid(k), false, 0, share.kbpsPerStream, 0};
        st.viewers = share.viewers / streams + (k < share.viewers % streams ? 1 : 0);
    }
    out.reserve(byIndex.size());
    for (auto& [k, st] : byIndex)
        out.push_back(std::move(st));
    return out;
}

std::vector<NodeReport> SimulatedProvider::poll(const std::vector<std::string>& nodeIds) {
    const std::int64_t now = options_.clock(); // outside the lock: it is the caller's code
    std::lock_guard lock(mutex_);
    const auto shares = spread(now);
    std::vector<NodeReport> out;
    out.reserve(nodeIds.size());
    for (const auto& id : nodeIds) {
        NodeReport r;
        r.nodeId = id;
        const auto it = nodes_.find(id);
        if (it == nodes_.end() || it->second.failed) {
            r.alive = it != nodes_.end();
            r.reachable = false;
            r.error = it == nodes_.end() ? "no such simulated node" : "simulated failure";
            out.push_back(std::move(r));
            continue;
        }
        const auto s = shares.find(id);
        r.metrics = metricsOf(it->second, s == shares.end() ? Share{} : s->second);
        if (s != shares.end())
            r.streams = streamsOf(s->second);
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace sy::providers
