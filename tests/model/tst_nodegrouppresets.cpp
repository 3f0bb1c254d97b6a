// Node-group presets: every preset with a few options makes a config the core validates, with the
// preset's roles, sub-groups and parents, and the config survives encode → text → parse unchanged.

#include "core/model/nodegroupcodec.h"
#include "core/model/nodegrouppresets.h"
#include "core/model/validation.h"

#include "tests/support/jsontest.h"

#include <QTest>

using namespace sy::model;

Q_DECLARE_METATYPE(sy::model::NodeGroupPreset)

namespace {

QString describeProblems(const Problems& problems) {
    return QString::fromStdString(describe(problems));
}

std::vector<std::string> keys(const std::map<std::string, NodeRole>& m) {
    std::vector<std::string> out;
    for (const auto& [k, unused] : m)
        out.push_back(k);
    return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

// The expected parent of each child role: role → (parent, cardinality).
using Parents = std::map<std::string, std::pair<std::string, ParentCardinality>>;

Parents parentsOf(NodeGroupPreset preset) {
    switch (preset) {
    case NodeGroupPreset::AllInOne:
        return {};
    case NodeGroupPreset::OriginEdge:
        return {{"edge", {"origin", ParentCardinality::Global}}};
    case NodeGroupPreset::OriginRelayEdge:
        return {{"relay", {"origin", ParentCardinality::Global}},
                {"edge", {"relay", ParentCardinality::AutoGroup}}};
    case NodeGroupPreset::MultiRegion:
        return {{"edge", {"origin", ParentCardinality::SubGroup}}};
    }
    return {};
}

} // namespace

class TestNodeGroupPresets : public QObject {
    Q_OBJECT
private slots:
    void presetsMakeValidGroups_data();
    void presetsMakeValidGroups();
    void rolesCarryTheReferenceCapabilities();
    void overridesReachEveryRegion();
    void overridesThatBreakARuleAreReportedByTheValidator();
    void shuffleSizeFollowsTheNodeCount();
    void optionProblemsNameTheirPath_data();
    void optionProblemsNameTheirPath();
    void namesFollowTheValidator_data();
    void namesFollowTheValidator();
    void uniqueNamesSkipTakenOnes();
    void presetNamesRoundTrip();
};

void TestNodeGroupPresets::presetsMakeValidGroups_data() {
    QTest::addColumn<NodeGroupPreset>("preset");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("platform");
    QTest::addColumn<QStringList>("regions");
    QTest::addColumn<QStringList>("expectedRegions");
    const QStringList none;
    for (auto preset : nodeGroupPresets()) {
        const auto tag = std::string(toString(preset));
        QStringList defaults;
        for (const auto& r : presetRegions(preset))
            defaults << QString::fromStdString(r);
        QTest::addRow("%s defaults", tag.c_str())
            << preset << QStringLiteral("ng1") << QStringLiteral("SIMULATED") << none << defaults;
        const QStringList three = {QStringLiteral("us-east-1"), QStringLiteral("eu.central"),
                                   QStringLiteral("ap_south")};
        QTest::addRow("%s three regions on LOCAL", tag.c_str())
            << preset << QStringLiteral("Lab-2.b") << QStringLiteral("LOCAL") << three << three;
        QTest::addRow("%s on AWS", tag.c_str())
            << preset << QStringLiteral("sixteen-chars-ok") << QStringLiteral("AWS")
            << QStringList{QStringLiteral("a"), QStringLiteral("b")}
            << QStringList{QStringLiteral("a"), QStringLiteral("b")};
    }
}

void TestNodeGroupPresets::presetsMakeValidGroups() {
    QFETCH(NodeGroupPreset, preset);
    QFETCH(QString, name);
    QFETCH(QString, platform);
    QFETCH(QStringList, regions);
    QFETCH(QStringList, expectedRegions);

    PresetOptions o;
    o.name = name.toStdString();
    o.cloudPlatform = platform.toStdString();
    for (const auto& r : regions)
        o.regions.push_back(r.toStdString());
    QVERIFY2(checkPresetOptions(preset, o).empty(),
             qPrintable(describeProblems(checkPresetOptions(preset, o))));

    const NodeGroupConfig ng = makeNodeGroup(preset, o);
    const Problems problems = validateNodeGroup(ng);
    QVERIFY2(problems.empty(), qPrintable(describeProblems(problems)));
    QCOMPARE(ng.name.value(), o.name);
    QCOMPARE(ng.cloudPlatform.value(), o.cloudPlatform);

    // Roles, and the parent of each child role.
    QCOMPARE(keys(*ng.roles), sorted(presetRoles(preset)));
    const Parents parents = parentsOf(preset);
    for (const auto& [roleName, r] : *ng.roles) {
        const auto it = parents.find(roleName);
        if (it == parents.end()) {
            QVERIFY2(!r.parentRoleName, roleName.c_str());
            continue;
        }
        QCOMPARE(r.parentRoleName.value(), it->second.first);
        QCOMPARE(int(r.parentCardinality.value()), int(it->second.second));
    }

    // One leaf per region, each with a complete rule per role naming where it belongs.
    const auto leaves = leafSubGroups(ng);
    QCOMPARE(int(leaves.size()), int(expectedRegions.size()));
    for (const auto& region : expectedRegions) {
        const auto& sg = ng.groups->at(region.toStdString());
        QCOMPARE(sg.subGroupName.value(), region.toStdString());
        QCOMPARE(sg.rulesByRole->size(), ng.roles->size());
        for (const auto& [roleName, rule] : *sg.rulesByRole) {
            QCOMPARE(rule.subGroupName.value(), region.toStdString());
            QCOMPARE(rule.nodeRoleName.value(), roleName);
            QCOMPARE(rule.nodeGroupName.value(), o.name);
            QVERIFY(rule.min.value() >= 1);
            QVERIFY(rule.max.value() >= rule.min.value());
        }
    }

    // Encoded, written as text and parsed back (decode + validate), it is the same config.
    const std::string text = encodeNodeGroup(ng).dump(2);
    const auto parsed = parseNodeGroup(std::string_view(text));
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(describeProblems(parsed.error())));
    QCOMPARE_JSON(encodeNodeGroup(parsed.value()), encodeNodeGroup(ng));
    QVERIFY(parsed.value() == ng);
}

void TestNodeGroupPresets::rolesCarryTheReferenceCapabilities() {
    PresetOptions o;
    o.name = "caps";
    const auto aio = makeNodeGroup(NodeGroupPreset::AllInOne, o);
    const auto& allinone = aio.roles->at("allinone");
    QVERIFY(allinone.has(Capability::Publish));
    QVERIFY(allinone.has(Capability::Subscribe));

    const auto ore = makeNodeGroup(NodeGroupPreset::OriginRelayEdge, o);
    QCOMPARE(ore.roles->at("origin").capabilities.value(), std::vector{Capability::Publish});
    QVERIFY(ore.roles->at("relay").capabilities.value().empty());
    QCOMPARE(ore.roles->at("edge").capabilities.value(), std::vector{Capability::Subscribe});
    // Reference §5: a relay is never routable, and edges rank by their viewers.
    const auto& rules = *ore.groups->at("main").rulesByRole;
    QCOMPARE(rules.at("relay").capacityLimitExpression.value(), std::string("0"));
    QCOMPARE(rules.at("edge").capacityRankingExpression.value(),
             std::string("connections.subscriber"));
    QCOMPARE(rules.at("edge").outExpression.value(),
             std::string("avg(connections.subscriber) > 120"));
    QCOMPARE(rules.at("origin").capacityLimitExpression.value(), std::string("20"));
}

void TestNodeGroupPresets::overridesReachEveryRegion() {
    PresetOptions o;
    o.name = "tuned";
    o.regions = {"east", "west"};
    RuleOverrides edge;
    edge.min = 2;
    edge.max = 40;
    edge.increment = 2;
    edge.outExpression = "max(cpu.process.load) > 0.9";
    edge.capacityLimitExpression = "150";
    o.rules["edge"] = edge;
    const auto ng = makeNodeGroup(NodeGroupPreset::MultiRegion, o);
    QVERIFY2(validateNodeGroup(ng).empty(), qPrintable(describeProblems(validateNodeGroup(ng))));
    for (const char* region : {"east", "west"}) {
        const auto& rule = ng.groups->at(region).rulesByRole->at("edge");
        QCOMPARE(rule.min.value(), std::int64_t(2));
        QCOMPARE(rule.max.value(), std::int64_t(40));
        QCOMPARE(rule.increment.value(), std::int64_t(2));
        QCOMPARE(rule.outExpression.value(), std::string("max(cpu.process.load) > 0.9"));
        QCOMPARE(rule.capacityLimitExpression.value(), std::string("150"));
        // What was not overridden keeps the default.
        QCOMPARE(rule.inExpression.value(), std::string("avg(connections.subscriber) < 20"));
        QCOMPARE(ng.groups->at(region).rulesByRole->at("origin"), [&] {
            auto r = defaultRule(NodeGroupPreset::MultiRegion, "origin");
            r.nodeGroupName = "tuned";
            r.subGroupName = region;
            r.nodeRoleName = "origin";
            return r;
        }());
    }
}

void TestNodeGroupPresets::overridesThatBreakARuleAreReportedByTheValidator() {
    PresetOptions o;
    o.name = "broken";
    RuleOverrides origin;
    origin.min = 5;
    origin.max = 2;
    origin.inExpression = "avg(connections.publisher) <";
    o.rules["origin"] = origin;
    const auto problems = validateNodeGroup(makeNodeGroup(NodeGroupPreset::OriginEdge, o));
    auto has = [&](const std::string& path) {
        return std::any_of(problems.begin(), problems.end(),
                           [&](const Problem& p) { return p.path == path; });
    };
    QVERIFY2(has("groups.main.rulesByRole.origin.max"), qPrintable(describeProblems(problems)));
    QVERIFY2(has("groups.main.rulesByRole.origin.inExpression"),
             qPrintable(describeProblems(problems)));
}

void TestNodeGroupPresets::shuffleSizeFollowsTheNodeCount() {
    PresetOptions o;
    o.name = "shuffle";
    RuleOverrides small;
    small.max = 2;
    o.rules["allinone"] = small;
    QCOMPARE(makeNodeGroup(NodeGroupPreset::AllInOne, o).shuffleSizeExpression.value(),
             std::string("1"));
    o.rules["allinone"].max = 8;
    QCOMPARE(makeNodeGroup(NodeGroupPreset::AllInOne, o).shuffleSizeExpression.value(),
             std::string("2"));
    o.rules["allinone"].max = 100;
    QCOMPARE(makeNodeGroup(NodeGroupPreset::AllInOne, o).shuffleSizeExpression.value(),
             std::string("max(nodeCount*0.1, 2)"));
}

void TestNodeGroupPresets::optionProblemsNameTheirPath_data() {
    QTest::addColumn<NodeGroupPreset>("preset");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("regions");
    QTest::addColumn<QString>("role");
    QTest::addColumn<QString>("path");
    const QStringList ok = {QStringLiteral("a"), QStringLiteral("b")};
    QTest::addRow("multi-region with one region")
        << NodeGroupPreset::MultiRegion << QStringLiteral("ng") << QStringList{QStringLiteral("a")}
        << QString() << QStringLiteral("regions");
    QTest::addRow("region with a slash")
        << NodeGroupPreset::OriginEdge << QStringLiteral("ng") << QStringList{QStringLiteral("a/b")}
        << QString() << QStringLiteral("regions[0]");
    QTest::addRow("region twice") << NodeGroupPreset::MultiRegion << QStringLiteral("ng")
                                  << QStringList{QStringLiteral("a"), QStringLiteral("a")}
                                  << QString() << QStringLiteral("regions[1]");
    QTest::addRow("empty name") << NodeGroupPreset::AllInOne << QString() << ok << QString()
                                << QStringLiteral("name");
    QTest::addRow("reserved name") << NodeGroupPreset::AllInOne << QStringLiteral("default") << ok
                                   << QString() << QStringLiteral("name");
    QTest::addRow("rule for a role the preset lacks")
        << NodeGroupPreset::OriginEdge << QStringLiteral("ng") << ok << QStringLiteral("relay")
        << QStringLiteral("rules.relay");
}

void TestNodeGroupPresets::optionProblemsNameTheirPath() {
    QFETCH(NodeGroupPreset, preset);
    QFETCH(QString, name);
    QFETCH(QStringList, regions);
    QFETCH(QString, role);
    QFETCH(QString, path);
    PresetOptions o;
    o.name = name.toStdString();
    for (const auto& r : regions)
        o.regions.push_back(r.toStdString());
    if (!role.isEmpty())
        o.rules[role.toStdString()] = RuleOverrides{};
    const auto problems = checkPresetOptions(preset, o);
    QCOMPARE(int(problems.size()), 1);
    QCOMPARE(QString::fromStdString(problems.front().path), path);
}

void TestNodeGroupPresets::namesFollowTheValidator_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::addRow("plain") << QStringLiteral("cluster-1") << true;
    QTest::addRow("dots and underscores") << QStringLiteral("a.b_c") << true;
    QTest::addRow("sixteen") << QStringLiteral("abcdefghijklmnop") << true;
    QTest::addRow("seventeen") << QStringLiteral("abcdefghijklmnopq") << false;
    QTest::addRow("empty") << QString() << false;
    QTest::addRow("leading dash") << QStringLiteral("-x") << false;
    QTest::addRow("dot dot") << QStringLiteral("a..b") << false;
    QTest::addRow("space") << QStringLiteral("a b") << false;
    QTest::addRow("reserved") << QStringLiteral("default") << false;
}

void TestNodeGroupPresets::namesFollowTheValidator() {
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(!checkNodeGroupName(name.toStdString()).has_value(), valid);
    PresetOptions o;
    o.name = name.toStdString();
    QCOMPARE(validateNodeGroup(makeNodeGroup(NodeGroupPreset::OriginEdge, o)).empty(), valid);
}

void TestNodeGroupPresets::uniqueNamesSkipTakenOnes() {
    QCOMPARE(uniqueNodeGroupName({}), std::string("cluster-1"));
    const std::vector<std::string> taken = {"cluster-1", "cluster-3", "other"};
    QCOMPARE(uniqueNodeGroupName(taken), std::string("cluster-2"));
    const std::vector<std::string> more = {"cluster-1", "cluster-2", "cluster-3"};
    QCOMPARE(uniqueNodeGroupName(more), std::string("cluster-4"));
    QCOMPARE(uniqueNodeGroupName(more, "lab"), std::string("lab-1"));
    QVERIFY(!checkNodeGroupName(uniqueNodeGroupName(more)).has_value());
}

void TestNodeGroupPresets::presetNamesRoundTrip() {
    for (auto p : nodeGroupPresets())
        QCOMPARE(int(nodeGroupPresetFromString(toString(p)).value()), int(p));
    QVERIFY(!nodeGroupPresetFromString("mesh"));
    QCOMPARE(int(nodeGroupPresets().size()), 4);
}

QTEST_APPLESS_MAIN(TestNodeGroupPresets)
#include "tst_nodegrouppresets.moc"
