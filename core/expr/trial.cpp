#include "core/expr/trial.h"

#include "core/expr/capacityexpression.h"
#include "core/expr/metriccatalog.h"
#include "core/expr/scaleexpression.h"

#include <vector>

namespace sy::expr {

namespace {

// The standard catalog plus the names the sample carries, so that a node's custom metric can be
// tried before any node reports it.
template <class Map>
MetricCatalog catalogFor(const Map& sample) {
    std::vector<std::string> extra;
    for (const auto& [name, value] : sample)
        if (!MetricCatalog::standard().contains(name))
            extra.push_back(name);
    return MetricCatalog::withExtras(extra);
}

} // namespace

Result<double, ParseError> tryCapacity(const std::string& source,
                                       const std::map<std::string, double>& metrics) {
    const auto catalog = catalogFor(metrics);
    auto e = CapacityExpression::parse(source, catalog);
    if (!e)
        return unexpected(e.error());
    std::vector<double> row(catalog.size(), 0.0);
    for (const auto& [name, value] : metrics)
        row[*catalog.slotOf(name)] = value;
    return e->evaluate(row);
}

Result<bool, ParseError> tryScale(const std::string& source,
                                  const std::map<std::string, Aggregate>& aggregates) {
    const auto catalog = catalogFor(aggregates);
    auto e = ScaleExpression::parse(source, catalog);
    if (!e)
        return unexpected(e.error());
    AggregateSet set(catalog.size());
    for (const auto& [name, a] : aggregates)
        set.at(*catalog.slotOf(name)) = a;
    return e->evaluate(set);
}

} // namespace sy::expr
