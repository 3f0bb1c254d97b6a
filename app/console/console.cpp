#include "app/console/console.h"

#include "ui/backend/clusterbackend.h"
#include "ui/backend/commandrunner.h"
#include "ui/charts/chartspanel.h"
#include "ui/models/eventtablemodel.h"
#include "ui/panels/eventspanel.h"
#include "ui/panels/nodespanel.h"
#include "ui/panels/overviewpanel.h"
#include "ui/panels/provisionspanel.h"
#include "ui/panels/streamspanel.h"
#include "ui/panels/trafficlabpanel.h"
#include "ui/shell/mainwindow.h"
#include "ui/topology/topologypanel.h"
#include "ui/wall/monitoringwall.h"
#include "ui/wizards/nodegroupwizard.h"

#include <QAction>
#include <QDateTime>
#include <QStatusBar>

namespace sy::ui {

Console::Console(std::unique_ptr<ClusterBackend> backend, api::ClusterHost* host,
                 QSettings& settings, QObject* parent)
    : QObject(parent)
    , backend_(std::move(backend))
    , events_(std::make_unique<EventTableModel>())
    , runner_(std::make_unique<CommandRunner>())
    , window_(std::make_unique<MainWindow>(settings)) {
    createPages(host);
    createCommands();

    connect(backend_.get(), &ClusterBackend::eventsArrived, events_.get(),
            &EventTableModel::addEvents);
    connect(backend_.get(), &ClusterBackend::connectionChanged, this, &Console::showConnection);
    connect(runner_.get(), &CommandRunner::busyChanged, window_.get(), &MainWindow::setBusy);
    connect(runner_.get(), &CommandRunner::failed, this,
            [this](const QString& what, const QString& group, const QString& message) {
                events_->addApiError(group, QStringLiteral("%1: %2").arg(what, message),
                                     QDateTime::currentMSecsSinceEpoch());
                window_->statusBar()->showMessage(tr("%1 failed: %2").arg(what, message), 10000);
            });
    connect(runner_.get(), &CommandRunner::succeeded, this, [this](const QString& what) {
        window_->statusBar()->showMessage(tr("%1: done").arg(what), 5000);
    });
    connect(window_.get(), &MainWindow::monitoringWallRequested, this, [this] { openWall(); });
    connect(window_.get(), &MainWindow::connectRequested, this, &Console::connectRequested);
    window_->setConnectionText(backend_->description());
}

Console::~Console() {
    // Pages hold references to the backend: they go first.
    window_.reset();
    backend_.reset();
}

void Console::createPages(api::ClusterHost* host) {
    auto& backend = *backend_;
    overview_ = new OverviewPanel(backend);
    topology_ = new TopologyPanel(backend);
    charts_ = new ChartsPanel(backend);
    nodes_ = new NodesPanel(backend, *runner_);
    streams_ = new StreamsPanel(backend);
    provisions_ = new ProvisionsPanel(backend, *runner_);
    eventsPanel_ = new EventsPanel(*events_);
    lab_ = new TrafficLabPanel(backend, host);
    for (Panel* p : std::initializer_list<Panel*>{overview_, topology_, charts_, nodes_, streams_,
                                                  provisions_, eventsPanel_, lab_})
        window_->addPanel(p);

    connect(streams_, &StreamsPanel::showPathRequested, this,
            [this](const QString&, const QString& guid) {
                window_->showPanel(window_->indexOf(topology_));
                topology_->highlightStream(guid);
            });
}

void Console::createCommands() {
    auto* wizard = new QAction(QIcon(QStringLiteral(":/icons/wizard.svg")), tr("&New Node Group…"),
                               window_.get());
    wizard->setObjectName(QStringLiteral("actionNewNodeGroup"));
    wizard->setShortcut(QKeySequence::New);
    wizard->setToolTip(tr("Create a node group step by step from a preset (Ctrl+N)"));
    connect(wizard, &QAction::triggered, this, [this] { openWizard(); });
    window_->addCommand(wizard);

    auto* defaults = new QAction(QIcon(QStringLiteral(":/icons/add.svg")),
                                 tr("Create with &Defaults"), window_.get());
    defaults->setObjectName(QStringLiteral("actionCreateDefaults"));
    defaults->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    defaults->setToolTip(tr("One click: an origin and edges with the reference's default rules "
                            "(Ctrl+Shift+N)"));
    connect(defaults, &QAction::triggered, this, &Console::createWithDefaults);
    window_->addCommand(defaults);
}

QWidget* Console::openWizard() {
    auto* wizard = new NodeGroupWizard(*backend_, window_.get());
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    wizard->setWindowModality(Qt::NonModal);
    wizard->show();
    return wizard;
}

void Console::createWithDefaults() {
    runner_->run(
        tr("Create a node group with defaults"), {}, [this](ClusterBackend::CommandCallback done) {
            ui::createWithDefaults(
                *backend_, this, [this, done = std::move(done)](Result<std::string> created) {
                    if (!created)
                        return done(unexpected(created.error()));
                    window_->statusBar()->showMessage(
                        tr("Node group %1 created").arg(QString::fromStdString(*created)), 5000);
                    done({});
                });
        });
}

MonitoringWall* Console::openWall(bool fullScreen) {
    auto* wall = new MonitoringWall(*backend_);
    wall->setAttribute(Qt::WA_DeleteOnClose);
    connect(wall, &MonitoringWall::closed, wall, &QWidget::close);
    connect(window_.get(), &QObject::destroyed, wall, &QWidget::close);
    fullScreen ? wall->showFullScreen() : wall->show();
    return wall;
}

void Console::showConnection(bool connected, const QString& detail) {
    window_->setBanner(connected ? QString() : detail);
    window_->setConnectionText(connected ? backend_->description()
                                         : tr("%1 — %2").arg(backend_->description(), detail));
}

} // namespace sy::ui
