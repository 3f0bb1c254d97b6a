// Parsed expressions against the same formulas written in C++, over 1,000 nodes' metrics.
// The aim is a parsed evaluation within 3x of the hand-written one: the scale loop and routing run
// these for every SubGroup x Role and every candidate node, so the interpreter must stay cheap.

#include "core/expr/expression.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

using namespace sy::expr;

namespace {

constexpr std::size_t kNodes = 1000;
constexpr int kRuns = 9; // odd, for a true median
constexpr double kAim = 3.0;

// Tells the compiler that `p` is read and memory may have changed, so a result cannot be dropped
// and loop-invariant work cannot be hoisted out of the repetition loop.
template <class T>
void keep(const T& value) {
    asm volatile("" : : "r"(&value) : "memory");
}

// splitmix64: deterministic everywhere, unlike std::uniform_real_distribution.
class Random {
public:
    double next(double lo, double hi) {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        return lo + (hi - lo) * static_cast<double>(z >> 11) / static_cast<double>(1ULL << 53);
    }

private:
    std::uint64_t state_ = 42;
};

std::size_t slot(const char* name) {
    return *MetricCatalog::standard().slotOf(name);
}

const std::size_t kSubscriber = slot("connections.subscriber");
const std::size_t kPublisher = slot("connections.publisher");
const std::size_t kLoad = slot("cpu.process.load");

NodeMetricsTable makeNodes() {
    const auto& catalog = MetricCatalog::standard();
    NodeMetricsTable table(catalog.size());
    table.reserve(kNodes);
    Random random;
    for (std::size_t i = 0; i < kNodes; ++i) {
        auto row = table.appendRow();
        for (double& v : row) // every slot filled, as from a real status report
            v = random.next(0, 1000);
        row[kSubscriber] = random.next(0, 240);
        row[kPublisher] = random.next(0, 20);
        row[kLoad] = random.next(0, 0.92);
    }
    return table;
}

// Median wall time of one call of `body`, in nanoseconds.
double medianNs(const std::function<void()>& body) {
    using Clock = std::chrono::steady_clock;
    // Calibrate the repetitions to about 20 ms per run.
    int reps = 1;
    for (;;) {
        const auto t0 = Clock::now();
        for (int i = 0; i < reps; ++i)
            body();
        if (Clock::now() - t0 > std::chrono::milliseconds(20) || reps > (1 << 28))
            break;
        reps *= 2;
    }
    std::vector<double> runs;
    for (int r = 0; r < kRuns; ++r) {
        const auto t0 = Clock::now();
        for (int i = 0; i < reps; ++i)
            body();
        const std::chrono::duration<double, std::nano> elapsed = Clock::now() - t0;
        runs.push_back(elapsed.count() / reps);
    }
    std::nth_element(runs.begin(), runs.begin() + kRuns / 2, runs.end());
    return runs[kRuns / 2];
}

struct Figures {
    double parsed;
    double direct;
    double ratio() const { return parsed / direct; }
};

void report(const std::string& what, Figures f, double scale, const char* unit, bool aim) {
    std::printf("%s: parsed %.2f %s, direct %.2f %s, ratio %.2fx", what.c_str(), f.parsed / scale,
                unit, f.direct / scale, unit, f.ratio());
    if (aim)
        std::printf(" (aim <= %.0fx)%s", kAim, f.ratio() <= kAim ? "" : "  ** above aim **");
    std::printf("\n");
}

// The hand-written twin of the scale expression below.
bool directScale(const NodeMetricsTable& nodes) {
    double sum = 0;
    double max = -1e300;
    for (std::size_t r = 0; r < nodes.rows(); ++r) {
        const auto row = nodes.row(r);
        sum += row[kSubscriber];
        max = std::max(max, row[kLoad]);
    }
    const double avg = nodes.rows() ? sum / static_cast<double>(nodes.rows()) : 0.0;
    return avg > 120 || max > 0.9;
}

double directCapacity(std::span<const double> m) {
    return m[kSubscriber] + m[kPublisher] * 10 + std::min(m[kLoad] * 100, 90.0);
}

void benchScale(const NodeMetricsTable& nodes) {
    const char* text = "avg(connections.subscriber) > 120 || max(cpu.process.load) > 0.9";
    const auto expr = ScaleExpression::parse(text).value();
    if (expr.evaluate(nodes) != directScale(nodes))
        std::printf("MISMATCH between parsed and direct scale results\n");
    const Figures f{medianNs([&] { keep(expr.evaluate(nodes)); }),
                    medianNs([&] { keep(directScale(nodes)); })};
    report("scale expression over " + std::to_string(kNodes) + " nodes", f, 1000.0, "us", true);
}

// `direct` is a lambda, not a function pointer, so that the baseline inlines like real code.
template <class Direct>
void benchCapacity(const NodeMetricsTable& nodes, const char* text, Direct direct) {
    const auto expr = CapacityExpression::parse(text).value();
    std::vector<double> out(nodes.rows());
    for (std::size_t r = 0; r < nodes.rows(); ++r)
        if (expr.evaluate(nodes.row(r)) != direct(nodes.row(r)))
            std::printf("MISMATCH between parsed and direct capacity results\n");

    auto perNode = [&](auto&& evaluate) {
        return medianNs([&] {
                   for (std::size_t r = 0; r < nodes.rows(); ++r)
                       out[r] = evaluate(nodes.row(r));
                   keep(out);
               }) /
               static_cast<double>(nodes.rows());
    };
    const double directNs = perNode(direct);
    const Figures single{perNode([&](std::span<const double> m) { return expr.evaluate(m); }),
                         directNs};
    const Figures batch{medianNs([&] {
                            expr.evaluate(nodes, out);
                            keep(out);
                        }) / static_cast<double>(nodes.rows()),
                        directNs};
    const std::string name = "capacity '" + std::string(text) + "'";
    report(name + ", one node per call", single, 1.0, "ns/node", true);
    report(name + ", 1000 nodes per call", batch, 1.0, "ns/node", true);
}

void benchParse() {
    const char* scale = "avg(connections.subscriber) > 120 || max(cpu.process.load) > 0.9";
    const char* capacity = "connections.subscriber + connections.publisher * 10 + "
                           "min(cpu.process.load * 100, 90)";
    const double s = medianNs([&] { keep(ScaleExpression::parse(scale)); });
    const double c = medianNs([&] { keep(CapacityExpression::parse(capacity)); });
    std::printf("parse once: scale %.2f us, capacity %.2f us\n", s / 1000, c / 1000);
}

} // namespace

int main() {
    std::printf("bench_expr (%s build), median of %d runs\n", SWITCHYARD_BUILD_TYPE, kRuns);
    const NodeMetricsTable nodes = makeNodes();
    benchScale(nodes);
    benchCapacity(nodes, "connections.subscriber",
                  [](std::span<const double> m) { return m[kSubscriber]; });
    benchCapacity(nodes,
                  "connections.subscriber + connections.publisher * 10 + "
                  "min(cpu.process.load * 100, 90)",
                  [](std::span<const double> m) { return directCapacity(m); });
    benchParse();
    return 0;
}
