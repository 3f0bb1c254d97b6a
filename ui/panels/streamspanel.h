#pragma once
// The Streams page: live streams of every node group with their origin, the nodes carrying them,
// viewers and bitrate. Activating a stream asks for its path to be shown in the topology.

#include "ui/panels/panel.h"

class QSortFilterProxyModel;
class QTableView;

namespace sy::ui {

class ClusterBackend;
class StreamTableModel;

class StreamsPanel final : public Panel {
    Q_OBJECT
public:
    explicit StreamsPanel(ClusterBackend& backend, QWidget* parent = nullptr);

    QString title() const override { return tr("Streams"); }
    QIcon icon() const override { return QIcon(QStringLiteral(":/icons/streams.svg")); }
    QString toolTip() const override { return tr("Live streams, where they run, their viewers"); }

    void refresh() override;
    StreamTableModel& model() { return *model_; }
    QTableView* view() const { return view_; }

Q_SIGNALS:
    // Double-click or "Show path": highlight this stream's path in the topology.
    void showPathRequested(const QString& nodeGroup, const QString& guid);

private:
    void requestPath();

    ClusterBackend& backend_;
    StreamTableModel* model_;
    QSortFilterProxyModel* proxy_;
    QTableView* view_;
};

} // namespace sy::ui
