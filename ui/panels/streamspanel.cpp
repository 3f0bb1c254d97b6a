#include "ui/panels/streamspanel.h"

#include "ui/backend/clusterbackend.h"
#include "ui/models/streamtablemodel.h"
#include "ui/panels/tableviews.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace sy::ui {

StreamsPanel::StreamsPanel(ClusterBackend& backend, QWidget* parent)
    : Panel(parent)
    , backend_(backend)
    , model_(new StreamTableModel(this))
    , proxy_(makeProxy(model_, StreamTableModel::SortRole, this))
    , view_(makeTableView(proxy_, QStringLiteral("streamsView"), this)) {
    setObjectName(QStringLiteral("streamsPanel"));
    view_->setSelectionMode(QAbstractItemView::SingleSelection);
    view_->horizontalHeader()->resizeSection(StreamTableModel::Stream, 200);
    view_->horizontalHeader()->resizeSection(StreamTableModel::Origin, 170);
    view_->sortByColumn(StreamTableModel::Viewers, Qt::DescendingOrder);

    auto* path =
        new QPushButton(QIcon(QStringLiteral(":/icons/topology.svg")), tr("Show path"), this);
    path->setObjectName(QStringLiteral("showPathButton"));
    path->setToolTip(tr("Highlight the nodes that carry this stream in the topology"));
    auto* count = new QLabel(this);
    count->setObjectName(QStringLiteral("streamCount"));

    auto* bar = new QHBoxLayout;
    bar->addWidget(makeFilterEdit(proxy_, tr("Filter streams: name, node group, origin…"), this));
    bar->addWidget(count);
    bar->addStretch(1);
    bar->addWidget(path);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(view_, 1);

    connect(path, &QPushButton::clicked, this, &StreamsPanel::requestPath);
    connect(view_, &QTableView::doubleClicked, this, &StreamsPanel::requestPath);
    refreshOnSnapshots(backend_);
    connect(proxy_, &QAbstractItemModel::rowsInserted, count,
            [this, count] { count->setText(tr("%n stream(s)", nullptr, proxy_->rowCount())); });
    connect(proxy_, &QAbstractItemModel::rowsRemoved, count,
            [this, count] { count->setText(tr("%n stream(s)", nullptr, proxy_->rowCount())); });
    refresh();
    count->setText(tr("%n stream(s)", nullptr, proxy_->rowCount()));
}

void StreamsPanel::refresh() {
    model_->setSnapshot(*backend_.snapshot());
}

void StreamsPanel::requestPath() {
    const auto current = view_->selectionModel()->currentIndex();
    if (!current.isValid())
        return;
    Q_EMIT showPathRequested(current.data(StreamTableModel::NodeGroupRole).toString(),
                             current.data(StreamTableModel::GuidRole).toString());
}

} // namespace sy::ui
