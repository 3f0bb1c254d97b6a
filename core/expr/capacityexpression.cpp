#include "core/expr/capacityexpression.h"

#include "core/expr/nodemetricstable.h"
#include "core/expr/parser.h"

namespace sy::expr {

namespace {

// As in evaluate(span): NaN arises only from NaN inputs or inf - inf, and ranks as idle.
double finiteOrZero(double v) {
    return v == v ? v : 0.0;
}

} // namespace

Result<CapacityExpression, ParseError> CapacityExpression::parse(std::string_view source,
                                                                 const MetricCatalog& catalog) {
    auto tree = detail::parse(Language::Capacity, source, catalog);
    if (!tree)
        return unexpected(std::move(tree).error());
    return CapacityExpression(std::move(tree).value(), std::string(source));
}

void CapacityExpression::evaluate(const NodeMetricsTable& nodes, std::span<double> out) const {
    tree_.evaluateRows(nodes, out);
    const std::size_t n = std::min(nodes.rows(), out.size());
    for (std::size_t i = 0; i < n; ++i)
        out[i] = finiteOrZero(out[i]);
}

} // namespace sy::expr
