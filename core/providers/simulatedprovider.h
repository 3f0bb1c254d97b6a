#pragma once
// cloudPlatform "SIMULATED": virtual nodes with a synthetic load model, for scale tests, planning
// ("what if viewers triple?") and demos. Nodes come up at once; the load of each node group is
// a number of publishers and viewers that the model spreads over the nodes able to take them, as
// routing would with equal rankings. Nodes the engine does not route to (starting, draining)
// carry no load: their clients are assumed to have moved. Everything it reports is labelled
// simulated by the engine.

#include "core/providers/provider.h"

#include <map>
#include <mutex>

namespace sy::providers {

struct SimulatedLoad {
    std::int64_t publishers = 0;
    std::int64_t viewers = 0;
    double kbpsPerStream = 2500; // ingress per publisher, egress per viewer
};

class SimulatedProvider final : public Provider {
public:
    std::string platform() const override { return "SIMULATED"; }
    Result<NodeEndpoint> create(const NodeSpec& spec) override;
    Result<void> destroy(const std::string& nodeId) override;
    Result<NodeEndpoint> adopt(const NodeSpec& spec, const NodeEndpoint& known) override;
    Result<void> setParents(const NodeSpec&) override { return {}; }
    std::vector<NodeReport> poll(const std::vector<std::string>& nodeIds) override;
    void setRoutable(const std::string& nodeId, bool routable) override;

    // The traffic model: total load on a node group (spread evenly, capped per node by nothing:
    // overload shows in the metrics, which is what the autoscaler must react to).
    void setLoad(const std::string& nodeGroup, SimulatedLoad load);
    // Makes a node stop answering, as a crashed machine would.
    void fail(const std::string& nodeId);
    std::size_t nodeCount() const;

private:
    struct SimNode {
        NodeSpec spec;
        bool failed = false;
        bool routable = false; // takes a share of the load only while the engine routes to it
    };
    mutable std::mutex mutex_;
    std::map<std::string, SimNode> nodes_;
    std::map<std::string, SimulatedLoad> load_;
    std::uint16_t nextPort_ = 40000;
};

} // namespace sy::providers
