#pragma once
// The Topology page: a toolbar (zoom, fit, the stream whose path to highlight, a node-group
// filter), the picture of the cluster, and a legend of what the colours mean. It follows the
// backend's snapshots, and skips the work while hidden: a hidden page catches up when shown.

#include "ui/panels/panel.h"

class QComboBox;
class QLabel;

namespace sy::ui {

class ClusterBackend;
class TopologyScene;
class TopologyView;

class TopologyPanel final : public Panel {
    Q_OBJECT
public:
    explicit TopologyPanel(ClusterBackend& backend, QWidget* parent = nullptr);

    QString title() const override;
    QIcon icon() const override;
    QString toolTip() const override;

    // Applies the backend's latest snapshot now, shown or not.
    void refresh();
    TopologyScene* scene() const { return scene_; }
    TopologyView* view() const { return view_; }
    // Highlights a stream's path (empty clears) and shows it in the stream picker.
    void highlightStream(const QString& guid);

protected:
    void showEvent(QShowEvent* event) override;

private:
    QWidget* buildToolbar();
    QWidget* buildLegend();
    void onSnapshotChanged();
    void syncStreamPicker();
    void syncGroupFilter();
    void updateStatus();

    ClusterBackend& backend_;
    TopologyScene* scene_;
    TopologyView* view_;
    QComboBox* streamPicker_ = nullptr;
    QComboBox* groupFilter_ = nullptr;
    QLabel* status_ = nullptr;
    bool stale_ = false;
};

} // namespace sy::ui
