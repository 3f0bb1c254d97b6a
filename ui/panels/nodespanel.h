#pragma once
// The Nodes page: every node with its role, region, state, load and a load sparkline, filterable
// and sortable; the operator's node and group actions: drain, manual scale, pause or resume
// autoscaling, delete a node group (after a confirmation that names what will be destroyed).

#include "ui/panels/panel.h"

class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace sy::ui {

class ClusterBackend;
class CommandRunner;
class MessageBar;
class NodeTableModel;

class NodesPanel final : public Panel {
    Q_OBJECT
public:
    NodesPanel(ClusterBackend& backend, CommandRunner& runner, QWidget* parent = nullptr);

    QString title() const override { return tr("Nodes"); }
    QIcon icon() const override { return QIcon(QStringLiteral(":/icons/nodes.svg")); }
    QString toolTip() const override { return tr("Every node, its state and load; node actions"); }

    void refresh() override;
    NodeTableModel& model() { return *model_; }
    QTableView* view() const { return view_; }
    // The (node group, node id) of the selected rows, in view order.
    QList<QPair<QString, QString>> selectedNodes() const;
    // The node group of the current row, or empty.
    QString currentGroup() const;

    void drainSelected();
    void scaleCurrentGroup();
    void togglePauseCurrentGroup();
    void deleteCurrentGroup();

protected:
    void whileHidden() override; // the load sparklines keep recording

private:
    void updateActions();

    ClusterBackend& backend_;
    CommandRunner& runner_;
    NodeTableModel* model_;
    QSortFilterProxyModel* proxy_;
    QTableView* view_;
    MessageBar* message_;
    QPushButton* drain_;
    QPushButton* scale_;
    QPushButton* pause_;
    QPushButton* delete_;
};

} // namespace sy::ui
