#pragma once
// capacityRankingExpression / capacityLimitExpression (reference §5): arithmetic over one node's
// metrics, lower meaning less loaded. Parsed and checked against a MetricCatalog once, then
// evaluated for every node on every routing decision.

#include "core/expr/exprtree.h"
#include "core/expr/metriccatalog.h"
#include "core/expr/parseerror.h"
#include "core/util/result.h"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sy::expr {

class NodeMetricsTable;

class CapacityExpression {
public:
    // Grammar: expr := term (('+'|'-') term)*; term := factor (('*'|'/') factor)*;
    // factor := NUMBER | METRIC | '(' expr ')' | ('min'|'max') '(' expr ',' expr ')'.
    // Unknown metrics and aggregates (avg, sum, ...) are errors.
    static Result<CapacityExpression, ParseError>
    parse(std::string_view source, const MetricCatalog& catalog = MetricCatalog::standard());

    // `metrics` is one node's values indexed by catalog slot; slots past its end read as 0.
    // x / 0 is 0 and a NaN result is 0, so that a node without data ranks as idle, never as NaN.
    double evaluate(std::span<const double> metrics) const {
        // Inline: routing calls this once per candidate node.
        const double v = tree_.evaluate([metrics](const detail::Node& n) {
            return n.slot < metrics.size() ? metrics[n.slot] : 0.0;
        });
        return v == v ? v : 0.0; // NaN (NaN input, inf - inf) ranks as idle, like x / 0
    }
    // Every row of `nodes` at once into out[0, rows): the fast path for ranking many nodes.
    // Rows beyond out.size() are skipped.
    void evaluate(const NodeMetricsTable& nodes, std::span<double> out) const;

    // Catalog slots the expression reads, in order of first use.
    const std::vector<std::size_t>& referencedSlots() const { return tree_.metricSlots; }
    // Normalised text: single spaces, minimal parentheses, e.g. "min(cpu.process.load * 100, 90)".
    std::string toString() const { return tree_.toString(); }
    const std::string& source() const { return source_; }

private:
    CapacityExpression(detail::ExprTree tree, std::string source)
        : tree_(std::move(tree))
        , source_(std::move(source)) {}

    detail::ExprTree tree_;
    std::string source_;
};

} // namespace sy::expr
