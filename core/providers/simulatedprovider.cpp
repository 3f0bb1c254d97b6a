#include "core/providers/simulatedprovider.h"

#include <algorithm>

namespace sy::providers {

namespace {
bool has(const NodeSpec& s, model::Capability c) {
    return std::find(s.capabilities.begin(), s.capabilities.end(), c) != s.capabilities.end();
}
} // namespace

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
    std::lock_guard lock(mutex_);
    load_[nodeGroup] = load;
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

std::vector<NodeReport> SimulatedProvider::poll(const std::vector<std::string>& nodeIds) {
    std::lock_guard lock(mutex_);
    // How many healthy nodes of each node group share publishers and viewers.
    std::map<std::string, std::pair<int, int>> takers; // group → (publish nodes, subscribe nodes)
    for (const auto& [id, n] : nodes_) {
        if (n.failed || !n.routable)
            continue;
        takers[n.spec.nodeGroup].first += has(n.spec, model::Capability::Publish);
        takers[n.spec.nodeGroup].second += has(n.spec, model::Capability::Subscribe);
    }
    std::vector<NodeReport> out;
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
        const auto& spec = it->second.spec;
        const bool takes = it->second.routable;
        const SimulatedLoad load =
            load_.count(spec.nodeGroup) ? load_.at(spec.nodeGroup) : SimulatedLoad{};
        const auto [pubNodes, subNodes] = takers[spec.nodeGroup];
        const double pubs = takes && has(spec, model::Capability::Publish) && pubNodes > 0
                                ? static_cast<double>(load.publishers) / pubNodes
                                : 0.0;
        const double subs = takes && has(spec, model::Capability::Subscribe) && subNodes > 0
                                ? static_cast<double>(load.viewers) / subNodes
                                : 0.0;
        r.metrics = {{"connections.publisher", pubs},
                     {"connections.subscriber", subs},
                     {"connections.client", pubs + subs},
                     {"network.ingress", pubs * load.kbpsPerStream},
                     {"network.egress", subs * load.kbpsPerStream},
                     {"cpu.processors", 4},
                     {"cpu.process.load", std::min(1.0, 0.02 + 0.004 * (pubs * 5 + subs))}};
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace sy::providers
