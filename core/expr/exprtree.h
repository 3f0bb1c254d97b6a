#pragma once
// Internal: the parsed form shared by the three expression classes. Nodes live in one vector in
// post-order (operands before their operator, the root last), so evaluation is a single forward
// loop with no recursion and no pointer chasing, and the tree is cheap to copy.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sy::expr {
class NodeMetricsTable;
}

namespace sy::expr::detail {

enum class Op : std::uint8_t {
    Number,
    Metric,    // a node's metric (capacity)
    NodeCount, // shuffle size
    // One-argument aggregates over the reporting nodes (scale).
    Avg,
    AggMin,
    AggMax,
    Sum,
    Count,
    // Binary arithmetic; min/max are the two-argument functions of capacity and shuffle size.
    Add,
    Sub,
    Mul,
    Div,
    Min,
    Max,
    // Conditions (scale): 1.0 is true, 0.0 is false.
    Greater,
    Less,
    And,
    Or,
    Not, // unary: operand in lhs
};

inline bool isLeaf(Op op) {
    return op <= Op::Count;
}
inline bool isAggregate(Op op) {
    return op >= Op::Avg && op <= Op::Count;
}
inline bool isCondition(Op op) {
    return op >= Op::Greater;
}

struct Node {
    Op op = Op::Number;
    std::uint32_t column = 0; // 1-based source column, for type errors found after parsing
    std::int32_t lhs = -1;    // operand node indices
    std::int32_t rhs = -1;
    std::uint32_t slot = 0; // catalog slot (Metric, aggregates)
    std::uint32_t ref = 0;  // index of `slot` in ExprTree::metricSlots
    double value = 0;       // Number
};

// x / 0 is 0 in every language: a node that reports no data (a zero denominator) must rank as
// idle rather than become NaN, which would sort unpredictably and poison min()/max().
inline double divide(double a, double b) {
    return b == 0 ? 0.0 : a / b;
}

inline double apply(Op op, double a, double b) {
    switch (op) {
    case Op::Add:
        return a + b;
    case Op::Sub:
        return a - b;
    case Op::Mul:
        return a * b;
    case Op::Div:
        return divide(a, b);
    case Op::Min:
        return b < a ? b : a;
    case Op::Max:
        return b > a ? b : a;
    case Op::Greater:
        return a > b ? 1.0 : 0.0;
    case Op::Less:
        return a < b ? 1.0 : 0.0;
    case Op::And:
        return (a != 0 && b != 0) ? 1.0 : 0.0;
    case Op::Or:
        return (a != 0 || b != 0) ? 1.0 : 0.0;
    case Op::Not:
        return a == 0 ? 1.0 : 0.0;
    default:
        return 0.0;
    }
}

struct ExprTree {
    std::vector<Node> nodes;              // post-order, root last; never empty once parsed
    std::vector<std::size_t> metricSlots; // catalog slots referenced, in order of first use
    std::vector<std::string> slotNames;   // parallel to metricSlots, for toString()

    const Node& root() const { return nodes.back(); }
    // Canonical text with the fewest parentheses that keep the meaning; parses back to an equal
    // tree.
    std::string toString() const;

    // Evaluates with `leaf(node)` supplying Metric / NodeCount / aggregate values. The Red5
    // defaults ("connections.subscriber", "0") are a single leaf: that case stays small enough
    // to inline into the caller's loop; the general walk is a separate function.
    template <class Leaf>
    double evaluate(const Leaf& leaf) const {
        const Node& top = nodes.back();
        if (top.op == Op::Number)
            return top.value;
        if (isLeaf(top.op))
            return leaf(top);
        return evaluateAll(leaf);
    }
    template <class Leaf>
    double evaluateAll(const Leaf& leaf) const;

    // Capacity over many nodes at once: the loop over nodes is innermost, so the per-operator
    // dispatch is paid once per block of rows instead of once per node.
    void evaluateRows(const NodeMetricsTable& table, std::span<double> out) const;
};

template <class Leaf>
double ExprTree::evaluateAll(const Leaf& leaf) const {
    constexpr std::size_t kInline = 64;
    double inlineValues[kInline];
    std::vector<double> heapValues;
    double* values = inlineValues;
    if (nodes.size() > kInline) {
        heapValues.resize(nodes.size());
        values = heapValues.data();
    }
    double last = 0;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const Node& n = nodes[i];
        if (n.op == Op::Number)
            last = n.value;
        else if (isLeaf(n.op))
            last = leaf(n);
        else
            last = apply(n.op, values[n.lhs], n.rhs >= 0 ? values[n.rhs] : 0.0);
        values[i] = last;
    }
    return last;
}

} // namespace sy::expr::detail
