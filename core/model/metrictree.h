#pragma once
// The metric tree nodes report (reference §3.3): {name, value} leaves under {name, children}
// branches, flattened to dotted names ("connections.subscriber") for expressions and charts.

#include "core/model/problem.h"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sy::model {

struct MetricNode {
    std::string name;
    std::optional<double> value;
    std::vector<MetricNode> children;
    bool operator==(const MetricNode&) const = default;
};

using MetricTree = std::vector<MetricNode>;
using FlatMetrics = std::map<std::string, double>;

FlatMetrics flatten(const MetricTree& tree);
// Builds the tree back from dotted names; flatten(unflatten(m)) == m.
MetricTree unflatten(const FlatMetrics& flat);

nlohmann::json encodeMetricTree(const MetricTree& tree);
MetricTree decodeMetricTree(const nlohmann::json& j, const std::string& path, Problems& problems);

// The aggregate tree of /evaluate/scale: {"cpu":{"name","sum","min","max","count",
// "children":{…}}}, keyed by name. Flattened to dotted name → aggregate.
struct MetricAggregate {
    double sum = 0;
    double min = 0;
    double max = 0;
    double count = 0;
    bool operator==(const MetricAggregate&) const = default;
};
using FlatAggregates = std::map<std::string, MetricAggregate>;

FlatAggregates decodeAggregateTree(const nlohmann::json& j, const std::string& path,
                                   Problems& problems);
nlohmann::json encodeAggregateTree(const FlatAggregates& flat);

} // namespace sy::model
