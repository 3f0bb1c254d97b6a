#pragma once
// The latest scaling decision of every SubGroup x Role of every node group, one row each, from
// the backend's snapshots: what the autoscaler did or held back, which rule fired and why. Rows
// are keyed by (node group, sub-group, role) and merged in place, so a view keeps its selection
// and scroll position while decisions change every tick.

#include "core/engine/clustersnapshot.h"

#include "ui/models/mergingtablemodel.h"

#include <string>
#include <vector>

namespace sy::ui {

class DecisionTableModel final : public MergingTableModel {
    Q_OBJECT
public:
    enum Column { NodeGroup, SubGroup, Role, Action, Count, Rule, Reason, ColumnCount };
    enum Roles {
        ActionRole = Qt::UserRole, // scaling::ScalingAction as int
        AlertRole,                 // bool: the decision deserves an operator's attention
    };

    using MergingTableModel::MergingTableModel;

    void setSnapshot(const engine::ClusterSnapshot& snapshot);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row {
        std::string nodeGroup;
        scaling::ScalingDecision decision;
    };
    static bool before(const Row& a, const Row& b);
    static bool sameCells(const Row& a, const Row& b);
    QVariant display(const Row& r, int column) const;
    QVariant decoration(const Row& r, int column, int role) const;

    std::vector<Row> rows_; // ordered by (node group, sub-group, role)
};

} // namespace sy::ui
