// switchyard-server end to end: the real process over real HTTP on loopback, with LOCAL nodes
// (nginx-rtmp processes) and real streams (ffmpeg). A client logs in, creates a node group,
// publishes and plays through the URLs routing returns; the server is killed with SIGKILL and a
// new one re-adopts the running nodes while a viewer keeps playing; bad requests get JSON errors.

#include "tests/support/ffmpegprocess.h"
#include "tests/support/rawhttp.h"
#include "tests/support/serverprocess.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QMessageAuthenticationCode>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <map>
#include <set>
#include <sys/types.h>

using Json = nlohmann::json;
using nodestest::FfmpegProcess;
using sy::test::RawResponse;
using sy::test::ServerLaunch;
using sy::test::serverPath;
using sy::test::ServerProcess;

namespace {

const QString kPassword = QStringLiteral("e2e-admin-password");
const std::string kGroup = "e2e";
const std::string kGuid = "live/cam1";
// A range of its own: ctest runs the other LOCAL tests (21000-21999) in parallel.
const QString kLocalPorts = QStringLiteral("22000-22499");

std::string groupJson() {
    return R"({"name": ")" + kGroup + R"(", "cloudPlatform": "LOCAL", "shuffleSizeExpression": "1",
      "roles": {"origin": {"name": "origin", "capabilities": ["PUBLISH"]},
                "edge": {"name": "edge", "capabilities": ["SUBSCRIBE"], "parentRoleName": "origin",
                         "parentCardinality": "GLOBAL"}},
      "groups": {"local": {"subGroupName": "local", "rulesByRole": {
        "origin": {"min": 1, "max": 1, "increment": 1,
                   "outExpression": "avg(connections.publisher) > 12",
                   "inExpression": "avg(connections.publisher) < 0",
                   "capacityRankingExpression": "connections.publisher",
                   "capacityLimitExpression": "20"},
        "edge": {"min": 1, "max": 1, "increment": 1,
                 "outExpression": "avg(connections.subscriber) > 1000",
                 "inExpression": "avg(connections.subscriber) < 0",
                 "capacityRankingExpression": "connections.subscriber",
                 "capacityLimitExpression": "200"}}}}})";
}

Json parseJson(const std::string& text) {
    return Json::parse(text, nullptr, /*allow_exceptions=*/false);
}

std::string errorMessageOf(const RawResponse& r) {
    const Json j = parseJson(r.body);
    return j.is_object() && j.contains("errorMessage") && j["errorMessage"].is_string()
               ? j["errorMessage"].get<std::string>()
               : std::string();
}

QString describe(const RawResponse& r) {
    return QStringLiteral("HTTP %1: %2").arg(r.status).arg(QString::fromStdString(r.body));
}

std::string base64Url(const QByteArray& bytes) {
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
        .toStdString();
}

// A well-formed HS256 token for the admin, signed with a key the server does not have.
std::string forgedToken() {
    const QByteArray header = R"({"alg":"HS256","typ":"JWT"})";
    const QByteArray claims = QByteArray(R"({"sub":"admin","roles":"ROLE_ADMIN","exp":)") +
                              QByteArray::number(QDateTime::currentSecsSinceEpoch() + 3600) + "}";
    const std::string signingInput = base64Url(header) + "." + base64Url(claims);
    const QByteArray mac = QMessageAuthenticationCode::hash(
        QByteArray::fromStdString(signingInput), QByteArray(32, 'k'), QCryptographicHash::Sha256);
    return signingInput + "." + base64Url(mac);
}

struct NodeRow {
    std::string id;
    std::string role;
    std::string state;
    int rtmpPort = 0;
};

// Processes whose command line mentions `dir` (nginx masters run with -p <data dir>/nodes/...),
// and their children (nginx workers, whose command line does not).
std::set<pid_t> processesUnder(const QString& dir) {
    std::set<pid_t> found;
    std::multimap<pid_t, pid_t> children;
    const QByteArray needle = dir.toUtf8();
    const auto entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const auto& entry : entries) {
        bool numeric = false;
        const auto pid = static_cast<pid_t>(entry.toInt(&numeric));
        if (!numeric || pid == ::getpid())
            continue;
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(entry));
        if (cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains(needle))
            found.insert(pid);
        QFile stat(QStringLiteral("/proc/%1/stat").arg(entry));
        if (stat.open(QIODevice::ReadOnly)) {
            const QByteArray text = stat.readAll();
            const auto fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
            if (fields.size() > 1)
                children.emplace(static_cast<pid_t>(fields[1].toInt()), pid);
        }
    }
    std::set<pid_t> all = found;
    for (const pid_t parent : found)
        for (auto [it, end] = children.equal_range(parent); it != end; ++it)
            all.insert(it->second);
    return all;
}

} // namespace

class TestServerE2e : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void loginCreatePublishSubscribe();
    void restartReadoptsNodes();
    void unauthorisedAndBadRequestsOverHttp();

private:
    RawResponse call(const std::string& method, const std::string& path,
                     const std::string& authorization = {}, const std::string& body = {}) const;
    RawResponse authed(const std::string& method, const std::string& path,
                       const std::string& body = {}) const {
        return call(method, path, "Bearer " + token_, body);
    }
    void startServer();
    void login();
    void startStreaming();
    void deleteGroupAndStopServer();
    std::vector<NodeRow> nodeStatus(int* httpStatus = nullptr) const;
    std::set<std::string> inServiceIds() const;
    RawResponse subscribeRouting() const {
        return call("GET", "/as/v1/streams/stream/" + kGroup + "/subscribe/" + kGuid);
    }
    std::map<std::string, QString> nginxPids() const;
    std::string lastEventId() const;

    QTemporaryDir media_;
    QString clip_;
    QTemporaryDir dir_;
    QString dataDir_;
    std::unique_ptr<ServerProcess> server_;
    quint16 port_ = 0;
    std::string token_;
    bool groupCreated_ = false;
    int edgePort_ = 0;
    FfmpegProcess publisher_;
    FfmpegProcess viewer_;
};

RawResponse TestServerE2e::call(const std::string& method, const std::string& path,
                                const std::string& authorization, const std::string& body) const {
    std::string req = method + " " + path +
                      " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                      "Accept: application/json\r\n";
    if (!authorization.empty())
        req += "Authorization: " + authorization + "\r\n";
    if (!body.empty() || method == "POST" || method == "PUT")
        req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
               "\r\n";
    // Creating a group waits for the core's answer; the machine may be busy.
    return sy::test::rawExchange(port_, req + "\r\n" + body, std::chrono::seconds(20));
}

void TestServerE2e::initTestCase() {
    // The test fails, never skips, without its tools: CI installs them (make test).
    QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("ffmpeg")).isEmpty(),
             "ffmpeg is not installed (apt-get install ffmpeg): it publishes and plays streams");
    QVERIFY2(QFileInfo::exists(serverPath()),
             qPrintable(serverPath() + QStringLiteral(" missing")));
    clip_ = media_.filePath(QStringLiteral("clip.mp4"));
    QVERIFY2(FfmpegProcess::encodeClip(clip_), "could not encode the test clip with ffmpeg");
    dataDir_ = dir_.filePath(QStringLiteral("state"));
}

void TestServerE2e::startServer() {
    server_ = std::make_unique<ServerProcess>(ServerLaunch{
        dataDir_,
        0,
        {QStringLiteral("--local-ports"), kLocalPorts},
        {{QStringLiteral("SWITCHYARD_ADMIN_PASSWORD"), kPassword}},
        // The signing key must come from the data directory: the restart test relies on it.
        {QStringLiteral("SWITCHYARD_ADMIN_USER"), QStringLiteral("SWITCHYARD_JWT_SECRET")},
        true});
    port_ = server_->waitForPort();
    QVERIFY2(port_ != 0, qPrintable(server_->output()));
    // nginx with the RTMP module is found at start-up, or the server says why LOCAL is missing.
    QVERIFY2(!server_->output().contains(QStringLiteral("LOCAL node groups unavailable")),
             qPrintable(QStringLiteral("LOCAL nodes need nginx with libnginx-mod-rtmp "
                                       "(apt-get install nginx libnginx-mod-rtmp): ") +
                        server_->output()));
    QTRY_COMPARE_WITH_TIMEOUT(sy::test::httpGet(port_, "/as/v1/admin/healthz").status, 200, 10000);
}

void TestServerE2e::login() {
    const std::string basic = QByteArray("admin:" + kPassword.toUtf8()).toBase64().toStdString();
    const auto res = call("PUT", "/as/v1/auth/login", "Basic " + basic);
    QVERIFY2(res.status == 200, qPrintable(describe(res)));
    const Json j = parseJson(res.body);
    QVERIFY2(j.is_object() && j.contains("token") && j["token"].is_string(), res.body.c_str());
    token_ = j["token"].get<std::string>();
    QCOMPARE(int(std::count(token_.begin(), token_.end(), '.')), 2); // header.claims.signature
}

std::vector<NodeRow> TestServerE2e::nodeStatus(int* httpStatus) const {
    const auto res = authed("GET", "/as/v1/admin/nodegroup/status/" + kGroup);
    if (httpStatus)
        *httpStatus = res.status;
    std::vector<NodeRow> rows;
    const Json j = parseJson(res.body);
    if (res.status != 200 || !j.is_array())
        return rows;
    for (const auto& item : j) {
        const Json node = item.value("nodeEvent", Json::object());
        const Json scaling = item.value("scalingEvent", Json::object());
        rows.push_back({node.value("nodeId", ""), node.value("nodeRoleName", ""),
                        scaling.value("state", ""), node.value("rtmpPort", 0)});
    }
    return rows;
}

std::set<std::string> TestServerE2e::inServiceIds() const {
    std::set<std::string> ids;
    for (const auto& n : nodeStatus())
        if (n.state == "INSERVICE")
            ids.insert(n.id);
    return ids;
}

// nodeId → the nginx master's pid, from the pid file in the node's prefix.
std::map<std::string, QString> TestServerE2e::nginxPids() const {
    std::map<std::string, QString> pids;
    for (const auto& n : nodeStatus()) {
        QFile f(dataDir_ +
                QStringLiteral("/nodes/%1/logs/nginx.pid").arg(QString::fromStdString(n.id)));
        if (f.open(QIODevice::ReadOnly))
            pids[n.id] = QString::fromUtf8(f.readAll()).trimmed();
    }
    return pids;
}

std::string TestServerE2e::lastEventId() const {
    const auto res = authed("GET", "/as/v1/admin/events");
    const Json j = parseJson(res.body);
    return res.status == 200 && j.is_object() ? j.value("lastEventId", "") : std::string();
}

// Server, login, a LOCAL origin + edge in service, a publisher and a viewer on the edge that
// receives frames: each step through the API, as a client would.
void TestServerE2e::startStreaming() {
    QElapsedTimer clock;
    clock.start();
    if (!server_ || !server_->isRunning()) {
        startServer();
        if (QTest::currentTestFailed())
            return;
    }
    login();
    if (QTest::currentTestFailed())
        return;
    const auto createdAt = clock.elapsed();
    if (!groupCreated_) {
        const auto created = authed("POST", "/as/v1/admin/nodegroup", groupJson());
        QVERIFY2(created.status == 200, qPrintable(describe(created)));
        groupCreated_ = true;
    }

    auto inService = [&](const std::string& role) {
        int count = 0;
        for (const auto& n : nodeStatus())
            count += n.role == role && n.state == "INSERVICE";
        return count;
    };
    QTRY_VERIFY_WITH_TIMEOUT(inService("origin") == 1 && inService("edge") == 1, 30000);
    qInfo("POST nodegroup to 1 origin + 1 edge INSERVICE: %lld ms",
          static_cast<long long>(clock.elapsed() - createdAt));
    int originPort = 0;
    for (const auto& n : nodeStatus()) {
        if (n.role == "origin")
            originPort = n.rtmpPort;
        else
            edgePort_ = n.rtmpPort;
    }
    QVERIFY(originPort != 0 && edgePort_ != 0 && originPort != edgePort_);

    const auto publish = call("GET", "/as/v1/streams/stream/" + kGroup + "/publish/" + kGuid);
    QVERIFY2(publish.status == 200, qPrintable(describe(publish)));
    const Json where = parseJson(publish.body);
    QVERIFY2(where.is_array() && !where.empty(), publish.body.c_str());
    const auto publishUrl = QString::fromStdString(where[0]["urls"].value("rtmp", ""));
    QVERIFY2(publishUrl.contains(QStringLiteral("127.0.0.1:%1/").arg(originPort)),
             qPrintable(publishUrl)); // routing sends the publisher to the origin
    const auto publishingAt = clock.elapsed();
    publisher_.startPublisher(clip_, publishUrl);

    // The stream becomes subscribable once a poll of the origin sees it.
    RawResponse subscribe;
    QTRY_VERIFY2_WITH_TIMEOUT(
        (subscribe = subscribeRouting()).status == 200,
        qPrintable(describe(subscribe) + QStringLiteral("; live: ") +
                   describe(call("GET", "/as/v1/streams/stream/" + kGroup + "?aggregate=false"))),
        20000);
    const Json sub = parseJson(subscribe.body);
    QVERIFY2(sub.is_array() && !sub.empty(), subscribe.body.c_str());
    qInfo("publisher started to subscribe routing 200: %lld ms",
          static_cast<long long>(clock.elapsed() - publishingAt));
    QCOMPARE(QString::fromStdString(sub[0].value("nodeRole", "")), QStringLiteral("edge"));
    const auto viewUrl = QString::fromStdString(sub[0]["urls"].value("rtmp", ""));
    QVERIFY2(viewUrl.contains(QStringLiteral("127.0.0.1:%1/").arg(edgePort_)), qPrintable(viewUrl));
    const auto viewingAt = clock.elapsed();
    viewer_.startViewer(viewUrl);
    QTRY_VERIFY2_WITH_TIMEOUT(viewer_.frames() > 0, qPrintable(viewer_.errorOutput()), 30000);
    qInfo("viewer started to first frames: %lld ms",
          static_cast<long long>(clock.elapsed() - viewingAt));
    QTRY_VERIFY2_WITH_TIMEOUT(viewer_.frames() > 50, qPrintable(viewer_.errorOutput()), 30000);
    qInfo("viewer started to 50 frames: %lld ms",
          static_cast<long long>(clock.elapsed() - viewingAt));
}

void TestServerE2e::loginCreatePublishSubscribe() {
    startStreaming();
    if (QTest::currentTestFailed())
        return;

    // The stream list shows the stream on its origin, with the edge's viewer counted.
    auto listed = [&] {
        const Json j = parseJson(call("GET", "/as/v1/streams/stream/" + kGroup).body);
        if (!j.is_array())
            return false;
        for (const auto& s : j)
            if (s.value("streamGuid", "") == kGuid && s.value("nodeRole", "") == "origin" &&
                s.value("subscribers", 0) >= 1)
                return true;
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(listed(), 15000);

    // The event feed told about it.
    auto started = [&] {
        const Json j = parseJson(authed("GET", "/as/v1/admin/events?nodeGroup=" + kGroup).body);
        if (!j.is_object() || !j["events"].is_array())
            return false;
        for (const auto& e : j["events"])
            if (e.value("kind", "") == "stream-started" &&
                e.value("details", Json::object()).value("streamGuid", "") == kGuid)
                return true;
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(started(), 10000);

    // A stream nobody publishes cannot be subscribed to.
    const auto unknown = call("GET", "/as/v1/streams/stream/" + kGroup + "/subscribe/live/nobody");
    QCOMPARE(unknown.status, 404);
    QVERIFY(!errorMessageOf(unknown).empty());
}

void TestServerE2e::restartReadoptsNodes() {
    if (!viewer_.isRunning() || !server_ || !server_->isRunning()) {
        startStreaming(); // run on its own: bring the cluster up first
        if (QTest::currentTestFailed())
            return;
    }
    const std::set<std::string> before = inServiceIds();
    QCOMPARE(before.size(), std::size_t{2});
    const auto pidsBefore = nginxPids();
    QCOMPARE(pidsBefore.size(), std::size_t{2});
    const std::string oldToken = token_;
    const std::string oldEventId = lastEventId();
    QVERIFY(!oldEventId.empty());

    server_->crash();
    QCOMPARE(server_->exitStatus(), QProcess::CrashExit);
    const int framesAtKill = viewer_.frames();
    QElapsedTimer clock;
    clock.start();

    startServer(); // same data directory, same LOCAL ports
    if (QTest::currentTestFailed())
        return;
    const auto upAt = clock.elapsed();

    // The token from before the crash still verifies: the signing key lives in the data dir.
    token_ = oldToken;
    const auto withOldToken = authed("GET", "/as/v1/admin/nodegroup");
    QVERIFY2(withOldToken.status == 200, qPrintable(describe(withOldToken)));
    QVERIFY2(withOldToken.body.find('"' + kGroup + '"') != std::string::npos,
             withOldToken.body.c_str());
    login(); // and the stored admin logs in again
    if (QTest::currentTestFailed())
        return;

    // The same nodes come back in service: re-adopted, none replaced.
    QTRY_VERIFY_WITH_TIMEOUT(inServiceIds() == before && nodeStatus().size() == 2, 30000);
    qInfo("SIGKILL to the same 2 nodes INSERVICE again: %lld ms (server up after %lld ms)",
          static_cast<long long>(clock.elapsed()), static_cast<long long>(upAt));
    QVERIFY2(nginxPids() == pidsBefore, "a node's nginx master changed: restarted, not adopted");

    // The viewer never stopped: frames kept coming while no server ran, and still do.
    const int framesAtAdoption = viewer_.frames();
    QVERIFY2(framesAtAdoption > framesAtKill,
             qPrintable(QStringLiteral("%1 <= %2").arg(framesAtAdoption).arg(framesAtKill)));
    QTRY_VERIFY_WITH_TIMEOUT(viewer_.frames() > framesAtAdoption + 30, 20000);
    QVERIFY(viewer_.isRunning());

    // An event id from the previous run tells the client to reload its state.
    const auto events = authed("GET", "/as/v1/admin/events?after=" + oldEventId);
    QCOMPARE(events.status, 200);
    QVERIFY2(parseJson(events.body).value("reset", false), events.body.c_str());

    // Routing answers again, with the same edge, and a new viewer plays through it.
    RawResponse subscribe;
    QTRY_VERIFY2_WITH_TIMEOUT(
        (subscribe = subscribeRouting()).status == 200,
        qPrintable(describe(subscribe) + QStringLiteral("; live: ") +
                   describe(call("GET", "/as/v1/streams/stream/" + kGroup + "?aggregate=false"))),
        20000);
    const Json sub = parseJson(subscribe.body);
    QVERIFY2(sub.is_array() && !sub.empty(), subscribe.body.c_str());
    const auto viewUrl = QString::fromStdString(sub[0]["urls"].value("rtmp", ""));
    QVERIFY2(viewUrl.contains(QStringLiteral("127.0.0.1:%1/").arg(edgePort_)), qPrintable(viewUrl));
    FfmpegProcess second;
    second.startViewer(viewUrl);
    QTRY_VERIFY2_WITH_TIMEOUT(second.frames() > 30, qPrintable(second.errorOutput()), 30000);
}

void TestServerE2e::unauthorisedAndBadRequestsOverHttp() {
    if (!server_ || !server_->isRunning()) {
        startServer();
        if (QTest::currentTestFailed())
            return;
    }
    login();
    if (QTest::currentTestFailed())
        return;

    std::string tampered = token_;
    const auto signature = tampered.rfind('.') + 1;
    char& flipped = tampered[signature + (tampered.size() - signature) / 2];
    flipped = flipped == 'A' ? 'B' : 'A';
    const std::string alg = base64Url(R"({"alg":"none","typ":"JWT"})");
    const std::string claims =
        base64Url(R"({"sub":"admin","roles":"ROLE_ADMIN","exp":9999999999})");
    const std::vector<std::pair<const char*, std::string>> refused = {
        {"no token", ""},
        {"garbage token", "Bearer garbage"},
        {"tampered signature", "Bearer " + tampered},
        {"signed with another key", "Bearer " + forgedToken()},
        {"alg none", "Bearer " + alg + "." + claims + "."},
        {"basic credentials",
         "Basic " + QByteArray("admin:" + kPassword.toUtf8()).toBase64().toStdString()},
    };
    for (const auto& [name, authorization] : refused) {
        const auto res = call("GET", "/as/v1/admin/nodegroup", authorization);
        QVERIFY2(res.status == 401,
                 qPrintable(QString::fromUtf8(name) + QStringLiteral(": ") + describe(res)));
        QVERIFY2(!errorMessageOf(res).empty(), name);
        QVERIFY2(res.headers.find("WWW-Authenticate: Bearer") != std::string::npos, name);
    }
    const auto wrongPassword =
        call("PUT", "/as/v1/auth/login",
             "Basic " + QByteArray("admin:not-the-password").toBase64().toStdString());
    QCOMPARE(wrongPassword.status, 401);
    QVERIFY(!errorMessageOf(wrongPassword).empty());

    // A body over the 1 MiB limit is refused from its Content-Length, before it is read.
    const std::string head = "POST /as/v1/admin/nodegroup HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Authorization: Bearer " +
                             token_ +
                             "\r\nContent-Type: application/json\r\n"
                             "Content-Length: 2000000\r\n\r\n";
    const auto oversized =
        sy::test::rawExchange(port_, head + std::string(64 * 1024, ' '), std::chrono::seconds(10));
    QVERIFY2(oversized.status == 413, qPrintable(describe(oversized)));
    QVERIFY2(errorMessageOf(oversized).find("larger than") != std::string::npos,
             oversized.body.c_str());

    // A body nested 200,000 arrays deep stopped the server (issue 14.1): now a 400 naming the
    // limit, and the process lives on.
    const auto deep = authed("POST", "/as/v1/admin/evaluate/capacity",
                             R"({"expression": "1", "metrics": )" + std::string(200000, '[') +
                                 std::string(200000, ']') + "}");
    QVERIFY2(deep.status == 400, qPrintable(describe(deep)));
    QVERIFY2(errorMessageOf(deep).find("nests deeper than 64 levels") != std::string::npos,
             deep.body.c_str());

    // None of this hurt the server.
    QCOMPARE(sy::test::httpGet(port_, "/as/v1/admin/healthz").status, 200);
    QCOMPARE(authed("GET", "/as/v1/admin/nodegroup").status, 200);
    QVERIFY(server_->isRunning());
}

void TestServerE2e::deleteGroupAndStopServer() {
    if (!server_ || !server_->isRunning())
        return;
    if (groupCreated_) {
        login();
        if (QTest::currentTestFailed())
            return;
        // Deleting the group stops its nginx processes; then the group is gone.
        const auto deleted = authed("DELETE", "/as/v1/admin/nodegroup/" + kGroup);
        QVERIFY2(deleted.status == 200, qPrintable(describe(deleted)));
        auto gone = [&] {
            int status = 0;
            const bool empty = nodeStatus(&status).empty();
            return status == 404 || (status == 200 && empty);
        };
        QTRY_VERIFY_WITH_TIMEOUT(gone(), 30000);
        groupCreated_ = false;
    }
    QVERIFY2(server_->stop(), qPrintable(server_->output()));
}

void TestServerE2e::cleanupTestCase() {
    viewer_.stop();
    publisher_.stop();
    deleteGroupAndStopServer();
    server_.reset();
    // Nothing may outlive the test. Should a step above have failed, end what is left.
    auto left = processesUnder(dataDir_);
    for (const pid_t pid : left)
        ::kill(pid, SIGTERM);
    QDeadlineTimer deadline(5000);
    while (!processesUnder(dataDir_).empty() && !deadline.hasExpired())
        QTest::qWait(100);
    for (const pid_t pid : processesUnder(dataDir_))
        ::kill(pid, SIGKILL);
    QVERIFY2(left.empty(), qPrintable(QStringLiteral("%1 processes were still running under %2")
                                          .arg(left.size())
                                          .arg(dataDir_)));
}

QTEST_GUILESS_MAIN(TestServerE2e)
#include "tst_server_e2e.moc"
