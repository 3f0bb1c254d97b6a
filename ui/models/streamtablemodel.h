#pragma once
// Live streams of every node group, one row per (node group, stream), from the backend's
// snapshots: where it is published, how many nodes carry it, its viewers over all of them and
// its bitrate. Merged in place like the nodes table, so selection survives refreshes.

#include "core/engine/clustersnapshot.h"

#include "ui/models/mergingtablemodel.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sy::ui {

class StreamTableModel final : public MergingTableModel {
    Q_OBJECT
public:
    enum Column { Stream, NodeGroup, Origin, Nodes, Viewers, Bitrate, Uptime, ColumnCount };
    enum Roles {
        SortRole = Qt::UserRole, // numbers as numbers for the sort proxy
        GuidRole,                // the stream guid (app/name), for actions
        NodeGroupRole,
    };

    struct Row {
        std::string nodeGroup;
        std::string guid;
        std::string origin; // node id publishing it; empty if only relayed copies are seen
        std::string originAddress;
        int nodes = 0; // nodes carrying it (origin, relays, edges)
        std::int64_t viewers = 0;
        double bitrateKbps = 0;
        std::int64_t uptimeMs = 0;
        bool operator==(const Row&) const = default;
    };

    using MergingTableModel::MergingTableModel;

    void setSnapshot(const engine::ClusterSnapshot& snapshot);
    static std::vector<Row> rowsOf(const engine::ClusterSnapshot& snapshot);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    const Row& rowAt(int row) const { return rows_.at(static_cast<std::size_t>(row)); }

private:
    std::vector<Row> rows_; // ordered by (node group, guid)
};

// "1 h 02 min", "3 min 05 s", "12 s": durations for people.
QString formatDuration(std::int64_t ms);
// "1.2 Mb/s", "850 kb/s": bitrates for people.
QString formatBitrate(double kbps);

} // namespace sy::ui
