#pragma once
// Console: the objects of one connection, wired together: a backend (embedded or remote), the
// main window with its pages, the event log, the command runner, the wizard and the monitoring
// wall. The composition root (main.cpp) makes one per connection and replaces it when the
// operator connects elsewhere; tests make one around a backend of their choosing.

#include <QObject>

#include <memory>

class QSettings;

namespace sy::api {
class ClusterHost;
}

namespace sy::ui {

class ChartsPanel;
class ClusterBackend;
class CommandRunner;
class EventTableModel;
class EventsPanel;
class MainWindow;
class MonitoringWall;
class NodesPanel;
class OverviewPanel;
class ProvisionsPanel;
class StreamsPanel;
class TopologyPanel;
class TrafficLabPanel;

class Console final : public QObject {
    Q_OBJECT
public:
    // `host`: the embedded cluster's host when there is one (the traffic lab drives its
    // simulated load); null when attached to a remote Stream Manager.
    Console(std::unique_ptr<ClusterBackend> backend, api::ClusterHost* host, QSettings& settings,
            QObject* parent = nullptr);
    ~Console() override;

    MainWindow& window() { return *window_; }
    ClusterBackend& backend() { return *backend_; }
    EventTableModel& events() { return *events_; }
    CommandRunner& runner() { return *runner_; }

    OverviewPanel* overview() const { return overview_; }
    TopologyPanel* topology() const { return topology_; }
    ChartsPanel* charts() const { return charts_; }
    NodesPanel* nodes() const { return nodes_; }
    StreamsPanel* streams() const { return streams_; }
    ProvisionsPanel* provisions() const { return provisions_; }
    EventsPanel* eventsPanel() const { return eventsPanel_; }
    TrafficLabPanel* trafficLab() const { return lab_; }

    // The node-group wizard, non-modal; returns it for tests.
    QWidget* openWizard();
    // One click: an origin + edge group with the reference's defaults under a fresh name.
    void createWithDefaults();
    // The full-screen monitoring wall, on top of the main window (`fullScreen` false in tests).
    MonitoringWall* openWall(bool fullScreen = true);

Q_SIGNALS:
    void connectRequested();

private:
    void createPages(api::ClusterHost* host);
    void createCommands();
    void showConnection(bool connected, const QString& detail);

    std::unique_ptr<ClusterBackend> backend_;
    std::unique_ptr<EventTableModel> events_;
    std::unique_ptr<CommandRunner> runner_;
    std::unique_ptr<MainWindow> window_;
    OverviewPanel* overview_ = nullptr;
    TopologyPanel* topology_ = nullptr;
    ChartsPanel* charts_ = nullptr;
    NodesPanel* nodes_ = nullptr;
    StreamsPanel* streams_ = nullptr;
    ProvisionsPanel* provisions_ = nullptr;
    EventsPanel* eventsPanel_ = nullptr;
    TrafficLabPanel* lab_ = nullptr;
};

} // namespace sy::ui
