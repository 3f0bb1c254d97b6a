#include "core/expr/aggregateset.h"

#include "core/expr/nodemetricstable.h"

#include <limits>

namespace sy::expr {

void AggregateSet::add(std::size_t slot, double value) {
    Aggregate& a = aggregates_.at(slot);
    if (a.count == 0) {
        a.min = std::numeric_limits<double>::infinity();
        a.max = -std::numeric_limits<double>::infinity();
    }
    // The same comparisons as ScaleExpression's pass over a table, so that both agree even on a
    // NaN value (which never becomes the min or max).
    a.min = value < a.min ? value : a.min;
    a.max = value > a.max ? value : a.max;
    a.sum += value;
    a.count += 1;
}

AggregateSet AggregateSet::fromTable(const NodeMetricsTable& table) {
    AggregateSet set(table.slotCount());
    for (std::size_t r = 0; r < table.rows(); ++r) {
        const auto row = table.row(r);
        for (std::size_t s = 0; s < row.size(); ++s)
            set.add(s, row[s]);
    }
    return set;
}

} // namespace sy::expr
