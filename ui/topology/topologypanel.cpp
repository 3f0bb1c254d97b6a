#include "ui/topology/topologypanel.h"

#include "ui/backend/clusterbackend.h"
#include "ui/style/statecolors.h"
#include "ui/topology/topologyscene.h"
#include "ui/topology/topologyview.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QToolBar>
#include <QVBoxLayout>

namespace sy::ui {

namespace {

// A colour square and what it means, for the legend.
QWidget* legendEntry(const QColor& color, const QString& text, QWidget* parent) {
    auto* entry = new QWidget(parent);
    auto* layout = new QHBoxLayout(entry);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    auto* square = new QLabel(entry);
    const int side = square->fontMetrics().height() - 4;
    QPixmap pixmap(side, side);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    p.drawRoundedRect(QRectF(0, 0, side, side), 2, 2);
    p.end();
    square->setPixmap(pixmap);
    layout->addWidget(square);
    layout->addWidget(new QLabel(text, entry));
    return entry;
}

} // namespace

TopologyPanel::TopologyPanel(ClusterBackend& backend, QWidget* parent)
    : Panel(parent)
    , backend_(backend)
    , scene_(new TopologyScene(this))
    , view_(new TopologyView(scene_, this)) {
    setObjectName(QStringLiteral("topologyPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(buildToolbar());
    layout->addWidget(view_, 1);
    layout->addWidget(buildLegend());
    setFocusProxy(view_);

    connect(scene_, &TopologyScene::streamsChanged, this, &TopologyPanel::syncStreamPicker);
    connect(scene_, &TopologyScene::nodeGroupsChanged, this, &TopologyPanel::syncGroupFilter);
    connect(&backend_, &ClusterBackend::snapshotChanged, this, &TopologyPanel::onSnapshotChanged);
    refresh();
}

QString TopologyPanel::title() const {
    return tr("Topology");
}

QIcon TopologyPanel::icon() const {
    return QIcon(QStringLiteral(":/icons/topology.svg"));
}

QString TopologyPanel::toolTip() const {
    return tr("Node groups, regions, origins, relays and edges, coloured by state");
}

QWidget* TopologyPanel::buildToolbar() {
    auto* bar = new QToolBar(this);
    bar->setObjectName(QStringLiteral("topologyToolbar"));
    bar->setIconSize(QSize(18, 18));
    auto* zoomIn = bar->addAction(QIcon(QStringLiteral(":/icons/zoom-in.svg")), tr("Zoom in"),
                                  view_, &TopologyView::zoomIn);
    zoomIn->setObjectName(QStringLiteral("zoomInAction"));
    zoomIn->setToolTip(tr("Zoom in (+, or Ctrl+wheel)"));
    auto* zoomOut = bar->addAction(QIcon(QStringLiteral(":/icons/zoom-out.svg")), tr("Zoom out"),
                                   view_, &TopologyView::zoomOut);
    zoomOut->setObjectName(QStringLiteral("zoomOutAction"));
    zoomOut->setToolTip(tr("Zoom out (-, or Ctrl+wheel)"));
    auto* fit = bar->addAction(QIcon(QStringLiteral(":/icons/zoom-fit.svg")), tr("Fit"), view_,
                               &TopologyView::fitAll);
    fit->setObjectName(QStringLiteral("fitAction"));
    fit->setToolTip(tr("Show everything and follow changes (F)"));
    bar->addSeparator();

    bar->addWidget(new QLabel(tr("Stream path "), bar));
    streamPicker_ = new QComboBox(bar);
    streamPicker_->setObjectName(QStringLiteral("streamPicker"));
    streamPicker_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    streamPicker_->setMinimumContentsLength(14);
    streamPicker_->setToolTip(tr("Highlight the nodes and links a stream flows through"));
    bar->addWidget(streamPicker_);
    // The picker shows the choice already: only the scene changes (the picker is not rebuilt
    // inside its own signal).
    connect(streamPicker_, &QComboBox::activated, this, [this](int index) {
        scene_->highlightStream(streamPicker_->itemData(index).toString());
    });
    bar->addSeparator();

    bar->addWidget(new QLabel(tr("Node group "), bar));
    groupFilter_ = new QComboBox(bar);
    groupFilter_->setObjectName(QStringLiteral("groupFilter"));
    groupFilter_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    groupFilter_->setMinimumContentsLength(12);
    bar->addWidget(groupFilter_);
    connect(groupFilter_, &QComboBox::activated, this, [this](int index) {
        scene_->setGroupFilter(groupFilter_->itemData(index).toString());
        updateStatus();
    });

    auto* spacer = new QWidget(bar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);
    status_ = new QLabel(bar);
    status_->setObjectName(QStringLiteral("topologyStatus"));
    status_->setForegroundRole(QPalette::PlaceholderText);
    bar->addWidget(status_);
    syncStreamPicker();
    syncGroupFilter();
    return bar;
}

// One entry per colour: states that share a colour (the three start-up states) share an entry.
QWidget* TopologyPanel::buildLegend() {
    auto* legend = new QWidget(this);
    legend->setObjectName(QStringLiteral("legend"));
    auto* layout = new QHBoxLayout(legend);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->setSpacing(14);
    std::vector<std::pair<QColor, QStringList>> entries;
    for (const auto name : model::nodeStateNames()) {
        const auto state = *model::nodeStateFromString(name);
        const QColor color = stateColor(state);
        auto it = std::find_if(entries.begin(), entries.end(),
                               [&](const auto& e) { return e.first == color; });
        if (it == entries.end())
            it = entries.insert(entries.end(), {color, {}});
        it->second << stateLabel(state);
    }
    for (const auto& [color, labels] : entries)
        layout->addWidget(legendEntry(color, labels.join(QStringLiteral(" / ")), legend));
    layout->addSpacing(12);
    layout->addWidget(new QLabel(tr("Load:"), legend));
    layout->addWidget(legendEntry(loadColor(0.3), tr("under 60%"), legend));
    layout->addWidget(legendEntry(loadColor(0.7), tr("60–80%"), legend));
    layout->addWidget(legendEntry(loadColor(0.9), tr("over 80%"), legend));
    layout->addSpacing(12);
    layout->addWidget(legendEntry(scene_->theme().path, tr("Stream path"), legend));
    layout->addStretch(1);
    return legend;
}

void TopologyPanel::refresh() {
    stale_ = false;
    scene_->setSnapshot(backend_.snapshot());
    updateStatus();
}

void TopologyPanel::onSnapshotChanged() {
    if (!isVisible()) {
        stale_ = true; // caught up in showEvent: a hidden page paints nothing
        return;
    }
    refresh();
}

void TopologyPanel::showEvent(QShowEvent* event) {
    Panel::showEvent(event);
    if (stale_)
        refresh();
}

void TopologyPanel::highlightStream(const QString& guid) {
    scene_->highlightStream(guid);
    syncStreamPicker();
}

// Rebuilt when the live streams change; the highlighted one stays listed even when it stops,
// so the picker always says what the picture shows.
void TopologyPanel::syncStreamPicker() {
    QStringList guids = scene_->streamGuids();
    const QString current = scene_->highlightedStream();
    if (!current.isEmpty() && !guids.contains(current))
        guids.prepend(current);
    const QSignalBlocker block(streamPicker_);
    streamPicker_->clear();
    streamPicker_->addItem(tr("None"), QString());
    for (const auto& g : guids)
        streamPicker_->addItem(g, g);
    streamPicker_->setCurrentIndex(std::max(0, streamPicker_->findData(current)));
}

void TopologyPanel::syncGroupFilter() {
    const QStringList groups = scene_->nodeGroups();
    const QString current = scene_->groupFilter();
    const QSignalBlocker block(groupFilter_);
    groupFilter_->clear();
    groupFilter_->addItem(tr("All node groups"), QString());
    for (const auto& g : groups)
        groupFilter_->addItem(g, g);
    groupFilter_->setCurrentIndex(std::max(0, groupFilter_->findData(current)));
}

void TopologyPanel::updateStatus() {
    const int groups = static_cast<int>(scene_->nodeGroups().size());
    status_->setText(
        tr("%1 nodes shown · %2 node groups").arg(scene_->nodeItemCount()).arg(groups));
}

} // namespace sy::ui
