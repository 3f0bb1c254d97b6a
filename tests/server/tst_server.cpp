// switchyard-server as a real process: it starts, answers health checks over real HTTP on
// loopback, refuses bad options and oversized requests with clear errors, and stops cleanly on
// SIGTERM and SIGINT. The router's behaviour is also tested without sockets.

#include "core/api/clusterhost.h"
#include "core/api/router.h"
#include "core/store/sqlitestore.h"
#include "tests/support/rawhttp.h"
#include "tests/support/serverprocess.h"

#include "tests/support/jsontest.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <QTest>

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using sy::api::HttpRequest;
using sy::api::HttpResponse;
using Json = nlohmann::json;
using sy::test::ServerLaunch;
using sy::test::serverPath;
using sy::test::ServerProcess;

namespace {} // namespace

class TestServer : public QObject {
    Q_OBJECT
private slots:
    void routerMatchesAndReportsErrorsAsJson();
    void routerTakesGuidsWithSlashes();
    void healthzOverRealHttp();
    void unusableDataDirIsReported();
    void stopsCleanlyOnSignal_data();
    void stopsCleanlyOnSignal();
    void oversizedBodyIs413();
    void malformedRequestIs400();
    void badOptionsAreRefused_data();
    void badOptionsAreRefused();
    void busyPortIsReported();
    void connectionsPerAddressAreCapped();
    void demoRunsASimulatedNodeGroup();
    void servesHttpsWithAGeneratedFirstAdmin();
    void secondServerOnTheSameDataDirIsRefused();
    void embeddedHostRefusesADirectoryHeldByAServer();
    void adminPasswordFromTheEnvironmentRevokesOnlyWhenChanged();
};

void TestServer::routerMatchesAndReportsErrorsAsJson() {
    sy::api::Router router;
    router.add("GET", "/as/v1/admin/healthz", [](const HttpRequest&, const sy::api::PathParams&) {
        return HttpResponse::json(200, {{"status", "UP"}});
    });
    HttpRequest req{"GET", "/as/v1/admin/healthz?verbose=1", {}, {}, {}};
    QCOMPARE(router.dispatch(req).status, 200);

    req.target = "/as/v1/admin/nope";
    const HttpResponse missing = router.dispatch(req);
    QCOMPARE(missing.status, 404);
    QCOMPARE_JSON(Json::parse(missing.body)["errorMessage"],
                  Json("no route for GET /as/v1/admin/nope"));

    req.method = "DELETE";
    req.target = "/as/v1/admin/healthz";
    const HttpResponse wrongMethod = router.dispatch(req);
    QCOMPARE(wrongMethod.status, 405);
    QVERIFY(Json::parse(wrongMethod.body)["errorMessage"].get<std::string>().find("use GET") !=
            std::string::npos);
}

void TestServer::routerTakesGuidsWithSlashes() {
    sy::api::Router router;
    router.add("GET", "/as/v1/streams/stream/{ng}/publish/{guid...}",
               [](const HttpRequest&, const sy::api::PathParams& p) {
                   return HttpResponse::json(200, {{"ng", p.at("ng")}, {"guid", p.at("guid")}});
               });
    const HttpRequest req{
        "GET", "/as/v1/streams/stream/ng1/publish/live/room%201/cam?x=1", {}, {}, {}};
    const Json j = Json::parse(router.dispatch(req).body);
    QCOMPARE_JSON(j["ng"], Json("ng1"));
    QCOMPARE_JSON(j["guid"], Json("live/room 1/cam"));
}

void TestServer::healthzOverRealHttp() {
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("state"));
    ServerProcess server(ServerLaunch{data});
    const quint16 port = server.waitForPort();
    QVERIFY2(port != 0, qPrintable(server.output()));

    const auto health = sy::test::httpGet(port, "/as/v1/admin/healthz");
    QCOMPARE(health.status, 200);
    QCOMPARE_JSON(Json::parse(health.body)["status"], Json("UP"));
    QVERIFY(health.headers.find("Content-Type: application/json") != std::string::npos);

    const auto missing = sy::test::httpGet(port, "/as/v1/admin/unknown");
    QCOMPARE(missing.status, 404);
    QVERIFY(Json::parse(missing.body).contains("errorMessage"));

    // The data directory is created private to its owner: it will hold the JWT secret.
    QFileInfo info(data);
    QVERIFY(info.isDir());
    QCOMPARE(info.permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions{});
    // The state store is a SQLite file in WAL mode inside it.
    QVERIFY(QFileInfo::exists(data + QStringLiteral("/switchyard.db")));
    QVERIFY(QFileInfo::exists(data + QStringLiteral("/switchyard.db-wal")));
}

void TestServer::unusableDataDirIsReported() {
    QTemporaryDir dir;
    // A file where the database should be: the store cannot open it, and says where.
    QDir().mkpath(dir.filePath(QStringLiteral("state/switchyard.db")));
    QProcess proc;
    proc.start(serverPath(), {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                              QStringLiteral("--data-dir"), dir.filePath(QStringLiteral("state"))});
    QVERIFY(proc.waitForFinished(10000));
    QCOMPARE(proc.exitCode(), 1);
    const QString err = QString::fromUtf8(proc.readAllStandardError());
    QVERIFY2(err.contains(QStringLiteral("switchyard.db")), qPrintable(err));
}

void TestServer::stopsCleanlyOnSignal_data() {
    QTest::addColumn<int>("signal");
    QTest::addRow("SIGTERM") << int(SIGTERM);
    QTest::addRow("SIGINT") << int(SIGINT);
}

void TestServer::stopsCleanlyOnSignal() {
    QFETCH(int, signal);
    QTemporaryDir dir;
    ServerProcess server(ServerLaunch{dir.path()});
    const quint16 port = server.waitForPort();
    QVERIFY(port != 0);
    // An idle keep-alive connection must not hold the stop back.
    const int idle = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::connect(idle, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);

    ::kill(static_cast<pid_t>(server.process().processId()), signal);
    QVERIFY(server.process().waitForFinished(10000));
    ::close(idle);
    QCOMPARE(server.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.process().exitCode(), 0);
    QVERIFY(server.output().contains(QStringLiteral("stopping")));
}

void TestServer::oversizedBodyIs413() {
    QTemporaryDir dir;
    ServerProcess server(ServerLaunch{dir.path()});
    const quint16 port = server.waitForPort();
    QVERIFY(port != 0);
    const std::string body(2 * 1024 * 1024, 'x');
    const auto res = sy::test::rawExchange(
        port, "PUT /as/v1/admin/healthz HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n" + body);
    QCOMPARE(res.status, 413);
    QVERIFY(Json::parse(res.body)["errorMessage"].get<std::string>().find("larger than") !=
            std::string::npos);
    // The server is still serving.
    QCOMPARE(sy::test::httpGet(port, "/as/v1/admin/healthz").status, 200);
}

void TestServer::malformedRequestIs400() {
    QTemporaryDir dir;
    ServerProcess server(ServerLaunch{dir.path()});
    const quint16 port = server.waitForPort();
    QVERIFY(port != 0);
    const auto res = sy::test::rawExchange(port, "NOT HTTP AT ALL\r\n\r\n");
    QCOMPARE(res.status, 400);
    QVERIFY(Json::parse(res.body).contains("errorMessage"));
    QCOMPARE(sy::test::httpGet(port, "/as/v1/admin/healthz").status, 200);
}

void TestServer::badOptionsAreRefused_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::addRow("listen without port")
        << QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1")}
        << "expected HOST:PORT";
    QTest::addRow("listen on a name")
        << QStringList{QStringLiteral("--listen"), QStringLiteral("localhost:80")}
        << "host must be an IP address";
    QTest::addRow("password on argv")
        << QStringList{QStringLiteral("--admin-password=x")} << "not taken from the command line";
    QTest::addRow("tls cert without key")
        << QStringList{QStringLiteral("--tls-cert"), QStringLiteral("c.pem")}
        << "--tls-cert and --tls-key go together";
    QTest::addRow("token ttl zero")
        << QStringList{QStringLiteral("--token-ttl"), QStringLiteral("0")} << "--token-ttl";
    QTest::addRow("local ports reversed")
        << QStringList{QStringLiteral("--local-ports"), QStringLiteral("30000-20000")}
        << "--local-ports";
    QTest::addRow("trusted proxy not an address")
        << QStringList{QStringLiteral("--trusted-proxy"), QStringLiteral("proxy.example")}
        << "trusted proxy 'proxy.example' is not an IP address";
    QTest::addRow("negative connections per address")
        << QStringList{QStringLiteral("--max-connections-per-address"), QStringLiteral("-1")}
        << "--max-connections-per-address: 0 to 100000";
    QTest::addRow("unknown option")
        << QStringList{QStringLiteral("--frobnicate")} << "unknown option '--frobnicate'";
}

void TestServer::badOptionsAreRefused() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    QProcess proc;
    proc.start(serverPath(), args);
    QVERIFY(proc.waitForFinished(10000));
    QCOMPARE(proc.exitCode(), 2);
    const QString err = QString::fromUtf8(proc.readAllStandardError());
    QVERIFY2(err.contains(message), qPrintable(err));
}

// --max-connections-per-address reaches the listener: with 1, a second open connection from
// 127.0.0.1 gets 429 while the first stays open.
void TestServer::connectionsPerAddressAreCapped() {
    QTemporaryDir dir;
    ServerProcess server(ServerLaunch{
        dir.path(), 0, {QStringLiteral("--max-connections-per-address"), QStringLiteral("1")}});
    const quint16 port = server.waitForPort();
    QVERIFY(port != 0);
    const int held = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::connect(held, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    QTRY_COMPARE(sy::test::httpGet(port, "/as/v1/admin/healthz").status, 429);
    ::close(held);
    // Polled by hand: every evaluation is a new connection, and a closed one leaves the count only
    // once the server has read its FIN, so QTRY_COMPARE's second evaluation could race its first.
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (status != 200 && std::chrono::steady_clock::now() < deadline)
        if ((status = sy::test::httpGet(port, "/as/v1/admin/healthz").status) != 200)
            QTest::qWait(20);
    QCOMPARE(status, 200);
}

void TestServer::busyPortIsReported() {
    QTemporaryDir dir;
    ServerProcess first(ServerLaunch{dir.filePath(QStringLiteral("a"))});
    const quint16 port = first.waitForPort();
    QVERIFY(port != 0);
    QProcess second;
    second.start(serverPath(),
                 {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port),
                  QStringLiteral("--data-dir"), dir.filePath(QStringLiteral("b"))});
    QVERIFY(second.waitForFinished(10000));
    QCOMPARE(second.exitCode(), 1);
    const QString err = QString::fromUtf8(second.readAllStandardError());
    QVERIFY2(err.contains(QStringLiteral("cannot listen on 127.0.0.1:%1").arg(port)),
             qPrintable(err));
}

void TestServer::demoRunsASimulatedNodeGroup() {
    QTemporaryDir dir;
    {
        ServerProcess server(ServerLaunch{dir.path(), 0, {QStringLiteral("--demo")}});
        QVERIFY(server.waitForPort() != 0);
        QTRY_VERIFY_WITH_TIMEOUT(server.output().contains(QStringLiteral("demo node group")),
                                 10000);
        // The demo's nodes are created through the journal: wait for all three.
        auto created = [&] {
            auto store = sy::store::SqliteStore::open(
                dir.filePath(QStringLiteral("switchyard.db")).toStdString());
            if (!store)
                return 0;
            auto intents = (*store)->intentsFor("demo");
            int done = 0;
            if (intents)
                for (const auto& i : *intents)
                    done += i.action == "create_node" && i.state == sy::store::IntentState::Done;
            return done;
        };
        QTRY_COMPARE_WITH_TIMEOUT(created(), 3, 10000);
        ::kill(static_cast<pid_t>(server.process().processId()), SIGTERM);
        QVERIFY(server.process().waitForFinished(10000));
        QCOMPARE(server.process().exitCode(), 0);
    }
    auto store =
        sy::store::SqliteStore::open(dir.filePath(QStringLiteral("switchyard.db")).toStdString());
    QVERIFY(store.ok());
    QVERIFY((*store)->getNodeGroup("demo").ok());
}

// HTTPS with the operator's certificate; no admin password given, so the first start writes a
// random one to a private file, and that password logs in over TLS.
void TestServer::servesHttpsWithAGeneratedFirstAdmin() {
    QTemporaryDir dir;
    const QString cert = dir.filePath(QStringLiteral("cert.pem"));
    const QString key = dir.filePath(QStringLiteral("key.pem"));
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                   QStringLiteral("1"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                   QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert});
    QVERIFY(openssl.waitForFinished(60000) && openssl.exitCode() == 0);
    const QString data = dir.filePath(QStringLiteral("state"));
    ServerProcess server(ServerLaunch{
        data, 0, {QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), key}});
    const quint16 port = server.waitForPort();
    QVERIFY2(port != 0, qPrintable(server.output()));
    QVERIFY(server.output().contains(QStringLiteral("https://")));

    QFile passwordFile(data + QStringLiteral("/initial-admin-password"));
    QVERIFY(passwordFile.open(QIODevice::ReadOnly));
    QCOMPARE(passwordFile.permissions() & (QFile::ReadGroup | QFile::ReadOther),
             QFile::Permissions{});
    const QString password = QString::fromUtf8(passwordFile.readAll()).trimmed();
    QVERIFY(password.size() >= 16);
    QFile secret(data + QStringLiteral("/jwt.secret"));
    QVERIFY(secret.exists());
    QCOMPARE(secret.permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions{});

    const QString base = QStringLiteral("https://127.0.0.1:%1").arg(port);
    QProcess curl;
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-s"), QStringLiteral("--cacert"), cert, QStringLiteral("-X"),
                QStringLiteral("PUT"), QStringLiteral("-u"), QStringLiteral("admin:") + password,
                base + QStringLiteral("/as/v1/auth/login")});
    QVERIFY(curl.waitForFinished(15000));
    const auto login = Json::parse(curl.readAllStandardOutput().toStdString(), nullptr, false);
    QVERIFY2(login.contains("token"), login.dump().c_str());
    // Plain HTTP to the TLS port gets no HTTP answer.
    QCOMPARE(sy::test::httpGet(port, "/as/v1/admin/healthz").status, 0);
}

// Two servers on one data directory would both reconcile the same nodes. The second refuses,
// naming the first; a lock left by a SIGKILLed server does not block its restart.
void TestServer::secondServerOnTheSameDataDirIsRefused() {
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("state"));
    ServerProcess first(ServerLaunch{data});
    QVERIFY2(first.waitForPort() != 0, qPrintable(first.output()));
    const qint64 pid = first.process().processId();

    QProcess second;
    second.start(serverPath(), {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                QStringLiteral("--data-dir"), data});
    QVERIFY(second.waitForFinished(20000));
    QCOMPARE(second.exitStatus(), QProcess::NormalExit);
    QVERIFY(second.exitCode() != 0);
    const QString err = QString::fromUtf8(second.readAllStandardError());
    QVERIFY2(err.contains(QStringLiteral("in use by process %1").arg(pid)), qPrintable(err));
    QVERIFY(
        !QString::fromUtf8(second.readAllStandardOutput()).contains(QStringLiteral("listening")));
    QVERIFY(first.isRunning());

    first.crash();
    ServerProcess restarted(ServerLaunch{data});
    QVERIFY2(restarted.waitForPort() != 0, qPrintable(restarted.errors()));
}

// The console's embedded mode opens the same ClusterHost: a directory a server holds is an
// error it can show (ConsoleLauncher::connectEmbedded), not a second core.
void TestServer::embeddedHostRefusesADirectoryHeldByAServer() {
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("state"));
    ServerProcess server(ServerLaunch{data});
    QVERIFY2(server.waitForPort() != 0, qPrintable(server.output()));
    {
        sy::api::ClusterHostOptions o;
        o.dataDir = data.toStdString();
        auto host = sy::api::ClusterHost::open(std::move(o));
        QVERIFY(!host.ok());
        QCOMPARE(host.error().code, std::string("locked"));
        const std::string pid = std::to_string(server.process().processId());
        QVERIFY2(host.error().message.find("in use by process " + pid) != std::string::npos,
                 host.error().message.c_str());
    }
    QVERIFY(server.stop());
    sy::api::ClusterHostOptions o;
    o.dataDir = data.toStdString();
    auto host = sy::api::ClusterHost::open(std::move(o));
    QVERIFY2(host.ok(), host ? "" : host.error().message.c_str());
}

// The systemd unit starts the server with SWITCHYARD_ADMIN_PASSWORD every time. A restart with
// the same password keeps the admin's tokens (and API keys); a new password revokes them.
void TestServer::adminPasswordFromTheEnvironmentRevokesOnlyWhenChanged() {
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("state"));
    const auto launch = [&](const QString& password) {
        return ServerLaunch{data, 0, {}, {{QStringLiteral("SWITCHYARD_ADMIN_PASSWORD"), password}}};
    };
    const auto request = [](const std::string& method, const std::string& path,
                            const std::string& auth) {
        return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
               "Authorization: " + auth + "\r\n\r\n";
    };
    const std::string basic =
        "Basic " + QByteArray("admin:first-password").toBase64().toStdString();
    std::string bearer;
    {
        ServerProcess server(launch(QStringLiteral("first-password")));
        const quint16 port = server.waitForPort();
        QVERIFY2(port != 0, qPrintable(server.errors()));
        const auto login = sy::test::rawExchange(port, request("PUT", "/as/v1/auth/login", basic));
        QCOMPARE(login.status, 200);
        bearer = "Bearer " + Json::parse(login.body)["token"].get<std::string>();
        QVERIFY(server.stop());
    }
    {
        ServerProcess server(launch(QStringLiteral("first-password")));
        const quint16 port = server.waitForPort();
        QVERIFY2(port != 0, qPrintable(server.errors()));
        QCOMPARE(sy::test::rawExchange(port, request("GET", "/as/v1/admin/whoami", bearer)).status,
                 200);
        QVERIFY(server.stop());
    }
    ServerProcess server(launch(QStringLiteral("second-password")));
    const quint16 port = server.waitForPort();
    QVERIFY2(port != 0, qPrintable(server.errors()));
    const auto revoked = sy::test::rawExchange(port, request("GET", "/as/v1/admin/whoami", bearer));
    QCOMPARE(revoked.status, 401);
    QVERIFY2(revoked.body.find("revoked") != std::string::npos, revoked.body.c_str());
}

QTEST_GUILESS_MAIN(TestServer)
#include "tst_server.moc"
