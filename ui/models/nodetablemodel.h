#pragma once
// The nodes of every node group, one row per node, from the backend's snapshots. A new snapshot
// is merged in place (rows keyed by node id): removed nodes are removed, new ones inserted, and
// changed cells announced with one ranged dataChanged per row, so views keep their selection and
// scroll position while the cluster changes under them. Sorting and filtering live in proxies.
// Each node also keeps its recent load (ranking / limit, or CPU where no limit is set) for the
// sparkline of the Load column.

#include "core/engine/clustersnapshot.h"

#include "ui/models/mergingtablemodel.h"

#include <QList>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace sy::ui {

class NodeTableModel final : public MergingTableModel {
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
        Load,
        Address,
        ColumnCount
    };
    enum Roles {
        StateRole = Qt::UserRole, // model::NodeState as int
        SortRole,                 // numbers as numbers for the sort proxy
        NodeGroupRole,            // the node's group name, for actions
        HistoryRole, // Load column: QList<double> of recent load fractions, oldest first
    };
    // Samples kept per node for the Load sparkline: one per snapshot time, about a minute.
    static constexpr int kHistoryLength = 60;

    using MergingTableModel::MergingTableModel;

    void setSnapshot(const engine::ClusterSnapshot& snapshot);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    const engine::NodeView& nodeAt(int row) const {
        return rows_.at(static_cast<std::size_t>(row));
    }

    // Records the load samples of a snapshot without merging rows (setSnapshot does both);
    // returns whether the snapshot was newer than the last one recorded.
    bool recordHistory(const engine::ClusterSnapshot& snapshot);

private:
    std::vector<engine::NodeView> rows_;                     // ordered by (node group, node id)
    std::unordered_map<std::string, QList<double>> history_; // by node id
    std::int64_t historyTimeMs_ = -1;
};

} // namespace sy::ui
