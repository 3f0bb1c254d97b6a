// The SIMULATED provider's traffic model and capacity on a fake clock: loads are a pure function
// of (seed, group, time), spread over routable nodes only, and drive cpu load past 1.0 when
// nodes are overloaded. One end-to-end check runs a traffic ramp through ControlCore, with the
// same fake clock given to the provider and the core: edges grow as simulated time advances.

#include "core/engine/controlcore.h"
#include "core/model/nodegroupcodec.h"
#include "core/providers/simulatedprovider.h"

#include <QTemporaryDir>

#include <QTest>
#include <atomic>
#include <cmath>
#include <map>
#include <memory>
#include <set>

using namespace sy;
using providers::NodeSpec;
using providers::SimulatedCapacity;
using providers::SimulatedLoad;
using providers::SimulatedOptions;
using providers::SimulatedProvider;
using providers::SimulatedTraffic;

namespace {

constexpr std::int64_t kStart = 1'700'000'000'000; // a fixed epoch ms: runs do not depend on today
constexpr std::int64_t kMinute = 60'000;

NodeSpec spec(const std::string& id, model::Capability capability, const std::string& group = "g") {
    NodeSpec s;
    s.nodeId = id;
    s.nodeGroup = group;
    s.subGroup = "eu";
    s.role = capability == model::Capability::Publish ? "origin" : "edge";
    s.capabilities = {capability};
    return s;
}

SimulatedTraffic noisy(double noise) {
    SimulatedTraffic t;
    t.baseline = {10, 1000};
    t.noise = noise;
    t.noiseBucketMs = 1000;
    t.startMs = kStart;
    return t;
}

double metric(const providers::NodeReport& r, const char* name) {
    const auto it = r.metrics.find(name);
    return it == r.metrics.end() ? -1 : it->second;
}

// Viewers each node reports, by node id, at the provider's current time.
std::map<std::string, double> viewers(SimulatedProvider& sim, const std::vector<std::string>& ids) {
    std::map<std::string, double> out;
    for (const auto& r : sim.poll(ids))
        out[r.nodeId] = metric(r, "connections.subscriber");
    return out;
}

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

int inServiceEdges(const engine::ControlCore& core) {
    // Pinned: a pointer into a temporary snapshot would dangle.
    const auto pinned = core.snapshot();
    const auto* g = pinned->group("sim");
    int n = 0;
    for (const auto& node : g ? g->nodes : std::vector<engine::NodeView>{})
        n += node.role == "edge" && node.state == model::NodeState::InService;
    return n;
}

// Viewers the core has observed on its in-service edges: proves it polled at the current time.
double observedViewers(const engine::ControlCore& core) {
    // Pinned: a pointer into a temporary snapshot would dangle.
    const auto pinned = core.snapshot();
    const auto* g = pinned->group("sim");
    double total = 0;
    for (const auto& node : g ? g->nodes : std::vector<engine::NodeView>{})
        if (node.role == "edge" && node.state == model::NodeState::InService)
            total += node.metrics.contains("connections.subscriber")
                         ? node.metrics.at("connections.subscriber")
                         : 0;
    return total;
}

} // namespace

class TestSimulated : public QObject {
    Q_OBJECT
private slots:
    void init();
    void sameSeedSameLoadsWhateverTheOrder();
    void differentSeedDifferentNoise();
    void noiseStaysWithinItsBoundsAndBucket();
    void swingFollowsTheSine_data();
    void swingFollowsTheSine();
    void rampAndScale_data();
    void rampAndScale();
    void capacityDrivesCpuLoad_data();
    void capacityDrivesCpuLoad();
    void loadSpreadsOverRoutableNodesOnly();
    void failedNodesReportUnreachable();
    void setLoadStaysFlat();
    void pollFollowsTheInjectedClock();
    void edgesGrowWithRampThroughControlCore();

private:
    std::shared_ptr<SimulatedProvider> make(std::uint64_t seed = 7, SimulatedCapacity cap = {});

    std::atomic<std::int64_t> now_{kStart}; // the fake clock: tests advance it, nothing sleeps
};

void TestSimulated::init() {
    now_ = kStart;
}

std::shared_ptr<SimulatedProvider> TestSimulated::make(std::uint64_t seed, SimulatedCapacity cap) {
    SimulatedOptions o;
    o.clock = [this] {
        return now_.load();
    };
    o.seed = seed;
    o.capacity = cap;
    return std::make_shared<SimulatedProvider>(std::move(o));
}

void TestSimulated::sameSeedSameLoadsWhateverTheOrder() {
    auto a = make(42);
    auto b = make(42);
    a->setTraffic("g", noisy(0.05));
    b->setTraffic("g", noisy(0.05));
    std::vector<SimulatedLoad> forward;
    for (int i = 0; i < 50; ++i)
        forward.push_back(a->loadAt("g", kStart + i * 1000));
    for (int i = 49; i >= 0; --i) { // the other way round: no hidden generator state
        const auto l = b->loadAt("g", kStart + i * 1000);
        QCOMPARE(l.viewers, forward[i].viewers);
        QCOMPARE(l.publishers, forward[i].publishers);
    }
}

void TestSimulated::differentSeedDifferentNoise() {
    auto a = make(1);
    auto b = make(2);
    a->setTraffic("g", noisy(0.05));
    b->setTraffic("g", noisy(0.05));
    int differ = 0;
    for (int i = 0; i < 20; ++i)
        differ +=
            a->loadAt("g", kStart + i * 1000).viewers != b->loadAt("g", kStart + i * 1000).viewers;
    QVERIFY2(differ >= 10, qPrintable(QString::number(differ)));
    // The group is an input too: two groups on one seed do not move together.
    a->setTraffic("h", noisy(0.05));
    differ = 0;
    for (int i = 0; i < 20; ++i)
        differ +=
            a->loadAt("g", kStart + i * 1000).viewers != a->loadAt("h", kStart + i * 1000).viewers;
    QVERIFY(differ >= 10);
}

void TestSimulated::noiseStaysWithinItsBoundsAndBucket() {
    auto sim = make();
    sim->setTraffic("g", noisy(0.05));
    std::set<std::int64_t> seen;
    for (int i = 0; i < 200; ++i) {
        const auto l = sim->loadAt("g", kStart + i * 1000);
        QVERIFY2(l.viewers >= 950 && l.viewers <= 1050, qPrintable(QString::number(l.viewers)));
        QCOMPARE(sim->loadAt("g", kStart + i * 1000 + 999).viewers, l.viewers); // same bucket
        seen.insert(l.viewers);
    }
    QVERIFY(seen.size() > 20); // it does vary between buckets
}

void TestSimulated::swingFollowsTheSine_data() {
    QTest::addColumn<std::int64_t>("offsetMs");
    QTest::addColumn<std::int64_t>("viewers");
    QTest::addColumn<std::int64_t>("publishers");
    const std::int64_t period = 24 * 60 * kMinute;
    QTest::addRow("start is the mean") << std::int64_t{0} << std::int64_t{1000} << std::int64_t{20};
    QTest::addRow("peak a quarter in") << period / 4 << std::int64_t{1500} << std::int64_t{30};
    QTest::addRow("mean at half") << period / 2 << std::int64_t{1000} << std::int64_t{20};
    QTest::addRow("trough three quarters in")
        << 3 * period / 4 << std::int64_t{500} << std::int64_t{10};
    QTest::addRow("next day repeats")
        << period + period / 4 << std::int64_t{1500} << std::int64_t{30};
    QTest::addRow("an eighth in") << period / 8 << std::int64_t{1354} << std::int64_t{27};
}

void TestSimulated::swingFollowsTheSine() {
    QFETCH(std::int64_t, offsetMs);
    QFETCH(std::int64_t, viewers);
    QFETCH(std::int64_t, publishers);
    auto sim = make();
    SimulatedTraffic t;
    t.baseline = {20, 1000};
    t.swingAmplitude = 0.5;
    t.swingPeriodMs = 24 * 60 * kMinute;
    t.startMs = kStart;
    sim->setTraffic("g", t);
    const auto l = sim->loadAt("g", kStart + offsetMs);
    QCOMPARE(l.viewers, viewers); // 1000 * (1 + 0.5 sin(π/4)) = 1353.6 → 1354
    QCOMPARE(l.publishers, publishers);
}

void TestSimulated::rampAndScale_data() {
    QTest::addColumn<double>("perMinute");
    QTest::addColumn<double>("scale");
    QTest::addColumn<std::int64_t>("minutes");
    QTest::addColumn<std::int64_t>("viewers");
    QTest::addRow("baseline at start") << 50.0 << 1.0 << std::int64_t{0} << std::int64_t{100};
    QTest::addRow("ramp after 10 min") << 50.0 << 1.0 << std::int64_t{10} << std::int64_t{600};
    QTest::addRow("viewers triple at start") << 50.0 << 3.0 << std::int64_t{0} << std::int64_t{300};
    QTest::addRow("triple the ramped value")
        << 50.0 << 3.0 << std::int64_t{10} << std::int64_t{1800};
    QTest::addRow("before start the ramp waits")
        << 50.0 << 1.0 << std::int64_t{-10} << std::int64_t{100};
    QTest::addRow("audience leaving floors at zero")
        << -50.0 << 1.0 << std::int64_t{10} << std::int64_t{0};
    QTest::addRow("half an hour at half speed")
        << 0.5 << 2.0 << std::int64_t{30} << std::int64_t{230};
}

void TestSimulated::rampAndScale() {
    QFETCH(double, perMinute);
    QFETCH(double, scale);
    QFETCH(std::int64_t, minutes);
    QFETCH(std::int64_t, viewers);
    auto sim = make();
    SimulatedTraffic t;
    t.baseline = {4, 100};
    t.viewersPerMinute = perMinute;
    t.scale = scale;
    t.startMs = kStart;
    sim->setTraffic("g", t);
    const auto l = sim->loadAt("g", kStart + minutes * kMinute);
    QCOMPARE(l.viewers, viewers);
    QCOMPARE(l.publishers, std::int64_t{4}); // scale and ramp are the viewers' only
}

void TestSimulated::capacityDrivesCpuLoad_data() {
    QTest::addColumn<std::int64_t>("viewers");
    QTest::addColumn<std::int64_t>("publishers");
    QTest::addColumn<double>("cpu");
    QTest::addRow("idle") << std::int64_t{0} << std::int64_t{0} << 0.1;
    QTest::addRow("half the viewers") << std::int64_t{100} << std::int64_t{0} << 0.55;
    QTest::addRow("full of viewers") << std::int64_t{200} << std::int64_t{0} << 1.0;
    QTest::addRow("overloaded is visible") << std::int64_t{500} << std::int64_t{0} << 2.35;
    QTest::addRow("publishers and viewers add")
        << std::int64_t{100} << std::int64_t{5} << 1.0; // half + half
}

void TestSimulated::capacityDrivesCpuLoad() {
    QFETCH(std::int64_t, viewers);
    QFETCH(std::int64_t, publishers);
    QFETCH(double, cpu);
    auto sim = make(7, SimulatedCapacity{1, 1, 0.5, 2}); // the default, overridden below
    NodeSpec both = spec("n1", model::Capability::Publish);
    both.capabilities.push_back(model::Capability::Subscribe);
    QVERIFY(sim->create(both).ok());
    sim->setRoutable("n1", true);
    sim->setCapacity("g", SimulatedCapacity{200, 10, 0.1, 8});
    sim->setLoad("g", {publishers, viewers, 1000});
    const auto r = sim->poll({"n1"}).at(0);
    QVERIFY(r.reachable);
    QVERIFY(qFuzzyCompare(1 + metric(r, "cpu.process.load"), 1 + cpu));
    QCOMPARE(metric(r, "cpu.processors"), 8.0);
    // Clients over capacity are counted, not turned away.
    QCOMPARE(metric(r, "connections.subscriber"), static_cast<double>(viewers));
    QCOMPARE(metric(r, "connections.client"), static_cast<double>(viewers + publishers));
    QCOMPARE(metric(r, "network.egress"), viewers * 1000.0);
}

void TestSimulated::loadSpreadsOverRoutableNodesOnly() {
    auto sim = make();
    QVERIFY(sim->create(spec("o1", model::Capability::Publish)).ok());
    for (const auto* id : {"e1", "e2", "e3"})
        QVERIFY(sim->create(spec(id, model::Capability::Subscribe)).ok());
    QVERIFY(sim->create(spec("x1", model::Capability::Subscribe, "other")).ok());
    for (const auto* id : {"o1", "e1", "e2", "x1"})
        sim->setRoutable(id, true);
    sim->setLoad("g", {3, 101});
    const std::vector<std::string> ids{"o1", "e1", "e2", "e3", "x1"};
    auto v = viewers(*sim, ids);
    QCOMPARE(v["e1"] + v["e2"], 101.0); // whole clients: 51 + 50
    QCOMPARE(std::abs(v["e1"] - v["e2"]), 1.0);
    QCOMPARE(v["e3"], 0.0); // starting: not routed to yet
    QCOMPARE(v["o1"], 0.0); // no SUBSCRIBE: takes publishers only
    QCOMPARE(v["x1"], 0.0); // another group's traffic is its own
    QCOMPARE(metric(sim->poll({"o1"}).at(0), "connections.publisher"), 3.0);

    sim->setRoutable("e3", true);
    v = viewers(*sim, ids);
    QCOMPARE(v["e1"] + v["e2"] + v["e3"], 101.0);
    QVERIFY(v["e3"] >= 33);
    sim->setRoutable("e1", false); // draining: its viewers move to the others
    v = viewers(*sim, ids);
    QCOMPARE(v["e1"], 0.0);
    QCOMPARE(v["e2"] + v["e3"], 101.0);
}

void TestSimulated::failedNodesReportUnreachable() {
    auto sim = make();
    for (const auto* id : {"e1", "e2"}) {
        QVERIFY(sim->create(spec(id, model::Capability::Subscribe)).ok());
        sim->setRoutable(id, true);
    }
    sim->setLoad("g", {0, 100});
    sim->fail("e1");
    const auto reports = sim->poll({"e1", "e2", "gone"});
    QCOMPARE(reports.size(), std::size_t{3});
    QVERIFY(reports[0].alive && !reports[0].reachable);
    QCOMPARE(QString::fromStdString(reports[0].error), QStringLiteral("simulated failure"));
    QVERIFY(reports[0].metrics.empty());
    QCOMPARE(metric(reports[1], "connections.subscriber"), 100.0); // the survivor takes all
    QVERIFY(!reports[2].alive && !reports[2].reachable);
    QCOMPARE(sim->nodeCount(), std::size_t{2});
}

void TestSimulated::setLoadStaysFlat() {
    auto sim = make();
    QVERIFY(sim->create(spec("e1", model::Capability::Subscribe)).ok());
    sim->setRoutable("e1", true);
    sim->setLoad("g", {2, 400});
    for (const std::int64_t t : {std::int64_t{0}, kStart, kStart + 90 * 24 * 60 * kMinute}) {
        const auto l = sim->loadAt("g", t);
        QCOMPARE(l.viewers, std::int64_t{400});
        QCOMPARE(l.publishers, std::int64_t{2});
        QCOMPARE(l.kbpsPerStream, 2500.0);
        now_ = t;
        QCOMPARE(viewers(*sim, {"e1"})["e1"], 400.0);
    }
    QCOMPARE(sim->loadAt("unknown", kStart).viewers, std::int64_t{0});
    // The default constructor still works, on the system clock.
    SimulatedProvider plain;
    plain.setLoad("g", {1, 600});
    QCOMPARE(plain.loadAt("g", 0).viewers, std::int64_t{600});
}

void TestSimulated::pollFollowsTheInjectedClock() {
    auto sim = make();
    QVERIFY(sim->create(spec("e1", model::Capability::Subscribe)).ok());
    sim->setRoutable("e1", true);
    now_ = kStart + 5 * kMinute;
    SimulatedTraffic t;
    t.baseline = {1, 100};
    t.viewersPerMinute = 10; // no startMs: the ramp starts now, on the injected clock
    sim->setTraffic("g", t);
    QCOMPARE(viewers(*sim, {"e1"})["e1"], 100.0);
    now_ += 3 * kMinute;
    QCOMPARE(viewers(*sim, {"e1"})["e1"], 130.0);
    QCOMPARE(sim->loadAt("g", kStart + 5 * kMinute).viewers, std::int64_t{100}); // pure in time
}

void TestSimulated::edgesGrowWithRampThroughControlCore() {
    auto sim = make();
    SimulatedTraffic t;
    t.baseline = {1, 100};
    t.viewersPerMinute = 100;
    t.startMs = kStart;
    sim->setTraffic("sim", t);

    QTemporaryDir dir;
    engine::CoreOptions o;
    o.dataDir = dir.path().toStdString();
    o.tick = std::chrono::milliseconds(20);
    o.pollInterval = std::chrono::milliseconds(10);
    o.scaling.scaleOutCooldown = 100; // simulated ms: frozen time never leaves the cooldown
    o.scaling.scaleInStabilisation = 200;
    o.timeouts.doomed = 50;
    o.timeouts.fault = 200;
    o.seed = 42;
    o.clock = [this] {
        return now_.load();
    };
    o.providers["SIMULATED"] = sim;
    auto opened = engine::ControlCore::open(std::move(o));
    QVERIFY(opened.ok());
    auto core = std::move(opened).value();
    core->start();
    auto config = model::parseNodeGroup(std::string_view(kGroup));
    QVERIFY(config.ok());
    QVERIFY(core->createNodeGroup(std::move(config).value()).get().ok());

    // 100 viewers over 2 edges: under the out-expression, and time stands still.
    QTRY_COMPARE_WITH_TIMEOUT(inServiceEdges(*core), 2, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(observedViewers(*core), 100.0, 5000);
    QCOMPARE(inServiceEdges(*core), 2);
    QCOMPARE(core->snapshot()->timeMs, kStart); // the core runs on the fake clock too

    now_ += 2 * kMinute; // 300 viewers: 150 per edge > 120
    QTRY_COMPARE_WITH_TIMEOUT(inServiceEdges(*core), 4, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(observedViewers(*core), 300.0, 5000);
    QCOMPARE(inServiceEdges(*core), 4); // still in the cooldown of simulated time

    now_ += 4 * kMinute; // 700 viewers: 175 per edge > 120
    QTRY_COMPARE_WITH_TIMEOUT(inServiceEdges(*core), 6, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(observedViewers(*core), 700.0, 5000);
    core->stop();
}

QTEST_APPLESS_MAIN(TestSimulated)
#include "tst_simulated.moc"
