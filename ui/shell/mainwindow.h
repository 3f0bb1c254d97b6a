#pragma once
// The console's thin shell: a navigation list of pages, the pages, menus, a toolbar and a status
// bar. It hosts panels and routes gestures; it makes no decisions about the cluster.

#include <QMainWindow>
#include <QVector>

class QActionGroup;
class QLabel;
class QProgressBar;
class QToolBar;
class QListWidget;
class QSettings;
class QStackedWidget;

namespace sy::ui {

class Panel;

class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    // `settings` remembers the window layout; owned by the caller, may be shared.
    explicit MainWindow(QSettings& settings, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Adds a page; the first added is shown first. Ctrl+1…Ctrl+9 select the first nine.
    void addPanel(Panel* panel);
    void showPanel(int index);
    int currentPanel() const;
    int panelCount() const;
    int indexOf(Panel* panel) const { return static_cast<int>(panels_.indexOf(panel)); }

    // Text at the left of the status bar: where the console is connected.
    void setConnectionText(const QString& text);
    // A red line across the top of every page ("Disconnected since 14:02:11: …"); empty hides.
    void setBanner(const QString& text);
    QString bannerText() const;
    // An indeterminate progress bar in the status bar while commands are in flight.
    void setBusy(bool busy);
    // Adds an operator command to the Cluster menu (and the tool bar when `toolBar`).
    void addCommand(QAction* action, bool toolBar = true);

    void restoreLayout();
    void saveLayout(); // also done on close

signals:
    void currentPanelChanged(int index);
    void monitoringWallRequested();
    // File > Connect…: choose or edit a connection profile.
    void connectRequested();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void showAbout();

    QSettings& settings_;
    QListWidget* navigation_ = nullptr;
    QStackedWidget* pages_ = nullptr;
    QLabel* connection_ = nullptr;
    QLabel* banner_ = nullptr;
    QProgressBar* busy_ = nullptr;
    QMenu* clusterMenu_ = nullptr;
    QToolBar* toolBar_ = nullptr;
    QMenu* viewMenu_ = nullptr;
    QActionGroup* pageActions_ = nullptr;
    QVector<Panel*> panels_;
};

// Versions of what the console is built from, for the About box and bug reports.
QString buildInfo();

} // namespace sy::ui
