// Golden signals and alerts of node groups from hand-built snapshots: every number, which nodes
// count toward it, and every alert rule with its thresholds at the boundary.

#include "core/engine/groupsummary.h"

#include <QTest>

#include <optional>

using namespace sy;
using engine::AlertSeverity;
using model::NodeState;

Q_DECLARE_METATYPE(std::optional<double>)
Q_DECLARE_METATYPE(std::vector<sy::engine::NodeView>)

namespace {

engine::NodeView node(const std::string& id, NodeState state, double publishers = 0,
                      double viewers = 0) {
    engine::NodeView n;
    n.nodeId = id;
    n.nodeGroup = "ng";
    n.subGroup = "eu";
    n.role = publishers > 0 ? "origin" : "edge";
    n.state = state;
    n.metrics = {{"connections.publisher", publishers},
                 {"connections.subscriber", viewers},
                 {"network.ingress", publishers * 2500},
                 {"network.egress", viewers * 2500}};
    return n;
}

engine::NodeView capacityNode(const std::string& id, double ranking, double limit,
                              NodeState state = NodeState::InService) {
    auto n = node(id, state);
    n.ranking = ranking;
    n.limit = limit;
    return n;
}

engine::ClusterSnapshot snapshotOf(std::vector<engine::NodeView> nodes, bool paused = false) {
    engine::ClusterSnapshot s;
    engine::NodeGroupView g;
    g.paused = paused;
    g.nodes = std::move(nodes);
    s.groups["ng"] = std::move(g);
    return s;
}

engine::GroupSummary only(const engine::ClusterSnapshot& s) {
    const auto all = engine::summarize(s);
    if (all.size() != 1)
        qFatal("expected one summary, got %zu", all.size());
    return all.front();
}

scaling::ScalingDecision decision(scaling::ScalingAction action, std::string rule, bool alert,
                                  std::string reason) {
    scaling::ScalingDecision d;
    d.subGroup = "eu";
    d.role = "edge";
    d.action = action;
    d.rule = std::move(rule);
    d.alert = alert;
    d.reason = std::move(reason);
    return d;
}

} // namespace

class TestGroupSummary : public QObject {
    Q_OBJECT
private slots:
    void oneSummaryPerGroupInNameOrder();
    void trafficCountsOnlyNodesThatServeClients();
    void nodesByStateAndTotal();
    void capacityIsWhatRoutingSees_data();
    void capacityIsWhatRoutingSees();
    void capacityAlertThresholds_data();
    void capacityAlertThresholds();
    void faultNodeIsCriticalAndNamed();
    void blockedScalingRaisesAlerts();
    void pausedIsInfo();
    void alertsAreMostSevereFirst();
    void clusterTotalCombinesGroups();
    void emptyClusterHasNoAlerts();
};

void TestGroupSummary::oneSummaryPerGroupInNameOrder() {
    engine::ClusterSnapshot s;
    s.groups["zeta"].simulated = true;
    s.groups["alpha"].lastDecisions = {
        decision(scaling::ScalingAction::ScaleOut, "min", false, "0 of min 1 nodes: adding 1")};
    const auto all = engine::summarize(s);
    QCOMPARE(all.size(), std::size_t(2));
    QCOMPARE(all[0].nodeGroup, std::string("alpha"));
    QCOMPARE(all[1].nodeGroup, std::string("zeta"));
    QVERIFY(!all[0].simulated);
    QVERIFY(all[1].simulated);
    QCOMPARE(all[0].lastDecisions.size(), std::size_t(1));
    QCOMPARE(all[0].lastDecisions[0].reason, std::string("0 of min 1 nodes: adding 1"));
    QVERIFY(all[1].lastDecisions.empty());
}

void TestGroupSummary::trafficCountsOnlyNodesThatServeClients() {
    // INSERVICE and draining nodes serve; a STARTED node has no clients yet and a FAULT node's
    // last report is stale.
    const auto s = only(snapshotOf(
        {node("o1", NodeState::InService, 3, 0), node("e1", NodeState::InService, 0, 120),
         node("e2", NodeState::SoftSunset, 0, 30), node("e3", NodeState::HardSunset, 0, 5),
         node("e4", NodeState::Started, 0, 999), node("e5", NodeState::Fault, 7, 777)}));
    QCOMPARE(s.publishers, std::int64_t(3));
    QCOMPARE(s.viewers, std::int64_t(155));
    QCOMPARE(s.ingressKbps, 3 * 2500.0);
    QCOMPARE(s.egressKbps, 155 * 2500.0);
}

void TestGroupSummary::nodesByStateAndTotal() {
    const auto s =
        only(snapshotOf({node("a", NodeState::InService), node("b", NodeState::InService),
                         node("c", NodeState::Creating), node("d", NodeState::Fault),
                         node("e", NodeState::SoftSunset)}));
    QCOMPARE(s.nodesTotal, 5);
    QCOMPARE(s.nodesIn(NodeState::InService), 2);
    QCOMPARE(s.nodesIn(NodeState::Creating), 1);
    QCOMPARE(s.nodesIn(NodeState::Fault), 1);
    QCOMPARE(s.nodesIn(NodeState::SoftSunset), 1);
    QCOMPARE(s.nodesIn(NodeState::Requested), 0);
    QCOMPARE(s.nodesByState.size(), std::size_t(4)); // only states that have nodes
}

void TestGroupSummary::capacityIsWhatRoutingSees_data() {
    QTest::addColumn<std::vector<engine::NodeView>>("nodes");
    QTest::addColumn<std::optional<double>>("expected");
    QTest::addRow("no nodes") << std::vector<engine::NodeView>{} << std::optional<double>{};
    QTest::addRow("no limits") << std::vector{capacityNode("a", 10, 0)} << std::optional<double>{};
    QTest::addRow("sum over sum") << std::vector{capacityNode("a", 50, 200),
                                                 capacityNode("b", 100, 200)}
                                  << std::optional<double>(150.0 / 400.0);
    QTest::addRow("limit 0 left out")
        << std::vector{capacityNode("a", 50, 100), capacityNode("b", 70, 0)}
        << std::optional<double>(0.5);
    QTest::addRow("draining and starting left out")
        << std::vector{capacityNode("a", 25, 100),
                       capacityNode("b", 99, 100, NodeState::SoftSunset),
                       capacityNode("c", 99, 100, NodeState::Started),
                       capacityNode("d", 99, 100, NodeState::Fault)}
        << std::optional<double>(0.25);
    QTest::addRow("truncated like routing")
        << std::vector{capacityNode("a", 99.9, 200.7)} << std::optional<double>(99.0 / 200.0);
    QTest::addRow("overloaded above 1")
        << std::vector{capacityNode("a", 300, 200)} << std::optional<double>(1.5);
}

void TestGroupSummary::capacityIsWhatRoutingSees() {
    QFETCH(std::vector<engine::NodeView>, nodes);
    QFETCH(std::optional<double>, expected);
    const auto s = only(snapshotOf(nodes));
    QCOMPARE(s.capacityUsed.has_value(), expected.has_value());
    if (expected)
        QCOMPARE(*s.capacityUsed, *expected);
}

void TestGroupSummary::capacityAlertThresholds_data() {
    QTest::addColumn<double>("ranking"); // of a limit of 200
    QTest::addColumn<int>("severity");   // -1: no alert
    QTest::addColumn<QString>("message");
    QTest::addRow("79.5 percent") << 159.0 << -1 << QString();
    QTest::addRow("exactly 80 percent") << 160.0 << -1 << QString();
    QTest::addRow("80.5 percent") << 161.0 << int(AlertSeverity::Warning)
                                  << QStringLiteral("Capacity at 80.5% (warning above 80%)");
    QTest::addRow("exactly 95 percent") << 190.0 << int(AlertSeverity::Warning)
                                        << QStringLiteral("Capacity at 95% (warning above 80%)");
    QTest::addRow("95.5 percent") << 191.0 << int(AlertSeverity::Critical)
                                  << QStringLiteral("Capacity at 96% (critical above 95%)");
    QTest::addRow("overloaded") << 260.0 << int(AlertSeverity::Critical)
                                << QStringLiteral("Capacity at 130% (critical above 95%)");
}

void TestGroupSummary::capacityAlertThresholds() {
    QFETCH(double, ranking);
    QFETCH(int, severity);
    QFETCH(QString, message);
    const auto s = only(snapshotOf({capacityNode("a", ranking, 200)}));
    if (severity < 0) {
        QVERIFY(s.alerts.empty());
        QVERIFY(!s.worstSeverity());
        return;
    }
    QCOMPARE(s.alerts.size(), std::size_t(1));
    QCOMPARE(int(s.alerts[0].severity), severity);
    QCOMPARE(s.alerts[0].nodeGroup, std::string("ng"));
    QVERIFY(!s.alerts[0].nodeId);
    QCOMPARE(QString::fromStdString(s.alerts[0].message), message);
}

void TestGroupSummary::faultNodeIsCriticalAndNamed() {
    auto bad = node("edge-7", NodeState::Fault);
    bad.faultReason = "3 stats polls failed";
    auto silent = node("edge-8", NodeState::Fault);
    const auto s = only(snapshotOf({node("ok", NodeState::InService), bad, silent}));
    QCOMPARE(s.alerts.size(), std::size_t(2));
    QCOMPARE(int(s.alerts[0].severity), int(AlertSeverity::Critical));
    QCOMPARE(s.alerts[0].nodeId, std::optional<std::string>("edge-7"));
    QCOMPARE(s.alerts[0].message, std::string("Node edge-7 is FAULT: 3 stats polls failed"));
    QCOMPARE(s.alerts[1].message, std::string("Node edge-8 is FAULT"));
    QCOMPARE(int(*s.worstSeverity()), int(AlertSeverity::Critical));
}

void TestGroupSummary::blockedScalingRaisesAlerts() {
    using A = scaling::ScalingAction;
    auto snap = snapshotOf({});
    snap.groups["ng"].lastDecisions = {
        decision(A::None, "", false, "within limits"),
        // Blocked because paused or MANUAL is the operator's own choice: no alert.
        decision(A::Blocked, "", false, "scaling is paused: no nodes are added or removed"),
        decision(A::Blocked, "outExpression", true,
                 "out-expression holds but the role is at max 8"),
        decision(A::Blocked, "", true,
                 "5 FAULT nodes reached the failed-node threshold (5): rules stopped until they "
                 "are removed"),
    };
    const auto s = only(snap);
    QCOMPARE(s.lastDecisions.size(), std::size_t(4));
    QCOMPARE(s.alerts.size(), std::size_t(2));
    QCOMPARE(int(s.alerts[0].severity), int(AlertSeverity::Critical));
    QCOMPARE(s.alerts[0].message,
             std::string("Scaling blocked for eu/edge: 5 FAULT nodes reached the failed-node "
                         "threshold (5): rules stopped until they are removed"));
    QCOMPARE(int(s.alerts[1].severity), int(AlertSeverity::Warning));
    QCOMPARE(s.alerts[1].message,
             std::string("Scaling blocked for eu/edge: out-expression holds but the role is at "
                         "max 8"));
}

void TestGroupSummary::pausedIsInfo() {
    const auto running = only(snapshotOf({}, false));
    QVERIFY(!running.paused);
    QVERIFY(running.alerts.empty());
    const auto paused = only(snapshotOf({}, true));
    QVERIFY(paused.paused);
    QCOMPARE(paused.alerts.size(), std::size_t(1));
    QCOMPARE(int(paused.alerts[0].severity), int(AlertSeverity::Info));
    QCOMPARE(paused.alerts[0].message, std::string("Autoscaling is paused"));
}

void TestGroupSummary::alertsAreMostSevereFirst() {
    auto snap = snapshotOf({capacityNode("a", 170, 200), node("f", NodeState::Fault)}, true);
    const auto s = only(snap);
    QCOMPARE(s.alerts.size(), std::size_t(3));
    QCOMPARE(int(s.alerts[0].severity), int(AlertSeverity::Critical)); // the FAULT node
    QCOMPARE(int(s.alerts[1].severity), int(AlertSeverity::Warning));  // capacity 85%
    QCOMPARE(int(s.alerts[2].severity), int(AlertSeverity::Info));     // paused
}

void TestGroupSummary::clusterTotalCombinesGroups() {
    engine::ClusterSnapshot snap;
    auto a = node("a1", NodeState::InService, 2, 100);
    a.ranking = 100;
    a.limit = 200;
    auto b = node("b1", NodeState::InService, 1, 50);
    b.ranking = 190;
    b.limit = 200;
    snap.groups["a"].nodes = {a, node("a2", NodeState::Creating)};
    snap.groups["b"].nodes = {b, node("b2", NodeState::Fault)};
    snap.groups["b"].paused = true;
    snap.groups["b"].simulated = true;
    const auto total = engine::clusterTotal(engine::summarize(snap));
    QVERIFY(total.nodeGroup.empty());
    QCOMPARE(total.publishers, std::int64_t(3));
    QCOMPARE(total.viewers, std::int64_t(150));
    QCOMPARE(total.ingressKbps, 3 * 2500.0);
    QCOMPARE(total.egressKbps, 150 * 2500.0);
    QCOMPARE(total.nodesTotal, 4);
    QCOMPARE(total.nodesIn(NodeState::InService), 2);
    QCOMPARE(total.nodesIn(NodeState::Creating), 1);
    QCOMPARE(total.nodesIn(NodeState::Fault), 1);
    // Capacity from the summed ranking and limit, not an average of the groups' fractions.
    QCOMPARE(*total.capacityUsed, 290.0 / 400.0);
    QVERIFY(total.paused);
    QVERIFY(total.simulated);
    QVERIFY(total.lastDecisions.empty());
    // b: FAULT (critical), capacity 95% (warning), paused (info); a: none.
    QCOMPARE(total.alerts.size(), std::size_t(3));
    QCOMPARE(int(total.alerts.front().severity), int(AlertSeverity::Critical));
    QCOMPARE(int(total.alerts.back().severity), int(AlertSeverity::Info));
}

void TestGroupSummary::emptyClusterHasNoAlerts() {
    const auto groups = engine::summarize(engine::ClusterSnapshot{});
    QVERIFY(groups.empty());
    const auto total = engine::clusterTotal(groups);
    QCOMPARE(total.nodesTotal, 0);
    QVERIFY(!total.capacityUsed);
    QVERIFY(total.alerts.empty());
    QCOMPARE(engine::toString(AlertSeverity::Critical), std::string_view("critical"));
}

QTEST_APPLESS_MAIN(TestGroupSummary)
#include "tst_groupsummary.moc"
