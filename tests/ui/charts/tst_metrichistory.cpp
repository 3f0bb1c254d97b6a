// MetricHistory over hand-built snapshots: sums and averages per node group and for all groups,
// a ring that forgets the oldest samples, repeated snapshots ignored, window queries, decimation
// that keeps spikes, and the CSV export.

#include "ui/charts/metrichistory.h"

#include <QStringList>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace sy;
using ui::Measure;
using ui::MetricHistory;
using ui::SeriesId;
using ui::TimeWindow;

namespace {

constexpr std::int64_t kT0 = 1'700'000'000'000; // 2023-11-14T22:13:20Z

engine::NodeView node(const std::string& id, const std::string& group, const std::string& role,
                      model::NodeState state, model::FlatMetrics metrics = {}) {
    engine::NodeView n;
    n.nodeId = id;
    n.nodeGroup = group;
    n.role = role;
    n.state = state;
    n.metrics = std::move(metrics);
    return n;
}

engine::ClusterSnapshot snapshot(std::int64_t timeMs, const std::vector<engine::NodeView>& nodes,
                                 const std::vector<std::string>& emptyGroups = {}) {
    engine::ClusterSnapshot s;
    s.timeMs = timeMs;
    for (const auto& name : emptyGroups)
        s.groups[name];
    for (const auto& n : nodes)
        s.groups[n.nodeGroup].nodes.push_back(n);
    return s;
}

// One group "g" with one edge carrying `viewers`.
engine::ClusterSnapshot viewersAt(std::int64_t timeMs, double viewers) {
    return snapshot(timeMs, {node("e1", "g", "edge", model::NodeState::InService,
                                  {{"connections.subscriber", viewers}})});
}

const SeriesId kViewers = SeriesId::of(Measure::Viewers);

// The sample of a two-group cluster used by the aggregate and CSV tests.
engine::ClusterSnapshot twoGroups(std::int64_t timeMs) {
    using S = model::NodeState;
    return snapshot(
        timeMs,
        {node("o1", "a", "origin", S::InService,
              {{"connections.publisher", 2}, {"network.ingress", 5000}, {"cpu.process.load", 0.1}}),
         node("e1", "a", "edge", S::InService,
              {{"connections.subscriber", 10},
               {"network.egress", 25000},
               {"cpu.process.load", 0.2}}),
         node("e2", "a", "edge", S::InService,
              {{"connections.subscriber", 30},
               {"network.egress", 75000},
               {"cpu.process.load", 0.4}}),
         node("e3", "b", "edge", S::Started,
              {{"connections.subscriber", 5}, {"cpu.process.load", 0.6}}),
         // Not reporting yet: counted by state, never averaged in as a cpu of zero.
         node("e4", "b", "edge", S::Creating)});
}

} // namespace

class TestMetricHistory : public QObject {
    Q_OBJECT
private slots:
    void sumsAndAveragesPerScope_data();
    void sumsAndAveragesPerScope();
    void ringDropsTheOldestBeyondCapacity();
    void repeatedAndOlderSnapshotsAreIgnored();
    void spacingKeepsAnHourWhateverTheSnapshotRate();
    void groupsComeAndGo();
    void windowQueries();
    void decimationKeepsSpikes_data();
    void decimationKeepsSpikes();
    void csvHasHeaderAndRows();
};

void TestMetricHistory::sumsAndAveragesPerScope_data() {
    QTest::addColumn<QString>("scope");
    QTest::addColumn<QString>("column");
    QTest::addColumn<double>("expected"); // NaN: no value
    const double none = std::nan("");
    QTest::addRow("all viewers") << QString() << "viewers" << 45.0;
    QTest::addRow("all publishers") << QString() << "publishers" << 2.0;
    QTest::addRow("all ingress") << QString() << "ingress_kbps" << 5000.0;
    QTest::addRow("all egress") << QString() << "egress_kbps" << 100000.0;
    QTest::addRow("all in service") << QString() << "nodes_INSERVICE" << 3.0;
    QTest::addRow("all started") << QString() << "nodes_STARTED" << 1.0;
    QTest::addRow("all creating") << QString() << "nodes_CREATING" << 1.0;
    QTest::addRow("all fault") << QString() << "nodes_FAULT" << 0.0;
    QTest::addRow("all edge cpu") << QString() << "cpu_load_edge" << 0.4;
    QTest::addRow("all origin cpu") << QString() << "cpu_load_origin" << 0.1;
    QTest::addRow("a viewers") << "a"
                               << "viewers" << 40.0;
    QTest::addRow("a edge cpu") << "a"
                                << "cpu_load_edge" << 0.3;
    QTest::addRow("a in service") << "a"
                                  << "nodes_INSERVICE" << 3.0;
    QTest::addRow("b viewers") << "b"
                               << "viewers" << 5.0;
    QTest::addRow("b egress") << "b"
                              << "egress_kbps" << 0.0;
    QTest::addRow("b edge cpu") << "b"
                                << "cpu_load_edge" << 0.6;
    QTest::addRow("b in service") << "b"
                                  << "nodes_INSERVICE" << 0.0;
    QTest::addRow("b has no origin") << "b"
                                     << "cpu_load_origin" << none;
}

void TestMetricHistory::sumsAndAveragesPerScope() {
    QFETCH(QString, scope);
    QFETCH(QString, column);
    QFETCH(double, expected);
    MetricHistory history;
    QVERIFY(history.add(twoGroups(kT0)));
    const auto ids = history.series(scope.toStdString());
    const auto id = std::find_if(ids.begin(), ids.end(), [&](const SeriesId& s) {
        return s.columnName() == column.toStdString();
    });
    if (std::isnan(expected)) {
        QVERIFY(id == ids.end());
        return;
    }
    QVERIFY2(id != ids.end(), qPrintable(column));
    const auto value = history.value(scope.toStdString(), *id, kT0);
    QVERIFY(value.has_value());
    QVERIFY2(std::abs(*value - expected) < 1e-9, qPrintable(QString::number(*value)));
}

void TestMetricHistory::ringDropsTheOldestBeyondCapacity() {
    MetricHistory history(5, 0);
    for (int i = 0; i < 8; ++i)
        QVERIFY(history.add(viewersAt(kT0 + 1000 * i, i)));
    QCOMPARE(history.size(), std::size_t(5));
    QCOMPARE(history.capacity(), std::size_t(5));
    QCOMPARE(history.oldestTimeMs(), kT0 + 3000);
    QCOMPARE(history.latestTimeMs(), kT0 + 7000);
    QVERIFY(!history.value("g", kViewers, kT0 + 2000).has_value());
    const auto points = history.points("g", kViewers, {kT0, kT0 + 10'000}, 100);
    QCOMPARE(points.size(), 5);
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(points[i].x(), double(kT0 + 1000 * (i + 3)));
        QCOMPARE(points[i].y(), double(i + 3));
    }
}

void TestMetricHistory::repeatedAndOlderSnapshotsAreIgnored() {
    MetricHistory history(10, 0);
    QVERIFY(history.add(viewersAt(kT0, 1)));
    QVERIFY(!history.add(viewersAt(kT0, 99)));       // the same snapshot again
    QVERIFY(!history.add(viewersAt(kT0 - 500, 42))); // an older one
    QCOMPARE(history.size(), std::size_t(1));
    QCOMPARE(*history.value("", kViewers, kT0), 1.0);
    QVERIFY(history.add(viewersAt(kT0 + 1, 2)));
    QCOMPARE(history.size(), std::size_t(2));
}

void TestMetricHistory::spacingKeepsAnHourWhateverTheSnapshotRate() {
    MetricHistory history; // defaults: 1 s spacing, an hour and a margin of capacity
    QVERIFY(history.capacity() >= 3600);
    for (int i = 0; i < 4 * 3600; ++i) // four snapshots a second for an hour
        history.add(viewersAt(kT0 + 250 * i, i % 4 == 0 ? 7 : 1000));
    QCOMPARE(history.size(), std::size_t(3600));
    QCOMPARE(history.oldestTimeMs(), kT0);
    // Only the first snapshot of each second was kept.
    const auto points = history.points("g", kViewers, {kT0, kT0 + 3'600'000}, 10'000);
    QVERIFY(std::all_of(points.begin(), points.end(), [](QPointF p) { return p.y() == 7; }));
}

void TestMetricHistory::groupsComeAndGo() {
    using S = model::NodeState;
    MetricHistory history(4, 0);
    auto two = [](std::int64_t t) {
        return snapshot(t,
                        {node("e1", "g", "edge", S::InService, {{"connections.subscriber", 1}}),
                         node("n1", "new", "edge", S::InService, {{"connections.subscriber", 5}})});
    };
    history.add(viewersAt(kT0, 1));
    history.add(two(kT0 + 1000));
    QCOMPARE(history.groups(), (std::vector<std::string>{"g", "new"}));
    QVERIFY(!history.value("new", kViewers, kT0).has_value()); // before it existed
    QCOMPARE(*history.value("new", kViewers, kT0 + 1000), 5.0);
    QCOMPARE(*history.value("", kViewers, kT0 + 1000), 6.0);
    history.add(viewersAt(kT0 + 2000, 1)); // "new" was deleted
    QVERIFY(!history.value("new", kViewers, kT0 + 2000).has_value());
    QCOMPARE(history.points("new", kViewers, {kT0, kT0 + 5000}, 10).size(), 1);
    // Once its last sample has left the ring, the group is forgotten.
    for (int i = 3; i < 6; ++i)
        history.add(viewersAt(kT0 + 1000 * i, 1));
    QCOMPARE(history.groups(), (std::vector<std::string>{"g"}));
    QVERIFY(history.series("new").empty());
}

void TestMetricHistory::windowQueries() {
    MetricHistory history(100, 0);
    for (int i = 0; i < 10; ++i)
        history.add(viewersAt(kT0 + 1000 * i, i));
    const auto inside = history.points("g", kViewers, {kT0 + 3000, kT0 + 6000}, 100);
    QCOMPARE(inside.size(), 4); // both ends included
    QCOMPARE(inside.front(), QPointF(double(kT0 + 3000), 3));
    QCOMPARE(inside.back(), QPointF(double(kT0 + 6000), 6));
    const auto lastFive = history.points("g", kViewers, TimeWindow::ending(kT0 + 9000, 4500), 100);
    QCOMPARE(lastFive.size(), 5);
    QCOMPARE(lastFive.front().y(), 5.0);
    QVERIFY(history.points("g", kViewers, {kT0 + 20'000, kT0 + 30'000}, 100).isEmpty());
    QVERIFY(history.points("g", kViewers, {kT0 - 9000, kT0 - 1}, 100).isEmpty());
    QVERIFY(history.points("nosuchgroup", kViewers, {kT0, kT0 + 9000}, 100).isEmpty());
    QVERIFY(history.points("g", kViewers, {kT0, kT0 + 9000}, 0).isEmpty());
}

void TestMetricHistory::decimationKeepsSpikes_data() {
    QTest::addColumn<int>("maxPoints");
    for (int n : {1000, 200, 51, 10, 2, 1})
        QTest::addRow("%d points", n) << n;
}

void TestMetricHistory::decimationKeepsSpikes() {
    QFETCH(int, maxPoints);
    MetricHistory history(5000, 0);
    const int samples = 3600;
    for (int i = 0; i < samples; ++i)
        history.add(viewersAt(kT0 + 1000 * i, i == 1234 ? 500 : i == 2900 ? 0 : 100 + i % 7));
    const TimeWindow window{kT0, kT0 + 1000 * (samples - 1)};
    const auto points = history.points("g", kViewers, window, maxPoints);
    QVERIFY(!points.isEmpty());
    QVERIFY2(points.size() <= maxPoints, qPrintable(QString::number(points.size())));
    QVERIFY(std::is_sorted(points.begin(), points.end(),
                           [](QPointF a, QPointF b) { return a.x() < b.x(); }));
    const auto top = std::max_element(points.begin(), points.end(),
                                      [](QPointF a, QPointF b) { return a.y() < b.y(); });
    QCOMPARE(*top, QPointF(double(kT0 + 1000 * 1234), 500));
    if (maxPoints >= 2) {
        const auto bottom = std::min_element(points.begin(), points.end(),
                                             [](QPointF a, QPointF b) { return a.y() < b.y(); });
        QCOMPARE(*bottom, QPointF(double(kT0 + 1000 * 2900), 0));
    }
}

void TestMetricHistory::csvHasHeaderAndRows() {
    MetricHistory history(10, 0);
    history.add(twoGroups(kT0));
    history.add(twoGroups(kT0 + 1000));
    history.add(snapshot(kT0 + 2500, {node("e1", "a", "edge", model::NodeState::Fault)}));
    const QString csv = QString::fromStdString(history.toCsv("a", {kT0 + 1000, kT0 + 3000}));
    QStringList lines = csv.split(QLatin1Char('\n'));
    QCOMPARE(lines.takeLast(), QString()); // ends with a newline
    QCOMPARE(lines.size(), 3);             // the header and two samples
    const QStringList header = lines[0].split(QLatin1Char(','));
    QCOMPARE(header.value(0), QStringLiteral("time"));
    QCOMPARE(header.value(1), QStringLiteral("viewers"));
    QVERIFY(header.contains(QStringLiteral("nodes_INSERVICE")));
    QVERIFY(header.contains(QStringLiteral("cpu_load_origin")));
    QCOMPARE(header.size(), 1 + int(history.series("a").size()));

    auto cell = [&](int row, const char* column) {
        return lines[row].split(QLatin1Char(',')).value(header.indexOf(QLatin1String(column)));
    };
    QCOMPARE(cell(1, "time"), QStringLiteral("2023-11-14T22:13:21.000Z"));
    QCOMPARE(cell(1, "viewers"), QStringLiteral("40"));
    QCOMPARE(cell(1, "egress_kbps"), QStringLiteral("100000"));
    QCOMPARE(cell(1, "cpu_load_edge"), QStringLiteral("0.3"));
    QCOMPARE(cell(1, "nodes_FAULT"), QStringLiteral("0"));
    QCOMPARE(cell(2, "time"), QStringLiteral("2023-11-14T22:13:22.500Z"));
    QCOMPARE(cell(2, "nodes_FAULT"), QStringLiteral("1"));
    QCOMPARE(cell(2, "viewers"), QStringLiteral("0"));
    QCOMPARE(cell(2, "cpu_load_origin"), QString()); // no report: empty, not zero
}

QTEST_GUILESS_MAIN(TestMetricHistory)
#include "tst_metrichistory.moc"
