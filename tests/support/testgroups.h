#pragma once
// The node groups the UI suites create: one origin and a rule-driven set of edges in one
// sub-group, on SIMULATED (or LOCAL) nodes, and an EmbeddedBackend over a real core with the
// SIMULATED provider and a fast tick, so that nodes are INSERVICE within about 100 ms.

#include "core/engine/controlcore.h"
#include "core/model/nodegroup.h"
#include "core/providers/simulatedprovider.h"

#include <QString>

#include <functional>
#include <memory>
#include <string>

namespace sy::ui {
class EmbeddedBackend;
}

namespace sy::test {

struct OriginEdgeOptions {
    std::string cloudPlatform = "SIMULATED";
    std::string subGroup = "eu";
    int edgeMin = 2;
    int edgeMax = 8;
    long long edgeOutAbove = 1000; // avg(connections.subscriber) that asks for another edge
    long long edgeLimit = 200;     // capacityLimitExpression of edges
    long long originOutAbove = 12; // avg(connections.publisher) that asks for another origin
    long long originLimit = 20;    // capacityLimitExpression of origins
};

model::NodeGroupConfig originEdgeGroup(const std::string& name, const OriginEdgeOptions& o = {});

// A started EmbeddedBackend in `dataDir` over `simulated` (a fresh provider when null),
// refreshing every 20 ms; `adjust` may change the core's options (timeouts) first.
std::unique_ptr<ui::EmbeddedBackend>
simulatedBackend(const QString& dataDir,
                 std::shared_ptr<providers::SimulatedProvider> simulated = nullptr,
                 const std::function<void(engine::CoreOptions&)>& adjust = {});

} // namespace sy::test
