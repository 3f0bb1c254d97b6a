#pragma once
// The Overview page: a card per node group with its golden signals (publishers, viewers, nodes
// by state, ingress and egress, capacity used), its paused state and alerts, and below them the
// latest scaling decision of every sub-group and role with its reason. Numbers and alerts come
// from engine::summarize, so this page and the monitoring wall never disagree.

#include "ui/panels/panel.h"

#include "core/engine/groupsummary.h"

#include <map>
#include <string>

class QGridLayout;
class QLabel;
class QStackedWidget;
class QTableView;

namespace sy::ui {

class ClusterBackend;
class DecisionTableModel;
class OverviewGroupCard;

class OverviewPanel final : public Panel {
    Q_OBJECT
public:
    explicit OverviewPanel(ClusterBackend& backend, QWidget* parent = nullptr);
    ~OverviewPanel() override;

    QString title() const override { return tr("Overview"); }
    QIcon icon() const override;

    // Reads the backend's latest snapshot. Called on every (coalesced) snapshotChanged.
    void refresh() override;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QWidget* buildEmptyState();
    QWidget* buildContent();
    void updateCards(const std::vector<engine::GroupSummary>& summaries);
    void placeCards();
    int cardColumns() const;

    ClusterBackend& backend_;
    QStackedWidget* stack_ = nullptr;
    QLabel* totals_ = nullptr;
    QWidget* cardArea_ = nullptr;
    QGridLayout* cardGrid_ = nullptr;
    std::map<std::string, OverviewGroupCard*> cards_; // by node group, in name order
    int placedColumns_ = 0;
    DecisionTableModel* decisions_ = nullptr;
    QTableView* decisionView_ = nullptr;
};

} // namespace sy::ui
