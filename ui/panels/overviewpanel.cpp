#include "ui/panels/overviewpanel.h"

#include "ui/backend/clusterbackend.h"
#include "ui/models/decisiontablemodel.h"
#include "ui/style/statecolors.h"
#include "ui/wall/capacitybar.h"
#include "ui/wall/signalformat.h"

#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace sy::ui {

namespace {

constexpr int kCardWidth = 380; // a card's comfortable width; columns follow the page width
constexpr int kEdgeWidth = 5;   // the status edge on a card's left

QLabel* makeLabel(QWidget* parent, const QString& objectName, double scale = 1.0,
                  bool bold = false) {
    auto* l = new QLabel(parent);
    l->setObjectName(objectName);
    QFont f = l->font();
    f.setPointSizeF(f.pointSizeF() * scale);
    f.setBold(bold);
    l->setFont(f);
    return l;
}

QLabel* makeBadge(QWidget* parent, const QString& objectName, const QString& text, QColor c) {
    auto* l = makeLabel(parent, objectName, 0.8, true);
    l->setText(text);
    l->setStyleSheet(QStringLiteral("QLabel { color: white; background: %1; border-radius: 4px; "
                                    "padding: 1px 6px; }")
                         .arg(c.name()));
    return l;
}

// "● 5 In service   ● 1 Fault": one coloured dot and count per state that has nodes.
QString stateChips(const engine::GroupSummary& s) {
    QStringList chips;
    for (const auto& [state, count] : s.nodesByState)
        chips << QStringLiteral("<span style=\"color:%1\">\u25CF</span>&nbsp;%2&nbsp;%3")
                     .arg(stateColor(state).name())
                     .arg(count)
                     .arg(stateLabel(state).toHtmlEscaped());
    return chips.join(QStringLiteral("&nbsp;&nbsp;&nbsp;"));
}

QString alertLines(const engine::GroupSummary& s) {
    QStringList lines;
    for (const auto& a : s.alerts)
        lines << QStringLiteral("<span style=\"color:%1\">\u25B2</span>&nbsp;%2")
                     .arg(severityColor(severityOf(a.severity)).name(),
                          QString::fromStdString(a.message).toHtmlEscaped());
    return lines.join(QStringLiteral("<br>"));
}

} // namespace

// One node group's card. Labels are updated in place, so a refresh every few hundred
// milliseconds neither flickers nor loses a tooltip under the mouse.
class OverviewGroupCard final : public QFrame {
public:
    OverviewGroupCard(const std::string& name, QWidget* parent)
        : QFrame(parent) {
        setObjectName(QStringLiteral("groupCard_") + QString::fromStdString(name));
        setMinimumWidth(kCardWidth - 40);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Maximum);
        auto* v = new QVBoxLayout(this);
        v->setContentsMargins(kEdgeWidth + 14, 12, 14, 12);
        v->setSpacing(8);
        v->addLayout(buildTitle(name));
        v->addLayout(buildSignals());
        nodeStates_ = makeLabel(this, QStringLiteral("nodeStates"));
        nodeStates_->setTextFormat(Qt::RichText);
        nodeStates_->setWordWrap(true);
        v->addWidget(nodeStates_);
        v->addLayout(buildCapacity());
        alerts_ = makeLabel(this, QStringLiteral("alerts"));
        alerts_->setTextFormat(Qt::RichText);
        alerts_->setWordWrap(true);
        v->addWidget(alerts_);
    }

    void showSummary(const engine::GroupSummary& s) {
        status_ = severityColor(groupStatus(s));
        paused_->setVisible(s.paused);
        simulated_->setVisible(s.simulated);
        setIfChanged(publishers_, formatClientCount(s.publishers));
        setIfChanged(viewers_, formatClientCount(s.viewers));
        setIfChanged(ingress_, formatBandwidth(s.ingressKbps));
        setIfChanged(egress_, formatBandwidth(s.egressKbps));
        setIfChanged(nodesTotal_, QString::number(s.nodesTotal));
        setIfChanged(nodeStates_, s.nodesTotal == 0 ? tr("No nodes") : stateChips(s));
        capacityBar_->setFraction(s.capacityUsed);
        setIfChanged(capacity_, formatCapacity(s.capacityUsed));
        setIfChanged(alerts_, alertLines(s));
        alerts_->setVisible(!s.alerts.empty());
        update();
    }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        const QRectF r = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
        QPainterPath outline;
        outline.addRoundedRect(r, 8, 8);
        p.fillPath(outline, palette().base());
        p.setPen(QPen(palette().color(QPalette::Mid), 1));
        p.drawPath(outline);
        // The status edge: green when all is well, else the colour of the worst alert.
        p.setClipPath(outline);
        p.fillRect(QRectF(r.left(), r.top(), kEdgeWidth, r.height()), status_);
    }

private:
    static QString tr(const char* text) { return OverviewPanel::tr(text); }

    static void setIfChanged(QLabel* l, const QString& text) {
        if (l->text() != text)
            l->setText(text);
    }

    QHBoxLayout* buildTitle(const std::string& name) {
        auto* h = new QHBoxLayout;
        auto* title = makeLabel(this, QStringLiteral("groupName"), 1.35, true);
        title->setText(QString::fromStdString(name));
        h->addWidget(title);
        h->addStretch(1);
        simulated_ = makeBadge(this, QStringLiteral("simulatedBadge"), tr("SIMULATED"),
                               QColor(0x6b, 0x72, 0x80));
        simulated_->setToolTip(tr("Virtual nodes with a synthetic load model"));
        paused_ = makeBadge(this, QStringLiteral("pausedBadge"), tr("PAUSED"),
                            severityColor(Severity::Info));
        paused_->setToolTip(tr("Autoscaling is paused: no nodes are added or removed"));
        h->addWidget(simulated_);
        h->addWidget(paused_);
        return h;
    }

    // Counts in large type on the first row, bandwidth below them in the same columns:
    // "31.5 Mbit/s" needs the room a count does not.
    QGridLayout* buildSignals() {
        auto* g = new QGridLayout;
        g->setHorizontalSpacing(18);
        g->setVerticalSpacing(0);
        addSignal(g, 0, 0, "Publishers", "publishers", &publishers_, 1.6);
        addSignal(g, 0, 1, "Viewers", "viewers", &viewers_, 1.6);
        addSignal(g, 0, 2, "Nodes", "nodesTotal", &nodesTotal_, 1.6);
        g->setRowMinimumHeight(2, 6);
        addSignal(g, 3, 0, "Ingress", "ingress", &ingress_, 1.1);
        addSignal(g, 3, 1, "Egress", "egress", &egress_, 1.1);
        for (int c = 0; c < 3; ++c)
            g->setColumnStretch(c, 1);
        return g;
    }

    void addSignal(QGridLayout* g, int row, int column, const char* caption, const char* name,
                   QLabel** label, double scale) {
        auto* c = makeLabel(this, QString(), 0.8);
        c->setText(tr(caption).toUpper());
        c->setForegroundRole(QPalette::PlaceholderText);
        *label = makeLabel(this, QLatin1String(name), scale, true);
        (*label)->setMinimumWidth(70);
        g->addWidget(c, row, column);
        g->addWidget(*label, row + 1, column);
    }

    QHBoxLayout* buildCapacity() {
        auto* h = new QHBoxLayout;
        auto* caption = makeLabel(this, QString(), 0.9);
        caption->setText(tr("Capacity"));
        caption->setForegroundRole(QPalette::PlaceholderText);
        capacityBar_ = new CapacityBar(this);
        capacityBar_->setObjectName(QStringLiteral("capacityBar"));
        capacityBar_->setFixedHeight(8);
        capacity_ = makeLabel(this, QStringLiteral("capacity"), 1.0, true);
        capacity_->setMinimumWidth(
            capacity_->fontMetrics().horizontalAdvance(QStringLiteral("888%")));
        capacity_->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        const QString why = tr("Share of routing capacity in use on in-service nodes: the sum "
                               "of their capacity rankings over the sum of their limits");
        for (QWidget* w : {static_cast<QWidget*>(caption), static_cast<QWidget*>(capacityBar_),
                           static_cast<QWidget*>(capacity_)})
            w->setToolTip(why);
        h->addWidget(caption);
        h->addWidget(capacityBar_, 1);
        h->addWidget(capacity_);
        return h;
    }

    QColor status_ = severityColor(Severity::Ok);
    QLabel* paused_ = nullptr;
    QLabel* simulated_ = nullptr;
    QLabel* publishers_ = nullptr;
    QLabel* viewers_ = nullptr;
    QLabel* nodesTotal_ = nullptr;
    QLabel* ingress_ = nullptr;
    QLabel* egress_ = nullptr;
    QLabel* nodeStates_ = nullptr;
    CapacityBar* capacityBar_ = nullptr;
    QLabel* capacity_ = nullptr;
    QLabel* alerts_ = nullptr;
};

OverviewPanel::OverviewPanel(ClusterBackend& backend, QWidget* parent)
    : Panel(parent)
    , backend_(backend) {
    setObjectName(QStringLiteral("overviewPanel"));
    stack_ = new QStackedWidget(this);
    stack_->addWidget(buildEmptyState());
    stack_->addWidget(buildContent());
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(stack_);
    refreshOnSnapshots(backend_);
    refresh();
}

OverviewPanel::~OverviewPanel() = default;

QIcon OverviewPanel::icon() const {
    return QIcon(QStringLiteral(":/icons/overview.svg"));
}

QWidget* OverviewPanel::buildEmptyState() {
    auto* page = new QWidget(this);
    auto* v = new QVBoxLayout(page);
    v->addStretch(2);
    auto* image = new QLabel(page);
    image->setPixmap(icon().pixmap(QSize(96, 96)));
    image->setAlignment(Qt::AlignCenter);
    v->addWidget(image);
    auto* text = makeLabel(page, QStringLiteral("overviewEmpty"), 1.4, true);
    text->setText(tr("No node groups yet \u2014 create one with the wizard"));
    text->setAlignment(Qt::AlignCenter);
    v->addWidget(text);
    auto* hint = makeLabel(page, QString());
    hint->setText(tr("Each node group will show its publishers, viewers, nodes, bandwidth and "
                     "capacity here, with the latest scaling decisions below."));
    hint->setAlignment(Qt::AlignCenter);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    v->addWidget(hint);
    v->addStretch(3);
    return page;
}

QWidget* OverviewPanel::buildContent() {
    auto* top = new QWidget(this);
    auto* tv = new QVBoxLayout(top);
    tv->setContentsMargins(16, 14, 16, 8);
    totals_ = makeLabel(top, QStringLiteral("clusterTotals"), 1.05);
    totals_->setTextFormat(Qt::RichText);
    tv->addWidget(totals_);

    auto* scroll = new QScrollArea(top);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    cardArea_ = new QWidget(scroll);
    cardArea_->setObjectName(QStringLiteral("cardArea"));
    cardGrid_ = new QGridLayout(cardArea_);
    cardGrid_->setContentsMargins(0, 4, 0, 4);
    cardGrid_->setSpacing(12);
    scroll->setWidget(cardArea_);
    scroll->viewport()->installEventFilter(this);
    tv->addWidget(scroll, 1);

    auto* bottom = new QWidget(this);
    auto* bv = new QVBoxLayout(bottom);
    bv->setContentsMargins(16, 8, 16, 12);
    auto* heading = makeLabel(bottom, QString(), 1.15, true);
    heading->setText(tr("Latest scaling decisions"));
    bv->addWidget(heading);
    decisions_ = new DecisionTableModel(this);
    decisionView_ = new QTableView(bottom);
    decisionView_->setObjectName(QStringLiteral("decisionsTable"));
    decisionView_->setModel(decisions_);
    decisionView_->setAlternatingRowColors(true);
    decisionView_->setSelectionBehavior(QAbstractItemView::SelectRows);
    decisionView_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    decisionView_->setWordWrap(false);
    decisionView_->setShowGrid(false);
    decisionView_->verticalHeader()->hide();
    decisionView_->verticalHeader()->setDefaultSectionSize(decisionView_->fontMetrics().height() +
                                                           10);
    decisionView_->horizontalHeader()->setStretchLastSection(true);
    decisionView_->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    decisionView_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    decisionView_->horizontalHeader()->setSectionResizeMode(DecisionTableModel::Reason,
                                                            QHeaderView::Stretch);
    bv->addWidget(decisionView_, 1);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(top);
    splitter->addWidget(bottom);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 1);
    return splitter;
}

void OverviewPanel::refresh() {
    const auto snapshot = backend_.snapshot();
    const auto summaries = engine::summarize(*snapshot);
    stack_->setCurrentIndex(summaries.empty() ? 0 : 1);
    const auto total = engine::clusterTotal(summaries);
    const int alerts = static_cast<int>(
        std::count_if(total.alerts.begin(), total.alerts.end(), [](const engine::Alert& a) {
            return a.severity != engine::AlertSeverity::Info;
        }));
    const int groups = static_cast<int>(summaries.size());
    QString totals = QStringLiteral("<b>%1</b>")
                         .arg(groups == 1 ? tr("1 node group") : tr("%1 node groups").arg(groups)) +
                     tr(" \u00B7 %1 publishers \u00B7 %2 viewers \u00B7 %3 of %4 nodes in service "
                        "\u00B7 %5 out")
                         .arg(formatClientCount(total.publishers), formatClientCount(total.viewers))
                         .arg(total.nodesIn(model::NodeState::InService))
                         .arg(total.nodesTotal)
                         .arg(formatBandwidth(total.egressKbps));
    if (alerts > 0)
        totals += QStringLiteral(" \u00B7 <span style=\"color:%1\"><b>%2</b></span>")
                      .arg(severityColor(Severity::Critical).name(),
                           alerts == 1 ? tr("1 alert") : tr("%1 alerts").arg(alerts));
    if (totals_->text() != totals)
        totals_->setText(totals);
    updateCards(summaries);
    decisions_->setSnapshot(*snapshot);
}

void OverviewPanel::updateCards(const std::vector<engine::GroupSummary>& summaries) {
    bool changed = false;
    std::map<std::string, OverviewGroupCard*> next;
    for (const auto& s : summaries) {
        auto it = cards_.find(s.nodeGroup);
        OverviewGroupCard* card = nullptr;
        if (it == cards_.end()) {
            card = new OverviewGroupCard(s.nodeGroup, cardArea_);
            changed = true;
        } else {
            card = it->second;
            cards_.erase(it);
        }
        card->showSummary(s);
        next[s.nodeGroup] = card;
    }
    for (auto& [name, card] : cards_) { // groups that are gone
        delete card;
        changed = true;
    }
    cards_ = std::move(next);
    if (changed || cardColumns() != placedColumns_)
        placeCards();
}

int OverviewPanel::cardColumns() const {
    const int available = cardArea_->parentWidget() ? cardArea_->parentWidget()->width() : width();
    return std::max(1, available / kCardWidth);
}

void OverviewPanel::placeCards() {
    while (cardGrid_->count() > 0)
        delete cardGrid_->takeAt(0);
    placedColumns_ = cardColumns();
    int i = 0;
    for (const auto& [name, card] : cards_) {
        cardGrid_->addWidget(card, i / placedColumns_, i % placedColumns_, Qt::AlignTop);
        ++i;
    }
    for (int c = 0; c < placedColumns_; ++c)
        cardGrid_->setColumnStretch(c, 1);
    for (int c = placedColumns_; c < cardGrid_->columnCount(); ++c)
        cardGrid_->setColumnStretch(c, 0);
    // Cards keep their natural height; spare height collects below the last row.
    const int rows = (i + placedColumns_ - 1) / placedColumns_;
    for (int r = 0; r < cardGrid_->rowCount(); ++r)
        cardGrid_->setRowStretch(r, r == rows ? 1 : 0);
    if (rows >= cardGrid_->rowCount())
        cardGrid_->setRowStretch(rows, 1);
}

bool OverviewPanel::eventFilter(QObject* watched, QEvent* event) {
    // The number of card columns follows the width of the scroll area's viewport.
    if (watched == cardArea_->parentWidget() && event->type() == QEvent::Resize &&
        cardColumns() != placedColumns_)
        placeCards();
    return Panel::eventFilter(watched, event);
}

} // namespace sy::ui
