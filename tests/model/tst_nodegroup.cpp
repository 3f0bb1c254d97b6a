// NodeGroupConfig: decode, validate and re-encode the reference's example node groups, and a
// table of invalid configs each with the JSON path of its expected problem.

#include "core/model/nodegroupcodec.h"
#include "core/model/validation.h"

#include "tests/support/jsontest.h"
#include <QFile>

#include <QTest>

using namespace sy::model;

namespace {

Json loadExample(const QString& name) {
    QFile f(QStringLiteral(SWITCHYARD_TEST_DATA_DIR "/nodegroups/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open test data %s", qPrintable(f.fileName()));
    const QByteArray bytes = f.readAll();
    return Json::parse(bytes.constData(), bytes.constData() + bytes.size());
}

bool hasProblem(const Problems& problems, const std::string& path, const std::string& text) {
    for (const auto& p : problems)
        if (p.path == path && p.message.find(text) != std::string::npos)
            return true;
    return false;
}

} // namespace

class TestNodeGroup : public QObject {
    Q_OBJECT
private slots:
    void examplesDecodeAndValidate_data();
    void examplesDecodeAndValidate();
    void canonicalExamplesRoundTripExactly_data();
    void canonicalExamplesRoundTripExactly();
    void toleranceRulesNormalise();
    void unknownFieldsSurviveReadModifyWrite();
    void leafSubGroupsWalkGeoZones();
    void invalidConfigs_data();
    void invalidConfigs();
    void everyProblemIsReportedAtOnce();
    void namesThatReachPathsAreStrict_data();
    void namesThatReachPathsAreStrict();
};

void TestNodeGroup::examplesDecodeAndValidate_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("roles");
    QTest::addColumn<int>("leaves");
    QTest::addRow("all-in-one") << "all-in-one.json" << 1 << 1;
    QTest::addRow("origin-edge") << "origin-edge.json" << 2 << 1;
    QTest::addRow("origin-relay-edge") << "origin-relay-edge.json" << 3 << 1;
    QTest::addRow("multi-region geo-zones") << "multi-region.json" << 3 << 3;
}

void TestNodeGroup::examplesDecodeAndValidate() {
    QFETCH(QString, file);
    QFETCH(int, roles);
    QFETCH(int, leaves);
    const Json j = loadExample(file);
    auto parsed = parseNodeGroup(j);
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : describe(parsed.error()).c_str());
    QCOMPARE(static_cast<int>(parsed->roles->size()), roles);
    QCOMPARE(static_cast<int>(leafSubGroups(*parsed).size()), leaves);

    // decode(encode(x)) == x for every example, including those sent in tolerated forms.
    const Json encoded = encodeNodeGroup(*parsed);
    auto again = parseNodeGroup(encoded);
    QVERIFY(again.ok());
    QVERIFY(*again == *parsed);
    QCOMPARE_JSON(encodeNodeGroup(*again), encoded);
}

void TestNodeGroup::canonicalExamplesRoundTripExactly_data() {
    QTest::addColumn<QString>("file");
    QTest::addRow("all-in-one") << "all-in-one.json";
    QTest::addRow("origin-relay-edge") << "origin-relay-edge.json";
}

void TestNodeGroup::canonicalExamplesRoundTripExactly() {
    QFETCH(QString, file);
    const Json j = loadExample(file);
    auto parsed = parseNodeGroup(j);
    QVERIFY(parsed.ok());
    QCOMPARE(QString::fromStdString(encodeNodeGroup(*parsed).dump(2)),
             QString::fromStdString(j.dump(2)));
}

void TestNodeGroup::toleranceRulesNormalise() {
    // origin-edge sends maxPublishers as a string; multi-region uses `subGroups`, integers as
    // strings and rulesByRole as an array.
    auto oe = parseNodeGroup(loadExample(QStringLiteral("origin-edge.json")));
    QVERIFY(oe.ok());
    QCOMPARE(*oe->maxPublishers, 100);
    QCOMPARE_JSON(encodeNodeGroup(*oe)["maxPublishers"], Json(100));

    auto mr = parseNodeGroup(loadExample(QStringLiteral("multi-region.json")));
    QVERIFY(mr.ok());
    const Json out = encodeNodeGroup(*mr);
    QVERIFY(out.contains("groups"));
    QVERIFY(!out.contains("subGroups"));
    const Json& virginia = out["groups"]["usa"]["childGroups"][0];
    QCOMPARE_JSON(virginia["rulesByRole"]["origin"]["min"], Json(1));
    QVERIFY(out["groups"]["europe"]["childGroups"][0]["rulesByRole"].is_array());
    QVERIFY(mr->roles->at("transcoder").effectiveLifecycle() == Lifecycle::Manual);
}

void TestNodeGroup::unknownFieldsSurviveReadModifyWrite() {
    auto oe = parseNodeGroup(loadExample(QStringLiteral("origin-edge.json")));
    QVERIFY(oe.ok());
    oe->description = "changed";
    const Json out = encodeNodeGroup(*oe);
    QCOMPARE_JSON(out["internalVersionCount"], Json(3));
    QCOMPARE_JSON(out["description"], Json("changed"));

    auto ore = parseNodeGroup(loadExample(QStringLiteral("origin-relay-edge.json")));
    QVERIFY(ore.ok());
    QCOMPARE_JSON(encodeNodeGroup(*ore)["roles"]["edge"]["capacity"], Json(200));
}

void TestNodeGroup::leafSubGroupsWalkGeoZones() {
    auto mr = parseNodeGroup(loadExample(QStringLiteral("multi-region.json")));
    QVERIFY(mr.ok());
    const auto leaves = leafSubGroups(*mr);
    QCOMPARE(leaves.size(), std::size_t{3});
    QCOMPARE(QString::fromStdString(leaves[0].zonePath), QStringLiteral("europe/frankfurt"));
    QCOMPARE(QString::fromStdString(leaves[0].path),
             QStringLiteral("groups.europe.childGroups[0]"));
    QCOMPARE(QString::fromStdString(leaves[2].zonePath), QStringLiteral("usa/oregon"));
}

void TestNodeGroup::invalidConfigs_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("patch"); // RFC 6902 JSON Patch applied to the example
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");

    const QString aio = QStringLiteral("all-in-one.json");
    const QString oe = QStringLiteral("origin-edge.json");
    const QString ore = QStringLiteral("origin-relay-edge.json");
    const QString mr = QStringLiteral("multi-region.json");

    QTest::addRow("max below min")
        << aio
        << QByteArray(
               R"j([{"op":"replace","path":"/groups/local/rulesByRole/allinone/min","value":2},
                                {"op":"replace","path":"/groups/local/rulesByRole/allinone/max","value":1}])j")
        << "groups.local.rulesByRole.allinone.max"
        << "must be >= min (2)";
    QTest::addRow("max below min, rules as array")
        << mr << QByteArray(R"j([{"op":"move","from":"/subGroups/europe","path":"/subGroups/eu"},
                               {"op":"replace","path":"/subGroups/eu/subGroupName","value":"eu"},
                               {"op":"replace","path":"/subGroups/eu/childGroups/0/rulesByRole/1/min","value":2},
                               {"op":"replace","path":"/subGroups/eu/childGroups/0/rulesByRole/1/max","value":1}])j")
        << "groups.eu.childGroups[0].rulesByRole[1].max"
        << "must be >= min (2)";
    QTest::addRow("missing name") << aio << QByteArray(R"j([{"op":"remove","path":"/name"}])j")
                                  << "name"
                                  << "is required";
    QTest::addRow("reserved name")
        << aio << QByteArray(R"j([{"op":"replace","path":"/name","value":"default"}])j") << "name"
        << "reserved";
    QTest::addRow("path traversal in name")
        << aio << QByteArray(R"j([{"op":"replace","path":"/name","value":"../etc"}])j") << "name"
        << "must use only letters";
    QTest::addRow("name too long")
        << aio << QByteArray(R"j([{"op":"replace","path":"/name","value":"abcdefghijklmnopq"}])j")
        << "name"
        << "at most 16 characters, got 17";
    QTest::addRow("unknown platform")
        << aio << QByteArray(R"j([{"op":"replace","path":"/cloudPlatform","value":"MARS"}])j")
        << "cloudPlatform"
        << "unknown platform 'MARS'";
    QTest::addRow("unknown metric")
        << aio
        << QByteArray(
               R"j([{"op":"replace","path":"/groups/local/rulesByRole/allinone/outExpression","value":"avg(connections.publishers) > 12"}])j")
        << "groups.local.rulesByRole.allinone.outExpression"
        << "unknown metric";
    QTest::addRow("capacity syntax error")
        << aio
        << QByteArray(
               R"j([{"op":"replace","path":"/groups/local/rulesByRole/allinone/capacityRankingExpression","value":"connections.publisher +"}])j")
        << "groups.local.rulesByRole.allinone.capacityRankingExpression"
        << "column";
    QTest::addRow("aggregate in capacity expression")
        << aio
        << QByteArray(
               R"j([{"op":"replace","path":"/groups/local/rulesByRole/allinone/capacityLimitExpression","value":"avg(connections.publisher)"}])j")
        << "groups.local.rulesByRole.allinone.capacityLimitExpression"
        << "column";
    QTest::addRow("bad shuffle size")
        << aio
        << QByteArray(
               R"j([{"op":"replace","path":"/shuffleSizeExpression","value":"nodeCount *"}])j")
        << "shuffleSizeExpression"
        << "column";
    QTest::addRow("role without a rule")
        << oe << QByteArray(R"j([{"op":"remove","path":"/groups/us-east-1/rulesByRole/edge"}])j")
        << "groups.us-east-1.rulesByRole"
        << "has no rule for role 'edge'";
    QTest::addRow("rule for an unknown role")
        << aio
        << QByteArray(
               R"j([{"op":"add","path":"/groups/local/rulesByRole/mixer","value":{"min":0,"max":0}}])j")
        << "groups.local.rulesByRole.mixer"
        << "names no role";
    QTest::addRow("parent cycle")
        << ore
        << QByteArray(R"j([{"op":"add","path":"/roles/origin/parentRoleName","value":"edge"}])j")
        << "roles.origin.parentRoleName"
        << "cycle";
    QTest::addRow("unknown parent")
        << oe
        << QByteArray(R"j([{"op":"replace","path":"/roles/edge/parentRoleName","value":"relay"}])j")
        << "roles.edge.parentRoleName"
        << "names no role";
    QTest::addRow("unknown image")
        << oe
        << QByteArray(R"j([{"op":"replace","path":"/roles/edge/imageName","value":"missing"}])j")
        << "roles.edge.imageName"
        << "names no image";
    QTest::addRow("placeholder left in an integer")
        << aio
        << QByteArray(
               R"j([{"op":"replace","path":"/groups/local/rulesByRole/allinone/min","value":"ORIGINS_MIN"}])j")
        << "groups.local.rulesByRole.allinone.min"
        << "must be an integer, got a string 'ORIGINS_MIN'";
    QTest::addRow("unknown capability")
        << aio
        << QByteArray(
               R"j([{"op":"replace","path":"/roles/allinone/capabilities/0","value":"PUBLSH"}])j")
        << "roles.allinone.capabilities[0]"
        << "unknown capability 'PUBLSH'";
    QTest::addRow("increment zero")
        << aio
        << QByteArray(
               R"j([{"op":"replace","path":"/groups/local/rulesByRole/allinone/increment","value":0}])j")
        << "groups.local.rulesByRole.allinone.increment"
        << "between 1 and 1024";
    QTest::addRow("max too large")
        << aio
        << QByteArray(
               R"j([{"op":"replace","path":"/groups/local/rulesByRole/allinone/max","value":2000}])j")
        << "groups.local.rulesByRole.allinone.max"
        << "between 0 and 1024, got 2000";
    QTest::addRow("override outside conf")
        << oe
        << QByteArray(
               R"j([{"op":"add","path":"/roles/origin/propertyOverrides/0","value":{"fileName":"conf/../../etc/passwd","properties":{"a":"b"}}}])j")
        << "roles.origin.propertyOverrides[0].fileName"
        << "without '..'";
    QTest::addRow("leaf and zone at once")
        << aio << QByteArray(R"j([{"op":"add","path":"/groups/local/childGroups","value":[]}])j")
        << "groups.local"
        << "both rulesByRole and childGroups";
    QTest::addRow("sub-group name used twice")
        << mr
        << QByteArray(
               R"j([{"op":"replace","path":"/subGroups/europe/childGroups/0/subGroupName","value":"oregon"},
                               {"op":"replace","path":"/subGroups/europe/childGroups/0/rulesByRole/0/subGroupName","value":"oregon"},
                               {"op":"replace","path":"/subGroups/europe/childGroups/0/rulesByRole/1/subGroupName","value":"oregon"},
                               {"op":"replace","path":"/subGroups/europe/childGroups/0/rulesByRole/2/subGroupName","value":"oregon"}])j")
        << "groups.usa.childGroups[1].subGroupName"
        << "used twice";
    QTest::addRow("more than ten merged tags")
        << oe
        << QByteArray(
               R"j([{"op":"add","path":"/groups/us-east-1/tags","value":{"a":"1","b":"2","c":"3","d":"4","e":"5","f":"6","g":"7","h":"8","i":"9"}}])j")
        << "groups.us-east-1.tags"
        << "at most 10";
    QTest::addRow("rule names another sub-group")
        << aio
        << QByteArray(
               R"j([{"op":"replace","path":"/groups/local/rulesByRole/allinone/subGroupName","value":"elsewhere"}])j")
        << "groups.local.rulesByRole.allinone.subGroupName"
        << "must be the sub-group's name 'local'";
    QTest::addRow("schedule too short")
        << aio
        << QByteArray(
               R"j([{"op":"add","path":"/schedules","value":{"sat":{"name":"sat","startAt":"0 0 0 ? * SAT *","durationS":10}}}])j")
        << "schedules.sat.durationS"
        << "between 60 and 31536000, got 10";
    QTest::addRow("no roles") << aio
                              << QByteArray(R"j([{"op":"replace","path":"/roles","value":{}}])j")
                              << "roles"
                              << "at least one role";
    QTest::addRow("expression missing on an active rule")
        << aio
        << QByteArray(
               R"j([{"op":"remove","path":"/groups/local/rulesByRole/allinone/inExpression"}])j")
        << "groups.local.rulesByRole.allinone.inExpression"
        << "is required";
    QTest::addRow("wrong type for groups")
        << aio << QByteArray(R"j([{"op":"replace","path":"/groups","value":[1,2]}])j") << "groups"
        << "must be an object keyed by name, got an array";
}

void TestNodeGroup::invalidConfigs() {
    QFETCH(QString, file);
    QFETCH(QByteArray, patch);
    QFETCH(QString, path);
    QFETCH(QString, message);
    const Json bad = loadExample(file).patch(Json::parse(patch.constData()));
    auto parsed = parseNodeGroup(bad);
    QVERIFY2(!parsed.ok(), "an invalid config was accepted");
    const Problems& problems = parsed.error();
    QVERIFY2(hasProblem(problems, path.toStdString(), message.toStdString()),
             ("expected '" + path.toStdString() + ": …" + message.toStdString() + "…', got:\n" +
              describe(problems))
                 .c_str());
}

void TestNodeGroup::everyProblemIsReportedAtOnce() {
    Json bad = loadExample(QStringLiteral("origin-edge.json"));
    bad["name"] = "bad name!";
    bad["cloudPlatform"] = "MARS";
    bad["groups"]["us-east-1"]["rulesByRole"]["edge"]["max"] = 1;
    bad["groups"]["us-east-1"]["rulesByRole"]["origin"]["outExpression"] = "avg(nope) > 1";
    auto parsed = parseNodeGroup(bad);
    QVERIFY(!parsed.ok());
    QVERIFY2(parsed.error().size() >= 4, describe(parsed.error()).c_str());
    QVERIFY(
        hasProblem(parsed.error(), "groups.us-east-1.rulesByRole.edge.max", "must be >= min (2)"));

    auto text = parseNodeGroup(std::string_view("{\"name\": \"x\",, }"));
    QVERIFY(!text.ok());
    QVERIFY(text.error().front().message.find("not valid JSON: line 1, column 14") !=
            std::string::npos);
    auto notObject = parseNodeGroup(std::string_view("[1]"));
    QVERIFY(!notObject.ok());
    QVERIFY(hasProblem(notObject.error(), "", "must be an object, got an array"));
}

void TestNodeGroup::namesThatReachPathsAreStrict_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::addRow("plain") << "ng1" << true;
    QTest::addRow("dots dashes underscores") << "eu-west_1.a" << true;
    QTest::addRow("empty") << "" << false;
    QTest::addRow("dot dot") << "a..b" << false;
    QTest::addRow("leading dot") << ".hidden" << false;
    QTest::addRow("leading dash looks like an option") << "-rf" << false;
    QTest::addRow("slash") << "a/b" << false;
    QTest::addRow("space") << "a b" << false;
    QTest::addRow("semicolon for nginx") << "a;b" << false;
    QTest::addRow("brace for nginx") << "a}" << false;
    QTest::addRow("newline") << "a\nb" << false;
    QTest::addRow("non ascii") << QStringLiteral("caf\u00e9") << false;
}

void TestNodeGroup::namesThatReachPathsAreStrict() {
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(!checkName(name.toStdString()).has_value(), valid);
}

QTEST_APPLESS_MAIN(TestNodeGroup)
#include "tst_nodegroup.moc"
