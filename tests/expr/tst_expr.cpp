// The expression engine (core/expr) against reference §5: values, precedence, the documented
// error positions, Red5's generated defaults, and the fast paths agreeing with the plain ones.
// Values, precedence and Red5's defaults are here; errors and the catalog in tst_expr_errors.cpp.

#include "tst_expr.h"

#include <climits>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

using namespace sy::expr;
using exprtest::slot;
using exprtest::view;

namespace {

using Values = std::vector<std::pair<const char*, double>>;

std::vector<double> nodeMetrics(const Values& values) {
    std::vector<double> m(MetricCatalog::standard().size(), 0.0);
    for (const auto& [name, v] : values)
        m[slot(name)] = v;
    return m;
}

// One row per node; each node sets `name` to the given value.
NodeMetricsTable tableOf(const char* name, const std::vector<double>& perNode) {
    NodeMetricsTable table(MetricCatalog::standard().size());
    for (double v : perNode)
        table.appendRow()[slot(name)] = v;
    return table;
}

// Three edges: subscribers 100/150/110 (avg 120), process load 0.2/0.95/0.5.
NodeMetricsTable edgeFixture() {
    NodeMetricsTable table(MetricCatalog::standard().size());
    const double subs[] = {100, 150, 110};
    const double load[] = {0.2, 0.95, 0.5};
    for (int i = 0; i < 3; ++i) {
        auto row = table.appendRow();
        row[slot("connections.subscriber")] = subs[i];
        row[slot("cpu.process.load")] = load[i];
    }
    return table;
}

bool isRoutable(const char* ranking, const char* limit, const std::vector<double>& metrics) {
    auto r = CapacityExpression::parse(ranking);
    auto l = CapacityExpression::parse(limit);
    if (!r || !l)
        qFatal("default capacity expression does not parse");
    // §3.2: a node whose ranking is >= the limit gets no new routes.
    return r->evaluate(metrics) < l->evaluate(metrics);
}

} // namespace

void TestExpr::capacityValues_data() {
    QTest::addColumn<QByteArray>("expression");
    QTest::addColumn<double>("expected");

    QTest::addRow("single metric") << QByteArray("connections.subscriber") << 150.0;
    QTest::addRow("constant") << QByteArray("0") << 0.0;
    QTest::addRow("fraction") << QByteArray("1.25 * 4") << 5.0;
    QTest::addRow("* before +") << QByteArray("connections.subscriber + connections.publisher * 10")
                                << 190.0;
    QTest::addRow("parentheses") << QByteArray(
                                        "(connections.subscriber + connections.publisher) * 10")
                                 << 1540.0;
    QTest::addRow("- is left-assoc") << QByteArray("10 - 4 - 3") << 3.0;
    QTest::addRow("/ is left-assoc") << QByteArray("100 / 10 / 5") << 2.0;
    QTest::addRow("min two args") << QByteArray("min(connections.subscriber, 100)") << 100.0;
    QTest::addRow("max two args") << QByteArray("max(connections.subscriber, 1000)") << 1000.0;
    QTest::addRow("nested min max")
        << QByteArray("min(max(cpu.process.load * 100, 10), 40)") << 40.0;
    QTest::addRow("digit segment") << QByteArray("cpu.loadavg.1min * 2") << 3.0;
    QTest::addRow("x / 0 is 0") << QByteArray("connections.subscriber / connections.restreamer")
                                << 0.0;
    QTest::addRow("x / 0 inside a sum") << QByteArray("1 + 5 / (2 - 2)") << 1.0;
    QTest::addRow("whitespace anywhere") << QByteArray(" \tconnections.subscriber\n*2 ") << 300.0;
    QTest::addRow("switchyard addition") << QByteArray("memory.process.rss / 1024") << 2.0;
}

void TestExpr::capacityValues() {
    QFETCH(QByteArray, expression);
    QFETCH(double, expected);
    const auto metrics = nodeMetrics({{"connections.subscriber", 150},
                                      {"connections.publisher", 4},
                                      {"cpu.process.load", 0.5},
                                      {"cpu.loadavg.1min", 1.5},
                                      {"memory.process.rss", 2048}});
    auto e = CapacityExpression::parse(view(expression));
    QVERIFY2(e.ok(), e.ok() ? "" : e.error().message.c_str());
    QCOMPARE(e->evaluate(metrics), expected);
    QVERIFY(!validate(Language::Capacity, view(expression)).has_value());
}

void TestExpr::capacityBatchMatchesSingleNode() {
    auto e = CapacityExpression::parse(
        "connections.subscriber / connections.publisher + min(cpu.process.load * 100, 90)");
    QVERIFY(e.ok());
    NodeMetricsTable table(MetricCatalog::standard().size());
    for (int i = 0; i < 150; ++i) { // more than one 64-row block, and a partial last block
        auto row = table.appendRow();
        row[slot("connections.subscriber")] = i * 3;
        row[slot("connections.publisher")] = i % 4; // every fourth node divides by zero
        row[slot("cpu.process.load")] = (i % 10) / 10.0;
    }
    std::vector<double> out(table.rows(), -1.0);
    e->evaluate(table, out);
    for (std::size_t i = 0; i < table.rows(); ++i)
        QCOMPARE(out[i], e->evaluate(table.row(i)));
    QCOMPARE(out[4], 0.0 + 40.0); // 12 / 0 -> 0, plus min(40, 90)
}

void TestExpr::scaleValues_data() {
    QTest::addColumn<QByteArray>("expression");
    QTest::addColumn<bool>("expected");

    QTest::addRow("avg > is strict") << QByteArray("avg(connections.subscriber) > 120") << false;
    QTest::addRow("avg just below") << QByteArray("avg(connections.subscriber) > 119.9") << true;
    QTest::addRow("max") << QByteArray("max(cpu.process.load) > 0.9") << true;
    QTest::addRow("min") << QByteArray("min(cpu.process.load) < 0.25") << true;
    QTest::addRow("min is the minimum") << QByteArray("min(cpu.process.load) < 0.19") << false;
    QTest::addRow("sum") << QByteArray("sum(connections.subscriber) > 359") << true;
    QTest::addRow("count true") << QByteArray("count(connections.subscriber) > 2") << true;
    QTest::addRow("count false") << QByteArray("count(connections.subscriber) > 3") << false;
    QTest::addRow("reference example")
        << QByteArray("avg(connections.subscriber) > 120 || max(cpu.process.load) > 0.9") << true;
    QTest::addRow("&& binds tighter than ||")
        << QByteArray("avg(connections.subscriber) > 100 || avg(connections.subscriber) > 200 && "
                      "max(cpu.process.load) > 0.99")
        << true;
    QTest::addRow("parenthesised ||")
        << QByteArray("(avg(connections.subscriber) > 100 || avg(connections.subscriber) > 200) "
                      "&& max(cpu.process.load) > 0.99")
        << false;
    QTest::addRow("not") << QByteArray("!(avg(connections.subscriber) > 120)") << true;
    QTest::addRow("not binds looser than >")
        << QByteArray("!avg(connections.subscriber) > 200") << true;
    QTest::addRow("double not") << QByteArray("!!(avg(connections.subscriber) > 120)") << false;
    QTest::addRow("arithmetic on aggregates")
        << QByteArray("sum(connections.subscriber) / count(connections.subscriber) > 119") << true;
    QTest::addRow("parenthesised sum")
        << QByteArray("(avg(connections.subscriber) + 30) * 2 > 299") << true;
    QTest::addRow("number on the left") << QByteArray("100 < avg(connections.subscriber)") << true;
    QTest::addRow("x / 0 is 0") << QByteArray("avg(connections.subscriber) / 0 < 1") << true;
    QTest::addRow("metric not reported reads 0")
        << QByteArray("max(connections.publisher) < 1") << true;
}

void TestExpr::scaleValues() {
    QFETCH(QByteArray, expression);
    QFETCH(bool, expected);
    auto e = ScaleExpression::parse(view(expression));
    QVERIFY2(e.ok(), e.ok() ? "" : e.error().message.c_str());
    const auto table = edgeFixture();
    QCOMPARE(e->evaluate(table), expected);
    // The aggregate route must agree with the table route.
    QCOMPARE(e->evaluate(AggregateSet::fromTable(table)), expected);
}

void TestExpr::scaleOverNoNodes() {
    const NodeMetricsTable none(MetricCatalog::standard().size());
    auto check = [&none](const char* text, bool expected) {
        auto e = ScaleExpression::parse(text);
        QVERIFY(e.ok());
        QCOMPARE(e->evaluate(none), expected);
        QCOMPARE(e->evaluate(AggregateSet(MetricCatalog::standard().size())), expected);
    };
    check("avg(connections.subscriber) < 20", true); // avg of nothing is 0: scale-in is allowed
    check("avg(connections.subscriber) > 0 || avg(connections.subscriber) < 0", false);
    check("count(connections.subscriber) > 0", false);
    check("min(cpu.process.load) < 0 || max(cpu.process.load) > 0", false); // not +-inf
}

void TestExpr::scaleFromAggregateSet() {
    AggregateSet set(MetricCatalog::standard().size());
    set.add(slot("connections.subscriber"), 120);
    set.add(slot("connections.subscriber"), 122);
    QCOMPARE(set[slot("connections.subscriber")].avg(), 121.0);
    QCOMPARE(set[slot("connections.subscriber")].min, 120.0);
    auto out = ScaleExpression::parse("avg(connections.subscriber) > 120");
    QVERIFY(out.ok());
    QVERIFY(out->evaluate(set));
    // A posted aggregate whose count is 0 has no data, whatever its sum says.
    AggregateSet posted(MetricCatalog::standard().size());
    posted.at(slot("connections.subscriber")) = Aggregate{500, 500, 500, 0};
    QVERIFY(!out->evaluate(posted));
}

void TestExpr::red5ScaleDefaults_data() {
    QTest::addColumn<QByteArray>("expression");
    QTest::addColumn<QByteArray>("metric");
    QTest::addColumn<double>("average");
    QTest::addColumn<bool>("expected");

    const QByteArray edgeOut = "avg(connections.subscriber) > 120";
    const QByteArray edgeIn = "avg(connections.subscriber) < 20";
    const QByteArray originOut = "avg(connections.publisher) > 12";
    const QByteArray originIn = "avg(connections.publisher) < 2";
    const QByteArray relayOut = "avg(connections.clusterchildren) > 8";
    const QByteArray relayIn = "avg(connections.clusterchildren) < 2";
    const QByteArray subs = "connections.subscriber";
    const QByteArray pubs = "connections.publisher";
    const QByteArray children = "connections.clusterchildren";

    QTest::addRow("edge out at 121") << edgeOut << subs << 121.0 << true;
    QTest::addRow("edge out at 119") << edgeOut << subs << 119.0 << false;
    QTest::addRow("edge in at 19") << edgeIn << subs << 19.0 << true;
    QTest::addRow("edge in at 21") << edgeIn << subs << 21.0 << false;
    // transcoder uses the origin's expressions
    QTest::addRow("origin/transcoder out at 13") << originOut << pubs << 13.0 << true;
    QTest::addRow("origin/transcoder out at 12") << originOut << pubs << 12.0 << false;
    QTest::addRow("origin/transcoder in at 1") << originIn << pubs << 1.0 << true;
    QTest::addRow("origin/transcoder in at 3") << originIn << pubs << 3.0 << false;
    QTest::addRow("relay out at 9") << relayOut << children << 9.0 << true;
    QTest::addRow("relay out at 7") << relayOut << children << 7.0 << false;
    QTest::addRow("relay in at 1") << relayIn << children << 1.0 << true;
    QTest::addRow("relay in at 5") << relayIn << children << 5.0 << false;
}

void TestExpr::red5ScaleDefaults() {
    QFETCH(QByteArray, expression);
    QFETCH(QByteArray, metric);
    QFETCH(double, average);
    QFETCH(bool, expected);
    auto e = ScaleExpression::parse(view(expression));
    QVERIFY(e.ok());
    // Two nodes either side of the average, so that avg (not one node's value) decides.
    QCOMPARE(e->evaluate(tableOf(metric.constData(), {average - 1, average + 1})), expected);
}

void TestExpr::red5Routability_data() {
    QTest::addColumn<QByteArray>("ranking");
    QTest::addColumn<QByteArray>("limit");
    QTest::addColumn<QByteArray>("metric");
    QTest::addColumn<double>("value");
    QTest::addColumn<bool>("routable");

    QTest::addRow("edge at 199") << QByteArray("connections.subscriber") << QByteArray("200")
                                 << QByteArray("connections.subscriber") << 199.0 << true;
    QTest::addRow("edge at 200") << QByteArray("connections.subscriber") << QByteArray("200")
                                 << QByteArray("connections.subscriber") << 200.0 << false;
    QTest::addRow("origin at 19") << QByteArray("connections.publisher") << QByteArray("20")
                                  << QByteArray("connections.publisher") << 19.0 << true;
    QTest::addRow("origin at 20") << QByteArray("connections.publisher") << QByteArray("20")
                                  << QByteArray("connections.publisher") << 20.0 << false;
    QTest::addRow("relay idle") << QByteArray("0") << QByteArray("0")
                                << QByteArray("connections.clusterchildren") << 0.0 << false;
    QTest::addRow("relay busy") << QByteArray("0") << QByteArray("0")
                                << QByteArray("connections.clusterchildren") << 50.0 << false;
}

void TestExpr::red5Routability() {
    QFETCH(QByteArray, ranking);
    QFETCH(QByteArray, limit);
    QFETCH(QByteArray, metric);
    QFETCH(double, value);
    QFETCH(bool, routable);
    const auto metrics = nodeMetrics({{metric.constData(), value}});
    QCOMPARE(isRoutable(ranking.constData(), limit.constData(), metrics), routable);
}

void TestExpr::shuffleSize_data() {
    QTest::addColumn<QByteArray>("expression");
    QTest::addColumn<int>("nodeCount");
    QTest::addColumn<int>("expected");

    const QByteArray advice = "max(nodeCount*0.1, 2)";
    QTest::addRow("<=5 nodes: 1") << QByteArray("1") << 5 << 1;
    QTest::addRow("6-10 nodes: 2") << QByteArray("2") << 8 << 2;
    QTest::addRow("advice, 30 nodes") << advice << 30 << 3;
    QTest::addRow("advice, 8 nodes") << advice << 8 << 2;
    QTest::addRow("advice, 100 nodes") << advice << 100 << 10;
    QTest::addRow("advice, 39 nodes floors") << advice << 39 << 3;
    QTest::addRow("min") << QByteArray("min(nodeCount, 3)") << 10 << 3;
    QTest::addRow("below 1 is 1") << QByteArray("nodeCount / 4") << 3 << 1;
    QTest::addRow("negative is 1") << QByteArray("nodeCount - 10") << 5 << 1;
    QTest::addRow("x / 0 is 0, so 1") << QByteArray("nodeCount / 0") << 9 << 1;
    QTest::addRow("no nodes") << QByteArray("nodeCount") << 0 << 1;
    QTest::addRow("binary inexact 29") << QByteArray("nodeCount * 0.29") << 100 << 29;
    QTest::addRow("huge clamps") << QByteArray("nodeCount * 1000000000") << 1000 << INT_MAX;
}

void TestExpr::shuffleSize() {
    QFETCH(QByteArray, expression);
    QFETCH(int, nodeCount);
    QFETCH(int, expected);
    auto e = ShuffleSizeExpression::parse(view(expression));
    QVERIFY2(e.ok(), e.ok() ? "" : e.error().message.c_str());
    QCOMPARE(e->evaluate(nodeCount), expected);
}

QTEST_APPLESS_MAIN(TestExpr)
#include "moc_tst_expr.cpp"
