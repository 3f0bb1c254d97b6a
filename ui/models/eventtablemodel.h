#pragma once
// The event log: the core's events (scaling decisions with their reason, node state changes and
// faults, streams, alerts, node-group changes) and the console's own failed commands (API
// errors), newest first, capped so a long-running console keeps a bounded memory.

#include "core/engine/event.h"
#include "ui/style/statecolors.h"

#include <QAbstractTableModel>
#include <QString>

#include <deque>

namespace sy::ui {

// What an operator filters the log by.
enum class EventCategory {
    Scaling,
    Fault,
    NodeState,
    Stream,
    Alert,
    NodeGroup,
    ApiError,
    Media,
    Access
};

class EventTableModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Time, Category, NodeGroup, Node, Message, ColumnCount };
    enum Roles {
        CategoryRole = Qt::UserRole, // EventCategory as int
        SeverityRole,                // Severity as int
        SortRole,
    };

    explicit EventTableModel(int capacity = 10000, QObject* parent = nullptr);

    // Appends core events (oldest first, as the backend delivers them); they show newest first.
    void addEvents(const std::vector<engine::Event>& events);
    // A failed command of this console: "Drain node e-3: no node 'e-3' in 'demo'".
    void addApiError(const QString& nodeGroup, const QString& message, std::int64_t timeMs);
    void clear();

    static EventCategory categoryOf(const engine::Event& e);
    static Severity severityOf(const engine::Event& e);
    static QString categoryName(EventCategory c);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row {
        engine::Event event;
        EventCategory category;
        Severity severity;
    };
    void prepend(std::vector<Row> rows);

    int capacity_;
    std::deque<Row> rows_; // newest first
};

} // namespace sy::ui
