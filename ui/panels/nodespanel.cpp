#include "ui/panels/nodespanel.h"

#include "ui/backend/clusterbackend.h"
#include "ui/backend/commandrunner.h"
#include "ui/models/nodetablemodel.h"
#include "ui/panels/manualscaledialog.h"
#include "ui/panels/sparklinedelegate.h"
#include "ui/panels/tableviews.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

#include <map>

namespace sy::ui {

namespace {

QPushButton* actionButton(const QString& icon, const QString& text, const QString& tip,
                          const QString& name, QWidget* parent) {
    auto* b = new QPushButton(QIcon(icon), text, parent);
    b->setObjectName(name);
    b->setToolTip(tip);
    return b;
}

// "1 origin, 4 edges": what a node group is made of, for the delete confirmation.
QString composition(const engine::NodeGroupView& g) {
    std::map<std::string, int> byRole;
    for (const auto& n : g.nodes)
        ++byRole[n.role];
    QStringList parts;
    for (const auto& [role, count] : byRole)
        parts << QStringLiteral("%1 %2").arg(count).arg(QString::fromStdString(role));
    return parts.join(QStringLiteral(", "));
}

} // namespace

NodesPanel::NodesPanel(ClusterBackend& backend, CommandRunner& runner, QWidget* parent)
    : Panel(parent)
    , backend_(backend)
    , runner_(runner)
    , model_(new NodeTableModel(this))
    , proxy_(makeProxy(model_, NodeTableModel::SortRole, this))
    , view_(makeTableView(proxy_, QStringLiteral("nodesView"), this))
    , message_(new MessageBar(this)) {
    setObjectName(QStringLiteral("nodesPanel"));
    view_->setItemDelegateForColumn(NodeTableModel::Load,
                                    new SparklineDelegate(NodeTableModel::HistoryRole, view_));
    view_->horizontalHeader()->resizeSection(NodeTableModel::NodeId, 170);
    view_->horizontalHeader()->resizeSection(NodeTableModel::Load, 170);
    view_->sortByColumn(NodeTableModel::NodeGroup, Qt::AscendingOrder);

    drain_ = actionButton(QStringLiteral(":/icons/drain.svg"), tr("Drain"),
                          tr("Stop routing new clients to the selected nodes and remove them "
                             "once empty"),
                          QStringLiteral("drainButton"), this);
    scale_ = actionButton(QStringLiteral(":/icons/scale.svg"), tr("Scale…"),
                          tr("Set the node count of a MANUAL role of this node group"),
                          QStringLiteral("scaleButton"), this);
    pause_ = actionButton(QStringLiteral(":/icons/pause.svg"), tr("Pause autoscaling"),
                          tr("Pause or resume the autoscaler of this node group"),
                          QStringLiteral("pauseButton"), this);
    delete_ = actionButton(QStringLiteral(":/icons/delete.svg"), tr("Delete group…"),
                           tr("Destroy this node group and all its nodes"),
                           QStringLiteral("deleteGroupButton"), this);

    auto* bar = new QHBoxLayout;
    bar->addWidget(makeFilterEdit(proxy_, tr("Filter nodes: id, group, role, state…"), this));
    bar->addStretch(1);
    for (auto* b : {drain_, scale_, pause_, delete_})
        bar->addWidget(b);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(message_);
    layout->addWidget(view_, 1);

    connect(drain_, &QPushButton::clicked, this, &NodesPanel::drainSelected);
    connect(scale_, &QPushButton::clicked, this, &NodesPanel::scaleCurrentGroup);
    connect(pause_, &QPushButton::clicked, this, &NodesPanel::togglePauseCurrentGroup);
    connect(delete_, &QPushButton::clicked, this, &NodesPanel::deleteCurrentGroup);
    connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &NodesPanel::updateActions);
    connect(view_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &NodesPanel::updateActions);
    refreshOnSnapshots(backend_);
    connect(&runner_, &CommandRunner::failed, this,
            [this](const QString& what, const QString&, const QString& message) {
                if (isVisible())
                    message_->showError(QStringLiteral("%1: %2").arg(what, message));
            });
    refresh();
}

void NodesPanel::refresh() {
    model_->setSnapshot(*backend_.snapshot());
    updateActions();
}

void NodesPanel::whileHidden() {
    model_->recordHistory(*backend_.snapshot());
}

QList<QPair<QString, QString>> NodesPanel::selectedNodes() const {
    QList<QPair<QString, QString>> out;
    for (const auto& index : view_->selectionModel()->selectedRows()) {
        const auto& n = model_->nodeAt(proxy_->mapToSource(index).row());
        out.append({QString::fromStdString(n.nodeGroup), QString::fromStdString(n.nodeId)});
    }
    return out;
}

QString NodesPanel::currentGroup() const {
    const auto current = view_->selectionModel()->currentIndex();
    if (!current.isValid())
        return {};
    return current.sibling(current.row(), NodeTableModel::NodeGroup).data().toString();
}

void NodesPanel::updateActions() {
    const QString group = currentGroup();
    const auto snap = backend_.snapshot();
    const auto* g = group.isEmpty() ? nullptr : snap->group(group.toStdString());
    drain_->setEnabled(!selectedNodes().isEmpty());
    scale_->setEnabled(g != nullptr);
    pause_->setEnabled(g != nullptr);
    delete_->setEnabled(g != nullptr);
    pause_->setText(g && g->paused ? tr("Resume autoscaling") : tr("Pause autoscaling"));
    pause_->setIcon(QIcon(g && g->paused ? QStringLiteral(":/icons/resume.svg")
                                         : QStringLiteral(":/icons/pause.svg")));
}

void NodesPanel::drainSelected() {
    for (const auto& [group, node] : selectedNodes())
        runner_.run(
            tr("Drain node %1").arg(node), group,
            [this, group, node](ClusterBackend::CommandCallback done) {
                backend_.drainNode(group.toStdString(), node.toStdString(), std::move(done));
            },
            [this, node] { message_->showInfo(tr("Draining %1").arg(node)); });
}

void NodesPanel::scaleCurrentGroup() {
    const QString group = currentGroup();
    const auto snap = backend_.snapshot();
    const auto* g = snap->group(group.toStdString());
    if (!g)
        return;
    std::map<std::string, int> counts;
    for (const auto& n : g->nodes)
        ++counts[n.subGroup + '/' + n.role];
    auto* dialog = new ManualScaleDialog(g->config, std::move(counts), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, group] {
        const QString sg = dialog->subGroup();
        const QString role = dialog->role();
        const int count = dialog->nodeCount();
        runner_.run(tr("Scale %1 %2/%3 to %4").arg(group, sg, role).arg(count), group,
                    [this, group, sg, role, count](ClusterBackend::CommandCallback done) {
                        backend_.manualScale(group.toStdString(), sg.toStdString(),
                                             role.toStdString(), count, std::move(done));
                    });
    });
    dialog->open();
}

void NodesPanel::togglePauseCurrentGroup() {
    const QString group = currentGroup();
    const auto snap = backend_.snapshot();
    const auto* g = snap->group(group.toStdString());
    if (!g)
        return;
    const bool pause = !g->paused;
    runner_.run((pause ? tr("Pause autoscaling of %1") : tr("Resume autoscaling of %1")).arg(group),
                group, [this, group, pause](ClusterBackend::CommandCallback done) {
                    backend_.setPaused(group.toStdString(), pause, std::move(done));
                });
}

void NodesPanel::deleteCurrentGroup() {
    const QString group = currentGroup();
    const auto snap = backend_.snapshot();
    const auto* g = snap->group(group.toStdString());
    if (!g)
        return;
    double viewers = 0;
    double publishers = 0;
    for (const auto& n : g->nodes) {
        viewers +=
            n.metrics.count("connections.subscriber") ? n.metrics.at("connections.subscriber") : 0;
        publishers +=
            n.metrics.count("connections.publisher") ? n.metrics.at("connections.publisher") : 0;
    }
    auto* box =
        new QMessageBox(QMessageBox::Warning, tr("Delete node group"),
                        tr("Delete node group “%1”?").arg(group), QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("confirmDeleteGroup"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(
        tr("This destroys its %n node(s) (%1) and disconnects %2 viewers and %3 publishers. "
           "It cannot be undone.",
           nullptr, static_cast<int>(g->nodes.size()))
            .arg(composition(*g))
            .arg(viewers)
            .arg(publishers));
    auto* destroy = box->addButton(tr("Delete %1").arg(group), QMessageBox::DestructiveRole);
    destroy->setObjectName(QStringLiteral("confirmDeleteButton"));
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::buttonClicked, this, [this, destroy, group](QAbstractButton* b) {
        if (b != destroy)
            return;
        runner_.run(
            tr("Delete node group %1").arg(group), group,
            [this, group](ClusterBackend::CommandCallback done) {
                backend_.deleteNodeGroup(group.toStdString(), std::move(done));
            },
            [this, group] { message_->showInfo(tr("Node group %1 deleted").arg(group)); });
    });
    box->open();
}

} // namespace sy::ui
