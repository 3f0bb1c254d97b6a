// Publish selection (reference §6 publish): filters, sub-group preference and strict, best set and
// shuffle, endpoints, transcode, maxPublishers, the answer's fields and the error messages.

#include "tst_routing.h"

#include <set>

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
const NodeGroupConfig& allInOne() {
    return example("all-in-one.json");
}

RoutableNode oe(const char* id, const char* role, double rank) {
    return makeNode(originEdge(), id, "us-east-1", role, rank);
}
RoutableNode mr(const char* id, const char* subGroup, const char* role, double rank) {
    return makeNode(multiRegion(), id, subGroup, role, rank);
}
RoutableNode aio(const char* id, double rank) {
    return makeNode(allInOne(), id, "local", "allinone", rank);
}

PublishRequest publish(const QString& prefs = {}, bool strict = false, long long endpoints = 1) {
    PublishRequest r;
    r.streamGuid = "live/cam1";
    r.subGroups = splitCsv(prefs);
    r.strict = strict;
    r.endpoints = endpoints;
    return r;
}

QStringList publishOutcome(const NodeGroupConfig& ng, Nodes nodes, const PublishRequest& request,
                           const char* shuffle = nullptr, std::uint64_t seed = 1) {
    const auto table = tableOf(ng, std::move(nodes), shuffle);
    RandomSource random(seed);
    return outcomeOf(*table, selectPublish(*table, request, random));
}

// How often each node is answered first (or at `position`) over many seeds.
std::map<QString, int> histogram(const RoutingTable& table, const PublishRequest& request,
                                 int position = 0, int seeds = 400) {
    std::map<QString, int> hits;
    for (int seed = 0; seed < seeds; ++seed) {
        RandomSource random(static_cast<std::uint64_t>(seed));
        const auto ids = outcomeOf(table, selectPublish(table, request, random));
        ++hits[ids.value(position)];
    }
    return hits;
}

QStringList keysOf(const std::map<QString, int>& hits) {
    QStringList out;
    for (const auto& [key, count] : hits)
        out << key;
    return out;
}

} // namespace

void TestRouting::publishFilters_data() {
    QTest::addColumn<Nodes>("nodes");
    QTest::addColumn<QString>("expected");
    QTest::addRow("lowest ranking wins")
        << Nodes{oe("o1", "origin", 5), oe("o2", "origin", 1)} << "o2";
    QTest::addRow("PUBLISH capability needed")
        << Nodes{oe("e1", "edge", 0), oe("o1", "origin", 5)} << "o1";
    QTest::addRow("ranking at limit excluded")
        << Nodes{oe("o1", "origin", 20), oe("o2", "origin", 19)} << "o2";
    QTest::addRow("ranking truncated below limit") << Nodes{oe("o1", "origin", 19.9)} << "o1";
    QTest::addRow("ranking over limit excluded")
        << Nodes{oe("o1", "origin", 30), oe("o2", "origin", 3)} << "o2";
    QTest::addRow("draining excluded")
        << Nodes{draining(oe("o1", "origin", 0)), oe("o2", "origin", 3)} << "o2";
    for (auto state : {NodeState::Requested, NodeState::Started, NodeState::SoftSunset,
                       NodeState::HardSunset, NodeState::Fault}) {
        const auto name = sy::model::toString(state);
        QTest::addRow("%.*s excluded", int(name.size()), name.data())
            << Nodes{withState(oe("o1", "origin", 0), state), oe("o2", "origin", 3)} << "o2";
    }
    QTest::addRow("nothing routable")
        << Nodes{oe("o1", "origin", 25), oe("e1", "edge", 0)} << "404";
    QTest::addRow("no node at all") << Nodes{} << "404";
}

void TestRouting::publishFilters() {
    QFETCH(Nodes, nodes);
    QFETCH(QString, expected);
    QCOMPARE(publishOutcome(originEdge(), nodes, publish()), QStringList{expected});
}

// Red5's relay defaults (ranking 0, limit 0) keep a relay out of routing even if its role were
// given capabilities.
void TestRouting::relayIsNeverRoutable() {
    const auto& ng = example("origin-relay-edge.json");
    auto relay = makeNode(ng, "r1", "default", "relay", 0);
    QCOMPARE(relay.limit, 0.0);
    relay.capabilities = {sy::model::Capability::Publish, sy::model::Capability::Subscribe};
    auto origin = makeNode(ng, "o1", "default", "origin", 1.5); // loadavg / processors, limit 2
    QCOMPARE(publishOutcome(ng, {relay, origin}, publish()), ids({"o1"}));
    QCOMPARE(publishOutcome(ng, {relay}, publish()), ids({"404"}));
}

void TestRouting::subGroupPreference_data() {
    QTest::addColumn<QString>("prefs");
    QTest::addColumn<bool>("strict");
    QTest::addColumn<bool>("virginiaFull");
    QTest::addColumn<QString>("expected");
    QTest::addRow("no preference: lowest rank anywhere") << "" << false << false << "of";
    QTest::addRow("strict without preference") << "" << true << false << "of";
    QTest::addRow("leaf name") << "virginia" << false << false << "ov";
    QTest::addRow("zone matches its children") << "usa" << false << false << "oo";
    QTest::addRow("preference before rank") << "virginia,europe" << false << false << "ov";
    QTest::addRow("zone preference before rank") << "europe,usa" << false << false << "of";
    QTest::addRow("leaf before its zone") << "virginia,usa" << true << false << "ov";
    QTest::addRow("unknown names skipped") << "atlantis,oregon" << false << false << "oo";
    QTest::addRow("full preferred leaf falls back") << "virginia" << false << true << "of";
    QTest::addRow("full preferred leaf, strict") << "virginia" << true << true << "404";
    QTest::addRow("full leaf, then its zone") << "virginia,usa" << true << true << "oo";
    QTest::addRow("strict zone") << "europe" << true << false << "of";
    QTest::addRow("strict unknown name") << "atlantis" << true << false << "404";
}

void TestRouting::subGroupPreference() {
    QFETCH(QString, prefs);
    QFETCH(bool, strict);
    QFETCH(bool, virginiaFull);
    QFETCH(QString, expected);
    const Nodes nodes{mr("ov", "virginia", "origin", virginiaFull ? 20 : 4),
                      mr("oo", "oregon", "origin", 2), mr("of", "frankfurt", "origin", 0)};
    QCOMPARE(publishOutcome(multiRegion(), nodes, publish(prefs, strict)), QStringList{expected});
}

void TestRouting::strictAndEndpoints_data() {
    QTest::addColumn<QString>("prefs");
    QTest::addColumn<bool>("strict");
    QTest::addColumn<int>("endpoints");
    QTest::addColumn<QStringList>("expected");
    QTest::addRow("strict, enough") << "virginia" << true << 2 << ids({"v1", "v2"});
    QTest::addRow("strict, too few") << "virginia" << true << 3 << ids({"404"});
    QTest::addRow("fallback fills") << "virginia" << false << 3 << ids({"v1", "v2", "o1"});
    QTest::addRow("fallback returns what exists")
        << "virginia" << false << 9 << ids({"v1", "v2", "o1", "f1"});
    QTest::addRow("no preference, by rank") << "" << false << 4 << ids({"o1", "v1", "f1", "v2"});
    QTest::addRow("zone tiers in order")
        << "usa,europe" << true << 4 << ids({"o1", "v1", "v2", "f1"});
    QTest::addRow("strict, more than the node group") << "" << true << 5 << ids({"404"});
}

void TestRouting::strictAndEndpoints() {
    QFETCH(QString, prefs);
    QFETCH(bool, strict);
    QFETCH(int, endpoints);
    QFETCH(QStringList, expected);
    const Nodes nodes{mr("v1", "virginia", "origin", 1), mr("v2", "virginia", "origin", 3),
                      mr("o1", "oregon", "origin", 0), mr("f1", "frankfurt", "origin", 2)};
    QCOMPARE(publishOutcome(multiRegion(), nodes, publish(prefs, strict, endpoints), "1"),
             expected);
}

void TestRouting::bestSetHoldsOnlyTiedNodes_data() {
    QTest::addColumn<QString>("shuffle");
    QTest::addColumn<Nodes>("nodes");
    QTest::addColumn<QStringList>("answered");
    const Nodes tied{aio("a", 1), aio("b", 1), aio("c", 1), aio("d", 2), aio("e", 7)};
    const QStringList abc = ids({"a", "b", "c"});
    QTest::addRow("N=1 draws among the tied") << "1" << tied << abc;
    QTest::addRow("N=2 < tied: still every tied node") << "2" << tied << abc;
    QTest::addRow("N=10 > tied: never a worse rank") << "10" << tied << abc;
    QTest::addRow("N=nodeCount, one best")
        << "nodeCount" << Nodes{aio("a", 0), aio("b", 1), aio("c", 1)} << ids({"a"});
}

void TestRouting::bestSetHoldsOnlyTiedNodes() {
    QFETCH(QString, shuffle);
    QFETCH(Nodes, nodes);
    QFETCH(QStringList, answered);
    const auto table = tableOf(allInOne(), nodes, shuffle.toUtf8().constData());
    const auto hits = histogram(*table, publish());
    QCOMPARE(keysOf(hits), answered);
    for (const auto& [id, count] : hits) // roughly even: each tied node well above a fair share/2
        QVERIFY2(count > 400 / answered.size() / 2, qPrintable(id));
}

// With endpoints > N the best set is exhausted and the rest follow in rank order, so N is
// visible in the second answer: N=1 never answers c second (a or b fill in order), N=3 does.
void TestRouting::shuffleSizeCapsTheBestSet() {
    const Nodes nodes{aio("a", 1), aio("b", 1), aio("c", 1), aio("d", 2)};
    const auto narrow = tableOf(allInOne(), nodes, "1");
    QCOMPARE(keysOf(histogram(*narrow, publish({}, false, 2), 0)), (ids({"a", "b", "c"})));
    QCOMPARE(keysOf(histogram(*narrow, publish({}, false, 2), 1)), (ids({"a", "b"})));
    const auto wide = tableOf(allInOne(), nodes, "3");
    QCOMPARE(keysOf(histogram(*wide, publish({}, false, 2), 1)), (ids({"a", "b", "c"})));
    // Every node once, best set first, the worse-ranked node last.
    QCOMPARE(keysOf(histogram(*wide, publish({}, false, 4), 3)), ids({"d"}));
    // The pool size follows nodeCount: max(nodeCount*0.1, 2) is 2 for 4 candidates.
    const auto red5 = tableOf(allInOne(), nodes, "max(nodeCount*0.1, 2)");
    QCOMPARE(red5->shuffleSize(4), 2);
    QCOMPARE(red5->shuffleSize(30), 3);
    QCOMPARE(keysOf(histogram(*red5, publish({}, false, 3), 2)), (ids({"a", "b", "c"})));
}

void TestRouting::sameSeedSameDecisions() {
    Nodes nodes;
    for (int i = 0; i < 10; ++i)
        nodes.push_back(aio(("n" + std::to_string(i)).c_str(), 0));
    const auto table = tableOf(allInOne(), nodes, "10");
    auto run = [&](std::uint64_t seed) {
        RandomSource random(seed);
        QStringList all;
        for (int i = 0; i < 50; ++i)
            all << outcomeOf(*table, selectPublish(*table, publish({}, false, 2), random));
        return all;
    };
    QCOMPARE(run(42), run(42));
    QVERIFY(run(42) != run(43));
}

void TestRouting::badRequests_data() {
    QTest::addColumn<bool>("subscribe");
    QTest::addColumn<QString>("guid");
    QTest::addColumn<int>("endpoints");
    QTest::addColumn<bool>("transcode");
    QTest::addColumn<int>("status");
    QTest::addRow("publish ok") << false << "live/room/cam1" << 1 << false << 200;
    QTest::addRow("publish endpoints 0") << false << "live/cam1" << 0 << false << 400;
    QTest::addRow("publish endpoints -3") << false << "live/cam1" << -3 << false << 400;
    QTest::addRow("transcode with endpoints 2") << false << "live/cam1" << 2 << true << 400;
    QTest::addRow("guid without app") << false << "cam1" << 1 << false << 400;
    QTest::addRow("guid with empty app") << false << "/cam1" << 1 << false << 400;
    QTest::addRow("guid with empty name") << false << "live/" << 1 << false << 400;
    QTest::addRow("guid with empty room") << false << "live//cam1" << 1 << false << 400;
    QTest::addRow("empty guid") << false << "" << 1 << false << 400;
    QTest::addRow("subscribe ok") << true << "live/cam1" << 1 << false << 200;
    QTest::addRow("subscribe endpoints 0") << true << "live/cam1" << 0 << false << 400;
    QTest::addRow("subscribe bad guid") << true << "cam1" << 1 << false << 400;
    QTest::addRow("subscribe unknown stream") << true << "live/nope" << 1 << false << 404;
}

void TestRouting::badRequests() {
    QFETCH(bool, subscribe);
    QFETCH(QString, guid);
    QFETCH(int, endpoints);
    QFETCH(bool, transcode);
    QFETCH(int, status);
    const auto table = tableOf(allInOne(), {withStream(aio("a1", 0), "live/cam1"), aio("a2", 1)});
    RandomSource random(7);
    sy::Result<Locations, RoutingError> r = Locations{};
    if (subscribe) {
        SubscribeRequest request{guid.toStdString(), {}, false, endpoints};
        r = selectSubscribe(*table, request, random);
    } else {
        auto request = publish({}, false, endpoints);
        request.streamGuid = guid.toStdString();
        request.transcode = transcode;
        request.transcodeProvisioned = true;
        r = selectPublish(*table, request, random);
    }
    QCOMPARE(r ? 200 : r.error().status, status);
    if (!r)
        QVERIFY(!r.error().message.empty());
}

void TestRouting::transcode_data() {
    QTest::addColumn<bool>("provisioned");
    QTest::addColumn<QString>("prefs");
    QTest::addColumn<bool>("transcoderUp");
    QTest::addColumn<QStringList>("expected");
    QTest::addRow("no provision") << false << "" << true << ids({"404"});
    QTest::addRow("transcoder then origin") << true << "virginia" << true << ids({"t1", "ov"});
    QTest::addRow("origin is the best anywhere") << true << "" << true << ids({"t1", "of"});
    QTest::addRow("no transcoder in service") << true << "" << false << ids({"404"});
}

void TestRouting::transcode() {
    QFETCH(bool, provisioned);
    QFETCH(QString, prefs);
    QFETCH(bool, transcoderUp);
    QFETCH(QStringList, expected);
    auto transcoder = mr("t1", "virginia", "transcoder", 0);
    if (!transcoderUp)
        transcoder.state = NodeState::Started;
    const Nodes nodes{transcoder, mr("ov", "virginia", "origin", 1),
                      mr("of", "frankfurt", "origin", 0)};
    auto request = publish(prefs);
    request.transcode = true;
    request.transcodeProvisioned = provisioned;
    QCOMPARE(publishOutcome(multiRegion(), nodes, request), expected);
}

void TestRouting::maxPublishers_data() {
    QTest::addColumn<int>("published");
    QTest::addColumn<int>("relayed");
    QTest::addColumn<bool>("onFaultNode");
    QTest::addColumn<int>("status");
    QTest::addRow("below maxPublishers") << 99 << 0 << false << 200;
    QTest::addRow("at maxPublishers") << 100 << 0 << false << 503;
    QTest::addRow("relayed copies are not publishers") << 99 << 10 << false << 200;
    QTest::addRow("a FAULT node's streams are stale") << 100 << 0 << true << 200;
}

void TestRouting::maxPublishers() {
    QFETCH(int, published);
    QFETCH(int, relayed);
    QFETCH(bool, onFaultNode);
    QFETCH(int, status);
    QCOMPARE(originEdge().maxPublishers, std::optional<std::int64_t>(100));
    auto busy = oe("o1", "origin", 5);
    for (int i = 0; i < published; ++i)
        busy = withStream(std::move(busy), "live/s" + std::to_string(i));
    auto edge = oe("e1", "edge", 0);
    for (int i = 0; i < relayed; ++i)
        edge = withStream(std::move(edge), "live/s" + std::to_string(i), CarriedAs::Relayed);
    if (onFaultNode)
        busy.state = NodeState::Fault;
    const auto outcome =
        publishOutcome(originEdge(), {busy, oe("o2", "origin", 9), edge}, publish());
    QCOMPARE(outcome == ids({"503"}) ? 503 : 200, status);
}

void TestRouting::locationFields_data() {
    QTest::addColumn<QString>("guid");
    QTest::addColumn<QString>("address");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("url");
    QTest::addRow("loopback node") << "live/cam1"
                                   << "127.0.0.1" << 19351 << "rtmp://127.0.0.1:19351/live/cam1";
    QTest::addRow("app/room/name")
        << "conf/room1/alice"
        << "203.0.113.7" << 1935 << "rtmp://203.0.113.7:1935/conf/room1/alice";
    QTest::addRow("IPv6 bracketed") << "live/x"
                                    << "2001:db8::5" << 1936 << "rtmp://[2001:db8::5]:1936/live/x";
}

void TestRouting::locationFields() {
    QFETCH(QString, guid);
    QFETCH(QString, address);
    QFETCH(int, port);
    QFETCH(QString, url);
    auto node = oe("o1", "origin", 0);
    node.serverAddress = address.toStdString();
    node.rtmpPort = port;
    const auto table = tableOf(originEdge(), {node});
    auto request = publish();
    request.streamGuid = guid.toStdString();
    RandomSource random(1);
    const auto r = selectPublish(*table, request, random);
    QVERIFY(r);
    QCOMPARE(r->size(), std::size_t{1});
    const auto& loc = r->front();
    QCOMPARE(QString::fromStdString(loc.streamGuid), guid);
    QCOMPARE(QString::fromStdString(loc.serverAddress), address);
    QCOMPARE(loc.nodeRole, std::optional<std::string>("origin"));
    QCOMPARE(loc.subGroup, std::optional<std::string>("us-east-1"));
    QCOMPARE(loc.nodeState, std::optional<std::string>("INSERVICE"));
    QCOMPARE(loc.urls.size(), std::size_t{1});
    QCOMPARE(QString::fromStdString(loc.urls.at("rtmp")), url);
}

void TestRouting::errorMessagesNameTheCause() {
    const Nodes full{mr("ov", "virginia", "origin", 20), mr("of", "frankfurt", "origin", 21)};
    auto table = tableOf(multiRegion(), full);
    RandomSource random(1);
    auto r = selectPublish(*table, publish(QStringLiteral("usa,europe"), true), random);
    QVERIFY(!r);
    QCOMPARE(r.error(),
             (RoutingError{404, "no INSERVICE node with PUBLISH capacity in sub-groups usa, "
                                "europe (strict)"}));
    r = selectPublish(*table, publish(), random);
    QCOMPARE(r.error().message,
             std::string("no INSERVICE node with PUBLISH capacity in node group 'global'"));
    table = tableOf(multiRegion(), {mr("ov", "virginia", "origin", 0)});
    r = selectPublish(*table, publish(QStringLiteral("virginia"), true, 2), random);
    QCOMPARE(r.error().message, std::string("only 1 INSERVICE nodes with PUBLISH capacity in "
                                            "sub-groups virginia (strict), 2 endpoints requested"));
    r = selectSubscribe(*table, SubscribeRequest{"live/cam9", {}, false, 1}, random);
    QCOMPARE(r.error(),
             (RoutingError{404, "stream 'live/cam9' is not live in node group 'global'"}));
    r = selectPublish(*table, publish({}, false, 0), random);
    QCOMPARE(r.error(), (RoutingError{400, "endpoints must be at least 1, got 0"}));
}
