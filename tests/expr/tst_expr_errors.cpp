// The expression engine's errors (column, expectation, message), unknown metrics, the metric
// catalog and the canonical text.

#include "tst_expr.h"

#include <string>
#include <vector>

using namespace sy::expr;
using exprtest::slot;
using exprtest::view;

namespace {

const int cap = int(Language::Capacity);
const int scale = int(Language::Scale);
const int shuffle = int(Language::ShuffleSize);
const QByteArray sub = "connections.subscriber";
const QByteArray avgSub = "avg(" + sub + ")"; // 27 characters
const QByteArray capEnd = "'+', '-', '*', '/' or end of input";

void addInvalidColumns() {
    QTest::addColumn<int>("language");
    QTest::addColumn<QByteArray>("expression");
    QTest::addColumn<int>("column");
    QTest::addColumn<QByteArray>("expected"); // a part of ParseError::expected
    QTest::addColumn<QByteArray>("message");  // a part of ParseError::message
}

void checkInvalid() {
    QFETCH(int, language);
    QFETCH(QByteArray, expression);
    QFETCH(int, column);
    QFETCH(QByteArray, expected);
    QFETCH(QByteArray, message);
    const auto err = validate(static_cast<Language>(language), view(expression));
    QVERIFY2(err.has_value(), "accepted an invalid expression");
    const QByteArray actual = QByteArray::fromStdString(err->message);
    QVERIFY2(actual.contains(message), err->message.c_str());
    QVERIFY2(actual.startsWith(QByteArray("column " + QByteArray::number(column) + ": ")),
             err->message.c_str());
    QCOMPARE(err->column, std::size_t(column));
    QVERIFY2(QByteArray::fromStdString(err->expected).contains(expected), err->expected.c_str());
}

} // namespace

void TestExpr::invalidCapacity_data() {
    addInvalidColumns();
    QTest::addRow("cap: dangling +") << cap << sub + " +" << 25 << QByteArray("a number")
                                     << QByteArray("but found end of input");
    QTest::addRow("cap: unclosed (") << cap << "(" + sub << 24 << QByteArray("')'")
                                     << QByteArray("expected ')' but found end of input");
    QTest::addRow("cap: min one arg") << cap << "min(" + sub + ")" << 27 << QByteArray("','")
                                      << QByteArray("min takes two arguments");
    QTest::addRow("cap: min three args") << cap << QByteArray("min(1, 2, 3)") << 9
                                         << QByteArray("')'") << QByteArray("takes two arguments");
    QTest::addRow("cap: aggregate") << cap << "avg(" + sub + ")" << 1 << QByteArray("a metric")
                                    << QByteArray("aggregate 'avg' is not allowed");
    QTest::addRow("cap: comparison")
        << cap << sub + " > 3" << 24 << capEnd << QByteArray("but found '>'");
    QTest::addRow("cap: unknown function")
        << cap << QByteArray("foo(1)") << 1 << QByteArray("a function")
        << QByteArray("unknown function 'foo'");
    QTest::addRow("cap: unary minus")
        << cap << QByteArray("-1") << 1 << QByteArray("a number") << QByteArray("no unary '-'");
    QTest::addRow("cap: empty") << cap << QByteArray("") << 1 << QByteArray("a metric")
                                << QByteArray("but found end of input");
    QTest::addRow("cap: 1.") << cap << QByteArray("1.") << 3 << QByteArray("a digit after '.'")
                             << QByteArray("found end of input");
    QTest::addRow("cap: .5") << cap << QByteArray(".5") << 1 << QByteArray("a number")
                             << QByteArray("numbers start with a digit");
    QTest::addRow("cap: trailing dot")
        << cap << QByteArray("cpu.") << 5 << QByteArray("a name segment")
        << QByteArray("end of input");
    QTest::addRow("cap: bad char")
        << cap << QByteArray("1 # 2") << 3 << QByteArray("a number") << QByteArray("found '#'");
    QTest::addRow("cap: nodeCount")
        << cap << QByteArray("nodeCount") << 1 << QByteArray("a metric name")
        << QByteArray("unknown metric 'nodeCount'");
    QTest::addRow("cap: two numbers")
        << cap << QByteArray("2 3") << 3 << capEnd << QByteArray("found '3'");
    QTest::addRow("cap: empty argument")
        << cap << QByteArray("max(1,)") << 7 << QByteArray("a number") << QByteArray("found ')'");
}

void TestExpr::invalidCapacity() {
    checkInvalid();
}

void TestExpr::invalidScale_data() {
    addInvalidColumns();
    const QByteArray& avg = avgSub;
    QTest::addRow("scale: >=") << scale << avg + " >= 120" << 29 << QByteArray("'>'")
                               << QByteArray("column 29: '>=' is not supported; use '>'");
    QTest::addRow("scale: <=") << scale << avg + " <= 120" << 29 << QByteArray("'<'")
                               << QByteArray("'<=' is not supported; use '<'");
    QTest::addRow("scale: ==") << scale << avg + " == 120" << 29 << QByteArray("'>' or '<'")
                               << QByteArray("'==' is not supported");
    QTest::addRow("scale: !=") << scale << avg + " != 120" << 29 << QByteArray("'>' or '<'")
                               << QByteArray("'!=' is not supported");
    QTest::addRow("scale: =") << scale << avg + " = 120" << 29 << QByteArray("'>' or '<'")
                              << QByteArray("'=' is not supported");
    QTest::addRow("scale: bare metric")
        << scale << sub + " > 120" << 1 << QByteArray("an aggregate")
        << QByteArray("must be inside an aggregate");
    QTest::addRow("scale: no comparison")
        << scale << avg << 28 << QByteArray("'>' or '<'") << QByteArray("but found end of input");
    QTest::addRow("scale: single &")
        << scale << avg + " > 1 & 2 > 1" << 33 << QByteArray("'&&'") << QByteArray("found '&'");
    QTest::addRow("scale: chained")
        << scale << avg + " > 1 > 2" << 33 << QByteArray("'&&'") << QByteArray("cannot be chained");
    QTest::addRow("scale: min two args") << scale << "min(" + sub + ", 2) > 1" << 27
                                         << QByteArray("')'") << QByteArray("takes one metric");
    QTest::addRow("scale: aggregate of number")
        << scale << QByteArray("avg(1) > 2") << 5 << QByteArray("a metric name")
        << QByteArray("found '1'");
    QTest::addRow("scale: condition as number")
        << scale << "(" + avg + " > 1) + 1 > 2" << 1 << QByteArray("a value")
        << QByteArray("found a condition");
    QTest::addRow("scale: number as condition")
        << scale << avg + " > 1 && 2" << 37 << QByteArray("'>' or '<'")
        << QByteArray("found end of input");
    QTest::addRow("scale: unknown function")
        << scale << "median(" + sub + ") > 1" << 1 << QByteArray("an aggregate")
        << QByteArray("unknown function 'median'");
    QTest::addRow("scale: dangling ||")
        << scale << avg + " > 120 ||" << 37 << QByteArray("an aggregate")
        << QByteArray("found end of input");
    QTest::addRow("scale: extra )")
        << scale << avg + " > 1)" << 32 << QByteArray("'&&', '||' or end of input")
        << QByteArray("found ')'");
    QTest::addRow("scale: unclosed (") << scale << "(" + avg + " > 1" << 33 << QByteArray("')'")
                                       << QByteArray("found end of input");
}

void TestExpr::invalidScale() {
    checkInvalid();
}

void TestExpr::invalidShuffleAndLimits_data() {
    addInvalidColumns();
    QTest::addRow("shuffle: metric")
        << shuffle << sub << 1 << QByteArray("'nodeCount'")
        << QByteArray("metric 'connections.subscriber' is not allowed");
    QTest::addRow("shuffle: case")
        << shuffle << QByteArray("nodecount") << 1 << QByteArray("'nodeCount'")
        << QByteArray("unknown name 'nodecount'");
    QTest::addRow("shuffle: max one arg") << shuffle << QByteArray("max(nodeCount*0.1)") << 18
                                          << QByteArray("','") << QByteArray("two arguments");
    QTest::addRow("shuffle: aggregate")
        << shuffle << QByteArray("avg(nodeCount)") << 1 << QByteArray("a function")
        << QByteArray("unknown function 'avg'");
    QTest::addRow("shuffle: comparison")
        << shuffle << QByteArray("nodeCount > 2") << 11 << capEnd << QByteArray("found '>'");

    QTest::addRow("limit: parentheses")
        << cap << QByteArray(100, '(') + "1" + QByteArray(100, ')') << 65 << QByteArray()
        << QByteArray("nests deeper than 64 levels");
    QTest::addRow("limit: nots") << scale << QByteArray(100, '!') + "(1 > 0)" << 65 << QByteArray()
                                 << QByteArray("nests deeper than 64 levels");
    QByteArray longSum = "1";
    while (longSum.size() <= 4096)
        longSum += "+1";
    QTest::addRow("limit: length")
        << cap << longSum << 4097 << QByteArray() << QByteArray("longer than 4096 characters");
}

void TestExpr::invalidShuffleAndLimits() {
    checkInvalid();
}

void TestExpr::errorMessageNamesColumnAndExpectation() {
    auto e = CapacityExpression::parse("min(connections.subscriber, 2");
    QVERIFY(!e.ok());
    QCOMPARE(e.error().column, std::size_t(30));
    QCOMPARE(QByteArray::fromStdString(e.error().expected), QByteArray("')'"));
    QCOMPARE(QByteArray::fromStdString(e.error().message),
             QByteArray("column 30: expected ')' but found end of input"));
    // validate() reports the very same error.
    const auto v = validate(Language::Capacity, "min(connections.subscriber, 2");
    QVERIFY(v.has_value());
    QCOMPARE(*v == e.error(), true);
}

void TestExpr::unknownMetric_data() {
    QTest::addColumn<int>("language");
    QTest::addColumn<QByteArray>("expression");
    QTest::addColumn<int>("column");
    QTest::addColumn<QByteArray>("message");

    QTest::addRow("capacity") << int(Language::Capacity) << QByteArray("connections.subscribr") << 1
                              << QByteArray("column 1: unknown metric 'connections.subscribr'; "
                                            "did you mean 'connections.subscriber'?");
    QTest::addRow("capacity, later")
        << int(Language::Capacity) << QByteArray("1 + cpu.loadavg.2min") << 5
        << QByteArray("column 5: unknown metric 'cpu.loadavg.2min'");
    QTest::addRow("scale") << int(Language::Scale) << QByteArray("avg(connections.subscribr) > 120")
                           << 5 << QByteArray("column 5: unknown metric 'connections.subscribr'");
    QTest::addRow("scale, no hint") << int(Language::Scale) << QByteArray("avg(gpu.load) > 1") << 5
                                    << QByteArray("column 5: unknown metric 'gpu.load'");
}

void TestExpr::unknownMetric() {
    QFETCH(int, language);
    QFETCH(QByteArray, expression);
    QFETCH(int, column);
    QFETCH(QByteArray, message);
    const auto err = validate(static_cast<Language>(language), view(expression));
    QVERIFY(err.has_value());
    QCOMPARE(err->column, std::size_t(column));
    QVERIFY2(QByteArray::fromStdString(err->message).startsWith(message), err->message.c_str());
}

void TestExpr::catalogHasReferenceNames() {
    const char* reference[] = {
        "cpu.processors", "cpu.system.load", "cpu.process.load", "cpu.process.time",
        "cpu.loadavg.1min", "cpu.loadavg.5min", "cpu.loadavg.15min", "cpu.usage", "memory.vm.free",
        "memory.vm.max", "memory.vm.total", "memory.system.committedvirtual",
        "memory.system.freephysical", "memory.system.totalphysical", "disk.freeswap",
        "disk.totalswap", "disk.maxfiledescriptorcount", "disk.openfiledescriptorcount",
        "connections.publisher", "connections.subscriber", "connections.client",
        "connections.lastpubsubms", "connections.lastidlems", "connections.clusterchildren",
        "network.iftopduration", "network.ingress", "network.egress", "network.peakratereceived",
        "network.peakratesent", "network.cumulativereceived", "network.cumulativesent",
        // Switchyard additions
        "connections.restreamer", "stream.count", "memory.process.rss", "transcoder.renditions"};
    const auto& catalog = MetricCatalog::standard();
    for (const char* name : reference)
        QVERIFY2(catalog.contains(name), name);
    QCOMPARE(catalog.size(), std::size(reference)); // nothing undocumented crept in
    for (std::size_t i = 0; i < catalog.size(); ++i)
        QCOMPARE(catalog.slotOf(catalog.nameOf(i)), std::optional<std::size_t>(i)); // dense
    QVERIFY(!catalog.contains("nodeCount"));
}

void TestExpr::catalogWithExtras() {
    const std::vector<std::string> extra = {"network.ingress5", "connections.subscriber"};
    const auto catalog = MetricCatalog::withExtras(extra);
    QCOMPARE(catalog.size(), MetricCatalog::standard().size() + 1); // the duplicate is ignored
    QCOMPARE(catalog.slotOf("network.ingress5"),
             std::optional<std::size_t>(MetricCatalog::standard().size()));
    QVERIFY(validate(Language::Capacity, "network.ingress5").has_value());
    QVERIFY(!validate(Language::Capacity, "network.ingress5", catalog).has_value());
    auto e = ScaleExpression::parse("max(network.ingress5) > 100", catalog);
    QVERIFY(e.ok());
    NodeMetricsTable table(catalog.size());
    table.appendRow()[*catalog.slotOf("network.ingress5")] = 150;
    QVERIFY(e->evaluate(table));
}

void TestExpr::referencedSlots() {
    auto c = CapacityExpression::parse(
        "connections.subscriber + connections.subscriber * cpu.process.load");
    QVERIFY(c.ok());
    const std::vector<std::size_t> expected = {slot("connections.subscriber"),
                                               slot("cpu.process.load")};
    QCOMPARE(c->referencedSlots(), expected);
    auto s = ScaleExpression::parse("avg(cpu.process.load) > 1 || max(connections.subscriber) > "
                                    "1 && min(cpu.process.load) > 0");
    QVERIFY(s.ok());
    const std::vector<std::size_t> scaleExpected = {slot("cpu.process.load"),
                                                    slot("connections.subscriber")};
    QCOMPARE(s->referencedSlots(), scaleExpected);
    // A table narrower than the catalog reads missing slots as 0 instead of out of bounds.
    NodeMetricsTable narrow(1, 2);
    QVERIFY(!s->evaluate(narrow));
    QCOMPARE(c->evaluate(std::span<const double>()), 0.0);
}

void TestExpr::toStringRoundTrips_data() {
    QTest::addColumn<int>("language");
    QTest::addColumn<QByteArray>("expression");
    QTest::addColumn<QByteArray>("canonical");
    const int cap = int(Language::Capacity);
    const int scale = int(Language::Scale);
    const int shuffle = int(Language::ShuffleSize);

    QTest::addRow("spacing") << cap << QByteArray("connections.subscriber*2+1")
                             << QByteArray("connections.subscriber * 2 + 1");
    QTest::addRow("needed parens") << cap << QByteArray("(1+2)*3") << QByteArray("(1 + 2) * 3");
    QTest::addRow("useless parens") << cap << QByteArray("(1*2)+3") << QByteArray("1 * 2 + 3");
    QTest::addRow("right operand") << cap << QByteArray("10-(4-3)") << QByteArray("10 - (4 - 3)");
    QTest::addRow("number form") << cap << QByteArray("1.50 + 007") << QByteArray("1.5 + 7");
    QTest::addRow("min") << cap << QByteArray("min( cpu.usage,90 )")
                         << QByteArray("min(cpu.usage, 90)");
    QTest::addRow("scale") << scale << QByteArray("avg(connections.subscriber)>120||!(1<2)")
                           << QByteArray("avg(connections.subscriber) > 120 || !(1 < 2)");
    QTest::addRow("scale and/or") << scale << QByteArray("(1>0||1>0)&&1>0")
                                  << QByteArray("(1 > 0 || 1 > 0) && 1 > 0");
    QTest::addRow("shuffle") << shuffle << QByteArray("max(nodeCount*0.1,2)")
                             << QByteArray("max(nodeCount * 0.1, 2)");
}

void TestExpr::toStringRoundTrips() {
    QFETCH(int, language);
    QFETCH(QByteArray, expression);
    QFETCH(QByteArray, canonical);
    auto text = [language](std::string_view s) -> std::string {
        switch (static_cast<Language>(language)) {
        case Language::Capacity:
            return CapacityExpression::parse(s)->toString();
        case Language::Scale:
            return ScaleExpression::parse(s)->toString();
        case Language::ShuffleSize:
            return ShuffleSizeExpression::parse(s)->toString();
        }
        return {};
    };
    QVERIFY(!validate(static_cast<Language>(language), view(expression)).has_value());
    const std::string once = text(view(expression));
    QCOMPARE(QByteArray::fromStdString(once), canonical);
    QCOMPARE(QByteArray::fromStdString(text(once)), canonical);
}
