#include "core/expr/exprtree.h"

#include "core/expr/nodemetricstable.h"

#include <algorithm>
#include <charconv>

namespace sy::expr::detail {

namespace {

int precedence(Op op) {
    switch (op) {
    case Op::Or:
        return 1;
    case Op::And:
        return 2;
    case Op::Not:
        return 3;
    case Op::Greater:
    case Op::Less:
        return 4;
    case Op::Add:
    case Op::Sub:
        return 5;
    case Op::Mul:
    case Op::Div:
        return 6;
    default:
        return 7; // leaves and calls bind tightest
    }
}

const char* symbol(Op op) {
    switch (op) {
    case Op::Avg:
        return "avg";
    case Op::AggMin:
    case Op::Min:
        return "min";
    case Op::AggMax:
    case Op::Max:
        return "max";
    case Op::Sum:
        return "sum";
    case Op::Count:
        return "count";
    case Op::Add:
        return " + ";
    case Op::Sub:
        return " - ";
    case Op::Mul:
        return " * ";
    case Op::Div:
        return " / ";
    case Op::Greater:
        return " > ";
    case Op::Less:
        return " < ";
    case Op::And:
        return " && ";
    case Op::Or:
        return " || ";
    default:
        return "";
    }
}

// Shortest decimal that reads back to the same double, never in exponent form (the grammar has
// none). Literals come from decimal text, so they are far from the range where this gets long.
std::string formatNumber(double v) {
    char buf[400];
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    return ec == std::errc{} ? std::string(buf, ptr) : std::string("0");
}

class Printer {
public:
    explicit Printer(const ExprTree& tree)
        : tree_(tree) {}
    void print(std::int32_t index);
    std::string out;

private:
    void operand(std::int32_t index, bool parenthesize) {
        if (parenthesize)
            out += '(';
        print(index);
        if (parenthesize)
            out += ')';
    }
    const std::string& name(const Node& n) const { return tree_.slotNames[n.ref]; }

    const ExprTree& tree_;
};

void Printer::print(std::int32_t index) {
    const Node& n = tree_.nodes[static_cast<std::size_t>(index)];
    switch (n.op) {
    case Op::Number:
        out += formatNumber(n.value);
        return;
    case Op::Metric:
        out += name(n);
        return;
    case Op::NodeCount:
        out += "nodeCount";
        return;
    case Op::Avg:
    case Op::AggMin:
    case Op::AggMax:
    case Op::Sum:
    case Op::Count:
        out += std::string(symbol(n.op)) + '(' + name(n) + ')';
        return;
    case Op::Min:
    case Op::Max:
        out += symbol(n.op);
        out += '(';
        print(n.lhs);
        out += ", ";
        print(n.rhs);
        out += ')';
        return;
    case Op::Not: {
        const Op inner = tree_.nodes[static_cast<std::size_t>(n.lhs)].op;
        out += '!';
        operand(n.lhs, inner != Op::Not); // "!(a > 1)" reads better than the equal "!a > 1"
        return;
    }
    default: {
        // Operators are left-associative: an equal-precedence right operand keeps its parentheses
        // so that the text parses back to the same tree.
        const int p = precedence(n.op);
        operand(n.lhs, precedence(tree_.nodes[static_cast<std::size_t>(n.lhs)].op) < p);
        out += symbol(n.op);
        operand(n.rhs, precedence(tree_.nodes[static_cast<std::size_t>(n.rhs)].op) <= p);
        return;
    }
    }
}

// One operand of a block operation: a column of intermediate values (step 1), a constant
// (step 0), or a metric read straight from the row-major table (step = row stride), so that
// neither constants nor metrics are copied into columns first.
struct Operand {
    const double* p;
    std::size_t step;
};

template <class F>
void mapOperands(Operand a, Operand b, double* out, std::size_t n, F f) {
    // The common shapes get loops the compiler can vectorise; the rest index by step.
    if (a.step == 1 && b.step == 1) {
        for (std::size_t r = 0; r < n; ++r)
            out[r] = f(a.p[r], b.p[r]);
    } else if (a.step == 1 && b.step == 0) {
        const double y = *b.p;
        for (std::size_t r = 0; r < n; ++r)
            out[r] = f(a.p[r], y);
    } else if (a.step == 0 && b.step == 1) {
        const double x = *a.p;
        for (std::size_t r = 0; r < n; ++r)
            out[r] = f(x, b.p[r]);
    } else {
        for (std::size_t r = 0; r < n; ++r)
            out[r] = f(a.p[r * a.step], b.p[r * b.step]);
    }
}

void applyOperands(Op op, Operand a, Operand b, double* out, std::size_t n) {
    switch (op) {
    case Op::Add:
        return mapOperands(a, b, out, n, [](double x, double y) { return x + y; });
    case Op::Sub:
        return mapOperands(a, b, out, n, [](double x, double y) { return x - y; });
    case Op::Mul:
        return mapOperands(a, b, out, n, [](double x, double y) { return x * y; });
    case Op::Div:
        return mapOperands(a, b, out, n, [](double x, double y) { return divide(x, y); });
    case Op::Min:
        return mapOperands(a, b, out, n, [](double x, double y) { return y < x ? y : x; });
    case Op::Max:
        return mapOperands(a, b, out, n, [](double x, double y) { return y > x ? y : x; });
    default:
        return mapOperands(a, b, out, n, [op](double x, double y) { return apply(op, x, y); });
    }
}

} // namespace

std::string ExprTree::toString() const {
    Printer printer(*this);
    printer.print(static_cast<std::int32_t>(nodes.size() - 1));
    return std::move(printer.out);
}

void ExprTree::evaluateRows(const NodeMetricsTable& table, std::span<double> out) const {
    // Blocks of rows keep every intermediate column in L1 while each operator runs as one tight
    // loop over the block: the per-operator dispatch is paid per block, not per node.
    constexpr std::size_t kBlock = 64;
    static const double kZero = 0.0;
    const std::size_t rows = std::min(table.rows(), out.size());
    const std::size_t stride = table.slotCount();
    std::vector<double> columns(nodes.size() * kBlock);
    std::vector<Operand> operands(nodes.size());
    for (std::size_t first = 0; first < rows; first += kBlock) {
        const std::size_t n = std::min(kBlock, rows - first);
        double* target = out.data() + first;
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            const Node& node = nodes[i];
            const bool isRoot = i + 1 == nodes.size();
            if (node.op == Op::Number) {
                operands[i] = {&node.value, 0};
            } else if (node.op == Op::Metric && node.slot < stride) {
                operands[i] = {table.data() + first * stride + node.slot, stride};
            } else if (isLeaf(node.op)) {
                operands[i] = {&kZero, 0}; // a slot the table does not have
            } else {
                double* column = isRoot ? target : columns.data() + i * kBlock;
                const Operand a = operands[static_cast<std::size_t>(node.lhs)];
                const Operand b = node.rhs >= 0 ? operands[static_cast<std::size_t>(node.rhs)] : a;
                applyOperands(node.op, a, b, column, n);
                operands[i] = {column, 1};
            }
        }
        const Operand root = operands.back();
        if (root.p != target) // a single-leaf expression: copy the metric or constant
            for (std::size_t r = 0; r < n; ++r)
                target[r] = root.p[r * root.step];
    }
}

} // namespace sy::expr::detail
