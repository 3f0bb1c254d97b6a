#pragma once
// The Events page: the event log, newest first, filterable by kind and text: scaling decisions
// with their reason, node faults, stream starts and stops, alerts, and API errors of this console.

#include "ui/models/eventtablemodel.h"
#include "ui/panels/panel.h"

class QComboBox;
class QTableView;

namespace sy::ui {

class EventFilterProxy;

class EventsPanel final : public Panel {
    Q_OBJECT
public:
    explicit EventsPanel(EventTableModel& model, QWidget* parent = nullptr);

    QString title() const override { return tr("Events"); }
    QIcon icon() const override { return QIcon(QStringLiteral(":/icons/events.svg")); }
    QString toolTip() const override { return tr("Scaling decisions, faults, streams, errors"); }

    QTableView* view() const { return view_; }
    // Show only one kind (std::nullopt: all).
    void setCategoryFilter(std::optional<EventCategory> category);
    int visibleRows() const;

private:
    EventTableModel& model_;
    EventFilterProxy* proxy_;
    QComboBox* category_;
    QTableView* view_;
};

} // namespace sy::ui
