// Stream access, transcoding and HLS with real processes: a ClusterHost runs LOCAL node groups of
// nginx-rtmp nodes whose on_publish / on_play callbacks ask the core, and ffmpeg publishers and
// viewers go through the real routing:
// - "secure" requires stream tokens to publish and to play: without a token, with an expired one,
//   with one for another stream or for the other action, the node refuses (and the core records
//   an Access event saying why); with the token routing hands out, the stream is published and
//   viewed through an edge. One-time tokens start one session only.
// - "rt" checks publishers by round trip against a validate URL served by this test, and serves
//   HLS: the hls URL that subscribe routing returns (an edge proxying its origin) plays in ffprobe.
// - "ladder" has origin, transcoder and edge roles: a 3-rendition provision becomes an ffmpeg
//   ladder on the transcoder, and each rendition reaches a viewer on the edge at its size.
// Ports: LOCAL nodes 24500-24799; the validate server takes any free port.

#include "core/api/clusterhost.h"
#include "core/auth/streamtoken.h"
#include "core/model/nodegroupcodec.h"
#include "core/model/provision.h"
#include "core/routing/routablenode.h"
#include "core/store/statestore.h"
#include "tests/support/ffmpegprocess.h"
#include "tests/support/mediasources.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <chrono>
#include <filesystem>

using namespace sy;
using media::JobKind;
using media::JobState;
using nodestest::FfmpegProcess;

namespace {

const std::string kSecret = "switchyard-test-stream-secret-0123456789abcdef";

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

std::string groupJson(const std::string& name, const std::string& extra, bool transcoder,
                      int origins = 1) {
    const std::string originCount = std::to_string(origins);
    const std::string transcoderRole =
        transcoder ? R"(, "transcoder": {"name": "transcoder", "capabilities": ["TRANSCODE"]})"
                   : "";
    const std::string transcoderRule = transcoder
                                           ? R"(, "transcoder": {"min": 1, "max": 1, "increment": 1,
               "outExpression": "avg(transcoder.renditions) > 1000",
               "inExpression": "avg(transcoder.renditions) < 0",
               "capacityRankingExpression": "cpu.process.load",
               "capacityLimitExpression": "100"})"
                                           : "";
    return R"({"name": ")" + name + R"(", "cloudPlatform": "LOCAL",
  "shuffleSizeExpression": "1")" +
           extra + R"(,
  "roles": {"origin": {"name": "origin", "capabilities": ["PUBLISH"]},
            "edge": {"name": "edge", "capabilities": ["SUBSCRIBE"], "parentRoleName": "origin",
                     "parentCardinality": "GLOBAL"})" +
           transcoderRole + R"(},
  "groups": {"local": {"subGroupName": "local", "rulesByRole": {
    "origin": {"min": )" +
           originCount + R"(, "max": )" + originCount + R"(, "increment": 1,
               "outExpression": "avg(connections.publisher) > 1000",
               "inExpression": "avg(connections.publisher) < 0",
               "capacityRankingExpression": "connections.publisher",
               "capacityLimitExpression": "100"},
    "edge": {"min": 1, "max": 1, "increment": 1,
             "outExpression": "avg(connections.subscriber) > 1000",
             "inExpression": "avg(connections.subscriber) < 0",
             "capacityRankingExpression": "connections.subscriber",
             "capacityLimitExpression": "200"})" +
           transcoderRule + R"(}}}})";
}

// The operator's round-trip endpoint: allows alice/secret, refuses everyone else, and keeps
// what it was asked.
class ValidateServer : public QObject {
public:
    bool listen() {
        connect(&server_, &QTcpServer::newConnection, this, [this] {
            while (auto* socket = server_.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    buffer_[socket] += socket->readAll();
                    answerIfComplete(socket);
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        return server_.listen(QHostAddress::LocalHost, 0);
    }
    std::string url() const {
        return "http://127.0.0.1:" + std::to_string(server_.serverPort()) + "/validate";
    }
    std::vector<nlohmann::json> asked;

private:
    void answerIfComplete(QTcpSocket* socket) {
        const QByteArray& data = buffer_[socket];
        const int end = data.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QByteArray head = data.left(end).toLower();
        const int at = head.indexOf("content-length:");
        const int length =
            at < 0 ? 0 : head.mid(at + 15, head.indexOf('\r', at) - at - 15).trimmed().toInt();
        if (data.size() < end + 4 + length)
            return;
        const auto body =
            nlohmann::json::parse(data.mid(end + 4, length).toStdString(), nullptr, false);
        asked.push_back(body);
        // "secret": the testers' publishers; the other: the provision's restreamer, a value
        // distinct enough to look for on every command line.
        const bool ok = body.is_object() && body.value("username", "") == "alice" &&
                        (body.value("password", "") == "secret" ||
                         body.value("password", "") == "rt-pass-3e9a17");
        const QByteArray answer = ok ? R"({"result": true})" : R"({"result": false})";
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                      QByteArray::number(answer.size()) + "\r\nConnection: close\r\n\r\n" + answer);
        socket->disconnectFromHost();
        buffer_.remove(socket);
    }

    QTcpServer server_;
    QHash<QTcpSocket*, QByteArray> buffer_;
};

} // namespace

class TestStreamAccess : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void publishIsRefusedWithoutAValidToken_data();
    void publishIsRefusedWithoutAValidToken();
    void playIsRefusedWithoutAValidToken_data();
    void playIsRefusedWithoutAValidToken();
    void oneTimeTokenStartsOneSession();
    void roundTripAsksTheValidateUrl();
    void restreamerPublishesWithProvisionCredentials();
    void hlsUrlFromSubscribeRoutingPlays();
    void transcoderLadderServesEveryRendition();
    void mediaJobsCarryNoTokenOnTheCommandLine();

private:
    bool inService(const std::string& group, int count) const;
    std::string describeNodes() const; // for failure messages
    bool live(const std::string& group, const std::string& guid) const;
    // The first Access event after `after` for `guid` whose reason contains `reason`.
    bool refused(const std::string& guid, const std::string& action, const std::string& reason,
                 std::uint64_t after) const;
    std::uint64_t lastSequence() const;
    std::string accessLog(std::uint64_t after) const; // for failure messages
    std::string token(const std::string& group, const std::string& guid, auth::StreamAction a,
                      std::int64_t ageSeconds = 0) const;
    model::StreamLocation publishAt(const std::string& group, const std::string& guid,
                                    bool transcode = false) const;
    std::optional<model::StreamLocation> subscribeAt(const std::string& group,
                                                     const std::string& guid) const;
    // Publishes the clip to "secure" with a valid token and waits until it is live.
    void publishSecure(const std::string& guid);
    static QString bare(const std::string& url) { return q(url.substr(0, url.find('?'))); }

    QTemporaryDir dir_;
    QString clip_;
    ValidateServer validate_;
    std::unique_ptr<api::ClusterHost> host_;
    std::vector<std::unique_ptr<FfmpegProcess>> publishers_;
};

void TestStreamAccess::initTestCase() {
    QVERIFY(dir_.isValid());
    clip_ = dir_.filePath(QStringLiteral("clip.mp4"));
    QVERIFY2(FfmpegProcess::encodeClip(clip_), "could not encode the test clip with ffmpeg");
    QVERIFY(validate_.listen());
    api::ClusterHostOptions o;
    o.dataDir = dir_.filePath(QStringLiteral("data")).toStdString();
    o.localPorts = {24500, 24799};
    o.core.tick = std::chrono::milliseconds(100);
    o.core.pollInterval = std::chrono::milliseconds(200);
    o.core.timeouts.doomed = 100;
    o.core.timeouts.fault = 500;
    o.core.streamSecret = kSecret;
    o.media.tick = std::chrono::milliseconds(100);
    auto host = api::ClusterHost::open(std::move(o));
    QVERIFY2(host, host ? "" : host.error().message.c_str());
    host_ = std::move(host).value();
    QVERIFY2(host_->localUnavailable().empty(), host_->localUnavailable().c_str());
    host_->start();
    const std::vector<std::pair<std::string, std::string>> groups = {
        {"secure",
         groupJson("secure", R"(, "streamAccess": {"publish": "token", "play": "token"})", false)},
        {"rt", groupJson("rt",
                         R"(, "streamAccess": {"publish": "roundtrip", "validateUrl": ")" +
                             validate_.url() + R"("}, "hls": {"enabled": true})",
                         false)},
        {"ladder", groupJson("ladder", "", true, 2)}};
    for (const auto& [name, json] : groups) {
        auto config = model::parseNodeGroup(std::string_view(json));
        QVERIFY2(config, config ? "" : model::describe(config.error()).c_str());
        auto created = host_->core().createNodeGroup(*config).get();
        QVERIFY2(created, created ? "" : created.error().message.c_str());
    }
    QTRY_VERIFY2_WITH_TIMEOUT(inService("secure", 2) && inService("rt", 2) &&
                                  inService("ladder", 4),
                              describeNodes().c_str(), 60000);
}

void TestStreamAccess::cleanupTestCase() {
    publishers_.clear();
    if (!host_)
        return;
    for (const char* g : {"secure", "rt", "ladder"})
        (void)host_->core().store().deleteProvision(g, "live/cam");
    host_->media().nudge();
    for (const char* g : {"secure", "rt", "ladder"})
        if (host_->core().deleteNodeGroup(g).get())
            QTRY_VERIFY_WITH_TIMEOUT(host_->core().snapshot()->group(g) == nullptr, 30000);
    host_.reset();
}

std::string TestStreamAccess::describeNodes() const {
    std::string out;
    const auto snap = host_->core().snapshot();
    for (const auto& [name, g] : snap->groups)
        for (const auto& n : g.nodes)
            out += name + "/" + n.nodeId + " " + std::string(model::toString(n.state)) + " " +
                   n.faultReason + "; ";
    return out;
}

bool TestStreamAccess::inService(const std::string& group, int count) const {
    const auto snap = host_->core().snapshot();
    const auto* g = snap->group(group);
    if (!g)
        return false;
    int n = 0;
    for (const auto& node : g->nodes)
        n += node.state == model::NodeState::InService ? 1 : 0;
    return n == count && static_cast<int>(g->nodes.size()) == count;
}

bool TestStreamAccess::live(const std::string& group, const std::string& guid) const {
    const auto snap = host_->core().snapshot();
    if (const auto* g = snap->group(group))
        for (const auto& n : g->nodes)
            for (const auto& s : n.streams)
                if (s.guid == guid && s.publishing)
                    return true;
    return false;
}

std::string TestStreamAccess::accessLog(std::uint64_t after) const {
    std::string out;
    for (const auto& e : host_->core().eventsSince(after))
        if (e.kind == engine::EventKind::Access)
            out += e.message + "\n";
    return out;
}

std::uint64_t TestStreamAccess::lastSequence() const {
    const auto events = host_->core().eventsSince(0);
    return events.empty() ? 0 : events.back().sequence;
}

bool TestStreamAccess::refused(const std::string& guid, const std::string& action,
                               const std::string& reason, std::uint64_t after) const {
    for (const auto& e : host_->core().eventsSince(after))
        if (e.kind == engine::EventKind::Access && e.details.value("stream", "") == guid &&
            e.details.value("action", "") == action &&
            e.details.value("reason", "").find(reason) != std::string::npos)
            return true;
    return false;
}

std::string TestStreamAccess::token(const std::string& group, const std::string& guid,
                                    auth::StreamAction a, std::int64_t ageSeconds) const {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    auto codec =
        auth::StreamTokenCodec::create(kSecret, [now, ageSeconds] { return now - ageSeconds; });
    return codec ? codec->issue(group, guid, a, 60, "test") : std::string();
}

model::StreamLocation TestStreamAccess::publishAt(const std::string& group, const std::string& guid,
                                                  bool transcode) const {
    routing::PublishRequest req;
    req.streamGuid = guid;
    req.transcode = transcode;
    req.transcodeProvisioned = transcode;
    auto s = host_->core().selectPublish(group, req, "tester");
    return s && !s->empty() ? s->front() : model::StreamLocation{};
}

std::optional<model::StreamLocation> TestStreamAccess::subscribeAt(const std::string& group,
                                                                   const std::string& guid) const {
    routing::SubscribeRequest req;
    req.streamGuid = guid;
    auto s = host_->core().selectSubscribe(group, req, "tester");
    if (!s || s->empty())
        return std::nullopt;
    return s->front();
}

void TestStreamAccess::publishSecure(const std::string& guid) {
    const auto where = publishAt("secure", guid);
    QVERIFY(where.urls.count("token"));
    QVERIFY(where.urls.at("rtmp").ends_with("?token=" + where.urls.at("token")));
    publishers_.push_back(std::make_unique<FfmpegProcess>());
    publishers_.back()->startPublisher(clip_, q(where.urls.at("rtmp")));
    QTRY_VERIFY2_WITH_TIMEOUT(live("secure", guid), accessLog(0).c_str(), 20000);
}

void TestStreamAccess::publishIsRefusedWithoutAValidToken_data() {
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("reason");
    const std::string guid = "live/pub";
    QTest::newRow("no token") << QString() << QStringLiteral("no stream token");
    QTest::newRow("expired") << q("?token=" +
                                  token("secure", guid, auth::StreamAction::Publish, 3600))
                             << QStringLiteral("expired");
    QTest::newRow("another stream")
        << q("?token=" + token("secure", "live/other", auth::StreamAction::Publish))
        << QStringLiteral("live/other");
    QTest::newRow("a play token") << q("?token=" + token("secure", guid, auth::StreamAction::Play))
                                  << QStringLiteral("play");
    QTest::newRow("another group") << q("?token=" + token("rt", guid, auth::StreamAction::Publish))
                                   << QStringLiteral("refused");
    // nginx sends its own name=pub first; a second name= in the arguments changes nothing.
    QTest::newRow("name smuggled in the arguments")
        << q("?token=" + token("secure", "live/other", auth::StreamAction::Publish) + "&name=other")
        << QStringLiteral("live/other");
}

void TestStreamAccess::publishIsRefusedWithoutAValidToken() {
    QFETCH(QString, query);
    QFETCH(QString, reason);
    const std::string guid = "live/pub";
    const auto where = publishAt("secure", guid);
    QVERIFY(!where.serverAddress.empty());
    const auto after = lastSequence();
    FfmpegProcess publisher;
    publisher.startPublisher(clip_, bare(where.urls.at("rtmp")) + query);
    const std::string why = reason.toStdString();
    QTRY_VERIFY2_WITH_TIMEOUT(refused(guid, "publish", why, after), accessLog(after).c_str(),
                              15000);
    QTRY_VERIFY_WITH_TIMEOUT(!publisher.isRunning(), 15000);
    QVERIFY(!live("secure", guid));
}

void TestStreamAccess::playIsRefusedWithoutAValidToken_data() {
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("reason");
    const std::string guid = "live/play";
    QTest::newRow("no token") << QString() << QStringLiteral("no stream token");
    QTest::newRow("expired") << q("?token=" + token("secure", guid, auth::StreamAction::Play, 3600))
                             << QStringLiteral("expired");
    QTest::newRow("another stream")
        << q("?token=" + token("secure", "live/other", auth::StreamAction::Play))
        << QStringLiteral("live/other");
    QTest::newRow("a publish token")
        << q("?token=" + token("secure", guid, auth::StreamAction::Publish))
        << QStringLiteral("publish");
}

void TestStreamAccess::playIsRefusedWithoutAValidToken() {
    QFETCH(QString, query);
    QFETCH(QString, reason);
    const std::string guid = "live/play";
    if (!live("secure", guid))
        publishSecure(guid);
    std::optional<model::StreamLocation> edge;
    QTRY_VERIFY_WITH_TIMEOUT((edge = subscribeAt("secure", guid)).has_value(), 10000);
    QVERIFY(edge->urls.count("token"));
    // The token routing handed out plays (the edge pulls from the origin with its relay
    // credential).
    QString error;
    QVERIFY2(mediatest::receivesFrames(q(edge->urls.at("rtmp")), 25, 20000, &error),
             qPrintable(error + q(accessLog(0))));
    const auto after = lastSequence();
    FfmpegProcess viewer;
    viewer.startViewer(bare(edge->urls.at("rtmp")) + query);
    const std::string why = reason.toStdString();
    QTRY_VERIFY_WITH_TIMEOUT(refused(guid, "play", why, after), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(!viewer.isRunning(), 15000);
    QCOMPARE(viewer.frames(), 0);
}

void TestStreamAccess::oneTimeTokenStartsOneSession() {
    const std::string guid = "live/once";
    publishSecure(guid);
    auto config = host_->core().snapshot()->group("secure")->config;
    config.streamAccess->oneTime = true;
    auto updated = host_->core().updateNodeGroup(config).get();
    QVERIFY2(updated, updated ? "" : updated.error().message.c_str());
    std::optional<model::StreamLocation> edge;
    QTRY_VERIFY_WITH_TIMEOUT((edge = subscribeAt("secure", guid)).has_value(), 10000);
    const QString url = q(edge->urls.at("rtmp"));
    QString error;
    QVERIFY2(mediatest::receivesFrames(url, 10, 20000, &error), qPrintable(error));
    const auto after = lastSequence();
    FfmpegProcess again;
    again.startViewer(url);
    QTRY_VERIFY_WITH_TIMEOUT(refused(guid, "play", "already used", after), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(!again.isRunning(), 15000);
    config.streamAccess->oneTime = false;
    QVERIFY(host_->core().updateNodeGroup(config).get());
}

void TestStreamAccess::roundTripAsksTheValidateUrl() {
    const std::string guid = "live/rt";
    const auto where = publishAt("rt", guid);
    QVERIFY(!where.urls.count("token")); // round trip: the client brings its own credentials
    const auto after = lastSequence();
    FfmpegProcess wrong;
    wrong.startPublisher(clip_, q(where.urls.at("rtmp")) +
                                    QStringLiteral("?username=alice&password=guess"));
    QTRY_VERIFY_WITH_TIMEOUT(refused(guid, "publish", "validate URL refused", after), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(!wrong.isRunning(), 15000);
    QVERIFY(!live("rt", guid));
    publishers_.push_back(std::make_unique<FfmpegProcess>());
    publishers_.back()->startPublisher(
        clip_, q(where.urls.at("rtmp")) + QStringLiteral("?username=alice&password=secret"));
    QTRY_VERIFY_WITH_TIMEOUT(live("rt", guid), 20000);
    QVERIFY(!validate_.asked.empty());
    const auto& last = validate_.asked.back();
    QCOMPARE(q(last.value("type", "")), QStringLiteral("publisher"));
    QCOMPARE(q(last.value("streamID", "")), QStringLiteral("rt"));
    QCOMPARE(q(last.value("username", "")), QStringLiteral("alice"));
}

// Round trip (reference §3.4 `credentials`): a restreamer of the core publishes into a round-trip
// group with its provision's credentials, which the validate URL sees.
void TestStreamAccess::restreamerPublishesWithProvisionCredentials() {
    const QString files = dir_.filePath(QStringLiteral("data/media-files"));
    QFile::remove(files + QStringLiteral("/clip.mp4"));
    QVERIFY(QFile::copy(clip_, files + QStringLiteral("/clip.mp4")));
    const std::string provision = R"({"provisionGuid": "live/restream",
        "credentials": {"username": "alice", "password": "rt-pass-3e9a17"},
        "streams": [{"streamGuid": "live/restream", "abrLevel": 0,
                     "camParams": {"properties": {"type": "file", "files": "clip.mp4",
                                                  "loop": "true"}}}]})";
    auto parsed = model::parseProvisions(nlohmann::json::parse(provision));
    QVERIFY(parsed);
    const auto& p = parsed->front();
    const auto problems = host_->media().check(p);
    QVERIFY2(problems.empty(), model::describe(problems).c_str());
    const auto asked = validate_.asked.size();
    QVERIFY(host_->core().store().createProvision(
        "rt", "live/restream", host_->media().sealSecrets(model::encodeProvision(p))));
    host_->media().nudge();
    const auto jobState = [this] {
        std::string out;
        for (const auto& j : host_->media().jobs("rt"))
            out += j.id + " " + std::string(media::toString(j.state)) + " " + j.lastError + " " +
                   j.waitingFor + "\n";
        return out;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(live("rt", "live/restream"), (jobState() + accessLog(0)).c_str(),
                              30000);
    QVERIFY(validate_.asked.size() > asked);
    const auto& last = validate_.asked.back();
    QCOMPARE(q(last.value("username", "")), QStringLiteral("alice"));
    QCOMPARE(q(last.value("streamID", "")), QStringLiteral("restream"));
    QCOMPARE(q(last.value("type", "")), QStringLiteral("publisher"));
    // Its password reaches ffmpeg through a pipe: no command line on the machine shows it.
    const auto lines = mediatest::commandLines();
    for (const auto& [pid, line] : lines)
        QVERIFY2(line.find("rt-pass-3e9a17") == std::string::npos,
                 (std::to_string(pid) + ": " + line).c_str());
    for (const auto& j : host_->media().jobs("rt"))
        if (j.provisionGuid == "live/restream") {
            QVERIFY(lines.count(j.pid));
            QVERIFY2(lines.at(j.pid).find("password=") == std::string::npos,
                     lines.at(j.pid).c_str());
        }
    QVERIFY(host_->core().store().deleteProvision("rt", "live/restream"));
    host_->media().nudge();
    QTRY_VERIFY_WITH_TIMEOUT(!live("rt", "live/restream"), 20000);
}

void TestStreamAccess::hlsUrlFromSubscribeRoutingPlays() {
    const std::string guid = "live/hls";
    const auto where = publishAt("rt", guid);
    QVERIFY(where.urls.count("hls")); // the origin segments what is published to it
    publishers_.push_back(std::make_unique<FfmpegProcess>());
    publishers_.back()->startPublisher(
        clip_, q(where.urls.at("rtmp")) + QStringLiteral("?username=alice&password=secret"));
    QTRY_VERIFY_WITH_TIMEOUT(live("rt", guid), 20000);
    std::optional<model::StreamLocation> edge;
    QTRY_VERIFY_WITH_TIMEOUT((edge = subscribeAt("rt", guid)).has_value(), 10000);
    QVERIFY(edge->urls.count("hls"));
    QCOMPARE(q(*edge->nodeRole), QStringLiteral("edge"));
    const QString url = q(edge->urls.at("hls"));
    QVERIFY2(url.endsWith(QStringLiteral("/hls/live/hls.m3u8")), qPrintable(url));
    // The first segments take a few seconds to be written: probe until the playlist plays.
    mediatest::ProbeResult p;
    QDeadlineTimer deadline(40000);
    while (!deadline.hasExpired()) {
        p = mediatest::probe(url, 10000);
        if (p.ok && p.width > 0)
            break;
        QTest::qWait(500);
    }
    QVERIFY2(p.ok, qPrintable(p.error));
    QCOMPARE(p.width, 640);
    QCOMPARE(p.height, 360);
}

void TestStreamAccess::transcoderLadderServesEveryRendition() {
    const std::string provision = R"({"provisionGuid": "live/cam", "streams": [
        {"streamGuid": "live/cam_1", "abrLevel": 1,
         "videoParams": {"videoWidth": 640, "videoHeight": 360, "videoBitRate": 800000,
                         "videoEncComplexity": 0}},
        {"streamGuid": "live/cam_2", "abrLevel": 2,
         "videoParams": {"videoWidth": 428, "videoHeight": 240, "videoBitRate": 400000,
                         "videoEncComplexity": 0}},
        {"streamGuid": "live/cam_3", "abrLevel": 3,
         "videoParams": {"videoWidth": 256, "videoHeight": 144, "videoBitRate": 200000,
                         "videoEncComplexity": 0}}]})";
    auto parsed = model::parseProvisions(nlohmann::json::parse(provision));
    QVERIFY(parsed);
    const auto& p = parsed->front();
    const auto problems = host_->media().check(p);
    QVERIFY2(problems.empty(), model::describe(problems).c_str());
    QVERIFY(host_->core().store().createProvision("ladder", "live/cam", model::encodeProvision(p)));
    host_->media().nudge();

    routing::PublishRequest req;
    req.streamGuid = "live/cam_1";
    req.transcode = true;
    req.transcodeProvisioned = true;
    auto where = host_->core().selectPublish("ladder", req, "tester");
    QVERIFY2(where, where ? "" : where.error().message.c_str());
    QCOMPARE(where->size(), std::size_t(2));
    QCOMPARE(q(*(*where)[0].nodeRole), QStringLiteral("transcoder"));
    QCOMPARE(q(*(*where)[1].nodeRole), QStringLiteral("origin"));
    // What the API's publish route does with such an answer: the renditions go to [1].
    host_->media().placeTranscode("ladder", "live/cam_1", (*where)[1].urls.at("rtmp"));
    publishers_.push_back(std::make_unique<FfmpegProcess>());
    publishers_.back()->startPublisher(clip_, q((*where)[0].urls.at("rtmp")));

    const auto ladder = [this]() -> std::optional<media::JobView> {
        for (const auto& j : host_->media().jobs("ladder"))
            if (j.kind == JobKind::Transcode && j.state == JobState::Live)
                return j;
        return std::nullopt;
    };
    QTRY_VERIFY_WITH_TIMEOUT(ladder().has_value(), 40000);
    // Two origins: the ladder publishes into the one the answer named.
    const auto pinned = host_->core().snapshot();
    std::string named;
    for (const auto& n : pinned->group("ladder")->nodes)
        if ((*where)[1].urls.at("rtmp").starts_with(
                routing::rtmpUrl(n.endpoint.address, n.endpoint.rtmpPort, "")))
            named = n.nodeId;
    QCOMPARE(q(ladder()->originNodeId), q(named));

    const std::vector<std::pair<int, int>> sizes = {{640, 360}, {428, 240}, {256, 144}};
    for (std::size_t k = 0; k < sizes.size(); ++k) {
        const std::string guid = "live/cam_" + std::to_string(k + 1);
        std::optional<model::StreamLocation> edge;
        QTRY_VERIFY_WITH_TIMEOUT((edge = subscribeAt("ladder", guid)).has_value(), 20000);
        QCOMPARE(q(*edge->nodeRole), QStringLiteral("edge"));
        const auto probed = mediatest::probe(q(edge->urls.at("rtmp")), 20000);
        QVERIFY2(probed.ok, qPrintable(q(guid) + QStringLiteral(": ") + probed.error));
        QCOMPARE(probed.width, sizes[k].first);
        QCOMPARE(probed.height, sizes[k].second);
    }

    // The ladder is the transcoder's load, in the metrics that scaling rules read.
    const auto transcoderMetrics = [this](const char* metric) {
        const auto snap = host_->core().snapshot();
        for (const auto& n : snap->group("ladder")->nodes)
            if (n.role == "transcoder")
                if (const auto it = n.metrics.find(metric); it != n.metrics.end())
                    return it->second;
        return -1.0;
    };
    QTRY_COMPARE_WITH_TIMEOUT(transcoderMetrics("transcoder.renditions"), 3.0, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(transcoderMetrics("cpu.process.load") > 0.05, 10000);
}

// The core's stream tokens (issue 14): a recording in a group that checks viewers reads the
// stream with a token of the core, which is on no command line (the tester's own publisher
// carries its routing token; the job's ffmpeg carries none).
void TestStreamAccess::mediaJobsCarryNoTokenOnTheCommandLine() {
    publishSecure("live/taped");
    const std::string provision = R"({"provisionGuid": "live/taped", "streams": [
        {"streamGuid": "live/taped", "cloudParams": {"fileStorageName": "taped"}}]})";
    auto parsed = model::parseProvisions(nlohmann::json::parse(provision));
    QVERIFY(parsed);
    QVERIFY(host_->core().store().createProvision(
        "secure", "live/taped",
        host_->media().sealSecrets(model::encodeProvision(parsed->front()))));
    host_->media().nudge();
    const auto recording = [this]() -> std::optional<media::JobView> {
        for (const auto& j : host_->media().jobs("secure"))
            if (j.kind == JobKind::Record && j.state == JobState::Live && j.pid > 0)
                return j;
        return std::nullopt;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(recording().has_value(), accessLog(0).c_str(), 30000);
    const auto lines = mediatest::commandLines();
    const auto job = *recording();
    QVERIFY(lines.count(job.pid));
    const auto& line = lines.at(job.pid);
    QVERIFY2(line.find("token=") == std::string::npos, line.c_str());
    QVERIFY2(line.find("pipe:3") != std::string::npos, line.c_str());
    QVERIFY(host_->core().store().deleteProvision("secure", "live/taped"));
    host_->media().nudge();
    QTRY_VERIFY_WITH_TIMEOUT(!recording().has_value(), 20000);
}

QTEST_GUILESS_MAIN(TestStreamAccess)
#include "tst_streamaccess.moc"
