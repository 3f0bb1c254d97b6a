#include "ui/models/eventtablemodel.h"

#include <QDateTime>

namespace sy::ui {

EventTableModel::EventTableModel(int capacity, QObject* parent)
    : QAbstractTableModel(parent)
    , capacity_(capacity) {}

EventCategory EventTableModel::categoryOf(const engine::Event& e) {
    using K = engine::EventKind;
    switch (e.kind) {
    case K::NodeStateChanged:
        return e.details.value("to", "") == "FAULT" ? EventCategory::Fault
                                                    : EventCategory::NodeState;
    case K::ScalingDecision:
        return EventCategory::Scaling;
    case K::StreamStarted:
    case K::StreamStopped:
        return EventCategory::Stream;
    case K::Alert:
        return EventCategory::Alert;
    case K::NodeGroupChanged:
        return EventCategory::NodeGroup;
    case K::Media:
        return e.details.value("state", "") == "FAULT" ? EventCategory::Fault
                                                       : EventCategory::Media;
    case K::Access:
        return EventCategory::Access;
    }
    return EventCategory::Alert;
}

Severity EventTableModel::severityOf(const engine::Event& e) {
    switch (categoryOf(e)) {
    case EventCategory::Fault:
    case EventCategory::Alert:
    case EventCategory::ApiError:
        return Severity::Critical;
    case EventCategory::Scaling:
        return e.details.value("alert", false) ? Severity::Warning : Severity::Info;
    case EventCategory::Access: // a refused publish or play: worth a look, not an outage
        return Severity::Warning;
    case EventCategory::NodeState:
    case EventCategory::Stream:
    case EventCategory::NodeGroup:
    case EventCategory::Media:
        return Severity::Ok;
    }
    return Severity::Info;
}

QString EventTableModel::categoryName(EventCategory c) {
    switch (c) {
    case EventCategory::Scaling:
        return tr("Scaling");
    case EventCategory::Fault:
        return tr("Fault");
    case EventCategory::NodeState:
        return tr("Node state");
    case EventCategory::Stream:
        return tr("Stream");
    case EventCategory::Alert:
        return tr("Alert");
    case EventCategory::NodeGroup:
        return tr("Node group");
    case EventCategory::ApiError:
        return tr("API error");
    case EventCategory::Media:
        return tr("Media");
    case EventCategory::Access:
        return tr("Access");
    }
    return {};
}

void EventTableModel::prepend(std::vector<Row> rows) {
    if (rows.empty())
        return;
    const int n = static_cast<int>(rows.size());
    beginInsertRows({}, 0, n - 1);
    for (auto& r : rows) // oldest first in, so each goes on top of the previous
        rows_.push_front(std::move(r));
    endInsertRows();
    if (static_cast<int>(rows_.size()) > capacity_) {
        const int first = capacity_;
        beginRemoveRows({}, first, static_cast<int>(rows_.size()) - 1);
        rows_.resize(static_cast<std::size_t>(capacity_));
        endRemoveRows();
    }
}

void EventTableModel::addEvents(const std::vector<engine::Event>& events) {
    std::vector<Row> rows;
    rows.reserve(events.size());
    for (const auto& e : events)
        rows.push_back({e, categoryOf(e), severityOf(e)});
    prepend(std::move(rows));
}

void EventTableModel::addApiError(const QString& nodeGroup, const QString& message,
                                  std::int64_t timeMs) {
    engine::Event e;
    e.timeMs = timeMs;
    e.kind = engine::EventKind::Alert;
    e.nodeGroup = nodeGroup.toStdString();
    e.message = message.toStdString();
    prepend({{e, EventCategory::ApiError, Severity::Critical}});
}

void EventTableModel::clear() {
    beginResetModel();
    rows_.clear();
    endResetModel();
}

int EventTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int EventTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount)
        return {};
    const auto& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
    case CategoryRole:
        return static_cast<int>(r.category);
    case SeverityRole:
        return static_cast<int>(r.severity);
    case Qt::DecorationRole:
        return index.column() == Category ? QVariant(severityColor(r.severity)) : QVariant();
    case Qt::ToolTipRole:
        if (index.column() == Message && !r.event.details.empty())
            return QString::fromStdString(r.event.details.dump(2));
        return {};
    case SortRole:
        if (index.column() == Time)
            return static_cast<qlonglong>(r.event.timeMs);
        [[fallthrough]];
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (static_cast<Column>(index.column())) {
    case Time:
        return QDateTime::fromMSecsSinceEpoch(r.event.timeMs).toString(QStringLiteral("HH:mm:ss"));
    case Category:
        return categoryName(r.category);
    case NodeGroup:
        return QString::fromStdString(r.event.nodeGroup);
    case Node:
        return QString::fromStdString(r.event.nodeId);
    case Message:
        return QString::fromStdString(r.event.message);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant EventTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* const kTitles[ColumnCount] = {"Time", "Kind", "Node group", "Node",
                                                     "Message"};
    return section >= 0 && section < ColumnCount ? QVariant(tr(kTitles[section])) : QVariant();
}

} // namespace sy::ui
