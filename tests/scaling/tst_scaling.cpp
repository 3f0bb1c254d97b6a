// The node lifecycle and the autoscaler's decisions, driven by a fake clock (plain numbers):
// both are pure, so each rule of reference §4 is checked without processes.

#include "core/expr/expression.h"
#include "core/scaling/autoscaler.h"
#include "core/scaling/nodestatemachine.h"

#include <QTest>

using namespace sy::scaling;
using sy::model::NodeState;

Q_DECLARE_METATYPE(sy::scaling::NodeObservation)

namespace {

const char* name(NodeState s) {
    return sy::model::toString(s).data();
}

sy::expr::ScaleExpression scale(const char* text) {
    auto e = sy::expr::ScaleExpression::parse(text);
    if (!e.ok())
        qFatal("bad test expression %s: %s", text, e.error().message.c_str());
    return std::move(e).value();
}

// A SubGroup x Role of `n` INSERVICE edges, each with `subscribers` viewers.
struct EdgeRole {
    sy::expr::ScaleExpression out = scale("avg(connections.subscriber) > 120");
    sy::expr::ScaleExpression in = scale("avg(connections.subscriber) < 20");
    sy::expr::NodeMetricsTable metrics{sy::expr::MetricCatalog::standard().size()};
    ScalingInput input;

    EdgeRole(const std::vector<double>& subscribers, std::int64_t min = 1, std::int64_t max = 10) {
        const auto slot = *sy::expr::MetricCatalog::standard().slotOf("connections.subscriber");
        input.subGroup = "eu";
        input.role = "edge";
        input.min = min;
        input.max = max;
        input.increment = 2;
        input.out = &out;
        input.in = &in;
        for (std::size_t i = 0; i < subscribers.size(); ++i) {
            metrics.appendRow()[slot] = subscribers[i];
            input.nodes.push_back({"edge" + std::to_string(i), NodeState::InService, subscribers[i],
                                   static_cast<std::int64_t>(subscribers[i]),
                                   static_cast<std::int64_t>(i)});
        }
        input.metrics = &metrics;
    }
};

} // namespace

class TestScaling : public QObject {
    Q_OBJECT
private slots:
    void lifecycleHappyPath();
    void observations_data();
    void observations();
    void timeoutsFault_data();
    void timeoutsFault();
    void threeFailedPollsMakeFault();
    void drainEndsWhenClientsLeaveOrOnTimeout();

    void belowMinAddsNodes();
    void aboveMaxDrainsLeastLoaded();
    void outExpressionAddsIncrementCappedAtMax();
    void scaleOutCooldownHoldsBackASecondScaleOut();
    void newNodesStartingHoldBackScaleOut();
    void scaleInWaitsForTheStabilisationWindow();
    void dipBetweenBurstsDoesNotScaleIn();
    void scaleInNeverGoesBelowMin();
    void pausedManualAndFaultThresholdBlock();
    void faultNodesAreReplaced();
    void decisionNamesRuleAndValues();
};

void TestScaling::lifecycleHappyPath() {
    NodeStateMachine sm;
    NodeLifecycle n;
    QVERIFY(sm.observe(n, NodeObservation::ProviderCreating, 10));
    QVERIFY(sm.observe(n, NodeObservation::ProviderCreated, 20));
    QVERIFY(sm.observe(n, NodeObservation::FirstReport, 30));
    QCOMPARE(name(n.state), "STARTED");
    const auto t = sm.observe(n, NodeObservation::ParentsLinked, 40);
    QVERIFY(t);
    QCOMPARE(name(t->from), "STARTED");
    QCOMPARE(name(n.state), "INSERVICE");
    QCOMPARE(n.since, 40);
    QVERIFY(NodeStateMachine::routable(n.state));
}

void TestScaling::observations_data() {
    QTest::addColumn<int>("from");
    QTest::addColumn<NodeObservation>("what");
    QTest::addColumn<int>("to");
    auto row = [](const char* tag, NodeState a, NodeObservation w, NodeState b) {
        QTest::addRow("%s", tag) << int(a) << w << int(b);
    };
    row("process exit is FAULT at once", NodeState::InService, NodeObservation::ProcessExited,
        NodeState::Fault);
    row("exit while creating is FAULT", NodeState::Created, NodeObservation::ProcessExited,
        NodeState::Fault);
    row("exit while destroying is expected", NodeState::Destroying, NodeObservation::ProcessExited,
        NodeState::Destroying);
    row("drain of a serving node", NodeState::InService, NodeObservation::DrainRequested,
        NodeState::SoftSunset);
    row("drain of a node not yet serving destroys it", NodeState::Started,
        NodeObservation::DrainRequested, NodeState::DestructionRequested);
    row("a FAULT node is not drained", NodeState::Fault, NodeObservation::DrainRequested,
        NodeState::Fault);
    row("reports do not revive FAULT", NodeState::Fault, NodeObservation::Report, NodeState::Fault);
    row("destroy from anywhere", NodeState::InService, NodeObservation::DestroyRequested,
        NodeState::DestructionRequested);
    row("a report does not skip linking", NodeState::Started, NodeObservation::Report,
        NodeState::Started);
}

void TestScaling::observations() {
    QFETCH(int, from);
    QFETCH(NodeObservation, what);
    QFETCH(int, to);
    NodeStateMachine sm;
    NodeLifecycle n{static_cast<NodeState>(from), 0, 0, {}};
    sm.observe(n, what, 100);
    QCOMPARE(name(n.state), name(static_cast<NodeState>(to)));
}

void TestScaling::timeoutsFault_data() {
    QTest::addColumn<int>("state");
    QTest::addColumn<int>("after");
    QTest::addColumn<int>("to");
    const NodeTimeouts t;
    QTest::addRow("REQUESTED") << int(NodeState::Requested) << int(t.requested)
                               << int(NodeState::Fault);
    QTest::addRow("CREATING") << int(NodeState::Creating) << int(t.creating)
                              << int(NodeState::Fault);
    QTest::addRow("CREATED") << int(NodeState::Created) << int(t.created) << int(NodeState::Fault);
    QTest::addRow("STARTED") << int(NodeState::Started) << int(t.started) << int(NodeState::Fault);
    QTest::addRow("FAULT is removed")
        << int(NodeState::Fault) << int(t.fault) << int(NodeState::Destroying);
    QTest::addRow("doomed is torn down")
        << int(NodeState::DestructionRequested) << int(t.doomed) << int(NodeState::Destroying);
}

void TestScaling::timeoutsFault() {
    QFETCH(int, state);
    QFETCH(int, after);
    QFETCH(int, to);
    NodeStateMachine sm;
    NodeLifecycle n{static_cast<NodeState>(state), 1000, 0, {}};
    QVERIFY(!sm.tick(n, 1000 + after - 1)); // one millisecond early: nothing
    QCOMPARE(int(n.state), state);
    QVERIFY(sm.tick(n, 1000 + after));
    QCOMPARE(name(n.state), name(static_cast<NodeState>(to)));
    NodeLifecycle serving{NodeState::InService, 0, 0, {}};
    QVERIFY(!sm.tick(serving, 1'000'000'000)); // INSERVICE is watched by polls, not a timeout
}

void TestScaling::threeFailedPollsMakeFault() {
    NodeStateMachine sm;
    NodeLifecycle n{NodeState::InService, 0, 0, {}};
    QVERIFY(!sm.observe(n, NodeObservation::PollFailed, 500));
    QVERIFY(!sm.observe(n, NodeObservation::PollFailed, 1000));
    QVERIFY(!sm.observe(n, NodeObservation::Report, 1500)); // a success resets the count
    QVERIFY(!sm.observe(n, NodeObservation::PollFailed, 2000));
    QVERIFY(!sm.observe(n, NodeObservation::PollFailed, 2500));
    const auto t = sm.observe(n, NodeObservation::PollFailed, 3000);
    QVERIFY(t);
    QCOMPARE(name(n.state), "FAULT");
    QCOMPARE(QString::fromStdString(n.faultReason),
             QStringLiteral("3 stats polls failed in a row"));
}

void TestScaling::drainEndsWhenClientsLeaveOrOnTimeout() {
    NodeStateMachine sm;
    NodeLifecycle a{NodeState::InService, 0, 0, {}};
    sm.observe(a, NodeObservation::DrainRequested, 0);
    QVERIFY(!NodeStateMachine::routable(a.state));
    QVERIFY(!NodeStateMachine::countsTowardRule(a.state));
    sm.observe(a, NodeObservation::ClientsGone, 5000);
    QCOMPARE(name(a.state), "DESTRUCTION_REQUESTED");

    NodeLifecycle b{NodeState::InService, 0, 0, {}};
    sm.observe(b, NodeObservation::DrainRequested, 0);
    QVERIFY(!sm.tick(b, sm.timeouts().sunset - 1));
    QVERIFY(sm.tick(b, sm.timeouts().sunset));
    QCOMPARE(name(b.state), "DESTRUCTION_REQUESTED");
}

void TestScaling::belowMinAddsNodes() {
    EdgeRole r({50}, /*min=*/3);
    ScalingMemory m;
    const auto d = Autoscaler().decide(r.input, m, 0);
    QCOMPARE(toString(d.action), "scale-out");
    QCOMPARE(d.count, 2);
    QCOMPARE(QString::fromStdString(d.rule), QStringLiteral("min"));
}

void TestScaling::aboveMaxDrainsLeastLoaded() {
    EdgeRole r({90, 10, 60, 30}, 1, /*max=*/2);
    ScalingMemory m;
    const auto d = Autoscaler().decide(r.input, m, 0);
    QCOMPARE(toString(d.action), "scale-in");
    QCOMPARE(d.victims, (std::vector<std::string>{"edge1", "edge3"}));
}

void TestScaling::outExpressionAddsIncrementCappedAtMax() {
    EdgeRole r({130, 125}, 1, 10);
    ScalingMemory m;
    auto d = Autoscaler().decide(r.input, m, 0);
    QCOMPARE(toString(d.action), "scale-out");
    QCOMPARE(d.count, 2); // increment

    EdgeRole full({130, 125, 140}, 1, 4);
    ScalingMemory m2;
    d = Autoscaler().decide(full.input, m2, 0);
    QCOMPARE(d.count, 1); // capped at max

    EdgeRole atMax({130, 125}, 1, 2);
    ScalingMemory m3;
    d = Autoscaler().decide(atMax.input, m3, 0);
    QCOMPARE(toString(d.action), "blocked");
    QVERIFY(d.alert);
}

void TestScaling::scaleOutCooldownHoldsBackASecondScaleOut() {
    EdgeRole r({130, 125});
    ScalingMemory m;
    Autoscaler a;
    QCOMPARE(toString(a.decide(r.input, m, 1000).action), "scale-out");
    // The new nodes are serving already (say), but the cool-down has not passed.
    auto d = a.decide(r.input, m, 1000 + a.policy().scaleOutCooldown - 1);
    QCOMPARE(toString(d.action), "waiting");
    QVERIFY(QString::fromStdString(d.reason).contains(QStringLiteral("cool-down")));
    d = a.decide(r.input, m, 1000 + a.policy().scaleOutCooldown);
    QCOMPARE(toString(d.action), "scale-out");
}

void TestScaling::newNodesStartingHoldBackScaleOut() {
    EdgeRole r({130, 125});
    r.input.nodes.push_back({"new", NodeState::Started, 0, 0, -1});
    ScalingMemory m;
    const auto d = Autoscaler().decide(r.input, m, 0);
    QCOMPARE(toString(d.action), "waiting");
    QVERIFY(QString::fromStdString(d.reason).contains(QStringLiteral("new nodes")));
}

void TestScaling::scaleInWaitsForTheStabilisationWindow() {
    EdgeRole r({5, 10, 3});
    ScalingMemory m;
    Autoscaler a;
    const Millis window = a.policy().scaleInStabilisation;
    QCOMPARE(toString(a.decide(r.input, m, 0).action), "waiting");
    QCOMPARE(toString(a.decide(r.input, m, window - 1).action), "waiting");
    const auto d = a.decide(r.input, m, window);
    QCOMPARE(toString(d.action), "scale-in");
    QCOMPARE(d.victims, (std::vector<std::string>{"edge2", "edge0"})); // increment 2, least loaded
}

void TestScaling::dipBetweenBurstsDoesNotScaleIn() {
    EdgeRole low({5, 10});
    EdgeRole normal({60, 70});
    ScalingMemory m;
    Autoscaler a;
    const Millis window = a.policy().scaleInStabilisation;
    a.decide(low.input, m, 0);
    a.decide(normal.input, m, window / 2); // load came back: the window restarts
    QCOMPARE(toString(a.decide(low.input, m, window).action), "waiting");
    QCOMPARE(toString(a.decide(low.input, m, window + window / 2).action), "waiting");
}

void TestScaling::scaleInNeverGoesBelowMin() {
    EdgeRole r({5, 10}, /*min=*/2);
    ScalingMemory m;
    const auto d = Autoscaler().decide(r.input, m, 1'000'000);
    QCOMPARE(toString(d.action), "none");
    QVERIFY(QString::fromStdString(d.reason).contains(QStringLiteral("at min 2")));
}

void TestScaling::pausedManualAndFaultThresholdBlock() {
    EdgeRole paused({5}, 3);
    paused.input.paused = true;
    ScalingMemory m;
    QCOMPARE(toString(Autoscaler().decide(paused.input, m, 0).action), "blocked");

    EdgeRole manual({5}, 3);
    manual.input.manual = true;
    QCOMPARE(toString(Autoscaler().decide(manual.input, m, 0).action), "blocked");

    EdgeRole faulty({50}, 3);
    for (int i = 0; i < 5; ++i)
        faulty.input.nodes.push_back({"f" + std::to_string(i), NodeState::Fault, 0, 0, -1});
    const auto d = Autoscaler().decide(faulty.input, m, 0);
    QCOMPARE(toString(d.action), "blocked");
    QVERIFY(d.alert);
    QVERIFY(QString::fromStdString(d.reason).contains(QStringLiteral("failed-node threshold")));
}

void TestScaling::faultNodesAreReplaced() {
    EdgeRole r({50, 40}, /*min=*/2);
    r.input.nodes[1].state = NodeState::Fault;
    ScalingMemory m;
    const auto d = Autoscaler().decide(r.input, m, 0);
    QCOMPARE(toString(d.action), "scale-out");
    QCOMPARE(d.count, 1);
}

void TestScaling::decisionNamesRuleAndValues() {
    EdgeRole r({130, 125});
    ScalingMemory m;
    const auto d = Autoscaler().decide(r.input, m, 0);
    QCOMPARE(QString::fromStdString(d.rule), QStringLiteral("outExpression"));
    QCOMPARE(QString::fromStdString(d.expression),
             QStringLiteral("avg(connections.subscriber) > 120"));
    QVERIFY2(QString::fromStdString(d.values).contains(
                 QStringLiteral("avg(connections.subscriber)=127.5")),
             d.values.c_str());
    QVERIFY(QString::fromStdString(d.values).contains(QStringLiteral("(2 nodes)")));
}

QTEST_APPLESS_MAIN(TestScaling)
#include "tst_scaling.moc"
