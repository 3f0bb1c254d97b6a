// The Overview page and the monitoring wall over a real EmbeddedBackend with SIMULATED nodes:
// cards and tiles follow the snapshot's numbers, the decisions table fills from the autoscaler,
// the wall pages through groups that do not fit, shows an alert tile for a node that really
// failed (the simulated provider stops answering for it) and a banner while disconnected.

#include "ui/backend/embeddedbackend.h"
#include "ui/models/decisiontablemodel.h"
#include "ui/panels/overviewpanel.h"
#include "ui/wall/alerttile.h"
#include "ui/wall/capacitybar.h"
#include "ui/wall/grouptile.h"
#include "ui/wall/monitoringwall.h"
#include "ui/wall/signalformat.h"

#include "core/model/nodegroupcodec.h"
#include "core/providers/simulatedprovider.h"
#include "tests/support/testgroups.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <set>

using namespace sy;
using model::NodeState;

namespace {

struct EdgeRule {
    int min = 2;
    int max = 8;
    int outAbove = 1000; // avg(connections.subscriber) that asks for another edge
};

model::NodeGroupConfig groupConfig(const std::string& name, EdgeRule edges = {}) {
    test::OriginEdgeOptions o;
    o.edgeMin = edges.min;
    o.edgeMax = edges.max;
    o.edgeOutAbove = edges.outAbove;
    return test::originEdgeGroup(name, o);
}

int inService(const engine::ClusterSnapshot& s, const std::string& group) {
    const auto* g = s.group(group);
    int n = 0;
    if (g)
        for (const auto& node : g->nodes)
            n += node.state == NodeState::InService;
    return n;
}

engine::GroupSummary summaryOf(const engine::ClusterSnapshot& s, const std::string& group) {
    for (auto& g : engine::summarize(s))
        if (g.nodeGroup == group)
            return g;
    return {};
}

QString labelText(QWidget* card, const char* name) {
    auto* l = card ? card->findChild<QLabel*>(QLatin1String(name)) : nullptr;
    return l ? l->text() : QStringLiteral("<missing %1>").arg(QLatin1String(name));
}

scaling::ScalingDecision decision(std::string role, scaling::ScalingAction action,
                                  std::int64_t count, std::string reason, bool alert = false) {
    scaling::ScalingDecision d;
    d.subGroup = "eu";
    d.role = std::move(role);
    d.action = action;
    d.count = count;
    d.rule = action == scaling::ScalingAction::ScaleOut ? "outExpression" : "";
    d.expression = "avg(connections.subscriber) > 150";
    d.values = "avg(connections.subscriber)=180 min=170 max=190 sum=360 (2 nodes)";
    d.reason = std::move(reason);
    d.alert = alert;
    return d;
}

} // namespace

class TestOverviewWall : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void decisionModelMergesInPlace();
    void overviewShowsEmptyStateWithoutGroups();
    void overviewCardsFollowTheSnapshot();
    void wallShowsATilePerGroupAndRotates();
    void wallShowsAnAlertTileForAFaultNode();
    void wallShowsDisconnectedBanner();
    void escapeClosesTheWall();

private:
    void createGroup(const std::string& name, EdgeRule edges = {});

    std::unique_ptr<QTemporaryDir> dir_;
    std::shared_ptr<providers::SimulatedProvider> sim_;
    std::unique_ptr<ui::EmbeddedBackend> backend_;
};

void TestOverviewWall::init() {
    dir_ = std::make_unique<QTemporaryDir>();
    sim_ = std::make_shared<providers::SimulatedProvider>();
    backend_ = test::simulatedBackend(dir_->path(), sim_, [](engine::CoreOptions& o) {
        o.timeouts.fault = -1; // keep FAULT nodes for the alert tile to show
    });
}

void TestOverviewWall::cleanup() {
    backend_.reset();
    sim_.reset();
    dir_.reset();
}

void TestOverviewWall::createGroup(const std::string& name, EdgeRule edges) {
    bool created = false;
    backend_->createNodeGroup(groupConfig(name, edges), [&](Result<void> r) {
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        created = true;
    });
    QTRY_VERIFY(created);
}

void TestOverviewWall::decisionModelMergesInPlace() {
    using A = scaling::ScalingAction;
    using M = ui::DecisionTableModel;
    M model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    engine::ClusterSnapshot s;
    s.groups["b"].lastDecisions = {decision("edge", A::None, 0, "within limits")};
    s.groups["a"].lastDecisions = {decision("origin", A::None, 0, "within limits"),
                                   decision("edge", A::ScaleOut, 2, "out-expression holds")};
    model.setSnapshot(s);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.columnCount(), int(M::ColumnCount));
    // Ordered by group, sub-group, role.
    QCOMPARE(model.index(0, M::NodeGroup).data().toString(), QStringLiteral("a"));
    QCOMPARE(model.index(0, M::Role).data().toString(), QStringLiteral("edge"));
    QCOMPARE(model.index(0, M::Action).data().toString(), QStringLiteral("Scale out"));
    QCOMPARE(model.index(0, M::Count).data().toLongLong(), 2LL);
    QCOMPARE(model.index(0, M::Rule).data().toString(), QStringLiteral("outExpression"));
    QVERIFY(model.index(0, M::Reason)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("avg(connections.subscriber)=180")));
    QCOMPARE(model.index(0, M::NodeGroup).data(M::ActionRole).toInt(), int(A::ScaleOut));
    // A count only where nodes move.
    QVERIFY(model.index(1, M::Count).data().toString().isEmpty());
    QCOMPARE(model.index(2, M::NodeGroup).data().toString(), QStringLiteral("b"));

    // A changed decision is one dataChanged on its row; a vanished group removes its rows.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    s.groups["a"].lastDecisions[1] =
        decision("edge", A::Blocked, 0, "out-expression holds but the role is at max 2", true);
    s.groups.erase("b");
    model.setSnapshot(s);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex().row(), 0);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(model.index(0, M::Action).data().toString(), QStringLiteral("Blocked"));
    QVERIFY(model.index(0, M::Action).data(M::AlertRole).toBool());
    QCOMPARE(model.index(0, M::Action).data(Qt::ForegroundRole).value<QColor>(),
             ui::severityColor(ui::Severity::Critical));
    model.setSnapshot(engine::ClusterSnapshot{});
    QCOMPARE(model.rowCount(), 0);
}

void TestOverviewWall::overviewShowsEmptyStateWithoutGroups() {
    ui::OverviewPanel panel(*backend_);
    panel.resize(1000, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QCOMPARE(panel.title(), QStringLiteral("Overview"));
    QVERIFY(!panel.icon().isNull());
    auto* empty = panel.findChild<QLabel*>(QStringLiteral("overviewEmpty"));
    QVERIFY(empty);
    QVERIFY(empty->isVisible());
    QVERIFY(empty->text().contains(QStringLiteral("create one with the wizard")));
    QVERIFY(!panel.findChild<QTableView*>(QStringLiteral("decisionsTable"))->isVisible());

    createGroup("alpha", {0, 8, 1000});
    QTRY_VERIFY(panel.findChild<QWidget*>(QStringLiteral("groupCard_alpha")));
    QTRY_VERIFY(!empty->isVisible());
}

void TestOverviewWall::overviewCardsFollowTheSnapshot() {
    ui::OverviewPanel panel(*backend_);
    panel.resize(1200, 800);
    panel.show();
    createGroup("alpha");
    createGroup("beta", {1, 8, 1000});
    sim_->setLoad("alpha", {4, 300, 2500});
    QTRY_COMPARE(inService(*backend_->snapshot(), "alpha"), 3);

    QWidget* alpha = nullptr;
    QTRY_VERIFY((alpha = panel.findChild<QWidget*>(QStringLiteral("groupCard_alpha"))));
    QTRY_VERIFY(panel.findChild<QWidget*>(QStringLiteral("groupCard_beta")));
    // The simulated load, as spread over the nodes and summed back up.
    QTRY_COMPARE(labelText(alpha, "viewers"), QStringLiteral("300"));
    QTRY_COMPARE(labelText(alpha, "publishers"), QStringLiteral("4"));
    const auto s = summaryOf(*backend_->snapshot(), "alpha");
    QCOMPARE(s.viewers, std::int64_t(300));
    QCOMPARE(labelText(alpha, "nodesTotal"), QString::number(s.nodesTotal));
    QCOMPARE(labelText(alpha, "ingress"), ui::formatBandwidth(s.ingressKbps));
    QCOMPARE(labelText(alpha, "egress"), QStringLiteral("750 Mbit/s"));
    QVERIFY2(labelText(alpha, "nodeStates").contains(QStringLiteral("3&nbsp;In service")),
             qPrintable(labelText(alpha, "nodeStates")));
    // (4 publishers + 300 viewers) of (20 + 2 x 200).
    QCOMPARE(labelText(alpha, "capacity"), QStringLiteral("72%"));
    auto* bar = alpha->findChild<ui::CapacityBar*>(QStringLiteral("capacityBar"));
    QVERIFY(bar && bar->fraction());
    QCOMPARE(*bar->fraction(), 304.0 / 420.0);

    // Decisions: one row per sub-group x role of each group.
    auto* table = panel.findChild<QTableView*>(QStringLiteral("decisionsTable"));
    QVERIFY(table);
    QTRY_COMPARE(table->model()->rowCount(), 4);
    const QModelIndex reason = table->model()->index(0, ui::DecisionTableModel::Reason);
    QVERIFY(!reason.data().toString().isEmpty());

    // Pausing shows on the card.
    auto* beta = panel.findChild<QWidget*>(QStringLiteral("groupCard_beta"));
    auto* badge = beta->findChild<QLabel*>(QStringLiteral("pausedBadge"));
    QVERIFY(badge && !badge->isVisible());
    bool paused = false;
    backend_->setPaused("beta", true, [&](Result<void> r) { paused = r.ok(); });
    QTRY_VERIFY(paused);
    QTRY_VERIFY(badge->isVisible());
    QTRY_VERIFY(labelText(beta, "alerts").contains(QStringLiteral("Autoscaling is paused")));
}

void TestOverviewWall::wallShowsATilePerGroupAndRotates() {
    ui::MonitoringWall wall(*backend_);
    // A tall narrow window holds one column of three tiles: four groups need two pages.
    wall.resize(360, 900);
    wall.setRotationInterval(300);
    wall.show();
    for (const char* name : {"g1", "g2", "g3", "g4"})
        createGroup(name, {0, 8, 1000});
    QTRY_COMPARE(wall.findChildren<ui::GroupTile*>().size(), qsizetype(4));
    for (const char* name : {"g1", "g2", "g3", "g4"})
        QVERIFY(wall.findChild<ui::GroupTile*>(QStringLiteral("groupTile_") + QLatin1String(name)));
    QVERIFY(wall.tilesPerPage() < 4);
    QCOMPARE(wall.pageCount(), 2);

    std::set<QString> seen;
    const auto visibleTiles = [&] {
        std::set<QString> v;
        for (auto* t : wall.findChildren<ui::GroupTile*>())
            if (t->isVisible())
                v.insert(t->objectName());
        return v;
    };
    QTRY_COMPARE(wall.currentPage(), 1);
    const auto second = visibleTiles();
    QTRY_COMPARE(wall.currentPage(), 0); // wraps round
    const auto first = visibleTiles();
    QVERIFY(!first.empty() && !second.empty());
    QCOMPARE(int(first.size() + second.size()), 4);
    for (const auto& name : first)
        QVERIFY(!second.count(name));
}

void TestOverviewWall::wallShowsAnAlertTileForAFaultNode() {
    ui::MonitoringWall wall(*backend_);
    wall.resize(1280, 720);
    wall.show();
    createGroup("calm", {1, 8, 1000});
    createGroup("sick");
    QTRY_COMPARE(inService(*backend_->snapshot(), "sick"), 3);
    QVERIFY(wall.findChildren<ui::AlertTile*>().isEmpty());

    std::string victim;
    // Held: a temporary snapshot would die before the loop ran.
    const auto held = backend_->snapshot();
    for (const auto& n : held->group("sick")->nodes)
        if (n.role == "edge")
            victim = n.nodeId;
    sim_->fail(victim); // stops answering its stats polls, as a crashed machine would
    const auto victimState = [&] {
        // Held: a temporary snapshot would die before the loop ran.
        const auto current = backend_->snapshot();
        for (const auto& n : current->group("sick")->nodes)
            if (n.nodeId == victim)
                return n.state;
        return NodeState::Requested;
    };
    QTRY_COMPARE_WITH_TIMEOUT(int(victimState()), int(NodeState::Fault), 10000);

    const auto alertFor = [&]() -> ui::AlertTile* {
        for (auto* t : wall.findChildren<ui::AlertTile*>())
            if (t->alert().nodeId == victim)
                return t;
        return nullptr;
    };
    QTRY_VERIFY(alertFor() != nullptr);
    ui::AlertTile* tile = alertFor();
    QVERIFY(tile->isVisible());
    QCOMPARE(int(tile->alert().severity), int(engine::AlertSeverity::Critical));
    QCOMPARE(tile->alert().nodeGroup, std::string("sick"));
    QVERIFY(tile->alert().message.find(victim) != std::string::npos);
    // Above every group tile, and the failing group comes first.
    auto* sick = wall.findChild<ui::GroupTile*>(QStringLiteral("groupTile_sick"));
    auto* calm = wall.findChild<ui::GroupTile*>(QStringLiteral("groupTile_calm"));
    QVERIFY(sick && calm);
    QVERIFY(tile->geometry().bottom() < sick->geometry().top());
    QVERIFY(tile->geometry().bottom() < calm->geometry().top());
    QVERIFY(sick->geometry().left() < calm->geometry().left() ||
            sick->geometry().top() < calm->geometry().top());
}

void TestOverviewWall::wallShowsDisconnectedBanner() {
    ui::MonitoringWall wall(*backend_);
    wall.resize(1280, 720);
    wall.show();
    QVERIFY(QTest::qWaitForWindowExposed(&wall));
    auto* banner = wall.findChild<QLabel*>(QStringLiteral("disconnectedBanner"));
    QVERIFY(banner);
    QVERIFY(!banner->isVisible());
    Q_EMIT backend_->connectionChanged(false, QStringLiteral("connection refused"));
    QVERIFY(banner->isVisible());
    QVERIFY(banner->text().startsWith(QStringLiteral("DISCONNECTED since ")));
    QVERIFY(banner->text().contains(QStringLiteral("connection refused")));
    const QString since = banner->text().section(QLatin1Char(' '), 2, 2);
    // Still down: the banner keeps the time it first went down.
    Q_EMIT backend_->connectionChanged(false, QStringLiteral("timed out"));
    QCOMPARE(banner->text().section(QLatin1Char(' '), 2, 2), since);
    QVERIFY(banner->text().contains(QStringLiteral("timed out")));
    Q_EMIT backend_->connectionChanged(true, QString());
    QVERIFY(!banner->isVisible());
}

void TestOverviewWall::escapeClosesTheWall() {
    ui::MonitoringWall wall(*backend_);
    wall.show();
    QVERIFY(QTest::qWaitForWindowExposed(&wall));
    QSignalSpy closed(&wall, &ui::MonitoringWall::closed);
    QTest::keyClick(&wall, Qt::Key_Escape);
    QCOMPARE(closed.count(), 1);
    QVERIFY(!wall.isVisible());
}

QTEST_MAIN(TestOverviewWall)
#include "tst_overviewwall.moc"
