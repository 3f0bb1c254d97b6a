#include "ui/shell/mainwindow.h"

#include "ui/panels/panel.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QSysInfo>
#include <QToolBar>
#include <QVBoxLayout>

#include <boost/version.hpp>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

namespace sy::ui {

namespace {
constexpr auto kGeometryKey = "mainWindow/geometry";
constexpr auto kStateKey = "mainWindow/state";
constexpr auto kSplitterKey = "mainWindow/splitter";
constexpr auto kPageKey = "mainWindow/page";
} // namespace

QString buildInfo() {
    return QStringLiteral("Switchyard %1\nQt %2 (runtime %3)\nBoost %4.%5.%6\nSQLite %7\n"
                          "nlohmann_json %8.%9.%10\n%11")
        .arg(QStringLiteral(SWITCHYARD_VERSION), QStringLiteral(QT_VERSION_STR),
             QString::fromLatin1(qVersion()))
        .arg(BOOST_VERSION / 100000)
        .arg(BOOST_VERSION / 100 % 1000)
        .arg(BOOST_VERSION % 100)
        .arg(QString::fromLatin1(sqlite3_libversion()))
        .arg(NLOHMANN_JSON_VERSION_MAJOR)
        .arg(NLOHMANN_JSON_VERSION_MINOR)
        .arg(NLOHMANN_JSON_VERSION_PATCH)
        .arg(QSysInfo::prettyProductName());
}

MainWindow::MainWindow(QSettings& settings, QWidget* parent)
    : QMainWindow(parent)
    , settings_(settings) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("Switchyard"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/switchyard.svg")));

    navigation_ = new QListWidget(this);
    navigation_->setObjectName(QStringLiteral("navigation"));
    navigation_->setIconSize(QSize(22, 22));
    navigation_->setFrameShape(QFrame::NoFrame);
    navigation_->setSpacing(2);
    // A light selection with an accent bar keeps the page's icon readable when selected.
    navigation_->setStyleSheet(QStringLiteral(
        "QListWidget#navigation::item { padding-left: 6px; border-left: 3px solid transparent; }"
        "QListWidget#navigation::item:selected { background: rgba(61, 134, 198, 0.18);"
        " color: palette(text); border-left: 3px solid #3d86c6; }"));
    navigation_->setMinimumWidth(150);
    navigation_->setMaximumWidth(260);

    pages_ = new QStackedWidget(this);
    pages_->setObjectName(QStringLiteral("pages"));

    banner_ = new QLabel(this);
    banner_->setObjectName(QStringLiteral("connectionBanner"));
    banner_->setStyleSheet(QStringLiteral(
        "QLabel#connectionBanner { background: #d93636; color: white; font-weight: bold;"
        " padding: 6px 10px; }"));
    banner_->setWordWrap(true);
    banner_->hide();

    auto* splitter = new QSplitter(this);
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->addWidget(navigation_);
    splitter->addWidget(pages_);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);
    auto* central = new QWidget(this);
    auto* column = new QVBoxLayout(central);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    column->addWidget(banner_);
    column->addWidget(splitter, 1);
    setCentralWidget(central);

    connection_ = new QLabel(tr("Not connected"), this);
    connection_->setObjectName(QStringLiteral("connectionLabel"));
    statusBar()->addWidget(connection_, 1);
    busy_ = new QProgressBar(this);
    busy_->setObjectName(QStringLiteral("busyIndicator"));
    busy_->setRange(0, 0); // indeterminate
    busy_->setMaximumWidth(120);
    busy_->setMaximumHeight(14);
    busy_->setTextVisible(false);
    busy_->setToolTip(tr("Waiting for the cluster to answer"));
    busy_->hide();
    statusBar()->addPermanentWidget(busy_);

    connect(navigation_, &QListWidget::currentRowChanged, this, &MainWindow::showPanel);
    createActions();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions() {
    auto* file = menuBar()->addMenu(tr("&File"));
    auto* connectTo = file->addAction(QIcon(QStringLiteral(":/icons/connect.svg")), tr("&Connect…"),
                                      this, &MainWindow::connectRequested);
    connectTo->setObjectName(QStringLiteral("actionConnect"));
    connectTo->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    file->addSeparator();
    auto* quit = file->addAction(QIcon::fromTheme(QStringLiteral("application-exit")), tr("&Quit"),
                                 this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    clusterMenu_ = menuBar()->addMenu(tr("&Cluster"));
    clusterMenu_->setObjectName(QStringLiteral("clusterMenu"));

    viewMenu_ = menuBar()->addMenu(tr("&View"));
    pageActions_ = new QActionGroup(this);
    pageActions_->setExclusive(true);
    viewMenu_->addSeparator();
    auto* wall =
        viewMenu_->addAction(QIcon(QStringLiteral(":/icons/wall.svg")), tr("&Monitoring Wall"),
                             this, &MainWindow::monitoringWallRequested);
    wall->setObjectName(QStringLiteral("actionMonitoringWall"));
    wall->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W));
    auto* full = viewMenu_->addAction(
        tr("&Full Screen"), this, [this] { setWindowState(windowState() ^ Qt::WindowFullScreen); });
    full->setShortcut(QKeySequence::FullScreen);

    auto* help = menuBar()->addMenu(tr("&Help"));
    auto* about = help->addAction(QIcon(QStringLiteral(":/icons/switchyard.svg")),
                                  tr("&About Switchyard"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("actionAbout"));
    about->setMenuRole(QAction::AboutRole);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);

    toolBar_ = addToolBar(tr("Main"));
    toolBar_->setObjectName(QStringLiteral("mainToolBar"));
    toolBar_->setMovable(false);
    toolBar_->setIconSize(QSize(20, 20));
    toolBar_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolBar_->addAction(wall);
    toolBar_->addSeparator();
}

void MainWindow::addPanel(Panel* panel) {
    const int index = pages_->addWidget(panel);
    panels_.append(panel);
    auto* item = new QListWidgetItem(panel->icon(), panel->title(), navigation_);
    item->setToolTip(panel->toolTip());
    item->setSizeHint(QSize(0, 34));

    auto* action = new QAction(panel->icon(), panel->title(), pageActions_);
    action->setCheckable(true);
    action->setObjectName(QStringLiteral("actionPage") + QString::number(index));
    if (index < 9)
        action->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + index)));
    action->setToolTip(QStringLiteral("%1 (%2)").arg(
        panel->toolTip(), action->shortcut().toString(QKeySequence::NativeText)));
    connect(action, &QAction::triggered, this, [this, index] { showPanel(index); });
    viewMenu_->insertAction(viewMenu_->actions().value(index), action);
    addAction(action); // shortcuts work even when the menu bar is hidden (full screen)
    if (index == 0)
        showPanel(0);
}

void MainWindow::showPanel(int index) {
    if (index < 0 || index >= pages_->count())
        return;
    if (index == pages_->currentIndex() && navigation_->currentRow() == index &&
        windowTitle().startsWith(panels_.at(index)->title()))
        return; // already shown; also stops the list → showPanel → list recursion
    pages_->setCurrentIndex(index);
    navigation_->setCurrentRow(index);
    if (auto* a = pageActions_->actions().value(index))
        a->setChecked(true);
    setWindowTitle(QStringLiteral("%1 — Switchyard").arg(panels_.at(index)->title()));
    emit currentPanelChanged(index);
}

int MainWindow::currentPanel() const {
    return pages_->currentIndex();
}
int MainWindow::panelCount() const {
    return pages_->count();
}

void MainWindow::setConnectionText(const QString& text) {
    connection_->setText(text);
}

void MainWindow::setBanner(const QString& text) {
    banner_->setText(text);
    banner_->setVisible(!text.isEmpty());
}

QString MainWindow::bannerText() const {
    return banner_->isVisible() ? banner_->text() : QString();
}

void MainWindow::setBusy(bool busy) {
    busy_->setVisible(busy);
}

void MainWindow::addCommand(QAction* action, bool toolBar) {
    clusterMenu_->addAction(action);
    if (toolBar)
        toolBar_->addAction(action);
    if (!action->shortcut().isEmpty() && action->toolTip() == action->text().remove(u'&'))
        action->setToolTip(QStringLiteral("%1 (%2)").arg(
            action->text().remove(u'&'), action->shortcut().toString(QKeySequence::NativeText)));
}

void MainWindow::restoreLayout() {
    if (!restoreGeometry(settings_.value(QLatin1String(kGeometryKey)).toByteArray()))
        resize(1280, 800);
    restoreState(settings_.value(QLatin1String(kStateKey)).toByteArray());
    if (auto* splitter = findChild<QSplitter*>(QStringLiteral("mainSplitter")))
        splitter->restoreState(settings_.value(QLatin1String(kSplitterKey)).toByteArray());
    showPanel(settings_.value(QLatin1String(kPageKey), 0).toInt());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveLayout();
    event->accept();
}

void MainWindow::saveLayout() {
    settings_.setValue(QLatin1String(kGeometryKey), saveGeometry());
    settings_.setValue(QLatin1String(kStateKey), saveState());
    if (auto* splitter = findChild<QSplitter*>(QStringLiteral("mainSplitter")))
        settings_.setValue(QLatin1String(kSplitterKey), splitter->saveState());
    settings_.setValue(QLatin1String(kPageKey), currentPanel());
}

void MainWindow::showAbout() {
    auto* box = new QMessageBox(this);
    box->setObjectName(QStringLiteral("aboutBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowTitle(tr("About Switchyard"));
    box->setIconPixmap(QIcon(QStringLiteral(":/icons/switchyard.svg")).pixmap(64, 64));
    box->setText(tr("<b>Switchyard</b> — the operations console for live-streaming clusters."));
    box->setInformativeText(buildInfo());
    box->setStandardButtons(QMessageBox::Close);
    box->open(); // not exec(): no nested event loop on the GUI thread
}

} // namespace sy::ui
