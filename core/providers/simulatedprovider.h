#pragma once
// cloudPlatform "SIMULATED": virtual nodes with a synthetic traffic model and a per-node
// capacity, for scale tests, planning ("what if viewers triple?") and demos. Nodes come up at
// once; the traffic of each node group is a number of publishers and viewers that changes over
// time (baseline, sine swing, linear ramp, seeded noise) and that the model spreads over the
// nodes able to take them, as routing would with equal rankings. Nodes the engine does not route
// to (starting, draining) carry no load: their clients are assumed to have moved. Everything it
// reports is labelled simulated by the engine.
//
// Deterministic: time comes from an injected clock and noise from a hash of (seed, node group,
// time bucket), so the same seed and the same times give the same loads whatever the call order.

#include "core/providers/provider.h"

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

namespace sy::providers {

struct SimulatedLoad {
    std::int64_t publishers = 0;
    std::int64_t viewers = 0;
    double kbpsPerStream = 2500; // ingress per publisher, egress per viewer
};

// Publishers and viewers of a node group over time t (epoch ms), counted from `startMs`, each
// with its own baseline, perMinute and scale (`scale` for viewers, `publisherScale`):
//   n(t) = scale * (baseline + perMinute * minutes since start)
//              * (1 + swingAmplitude * sin(2π (t - start) / swingPeriodMs))
//              * (1 + noise * u),  u in [-1, 1] from hash(seed, group, t / noiseBucketMs)
// rounded to whole clients and never negative. The swing peaks a quarter period after start.
struct SimulatedTraffic {
    SimulatedLoad baseline;
    double swingAmplitude = 0;                   // 0..1 of the ramped value
    std::int64_t swingPeriodMs = 24 * 3'600'000; // daily by default
    double viewersPerMinute = 0;                 // linear ramp, may be negative (audience leaving)
    double publishersPerMinute = 0;
    double scale = 1;                    // multiplies viewers: "what if viewers triple?" is 3
    double publisherScale = 1;           // multiplies publishers
    double noise = 0;                    // ±fraction, 0.05 for ±5%; 0 keeps the model exact
    std::int64_t noiseBucketMs = 10'000; // noise holds still within a bucket, as metrics would
    std::optional<std::int64_t> startMs; // unset: the provider's clock when setTraffic is called
};

// What one node takes before it is full. cpu.process.load = idleLoad + (1 - idleLoad) *
// (publishers / maxPublishers + viewers / maxViewers): 1.0 at capacity, above 1.0 when
// overloaded. Clients over capacity are still counted and served: a real media server accepts
// connections until it degrades, and hiding the excess would hide from the autoscaler the very
// demand it must react to.
struct SimulatedCapacity {
    std::int64_t maxViewers = 250;   // per node with SUBSCRIBE (edge-like)
    std::int64_t maxPublishers = 50; // per node with PUBLISH (origin-like)
    double idleLoad = 0.02;          // cpu of a node with no clients
    int processors = 4;
};

struct SimulatedOptions {
    std::function<std::int64_t()> clock; // epoch ms; default: system clock
    std::uint64_t seed = 0;              // noise only; any value, 0 included, is deterministic
    SimulatedCapacity capacity;          // for node groups without setCapacity
};

class SimulatedProvider final : public Provider {
public:
    SimulatedProvider();
    explicit SimulatedProvider(SimulatedOptions options);

    std::string platform() const override { return "SIMULATED"; }
    // Simulated nodes run anywhere; these names are suggestions for wizards and plans.
    ProviderInventory inventory() const override {
        return {{"sim-eu-west", "sim-us-east", "sim-ap-south"}, {"sim-standard"}, {"sim-node"}};
    }
    Result<NodeEndpoint> create(const NodeSpec& spec) override;
    Result<void> destroy(const std::string& nodeId) override;
    Result<NodeEndpoint> adopt(const NodeSpec& spec, const NodeEndpoint& known) override;
    Result<void> setParents(const NodeSpec&) override { return {}; }
    std::vector<NodeReport> poll(const std::vector<std::string>& nodeIds) override;
    void setRoutable(const std::string& nodeId, bool routable) override;

    // A flat traffic: the same publishers and viewers at all times.
    void setLoad(const std::string& nodeGroup, SimulatedLoad load);
    void setTraffic(const std::string& nodeGroup, SimulatedTraffic traffic);
    // The traffic model of a node group, if one was set (the traffic lab restores it).
    std::optional<SimulatedTraffic> traffic(const std::string& nodeGroup) const;
    void setCapacity(const std::string& nodeGroup, SimulatedCapacity capacity);
    // The total load of a node group at a time; zero for a group without traffic.
    SimulatedLoad loadAt(const std::string& nodeGroup, std::int64_t timeMs) const;
    // Makes a node stop answering, as a crashed machine would.
    void fail(const std::string& nodeId);
    std::size_t nodeCount() const;

private:
    struct SimNode {
        NodeSpec spec;
        bool failed = false;
        bool routable = false; // takes a share of the load only while the engine routes to it
    };
    struct Share {
        std::int64_t publishers = 0;
        std::int64_t viewers = 0;
        // Where the node stands among its group's takers, to name the streams it carries.
        int publishIndex = -1;
        int publishTakers = 0;
        std::int64_t groupPublishers = 0;
        double kbpsPerStream = 0;
    };
    static std::vector<StreamStats> streamsOf(const Share& share);
    SimulatedLoad loadAtLocked(const std::string& nodeGroup, std::int64_t timeMs) const;
    SimulatedCapacity capacityOf(const std::string& nodeGroup) const;
    std::map<std::string, Share> spread(std::int64_t timeMs) const;
    model::FlatMetrics metricsOf(const SimNode& node, Share share) const;

    SimulatedOptions options_;
    mutable std::mutex mutex_;
    std::map<std::string, SimNode> nodes_;
    std::map<std::string, SimulatedTraffic> traffic_; // startMs always set
    std::map<std::string, SimulatedCapacity> capacity_;
    std::uint16_t nextPort_ = 40000;
};

} // namespace sy::providers
