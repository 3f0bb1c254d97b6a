// The other models of the reference: metric tree, node status item, StreamLocation, provisions.

#include "core/model/jsonfields.h"
#include "core/model/metrictree.h"
#include "core/model/nodestatus.h"
#include "core/model/provision.h"
#include "core/model/streamlocation.h"

#include "tests/support/jsontest.h"

#include <QTest>

using namespace sy::model;

namespace {
bool hasProblem(const Problems& problems, const std::string& path, const std::string& text) {
    for (const auto& p : problems)
        if (p.path == path && p.message.find(text) != std::string::npos)
            return true;
    return false;
}
} // namespace

class TestModels : public QObject {
    Q_OBJECT
private slots:
    void metricTreeFlattensToDottedNames();
    void metricTreeRoundTrips();
    void aggregateTreeDecodes();
    void nodeStatusItemRoundTrips();
    void nodeStatusRejectsUnknownState();
    void streamLocationCarriesUrls();
    void provisionsDecodeValidateAndRoundTrip();
    void provisionListMayBeOneObject();
    void invalidProvisions_data();
    void invalidProvisions();
};

void TestModels::metricTreeFlattensToDottedNames() {
    const Json j = Json::parse(R"j([
        {"name":"cpu","children":[{"name":"processors","value":4},
                                  {"name":"loadavg","children":[{"name":"1min","value":0.5}]}]},
        {"name":"connections","children":[{"name":"subscriber","value":121}]}])j");
    Problems problems;
    const MetricTree tree = decodeMetricTree(j, "metrics", problems);
    QVERIFY(problems.empty());
    const FlatMetrics flat = flatten(tree);
    QCOMPARE(flat.size(), std::size_t{3});
    QCOMPARE(flat.at("cpu.loadavg.1min"), 0.5);
    QCOMPARE(flat.at("connections.subscriber"), 121.0);
    QCOMPARE(flatten(unflatten(flat)), flat);
}

void TestModels::metricTreeRoundTrips() {
    const FlatMetrics flat = {
        {"network.ingress", 1200.5}, {"network.egress", 88000}, {"memory.vm.free", 1024}};
    const Json j = encodeMetricTree(unflatten(flat));
    Problems problems;
    QCOMPARE(flatten(decodeMetricTree(j, "", problems)), flat);
    QVERIFY(problems.empty());
    decodeMetricTree(Json::parse(R"j([{"value":1}])j"), "metrics", problems);
    QVERIFY(hasProblem(problems, "metrics[0].name", "is required"));
}

void TestModels::aggregateTreeDecodes() {
    const Json j = Json::parse(R"j({"connections":{"name":"connections","children":{
        "subscriber":{"name":"subscriber","sum":"242","min":1,"max":241,"count":2}}}})j");
    Problems problems;
    const FlatAggregates a = decodeAggregateTree(j, "metrics", problems);
    QVERIFY(problems.empty());
    QCOMPARE(a.at("connections.subscriber").sum, 242.0);
    QCOMPARE(a.at("connections.subscriber").count, 2.0);
    Problems again;
    QCOMPARE(decodeAggregateTree(encodeAggregateTree(a), "", again), a);
}

void TestModels::nodeStatusItemRoundTrips() {
    // The reference's example, with a metrics tree.
    const Json j = Json::parse(R"j({"nodeEvent":{"nodeGroupName":"ng","subGroupName":"ashburn",
        "nodeRoleName":"allinone","nodeId":"OGApVXeaqv","publicIp":"129.213.202.68",
        "privateIp":"10.7.46.113","parents":[],"clientCount":0,"publisherCount":0,
        "subscriberCount":0,"restreamerCount":0,"postProcessorCount":0,
        "metrics":[{"name":"cpu","children":[{"name":"processors","value":2.0}]}],
        "timestamp":1717521788509},
       "scalingEvent":{"nodeGroupName":"ng","subGroupName":"ashburn","nodeRoleName":"allinone",
        "nodeId":"OGApVXeaqv","state":"INSERVICE","timestamp":1717521702349}})j");
    Problems problems;
    const NodeStatusItem item = decodeNodeStatus(j, "", problems);
    QVERIFY(problems.empty());
    QVERIFY(item.scalingEvent->state == NodeState::InService);
    QCOMPARE(item.nodeEvent->timestamp, 1717521788509LL);
    QCOMPARE_JSON(encodeNodeStatus(item), j);
}

void TestModels::nodeStatusRejectsUnknownState() {
    Problems problems;
    decodeNodeStatus(Json::parse(R"j({"scalingEvent":{"state":"ASLEEP"}})j"), "[0]", problems);
    QVERIFY(hasProblem(problems, "[0].scalingEvent.state", "unknown node state 'ASLEEP'"));
}

void TestModels::streamLocationCarriesUrls() {
    StreamLocation s;
    s.streamGuid = "live/cam1";
    s.serverAddress = "127.0.0.1";
    s.nodeRole = "origin";
    s.urls = {{"rtmp", "rtmp://127.0.0.1:19351/live/cam1"}};
    const Json j = encodeStreamLocation(s);
    QCOMPARE_JSON(j["urls"]["rtmp"], Json("rtmp://127.0.0.1:19351/live/cam1"));
    Problems problems;
    QVERIFY(decodeStreamLocation(j, "", problems) == s);
    QVERIFY(problems.empty());
}

void TestModels::provisionsDecodeValidateAndRoundTrip() {
    // A three-rendition ladder, a restreamer and a recording, as in the reference.
    const Json j = Json::parse(R"j([
      {"provisionGuid":"live/ladder","streams":[
        {"streamGuid":"live/ladder_1","abrLevel":1,"videoParams":{"videoWidth":1280,"videoHeight":720,"videoBitRate":2000000}},
        {"streamGuid":"live/ladder_2","abrLevel":2,"videoParams":{"videoWidth":854,"videoHeight":480,"videoBitRate":"1000000"}},
        {"streamGuid":"live/ladder_3","abrLevel":3,"videoParams":{"videoWidth":640,"videoHeight":360,"videoBitRate":500000,"videoProfile":"baseline"}}]},
      {"provisionGuid":"cam1","streams":[{"streamGuid":"live/cam1","abrLevel":0,
        "camParams":{"properties":{"action":"create","type":"rtsp","rtspUri":"rtsp://10.0.0.5/stream","persist":"true"}},
        "cloudParams":{"bucketName":"recordings","fileStorageName":"cams/cam1"}}],
       "credentials":{"token":"abc"}}])j");
    auto parsed = parseProvisions(j);
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : describe(parsed.error()).c_str());
    QCOMPARE(parsed->size(), std::size_t{2});
    QCOMPARE(*(*parsed)[0].streams->at(1).videoParams->videoBitRate, 1000000);
    QCOMPARE((*parsed)[1].streams->at(0).camParams->properties.at("type"), std::string("rtsp"));
    Json back = Json::array();
    for (const auto& p : *parsed)
        back.push_back(encodeProvision(p));
    auto again = parseProvisions(back);
    QVERIFY(again.ok());
    QVERIFY(*again == *parsed);
}

void TestModels::provisionListMayBeOneObject() {
    auto parsed = parseProvisions(
        Json::parse(R"j({"provisionGuid":"one","streams":[{"streamGuid":"live/one"}]})j"));
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->size(), std::size_t{1});
}

void TestModels::invalidProvisions_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");
    QTest::addRow("no streams") << QByteArray(R"j([{"provisionGuid":"abc","streams":[]}])j")
                                << "[0].streams"
                                << "at least one stream";
    QTest::addRow("guid without app")
        << QByteArray(R"j([{"provisionGuid":"abc","streams":[{"streamGuid":"cam1"}]}])j")
        << "[0].streams[0].streamGuid"
        << "app/[room/]name";
    QTest::addRow("guid with traversal")
        << QByteArray(R"j([{"provisionGuid":"abc","streams":[{"streamGuid":"live/../x"}]}])j")
        << "[0].streams[0].streamGuid"
        << "each part";
    QTest::addRow("width out of range")
        << QByteArray(
               R"j([{"provisionGuid":"abc","streams":[{"streamGuid":"live/a","videoParams":{"videoWidth":9000}}]}])j")
        << "[0].streams[0].videoParams.videoWidth"
        << "between 2 and 7680, got 9000";
    QTest::addRow("bad profile")
        << QByteArray(
               R"j([{"provisionGuid":"abc","streams":[{"streamGuid":"live/a","videoParams":{"videoProfile":"ultra"}}]}])j")
        << "[0].streams[0].videoParams.videoProfile"
        << "baseline, main or high";
    QTest::addRow("short bucket")
        << QByteArray(
               R"j([{"provisionGuid":"abc","streams":[{"streamGuid":"live/a","cloudParams":{"bucketName":"ab"}}]}])j")
        << "[0].streams[0].cloudParams.bucketName"
        << "3..63";
    QTest::addRow("short provision guid")
        << QByteArray(R"j([{"provisionGuid":"ab","streams":[{"streamGuid":"live/a"}]}])j")
        << "[0].provisionGuid"
        << "3..256";
    QTest::addRow("camParams not strings")
        << QByteArray(
               R"j([{"provisionGuid":"abc","streams":[{"streamGuid":"live/a","camParams":{"properties":{"x":[1]}}}]}])j")
        << "[0].streams[0].camParams.properties.x"
        << "must be a string";
    QTest::addRow("empty list") << QByteArray("[]") << ""
                                << "at least one provision";
}

void TestModels::invalidProvisions() {
    QFETCH(QByteArray, json);
    QFETCH(QString, path);
    QFETCH(QString, message);
    auto parsed = parseProvisions(Json::parse(json.constData()));
    QVERIFY(!parsed.ok());
    QVERIFY2(hasProblem(parsed.error(), path.toStdString(), message.toStdString()),
             describe(parsed.error()).c_str());
}

QTEST_APPLESS_MAIN(TestModels)
#include "tst_models.moc"
