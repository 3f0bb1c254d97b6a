// Feeds arbitrary text to the three expression parsers and evaluates whatever parses. Besides
// crashes and sanitizer reports, it traps when an invariant breaks: an error column outside the
// input, a canonical text that does not parse back to itself, the batch or aggregate paths
// disagreeing with the plain ones, a shuffle size below 1.

#include "core/expr/expression.h"
#include "core/expr/lexer.h"

#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

using namespace sy::expr;

namespace {

void require(bool condition) {
    if (!condition)
        __builtin_trap();
}

bool same(double a, double b) {
    return a == b || (std::isnan(a) && std::isnan(b));
}

// The canonical text adds spaces, so it may outgrow the input limit of a near-limit input.
template <class Expression>
void checkRoundTrip(const Expression& e) {
    const std::string canonical = e.toString();
    if (canonical.size() > detail::kMaxSourceLength)
        return;
    auto again = Expression::parse(canonical);
    require(again.ok() && again->toString() == canonical);
}

void checkError(const ParseError& e, std::size_t size) {
    require(e.column >= 1 && e.column <= size + 1);
    require(e.message.rfind("column " + std::to_string(e.column) + ": ", 0) == 0);
}

// A few nodes whose values come from the input, plus the awkward ones: 0, negatives, huge, NaN.
NodeMetricsTable makeNodes(std::string_view text) {
    static const double kSpecial[] = {0.0,
                                      -1.0,
                                      0.5,
                                      1e308,
                                      -1e308,
                                      std::numeric_limits<double>::quiet_NaN(),
                                      std::numeric_limits<double>::infinity()};
    const std::size_t slots = MetricCatalog::standard().size();
    NodeMetricsTable table(slots);
    const std::size_t rows = text.size() % 5; // includes the empty SubGroup x Role
    std::uint32_t h = 2166136261u;
    for (char c : text)
        h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    for (std::size_t r = 0; r < rows; ++r) {
        auto row = table.appendRow();
        for (std::size_t s = 0; s < slots; ++s) {
            h = h * 1103515245u + 12345u;
            row[s] = (h >> 28) < 7 ? kSpecial[h >> 28] : static_cast<double>(h % 1000) / 4;
        }
    }
    return table;
}

void fuzzCapacity(std::string_view text, const NodeMetricsTable& nodes) {
    auto e = CapacityExpression::parse(text);
    if (!e) {
        checkError(e.error(), text.size());
        return;
    }
    std::vector<double> batch(nodes.rows());
    e->evaluate(nodes, batch);
    for (std::size_t r = 0; r < nodes.rows(); ++r)
        require(same(batch[r], e->evaluate(nodes.row(r))) && !std::isnan(batch[r]));
    checkRoundTrip(*e);
}

void fuzzScale(std::string_view text, const NodeMetricsTable& nodes) {
    auto e = ScaleExpression::parse(text);
    if (!e) {
        checkError(e.error(), text.size());
        return;
    }
    require(e->evaluate(nodes) == e->evaluate(AggregateSet::fromTable(nodes)));
    checkRoundTrip(*e);
}

void fuzzShuffle(std::string_view text) {
    auto e = ShuffleSizeExpression::parse(text);
    if (!e) {
        checkError(e.error(), text.size());
        return;
    }
    for (int n : {0, 1, 5, 30, INT_MAX})
        require(e->evaluate(n) >= 1);
    checkRoundTrip(*e);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const NodeMetricsTable nodes = makeNodes(text);
    fuzzCapacity(text, nodes);
    fuzzScale(text, nodes);
    fuzzShuffle(text);
    return 0;
}
