// The console shell: pages are hosted and reachable by list, menu and shortcut; the layout is
// remembered across runs; the About box names the versions. Widgets are found by objectName.

#include "ui/panels/emptypanel.h"
#include "ui/shell/mainwindow.h"

#include <QAction>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>

using sy::ui::MainWindow;

namespace {

// Seven placeholder pages: the shell hosts whatever panels it is given.
void addPages(MainWindow& w) {
    const char* names[] = {"overview", "topology",   "charts", "nodes",
                           "streams",  "provisions", "events"};
    for (const char* name : names) {
        QString title = QString::fromLatin1(name);
        title[0] = title[0].toUpper();
        auto* panel = new sy::ui::EmptyPanel(title, QIcon(QStringLiteral(":/icons/nodes.svg")),
                                             QStringLiteral("placeholder"));
        panel->setObjectName(QLatin1String(name) + QLatin1String("Panel"));
        w.addPanel(panel);
    }
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void pagesAreHosted();
    void navigationListSwitchesPages();
    void shortcutsSwitchPages();
    void layoutIsRestored();
    void aboutBoxNamesVersions();

private:
    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<QSettings> settings_;
};

void TestMainWindow::init() {
    dir_ = std::make_unique<QTemporaryDir>();
    settings_ = std::make_unique<QSettings>(dir_->filePath(QStringLiteral("settings.ini")),
                                            QSettings::IniFormat);
}

void TestMainWindow::cleanup() {
    settings_.reset();
    dir_.reset();
}

void TestMainWindow::pagesAreHosted() {
    MainWindow w(*settings_);
    addPages(w);
    QCOMPARE(w.panelCount(), 7);
    QVERIFY(w.findChild<sy::ui::Panel*>(QStringLiteral("overviewPanel")));
    QVERIFY(w.findChild<sy::ui::Panel*>(QStringLiteral("topologyPanel")));
    QVERIFY(w.findChild<sy::ui::Panel*>(QStringLiteral("eventsPanel")));
    QCOMPARE(w.currentPanel(), 0);
    QVERIFY(w.windowTitle().startsWith(QStringLiteral("Overview")));
}

void TestMainWindow::navigationListSwitchesPages() {
    MainWindow w(*settings_);
    addPages(w);
    QSignalSpy changed(&w, &MainWindow::currentPanelChanged);
    auto* nav = w.findChild<QListWidget*>(QStringLiteral("navigation"));
    QVERIFY(nav);
    nav->setCurrentRow(3);
    QCOMPARE(w.currentPanel(), 3);
    QCOMPARE(changed.count(), 1);
    auto* pages = w.findChild<QStackedWidget*>(QStringLiteral("pages"));
    QCOMPARE(pages->currentWidget()->objectName(), QStringLiteral("nodesPanel"));
}

void TestMainWindow::shortcutsSwitchPages() {
    MainWindow w(*settings_);
    addPages(w);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.activateWindow();
    QTest::keyClick(&w, Qt::Key_5, Qt::ControlModifier);
    QTRY_COMPARE(w.currentPanel(), 4);
    auto* nav = w.findChild<QListWidget*>(QStringLiteral("navigation"));
    QCOMPARE(nav->currentRow(), 4);
    auto* action = w.findChild<QAction*>(QStringLiteral("actionPage6"));
    QVERIFY(action);
    action->trigger();
    QCOMPARE(w.currentPanel(), 6);
    QVERIFY(action->isChecked());
}

void TestMainWindow::layoutIsRestored() {
    {
        MainWindow w(*settings_);
        addPages(w);
        w.restoreLayout();
        w.resize(900, 640);
        w.showPanel(2);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.close();
    }
    MainWindow again(*settings_);
    addPages(again);
    again.restoreLayout();
    QCOMPARE(again.currentPanel(), 2);
    QCOMPARE(again.size(), QSize(900, 640));
}

void TestMainWindow::aboutBoxNamesVersions() {
    MainWindow w(*settings_);
    addPages(w);
    auto* about = w.findChild<QAction*>(QStringLiteral("actionAbout"));
    QVERIFY(about);
    about->trigger();
    QMessageBox* box = nullptr;
    QTRY_VERIFY((box = w.findChild<QMessageBox*>(QStringLiteral("aboutBox"))) != nullptr);
    QVERIFY(box->informativeText().contains(QStringLiteral("Switchyard " SWITCHYARD_VERSION)));
    QVERIFY(box->informativeText().contains(QStringLiteral("SQLite 3.")));
    QVERIFY(box->informativeText().contains(QStringLiteral("Qt 6.")));
    box->close();
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
