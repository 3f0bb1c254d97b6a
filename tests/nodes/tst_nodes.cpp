// core/nodes against real processes: nginx-rtmp nodes started by the driver, fed and watched by
// ffmpeg. No mocks and no fixed sleeps: every wait polls with a deadline.

#include "core/nodes/nginxrtmpdriver.h"
#include "tests/support/ffmpegprocess.h"
#include "nodestestsupport.h"

#include <QElapsedTimer>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <fstream>
#include <functional>
#include <iterator>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace sy::nodes;
using namespace nodestest;

namespace {

bool processGone(pid_t pid) {
    const auto stat = ProcessSampler::readProcStat(pid);
    return !stat || stat->state == 'Z'; // an orphan reparented to a non-reaping init stays Z
}

QString rtmpUrl(int port, const char* stream) {
    return QStringLiteral("rtmp://127.0.0.1:%1/live/%2").arg(port).arg(QLatin1String(stream));
}

} // namespace

class TestNodes : public QObject {
    Q_OBJECT

private:
    std::optional<NginxInstallation> nginx_;
    std::optional<NginxConfigTemplate> template_;
    std::unique_ptr<QTemporaryDir> dir_;
    QString clip_;
    PortAllocator ports_;
    // The streaming tests share one origin -> edge chain, a publisher and a viewer.
    std::unique_ptr<NginxRtmpDriver> origin_;
    std::unique_ptr<NginxRtmpDriver> edge_;
    FfmpegProcess publisher_;
    FfmpegProcess viewer_;

    NodeSpec specFor(NodeKind kind, const std::string& id, const PortLease& lease,
                     std::vector<int> parents = {}) const {
        NodeSpec s;
        s.nodeId = id;
        s.kind = kind;
        s.rtmpPort = lease[0];
        s.httpPort = lease[1];
        s.parentRtmpPorts = std::move(parents);
        s.prefixDir = dir_->filePath(QString::fromStdString(id)).toStdString();
        s.secret = secretOf(id);
        return s;
    }

    std::unique_ptr<NginxRtmpDriver> makeNode(NodeKind kind, const std::string& id,
                                              std::vector<int> parents = {}) {
        auto lease = ports_.lease(2);
        if (!lease)
            qFatal("%s", lease.error().message.c_str());
        auto d = std::make_unique<NginxRtmpDriver>(*nginx_, *template_,
                                                   specFor(kind, id, *lease, std::move(parents)));
        d->holdPorts(std::move(lease).value());
        return d;
    }

    static std::string secretOf(const std::string& id) {
        return "NodeSecret0123456789abcdef0123456789" +
               std::to_string(std::hash<std::string>{}(id));
    }

    static bool hasPublisher(NginxRtmpDriver& node, const char* stream) {
        const auto stat = node.fetchStat();
        return stat && stat->find("live", stream) && stat->find("live", stream)->hasPublisher;
    }

    static void stopNode(std::unique_ptr<NginxRtmpDriver>& node) {
        if (node && node->isRunning())
            (void)node->stop();
        node.reset();
    }

private slots:
    void initTestCase() {
        auto nginx = NginxInstallation::locate();
        if (!nginx)
            QSKIP(nginx.error().message.c_str());
        if (QStandardPaths::findExecutable(QStringLiteral("ffmpeg")).isEmpty())
            QSKIP("ffmpeg is not installed (scripts/bootstrap installs it)");
        nginx_ = std::move(nginx).value();
        auto t = NginxConfigTemplate::loadDefault();
        SY_VERIFY_OK(t);
        template_ = std::move(t).value();
        dir_ = std::make_unique<QTemporaryDir>();
        QVERIFY(dir_->isValid());
        clip_ = dir_->filePath(QStringLiteral("clip.flv"));
        QVERIFY2(FfmpegProcess::encodeClip(clip_), "ffmpeg could not encode the test clip");
    }

    void cleanupTestCase() {
        viewer_.stop();
        publisher_.stop();
        stopNode(edge_);
        stopNode(origin_);
    }

    void renderedConfigsPassNginxTest_data() {
        QTest::addColumn<int>("kind");
        QTest::addRow("origin") << int(NodeKind::Origin);
        QTest::addRow("edge") << int(NodeKind::Edge);
        QTest::addRow("relay") << int(NodeKind::Relay);
    }
    void renderedConfigsPassNginxTest() {
        QFETCH(int, kind);
        const auto lease = ports_.lease(2);
        SY_VERIFY_OK(lease);
        auto spec = specFor(NodeKind(kind), "conf-" + std::to_string(kind), *lease);
        if (spec.kind != NodeKind::Origin)
            spec.parentRtmpPorts = {1935, 1936}; // nginx -t does not connect to them
        spec.callbackBaseUrl = "http://127.0.0.1:5080/as/v1/nodes";
        spec.applications = {"live", "backup"};
        const auto text = template_->render(spec, nginx_->rtmpModule);
        SY_VERIFY_OK(text);
        SY_VERIFY_OK(writeNodeConfig(spec, *text));
        SY_VERIFY_OK(NginxProcess::testConfig(*nginx_, spec.prefixDir, "nginx.conf",
                                              std::chrono::seconds(10)));
    }

    void invalidSpecWritesNothing() {
        const auto lease = ports_.lease(2);
        SY_VERIFY_OK(lease);
        auto spec = specFor(NodeKind::Origin, "bad-spec", *lease);
        spec.applications = {"live;", "x"};
        NginxRtmpDriver node(*nginx_, *template_, spec);
        const auto started = node.start();
        QVERIFY(!started);
        QCOMPARE(started.error().code, std::string("invalid_node_spec"));
        QVERIFY2(contains(started.error().message, "applications[0]"),
                 started.error().message.c_str());
        QVERIFY(!std::filesystem::exists(spec.prefixDir));
        QCOMPARE(node.pid(), 0);
    }

    void nginxRefusalIsQuoted() {
        auto bad = NginxConfigTemplate::fromText(
            "load_module @RTMP_MODULE@;\nbogus_directive on;\nevents {}\n"
            "rtmp { server { listen 127.0.0.1:@RTMP_PORT@;\n#@BEGIN_APPLICATION@\n"
            "application @APP@ { live on; }\n#@END_APPLICATION@\n} }\n"
            "http { server { listen 127.0.0.1:@HTTP_PORT@;\nlocation /stat {\n@CORE_ONLY@\n"
            "rtmp_stat all; } } }\n");
        SY_VERIFY_OK(bad);
        const auto lease = ports_.lease(2);
        SY_VERIFY_OK(lease);
        NginxRtmpDriver node(*nginx_, *bad, specFor(NodeKind::Origin, "bad-conf", *lease));
        const auto started = node.start();
        QVERIFY(!started);
        QCOMPARE(started.error().code, std::string("config_test_failed"));
        QVERIFY2(contains(started.error().message, "unknown directive \"bogus_directive\""),
                 started.error().message.c_str());
        QCOMPARE(node.pid(), 0);
    }

    void occupiedPortFailsWithNginxReason() {
        auto node = makeNode(NodeKind::Origin, "port-taken");
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(node->spec().rtmpPort));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        QCOMPARE(::listen(fd, 1), 0);
        const auto started = node->start();
        ::close(fd);
        QVERIFY(!started);
        QVERIFY2(contains(started.error().message, "Address already in use"),
                 started.error().message.c_str());
        QVERIFY(node->pollExit().has_value());
        QVERIFY(processGone(node->pid()));
    }

    void originAndEdgeCarryAStream() {
        QElapsedTimer timer;
        origin_ = makeNode(NodeKind::Origin, "origin-1");
        timer.start();
        SY_VERIFY_OK(origin_->start());
        qInfo("origin: start to /stat ready %lld ms", timer.elapsed());
        const int originPort = origin_->spec().rtmpPort;
        edge_ = makeNode(NodeKind::Edge, "edge-1", {originPort});
        timer.start();
        SY_VERIFY_OK(edge_->start());
        qInfo("edge: start to /stat ready %lld ms", timer.elapsed());

        timer.start();
        publisher_.startPublisher(clip_, rtmpUrl(originPort, "cam1"));
        QTRY_VERIFY_WITH_TIMEOUT(hasPublisher(*origin_, "cam1"), 15000);
        qInfo("publisher start to live on the origin: %lld ms", timer.elapsed());
        timer.start();
        viewer_.startViewer(rtmpUrl(edge_->spec().rtmpPort, "cam1"));
        QTRY_VERIFY_WITH_TIMEOUT(viewer_.frames() > 0, 15000);
        qInfo("viewer start to first frame on the edge: %lld ms", timer.elapsed());

        // The relay shows up on the origin as a client: a cluster child, not a viewer.
        QTRY_VERIFY_WITH_TIMEOUT(origin_->fetchStat() && origin_->fetchStat()->childRelays() == 1,
                                 5000);
        const auto o = origin_->sample();
        SY_VERIFY_OK(o);
        QCOMPARE(o->metrics.at("connections.publisher"), 1.0);
        QCOMPARE(o->metrics.at("connections.subscriber"), 0.0);
        QCOMPARE(o->metrics.at("connections.clusterchildren"), 1.0);
        QVERIFY(o->stat.find("live", "cam1") && o->stat.find("live", "cam1")->hasPublisher);
        QVERIFY(o->metrics.at("memory.process.rss") > 1000 &&
                o->metrics.at("memory.process.rss") < 1e6);
        QVERIFY(o->metrics.at("cpu.processors") >= 1);
        QVERIFY(o->metrics.at("cpu.process.load") >= 0 && o->usage.processes == 2);

        const auto e = edge_->sample();
        SY_VERIFY_OK(e);
        QCOMPARE(e->metrics.at("connections.subscriber"), 1.0);
        QCOMPARE(e->metrics.at("connections.publisher"), 0.0); // the pull is not a publisher
        const auto* relayed = e->stat.find("live", "cam1");
        QVERIFY(relayed && relayed->hasSource && !relayed->hasPublisher);
        QCOMPARE(relayed->upstream, "127.0.0.1:" + std::to_string(originPort) + "/live");
    }

    // Every local user shares 127.0.0.1: /stat and /control answer only requests that carry the
    // node's secret, which the driver sends (its fetchStat and drops work, a stranger's do not).
    void statAndControlAnswerOnlyTheCore_data() {
        QTest::addColumn<std::string>("target");
        QTest::addRow("stat") << std::string("/stat");
        QTest::addRow("drop a publisher")
            << std::string("/control/drop/publisher?app=live&name=cam1");
        QTest::addRow("drop viewers") << std::string("/control/drop/subscriber?app=live&name=cam1");
        QTest::addRow("redirect") << std::string(
            "/control/redirect/subscriber?app=live&name=cam1&newname=other");
    }
    void statAndControlAnswerOnlyTheCore() {
        QFETCH(std::string, target);
        if (!origin_ || !publisher_.isRunning())
            QSKIP("needs the chain of originAndEdgeCarryAStream");
        const int port = origin_->spec().httpPort;
        const auto secret = origin_->spec().secret;
        for (const std::string& wrong :
             {std::string(), std::string(secret.size(), 'x'), secret + "x", secretOf("other")}) {
            const auto r = LoopbackHttpClient::get(port, target, {},
                                                   LoopbackHttpClient::kDefaultMaxResponse, wrong);
            SY_VERIFY_OK(r);
            QCOMPARE(r->status, 401);
        }
        // Nothing was dropped: the publisher is still live on the origin.
        QVERIFY(hasPublisher(*origin_, "cam1"));
        if (target == "/stat") {
            const auto r = LoopbackHttpClient::get(port, target, {},
                                                   LoopbackHttpClient::kDefaultMaxResponse, secret);
            SY_VERIFY_OK(r);
            QCOMPARE(r->status, 200);
        }
        SY_VERIFY_OK(origin_->fetchStat());
    }

    // The config carries the secret, so the node's directory is 0700 and the file 0600; nginx's
    // command line (what `ps` shows every user) never does.
    void secretStaysInThePrivateConfig() {
        if (!origin_ || !origin_->isRunning())
            QSKIP("needs the chain of originAndEdgeCarryAStream");
        const auto spec = origin_->spec();
        namespace fs = std::filesystem;
        QCOMPARE(fs::status(spec.prefixDir).permissions() & fs::perms::all, fs::perms::owner_all);
        const auto conf = spec.prefixDir / "conf" / "nginx.conf";
        QCOMPARE(fs::status(conf).permissions() & fs::perms::all,
                 fs::perms::owner_read | fs::perms::owner_write);
        std::ifstream in(conf);
        const std::string text((std::istreambuf_iterator<char>(in)), {});
        QVERIFY(contains(text, spec.secret));
        const auto stat = origin_->fetchStat();
        SY_VERIFY_OK(stat);
        QVERIFY(!NginxProcess::commandLine(origin_->pid()).empty());
        QVERIFY(!NginxProcess::commandLine(static_cast<pid_t>(stat->workerPid)).empty());
        int read = 0;
        for (const auto& entry : fs::directory_iterator("/proc")) {
            std::ifstream cmd(entry.path() / "cmdline", std::ios::binary);
            const std::string args((std::istreambuf_iterator<char>(cmd)), {});
            read += !args.empty();
            QVERIFY2(!contains(args, spec.secret), entry.path().c_str());
            QVERIFY2(!contains(args, secretOf("edge-1")), entry.path().c_str());
        }
        QVERIFY(read > 2);
    }

    void bandwidthShowsAndControlAnswers() {
        if (!edge_ || !viewer_.isRunning())
            QSKIP("needs the chain of originAndEdgeCarryAStream");
        QElapsedTimer timer;
        // nginx averages bandwidth over ~10 s windows, so the first non-zero value takes a while.
        timer.start();
        QTRY_VERIFY_WITH_TIMEOUT(origin_->sample() &&
                                     origin_->sample()->metrics.at("network.ingress") > 0 &&
                                     origin_->sample()->metrics.at("network.egress") > 0,
                                 20000);
        QTRY_VERIFY_WITH_TIMEOUT(
            edge_->sample() && edge_->sample()->metrics.at("network.egress") > 0, 20000);
        qInfo("bandwidth non-zero after %lld ms more", timer.elapsed());
        auto dropped = origin_->dropSubscribers("live", "nosuchstream");
        SY_VERIFY_OK(dropped);
        QCOMPARE(*dropped, 0);
    }

    void edgeReloadKeepsViewerReceiving() {
        if (!edge_ || !viewer_.isRunning())
            QSKIP("needs the chain of originAndEdgeCarryAStream");
        const auto before = edge_->fetchStat();
        SY_VERIFY_OK(before);
        auto next = edge_->spec();
        next.applications = {"live", "extra"};
        QElapsedTimer timer;
        timer.start();
        SY_VERIFY_OK(edge_->reload(next));
        qInfo("edge reload until a new worker answers /stat: %lld ms", timer.elapsed());
        const auto after = edge_->fetchStat();
        SY_VERIFY_OK(after);
        QVERIFY(after->workerPid != before->workerPid);
        QCOMPARE(edge_->spec().applications, next.applications);
        const int framesAtReload = viewer_.frames();
        QTRY_VERIFY_WITH_TIMEOUT(viewer_.frames() > framesAtReload + 30, 10000);
        QVERIFY(viewer_.isRunning());
        // An invalid spec is refused before anything is written; the running node stays.
        next.parentRtmpPorts = {0};
        QVERIFY(!edge_->reload(next));
        QVERIFY(edge_->isRunning());
    }

    void drainingEdgeKeepsViewerButStopsListening() {
        if (!edge_ || !viewer_.isRunning())
            QSKIP("needs the chain of originAndEdgeCarryAStream");
        const auto spec = edge_->spec();
        SY_VERIFY_OK(edge_->drain());
        // Both listeners close (so /stat goes too); the connected viewer stays served.
        QTRY_VERIFY_WITH_TIMEOUT(
            PortAllocator::canBind(spec.rtmpPort) && PortAllocator::canBind(spec.httpPort), 5000);
        QVERIFY(!edge_->fetchStat());
        const int framesAtDrain = viewer_.frames();
        QTRY_VERIFY_WITH_TIMEOUT(viewer_.frames() > framesAtDrain + 30, 10000);
        QVERIFY(edge_->isRunning());
        viewer_.stop(); // the last client leaves: the drained node exits by itself
        const auto exit = edge_->waitForExit(std::chrono::seconds(10));
        QVERIFY(exit.has_value());
        QVERIFY2(exit->known && !exit->signaled && exit->code == 0, exit->describe().c_str());
        QVERIFY(!ports_.isReserved(spec.rtmpPort));
    }

    void killedNodeIsReapedAndReleasesPorts() {
        auto node = makeNode(NodeKind::Origin, "killed");
        SY_VERIFY_OK(node->start());
        const auto spec = node->spec();
        const auto stat = node->fetchStat();
        SY_VERIFY_OK(stat);
        const pid_t master = node->pid();
        const auto worker = static_cast<pid_t>(stat->workerPid);
        QVERIFY(ports_.isReserved(spec.rtmpPort));
        QCOMPARE(::kill(master, SIGKILL), 0);
        const auto exit = node->waitForExit(std::chrono::seconds(5));
        QVERIFY(exit.has_value());
        QVERIFY(exit->known && exit->signaled && exit->code == SIGKILL);
        QVERIFY(!std::filesystem::exists("/proc/" + std::to_string(master))); // reaped
        // The worker would outlive its master and keep the ports: the driver kills it too.
        QTRY_VERIFY_WITH_TIMEOUT(processGone(worker), 5000);
        QVERIFY(!ports_.isReserved(spec.rtmpPort) && !ports_.isReserved(spec.httpPort));
        QTRY_VERIFY_WITH_TIMEOUT(PortAllocator::canBind(spec.rtmpPort), 5000);
    }

    void stoppedNodeReleasesPorts() {
        auto node = makeNode(NodeKind::Origin, "stopped");
        SY_VERIFY_OK(node->start());
        const auto spec = node->spec();
        const pid_t master = node->pid();
        const auto exit = node->stop();
        SY_VERIFY_OK(exit);
        QVERIFY2(exit->known && !exit->signaled && exit->code == 0, exit->describe().c_str());
        QVERIFY(!std::filesystem::exists("/proc/" + std::to_string(master)));
        QVERIFY(!ports_.isReserved(spec.rtmpPort) && !ports_.isReserved(spec.httpPort));
        QVERIFY(PortAllocator::canBind(spec.rtmpPort) && PortAllocator::canBind(spec.httpPort));
        QVERIFY(!node->isRunning());
        QVERIFY(!node->fetchStat());
    }

    void runningNodeIsReadopted() {
        auto first = makeNode(NodeKind::Origin, "adopted");
        SY_VERIFY_OK(first->start());
        const auto spec = first->spec();
        const pid_t master = first->pid();
        first.reset(); // the core "restarts": the node keeps running
        QVERIFY(!processGone(master));

        PortAllocator fresh(ports_.range());
        auto lease = fresh.adopt({spec.rtmpPort, spec.httpPort});
        SY_VERIFY_OK(lease);
        auto adopted = NginxRtmpDriver::adopt(*nginx_, *template_, spec);
        SY_VERIFY_OK(adopted);
        auto& node = *adopted;
        node->holdPorts(std::move(lease).value());
        QCOMPARE(node->pid(), master);
        QVERIFY(node->isRunning());
        SY_VERIFY_OK(node->sample());
        const auto exit = node->stop();
        SY_VERIFY_OK(exit);
        QVERIFY(processGone(master));
        QCOMPARE(fresh.reservedCount(), std::size_t(0));

        // Nothing runs there any more: adoption is refused, not faked.
        const auto again = NginxRtmpDriver::adopt(*nginx_, *template_, spec);
        QVERIFY(!again);
        QCOMPARE(again.error().code, std::string("node_not_running"));
    }
};

QTEST_GUILESS_MAIN(TestNodes)
#include "tst_nodes.moc"
