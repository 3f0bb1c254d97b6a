// The control core with real nodes (LOCAL: nginx-rtmp processes) and real streams (ffmpeg):
// a node group comes up, a publisher and viewers use the URLs routing returns, an edge killed
// with SIGKILL leaves routing and is replaced, load scales edges out and back in, and a
// restarted core re-adopts running nodes while a viewer keeps receiving frames.

#include "core/api/nodecallbackserver.h"
#include "core/engine/controlcore.h"
#include "core/model/nodegroupcodec.h"
#include "core/nodes/loopbackhttpclient.h"
#include "core/providers/localprovider.h"
#include "tests/support/ffmpegprocess.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <fstream>
#include <iterator>
#include <set>

using namespace sy;
using model::NodeState;
using nodestest::FfmpegProcess;

namespace {

std::string groupJson(int edgeMin, int edgeMax, const char* edgeOut) {
    return std::string(R"({"name": "lab", "cloudPlatform": "LOCAL", "shuffleSizeExpression": "1",
      "roles": {"origin": {"name": "origin", "capabilities": ["PUBLISH"]},
                "edge": {"name": "edge", "capabilities": ["SUBSCRIBE"], "parentRoleName": "origin",
                         "parentCardinality": "GLOBAL"}},
      "groups": {"local": {"subGroupName": "local", "rulesByRole": {
        "origin": {"min": 1, "max": 1, "increment": 1,
                   "outExpression": "avg(connections.publisher) > 12",
                   "inExpression": "avg(connections.publisher) < 0",
                   "capacityRankingExpression": "connections.publisher",
                   "capacityLimitExpression": "20"},
        "edge": {"min": )") +
           std::to_string(edgeMin) + R"(, "max": )" + std::to_string(edgeMax) +
           R"(, "increment": 1, "outExpression": ")" + edgeOut + R"(",
                 "inExpression": "avg(connections.subscriber) < 1",
                 "capacityRankingExpression": "connections.subscriber",
                 "capacityLimitExpression": "200"}}}}})";
}

model::NodeGroupConfig config(int edgeMin, int edgeMax,
                              const char* edgeOut = "avg(connections.subscriber) > 1000") {
    auto parsed = model::parseNodeGroup(std::string_view(groupJson(edgeMin, edgeMax, edgeOut)));
    if (!parsed)
        qFatal("bad config: %s", model::describe(parsed.error()).c_str());
    return std::move(parsed).value();
}

QString url(const model::StreamLocation& l) {
    return QString::fromStdString(l.urls.at("rtmp"));
}

} // namespace

class TestLocalCluster : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void publishAndSubscribeThroughRouting();
    void killedEdgeLeavesRoutingAndIsReplaced();
    void viewersScaleEdgesOutAndBackIn();
    void restartReadoptsRunningNodes();
    void orphanNodesAreStoppedAfterRestart();
    void edgeFindsAStreamOnAnyOriginThroughRedirect();
    void viewersPlayThroughARelay();
    void strangersCannotActAsTheNodes();

private:
    std::unique_ptr<engine::ControlCore> open();
    int inService(const std::string& role) const;
    std::vector<engine::NodeView> nodes(const std::string& role) const;
    QString startPublisher(FfmpegProcess& publisher);

    QTemporaryDir media_;
    QString clip_;
    std::unique_ptr<QTemporaryDir> dir_;
    std::shared_ptr<providers::LocalProvider> local_;
    std::unique_ptr<engine::ControlCore> core_;
    std::unique_ptr<api::NodeCallbackServer> callbacks_;
};

void TestLocalCluster::initTestCase() {
    clip_ = media_.filePath(QStringLiteral("clip.mp4"));
    QVERIFY2(FfmpegProcess::encodeClip(clip_), "could not encode the test clip with ffmpeg");
}

void TestLocalCluster::init() {
    dir_ = std::make_unique<QTemporaryDir>();
    core_ = open();
}

void TestLocalCluster::cleanup() {
    if (core_) {
        // Deleting the group destroys its nginx processes through the journal.
        if (core_->deleteNodeGroup("lab").get().ok())
            QTRY_VERIFY_WITH_TIMEOUT(core_->snapshot()->group("lab") == nullptr, 20000);
        core_.reset();
    }
    callbacks_.reset();
    local_.reset();
    dir_.reset();
}

std::unique_ptr<engine::ControlCore> TestLocalCluster::open() {
    // Nodes call the core back on loopback (on_play redirects); a new core has a new endpoint.
    callbacks_ = std::make_unique<api::NodeCallbackServer>();
    if (!callbacks_->start())
        qFatal("callback server did not start");
    providers::LocalProviderOptions lo;
    lo.nodesDir = dir_->filePath(QStringLiteral("nodes")).toStdString();
    lo.callbackBaseUrl = callbacks_->baseUrl();
    // A range of its own: ctest runs test_nodes (default range) in parallel, and two processes
    // probing the same free port could both pick it.
    lo.ports = {21000, 21499};
    auto local = providers::LocalProvider::create(lo);
    if (!local)
        qFatal("LOCAL provider: %s", local.error().message.c_str());
    local_ = std::move(local).value();
    // The provider's master key (in the data directory, so a restarted core derives the same).
    callbacks_->useSecrets(local_->nodeSecrets());
    engine::CoreOptions o;
    o.dataDir = dir_->path().toStdString();
    o.tick = std::chrono::milliseconds(100);
    o.pollInterval = std::chrono::milliseconds(200);
    o.scaling.scaleOutCooldown = 1000;
    o.scaling.scaleInStabilisation = 1500;
    o.timeouts.doomed = 100;
    o.timeouts.fault = 500;
    o.seed = 7;
    o.providers["LOCAL"] = local_;
    auto core = engine::ControlCore::open(std::move(o));
    if (!core)
        qFatal("core: %s", core.error().message.c_str());
    callbacks_->attach(core->get());
    (*core)->start();
    return std::move(core).value();
}

std::vector<engine::NodeView> TestLocalCluster::nodes(const std::string& role) const {
    std::vector<engine::NodeView> out;
    // Pinned: a pointer into a temporary snapshot would dangle.
    const auto pinned = core_->snapshot();
    if (const auto* g = pinned->group("lab"))
        for (const auto& n : g->nodes)
            if (n.role == role)
                out.push_back(n);
    return out;
}

int TestLocalCluster::inService(const std::string& role) const {
    int count = 0;
    for (const auto& n : nodes(role))
        count += n.state == NodeState::InService;
    return count;
}

QString TestLocalCluster::startPublisher(FfmpegProcess& publisher) {
    const auto where = core_->selectPublish("default", {"live/cam1", {}, false, 1, false, false});
    if (!where)
        qFatal("publish selection: %s", where.error().message.c_str());
    publisher.startPublisher(clip_, url(where->front()));
    return url(where->front());
}

void TestLocalCluster::publishAndSubscribeThroughRouting() {
    QVERIFY(core_->createNodeGroup(config(2, 2)).get().ok());
    QTRY_COMPARE_WITH_TIMEOUT(inService("origin"), 1, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(inService("edge"), 2, 20000);

    FfmpegProcess publisher;
    const QString publishUrl = startPublisher(publisher);
    QVERIFY(publishUrl.startsWith(QStringLiteral("rtmp://127.0.0.1:")));
    // The stream becomes subscribable once a poll of the origin sees it.
    engine::ControlCore::Selection where =
        core_->selectSubscribe("lab", {"live/cam1", {}, false, 1});
    QTRY_VERIFY_WITH_TIMEOUT(
        (where = core_->selectSubscribe("lab", {"live/cam1", {}, false, 1})).ok(), 20000);
    QCOMPARE(QString::fromStdString(*where->front().nodeRole), QStringLiteral("edge"));

    FfmpegProcess viewer1, viewer2;
    viewer1.startViewer(url(where->front()));
    const auto second = core_->selectSubscribe("lab", {"live/cam1", {}, false, 1});
    QVERIFY(second.ok());
    viewer2.startViewer(url(second->front()));
    QTRY_VERIFY_WITH_TIMEOUT(viewer1.frames() > 30, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(viewer2.frames() > 30, 30000);
    // The stream list shows the stream on its origin with the viewers of every edge summed.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const auto streams = core_->listStreams("lab");
            return streams.size() == 1 && streams[0].streamGuid == "live/cam1" &&
                   streams[0].nodeRole == "origin" && streams[0].subscribers == 2;
        }(),
        10000);
    QVERIFY(core_->listStreams("lab", /*aggregate=*/false).size() >= 2); // origin + edges
    const auto events = core_->eventsSince(0);
    QVERIFY(std::any_of(events.begin(), events.end(), [](const engine::Event& e) {
        return e.kind == engine::EventKind::StreamStarted &&
               e.details.value("streamGuid", "") == "live/cam1";
    }));
    publisher.stop();
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const auto all = core_->eventsSince(0);
            return std::any_of(all.begin(), all.end(), [](const engine::Event& e) {
                return e.kind == engine::EventKind::StreamStopped;
            });
        }(),
        20000);

    const auto unknown = core_->selectSubscribe("lab", {"live/nobody", {}, false, 1});
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error().status, 404);
}

void TestLocalCluster::killedEdgeLeavesRoutingAndIsReplaced() {
    QVERIFY(core_->createNodeGroup(config(2, 2)).get().ok());
    QTRY_COMPARE_WITH_TIMEOUT(inService("edge"), 2, 20000);
    FfmpegProcess publisher;
    startPublisher(publisher);
    QTRY_VERIFY_WITH_TIMEOUT(core_->selectSubscribe("lab", {"live/cam1", {}, false, 1}).ok(),
                             20000);

    const engine::NodeView victimNode = nodes("edge").front();
    const std::string victim = victimNode.nodeId;
    const QString victimUrl =
        QStringLiteral("rtmp://127.0.0.1:%1/live/cam1").arg(victimNode.endpoint.rtmpPort);
    const pid_t pid = local_->pidOf(victim);
    QVERIFY(pid > 0);
    const auto killedAt = std::chrono::steady_clock::now();
    QCOMPARE(::kill(pid, SIGKILL), 0);
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const auto& n : nodes("edge"))
                if (n.nodeId == victim)
                    return n.state != NodeState::InService;
            return true;
        }(),
        5000);
    const auto detection = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - killedAt);
    qInfo("kill -9 to out of routing: %lld ms", static_cast<long long>(detection.count()));
    // From now on no subscribe answer names the dead edge.
    for (int i = 0; i < 20; ++i) {
        const auto where = core_->selectSubscribe("lab", {"live/cam1", {}, false, 1});
        QVERIFY(where.ok());
        QVERIFY(url(where->front()) != victimUrl);
    }
    // A replacement comes up and the dead node is removed.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const auto edges = nodes("edge");
            return inService("edge") == 2 &&
                   std::none_of(edges.begin(), edges.end(),
                                [&](const auto& n) { return n.nodeId == victim; });
        }(),
        20000);
}

void TestLocalCluster::viewersScaleEdgesOutAndBackIn() {
    QVERIFY(core_->createNodeGroup(config(1, 2, "avg(connections.subscriber) > 1")).get().ok());
    QTRY_COMPARE_WITH_TIMEOUT(inService("edge"), 1, 20000);
    FfmpegProcess publisher;
    startPublisher(publisher);
    engine::ControlCore::Selection where =
        core_->selectSubscribe("lab", {"live/cam1", {}, false, 1});
    QTRY_VERIFY_WITH_TIMEOUT(
        (where = core_->selectSubscribe("lab", {"live/cam1", {}, false, 1})).ok(), 20000);
    const QString firstEdge = url(where->front());
    {
        FfmpegProcess v1, v2;
        v1.startViewer(firstEdge);
        v2.startViewer(firstEdge);
        // Two viewers on one edge: over the out-expression, a second edge comes up...
        QTRY_COMPARE_WITH_TIMEOUT(inService("edge"), 2, 30000);
        // ...and, being the least loaded, takes the next viewer.
        QTRY_VERIFY_WITH_TIMEOUT(
            (where = core_->selectSubscribe("lab", {"live/cam1", {}, false, 1})).ok() &&
                url(where->front()) != firstEdge,
            10000);
        FfmpegProcess v3;
        v3.startViewer(url(where->front()));
        QTRY_VERIFY_WITH_TIMEOUT(v3.frames() > 10, 30000);
    }
    // Viewers gone: the in-expression holds, one edge drains and is destroyed; min stays.
    QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(nodes("edge").size()), 1, 30000);
    QCOMPARE(inService("edge"), 1);
}

void TestLocalCluster::restartReadoptsRunningNodes() {
    QVERIFY(core_->createNodeGroup(config(1, 1)).get().ok());
    QTRY_COMPARE_WITH_TIMEOUT(inService("edge"), 1, 20000);
    FfmpegProcess publisher;
    startPublisher(publisher);
    engine::ControlCore::Selection where =
        core_->selectSubscribe("lab", {"live/cam1", {}, false, 1});
    QTRY_VERIFY_WITH_TIMEOUT(
        (where = core_->selectSubscribe("lab", {"live/cam1", {}, false, 1})).ok(), 20000);
    FfmpegProcess viewer;
    viewer.startViewer(url(where->front()));
    QTRY_VERIFY_WITH_TIMEOUT(viewer.frames() > 10, 30000);

    std::set<std::pair<std::string, pid_t>> before;
    for (const auto& role : {"origin", "edge"})
        for (const auto& n : nodes(role))
            before.insert({n.nodeId, local_->pidOf(n.nodeId)});

    callbacks_->attach(nullptr);
    core_.reset();  // the core goes away; its nginx nodes do not
    core_ = open(); // a new core and a new LOCAL provider on the same data directory
    QTRY_COMPARE_WITH_TIMEOUT(inService("edge"), 1, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(inService("origin"), 1, 20000);
    std::set<std::pair<std::string, pid_t>> after;
    for (const auto& role : {"origin", "edge"})
        for (const auto& n : nodes(role))
            after.insert({n.nodeId, local_->pidOf(n.nodeId)});
    auto text = [](const std::set<std::pair<std::string, pid_t>>& s) {
        std::string out;
        for (const auto& [id, pid] : s)
            out += id + ":" + std::to_string(pid) + " ";
        return out;
    };
    // The same nodes, the same processes: nothing started twice.
    QVERIFY2(after == before, (text(before) + "!= " + text(after)).c_str());
    const int frames = viewer.frames();
    QTRY_VERIFY_WITH_TIMEOUT(viewer.frames() > frames + 30, 20000); // and it kept playing
    QVERIFY(viewer.isRunning());
}

// Any local user can reach the callback endpoint and the nodes' HTTP ports. With a stream live on
// the origin: a stranger's on_publish / on_play (no node secret) is 401 and leaves no event, and
// the nodes' /stat and /control refuse a stranger, so the publisher is not dropped; the nodes'
// own callbacks (the publish and the edge's play redirect) keep working.
void TestLocalCluster::strangersCannotActAsTheNodes() {
    QVERIFY(core_->createNodeGroup(config(1, 1)).get().ok());
    QTRY_COMPARE_WITH_TIMEOUT(inService("edge"), 1, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(inService("origin"), 1, 20000);
    FfmpegProcess publisher;
    startPublisher(publisher);
    engine::ControlCore::Selection where =
        core_->selectSubscribe("lab", {"live/cam1", {}, false, 1});
    QTRY_VERIFY_WITH_TIMEOUT(
        (where = core_->selectSubscribe("lab", {"live/cam1", {}, false, 1})).ok(), 20000);
    const auto origin = nodes("origin").front();
    const auto seq = core_->eventsSince(0).empty() ? 0 : core_->eventsSince(0).back().sequence;
    for (const char* call : {"publish", "play", "done"}) {
        const auto r =
            nodes::postHttp(callbacks_->baseUrl() + "/" + origin.nodeId + "/" + call,
                            "app=live&name=cam1&addr=127.0.0.1&call=" + std::string(call),
                            "application/x-www-form-urlencoded");
        QVERIFY(r.ok());
        QCOMPARE(r->status, 401);
    }
    for (const auto& e : core_->eventsSince(seq))
        QVERIFY2(e.kind != engine::EventKind::Access, e.message.c_str());
    for (const char* target : {"/stat", "/control/drop/publisher?app=live&name=cam1"}) {
        const auto r = nodes::LoopbackHttpClient::get(origin.endpoint.httpPort, target);
        QVERIFY(r.ok());
        QCOMPARE(r->status, 401);
    }
    // The secret is in the node's 0600 config and in no process's arguments.
    const auto secret = local_->nodeSecrets()->secretFor(origin.nodeId);
    const auto conf = dir_->filePath(QStringLiteral("nodes/%1/conf/nginx.conf")
                                         .arg(QString::fromStdString(origin.nodeId)))
                          .toStdString();
    QCOMPARE(std::filesystem::status(conf).permissions() & std::filesystem::perms::all,
             std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        std::ifstream cmd(entry.path() / "cmdline", std::ios::binary);
        const std::string args((std::istreambuf_iterator<char>(cmd)), {});
        QVERIFY2(args.find(secret) == std::string::npos, entry.path().c_str());
    }
    // The publisher was not dropped, and a viewer still gets the stream through the edge.
    FfmpegProcess viewer;
    viewer.startViewer(url(where->front()));
    QTRY_VERIFY_WITH_TIMEOUT(viewer.frames() > 10, 30000);
    QVERIFY(publisher.isRunning());
}

void TestLocalCluster::orphanNodesAreStoppedAfterRestart() {
    // A node no journal knows, as a core that died between spawning a node and journalling it
    // would leave behind.
    core_.reset();
    auto nginx = nodes::NginxInstallation::locate();
    auto config = nodes::NginxConfigTemplate::loadDefault();
    QVERIFY(nginx.ok() && config.ok());
    nodes::PortAllocator ports;
    auto lease = ports.lease(2);
    QVERIFY(lease.ok());
    nodes::NodeSpec spec;
    spec.nodeId = "strayNode01";
    spec.rtmpPort = (*lease)[0];
    spec.httpPort = (*lease)[1];
    spec.prefixDir = dir_->filePath(QStringLiteral("nodes/strayNode01")).toStdString();
    spec.secret = local_->nodeSecrets()->secretFor(spec.nodeId);
    nodes::NginxRtmpDriver stray(*nginx, *config, spec);
    QVERIFY(stray.start().ok());
    const pid_t pid = stray.pid();

    core_ = open();
    QTRY_VERIFY_WITH_TIMEOUT(::kill(pid, 0) != 0 || stray.pollExit().has_value(), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(QString::fromStdString(spec.prefixDir.string())),
                             5000);
    const auto events = core_->eventsSince(0);
    QVERIFY(std::any_of(events.begin(), events.end(), [](const engine::Event& e) {
        return e.kind == engine::EventKind::Alert && e.nodeId == "strayNode01";
    }));
}

void TestLocalCluster::edgeFindsAStreamOnAnyOriginThroughRedirect() {
    auto two = config(1, 1);
    auto& origin = two.groups->at("local").rulesByRole->at("origin");
    origin.min = 2;
    origin.max = 2;
    QVERIFY(core_->createNodeGroup(two).get().ok());
    QTRY_COMPARE_WITH_TIMEOUT(inService("origin"), 2, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(inService("edge"), 1, 20000);
    // Publish to the origin the edge does NOT pull from by default (its first parent).
    const auto edge = nodes("edge").front();
    QVERIFY(!edge.parents.empty());
    engine::NodeView other;
    for (const auto& n : nodes("origin"))
        if (n.nodeId != edge.parents.front())
            other = n;
    QVERIFY(!other.nodeId.empty());
    FfmpegProcess publisher;
    publisher.startPublisher(
        clip_, QStringLiteral("rtmp://127.0.0.1:%1/live/cam1").arg(other.endpoint.rtmpPort));
    engine::ControlCore::Selection where =
        core_->selectSubscribe("lab", {"live/cam1", {}, false, 1});
    QTRY_VERIFY_WITH_TIMEOUT(
        (where = core_->selectSubscribe("lab", {"live/cam1", {}, false, 1})).ok(), 20000);
    QCOMPARE(QString::fromStdString(*where->front().nodeRole), QStringLiteral("edge"));
    FfmpegProcess viewer;
    viewer.startViewer(url(where->front()));
    QTRY_VERIFY_WITH_TIMEOUT(viewer.frames() > 30, 30000);
}

void TestLocalCluster::viewersPlayThroughARelay() {
    // origin → relay (GLOBAL) → edge (AUTOGROUP: each edge under one relay), two hops of pulls.
    auto cfg = config(1, 1);
    auto& roles = *cfg.roles;
    roles["relay"] = roles.at("origin");
    roles["relay"].name = "relay";
    roles["relay"].capabilities = std::vector<model::Capability>{};
    roles["relay"].parentRoleName = "origin";
    roles["relay"].parentCardinality = model::ParentCardinality::Global;
    roles["edge"].parentRoleName = "relay";
    roles["edge"].parentCardinality = model::ParentCardinality::AutoGroup;
    auto& rules = *cfg.groups->at("local").rulesByRole;
    rules["relay"] = rules.at("origin");
    rules["relay"].capacityRankingExpression = "0";
    rules["relay"].capacityLimitExpression = "0";
    QVERIFY(core_->createNodeGroup(cfg).get().ok());
    QTRY_COMPARE_WITH_TIMEOUT(inService("edge"), 1, 20000);
    const auto relay = nodes("relay").front();
    QCOMPARE(nodes("edge").front().parents, std::vector<std::string>{relay.nodeId});

    FfmpegProcess publisher;
    startPublisher(publisher);
    engine::ControlCore::Selection where =
        core_->selectSubscribe("lab", {"live/cam1", {}, false, 1});
    QTRY_VERIFY_WITH_TIMEOUT(
        (where = core_->selectSubscribe("lab", {"live/cam1", {}, false, 1})).ok(), 20000);
    QCOMPARE(QString::fromStdString(*where->front().nodeRole), QStringLiteral("edge"));
    FfmpegProcess viewer;
    viewer.startViewer(url(where->front()));
    QTRY_VERIFY_WITH_TIMEOUT(viewer.frames() > 30, 30000);
    // The relay carries the stream (it pulled it for the edge) and is never routed to.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const auto& n : nodes("relay"))
                for (const auto& s : n.streams)
                    if (s.guid == "live/cam1")
                        return true;
            return false;
        }(),
        10000);
}

QTEST_GUILESS_MAIN(TestLocalCluster)
#include "tst_localcluster.moc"
