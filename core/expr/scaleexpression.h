#pragma once
// outExpression / inExpression of a ScaleRule (reference §5): a condition over aggregates of the
// metrics of one SubGroup x Role's reporting nodes, checked on every scale-loop tick.

#include "core/expr/exprtree.h"
#include "core/expr/metriccatalog.h"
#include "core/expr/parseerror.h"
#include "core/util/result.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sy::expr {

class AggregateSet;
class NodeMetricsTable;

class ScaleExpression {
public:
    // Grammar: bool := conj ('||' conj)*; conj := unary ('&&' unary)*;
    // unary := '!' unary | '(' bool ')' | sum ('>'|'<') sum; sum/prod as usual;
    // atom := NUMBER | ('avg'|'min'|'max'|'sum'|'count') '(' METRIC ')' | '(' sum ')'.
    // Metrics outside an aggregate, unknown metrics, and '>=', '<=', '==', '!=' are errors.
    static Result<ScaleExpression, ParseError>
    parse(std::string_view source, const MetricCatalog& catalog = MetricCatalog::standard());

    // Each row of `nodes` is one reporting node. Aggregates are computed in one pass over the
    // rows and only for referencedSlots(). With no rows, avg/min/max/sum/count are all 0.
    bool evaluate(const NodeMetricsTable& nodes) const;
    // Aggregates computed elsewhere, e.g. posted to SM2's /evaluate/scale.
    bool evaluate(const AggregateSet& aggregates) const;

    const std::vector<std::size_t>& referencedSlots() const { return tree_.metricSlots; }
    std::string toString() const { return tree_.toString(); }
    const std::string& source() const { return source_; }

private:
    ScaleExpression(detail::ExprTree tree, std::string source)
        : tree_(std::move(tree))
        , source_(std::move(source)) {}

    detail::ExprTree tree_;
    std::string source_;
};

} // namespace sy::expr
