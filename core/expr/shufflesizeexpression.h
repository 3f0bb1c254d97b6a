#pragma once
// shuffleSizeExpression of a node group (reference §5): how many of the best-ranked nodes routing
// shuffles between, as arithmetic over `nodeCount` with two-argument min()/max().

#include "core/expr/exprtree.h"
#include "core/expr/metriccatalog.h"
#include "core/expr/parseerror.h"
#include "core/util/result.h"

#include <string>
#include <string_view>

namespace sy::expr {

class ShuffleSizeExpression {
public:
    // Capacity's grammar with `nodeCount` as the only name; metrics are errors. The catalog only
    // serves to say "metric 'x' is not allowed" rather than "unknown name 'x'".
    static Result<ShuffleSizeExpression, ParseError>
    parse(std::string_view source, const MetricCatalog& catalog = MetricCatalog::standard());

    // The pool size for `nodeCount` candidate nodes: floored, at least 1, at most INT_MAX.
    // Red5 leaves rounding open; flooring matches "max(nodeCount*0.1, 2)" giving 3 for 30 nodes.
    // A value within 1e-9 below an integer counts as that integer, because decimal literals are
    // inexact in binary (100 * 0.29 is 28.999999999999996, meant as 29).
    int evaluate(int nodeCount) const;
    // The unrounded value, for display.
    double value(int nodeCount) const;

    std::string toString() const { return tree_.toString(); }
    const std::string& source() const { return source_; }

private:
    ShuffleSizeExpression(detail::ExprTree tree, std::string source)
        : tree_(std::move(tree))
        , source_(std::move(source)) {}

    detail::ExprTree tree_;
    std::string source_;
};

} // namespace sy::expr
