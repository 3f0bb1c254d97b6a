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

template <class F>
void mapColumns(const double* a, const double* b, double* out, std::size_t n, F f) {
    for (std::size_t r = 0; r < n; ++r)
        out[r] = f(a[r], b[r]);
}

void applyColumns(Op op, const double* a, const double* b, double* out, std::size_t n) {
    switch (op) {
    case Op::Add:
        return mapColumns(a, b, out, n, [](double x, double y) { return x + y; });
    case Op::Sub:
        return mapColumns(a, b, out, n, [](double x, double y) { return x - y; });
    case Op::Mul:
        return mapColumns(a, b, out, n, [](double x, double y) { return x * y; });
    case Op::Div:
        return mapColumns(a, b, out, n, [](double x, double y) { return divide(x, y); });
    case Op::Min:
        return mapColumns(a, b, out, n, [](double x, double y) { return y < x ? y : x; });
    case Op::Max:
        return mapColumns(a, b, out, n, [](double x, double y) { return y > x ? y : x; });
    default:
        return mapColumns(a, b, out, n, [op](double x, double y) { return apply(op, x, y); });
    }
}

} // namespace

std::string ExprTree::toString() const {
    Printer printer(*this);
    printer.print(static_cast<std::int32_t>(nodes.size() - 1));
    return std::move(printer.out);
}

void ExprTree::evaluateRows(const NodeMetricsTable& table, std::span<double> out) const {
    // Blocks of rows keep every intermediate column in L1 while each operator runs as a tight,
    // vectorisable loop.
    constexpr std::size_t kBlock = 64;
    const std::size_t rows = std::min(table.rows(), out.size());
    const std::size_t stride = table.slots();
    std::vector<double> columns(nodes.size() * kBlock);
    for (std::size_t first = 0; first < rows; first += kBlock) {
        const std::size_t n = std::min(kBlock, rows - first);
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            const Node& node = nodes[i];
            double* column = columns.data() + i * kBlock;
            if (node.op == Op::Metric && node.slot < stride) {
                const double* cell = table.data() + first * stride + node.slot;
                for (std::size_t r = 0; r < n; ++r)
                    column[r] = cell[r * stride];
            } else if (isLeaf(node.op)) {
                std::fill_n(column, n, node.op == Op::Number ? node.value : 0.0);
            } else {
                const double* a = columns.data() + static_cast<std::size_t>(node.lhs) * kBlock;
                const double* b = node.rhs >= 0
                                      ? columns.data() + static_cast<std::size_t>(node.rhs) * kBlock
                                      : a;
                applyColumns(node.op, a, b, column, n);
            }
        }
        const double* root = columns.data() + (nodes.size() - 1) * kBlock;
        std::copy_n(root, n, out.begin() + static_cast<std::ptrdiff_t>(first));
    }
}

} // namespace sy::expr::detail
