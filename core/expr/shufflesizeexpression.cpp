#include "core/expr/shufflesizeexpression.h"

#include "core/expr/parser.h"

#include <cmath>
#include <limits>

namespace sy::expr {

Result<ShuffleSizeExpression, ParseError>
ShuffleSizeExpression::parse(std::string_view source, const MetricCatalog& catalog) {
    auto tree = detail::parse(Language::ShuffleSize, source, catalog);
    if (!tree)
        return unexpected(std::move(tree).error());
    return ShuffleSizeExpression(std::move(tree).value(), std::string(source));
}

double ShuffleSizeExpression::value(int nodeCount) const {
    const double n = nodeCount;
    return tree_.evaluate([n](const detail::Node&) { return n; });
}

int ShuffleSizeExpression::evaluate(int nodeCount) const {
    constexpr double kTolerance = 1e-9;
    constexpr double kMax = std::numeric_limits<int>::max();
    const double v = std::floor(value(nodeCount) + kTolerance);
    if (!(v >= 1)) // also catches NaN
        return 1;
    return v >= kMax ? std::numeric_limits<int>::max() : static_cast<int>(v);
}

} // namespace sy::expr
