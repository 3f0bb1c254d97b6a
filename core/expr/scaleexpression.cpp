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

// Running sum/min/max per referenced slot, filled by one pass over the rows. Slots the table does
// not have stay at 0.
class Accumulators {
public:
    Accumulators(const std::vector<std::size_t>& metricSlots, std::size_t stride)
        : values_(3 * metricSlots.size(), 0.0) {
        for (std::size_t j = 0; j < metricSlots.size(); ++j)
            if (metricSlots[j] < stride)
                columns_.push_back({metricSlots[j], j});
    }

    void run(const NodeMetricsTable& nodes) {
        // Expressions reference one to four metrics; a fixed count lets the accumulators live in
        // registers for the whole pass instead of being stored and reloaded per row.
        switch (columns_.size()) {
        case 0:
            return;
        case 1:
            return runFixed<1>(nodes);
        case 2:
            return runFixed<2>(nodes);
        case 3:
            return runFixed<3>(nodes);
        case 4:
            return runFixed<4>(nodes);
        default:
            return runAny(nodes);
        }
    }

    // sum, min, max of the ref-th referenced slot.
    const double* of(std::size_t ref) const { return values_.data() + 3 * ref; }

private:
    struct Column {
        std::size_t slot;
        std::size_t ref;
    };
    static constexpr double kInf = std::numeric_limits<double>::infinity();

    template <std::size_t K>
    void runFixed(const NodeMetricsTable& nodes);
    void runAny(const NodeMetricsTable& nodes);

    std::vector<Column> columns_;
    std::vector<double> values_;
};

template <std::size_t K>
void Accumulators::runFixed(const NodeMetricsTable& nodes) {
    std::size_t slot[K];
    double sum[K], min[K], max[K];
    for (std::size_t j = 0; j < K; ++j) {
        slot[j] = columns_[j].slot;
        sum[j] = 0;
        min[j] = kInf;
        max[j] = -kInf;
    }
    const double* data = nodes.data();
    const std::size_t stride = nodes.slotCount();
    for (std::size_t r = 0; r < nodes.rows(); ++r) {
        const double* row = data + r * stride;
        for (std::size_t j = 0; j < K; ++j) {
            const double x = row[slot[j]];
            sum[j] += x;
            min[j] = x < min[j] ? x : min[j];
            max[j] = x > max[j] ? x : max[j];
        }
    }
    for (std::size_t j = 0; j < K; ++j) {
        double* v = values_.data() + 3 * columns_[j].ref;
        v[0] = sum[j];
        v[1] = min[j];
        v[2] = max[j];
    }
}

void Accumulators::runAny(const NodeMetricsTable& nodes) {
    for (const Column& c : columns_) {
        values_[3 * c.ref + 1] = kInf;
        values_[3 * c.ref + 2] = -kInf;
    }
    for (std::size_t r = 0; r < nodes.rows(); ++r) {
        const auto row = nodes.row(r);
        for (const Column& c : columns_) {
            const double x = row[c.slot];
            double* v = values_.data() + 3 * c.ref;
            v[0] += x;
            v[1] = x < v[1] ? x : v[1];
            v[2] = x > v[2] ? x : v[2];
        }
    }
}

} // namespace

Result<ScaleExpression, ParseError> ScaleExpression::parse(std::string_view source,
                                                           const MetricCatalog& catalog) {
    auto tree = detail::parse(Language::Scale, source, catalog);
    if (!tree)
        return unexpected(std::move(tree).error());
    return ScaleExpression(std::move(tree).value(), std::string(source));
}

bool ScaleExpression::evaluate(const NodeMetricsTable& nodes) const {
    Accumulators acc(tree_.metricSlots, nodes.slotCount());
    acc.run(nodes);
    const double count = static_cast<double>(nodes.rows());
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
