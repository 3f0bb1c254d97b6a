#pragma once
// The nodes of every node group, one row per node, from the backend's snapshots. A new snapshot
// is merged in place (rows keyed by node id): removed nodes are removed, new ones inserted, and
// changed cells announced with one ranged dataChanged per row, so views keep their selection and
// scroll position while the cluster changes under them. Sorting and filtering live in proxies.

#include "core/engine/clustersnapshot.h"

#include <QAbstractTableModel>

#include <vector>

namespace sy::ui {

class NodeTableModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        NodeId,
        NodeGroup,
        SubGroup,
        Role,
        State,
        Publishers,
        Viewers,
        Cpu,
        Ranking,
        Address,
        ColumnCount
    };
    enum Roles {
        StateRole = Qt::UserRole, // model::NodeState as int
        SortRole,                 // numbers as numbers for the sort proxy
        NodeGroupRole,            // the node's group name, for actions
    };

    using QAbstractTableModel::QAbstractTableModel;

    void setSnapshot(const engine::ClusterSnapshot& snapshot);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    const engine::NodeView& nodeAt(int row) const {
        return rows_.at(static_cast<std::size_t>(row));
    }

private:
    std::vector<engine::NodeView> rows_; // ordered by (node group, node id)
};

} // namespace sy::ui
