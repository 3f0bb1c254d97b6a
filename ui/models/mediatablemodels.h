#pragma once
// The Provisions page's tables, fed by the backend's MediaSnapshot and merged in place like the
// snapshot-fed tables (selection and scroll survive a refresh):
// - MediaJobTableModel: the restreamers, social destinations and recordings of one node
//   group's provisions, one row per job; a provision that runs no job gets a row of its own so
//   that it can still be seen and deleted.
// - RecordingTableModel: that group's recordings.
// - StorageTargetTableModel: every storage target.
// Everything shown comes masked from the media layer: no stream key or password reaches these
// models.

#include "ui/backend/clusterbackend.h"
#include "ui/models/mergingtablemodel.h"

#include <QColor>

#include <cstdint>
#include <string>
#include <vector>

namespace sy::ui {

QColor jobStateColor(media::JobState state);
QColor recordingStateColor(store::RecordingState state);
// "1.4 GB", "820 kB"
QString formatBytes(std::int64_t bytes);

class MediaJobTableModel final : public MergingTableModel {
    Q_OBJECT
public:
    enum Column {
        Provision,
        Stream,
        Kind,
        Type,
        Remote, // the source of a pull, the destination of a push or social pusher (masked)
        Node,
        State,
        Bitrate,
        Uptime,
        Restarts, // "restarts / reconnects"
        Detail,   // what a WAIT job waits for, or the last error; last: it gets the room
        ColumnCount
    };
    enum Roles {
        SortRole = Qt::UserRole,
        ProvisionRole, // the provision guid, for actions
        NodeGroupRole,
        StateRole, // the JobState as int; -1 for a provision without a job
    };

    struct Row {
        std::string key; // the job id, or "{provision}#" for a provision without a job
        std::string nodeGroup;
        std::string provisionGuid;
        std::string streamGuid;
        std::string kind; // "pull", "push", "social", "record"; empty: no job
        std::string type;
        std::string remote;
        std::string target;
        std::string nodeId;
        std::string nodeAddress;
        int state = -1; // media::JobState, -1: no job
        std::string waitingFor;
        std::string lastError;
        double bitrateKbps = 0;
        std::int64_t uptimeMs = 0;
        int restarts = 0;
        int reconnects = 0;
        int failures = 0;
        bool persist = false;
        bool operator==(const Row&) const = default;
    };

    using MergingTableModel::MergingTableModel;

    void setMedia(const MediaSnapshot& media, const std::string& nodeGroup);
    static std::vector<Row> rowsOf(const MediaSnapshot& media, const std::string& nodeGroup);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    const Row& rowAt(int row) const { return rows_.at(static_cast<std::size_t>(row)); }

private:
    std::vector<Row> rows_; // by key
};

class RecordingTableModel final : public MergingTableModel {
    Q_OBJECT
public:
    enum Column { Stream, State, Size, Duration, Target, Started, Error, ColumnCount };
    enum Roles { SortRole = Qt::UserRole, IdRole, NodeGroupRole };

    using MergingTableModel::MergingTableModel;

    void setMedia(const MediaSnapshot& media, const std::string& nodeGroup);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    const store::RecordingRecord& rowAt(int row) const {
        return rows_.at(static_cast<std::size_t>(row));
    }

private:
    std::vector<store::RecordingRecord> rows_; // by id
};

class StorageTargetTableModel final : public MergingTableModel {
    Q_OBJECT
public:
    enum Column { Name, Kind, Location, Retention, RecordAll, ColumnCount };
    enum Roles { SortRole = Qt::UserRole, NameRole };

    struct Row {
        std::string name;
        nlohmann::json doc; // masked, as the media layer gives it
        bool operator==(const Row&) const = default;
    };

    using MergingTableModel::MergingTableModel;

    void setMedia(const MediaSnapshot& media);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    const Row& rowAt(int row) const { return rows_.at(static_cast<std::size_t>(row)); }

private:
    std::vector<Row> rows_; // by name
};

} // namespace sy::ui
