// ControlCore end to end on the SIMULATED provider: node groups come up, scale out and in with
// load, replace failed nodes, survive a restart of the core without duplicating nodes, and
// refuse bad commands without changing anything. Real timers with short intervals; every wait
// polls with a deadline.

#include "core/engine/controlcore.h"
#include "core/model/nodegroupcodec.h"
#include "core/providers/simulatedprovider.h"
#include "core/store/statestore.h"

#include <QTemporaryDir>

#include <QTest>
#include <algorithm>
#include <mutex>
#include <set>

using namespace sy;
using engine::ControlCore;
using model::NodeState;

namespace {

constexpr auto kGroup = R"j({
  "name": "sim", "cloudPlatform": "SIMULATED", "shuffleSizeExpression": "1",
  "roles": {
    "origin": {"name": "origin", "capabilities": ["PUBLISH"]},
    "edge": {"name": "edge", "capabilities": ["SUBSCRIBE"], "parentRoleName": "origin",
             "parentCardinality": "GLOBAL"}
  },
  "groups": {"eu": {"subGroupName": "eu", "rulesByRole": {
    "origin": {"min": 1, "max": 2, "increment": 1,
               "outExpression": "avg(connections.publisher) > 12",
               "inExpression": "avg(connections.publisher) < 2",
               "capacityRankingExpression": "connections.publisher",
               "capacityLimitExpression": "20"},
    "edge": {"min": 2, "max": 6, "increment": 2,
             "outExpression": "avg(connections.subscriber) > 120",
             "inExpression": "avg(connections.subscriber) < 20",
             "capacityRankingExpression": "connections.subscriber",
             "capacityLimitExpression": "200"}}}}
})j";

model::NodeGroupConfig config(const char* text = kGroup) {
    auto parsed = model::parseNodeGroup(std::string_view(text));
    if (!parsed)
        qFatal("bad test config: %s", model::describe(parsed.error()).c_str());
    return std::move(parsed).value();
}

int count(const ControlCore& core, const std::string& role, NodeState state) {
    const auto snap = core.snapshot();
    const auto* g = snap->group("sim");
    if (!g)
        return -1;
    int n = 0;
    for (const auto& node : g->nodes)
        n += node.role == role && node.state == state;
    return n;
}

std::set<std::string> nodeIds(const ControlCore& core) {
    std::set<std::string> ids;
    // Pinned: a pointer into a temporary snapshot would dangle.
    const auto pinned = core.snapshot();
    if (const auto* g = pinned->group("sim"))
        for (const auto& node : g->nodes)
            ids.insert(node.nodeId);
    return ids;
}

} // namespace

class TestControlCore : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void nodeGroupComesUpInService();
    void scalesOutWithLoadAndBackInAfterDraining();
    void failedNodeIsReplaced();
    void restartReadoptsNodesWithoutDuplicates();
    void badCommandsChangeNothing();
    void deleteDestroysNodes();

private:
    std::unique_ptr<ControlCore> open();

    std::unique_ptr<QTemporaryDir> dir_;
    std::shared_ptr<providers::SimulatedProvider> sim_;
};

void TestControlCore::init() {
    dir_ = std::make_unique<QTemporaryDir>();
    sim_ = std::make_shared<providers::SimulatedProvider>();
}

void TestControlCore::cleanup() {
    sim_.reset();
    dir_.reset();
}

std::unique_ptr<ControlCore> TestControlCore::open() {
    engine::CoreOptions o;
    o.dataDir = dir_->path().toStdString();
    o.tick = std::chrono::milliseconds(20);
    o.pollInterval = std::chrono::milliseconds(10);
    o.scaling.scaleOutCooldown = 100;
    o.scaling.scaleInStabilisation = 200;
    o.timeouts.doomed = 50;
    o.timeouts.fault = 200;
    o.seed = 42;
    o.providers["SIMULATED"] = sim_;
    auto core = ControlCore::open(std::move(o));
    if (!core)
        qFatal("open failed: %s", core.error().message.c_str());
    return std::move(core).value();
}

void TestControlCore::nodeGroupComesUpInService() {
    auto core = open();
    core->start();
    QVERIFY(core->createNodeGroup(config()).get().ok());
    QTRY_COMPARE_WITH_TIMEOUT(count(*core, "origin", NodeState::InService), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(count(*core, "edge", NodeState::InService), 2, 5000);
    QVERIFY(core->snapshot()->group("sim")->simulated);
    // Desired state is durable, and each node creation was journalled first.
    QVERIFY(core->store().getNodeGroup("sim").ok());
    const auto intents = core->store().intentsFor("sim");
    QVERIFY(intents.ok());
    QCOMPARE(intents->size(), std::size_t{3});
    for (const auto& i : *intents)
        QVERIFY(i.state == store::IntentState::Done);
}

void TestControlCore::scalesOutWithLoadAndBackInAfterDraining() {
    auto core = open();
    std::vector<engine::Event> decisions;
    std::mutex m;
    core->subscribe([&](const engine::Event& e) {
        if (e.kind == engine::EventKind::ScalingDecision) {
            std::lock_guard lock(m);
            decisions.push_back(e);
        }
    });
    core->start();
    QVERIFY(core->createNodeGroup(config()).get().ok());
    QTRY_COMPARE_WITH_TIMEOUT(count(*core, "edge", NodeState::InService), 2, 5000);

    sim_->setLoad("sim", {1, 600}); // 300 viewers per edge: over the out-expression
    QTRY_COMPARE_WITH_TIMEOUT(count(*core, "edge", NodeState::InService), 4, 5000);
    {
        std::lock_guard lock(m);
        const auto it = std::find_if(decisions.begin(), decisions.end(), [](const auto& e) {
            return e.details.value("action", "") == "scale-out" &&
                   e.details.value("rule", "") == "outExpression";
        });
        QVERIFY(it != decisions.end());
        QVERIFY(it->details.value("values", "").find("avg(connections.subscriber)=300") !=
                std::string::npos);
    }

    sim_->setLoad("sim", {1, 10}); // quiet: in-expression, then drain least loaded first
    QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(nodeIds(*core).size()), 3, 10000);
    QCOMPARE(count(*core, "edge", NodeState::InService), 2); // never below min
    std::lock_guard lock(m);
    QVERIFY(std::any_of(decisions.begin(), decisions.end(),
                        [](const auto& e) { return e.details.value("action", "") == "scale-in"; }));
}

void TestControlCore::failedNodeIsReplaced() {
    auto core = open();
    core->start();
    QVERIFY(core->createNodeGroup(config()).get().ok());
    QTRY_COMPARE_WITH_TIMEOUT(count(*core, "edge", NodeState::InService), 2, 5000);
    std::string victim;
    // Held: a temporary snapshot would die before the loop ran.
    const auto held = core->snapshot();
    for (const auto& n : held->group("sim")->nodes)
        if (n.role == "edge")
            victim = n.nodeId;
    sim_->fail(victim);
    QTRY_VERIFY_WITH_TIMEOUT(
        count(*core, "edge", NodeState::Fault) == 1 || !nodeIds(*core).contains(victim), 5000);
    // A replacement serves, and the failed node is removed after the FAULT timeout.
    QTRY_VERIFY_WITH_TIMEOUT(
        !nodeIds(*core).contains(victim) && count(*core, "edge", NodeState::InService) == 2, 5000);
}

void TestControlCore::restartReadoptsNodesWithoutDuplicates() {
    std::set<std::string> before;
    {
        auto core = open();
        core->start();
        QVERIFY(core->createNodeGroup(config()).get().ok());
        QTRY_COMPARE_WITH_TIMEOUT(count(*core, "edge", NodeState::InService), 2, 5000);
        before = nodeIds(*core);
        // Destroyed without stopping its nodes: they belong to the provider.
    }
    QCOMPARE(sim_->nodeCount(), std::size_t{3});
    auto core = open();
    QCOMPARE(nodeIds(*core), before); // known from the journal before the loop even runs
    core->start();
    QTRY_COMPARE_WITH_TIMEOUT(count(*core, "edge", NodeState::InService), 2, 5000);
    QCOMPARE(count(*core, "origin", NodeState::InService), 1);
    QCOMPARE(nodeIds(*core), before);
    QCOMPARE(sim_->nodeCount(), std::size_t{3});
}

void TestControlCore::badCommandsChangeNothing() {
    auto core = open();
    core->start();
    auto noProvider = config();
    noProvider.cloudPlatform = "AWS";
    auto r = core->createNodeGroup(noProvider).get();
    QVERIFY(!r.ok());
    QCOMPARE(QString::fromStdString(r.error().code), QStringLiteral("no_provider"));
    QVERIFY(r.error().message.find("'AWS' has no provider") != std::string::npos);

    auto invalid = config();
    invalid.name = "../x";
    r = core->createNodeGroup(invalid).get();
    QVERIFY(!r.ok());
    QCOMPARE(QString::fromStdString(r.error().code), QStringLiteral("invalid"));
    QVERIFY(r.error().message.find("name:") != std::string::npos);
    QVERIFY(core->store().listNodeGroups()->empty());
    QVERIFY(core->snapshot()->groups.empty());

    QVERIFY(core->createNodeGroup(config()).get().ok());
    r = core->createNodeGroup(config()).get();
    QCOMPARE(QString::fromStdString(r.error().code), QStringLiteral("exists"));
    QCOMPARE(QString::fromStdString(core->deleteNodeGroup("nope").get().error().code),
             QStringLiteral("not_found"));
    QCOMPARE(QString::fromStdString(core->drainNode("sim", "nope").get().error().code),
             QStringLiteral("not_found"));
    QCOMPARE(QString::fromStdString(core->manualScale("sim", "eu", "edge", 3).get().error().code),
             QStringLiteral("invalid")); // edge is AUTO
    QCOMPARE(core->store().listNodeGroups()->size(), std::size_t{1});
}

void TestControlCore::deleteDestroysNodes() {
    auto core = open();
    core->start();
    QVERIFY(core->createNodeGroup(config()).get().ok());
    QTRY_COMPARE_WITH_TIMEOUT(count(*core, "edge", NodeState::InService), 2, 5000);
    QVERIFY(core->deleteNodeGroup("sim").get().ok());
    QVERIFY(!core->store().getNodeGroup("sim").ok());
    QTRY_VERIFY_WITH_TIMEOUT(core->snapshot()->group("sim") == nullptr, 5000);
    QCOMPARE(sim_->nodeCount(), std::size_t{0});
}

QTEST_GUILESS_MAIN(TestControlCore)
#include "tst_controlcore.moc"
