// Subscribe selection (reference §6 subscribe): which nodes may serve a stream (pulling edges while
// it is live, all-in-one nodes only with their own copy), preference, maxSubscribers, and the
// table's indexes.

#include "tst_routing.h"

using namespace routingtest;
using namespace sy::routing;
using sy::model::NodeState;

namespace {

const NodeGroupConfig& originEdge() {
    return example("origin-edge.json");
}
const NodeGroupConfig& multiRegion() {
    return example("multi-region.json");
}

RoutableNode oe(const char* id, const char* role, double rank) {
    return makeNode(originEdge(), id, "us-east-1", role, rank);
}
RoutableNode aio(const char* id, double rank) {
    return makeNode(example("all-in-one.json"), id, "local", "allinone", rank);
}
RoutableNode ore(const char* id, const char* role, double rank) {
    return makeNode(example("origin-relay-edge.json"), id, "default", role, rank);
}
RoutableNode mr(const char* id, const char* subGroup, const char* role, double rank) {
    return makeNode(multiRegion(), id, subGroup, role, rank);
}
RoutableNode live(RoutableNode n) {
    return withStream(std::move(n), "live/a");
}
RoutableNode relayed(RoutableNode n, long long viewers = 0) {
    return withStream(std::move(n), "live/a", CarriedAs::Relayed, viewers);
}

QStringList subscribeOutcome(const NodeGroupConfig& ng, Nodes nodes, const QString& prefs = {},
                             bool strict = false) {
    const auto table = tableOf(ng, std::move(nodes));
    RandomSource random(3);
    const SubscribeRequest request{"live/a", splitCsv(prefs), strict, 1};
    return outcomeOf(*table, selectSubscribe(*table, request, random));
}

} // namespace

void TestRouting::subscribeCandidates_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<Nodes>("nodes");
    QTest::addColumn<QString>("expected");
    const QString oeFile = QStringLiteral("origin-edge.json");
    const QString aioFile = QStringLiteral("all-in-one.json");
    QTest::addRow("edge pulls a stream live on an origin")
        << oeFile << Nodes{live(oe("o1", "origin", 0)), oe("e1", "edge", 5), oe("e2", "edge", 3)}
        << "e2";
    QTest::addRow("origin has no SUBSCRIBE")
        << oeFile << Nodes{live(oe("o1", "origin", 0))} << "404";
    QTest::addRow("not published anywhere")
        << oeFile << Nodes{oe("o1", "origin", 0), oe("e1", "edge", 0)} << "404";
    QTest::addRow("a relayed copy alone is not live")
        << oeFile << Nodes{oe("o1", "origin", 0), relayed(oe("e1", "edge", 0))} << "404";
    QTest::addRow("publisher on a FAULT node is not live")
        << oeFile
        << Nodes{withState(live(oe("o1", "origin", 0)), NodeState::Fault), oe("e1", "edge", 0)}
        << "404";
    QTest::addRow("publisher on a draining origin is live")
        << oeFile << Nodes{draining(live(oe("o1", "origin", 0))), oe("e1", "edge", 0)} << "e1";
    QTest::addRow("draining edge excluded")
        << oeFile
        << Nodes{live(oe("o1", "origin", 0)), draining(oe("e1", "edge", 0)), oe("e2", "edge", 9)}
        << "e2";
    QTest::addRow("edge at limit excluded")
        << oeFile
        << Nodes{live(oe("o1", "origin", 0)), oe("e1", "edge", 200), oe("e2", "edge", 199)} << "e2";
    QTest::addRow("STARTED edge excluded")
        << oeFile
        << Nodes{live(oe("o1", "origin", 0)), withState(oe("e1", "edge", 0), NodeState::Started),
                 oe("e2", "edge", 9)}
        << "e2";
    QTest::addRow("an edge's own copy gives no priority")
        << oeFile
        << Nodes{live(oe("o1", "origin", 0)), relayed(oe("e1", "edge", 9)), oe("e2", "edge", 1)}
        << "e2";
    QTest::addRow("all-in-one serves what it carries")
        << aioFile << Nodes{live(aio("a1", 5)), aio("a2", 0)} << "a1";
    QTest::addRow("all-in-one without the stream never serves it")
        << aioFile << Nodes{live(aio("a1", 20)), aio("a2", 0)} << "404";
    QTest::addRow("all-in-one with a relayed copy serves it")
        << aioFile << Nodes{live(aio("a1", 9)), relayed(aio("a2", 1)), aio("a3", 0)} << "a2";
    QTest::addRow("edge under relays")
        << QStringLiteral("origin-relay-edge.json")
        << Nodes{live(ore("o1", "origin", 0)), ore("r1", "relay", 0), ore("e1", "edge", 3)} << "e1";
}

void TestRouting::subscribeCandidates() {
    QFETCH(QString, file);
    QFETCH(Nodes, nodes);
    QFETCH(QString, expected);
    QCOMPARE(subscribeOutcome(example(file.toStdString()), nodes), QStringList{expected});
}

void TestRouting::subscribePreference_data() {
    QTest::addColumn<QString>("prefs");
    QTest::addColumn<bool>("strict");
    QTest::addColumn<bool>("virginiaFull");
    QTest::addColumn<QString>("expected");
    QTest::addRow("no preference") << "" << false << false << "ef";
    QTest::addRow("zone") << "usa" << false << false << "eo";
    QTest::addRow("leaf") << "virginia" << true << false << "ev";
    QTest::addRow("zone order") << "europe,usa" << false << false << "ef";
    QTest::addRow("full leaf falls back") << "virginia" << false << true << "ef";
    QTest::addRow("full leaf, strict") << "virginia" << true << true << "404";
}

void TestRouting::subscribePreference() {
    QFETCH(QString, prefs);
    QFETCH(bool, strict);
    QFETCH(bool, virginiaFull);
    QFETCH(QString, expected);
    const Nodes nodes{live(mr("ov", "virginia", "origin", 0)),
                      mr("ev", "virginia", "edge", virginiaFull ? 200 : 50),
                      mr("eo", "oregon", "edge", 10), mr("ef", "frankfurt", "edge", 0)};
    QCOMPARE(subscribeOutcome(multiRegion(), nodes, prefs, strict), QStringList{expected});
}

void TestRouting::maxSubscribers_data() {
    QTest::addColumn<int>("viewers");
    QTest::addColumn<QString>("expected");
    QTest::addRow("below maxSubscribers") << 9999 << "e2";
    QTest::addRow("at maxSubscribers") << 10000 << "503";
}

void TestRouting::maxSubscribers() {
    QFETCH(int, viewers);
    QFETCH(QString, expected);
    QCOMPARE(originEdge().maxSubscribers, std::optional<std::int64_t>(20000));
    // Viewers of every stream on every node count: 10000 here plus `viewers` on another stream.
    const Nodes nodes{live(oe("o1", "origin", 0)), relayed(oe("e1", "edge", 150), 10000),
                      withStream(oe("e2", "edge", 3), "live/b", CarriedAs::Relayed, viewers)};
    QCOMPARE(subscribeOutcome(originEdge(), nodes), QStringList{expected});
}

// Red5's shuffle size for the edge group: N = max(nodeCount*0.1, 2) = 2 of 5 candidates; four
// idle edges tie, so the answers spread over all four and never reach the busier one.
void TestRouting::subscribeSpreadsOverTiedEdges() {
    const Nodes nodes{live(oe("o1", "origin", 0)), oe("e1", "edge", 0), oe("e2", "edge", 0),
                      oe("e3", "edge", 0),         oe("e4", "edge", 0), oe("e5", "edge", 1)};
    const auto table = tableOf(originEdge(), nodes);
    QCOMPARE(table->shuffleSize(5), 2);
    std::map<QString, int> hits;
    for (std::uint64_t seed = 0; seed < 400; ++seed) {
        RandomSource random(seed);
        ++hits[outcomeOf(*table, selectSubscribe(*table, {"live/a", {}, false, 1}, random))
                   .front()];
    }
    QCOMPARE(hits.size(), std::size_t{4});
    QVERIFY(!hits.contains(QStringLiteral("e5")));
    for (const auto& [id, count] : hits)
        QVERIFY2(count > 50, qPrintable(id));
}

// An edge that carries the stream is a candidate once, not once as a puller and again as a carrier.
void TestRouting::subscribeAnswersEachNodeOnce() {
    const Nodes nodes{live(oe("o1", "origin", 0)), relayed(oe("e1", "edge", 0)),
                      oe("e2", "edge", 1)};
    const auto table = tableOf(originEdge(), nodes);
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        RandomSource random(seed);
        QCOMPARE(outcomeOf(*table, selectSubscribe(*table, {"live/a", {}, true, 2}, random)),
                 ids({"e1", "e2"}));
        QCOMPARE(outcomeOf(*table, selectSubscribe(*table, {"live/a", {}, true, 3}, random)),
                 ids({"404"}));
    }
}

void TestRouting::tableIndexes() {
    auto stray = mr("xs", "mars", "origin", 0); // a sub-group the config no longer has
    stray.zonePath = {"space", "mars"};
    stray.limit = 20;
    const Nodes nodes{live(mr("ov", "virginia", "origin", 1)),
                      relayed(mr("ev", "virginia", "edge", 0), 7), mr("eo", "oregon", "edge", 0),
                      stray};
    const auto table = tableOf(multiRegion(), nodes);
    QCOMPARE(table->leavesNamed("usa").size(), std::size_t{2});
    QCOMPARE(table->leavesNamed("virginia").size(), std::size_t{1});
    QCOMPARE(table->leavesNamed("europe").size(), std::size_t{1}); // frankfurt, no node yet
    QCOMPARE(table->leavesNamed("space").size(), std::size_t{1});
    QVERIFY(table->leavesNamed("atlantis").empty());
    QCOMPARE(table->publisherCount(), std::int64_t{1});
    QCOMPARE(table->subscriberCount(), std::int64_t{7});
    QVERIFY(table->stream("live/a") && table->stream("live/a")->live);
    QVERIFY(!table->stream("live/b"));
    RandomSource random(1);
    PublishRequest request{"live/c", {"space"}, true, 1, false, false};
    QCOMPARE(outcomeOf(*table, selectPublish(*table, request, random)), ids({"xs"}));
}
