#include "core/expr/scaleexpression.h"

#include "core/expr/aggregateset.h"
#include "core/expr/nodemetricstable.h"
#include "core/expr/parser.h"

#include <limits>

namespace sy::expr {

namespace {

using detail::Op;

double aggregateValue(Op op, double sum, double min, double max, double count) {
    if (count <= 0)
        return 0.0; // no reporting nodes: every aggregate is 0, including min and max
    switch (op) {
    case Op::Avg:
        return sum / count;
    case Op::AggMin:
        return min;
    case Op::AggMax:
        return max;
    case Op::Sum:
        return sum;
    case Op::Count:
        return count;
    default:
        return 0.0;
    }
}

// Running sum/min/max per referenced slot, in one small array so that the single pass over the
// rows touches nothing else. Slots the table does not have stay at 0.
class Accumulators {
public:
    Accumulators(const std::vector<std::size_t>& slots, std::size_t stride)
        : values_(3 * slots.size(), 0.0) {
        for (std::size_t j = 0; j < slots.size(); ++j) {
            if (slots[j] >= stride)
                continue;
            columns_.push_back({slots[j], j});
            values_[3 * j + 1] = std::numeric_limits<double>::infinity();
            values_[3 * j + 2] = -std::numeric_limits<double>::infinity();
        }
    }

    void addRow(const double* row) {
        double* v = values_.data();
        for (const Column& c : columns_) {
            const double x = row[c.slot];
            double* a = v + 3 * c.ref;
            a[0] += x;
            a[1] = x < a[1] ? x : a[1];
            a[2] = x > a[2] ? x : a[2];
        }
    }
    // sum, min, max of the ref-th referenced slot.
    const double* of(std::size_t ref) const { return values_.data() + 3 * ref; }

private:
    struct Column {
        std::size_t slot;
        std::size_t ref;
    };
    std::vector<Column> columns_;
    std::vector<double> values_;
};

} // namespace

Result<ScaleExpression, ParseError> ScaleExpression::parse(std::string_view source,
                                                           const MetricCatalog& catalog) {
    auto tree = detail::parse(Language::Scale, source, catalog);
    if (!tree)
        return unexpected(std::move(tree).error());
    return ScaleExpression(std::move(tree).value(), std::string(source));
}

bool ScaleExpression::evaluate(const NodeMetricsTable& nodes) const {
    Accumulators acc(tree_.slots, nodes.slots());
    const std::size_t rows = nodes.rows();
    const std::size_t stride = nodes.slots();
    for (std::size_t r = 0; r < rows; ++r)
        acc.addRow(nodes.data() + r * stride);
    const double count = static_cast<double>(rows);
    return tree_.evaluate([&acc, count](const detail::Node& n) {
        const double* a = acc.of(n.ref);
        return aggregateValue(n.op, a[0], a[1], a[2], count);
    }) != 0.0;
}

bool ScaleExpression::evaluate(const AggregateSet& aggregates) const {
    return tree_.evaluate([&aggregates](const detail::Node& n) {
        const Aggregate& a = aggregates[n.slot];
        return aggregateValue(n.op, a.sum, a.min, a.max, a.count);
    }) != 0.0;
}

} // namespace sy::expr
