// Parent assignment (reference §3.2 parentCardinality): GLOBAL, SUBGROUP and AUTOGROUP, stability
// of AUTOGROUP children when relays come and go, and determinism.

#include "tst_routing.h"

#include <algorithm>
#include <random>

using namespace routingtest;
using namespace sy::routing;
using sy::model::NodeState;

namespace {

const NodeGroupConfig& relayConfig() {
    return example("origin-relay-edge.json");
}

RoutableNode ore(const char* id, const char* role, std::vector<std::string> parents = {}) {
    auto n = makeNode(relayConfig(), id, "default", role, 0);
    n.parents = std::move(parents);
    return n;
}

// "child=parent,parent" for every child, in id order: one comparable line per node.
QStringList describe(const ParentMap& parents) {
    QStringList out;
    for (const auto& [child, list] : parents)
        out << QString::fromStdString(child) + QLatin1Char('=') + toQt(list).join(QLatin1Char(','));
    return out;
}

} // namespace

void TestRouting::parentsGlobalAndSubGroup_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<Nodes>("nodes");
    QTest::addColumn<QStringList>("expected");
    const auto& oeNg = example("origin-edge.json");
    auto oe = [&](const char* id, const char* role) {
        return makeNode(oeNg, id, "us-east-1", role, 0);
    };
    QTest::addRow("GLOBAL: every INSERVICE origin")
        << QStringLiteral("origin-edge.json")
        << Nodes{oe("e2", "edge"), oe("o2", "origin"), oe("o1", "origin"),
                 withState(oe("o3", "origin"), NodeState::Started), oe("e1", "edge")}
        << ids({"e1=o1,o2", "e2=o1,o2"});
    QTest::addRow("GLOBAL: a draining origin stays a parent")
        << QStringLiteral("origin-edge.json")
        << Nodes{draining(oe("o1", "origin")), oe("e1", "edge")} << ids({"e1=o1"});
    QTest::addRow("GLOBAL: children being destroyed get nothing")
        << QStringLiteral("origin-edge.json")
        << Nodes{oe("o1", "origin"), withState(oe("e1", "edge"), NodeState::Destroying),
                 withState(oe("e2", "edge"), NodeState::Requested)}
        << ids({"e2=o1"});
    const auto& mrNg = example("multi-region.json");
    auto mr = [&](const char* id, const char* sg, const char* role) {
        return makeNode(mrNg, id, sg, role, 0);
    };
    QTest::addRow("SUBGROUP: origins of the same leaf")
        << QStringLiteral("multi-region.json")
        << Nodes{mr("v2", "virginia", "origin"), mr("v1", "virginia", "origin"),
                 mr("r1", "oregon", "origin"),   mr("ev", "virginia", "edge"),
                 mr("eo", "oregon", "edge"),     mr("ef", "frankfurt", "edge")}
        << ids({"ef=", "eo=r1", "ev=v1,v2"});
    QTest::addRow("GLOBAL relays under origins, AUTOGROUP edges under relays")
        << QStringLiteral("origin-relay-edge.json")
        << Nodes{ore("o1", "origin"), ore("r1", "relay"), ore("e1", "edge")}
        << ids({"e1=r1", "r1=o1"});
}

void TestRouting::parentsGlobalAndSubGroup() {
    QFETCH(QString, file);
    QFETCH(Nodes, nodes);
    QFETCH(QStringList, expected);
    QCOMPARE(describe(assignParents(example(file.toStdString()), nodes)), expected);
}

void TestRouting::autoGroupBalances() {
    Nodes nodes{ore("o1", "origin"), ore("r1", "relay"), ore("r2", "relay"),
                withState(ore("r3", "relay"), NodeState::Started)};
    for (const char* e : {"e1", "e2", "e3", "e4", "e5"})
        nodes.push_back(ore(e, "edge"));
    auto lonely = ore("e6", "edge");
    lonely.subGroup = "elsewhere"; // no relay in its sub-group
    nodes.push_back(lonely);
    const auto parents = assignParents(relayConfig(), nodes);
    QCOMPARE(describe(parents), ids({"e1=r1", "e2=r2", "e3=r1", "e4=r2", "e5=r1", "e6=", "r1=o1",
                                     "r2=o1", "r3=o1"})); // r3 boots: a child of origins already
}

void TestRouting::autoGroupIsStable_data() {
    QTest::addColumn<Nodes>("nodes");
    QTest::addColumn<QStringList>("expected");
    const Nodes established{ore("e1", "edge", {"r1"}), ore("e2", "edge", {"r2"}),
                            ore("e3", "edge", {"r1"}), ore("e4", "edge", {"r2"})};
    auto with = [&](Nodes extra) {
        Nodes all = established;
        all.insert(all.end(), extra.begin(), extra.end());
        return all;
    };
    QTest::addRow("nothing changes") << with({ore("r1", "relay"), ore("r2", "relay")})
                                     << ids({"e1=r1", "e2=r2", "e3=r1", "e4=r2"});
    QTest::addRow("relay added: nobody moves, the new edge goes to it")
        << with({ore("r1", "relay"), ore("r2", "relay"), ore("r3", "relay"), ore("e5", "edge")})
        << ids({"e1=r1", "e2=r2", "e3=r1", "e4=r2", "e5=r3"});
    QTest::addRow("relay lost: its children go to the least loaded")
        << with({withState(ore("r1", "relay"), NodeState::Fault), ore("r2", "relay"),
                 ore("r3", "relay")})
        << ids({"e1=r3", "e2=r2", "e3=r3", "e4=r2"});
    QTest::addRow("draining relay keeps its children, takes no new one")
        << Nodes{ore("e1", "edge", {"r1"}), ore("e2", "edge", {"r2"}),    ore("e3", "edge", {"r2"}),
                 ore("e4", "edge"),         draining(ore("r1", "relay")), ore("r2", "relay")}
        << ids({"e1=r1", "e2=r2", "e3=r2", "e4=r2"});
    QTest::addRow("only draining relays: still a parent")
        << Nodes{ore("e1", "edge"), draining(ore("r1", "relay"))} << ids({"e1=r1"});
    QTest::addRow("a parent that is no relay is replaced")
        << Nodes{ore("e1", "edge", {"o1"}), ore("o1", "origin"), ore("r1", "relay", {"o1"})}
        << ids({"e1=r1"});
}

void TestRouting::autoGroupIsStable() {
    QFETCH(Nodes, nodes);
    QFETCH(QStringList, expected);
    auto edges = describe(assignParents(relayConfig(), nodes)); // relays' GLOBAL parents aside
    edges.removeIf([](const QString& line) { return !line.startsWith(QLatin1Char('e')); });
    QCOMPARE(edges, expected);
}

// The same nodes in any order give the same parents: the engine applies differences only.
void TestRouting::parentsAreDeterministic() {
    Nodes nodes{ore("o1", "origin"), ore("o2", "origin"), ore("r1", "relay"), ore("r2", "relay"),
                ore("r3", "relay")};
    for (int i = 0; i < 12; ++i)
        nodes.push_back(ore(("e" + std::to_string(i)).c_str(), "edge"));
    const auto reference = assignParents(relayConfig(), nodes);
    std::mt19937 shuffler(5);
    for (int round = 0; round < 20; ++round) {
        std::shuffle(nodes.begin(), nodes.end(), shuffler);
        QCOMPARE(describe(assignParents(relayConfig(), nodes)), describe(reference));
    }
    QCOMPARE(reference.at("e0").size(), std::size_t{1});
    QCOMPARE(reference.at("r2"), (std::vector<std::string>{"o1", "o2"}));
}

QTEST_APPLESS_MAIN(TestRouting)
