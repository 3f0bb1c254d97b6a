#pragma once
// A cluster made up in memory for tests of the topology at scale: node groups of origins, relays
// (GLOBAL under the origins) and edges (AUTOGROUP, one relay each), with states, loads and
// streams, so tests need no core and no timing. `variant` changes states and loads (not
// membership), as a later snapshot of the same cluster would.

#include "core/engine/clustersnapshot.h"
#include "core/model/nodegroupcodec.h"

#include <QtGlobal>

#include <memory>
#include <string>

namespace sy::test {

struct SyntheticShape {
    int groups = 4;
    int subGroups = 2;
    int origins = 5; // per sub-group
    int relays = 20;
    int edges = 225;
    int nodes() const { return groups * subGroups * (origins + relays + edges); }
};

inline model::NodeGroupConfig syntheticConfig(const std::string& name, int subGroups) {
    const std::string rule = R"({"min": 0, "max": 1000, "increment": 1,
        "outExpression": "avg(cpu.process.load) > 100", "inExpression": "avg(cpu.process.load) < 0",
        "capacityRankingExpression": "connections.subscriber", "capacityLimitExpression": "200"})";
    const std::string rules =
        R"({"origin": )" + rule + R"(, "relay": )" + rule + R"(, "edge": )" + rule + "}";
    std::string groups;
    for (int s = 0; s < subGroups; ++s)
        groups += (s ? "," : "") + std::string(R"("r)") + std::to_string(s) +
                  R"(": {"subGroupName": "r)" + std::to_string(s) + R"(", "rulesByRole": )" +
                  rules + "}";
    auto parsed = model::parseNodeGroup(std::string_view(R"({"name": ")" + name + R"(",
      "cloudPlatform": "SIMULATED",
      "roles": {"origin": {"name": "origin", "capabilities": ["PUBLISH"]},
                "relay": {"name": "relay", "capabilities": [], "parentRoleName": "origin",
                          "parentCardinality": "GLOBAL"},
                "edge": {"name": "edge", "capabilities": ["SUBSCRIBE"], "parentRoleName": "relay",
                         "parentCardinality": "AUTOGROUP"}},
      "groups": {)" + groups + "}}"));
    if (!parsed)
        qFatal("bad synthetic config: %s", model::describe(parsed.error()).c_str());
    return std::move(parsed).value();
}

inline std::string syntheticId(int g, int s, char role, int i) {
    return "g" + std::to_string(g) + "s" + std::to_string(s) + role + std::to_string(i);
}

// The state of a node in a variant: most are INSERVICE; variants move a few through others.
inline model::NodeState syntheticState(int index, int variant) {
    using S = model::NodeState;
    if (variant == 0)
        return index % 50 == 7 ? S::Started : S::InService;
    switch ((index + variant) % 7) {
    case 0:
        return S::Fault;
    case 1:
        return S::SoftSunset;
    default:
        return S::InService;
    }
}

inline engine::NodeView syntheticNode(const std::string& id, int g, int s, const char* role,
                                      int index, int variant) {
    engine::NodeView n;
    n.nodeId = id;
    n.nodeGroup = "group" + std::to_string(g);
    n.subGroup = "r" + std::to_string(s);
    n.role = role;
    n.state = syntheticState(index, variant);
    n.endpoint.address = "10.0." + std::to_string(g) + "." + std::to_string(index % 250);
    n.endpoint.rtmpPort = 1935;
    const double viewers = (index * 37 + variant * 11) % 240;
    n.metrics = {{"connections.publisher", 0},
                 {"connections.subscriber", viewers},
                 {"cpu.process.load", viewers / 250}};
    n.ranking = viewers;
    n.limit = std::string(role) == "edge" ? 200 : 0;
    return n;
}

inline engine::SnapshotPtr syntheticCluster(const SyntheticShape& shape, int variant) {
    auto snap = std::make_shared<engine::ClusterSnapshot>();
    snap->version = static_cast<std::uint64_t>(variant) + 1;
    snap->timeMs = 1'700'000'000'000 + variant * 1000;
    int index = 0;
    for (int g = 0; g < shape.groups; ++g) {
        const std::string name = "group" + std::to_string(g);
        auto& group = snap->groups[name];
        group.config = syntheticConfig(name, shape.subGroups);
        group.simulated = true;
        std::vector<std::string> origins;
        for (int s = 0; s < shape.subGroups; ++s)
            for (int o = 0; o < shape.origins; ++o)
                origins.push_back(syntheticId(g, s, 'o', o));
        for (int s = 0; s < shape.subGroups; ++s) {
            for (int o = 0; o < shape.origins; ++o) {
                auto n = syntheticNode(syntheticId(g, s, 'o', o), g, s, "origin", index++, variant);
                n.metrics["connections.publisher"] = 3;
                for (int k = 0; k < 3; ++k)
                    n.streams.push_back(
                        {"live/" + n.nodeId + "_" + std::to_string(k), true, 0, 2500, 0});
                group.nodes.push_back(std::move(n));
            }
            for (int r = 0; r < shape.relays; ++r) {
                auto n = syntheticNode(syntheticId(g, s, 'r', r), g, s, "relay", index++, variant);
                n.parents = origins;
                group.nodes.push_back(std::move(n));
            }
            for (int e = 0; e < shape.edges; ++e) {
                auto n = syntheticNode(syntheticId(g, s, 'e', e), g, s, "edge", index++, variant);
                n.parents = {syntheticId(g, s, 'r', e % shape.relays)};
                // Each edge plays the first stream of one origin of its group.
                const std::string origin = origins[static_cast<std::size_t>(e) % origins.size()];
                n.streams.push_back({"live/" + origin + "_0", false, 5, 2500, 0});
                group.nodes.push_back(std::move(n));
            }
        }
    }
    return snap;
}

} // namespace sy::test
