// The media layer with real processes: a ClusterHost runs a LOCAL node group (two nginx-rtmp
// origins and an edge) and its MediaManager runs ffmpeg jobs for provisions:
// - an RTSP camera (GStreamer's RTSP server) and an SRT caller (srt-live-transmit) restreamed into
//   an origin, and received by a viewer on the edge that subscribe routing names;
// - a persistent restreamer whose origin is SIGKILLed: restarted on the other origin within 5 s,
//   and viewers subscribe again;
// - a social pusher forwarding to a second nginx-rtmp (the "platform") that restarts; the stream
//   key is never shown, logged or stored in the clear;
// - sources that fail (unreachable, wrong credentials) end in FAULT with the reason.
// Ports: LOCAL nodes 24000-24299, fixtures 24300-24399.

#include "core/api/clusterhost.h"
#include "core/media/childprocess.h"
#include "core/media/storagetarget.h"
#include "core/model/nodegroupcodec.h"
#include "core/model/provision.h"
#include "core/providers/localprovider.h"
#include "core/store/mediastore.h"
#include "core/store/statestore.h"
#include "tests/support/ffmpegprocess.h"
#include "tests/support/mediasources.h"
#include "tests/support/s3server.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <csignal>
#include <filesystem>

using namespace sy;
using media::JobKind;
using media::JobState;
using nodestest::FfmpegProcess;

namespace {

constexpr const char* kGroup = "media";

constexpr std::string_view kGroupJson = R"({"name": "media", "cloudPlatform": "LOCAL",
  "shuffleSizeExpression": "1",
  "roles": {"origin": {"name": "origin", "capabilities": ["PUBLISH"]},
            "edge": {"name": "edge", "capabilities": ["SUBSCRIBE"], "parentRoleName": "origin",
                     "parentCardinality": "GLOBAL"}},
  "groups": {"local": {"subGroupName": "local", "rulesByRole": {
    "origin": {"min": 2, "max": 2, "increment": 1,
               "outExpression": "avg(connections.publisher) > 1000",
               "inExpression": "avg(connections.publisher) < 0",
               "capacityRankingExpression": "connections.publisher",
               "capacityLimitExpression": "100"},
    "edge": {"min": 1, "max": 1, "increment": 1,
             "outExpression": "avg(connections.subscriber) > 1000",
             "inExpression": "avg(connections.subscriber) < 0",
             "capacityRankingExpression": "connections.subscriber",
             "capacityLimitExpression": "200"}}}}})";

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

} // namespace

class TestMediaJobs : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();
    void rtspCameraIsRestreamedToViewers();
    void srtCallerIsRestreamedToViewers();
    void persistentRestreamerMovesWhenItsOriginDies();
    void socialPusherSurvivesDestinationRestart();
    void unreachableSourceEndsInFaultWithTheReason();
    void wrongCameraCredentialsEndInFault();
    void recordingIsUploadedToFolderAndS3();
    void interruptedUploadsAreFinishedOnceAfterRestart();
    void nodeGroupDefaultRecordsEveryStreamAndRetentionPrunes();
    void retentionLeavesFilesSwitchyardNeverWrote();
    void noSecretOnAnyCommandLine();

private:
    void putTargets(const QString& s3Endpoint);
    void provision(const std::string& json);
    std::optional<media::JobView> job(const std::string& provisionGuid, JobKind kind) const;
    bool inState(const std::string& provisionGuid, JobKind kind, JobState state) const;
    bool inService(int count) const;
    QString subscribeUrl(const std::string& guid) const;
    QString publishUrl(const std::string& guid) const;
    std::string originOf(const std::string& guid) const;

    QTemporaryDir dir_;
    QString clip_;
    std::unique_ptr<api::ClusterHost> host_;
    std::vector<std::string> provisions_;
};

void TestMediaJobs::initTestCase() {
    QVERIFY(dir_.isValid());
    clip_ = dir_.filePath(QStringLiteral("clip.mp4"));
    QVERIFY2(FfmpegProcess::encodeClip(clip_), "could not encode the test clip with ffmpeg");
    api::ClusterHostOptions o;
    o.dataDir = dir_.filePath(QStringLiteral("data")).toStdString();
    o.localPorts = {24000, 24299};
    o.core.tick = std::chrono::milliseconds(100);
    o.core.pollInterval = std::chrono::milliseconds(200);
    o.core.timeouts.doomed = 100;
    o.core.timeouts.fault = 500;
    o.media.tick = std::chrono::milliseconds(100);
    auto host = api::ClusterHost::open(std::move(o));
    QVERIFY2(host, host ? "" : host.error().message.c_str());
    host_ = std::move(host).value();
    QVERIFY2(host_->localUnavailable().empty(), host_->localUnavailable().c_str());
    host_->start();
    auto config = model::parseNodeGroup(kGroupJson);
    QVERIFY(config);
    auto created = host_->core().createNodeGroup(*config).get();
    QVERIFY2(created, created ? "" : created.error().message.c_str());
    QTRY_VERIFY_WITH_TIMEOUT(inService(3), 30000);
}

void TestMediaJobs::cleanupTestCase() {
    if (!host_)
        return;
    if (host_->core().deleteNodeGroup(kGroup).get())
        QTRY_VERIFY_WITH_TIMEOUT(host_->core().snapshot()->group(kGroup) == nullptr, 30000);
    host_.reset();
}

void TestMediaJobs::cleanup() {
    for (const auto& guid : provisions_)
        (void)host_->core().store().deleteProvision(kGroup, guid);
    provisions_.clear();
    host_->media().nudge();
    auto none = [this] {
        return host_->media().jobs(kGroup).empty();
    };
    QTRY_VERIFY_WITH_TIMEOUT(none(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(inService(3), 30000); // a killed origin is replaced
}

// As the API stores it: checked against the policy, secrets sealed.
void TestMediaJobs::provision(const std::string& json) {
    auto parsed = model::parseProvisions(nlohmann::json::parse(json));
    QVERIFY(parsed);
    for (const auto& p : *parsed) {
        const auto problems = host_->media().check(p);
        QVERIFY2(problems.empty(), model::describe(problems).c_str());
        auto stored = host_->core().store().createProvision(
            kGroup, *p.provisionGuid, host_->media().sealSecrets(model::encodeProvision(p)));
        QVERIFY2(stored, stored ? "" : stored.error().message.c_str());
        provisions_.push_back(*p.provisionGuid);
    }
    host_->media().nudge();
}

std::optional<media::JobView> TestMediaJobs::job(const std::string& provisionGuid,
                                                 JobKind kind) const {
    for (auto& j : host_->media().jobs(kGroup))
        if (j.provisionGuid == provisionGuid && j.kind == kind)
            return j;
    return std::nullopt;
}

bool TestMediaJobs::inState(const std::string& provisionGuid, JobKind kind, JobState state) const {
    const auto j = job(provisionGuid, kind);
    return j && j->state == state;
}

bool TestMediaJobs::inService(int count) const {
    const auto snap = host_->core().snapshot();
    const auto* g = snap->group(kGroup);
    if (!g)
        return false;
    int n = 0;
    for (const auto& node : g->nodes)
        n += node.state == model::NodeState::InService ? 1 : 0;
    return n == count && static_cast<int>(g->nodes.size()) == count;
}

QString TestMediaJobs::subscribeUrl(const std::string& guid) const {
    routing::SubscribeRequest req;
    req.streamGuid = guid;
    auto s = host_->core().selectSubscribe(kGroup, req);
    return s && !s->empty() ? q(s->front().urls.at("rtmp")) : QString();
}

QString TestMediaJobs::publishUrl(const std::string& guid) const {
    routing::PublishRequest req;
    req.streamGuid = guid;
    auto s = host_->core().selectPublish(kGroup, req);
    return s && !s->empty() ? q(s->front().urls.at("rtmp")) : QString();
}

// The node where `guid` is published, from the nodes' own /stat.
std::string TestMediaJobs::originOf(const std::string& guid) const {
    const auto snap = host_->core().snapshot();
    if (const auto* g = snap->group(kGroup))
        for (const auto& n : g->nodes)
            for (const auto& s : n.streams)
                if (s.guid == guid && s.publishing)
                    return n.nodeId;
    return {};
}

void TestMediaJobs::rtspCameraIsRestreamedToViewers() {
    mediatest::RtspSource camera(24300);
    QVERIFY2(camera.start(), qPrintable(camera.error()));
    provision(R"([{"provisionGuid": "cam1", "streams": [{"streamGuid": "live/cam1", "abrLevel": 0,
        "camParams": {"properties": {"action": "create", "type": "rtsp", "rtspUri": ")" +
              camera.url().toStdString() + R"("}}}]}])");
    QTRY_VERIFY_WITH_TIMEOUT(inState("cam1", JobKind::Pull, JobState::Live), 30000);
    const auto j = *job("cam1", JobKind::Pull);
    QCOMPARE(q(j.remote), camera.url());
    // The origin carries it (its own /stat) and counts the restreamer for scaling.
    auto published = [this] {
        return !originOf("live/cam1").empty();
    };
    QTRY_VERIFY_WITH_TIMEOUT(published(), 10000);
    QCOMPARE(q(originOf("live/cam1")), q(j.nodeId));
    auto counted = [this, &j] {
        const auto snap = host_->core().snapshot();
        for (const auto& n : snap->group(kGroup)->nodes)
            if (n.nodeId == j.nodeId)
                return n.metrics.count("connections.restreamer") &&
                       n.metrics.at("connections.restreamer") == 1.0;
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(counted(), 10000);
    // A viewer on the edge that subscribe routing names receives the camera at its size.
    auto routed = [this] {
        return !subscribeUrl("live/cam1").isEmpty();
    };
    QTRY_VERIFY_WITH_TIMEOUT(routed(), 10000);
    const QString url = subscribeUrl("live/cam1");
    QString error;
    QVERIFY2(mediatest::receivesFrames(url, 25, 30000, &error), qPrintable(error));
    const auto probed = mediatest::probe(url);
    QVERIFY2(probed.ok, qPrintable(probed.error));
    QCOMPARE(probed.width, 640);
    QCOMPARE(probed.height, 360);
}

void TestMediaJobs::srtCallerIsRestreamedToViewers() {
    provision(R"([{"provisionGuid": "srt1", "streams": [{"streamGuid": "live/srt1", "abrLevel": 0,
        "camParams": {"properties": {"type": "srt", "ip": "127.0.0.1", "port": "24310",
                                     "latency": "120", "persist": "true"}}}]}])");
    QTRY_VERIFY_WITH_TIMEOUT(inState("srt1", JobKind::Pull, JobState::Starting), 10000);
    QVERIFY(job("srt1", JobKind::Pull)->waitingFor.find("caller") != std::string::npos);
    mediatest::SrtCallerSource source(24310);
    QVERIFY2(source.start(), qPrintable(source.error()));
    QVERIFY2(source.waitConnected(20000), qPrintable(source.error()));
    QTRY_VERIFY_WITH_TIMEOUT(inState("srt1", JobKind::Pull, JobState::Live), 20000);
    auto routed = [this] {
        return !subscribeUrl("live/srt1").isEmpty();
    };
    QTRY_VERIFY_WITH_TIMEOUT(routed(), 10000); // once the origin's /stat shows it
    const QString url = subscribeUrl("live/srt1");
    QString error;
    QVERIFY2(mediatest::receivesFrames(url, 25, 30000, &error), qPrintable(error));
}

void TestMediaJobs::persistentRestreamerMovesWhenItsOriginDies() {
    mediatest::RtspSource camera(24301);
    QVERIFY2(camera.start(), qPrintable(camera.error()));
    provision(R"([{"provisionGuid": "cam2", "streams": [{"streamGuid": "live/cam2", "abrLevel": 0,
        "camParams": {"properties": {"type": "rtsp", "persist": "true", "rtspUri": ")" +
              camera.url().toStdString() + R"("}}}]}])");
    QTRY_VERIFY_WITH_TIMEOUT(inState("cam2", JobKind::Pull, JobState::Live), 30000);
    const std::string first = job("cam2", JobKind::Pull)->nodeId;
    auto local =
        std::dynamic_pointer_cast<providers::LocalProvider>(host_->providers().at("LOCAL"));
    const pid_t pid = local->pidOf(first);
    QVERIFY(pid > 0);
    QElapsedTimer sinceKill;
    sinceKill.start();
    QCOMPARE(::kill(pid, SIGKILL), 0);
    // Restarted on another origin within 5 seconds...
    auto moved = [this, &first] {
        const auto j = job("cam2", JobKind::Pull);
        return j && j->pid > 0 && !j->nodeId.empty() && j->nodeId != first;
    };
    QTRY_VERIFY_WITH_TIMEOUT(moved(), 5000);
    qInfo("restreamer restarted on %s %lld ms after its origin %s was killed",
          job("cam2", JobKind::Pull)->nodeId.c_str(), static_cast<long long>(sinceKill.elapsed()),
          first.c_str());
    // ...is live there, and viewers that ask routing again receive it.
    QTRY_VERIFY_WITH_TIMEOUT(inState("cam2", JobKind::Pull, JobState::Live), 20000);
    qInfo("live again after %lld ms", static_cast<long long>(sinceKill.elapsed()));
    const auto j = *job("cam2", JobKind::Pull);
    QVERIFY(j.restarts >= 1);
    QVERIFY(j.lastError.empty() || j.lastError.find(first) != std::string::npos);
    // Viewers whose node went away ask routing again, as players do, until one plays.
    int attempts = 0;
    QString error;
    bool played = false;
    for (QDeadlineTimer deadline(60000); !played && !deadline.hasExpired();) {
        ++attempts;
        const QString url = subscribeUrl("live/cam2");
        played = !url.isEmpty() && mediatest::receivesFrames(url, 25, 8000, &error);
        if (!played)
            QTest::qWait(100); // the next poll of routing
    }
    QVERIFY2(played, qPrintable(error));
    qInfo("a viewer received 25 frames %lld ms after the kill (%d routing attempts)",
          static_cast<long long>(sinceKill.elapsed()), attempts);
}

void TestMediaJobs::socialPusherSurvivesDestinationRestart() {
    const QString platformDir = dir_.filePath(QStringLiteral("platform"));
    mediatest::RtmpPlatform platform(24320, 24321, platformDir);
    QVERIFY2(platform.start(), qPrintable(platform.error()));
    const std::string key = "sk-live-7f3a9c2e51";
    FfmpegProcess publisher;
    const QString url = publishUrl("live/show");
    QVERIFY(!url.isEmpty());
    publisher.startPublisher(clip_, url);
    auto published = [this] {
        return !originOf("live/show").empty();
    };
    QTRY_VERIFY_WITH_TIMEOUT(published(), 20000);

    provision(R"([{"provisionGuid": "show", "streams": [{"streamGuid": "live/show",
        "destUri": ")" +
              platform.url(q(key)).toStdString() + R"("}]}])");
    QTRY_VERIFY_WITH_TIMEOUT(inState("show", JobKind::Social, JobState::Live), 20000);
    QVERIFY(platform.waitPublishing(q(key), 20000));
    auto j = *job("show", JobKind::Social);
    // The key is a secret: masked in views, sealed in the store.
    QVERIFY(j.remote.find(key) == std::string::npos);
    QVERIFY(j.remote.find("live2/") != std::string::npos);
    auto stored = host_->core().store().getProvision(kGroup, "show");
    QVERIFY(stored);
    QVERIFY(stored->doc.dump().find(key) == std::string::npos);
    QVERIFY(media::MediaManager::maskSecrets(stored->doc).dump().find(key) == std::string::npos);

    // The platform restarts: the pusher reconnects by itself.
    QVERIFY2(platform.restart(), qPrintable(platform.error()));
    auto reconnected = [this] {
        const auto v = job("show", JobKind::Social);
        return v && v->state == JobState::Live && v->reconnects >= 1;
    };
    QTRY_VERIFY_WITH_TIMEOUT(reconnected(), 30000);
    QVERIFY(platform.waitPublishing(q(key), 20000));
    auto measured = [this] {
        const auto v = job("show", JobKind::Social);
        return v && v->bitrateKbps > 0 && v->uptimeMs > 0 && v->bytes > 0;
    };
    QTRY_VERIFY_WITH_TIMEOUT(measured(), 10000);
    // Never logged: no event of the core carries the key.
    for (const auto& e : host_->core().eventsSince(0))
        QVERIFY2(e.message.find(key) == std::string::npos &&
                     e.details.dump().find(key) == std::string::npos,
                 e.message.c_str());
    publisher.stop();
}

void TestMediaJobs::unreachableSourceEndsInFaultWithTheReason() {
    // Nothing listens on 24399: refused at once; two attempts, then FAULT.
    provision(R"([{"provisionGuid": "gone", "streams": [{"streamGuid": "live/gone", "abrLevel": 0,
        "camParams": {"properties": {"type": "rtsp", "rtspUri": "rtsp://127.0.0.1:24399/none",
                                     "attempts": "1", "delayS": "0.2"}}}]}])");
    QTRY_VERIFY_WITH_TIMEOUT(inState("gone", JobKind::Pull, JobState::Fault), 30000);
    const auto j = *job("gone", JobKind::Pull);
    QVERIFY2(j.lastError.find("refused") != std::string::npos, j.lastError.c_str());
    QCOMPARE(j.failures, 2);
    // The fault is an event with the reason, for the console's log.
    bool seen = false;
    for (const auto& e : host_->core().eventsSince(0))
        seen |= e.kind == engine::EventKind::Media && e.details.value("state", "") == "FAULT" &&
                e.details.value("job", "") == j.id;
    QVERIFY(seen);
}

void TestMediaJobs::wrongCameraCredentialsEndInFault() {
    mediatest::RtspOptions options;
    options.user = QStringLiteral("operator");
    options.password = QStringLiteral("right-password");
    mediatest::RtspSource camera(24302, options);
    QVERIFY2(camera.start(), qPrintable(camera.error()));
    const std::string url =
        camera.urlWithCredentials(QStringLiteral("operator"), QStringLiteral("wrong-password"))
            .toStdString();
    provision(R"([{"provisionGuid": "locked", "streams": [{"streamGuid": "live/locked",
        "abrLevel": 0, "camParams": {"properties": {"type": "rtsp", "attempts": "0",
        "rtspUri": ")" +
              url + R"("}}}]}])");
    QTRY_VERIFY_WITH_TIMEOUT(inState("locked", JobKind::Pull, JobState::Fault), 30000);
    const auto j = *job("locked", JobKind::Pull);
    QVERIFY2(j.lastError.find("401") != std::string::npos ||
                 j.lastError.find("nauthorized") != std::string::npos,
             j.lastError.c_str());
    // The password is neither shown nor in the error.
    QVERIFY(j.remote.find("wrong-password") == std::string::npos);
    QVERIFY(j.lastError.find("wrong-password") == std::string::npos);
}

void TestMediaJobs::putTargets(const QString& s3Endpoint) {
    const auto folder = nlohmann::json{
        {"name", "archive-folder"},
        {"kind", "folder"},
        {"settings", {{"path", dir_.filePath(QStringLiteral("archive")).toStdString()}}}};
    QDir().mkpath(dir_.filePath(QStringLiteral("archive")));
    auto put = host_->media().putTarget(folder);
    QVERIFY2(put, put ? "" : put.error().message.c_str());
    if (s3Endpoint.isEmpty())
        return;
    const auto s3 = nlohmann::json{{"name", "archive-s3"},
                                   {"kind", "s3"},
                                   {"settings",
                                    {{"bucket", "recordings"},
                                     {"endpoint", s3Endpoint.toStdString()},
                                     {"region", "us-east-1"},
                                     {"accessKeyId", sy::test::S3Server::accessKeyId},
                                     {"secretAccessKey", sy::test::S3Server::secretAccessKey}}}};
    put = host_->media().putTarget(s3);
    QVERIFY2(put, put ? "" : put.error().message.c_str());
    // Secrets are write-only: the view masks them.
    auto view = host_->media().target("archive-s3");
    QVERIFY(view);
    QVERIFY(view->dump().find(sy::test::S3Server::secretAccessKey) == std::string::npos);
}

void TestMediaJobs::recordingIsUploadedToFolderAndS3() {
    sy::test::S3Server s3(QStringLiteral(SWITCHYARD_S3RVER_SCRIPT),
                          QStringLiteral(SWITCHYARD_S3RVER_INSTALL_DIR),
                          dir_.filePath(QStringLiteral("s3data")), {QStringLiteral("recordings")});
    QString error;
    QVERIFY2(s3.start(&error), qPrintable(error));
    putTargets(s3.endpoint());
    for (const char* name : {"archive-folder", "archive-s3"}) {
        auto tested = host_->media().testTarget(std::string(name));
        QVERIFY2(tested, tested ? name : tested.error().message.c_str());
    }

    FfmpegProcess publisher;
    const QString url = publishUrl("live/rec");
    QVERIFY(!url.isEmpty());
    publisher.startPublisher(clip_, url);
    provision(R"([{"provisionGuid": "rec", "streams": [
        {"streamGuid": "live/rec", "cloudParams": {"bucketName": "archive-folder"}},
        {"streamGuid": "live/rec", "cloudParams": {"bucketName": "archive-s3",
                                                   "fileStorageName": "shows/rec"}}]}])");
    auto recording = [this](std::int64_t ms) {
        int n = 0;
        for (const auto& j : host_->media().jobs(kGroup))
            n += j.kind == JobKind::Record && j.state == JobState::Live && j.uptimeMs >= ms;
        return n == 2;
    };
    QTRY_VERIFY_WITH_TIMEOUT(recording(3000), 30000);
    publisher.stop(); // the stream ends: both recordings are finalised and uploaded

    auto uploaded = [this] {
        auto list = host_->media().recordings(kGroup, "live/rec");
        if (!list || list->size() != 2)
            return false;
        for (const auto& r : *list)
            if (r.state != store::RecordingState::Uploaded || !r.localDeleted)
                return false;
        return true;
    };
    auto describe = [this] {
        std::string out;
        if (auto list = host_->media().recordings(kGroup, "live/rec"))
            for (const auto& r : *list)
                out += media::toJson(r).dump() + "\n";
        return out;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(uploaded(), describe().c_str(), 60000);
    const auto list = *host_->media().recordings(kGroup, "live/rec");
    for (const auto& r : list) {
        QVERIFY2(r.durationMs >= 2000, std::to_string(r.durationMs).c_str());
        QVERIFY(r.sizeBytes > 0);
        QVERIFY(!QFile::exists(q(r.localPath))); // deleted only after the verified upload
        if (r.target == "archive-s3")
            QVERIFY2(r.remoteKey.starts_with("shows/rec/"), r.remoteKey.c_str());
        auto playback = host_->media().playbackUrl(r.id);
        QVERIFY2(playback, playback ? "" : playback.error().message.c_str());
        QVERIFY(playback->starts_with(r.target == "archive-s3" ? "http://" : "file://"));
        const auto probed = mediatest::probe(q(*playback));
        QVERIFY2(probed.ok, qPrintable(probed.error));
        QCOMPARE(probed.width, 640);
        QVERIFY2(probed.durationS >= 2.0, std::to_string(probed.durationS).c_str());
    }
    // Delete: the stored object goes with the row.
    const auto s3Recording = list[0].target == "archive-s3" ? list[0] : list[1];
    auto deleted = host_->media().deleteRecording(s3Recording.id);
    QVERIFY2(deleted, deleted ? "" : deleted.error().message.c_str());
    QCOMPARE(host_->media().recordings(kGroup, "live/rec")->size(), std::size_t{1});
    auto probedAfter = host_->media().playbackUrl(s3Recording.id);
    QVERIFY(!probedAfter);
    QCOMPARE(q(probedAfter.error().code), QStringLiteral("not_found"));
}

// The core died while one recording was still being captured and another was half uploaded.
// A restarted media layer finalises the first, redoes the second under the same object name, and
// leaves exactly one object each, with the local files deleted after verification.
void TestMediaJobs::interruptedUploadsAreFinishedOnceAfterRestart() {
    putTargets({});
    host_->media().stop();
    const auto mediaDir = std::filesystem::path(host_->dataDir()) / "media";
    const auto recDir = mediaDir / "recordings" / "crash";
    std::filesystem::create_directories(recDir);
    const auto capture = (recDir / "20261124T050000Z.mkv").string();
    const auto finished = (recDir / "20261124T040000Z.mp4").string();
    QVERIFY(QFile::copy(clip_, q(finished)));
    media::ProcessOptions remux;
    remux.argv = {"ffmpeg", "-loglevel", "error", "-i",   clip_.toStdString(), "-c", "copy",
                  "-f",     "matroska",  "-y",    capture};
    auto ran = media::ChildProcess::run(remux, std::chrono::seconds(60));
    QVERIFY(ran && ran->exit.success());
    // A half-written object of the interrupted upload sits at its final name.
    const auto archive =
        std::filesystem::path(dir_.filePath(QStringLiteral("archive")).toStdString());
    std::filesystem::create_directories(archive / "live" / "crash");
    QFile partial(q((archive / "live" / "crash" / "20261124T040000Z.mp4").string()));
    QVERIFY(partial.open(QIODevice::WriteOnly));
    partial.write(QByteArray(1000, 'x'));
    partial.close();
    {
        auto journal = store::MediaStore::open((mediaDir / "media.db").string());
        QVERIFY(journal);
        store::RecordingRecord capturing;
        capturing.nodeGroup = kGroup;
        capturing.streamGuid = "live/crash";
        capturing.target = "archive-folder";
        capturing.localPath = capture;
        capturing.state = store::RecordingState::Recording;
        capturing.startedMs = 1;
        QVERIFY((*journal)->putRecording(capturing));
        store::RecordingRecord half = capturing;
        half.localPath = finished;
        half.state = store::RecordingState::Uploading;
        half.remoteKey = "live/crash/20261124T040000Z.mp4";
        half.sizeBytes = QFileInfo(q(finished)).size();
        half.md5 = media::fileMd5(finished);
        half.uploadAttempts = 1;
        QVERIFY((*journal)->putRecording(half));
    }
    host_->media().start();
    auto done = [this] {
        auto list = host_->media().recordings(kGroup, "live/crash");
        if (!list || list->size() != 2)
            return false;
        for (const auto& r : *list)
            if (r.state != store::RecordingState::Uploaded || !r.localDeleted)
                return false;
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(done(), 60000);
    // Exactly two objects: nothing duplicated, and the half-written one was replaced whole.
    std::vector<std::string> objects;
    for (const auto& e : std::filesystem::recursive_directory_iterator(archive / "live" / "crash"))
        if (e.is_regular_file())
            objects.push_back(e.path().filename().string());
    std::sort(objects.begin(), objects.end());
    QCOMPARE(objects.size(), std::size_t{2});
    QCOMPARE(q(objects[0]), QStringLiteral("20261124T040000Z.mp4"));
    QCOMPARE(q(objects[1]), QStringLiteral("20261124T050000Z.mp4"));
    QCOMPARE(q(media::fileMd5((archive / "live" / "crash" / objects[0]).string())),
             q(media::fileMd5(clip_.toStdString())));
    QVERIFY(!QFile::exists(q(finished)));
    QVERIFY(!QFile::exists(q(capture)));
}

// A target with recordNodeGroups records every stream published in the group without any
// provision; its retention (keep the newest per stream) prunes the older upload and its row.
void TestMediaJobs::nodeGroupDefaultRecordsEveryStreamAndRetentionPrunes() {
    const auto dir = dir_.filePath(QStringLiteral("group-archive"));
    QVERIFY(QDir().mkpath(dir));
    auto put = host_->media().putTarget(nlohmann::json{{"name", "group-archive"},
                                                       {"kind", "folder"},
                                                       {"settings", {{"path", dir.toStdString()}}},
                                                       {"retention", {{"maxCount", 1}}},
                                                       {"recordNodeGroups", {kGroup}}});
    QVERIFY2(put, put ? "" : put.error().message.c_str());
    auto uploads = [this] {
        auto list = host_->media().recordings(kGroup, "live/auto");
        int n = 0;
        for (const auto& r : list ? *list : std::vector<store::RecordingRecord>{})
            n += r.state == store::RecordingState::Uploaded && r.localDeleted;
        return n;
    };
    for (int session = 1; session <= 2; ++session) {
        FfmpegProcess publisher;
        publisher.startPublisher(clip_, publishUrl("live/auto"));
        auto recording = [this] {
            for (const auto& j : host_->media().jobs(kGroup))
                if (j.kind == JobKind::Record && j.streamGuid == "live/auto" &&
                    j.state == JobState::Live && j.uptimeMs >= 2000)
                    return j.provisionGuid == "@default" && j.target == "group-archive";
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(recording(), 30000);
        publisher.stop();
        QTRY_COMPARE_WITH_TIMEOUT(uploads(), session, 60000);
    }
    auto removed = host_->media().applyRetention();
    QVERIFY2(removed, removed ? "" : removed.error().message.c_str());
    QCOMPARE(*removed, 1);
    QCOMPARE(uploads(), 1);
    int files = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir.toStdString()))
        files += e.is_regular_file() ? 1 : 0;
    QCOMPARE(files, 1);
    QVERIFY(host_->media().removeTarget("group-archive"));
}

// A folder target over a directory shared with another tool: retention (maxAgeDays 30) deletes
// Switchyard's own 40-day-old upload, journalled in the recordings table, and leaves a foreign
// file of the same age, at the top and beside the recording, untouched.
void TestMediaJobs::retentionLeavesFilesSwitchyardNeverWrote() {
    const auto dir = std::filesystem::path(dir_.filePath(QStringLiteral("shared")).toStdString());
    std::filesystem::create_directories(dir / "live" / "old");
    auto put = host_->media().putTarget(nlohmann::json{{"name", "shared"},
                                                       {"kind", "folder"},
                                                       {"settings", {{"path", dir.string()}}},
                                                       {"retention", {{"maxAgeDays", 30}}}});
    QVERIFY2(put, put ? "" : put.error().message.c_str());
    const auto write = [](const std::filesystem::path& p) {
        QFile f(q(p.string()));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(100, 'x'));
        f.close();
        const auto old =
            std::filesystem::file_time_type::clock::now() - std::chrono::hours(24 * 40);
        std::filesystem::last_write_time(p, old);
    };
    const auto foreignTop = dir / "someone-elses-backup.tar";
    const auto foreignBeside = dir / "live" / "old" / "notes.mp4";
    const auto own = dir / "live" / "old" / "20261001T000000Z.mp4";
    write(foreignTop);
    write(foreignBeside);
    write(own);
    {
        auto journal = store::MediaStore::open(
            (std::filesystem::path(host_->dataDir()) / "media" / "media.db").string());
        QVERIFY(journal);
        store::RecordingRecord r;
        r.nodeGroup = kGroup;
        r.streamGuid = "live/old";
        r.target = "shared";
        r.remoteKey = "live/old/20261001T000000Z.mp4";
        r.state = store::RecordingState::Uploaded;
        r.localDeleted = true;
        r.startedMs = 1;
        QVERIFY((*journal)->putRecording(r));
    }
    auto removed = host_->media().applyRetention();
    QVERIFY2(removed, removed ? "" : removed.error().message.c_str());
    QCOMPARE(*removed, 1);
    QVERIFY(!std::filesystem::exists(own));
    QVERIFY(std::filesystem::exists(foreignTop));
    QVERIFY(std::filesystem::exists(foreignBeside));
    QVERIFY(host_->media().recordings(kGroup, "live/old")->empty());
    QVERIFY(host_->media().removeTarget("shared"));
}

// No stream key or password on any command line (issue 14): a restreamer pulling a camera with
// a password and a social pusher with a stream key run, then every /proc/*/cmdline is read. The
// secrets reach ffmpeg through pipes (ffmpegcommand.h); only the test's own camera, which must
// know its password to check it, has one on its command line.
void TestMediaJobs::noSecretOnAnyCommandLine() {
    const std::string password = "cam-pw-5d1e0c";
    const std::string key = "sk-cmdline-8b2f41";
    mediatest::RtspOptions options;
    options.user = QStringLiteral("viewer");
    options.password = q(password);
    mediatest::RtspSource camera(24330, options);
    QVERIFY2(camera.start(), qPrintable(camera.error()));
    mediatest::RtmpPlatform platform(24340, 24341, dir_.filePath(QStringLiteral("platform-quiet")));
    QVERIFY2(platform.start(), qPrintable(platform.error()));
    provision(R"([{"provisionGuid": "quiet", "streams": [{"streamGuid": "live/quiet",
        "abrLevel": 0, "destUri": ")" +
              platform.url(q(key)).toStdString() + R"(",
        "camParams": {"properties": {"type": "rtsp", "rtspUri": ")" +
              camera.authorizedUrl().toStdString() + R"("}}}]}])");
    QTRY_VERIFY_WITH_TIMEOUT(inState("quiet", JobKind::Pull, JobState::Live), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(inState("quiet", JobKind::Social, JobState::Live), 30000);
    QVERIFY(platform.waitPublishing(q(key), 20000));
    const auto pull = *job("quiet", JobKind::Pull);
    const auto social = *job("quiet", JobKind::Social);
    const auto lines = mediatest::commandLines();
    int scanned = 0;
    for (const auto& [pid, line] : lines) {
        if (line.find("rtsp-source.py") != std::string::npos)
            continue; // the camera fixture is handed its own password
        ++scanned;
        QVERIFY2(line.find(key) == std::string::npos, (std::to_string(pid) + ": " + line).c_str());
        QVERIFY2(line.find(password) == std::string::npos,
                 (std::to_string(pid) + ": " + line).c_str());
    }
    QVERIFY(scanned > 5);
    // The two jobs are among them, with their whitelists, reading their URLs from pipes.
    for (const auto* j : {&pull, &social}) {
        QVERIFY(j->pid > 0 && lines.count(j->pid));
        const auto& line = lines.at(j->pid);
        QVERIFY2(line.find("-protocol_whitelist") != std::string::npos, line.c_str());
        QVERIFY2(line.find("pipe:3") != std::string::npos ||
                     line.find("/dev/fd/3") != std::string::npos,
                 line.c_str());
    }
}

QTEST_GUILESS_MAIN(TestMediaJobs)
#include "tst_mediajobs.moc"
