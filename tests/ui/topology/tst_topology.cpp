// The Topology page over a real EmbeddedBackend with SIMULATED nodes (origin → relays → edges):
// one item per node coloured by state, links along parents, items that go with their nodes, the
// path of a stream, zoom and fit; and, on made-up snapshots, a 2,000-node scene that updates in
// place.

#include "syntheticcluster.h"

#include "ui/backend/embeddedbackend.h"
#include "ui/style/statecolors.h"
#include "ui/topology/frameitem.h"
#include "ui/topology/nodeitem.h"
#include "ui/topology/streampath.h"
#include "ui/topology/topologypanel.h"
#include "ui/topology/topologyscene.h"
#include "ui/topology/topologyview.h"

#include "core/model/nodegroupcodec.h"
#include "core/providers/simulatedprovider.h"

#include <QComboBox>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>

#include <set>

using namespace sy;
using ui::TopologyPanel;
using ui::TopologyScene;

namespace {

constexpr int kClusterTimeout = 20000; // two shared cores, other suites running alongside

// origin [PUBLISH] → relay [] (GLOBAL) → edge [SUBSCRIBE] (AUTOGROUP: one relay each).
model::NodeGroupConfig groupConfig(const std::string& name, int relays, int edges) {
    auto rule = [](int count, const char* ranking, const char* limit) {
        return R"({"min": )" + std::to_string(count) + R"(, "max": )" + std::to_string(count) +
               R"(, "increment": 1, "outExpression": "avg(cpu.process.load) > 100",
                 "inExpression": "avg(cpu.process.load) < 0",
                 "capacityRankingExpression": ")" +
               ranking + R"(", "capacityLimitExpression": ")" + limit + R"("})";
    };
    auto parsed = model::parseNodeGroup(std::string_view(
        R"({"name": ")" + name + R"(", "cloudPlatform": "SIMULATED", "shuffleSizeExpression": "1",
      "roles": {"origin": {"name": "origin", "capabilities": ["PUBLISH"]},
                "relay": {"name": "relay", "capabilities": [], "parentRoleName": "origin",
                          "parentCardinality": "GLOBAL"},
                "edge": {"name": "edge", "capabilities": ["SUBSCRIBE"], "parentRoleName": "relay",
                         "parentCardinality": "AUTOGROUP"}},
      "groups": {"eu": {"subGroupName": "eu", "rulesByRole": {
        "origin": )" +
        rule(1, "connections.publisher", "20") + R"(, "relay": )" + rule(relays, "0", "0") +
        R"(, "edge": )" + rule(edges, "connections.subscriber", "200") + "}}}}"));
    if (!parsed)
        qFatal("bad config: %s", model::describe(parsed.error()).c_str());
    return std::move(parsed).value();
}

const engine::NodeGroupView* group(const engine::ClusterSnapshot& s, const char* name) {
    return s.group(name);
}

int inService(const engine::ClusterSnapshot& s, const char* name) {
    const auto* g = group(s, name);
    return g ? static_cast<int>(std::count_if(
                   g->nodes.begin(), g->nodes.end(),
                   [](const auto& n) { return n.state == model::NodeState::InService; }))
             : 0;
}

std::vector<engine::NodeView> nodesOf(const engine::ClusterSnapshot& s, const std::string& role) {
    std::vector<engine::NodeView> out;
    for (const auto& [name, g] : s.groups)
        for (const auto& n : g.nodes)
            if (n.role == role)
                out.push_back(n);
    return out;
}

bool carries(const engine::NodeView& n, const std::string& guid) {
    return std::any_of(n.streams.begin(), n.streams.end(),
                       [&](const auto& s) { return s.guid == guid; });
}

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

QStringList parentsOf(const engine::NodeView& n) {
    QStringList out;
    for (const auto& p : n.parents)
        out << q(p);
    out.sort();
    return out;
}

} // namespace

class TestTopology : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    // Over a real core.
    void oneItemPerNodeColouredByState();
    void linksFollowParents();
    void faultyNodeTurnsRed();
    void itemsGoWithTheirNodes();
    void streamPathHighlightsTheCarryingNodes();
    void zoomAndFitChangeTheTransform();
    // Pure: made-up snapshots.
    void twoThousandNodesUpdateInPlace();
    void groupFilterShowsOneGroup();
    void nodeLoad_data();
    void nodeLoad();
    void streamPathCrossesSilentRelaysOnly();

private:
    void createGroup(int relays, int edges);
    // The panel caught up with the backend and every node of ng1 is in service.
    void waitInService(int nodes);

    std::unique_ptr<QTemporaryDir> dir_;
    std::shared_ptr<providers::SimulatedProvider> provider_;
    std::unique_ptr<ui::EmbeddedBackend> backend_;
    std::unique_ptr<TopologyPanel> panel_;
};

void TestTopology::init() {
    dir_ = std::make_unique<QTemporaryDir>();
    engine::CoreOptions o;
    o.dataDir = dir_->path().toStdString();
    o.tick = std::chrono::milliseconds(20);
    o.pollInterval = std::chrono::milliseconds(10);
    o.timeouts.fault = -1; // a FAULT node stays for inspection
    o.timeouts.doomed = 20;
    o.scaling.scaleOutCooldown = 0;
    provider_ = std::make_shared<providers::SimulatedProvider>();
    o.providers["SIMULATED"] = provider_;
    auto core = engine::ControlCore::open(std::move(o));
    QVERIFY(core.ok());
    backend_ = std::make_unique<ui::EmbeddedBackend>(std::move(core).value(), dir_->path(), 20);
    panel_ = std::make_unique<TopologyPanel>(*backend_);
    panel_->resize(1000, 700);
    panel_->show(); // a hidden page skips refreshes
    QVERIFY(QTest::qWaitForWindowExposed(panel_.get()));
}

void TestTopology::cleanup() {
    panel_.reset();
    backend_.reset();
    provider_.reset();
    dir_.reset();
}

void TestTopology::createGroup(int relays, int edges) {
    std::optional<Result<void>> done;
    backend_->createNodeGroup(groupConfig("ng1", relays, edges), [&](Result<void> r) { done = r; });
    QTRY_VERIFY(done.has_value());
    QVERIFY2(done->ok(), done->ok() ? "" : done->error().message.c_str());
}

void TestTopology::waitInService(int nodes) {
    QTRY_COMPARE_WITH_TIMEOUT(inService(*backend_->snapshot(), "ng1"), nodes, kClusterTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(inService(*panel_->scene()->snapshot(), "ng1"), nodes,
                              kClusterTimeout);
}

void TestTopology::oneItemPerNodeColouredByState() {
    createGroup(2, 4);
    waitInService(7);
    TopologyScene& scene = *panel_->scene();
    const auto snap = scene.snapshot();
    QCOMPARE(scene.nodeItemCount(), 7);
    for (const auto& n : group(*snap, "ng1")->nodes) {
        const auto* item = scene.nodeItem(q(n.nodeId));
        QVERIFY2(item, n.nodeId.c_str());
        QCOMPARE(scene.nodeColor(q(n.nodeId)), ui::stateColor(model::NodeState::InService));
        const QString tip = scene.nodeToolTip(q(n.nodeId));
        QVERIFY2(tip.contains(ui::stateLabel(model::NodeState::InService)), qPrintable(tip));
        QVERIFY2(tip.contains(q(n.endpoint.address)), qPrintable(tip));
    }
    // Tiers run down the parent chain: origin above relays above edges.
    auto y = [&](const engine::NodeView& n) {
        return scene.nodeItem(q(n.nodeId))->pos().y();
    };
    const auto origin = nodesOf(*snap, "origin").front();
    for (const auto& relay : nodesOf(*snap, "relay")) {
        QVERIFY(y(origin) < y(relay));
        for (const auto& edge : nodesOf(*snap, "edge"))
            QVERIFY(y(relay) < y(edge));
    }
    QVERIFY(scene.frame(QStringLiteral("ng1")));
    QVERIFY(scene.frame(QStringLiteral("ng1"), QStringLiteral("eu")));
    QVERIFY(scene.frame(QStringLiteral("ng1"))->summary().contains(QStringLiteral("7 nodes")));
}

void TestTopology::linksFollowParents() {
    createGroup(2, 4);
    waitInService(7);
    TopologyScene& scene = *panel_->scene();
    // Parents are assigned as nodes come into service: wait for the final assignment.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const auto snap = scene.snapshot();
            for (const auto& e : nodesOf(*snap, "edge"))
                if (e.parents.size() != 1)
                    return false;
            return nodesOf(*snap, "relay").front().parents.size() == 1;
        }(),
        kClusterTimeout);
    const auto snap = scene.snapshot();
    int links = 0;
    for (const auto& n : group(*snap, "ng1")->nodes) {
        QCOMPARE(scene.linkedParents(q(n.nodeId)), parentsOf(n));
        links += static_cast<int>(n.parents.size());
    }
    QCOMPARE(scene.linkCount(), 6); // 2 relays → origin, 4 edges → one relay each
    QCOMPARE(links, 6);
    const auto origin = nodesOf(*snap, "origin").front();
    for (const auto& relay : nodesOf(*snap, "relay"))
        QCOMPARE(scene.linkedParents(q(relay.nodeId)), QStringList{q(origin.nodeId)});
}

void TestTopology::faultyNodeTurnsRed() {
    createGroup(1, 2);
    waitInService(4);
    const std::string edge = nodesOf(*backend_->snapshot(), "edge").front().nodeId;
    const auto* before = panel_->scene()->nodeItem(q(edge));
    provider_->fail(edge);
    QTRY_COMPARE_WITH_TIMEOUT(panel_->scene()->nodeColor(q(edge)),
                              ui::stateColor(model::NodeState::Fault), kClusterTimeout);
    QCOMPARE(panel_->scene()->nodeItem(q(edge)), before); // updated in place, not replaced
    QVERIFY(panel_->scene()->nodeToolTip(q(edge)).contains(QStringLiteral("Fault")));
    QVERIFY(panel_->scene()
                ->frame(QStringLiteral("ng1"))
                ->summary()
                .contains(QStringLiteral("1 fault")));
}

void TestTopology::itemsGoWithTheirNodes() {
    createGroup(1, 3);
    waitInService(5);
    TopologyScene& scene = *panel_->scene();
    const int layouts = scene.layoutCount();
    const auto origin = nodesOf(*scene.snapshot(), "origin").front().nodeId;
    const auto* originItem = scene.nodeItem(q(origin));

    // Scale the edges in from 3 to 1: two items go, the others stay the same objects.
    std::optional<Result<void>> updated;
    backend_->updateNodeGroup(groupConfig("ng1", 1, 1), [&](Result<void> r) { updated = r; });
    QTRY_VERIFY(updated.has_value());
    QVERIFY(updated->ok());
    QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(group(*backend_->snapshot(), "ng1")->nodes.size()),
                              3, kClusterTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(scene.nodeItemCount(), 3, kClusterTimeout);
    for (const auto& n : group(*scene.snapshot(), "ng1")->nodes)
        QVERIFY(scene.nodeItem(q(n.nodeId)));
    QCOMPARE(scene.nodeItem(q(origin)), originItem);
    QVERIFY(scene.layoutCount() > layouts);

    // Deleting the group removes every item and its frames.
    std::optional<Result<void>> deleted;
    backend_->deleteNodeGroup("ng1", [&](Result<void> r) { deleted = r; });
    QTRY_VERIFY(deleted.has_value());
    QVERIFY(deleted->ok());
    QTRY_COMPARE_WITH_TIMEOUT(scene.nodeItemCount(), 0, kClusterTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(!scene.frame(QStringLiteral("ng1")), kClusterTimeout);
    QCOMPARE(scene.linkCount(), 0);
}

void TestTopology::streamPathHighlightsTheCarryingNodes() {
    createGroup(2, 4);
    waitInService(7);
    // 3 streams, 6 viewers over 4 edges (2, 2, 1, 1): live/sim1 is on two edges only, and the
    // SIMULATED relays report no streams (their role has no capabilities, so no share).
    provider_->setLoad("ng1", {3, 6, 2500});
    const std::string guid = "live/sim1";
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const auto snap = panel_->scene()->snapshot();
            const auto edges = nodesOf(*snap, "edge");
            const auto relays = nodesOf(*snap, "relay");
            return carries(nodesOf(*snap, "origin").front(), guid) &&
                   std::count_if(edges.begin(), edges.end(),
                                 [&](const auto& e) { return carries(e, guid); }) == 2 &&
                   std::all_of(edges.begin(), edges.end(),
                               [](const auto& e) { return e.parents.size() == 1; }) &&
                   std::all_of(relays.begin(), relays.end(), [](const auto& r) {
                       return r.streams.empty() && r.parents.size() == 1;
                   });
        }(),
        kClusterTimeout);
    auto* picker = panel_->findChild<QComboBox*>(QStringLiteral("streamPicker"));
    QVERIFY(picker);
    QTRY_VERIFY(picker->findData(q(guid)) > 0);

    // Stop the cluster from moving under the assertions: apply one snapshot by hand.
    panel_->refresh();
    panel_->highlightStream(q(guid));
    QCOMPARE(picker->currentData().toString(), q(guid));
    TopologyScene& scene = *panel_->scene();
    const auto snap = scene.snapshot();
    std::set<std::string> expected;
    const auto origin = nodesOf(*snap, "origin").front();
    expected.insert(origin.nodeId);
    for (const auto& e : nodesOf(*snap, "edge"))
        if (carries(e, guid)) {
            expected.insert(e.nodeId);
            expected.insert(e.parents.front()); // its relay, which reports nothing
            QVERIFY(scene.isLinkHighlighted(q(e.nodeId), q(e.parents.front())));
            QVERIFY(scene.isLinkHighlighted(q(e.parents.front()), q(origin.nodeId)));
        } else {
            QVERIFY(!scene.isLinkHighlighted(q(e.nodeId), q(e.parents.front())));
        }
    int dimmed = 0;
    for (const auto& n : group(*snap, "ng1")->nodes) {
        const bool on = expected.contains(n.nodeId);
        QVERIFY2(scene.isHighlighted(q(n.nodeId)) == on, n.nodeId.c_str());
        QCOMPARE(scene.isDimmed(q(n.nodeId)), !on);
        dimmed += !on;
    }
    QVERIFY(dimmed >= 2); // the two edges without the stream at least

    panel_->highlightStream({});
    QCOMPARE(picker->currentIndex(), 0);
    for (const auto& n : group(*snap, "ng1")->nodes) {
        QVERIFY(!scene.isHighlighted(q(n.nodeId)));
        QVERIFY(!scene.isDimmed(q(n.nodeId)));
    }

    // Choosing the stream in the picker highlights it as well.
    const int index = picker->findData(q(guid));
    picker->setCurrentIndex(index);
    emit picker->activated(index);
    QCOMPARE(scene.highlightedStream(), q(guid));
    QVERIFY(scene.isHighlighted(q(origin.nodeId)));
}

void TestTopology::zoomAndFitChangeTheTransform() {
    createGroup(1, 2);
    waitInService(4);
    ui::TopologyView& view = *panel_->view();
    view.fitAll();
    const double fitted = view.zoom();
    QVERIFY(view.followsContent());
    // Everything is inside the viewport after a fit.
    const QRect shown = view.mapFromScene(panel_->scene()->contentRect()).boundingRect();
    QVERIFY2(view.viewport()->rect().contains(shown),
             qPrintable(QStringLiteral("%1x%2").arg(shown.width()).arg(shown.height())));

    view.zoomIn();
    QVERIFY(view.zoom() > fitted * 1.2);
    QVERIFY(!view.followsContent());
    QTest::keyClick(&view, Qt::Key_Minus);
    QVERIFY(qAbs(view.zoom() - fitted) < 1e-6);

    const QPointF at = view.viewport()->rect().center();
    QWheelEvent wheel(at, view.viewport()->mapToGlobal(at), QPoint(), QPoint(0, 240), Qt::NoButton,
                      Qt::ControlModifier, Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(view.viewport(), &wheel);
    QVERIFY(view.zoom() > fitted * 1.5);

    QTest::keyClick(&view, Qt::Key_F);
    QVERIFY(qAbs(view.zoom() - fitted) < 1e-6);
    QVERIFY(view.followsContent());
}

void TestTopology::twoThousandNodesUpdateInPlace() {
    const test::SyntheticShape shape; // 4 groups x 2 regions x (5 + 20 + 225)
    QCOMPARE(shape.nodes(), 2000);
    TopologyScene scene;
    scene.setSnapshot(test::syntheticCluster(shape, 0));
    QCOMPARE(scene.nodeItemCount(), 2000);
    QCOMPARE(scene.layoutCount(), 1);
    QCOMPARE(scene.nodeColor(QStringLiteral("g0s0o0")),
             ui::stateColor(model::NodeState::InService));
    const auto* item = scene.nodeItem(QStringLiteral("g2s1e100"));
    QVERIFY(item);
    const QPointF pos = item->pos();

    // Same membership, new states and loads: updated in place, no new layout.
    const auto next = test::syntheticCluster(shape, 3);
    scene.setSnapshot(next);
    QCOMPARE(scene.nodeItemCount(), 2000);
    QCOMPARE(scene.layoutCount(), 1);
    QCOMPARE(scene.nodeItem(QStringLiteral("g2s1e100")), item);
    QCOMPARE(item->pos(), pos);
    int faults = 0;
    for (const auto& [name, g] : next->groups)
        for (const auto& n : g.nodes) {
            QCOMPARE(scene.nodeColor(q(n.nodeId)), ui::stateColor(n.state));
            faults += n.state == model::NodeState::Fault;
        }
    QVERIFY(faults > 200);

    // A membership change lays out again.
    auto fewer = std::make_shared<engine::ClusterSnapshot>(*next);
    fewer->groups.erase("group3");
    scene.setSnapshot(fewer);
    QCOMPARE(scene.nodeItemCount(), 1500);
    QCOMPARE(scene.layoutCount(), 2);
    QVERIFY(!scene.frame(QStringLiteral("group3")));
}

void TestTopology::groupFilterShowsOneGroup() {
    const test::SyntheticShape shape{2, 1, 1, 2, 4};
    TopologyScene scene;
    scene.setSnapshot(test::syntheticCluster(shape, 0));
    QCOMPARE(scene.nodeItemCount(), 14);
    QCOMPARE(scene.nodeGroups(), (QStringList{QStringLiteral("group0"), QStringLiteral("group1")}));
    scene.setGroupFilter(QStringLiteral("group1"));
    QCOMPARE(scene.nodeItemCount(), 7);
    QVERIFY(!scene.nodeItem(QStringLiteral("g0s0o0")));
    QVERIFY(scene.nodeItem(QStringLiteral("g1s0o0")));
    QVERIFY(!scene.frame(QStringLiteral("group0")));
    QCOMPARE(scene.nodeGroups().size(), 2); // the filter lists every group
    scene.setGroupFilter({});
    QCOMPARE(scene.nodeItemCount(), 14);
}

void TestTopology::nodeLoad_data() {
    QTest::addColumn<double>("ranking");
    QTest::addColumn<double>("limit");
    QTest::addColumn<double>("cpu");
    QTest::addColumn<double>("expected");
    QTest::addRow("ranking over limit") << 50.0 << 200.0 << 0.9 << 0.25;
    QTest::addRow("overloaded past the limit") << 300.0 << 200.0 << 0.9 << 1.5;
    QTest::addRow("no limit: cpu") << 0.0 << 0.0 << 0.4 << 0.4;
    QTest::addRow("no limit: cpu clamped") << 0.0 << 0.0 << 1.7 << 1.0;
}

void TestTopology::nodeLoad() {
    QFETCH(double, ranking);
    QFETCH(double, limit);
    QFETCH(double, cpu);
    QFETCH(double, expected);
    engine::NodeView n;
    n.ranking = ranking;
    n.limit = limit;
    n.metrics["cpu.process.load"] = cpu;
    QCOMPARE(ui::nodeLoad(n), expected);
}

void TestTopology::streamPathCrossesSilentRelaysOnly() {
    const test::SyntheticShape shape{1, 1, 2, 2, 4};
    auto snap = std::make_shared<engine::ClusterSnapshot>(*test::syntheticCluster(shape, 0));
    auto& nodes = snap->groups.at("group0").nodes;
    auto find = [&](const char* id) -> engine::NodeView& {
        return *std::find_if(nodes.begin(), nodes.end(),
                             [&](const auto& n) { return n.nodeId == id; });
    };
    // Edges e0 and e2 play live/g0s0o0_0 through relay r0, which reports nothing. Relay r1
    // reports another stream, so it is not on this stream's way even though its edge e3 claims
    // to carry it: e3 is marked as a carrier, with no link up.
    find("g0s0r1").streams.push_back({"live/other", false, 0, 0, 0});
    find("g0s0e3").streams = {{"live/g0s0o0_0", false, 1, 0, 0}};
    const auto path = ui::streamPath(*snap, "live/g0s0o0_0");
    std::set<std::string> on;
    for (const auto* n : path.nodes)
        on.insert(n->nodeId);
    QCOMPARE(on, (std::set<std::string>{"g0s0o0", "g0s0r0", "g0s0e0", "g0s0e2", "g0s0e3"}));
    QVERIFY(path.links.contains({&find("g0s0e0"), &find("g0s0r0")}));
    QVERIFY(path.links.contains({&find("g0s0e2"), &find("g0s0r0")}));
    QVERIFY(path.links.contains({&find("g0s0r0"), &find("g0s0o0")}));
    QCOMPARE(path.links.size(), std::size_t(3));
    QVERIFY(ui::streamPath(*snap, "").nodes.empty());
}

QTEST_MAIN(TestTopology)
#include "tst_topology.moc"
