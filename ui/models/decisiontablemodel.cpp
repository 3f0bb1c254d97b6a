#include "ui/models/decisiontablemodel.h"

#include "ui/style/statecolors.h"

#include <algorithm>
#include <tuple>

namespace sy::ui {

namespace {

using scaling::ScalingAction;

QString actionLabel(ScalingAction a) {
    switch (a) {
    case ScalingAction::None:
        return DecisionTableModel::tr("No change");
    case ScalingAction::ScaleOut:
        return DecisionTableModel::tr("Scale out");
    case ScalingAction::ScaleIn:
        return DecisionTableModel::tr("Scale in");
    case ScalingAction::Waiting:
        return DecisionTableModel::tr("Waiting");
    case ScalingAction::Blocked:
        return DecisionTableModel::tr("Blocked");
    }
    return {};
}

QString str(const std::string& s) {
    return QString::fromStdString(s);
}

} // namespace

bool DecisionTableModel::before(const Row& a, const Row& b) {
    return std::tie(a.nodeGroup, a.decision.subGroup, a.decision.role) <
           std::tie(b.nodeGroup, b.decision.subGroup, b.decision.role);
}

bool DecisionTableModel::sameCells(const Row& a, const Row& b) {
    const auto& x = a.decision;
    const auto& y = b.decision;
    return x.action == y.action && x.count == y.count && x.rule == y.rule && x.reason == y.reason &&
           x.values == y.values && x.expression == y.expression && x.alert == y.alert;
}

void DecisionTableModel::setSnapshot(const engine::ClusterSnapshot& snapshot) {
    std::vector<Row> next;
    for (const auto& [name, g] : snapshot.groups)
        for (const auto& d : g.lastDecisions)
            next.push_back({name, d});
    std::sort(next.begin(), next.end(), before);

    const auto [first, last] = mergeRows(rows_, std::move(next), before, sameCells);
    if (first >= 0)
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

int DecisionTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int DecisionTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DecisionTableModel::display(const Row& r, int column) const {
    const auto& d = r.decision;
    switch (column) {
    case NodeGroup:
        return str(r.nodeGroup);
    case SubGroup:
        return str(d.subGroup);
    case Role:
        return str(d.role);
    case Action:
        return actionLabel(d.action);
    case Count:
        // Only a scale-out or scale-in moves nodes; a count elsewhere would read as a change.
        if (d.action == ScalingAction::ScaleOut || d.action == ScalingAction::ScaleIn)
            return QVariant::fromValue(static_cast<qlonglong>(d.count));
        return QString();
    case Rule:
        return str(d.rule);
    case Reason:
        return str(d.reason);
    }
    return {};
}

QVariant DecisionTableModel::decoration(const Row& r, int column, int role) const {
    const auto& d = r.decision;
    if (role == Qt::ForegroundRole && column == Action) {
        switch (d.action) {
        case ScalingAction::ScaleOut:
            return severityColor(Severity::Ok);
        case ScalingAction::ScaleIn:
            return severityColor(Severity::Info);
        case ScalingAction::Waiting:
            return severityColor(Severity::Warning);
        case ScalingAction::Blocked:
            return d.alert ? severityColor(Severity::Critical) : QVariant();
        case ScalingAction::None:
            return {};
        }
    }
    if (role == Qt::ToolTipRole && (column == Rule || column == Reason)) {
        // The expression and the aggregates it read say why, beyond the one-line reason.
        QStringList lines{str(d.reason)};
        if (!d.expression.empty())
            lines << tr("Expression: %1").arg(str(d.expression));
        if (!d.values.empty())
            lines << tr("Values: %1").arg(str(d.values));
        if (!d.victims.empty())
            lines << tr("Draining: %1")
                         .arg(str(d.victims.front()) +
                              (d.victims.size() > 1 ? QStringLiteral(", …") : QString()));
        return lines.join(QLatin1Char('\n'));
    }
    if (role == Qt::TextAlignmentRole && column == Count)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant DecisionTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount)
        return {};
    const auto& r = rows_[static_cast<std::size_t>(index.row())];
    if (role == ActionRole)
        return static_cast<int>(r.decision.action);
    if (role == AlertRole)
        return r.decision.alert;
    if (role == Qt::DisplayRole)
        return display(r, index.column());
    return decoration(r, index.column(), role);
}

QVariant DecisionTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NodeGroup:
        return tr("Node group");
    case SubGroup:
        return tr("Sub-group");
    case Role:
        return tr("Role");
    case Action:
        return tr("Action");
    case Count:
        return tr("Count");
    case Rule:
        return tr("Rule");
    case Reason:
        return tr("Reason");
    }
    return {};
}

} // namespace sy::ui
