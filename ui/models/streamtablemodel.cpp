#include "ui/models/streamtablemodel.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace sy::ui {

namespace {

bool before(const StreamTableModel::Row& a, const StreamTableModel::Row& b) {
    return std::tie(a.nodeGroup, a.guid) < std::tie(b.nodeGroup, b.guid);
}

} // namespace

QString formatDuration(std::int64_t ms) {
    const std::int64_t s = std::max<std::int64_t>(ms, 0) / 1000;
    if (s < 60)
        return QObject::tr("%1 s").arg(s);
    if (s < 3600)
        return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QObject::tr("%1 h %2 min").arg(s / 3600).arg(s / 60 % 60, 2, 10, QLatin1Char('0'));
}

QString formatBitrate(double kbps) {
    if (kbps >= 1000)
        return QObject::tr("%1 Mb/s").arg(kbps / 1000, 0, 'f', 1);
    return QObject::tr("%1 kb/s").arg(kbps, 0, 'f', 0);
}

std::vector<StreamTableModel::Row> StreamTableModel::rowsOf(const engine::ClusterSnapshot& s) {
    std::vector<Row> out;
    for (const auto& [groupName, g] : s.groups) {
        std::map<std::string, Row> byGuid;
        for (const auto& n : g.nodes)
            for (const auto& st : n.streams) {
                auto& r = byGuid[st.guid];
                r.nodeGroup = groupName;
                r.guid = st.guid;
                r.nodes += 1;
                r.viewers += st.viewers;
                if (st.publishing) {
                    r.origin = n.nodeId;
                    r.originAddress =
                        n.endpoint.address + ':' + std::to_string(n.endpoint.rtmpPort);
                    r.bitrateKbps = st.bitrateKbps;
                    r.uptimeMs = st.uptimeMs;
                } else if (r.origin.empty()) {
                    r.bitrateKbps = std::max(r.bitrateKbps, st.bitrateKbps);
                    r.uptimeMs = std::max(r.uptimeMs, st.uptimeMs);
                }
            }
        for (auto& [guid, r] : byGuid)
            out.push_back(std::move(r));
    }
    return out; // already ordered: groups and guids come from ordered maps
}

void StreamTableModel::setSnapshot(const engine::ClusterSnapshot& snapshot) {
    auto next = rowsOf(snapshot);
    const auto [first, last] = mergeRows(rows_, std::move(next), before,
                                         [](const Row& x, const Row& y) { return x == y; });
    if (first >= 0)
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

int StreamTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int StreamTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StreamTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount)
        return {};
    const auto& r = rows_[static_cast<std::size_t>(index.row())];
    if (role == GuidRole)
        return QString::fromStdString(r.guid);
    if (role == NodeGroupRole)
        return QString::fromStdString(r.nodeGroup);
    if (role == Qt::TextAlignmentRole)
        return index.column() >= Nodes ? QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter)
                                       : QVariant();
    if (role == Qt::ToolTipRole && index.column() == Origin)
        return r.origin.empty() ? tr("No node reports publishing this stream; only relayed "
                                     "copies are seen")
                                : QString::fromStdString(r.originAddress);
    const bool sort = role == SortRole;
    if (role != Qt::DisplayRole && !sort)
        return {};
    switch (static_cast<Column>(index.column())) {
    case Stream:
        return QString::fromStdString(r.guid);
    case NodeGroup:
        return QString::fromStdString(r.nodeGroup);
    case Origin:
        return r.origin.empty() ? tr("—") : QString::fromStdString(r.origin);
    case Nodes:
        return r.nodes;
    case Viewers:
        return static_cast<qlonglong>(r.viewers);
    case Bitrate:
        return sort ? QVariant(r.bitrateKbps) : QVariant(formatBitrate(r.bitrateKbps));
    case Uptime:
        return sort ? QVariant(static_cast<qlonglong>(r.uptimeMs))
                    : QVariant(formatDuration(r.uptimeMs));
    case ColumnCount:
        break;
    }
    return {};
}

QVariant StreamTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* const kTitles[ColumnCount] = {"Stream",  "Node group", "Origin", "Nodes",
                                                     "Viewers", "Bitrate",    "Uptime"};
    return section >= 0 && section < ColumnCount ? QVariant(tr(kTitles[section])) : QVariant();
}

} // namespace sy::ui
