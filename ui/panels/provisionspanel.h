#pragma once
// The Provisions page: what the media layer runs for one node group's provisions (reference
// §7), and where recordings go.
// - Restreamers & destinations: every job with its masked source or destination, node, state
//   (state colour), what it waits for or its last error, bitrate, uptime, restarts and
//   reconnects; New restreamer…, New social destination…, Delete provision… (confirmed).
// - Recordings: the group's recordings; Copy playback URL, Delete….
// - Storage targets: every target; New…, Edit…, Delete…, and Test, which shows OK or the error.
// The media snapshot is fetched in the background while the page is shown (never on the GUI
// thread), and after every media command.

#include "ui/panels/panel.h"

#include "core/util/result.h"

#include <functional>

class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;
class QTimer;

namespace sy::ui {

class ClusterBackend;
class CommandRunner;
class MediaJobTableModel;
class MessageBar;
class RecordingTableModel;
class RestreamerDialog;
class SocialDestinationDialog;
class StorageTargetDialog;
class StorageTargetTableModel;

class ProvisionsPanel final : public Panel {
    Q_OBJECT
public:
    ProvisionsPanel(ClusterBackend& backend, CommandRunner& runner, QWidget* parent = nullptr);

    QString title() const override { return tr("Provisions"); }
    QIcon icon() const override { return QIcon(QStringLiteral(":/icons/provisions.svg")); }
    QString toolTip() const override {
        return tr("Restreamers, social destinations, recordings and storage targets");
    }

    void refresh() override; // the node-group list, from the cluster snapshot
    // Applies the backend's latest media snapshot now.
    void applyMedia();

    QString nodeGroup() const;
    void setNodeGroup(const QString& name);
    // How often the media snapshot is fetched while the page is shown (ms; default 1000).
    void setMediaRefreshMs(int ms);

    MediaJobTableModel& jobsModel() { return *jobs_; }
    RecordingTableModel& recordingsModel() { return *recordings_; }
    StorageTargetTableModel& targetsModel() { return *targets_; }
    QTableView* jobsView() const { return jobsView_; }
    QTableView* recordingsView() const { return recordingsView_; }
    QTableView* targetsView() const { return targetsView_; }
    QTabWidget* tabs() const { return tabs_; }
    MessageBar* messageBar() const { return message_; }
    // The outcome of the last storage test from the table ("OK" or the error).
    QString targetTestResult() const;

    // The actions; dialogs are returned (open, non-modal to tests) so tests can fill them.
    RestreamerDialog* newRestreamer();
    SocialDestinationDialog* newSocialDestination();
    StorageTargetDialog* newStorageTarget();
    StorageTargetDialog* editCurrentTarget();
    void deleteCurrentProvision(); // asks first
    void deleteCurrentTarget();    // asks first
    void testCurrentTarget();
    void copyPlaybackUrl();
    void deleteCurrentRecording(); // asks first

protected:
    void showEvent(QShowEvent* event) override;

private:
    QString currentProvision() const;
    QString currentTarget() const;
    qint64 currentRecording() const;
    void updateActions();
    void runMedia(const QString& what, std::function<void(std::function<void(Result<void>)>)> start,
                  std::function<void()> onSuccess = {});

    ClusterBackend& backend_;
    CommandRunner& runner_;
    QComboBox* group_;
    QLabel* mediaStatus_;
    MessageBar* message_;
    QTabWidget* tabs_;
    QTimer* poll_;

    MediaJobTableModel* jobs_;
    QSortFilterProxyModel* jobsProxy_;
    QTableView* jobsView_;
    QPushButton* deleteProvision_;

    RecordingTableModel* recordings_;
    QSortFilterProxyModel* recordingsProxy_;
    QTableView* recordingsView_;
    QPushButton* copyUrl_;
    QPushButton* deleteRecording_;

    StorageTargetTableModel* targets_;
    QSortFilterProxyModel* targetsProxy_;
    QTableView* targetsView_;
    QPushButton* editTarget_;
    QPushButton* deleteTarget_;
    QPushButton* testTarget_;
    QLabel* testResult_;
};

} // namespace sy::ui
