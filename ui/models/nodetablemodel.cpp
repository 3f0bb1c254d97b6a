#include "ui/models/nodetablemodel.h"

#include "ui/style/statecolors.h"

#include <algorithm>

namespace sy::ui {

namespace {

bool before(const engine::NodeView& a, const engine::NodeView& b) {
    return std::tie(a.nodeGroup, a.nodeId) < std::tie(b.nodeGroup, b.nodeId);
}

double metric(const engine::NodeView& n, const char* name) {
    const auto it = n.metrics.find(name);
    return it == n.metrics.end() ? 0.0 : it->second;
}

bool sameCells(const engine::NodeView& a, const engine::NodeView& b) {
    return a.state == b.state && a.subGroup == b.subGroup && a.role == b.role &&
           a.metrics == b.metrics && a.ranking == b.ranking && a.limit == b.limit &&
           a.endpoint.address == b.endpoint.address && a.endpoint.rtmpPort == b.endpoint.rtmpPort;
}

// How full a node is, 0..1 (may exceed 1 when overloaded): its capacity ranking against its
// limit as routing sees them, or its CPU where the rule sets no limit.
double loadFraction(const engine::NodeView& n) {
    if (n.limit > 0)
        return n.ranking / n.limit;
    return metric(n, "cpu.process.load");
}

} // namespace

bool NodeTableModel::recordHistory(const engine::ClusterSnapshot& snapshot) {
    if (snapshot.timeMs <= historyTimeMs_)
        return false; // the same moment seen again (remote rounds can repeat a snapshot)
    historyTimeMs_ = snapshot.timeMs;
    std::unordered_map<std::string, QList<double>> next;
    for (const auto& [name, g] : snapshot.groups)
        for (const auto& n : g.nodes) {
            auto& h = next[n.nodeId];
            if (auto old = history_.find(n.nodeId); old != history_.end())
                h = std::move(old->second);
            if (n.state == model::NodeState::InService)
                h.append(loadFraction(n));
            if (h.size() > kHistoryLength)
                h.remove(0, h.size() - kHistoryLength);
        }
    history_ = std::move(next); // nodes that left take their history with them
    return true;
}

void NodeTableModel::setSnapshot(const engine::ClusterSnapshot& snapshot) {
    const bool newSamples = recordHistory(snapshot);
    std::vector<engine::NodeView> next;
    for (const auto& [name, g] : snapshot.groups)
        next.insert(next.end(), g.nodes.begin(), g.nodes.end());
    std::sort(next.begin(), next.end(), before);

    auto [firstChanged, lastChanged] = mergeRows(rows_, std::move(next), before, sameCells);
    if (newSamples && !rows_.empty()) {
        firstChanged = 0;
        lastChanged = rowCount() - 1;
    }
    if (firstChanged >= 0)
        Q_EMIT dataChanged(index(firstChanged, 0), index(lastChanged, ColumnCount - 1));
}

int NodeTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int NodeTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NodeTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount)
        return {};
    const auto& n = rows_[static_cast<std::size_t>(index.row())];
    if (role == StateRole)
        return static_cast<int>(n.state);
    if (role == NodeGroupRole)
        return QString::fromStdString(n.nodeGroup);
    if (role == HistoryRole) {
        if (index.column() != Load)
            return {};
        const auto it = history_.find(n.nodeId);
        return QVariant::fromValue(it == history_.end() ? QList<double>{} : it->second);
    }
    if (role == Qt::ToolTipRole && index.column() == Load)
        return tr("Load over the last minute: capacity ranking / limit, or CPU without a limit");
    const bool sort = role == SortRole;
    if (role != Qt::DisplayRole && !sort) {
        if (role == Qt::TextAlignmentRole && index.column() >= Publishers && index.column() <= Load)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        if (role == Qt::DecorationRole && index.column() == State)
            return stateColor(n.state);
        if (role == Qt::ToolTipRole && index.column() == State && !n.faultReason.empty())
            return QString::fromStdString(n.faultReason);
        return {};
    }
    switch (static_cast<Column>(index.column())) {
    case NodeId:
        return QString::fromStdString(n.nodeId);
    case NodeGroup:
        return QString::fromStdString(n.nodeGroup);
    case SubGroup:
        return QString::fromStdString(n.subGroup);
    case Role:
        return QString::fromStdString(n.role);
    case State:
        return sort ? QVariant(static_cast<int>(n.state))
                    : QVariant(QString::fromUtf8(model::toString(n.state).data()));
    case Publishers:
        return static_cast<qlonglong>(metric(n, "connections.publisher"));
    case Viewers:
        return static_cast<qlonglong>(metric(n, "connections.subscriber"));
    case Cpu: {
        const double load = metric(n, "cpu.process.load");
        return sort ? QVariant(load) : QVariant(QString::number(load * 100, 'f', 0) + u'%');
    }
    case Ranking:
        return sort ? QVariant(n.ranking)
                    : QVariant(QStringLiteral("%1 / %2").arg(n.ranking).arg(n.limit));
    case Load: {
        const double f = n.state == model::NodeState::InService ? loadFraction(n) : 0.0;
        return sort ? QVariant(f) : QVariant(QString::number(f * 100, 'f', 0) + u'%');
    }
    case Address:
        return QStringLiteral("%1:%2")
            .arg(QString::fromStdString(n.endpoint.address))
            .arg(n.endpoint.rtmpPort);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant NodeTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* const kTitles[ColumnCount] = {
        "Node",    "Node group", "Sub-group",       "Role", "State",  "Publishers",
        "Viewers", "CPU",        "Ranking / limit", "Load", "Address"};
    return section >= 0 && section < ColumnCount ? QVariant(tr(kTitles[section])) : QVariant();
}

} // namespace sy::ui
