// RemoteBackend against a real switchyard-server process running its SIMULATED demo group:
// attaching, commands and their errors, a refused login, and surviving a server restart.

#include "ui/backend/remotebackend.h"

#include "tests/support/serverprocess.h"

#include <QDeadlineTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>
#include <optional>

using sy::test::ServerLaunch;
using sy::test::ServerProcess;
using sy::ui::RemoteBackend;

namespace {

const QString kPassword = QStringLiteral("remote-test-secret-1");

QUrl urlOf(quint16 port) {
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
}

// The demo group with at least three INSERVICE nodes that report metrics.
bool demoIsUp(const RemoteBackend& b) {
    // Pinned: a pointer into a temporary snapshot would dangle.
    const auto pinned = b.snapshot();
    const auto* g = pinned->group("demo");
    if (!g)
        return false;
    int ready = 0;
    for (const auto& n : g->nodes)
        ready += n.state == sy::model::NodeState::InService && !n.metrics.empty() ? 1 : 0;
    return ready >= 3;
}

bool sawConnection(const QSignalSpy& spy, bool connected, const QString& needle = {}) {
    for (const auto& args : spy)
        if (args.at(0).toBool() == connected && args.at(1).toString().contains(needle))
            return true;
    return false;
}

} // namespace

class TestRemoteBackend : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void attachesAndSeesTheDemo();
    void commandsAndTheirErrors();
    void eventsArriveOverTheStream();
    void expressionsAreCheckedWhereTheClusterLives_data();
    void expressionsAreCheckedWhereTheClusterLives();
    void wrongPasswordKeepsTheConnectionDown();
    void survivesAServerRestart();

private:
    std::unique_ptr<QTemporaryDir> dataDir_;
    std::unique_ptr<ServerProcess> server_;
    quint16 port_ = 0;

    ServerLaunch launch(quint16 port) const {
        return {dataDir_->path(),
                port,
                {QStringLiteral("--demo")},
                {{QStringLiteral("SWITCHYARD_ADMIN_PASSWORD"), kPassword}}};
    }
};

void TestRemoteBackend::init() {
    dataDir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dataDir_->isValid());
    server_ = std::make_unique<ServerProcess>(launch(0));
    port_ = server_->waitForPort();
    QVERIFY2(port_ != 0, qPrintable(server_->errors()));
}

void TestRemoteBackend::cleanup() {
    server_.reset();
    dataDir_.reset();
}

void TestRemoteBackend::attachesAndSeesTheDemo() {
    RemoteBackend backend(urlOf(port_), QStringLiteral("admin"), kPassword, 200);
    QCOMPARE(backend.description(), urlOf(port_).toString());
    QSignalSpy connection(&backend, &RemoteBackend::connectionChanged);
    QSignalSpy snapshots(&backend, &RemoteBackend::snapshotChanged);
    sy::ui::EventList events;
    connect(&backend, &RemoteBackend::eventsArrived, this,
            [&events](const sy::ui::EventList& batch) {
                events.insert(events.end(), batch.begin(), batch.end());
            });

    QTRY_VERIFY_WITH_TIMEOUT(demoIsUp(backend), 60000);
    QVERIFY(backend.isConnected());
    QVERIFY(!backend.disconnectedSince().isValid());
    QVERIFY(sawConnection(connection, true, QStringLiteral("connected to")));
    const auto snap = backend.snapshot();
    QVERIFY(snap->observed);
    QVERIFY(snap->version >= 1);
    const auto* demo = snap->group("demo");
    QVERIFY(demo->simulated);
    QCOMPARE(demo->config.name.value_or(""), std::string("demo"));
    QVERIFY(demo->config.groups.has_value());
    for (const auto& n : demo->nodes) {
        QVERIFY(!n.nodeId.empty());
        QVERIFY(!n.role.empty());
        QCOMPARE(n.nodeGroup, std::string("demo"));
    }

    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(events.begin(), events.end(),
                                         [](const sy::engine::Event& e) {
                                             return e.kind ==
                                                        sy::engine::EventKind::NodeGroupChanged &&
                                                    e.nodeGroup == "demo" &&
                                                    e.details.value("change", "") == "created";
                                         }),
                             10000);
    for (std::size_t i = 1; i < events.size(); ++i)
        QVERIFY(events[i - 1].sequence < events[i].sequence);
    // Polling continues: later pages do not repeat what was delivered.
    const auto delivered = events.size();
    const auto before = snapshots.count();
    QTRY_VERIFY_WITH_TIMEOUT(snapshots.count() >= before + 3, 10000);
    for (std::size_t i = delivered; i < events.size(); ++i)
        QVERIFY(events[i].sequence > events[delivered - 1].sequence);
    QVERIFY(backend.snapshot()->version > snap->version);

    // The nodes carry the streams the server's stream routes list: published on origins,
    // pulled by edges, with the viewers on the edges.
    const auto streamsSeen = [&backend] {
        const auto current = backend.snapshot();
        int published = 0;
        int pulled = 0;
        for (const auto& n : current->group("demo")->nodes)
            for (const auto& s : n.streams) {
                if (s.publishing && n.role != "origin")
                    return false;
                published += s.publishing;
                pulled += !s.publishing && s.viewers > 0;
            }
        return published > 0 && pulled > 0;
    };
    QTRY_VERIFY_WITH_TIMEOUT(streamsSeen(), 10000);
}

void TestRemoteBackend::commandsAndTheirErrors() {
    RemoteBackend backend(urlOf(port_), QStringLiteral("admin"), kPassword, 200);
    QTRY_VERIFY_WITH_TIMEOUT(demoIsUp(backend), 60000);
    QVERIFY(!backend.snapshot()->group("demo")->paused);

    std::optional<sy::Result<void>> paused;
    backend.setPaused("demo", true, [&paused](sy::Result<void> r) { paused = std::move(r); });
    QTRY_VERIFY_WITH_TIMEOUT(paused.has_value(), 10000);
    QVERIFY2(paused->ok(), paused->ok() ? "" : paused->error().message.c_str());
    QTRY_VERIFY_WITH_TIMEOUT(backend.snapshot()->group("demo")->paused, 10000);

    std::optional<sy::Result<void>> resumed;
    backend.setPaused("demo", false, [&resumed](sy::Result<void> r) { resumed = std::move(r); });
    QTRY_VERIFY_WITH_TIMEOUT(resumed.has_value(), 10000);
    QVERIFY(resumed->ok());
    QTRY_VERIFY_WITH_TIMEOUT(!backend.snapshot()->group("demo")->paused, 10000);

    std::optional<sy::Result<void>> duplicate;
    backend.createNodeGroup(backend.snapshot()->group("demo")->config,
                            [&duplicate](sy::Result<void> r) { duplicate = std::move(r); });
    QTRY_VERIFY_WITH_TIMEOUT(duplicate.has_value(), 10000);
    QVERIFY(!duplicate->ok());
    QCOMPARE(duplicate->error().code, std::string("exists"));
    QVERIFY2(duplicate->error().message.find("exists already") != std::string::npos,
             duplicate->error().message.c_str());

    std::optional<sy::Result<void>> missing;
    backend.deleteNodeGroup("no-such-group",
                            [&missing](sy::Result<void> r) { missing = std::move(r); });
    QTRY_VERIFY_WITH_TIMEOUT(missing.has_value(), 10000);
    QVERIFY(!missing->ok());
    QCOMPARE(missing->error().code, std::string("not_found"));
    QVERIFY(!missing->error().message.empty());
    QVERIFY(missing->error().message.front() != '{'); // the errorMessage, not the raw body
}

void TestRemoteBackend::eventsArriveOverTheStream() {
    // Refresh rounds ten minutes apart: after the first round, events can only come over SSE.
    RemoteBackend backend(urlOf(port_), QStringLiteral("admin"), kPassword, 600000);
    sy::ui::EventList events;
    connect(&backend, &RemoteBackend::eventsArrived, this,
            [&events](const sy::ui::EventList& batch) {
                events.insert(events.end(), batch.begin(), batch.end());
            });
    QTRY_VERIFY_WITH_TIMEOUT(backend.eventsStreaming(), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(backend.snapshot()->group("demo") != nullptr, 20000);
    events.clear();
    // Done by another client, so that no command of this backend triggers a refresh round.
    RemoteBackend other(urlOf(port_), QStringLiteral("admin"), kPassword, 600000);
    std::optional<sy::Result<void>> paused;
    other.setPaused("demo", true, [&paused](sy::Result<void> r) { paused = std::move(r); });
    QTRY_VERIFY_WITH_TIMEOUT(paused.has_value() && paused->ok(), 20000);
    const auto sawPause = [&events] {
        return std::any_of(events.begin(), events.end(), [](const sy::engine::Event& e) {
            return e.kind == sy::engine::EventKind::NodeGroupChanged && e.nodeGroup == "demo" &&
                   e.details.value("change", "") == "paused";
        });
    };
    QTRY_VERIFY_WITH_TIMEOUT(sawPause(), 10000);
    QVERIFY(backend.eventsStreaming());
    for (std::size_t i = 1; i < events.size(); ++i)
        QVERIFY(events[i - 1].sequence < events[i].sequence);
}

void TestRemoteBackend::wrongPasswordKeepsTheConnectionDown() {
    RemoteBackend backend(urlOf(port_), QStringLiteral("admin"), QStringLiteral("wrong"), 200);
    QSignalSpy connection(&backend, &RemoteBackend::connectionChanged);
    QTRY_VERIFY_WITH_TIMEOUT(sawConnection(connection, false, QStringLiteral("401")), 10000);
    QVERIFY(sawConnection(connection, false, QStringLiteral("invalid user name or password")));
    QVERIFY(sawConnection(connection, false, QStringLiteral("disconnected since ")));
    QVERIFY(!backend.isConnected());
    QVERIFY(backend.disconnectedSince().isValid());
    QVERIFY(backend.snapshot()->groups.empty());

    std::optional<sy::Result<void>> refused;
    backend.setPaused("demo", true, [&refused](sy::Result<void> r) { refused = std::move(r); });
    QTRY_VERIFY_WITH_TIMEOUT(refused.has_value(), 10000);
    QVERIFY(!refused->ok());
    QCOMPARE(refused->error().code, std::string("unauthorized"));
    QVERIFY(!sawConnection(connection, true));
}

void TestRemoteBackend::survivesAServerRestart() {
    RemoteBackend backend(urlOf(port_), QStringLiteral("admin"), kPassword, 200);
    QSignalSpy connection(&backend, &RemoteBackend::connectionChanged);
    QTRY_VERIFY_WITH_TIMEOUT(demoIsUp(backend), 60000);
    QVERIFY(sawConnection(connection, true));
    connection.clear();

    server_->process().terminate();
    QVERIFY(server_->process().waitForFinished(15000));
    QTRY_VERIFY_WITH_TIMEOUT(sawConnection(connection, false, QStringLiteral("disconnected since")),
                             15000);
    QVERIFY(!backend.isConnected());
    QVERIFY(backend.disconnectedSince().isValid());
    QVERIFY(backend.snapshot()->group("demo")); // the last good snapshot stays on screen

    const quint16 port = port_;
    server_ = std::make_unique<ServerProcess>(launch(port));
    QCOMPARE(server_->waitForPort(), port);
    connection.clear();
    const auto version = backend.snapshot()->version;
    // Back-off is at most a few seconds here: the outage was short.
    QTRY_VERIFY_WITH_TIMEOUT(sawConnection(connection, true, QStringLiteral("connected to")),
                             40000);
    QVERIFY(backend.isConnected());
    QTRY_VERIFY_WITH_TIMEOUT(backend.snapshot()->version > version && demoIsUp(backend), 60000);
}

void TestRemoteBackend::expressionsAreCheckedWhereTheClusterLives_data() {
    QTest::addColumn<bool>("capacity");
    QTest::addColumn<QString>("expression");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("expected"); // the value, or a piece of the error
    QTest::addRow("capacity number")
        << true << QStringLiteral("1 + 2 * 3") << true << QStringLiteral("7");
    QTest::addRow("capacity metric")
        << true << QStringLiteral("cpu.process.load * 10") << true << QStringLiteral("0");
    QTest::addRow("scale boolean") << false << QStringLiteral("avg(connections.subscriber) > 100")
                                   << true << QStringLiteral("false");
    QTest::addRow("capacity syntax")
        << true << QStringLiteral("1 +") << false << QStringLiteral("column");
    QTest::addRow("scale unknown metric") << false << QStringLiteral("avg(no.such.metric) > 1")
                                          << false << QStringLiteral("no.such.metric");
}

void TestRemoteBackend::expressionsAreCheckedWhereTheClusterLives() {
    QFETCH(bool, capacity);
    QFETCH(QString, expression);
    QFETCH(bool, valid);
    QFETCH(QString, expected);
    RemoteBackend backend(urlOf(port_), QStringLiteral("admin"), kPassword, 200);
    std::optional<sy::Result<QString>> answer;
    bool insideTheCall = true;
    backend.evaluateExpression(capacity ? sy::ui::ClusterBackend::ExpressionKind::Capacity
                                        : sy::ui::ClusterBackend::ExpressionKind::Scale,
                               expression, [&](sy::Result<QString> r) {
                                   QVERIFY(!insideTheCall);
                                   answer = std::move(r);
                               });
    insideTheCall = false;
    QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 20000);
    QCOMPARE(answer->ok(), valid);
    if (valid)
        QCOMPARE(answer->value(), expected);
    else
        QVERIFY2(answer->error().message.find(expected.toStdString()) != std::string::npos,
                 answer->error().message.c_str());
}

QTEST_GUILESS_MAIN(TestRemoteBackend)
#include "tst_remotebackend.moc"
