#pragma once
// The console's thin shell: a navigation list of pages, the pages, menus, a toolbar and a status
// bar. It hosts panels and routes gestures; it makes no decisions about the cluster.

#include <QMainWindow>
#include <QVector>

class QActionGroup;
class QLabel;
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

    // Text at the left of the status bar: where the console is connected.
    void setConnectionText(const QString& text);

    void restoreLayout();

signals:
    void currentPanelChanged(int index);
    void monitoringWallRequested();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void showAbout();

    QSettings& settings_;
    QListWidget* navigation_ = nullptr;
    QStackedWidget* pages_ = nullptr;
    QLabel* connection_ = nullptr;
    QMenu* viewMenu_ = nullptr;
    QActionGroup* pageActions_ = nullptr;
    QVector<Panel*> panels_;
};

// Versions of what the console is built from, for the About box and bug reports.
QString buildInfo();

} // namespace sy::ui
