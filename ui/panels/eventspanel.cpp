#include "ui/panels/eventspanel.h"

#include "ui/panels/tableviews.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace sy::ui {

// Text filter on every column plus one kind of event.
class EventFilterProxy final : public QSortFilterProxyModel {
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setCategory(std::optional<EventCategory> c) {
        category_ = c;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override {
        if (category_) {
            const auto index = sourceModel()->index(row, 0, parent);
            if (index.data(EventTableModel::CategoryRole).toInt() != static_cast<int>(*category_))
                return false;
        }
        return QSortFilterProxyModel::filterAcceptsRow(row, parent);
    }

private:
    std::optional<EventCategory> category_;
};

EventsPanel::EventsPanel(EventTableModel& model, QWidget* parent)
    : Panel(parent)
    , model_(model)
    , proxy_(new EventFilterProxy(this))
    , category_(new QComboBox(this)) {
    setObjectName(QStringLiteral("eventsPanel"));
    proxy_->setSourceModel(&model_);
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy_->setFilterKeyColumn(-1);
    proxy_->setSortRole(EventTableModel::SortRole);
    view_ = makeTableView(proxy_, QStringLiteral("eventsView"), this);
    view_->setSortingEnabled(false); // newest first, as they come
    view_->horizontalHeader()->resizeSection(EventTableModel::Time, 80);
    view_->horizontalHeader()->resizeSection(EventTableModel::Node, 150);

    category_->setObjectName(QStringLiteral("eventCategory"));
    category_->addItem(tr("All kinds"), -1);
    for (auto c : {EventCategory::Scaling, EventCategory::Fault, EventCategory::Alert,
                   EventCategory::ApiError, EventCategory::NodeState, EventCategory::Stream,
                   EventCategory::NodeGroup, EventCategory::Media, EventCategory::Access})
        category_->addItem(EventTableModel::categoryName(c), static_cast<int>(c));
    connect(category_, &QComboBox::currentIndexChanged, this, [this] {
        const int c = category_->currentData().toInt();
        proxy_->setCategory(c < 0 ? std::nullopt
                                  : std::optional<EventCategory>(static_cast<EventCategory>(c)));
    });
    auto* clear = new QPushButton(tr("Clear"), this);
    clear->setObjectName(QStringLiteral("clearEvents"));
    clear->setToolTip(tr("Clear the log in this window (the cluster keeps its events)"));
    connect(clear, &QPushButton::clicked, &model_, &EventTableModel::clear);

    auto* bar = new QHBoxLayout;
    bar->addWidget(makeFilterEdit(proxy_, tr("Filter events: message, node, group…"), this));
    bar->addWidget(category_);
    bar->addStretch(1);
    bar->addWidget(clear);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(view_, 1);
}

void EventsPanel::setCategoryFilter(std::optional<EventCategory> category) {
    const int wanted = category ? static_cast<int>(*category) : -1;
    category_->setCurrentIndex(category_->findData(wanted));
}

int EventsPanel::visibleRows() const {
    return proxy_->rowCount();
}

} // namespace sy::ui
