#include "ui/panels/trafficlabpanel.h"

#include "ui/backend/clusterbackend.h"
#include "ui/panels/tableviews.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace sy::ui {

TrafficLabPanel::TrafficLabPanel(ClusterBackend& backend, api::ClusterHost* host, QWidget* parent)
    : Panel(parent)
    , backend_(backend)
    , lab_(backend, host)
    , group_(new QComboBox(this))
    , publishers_(new QSpinBox(this))
    , viewers_(new QSpinBox(this))
    , start_(new QPushButton(QIcon(QStringLiteral(":/icons/resume.svg")), tr("Start"), this))
    , stop_(new QPushButton(QIcon(QStringLiteral(":/icons/pause.svg")), tr("Stop"), this))
    , summary_(new QLabel(this))
    , message_(new MessageBar(this))
    , clients_(new QTableWidget(0, 4, this)) {
    setObjectName(QStringLiteral("trafficLabPanel"));
    group_->setObjectName(QStringLiteral("labGroup"));
    group_->setMinimumWidth(220);
    publishers_->setMinimumWidth(120);
    viewers_->setMinimumWidth(120);
    publishers_->setObjectName(QStringLiteral("labPublishers"));
    publishers_->setRange(0, 200);
    publishers_->setValue(2);
    viewers_->setObjectName(QStringLiteral("labViewers"));
    viewers_->setRange(0, 5000);
    viewers_->setValue(10);
    start_->setObjectName(QStringLiteral("labStart"));
    stop_->setObjectName(QStringLiteral("labStop"));
    summary_->setObjectName(QStringLiteral("labSummary"));
    clients_->setObjectName(QStringLiteral("labClients"));
    clients_->setHorizontalHeaderLabels(
        {tr("Client"), tr("Stream"), tr("State"), tr("Node URL / last error")});
    clients_->verticalHeader()->hide();
    clients_->horizontalHeader()->setStretchLastSection(true);
    clients_->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    clients_->horizontalHeader()->resizeSection(0, 140);
    clients_->horizontalHeader()->resizeSection(1, 160);
    clients_->horizontalHeader()->resizeSection(2, 110);
    clients_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    clients_->setAlternatingRowColors(true);

    auto* explain = new QLabel(
        tr("Test clients go through the cluster's own routing, as real ones would. On LOCAL "
           "groups each publisher is an ffmpeg process looping a test clip to the origin that "
           "publish routing picks, and each viewer plays from the edge that subscribe routing "
           "picks; a client whose node goes away is routed again. On SIMULATED groups the lab "
           "adds synthetic publishers and viewers to the group's traffic model."),
        this);
    explain->setWordWrap(true);

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    form->addRow(tr("Node group:"), group_);
    form->addRow(tr("Publishers:"), publishers_);
    form->addRow(tr("Viewers:"), viewers_);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(start_);
    buttons->addWidget(stop_);
    buttons->addWidget(summary_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(explain);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(message_);
    layout->addWidget(clients_, 1);

    connect(start_, &QPushButton::clicked, this,
            [this] { startLab(group_->currentText(), publishers_->value(), viewers_->value()); });
    connect(stop_, &QPushButton::clicked, &lab_, &TrafficLab::stop);
    connect(&lab_, &TrafficLab::changed, this, &TrafficLabPanel::showClients);
    connect(&backend_, &ClusterBackend::snapshotChanged, this, &TrafficLabPanel::refreshGroups);
    refreshGroups();
    showClients();
}

bool TrafficLabPanel::startLab(const QString& nodeGroup, int publishers, int viewers) {
    const QString error = lab_.start(nodeGroup, publishers, viewers);
    if (!error.isEmpty())
        message_->showError(tr("Cannot start the lab: %1").arg(error));
    return error.isEmpty();
}

void TrafficLabPanel::refreshGroups() {
    const auto snap = backend_.snapshot();
    QStringList names;
    for (const auto& [name, g] : snap->groups)
        names << QString::fromStdString(name);
    QStringList shown;
    for (int i = 0; i < group_->count(); ++i)
        shown << group_->itemText(i);
    if (names == shown)
        return;
    const QString current = group_->currentText();
    group_->clear();
    group_->addItems(names);
    group_->setCurrentIndex(std::max<qsizetype>(0, names.indexOf(current)));
    start_->setEnabled(!names.isEmpty() && !lab_.isRunning());
}

void TrafficLabPanel::showClients() {
    const auto& clients = lab_.clients();
    clients_->setRowCount(static_cast<int>(clients.size()));
    for (int i = 0; i < clients.size(); ++i) {
        const auto& c = clients[i];
        const QStringList cells{
            c.kind == TrafficLab::Kind::Publisher ? tr("publisher %1").arg(i + 1)
                                                  : tr("viewer %1").arg(i + 1),
            c.guid, TrafficLab::stateName(c.state), c.error.isEmpty() ? c.url : c.error};
        for (int col = 0; col < cells.size(); ++col) {
            auto* item = clients_->item(i, col);
            if (!item) {
                item = new QTableWidgetItem;
                clients_->setItem(i, col, item);
            }
            item->setText(cells[col]);
        }
    }
    using K = TrafficLab::Kind;
    using S = TrafficLab::State;
    summary_->setText(
        lab_.isRunning()
            ? tr("%1: %2 of %3 publishers and %4 of %5 viewers running%6")
                  .arg(lab_.nodeGroup())
                  .arg(lab_.count(K::Publisher, S::Running))
                  .arg(std::count_if(clients.begin(), clients.end(),
                                     [](const auto& c) { return c.kind == K::Publisher; }))
                  .arg(lab_.count(K::Viewer, S::Running))
                  .arg(std::count_if(clients.begin(), clients.end(),
                                     [](const auto& c) { return c.kind == K::Viewer; }))
                  .arg(lab_.synthetic() ? tr(" (synthetic)") : QString())
            : tr("Not running"));
    start_->setEnabled(!lab_.isRunning() && group_->count() > 0);
    stop_->setEnabled(lab_.isRunning());
    group_->setEnabled(!lab_.isRunning());
}

} // namespace sy::ui
