// The whole console (Console: backend, window, pages) offscreen, against real clusters:
// - embedded, LOCAL nginx nodes: a node killed with SIGKILL turns FAULT in the nodes table and
//   the topology; the traffic lab's publisher and viewer go through the real routing;
// - attached to a real switchyard-server process on loopback: the pages show the server's
//   cluster, a restart of the server shows the "disconnected since" banner and the console
//   recovers by itself.
// The wizard's own flow is covered in tests/ui/wizards; here it is the path that matters:
// a group made with the console's "create with defaults" appears in the topology and tables.

#include "app/console/console.h"
#include "core/api/clusterhost.h"
#include "core/model/nodegroupcodec.h"
#include "core/providers/localprovider.h"
#include "tests/support/rawhttp.h"
#include "tests/support/serverprocess.h"
#include "tests/support/testgroups.h"
#include "ui/backend/embeddedbackend.h"
#include "ui/backend/remotebackend.h"
#include "ui/models/nodetablemodel.h"
#include "ui/models/streamtablemodel.h"
#include "ui/panels/nodespanel.h"
#include "ui/panels/streamspanel.h"
#include "ui/panels/trafficlabpanel.h"
#include "ui/shell/mainwindow.h"
#include "ui/style/statecolors.h"
#include "ui/topology/topologypanel.h"
#include "ui/topology/topologyscene.h"

#include <QAbstractButton>
#include <QLineEdit>
#include <QPointer>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWizard>

#include <nlohmann/json.hpp>

#include <csignal>

using namespace sy;
using model::NodeState;
using sy::test::ServerLaunch;
using sy::test::ServerProcess;

namespace {

const QString kPassword = QStringLiteral("console-test-secret-1");

model::NodeGroupConfig localGroup() {
    test::OriginEdgeOptions o;
    o.cloudPlatform = "LOCAL";
    o.subGroup = "local";
    o.edgeMin = 1;
    o.edgeMax = 2;
    return test::originEdgeGroup("lab", o);
}

// Rows of the nodes table as (node id → state text).
std::map<QString, QString> nodeRows(ui::NodesPanel& panel) {
    std::map<QString, QString> out;
    auto& m = panel.model();
    for (int r = 0; r < m.rowCount(); ++r)
        out[m.index(r, ui::NodeTableModel::NodeId).data().toString()] =
            m.index(r, ui::NodeTableModel::State).data().toString();
    return out;
}

int inService(ui::NodesPanel& panel, const QString& group) {
    int n = 0;
    auto& m = panel.model();
    for (int r = 0; r < m.rowCount(); ++r)
        n += m.index(r, ui::NodeTableModel::NodeGroup).data().toString() == group &&
             m.index(r, ui::NodeTableModel::State).data().toString() == QLatin1String("INSERVICE");
    return n;
}

} // namespace

class TestConsole : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void wizardGroupAppearsInTopologyAndTables();
    void defaultsGroupAppearsInTopologyAndTables();
    void killedNodeTurnsFaultInTableAndTopology();
    void trafficLabGoesThroughRealRouting();
    void attachedConsoleShowsTheServerAndSurvivesItsRestart();

private:
    void openEmbedded();
    void show(ui::Panel* page) { console_->window().showPanel(console_->window().indexOf(page)); }

    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<QSettings> settings_;
    api::ClusterHost* host_ = nullptr;
    std::unique_ptr<ui::Console> console_;
};

void TestConsole::init() {
    dir_ = std::make_unique<QTemporaryDir>();
    settings_ = std::make_unique<QSettings>(dir_->filePath(QStringLiteral("settings.ini")),
                                            QSettings::IniFormat);
}

void TestConsole::cleanup() {
    // LOCAL nodes outlive a stopped core by design (a restarted core re-adopts them): the
    // test's own nginx processes are destroyed through the core before it goes.
    if (console_ && host_ && console_->backend().snapshot()->group("lab")) {
        std::optional<Result<void>> deleted;
        console_->backend().deleteNodeGroup("lab", [&deleted](Result<void> r) { deleted = r; });
        QTRY_VERIFY_WITH_TIMEOUT(deleted.has_value(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(console_->backend().snapshot()->group("lab") == nullptr, 30000);
    }
    console_.reset();
    host_ = nullptr;
    settings_.reset();
    dir_.reset();
}

void TestConsole::openEmbedded() {
    api::ClusterHostOptions o;
    o.dataDir = dir_->filePath(QStringLiteral("cluster")).toStdString();
    o.localPorts = {22500, 22999}; // clear of the other suites' ranges
    o.core.tick = std::chrono::milliseconds(100);
    o.core.pollInterval = std::chrono::milliseconds(100);
    auto host = api::ClusterHost::open(std::move(o));
    QVERIFY2(host.ok(), host.ok() ? "" : host.error().message.c_str());
    QVERIFY2((*host)->localUnavailable().empty(), (*host)->localUnavailable().c_str());
    host_ = host->get();
    auto backend = std::make_unique<ui::EmbeddedBackend>(std::move(host).value(), 50);
    console_ = std::make_unique<ui::Console>(std::move(backend), host_, *settings_);
    console_->window().resize(1400, 900);
    console_->window().show();
}

void TestConsole::wizardGroupAppearsInTopologyAndTables() {
    openEmbedded();
    // The console's wizard deletes itself once closed: watched through a QPointer.
    QPointer<QWizard> wizard = qobject_cast<QWizard*>(console_->openWizard());
    QVERIFY(wizard);
    auto* name = wizard->findChild<QLineEdit*>(QStringLiteral("nameEdit"));
    QVERIFY(name);
    name->setText(QStringLiteral("wiz"));
    // Presets, regions, rules (checked live through the backend), review: Next until Finish.
    for (int page = 0; page < 3; ++page) {
        QTRY_VERIFY(wizard->button(QWizard::NextButton)->isEnabled());
        wizard->button(QWizard::NextButton)->click();
    }
    QTRY_VERIFY(wizard->button(QWizard::FinishButton)->isEnabled());
    wizard->button(QWizard::FinishButton)->click();
    QTRY_VERIFY_WITH_TIMEOUT(wizard.isNull(), 10000); // closed after the backend said yes

    auto& nodes = *console_->nodes();
    show(&nodes); // hidden pages skip snapshots until shown
    QTRY_VERIFY_WITH_TIMEOUT(inService(nodes, QStringLiteral("wiz")) >= 2, 20000);
    auto* scene = console_->topology()->scene();
    console_->topology()->refresh();
    // Held: a temporary snapshot would die before the loop ran.
    const auto held = console_->backend().snapshot();
    for (const auto& n : held->group("wiz")->nodes) {
        const auto id = QString::fromStdString(n.nodeId);
        QCOMPARE(scene->nodeColor(id), ui::stateColor(n.state));
        QVERIFY(nodeRows(nodes).count(id) == 1);
    }
}

void TestConsole::defaultsGroupAppearsInTopologyAndTables() {
    openEmbedded();
    host_->simulated().setLoad("cluster-1", {3, 120}); // so that its nodes carry streams
    console_->createWithDefaults();
    auto& nodes = *console_->nodes();
    show(&nodes); // hidden pages skip snapshots until shown
    QTRY_VERIFY_WITH_TIMEOUT(inService(nodes, QStringLiteral("cluster-1")) >= 2, 20000);
    const auto rows = nodeRows(nodes);
    auto* scene = console_->topology()->scene();
    console_->topology()->refresh();
    QCOMPARE(scene->nodeItemCount(), static_cast<int>(rows.size()));
    for (const auto& [id, state] : rows)
        QVERIFY2(scene->nodeColor(id).isValid(), qPrintable(id));
    // SIMULATED nodes carry streams: the streams table lists them and "show path" highlights
    // the nodes carrying the stream in the topology.
    auto& streams = *console_->streams();
    show(&streams);
    QTRY_VERIFY_WITH_TIMEOUT(streams.model().rowCount() > 0, 20000);
    const auto guid = streams.model().index(0, ui::StreamTableModel::Stream).data().toString();
    // "Show path" on the streams page switches to the topology with the path highlighted.
    Q_EMIT streams.showPathRequested(QStringLiteral("cluster-1"), guid);
    QCOMPARE(console_->window().currentPanel(), console_->window().indexOf(console_->topology()));
    const auto origin = streams.model().index(0, ui::StreamTableModel::Origin).data().toString();
    QVERIFY(scene->isHighlighted(origin));
}

void TestConsole::killedNodeTurnsFaultInTableAndTopology() {
    openEmbedded();
    std::optional<Result<void>> created;
    console_->backend().createNodeGroup(localGroup(), [&](Result<void> r) { created = r; });
    QTRY_VERIFY_WITH_TIMEOUT(created.has_value(), 20000);
    QVERIFY2(created->ok(), created->ok() ? "" : created->error().message.c_str());
    auto& nodes = *console_->nodes();
    show(&nodes); // hidden pages skip snapshots until shown
    QTRY_COMPARE_WITH_TIMEOUT(inService(nodes, QStringLiteral("lab")), 2, 30000);

    QString edge;
    // Held: a temporary snapshot would die before the loop ran.
    const auto held = console_->backend().snapshot();
    for (const auto& n : held->group("lab")->nodes)
        if (n.role == "edge")
            edge = QString::fromStdString(n.nodeId);
    auto local =
        std::dynamic_pointer_cast<providers::LocalProvider>(host_->providers().at("LOCAL"));
    const pid_t pid = local->pidOf(edge.toStdString());
    QVERIFY(pid > 0);
    QCOMPARE(::kill(pid, SIGKILL), 0);

    // FAULT in the table (with the reason as tooltip) and in the topology's colour.
    QTRY_COMPARE_WITH_TIMEOUT(nodeRows(nodes)[edge], QStringLiteral("FAULT"), 10000);
    auto& m = nodes.model();
    for (int r = 0; r < m.rowCount(); ++r)
        if (m.index(r, ui::NodeTableModel::NodeId).data().toString() == edge)
            QVERIFY(
                !m.index(r, ui::NodeTableModel::State).data(Qt::ToolTipRole).toString().isEmpty());
    console_->topology()->refresh();
    QCOMPARE(console_->topology()->scene()->nodeColor(edge), ui::stateColor(NodeState::Fault));
    // And it is replaced: a new edge comes INSERVICE.
    QTRY_COMPARE_WITH_TIMEOUT(inService(nodes, QStringLiteral("lab")), 2, 30000);
}

void TestConsole::trafficLabGoesThroughRealRouting() {
    openEmbedded();
    std::optional<Result<void>> created;
    console_->backend().createNodeGroup(localGroup(), [&](Result<void> r) { created = r; });
    QTRY_VERIFY_WITH_TIMEOUT(created.has_value(), 20000);
    auto& nodes = *console_->nodes();
    show(&nodes); // hidden pages skip snapshots until shown
    QTRY_COMPARE_WITH_TIMEOUT(inService(nodes, QStringLiteral("lab")), 2, 30000);

    auto* lab = console_->trafficLab();
    QVERIFY(lab->startLab(QStringLiteral("lab"), 1, 2));
    using K = ui::TrafficLab::Kind;
    using S = ui::TrafficLab::State;
    QTRY_COMPARE_WITH_TIMEOUT(lab->lab().count(K::Publisher, S::Running), 1, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(lab->lab().count(K::Viewer, S::Running), 2, 30000);
    // The publisher went to the origin and the viewers to the edge that routing chose: the
    // nodes report them, and the streams table shows live/lab1 with its viewers.
    const auto nodesSeeTheClients = [&] {
        // Pinned: a pointer into a temporary snapshot would dangle.
        const auto pinned = console_->backend().snapshot();
        const auto* g = pinned->group("lab");
        double publishers = 0;
        double viewers = 0;
        for (const auto& n : g->nodes) {
            if (auto it = n.metrics.find("connections.publisher"); it != n.metrics.end())
                publishers += it->second;
            if (n.role == "edge")
                if (auto it = n.metrics.find("connections.subscriber"); it != n.metrics.end())
                    viewers += it->second;
        }
        return publishers == 1 && viewers == 2;
    };
    QTRY_VERIFY_WITH_TIMEOUT(nodesSeeTheClients(), 30000);
    show(console_->streams());
    auto& streams = console_->streams()->model();
    QTRY_VERIFY_WITH_TIMEOUT(streams.rowCount() == 1, 10000);
    QCOMPARE(streams.index(0, ui::StreamTableModel::Stream).data().toString(),
             QStringLiteral("live/lab1"));
    lab->lab().stop();
    QCOMPARE(lab->lab().clients().size(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(streams.rowCount(), 0, 20000);
}

void TestConsole::attachedConsoleShowsTheServerAndSurvivesItsRestart() {
    const QString serverDir = dir_->filePath(QStringLiteral("server"));
    const ServerLaunch first(serverDir, 0, {QStringLiteral("--demo")},
                             {{QStringLiteral("SWITCHYARD_ADMIN_PASSWORD"), kPassword}});
    auto server = std::make_unique<ServerProcess>(first);
    const quint16 port = server->waitForPort();
    QVERIFY2(port != 0, qPrintable(server->errors()));
    const QUrl url(QStringLiteral("http://127.0.0.1:%1").arg(port));
    console_ = std::make_unique<ui::Console>(
        std::make_unique<ui::RemoteBackend>(url, QStringLiteral("admin"), kPassword, 200), nullptr,
        *settings_);
    console_->window().show();
    auto& nodes = *console_->nodes();
    show(&nodes); // hidden pages skip snapshots until shown
    QTRY_VERIFY_WITH_TIMEOUT(inService(nodes, QStringLiteral("demo")) >= 3, 30000);

    // The same cluster as the server's own API says (ids and states of node group "demo").
    const auto token = [&] {
        const auto login = test::rawExchange(
            port, "PUT /as/v1/auth/login HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " +
                      QByteArray("admin:" + kPassword.toUtf8()).toBase64().toStdString() +
                      "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return nlohmann::json::parse(login.body).value("token", std::string());
    }();
    QVERIFY(!token.empty());
    const auto sameAsTheServer = [&] {
        const auto status =
            test::rawExchange(port, "GET /as/v1/admin/nodegroup/status/demo HTTP/1.1\r\nHost: x\r\n"
                                    "Authorization: Bearer " +
                                        token + "\r\nConnection: close\r\n\r\n");
        std::map<QString, QString> fromServer;
        // [{nodeEvent, scalingEvent: {nodeId, state, …}}, …]
        for (const auto& n : nlohmann::json::parse(status.body, nullptr, false))
            if (n.is_object() && n.contains("scalingEvent"))
                fromServer[QString::fromStdString(n["scalingEvent"].value("nodeId", ""))] =
                    QString::fromStdString(n["scalingEvent"].value("state", ""));
        auto shown = nodeRows(nodes);
        return !fromServer.empty() && shown == fromServer;
    };
    QTRY_VERIFY_WITH_TIMEOUT(sameAsTheServer(), 20000);
    QCOMPARE(console_->window().bannerText(), QString());
    show(console_->streams()); // the server's streams, through its stream routes
    QTRY_VERIFY_WITH_TIMEOUT(console_->streams()->model().rowCount() > 0, 10000);
    show(&nodes);

    // The server goes away: the banner says since when; it comes back on the same port and
    // data: the console recovers without being touched.
    server->stop();
    QTRY_VERIFY_WITH_TIMEOUT(
        console_->window().bannerText().contains(QStringLiteral("disconnected since")), 20000);
    const ServerLaunch again(serverDir, port, {QStringLiteral("--demo")},
                             {{QStringLiteral("SWITCHYARD_ADMIN_PASSWORD"), kPassword}});
    server = std::make_unique<ServerProcess>(again);
    QCOMPARE(server->waitForPort(), port);
    QTRY_COMPARE_WITH_TIMEOUT(console_->window().bannerText(), QString(), 40000);
    QTRY_VERIFY_WITH_TIMEOUT(inService(nodes, QStringLiteral("demo")) >= 3, 30000);
}

QTEST_MAIN(TestConsole)
#include "tst_console.moc"
