#include "ui/topology/topologyscene.h"

#include "core/routing/routablenode.h"
#include "ui/topology/frameitem.h"
#include "ui/topology/linklayer.h"
#include "ui/topology/nodeitem.h"
#include "ui/topology/streampath.h"
#include "ui/topology/topologylayout.h"

#include <QCollator>
#include <QGraphicsSceneHelpEvent>
#include <QToolTip>

#include <algorithm>

namespace sy::ui {

namespace {

using M = TopologyMetrics;

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

QString countText(std::int64_t n, const QString& one, const QString& many) {
    return n == 1 ? one : many.arg(n);
}

QString summaryOf(bool group, std::int64_t nodes, std::int64_t faults, std::int64_t publishers,
                  std::int64_t viewers) {
    QStringList parts;
    parts << countText(nodes, TopologyScene::tr("1 node"), TopologyScene::tr("%1 nodes"));
    if (faults > 0)
        parts << TopologyScene::tr("%1 fault").arg(faults);
    if (group || publishers > 0)
        parts << countText(publishers, TopologyScene::tr("1 publisher"),
                           TopologyScene::tr("%1 publishers"));
    parts << countText(viewers, TopologyScene::tr("1 viewer"), TopologyScene::tr("%1 viewers"));
    return parts.join(QStringLiteral(" · "));
}

} // namespace

TopologyScene::TopologyScene(QObject* parent)
    : QGraphicsScene(parent)
    , snapshot_(std::make_shared<const engine::ClusterSnapshot>())
    , theme_(TopologyTheme::fromPalette(palette(), font()))
    , linkLayer_(new LinkLayer(&theme_)) {
    setItemIndexMethod(QGraphicsScene::NoIndex);
    setBackgroundBrush(theme_.background);
    addItem(linkLayer_);
    setSceneRect(QRectF(0, 0, 1, 1));
}

// Items point at theme_ and into snapshot_: remove them before either goes.
TopologyScene::~TopologyScene() {
    clear();
}

bool TopologyScene::shows(const std::string& nodeGroup) const {
    return filterStd_.empty() || filterStd_ == nodeGroup;
}

void TopologyScene::setSnapshot(engine::SnapshotPtr snapshot) {
    if (!snapshot)
        snapshot = std::make_shared<const engine::ClusterSnapshot>();
    // The previous snapshot stays alive until the end: items still point into it while compared.
    const engine::SnapshotPtr previous = std::exchange(snapshot_, std::move(snapshot));
    if (!filterStd_.empty() && !snapshot_->group(filterStd_)) {
        filter_.clear(); // the filtered group is gone: show everything rather than nothing
        filterStd_.clear();
    }
    Sync sync = syncNodes(previous.get());
    const bool layout = sync.membership || forceLayout_;
    if (layout) {
        forceLayout_ = false;
        relayout();
    } else if (sync.parents) {
        rebuildLinks();
    }
    updateSummaries(sync);
    if (!highlight_.isEmpty())
        applyHighlight();
    if (linksDirty_)
        pushLinks();
    // Last, once the scene is consistent: listeners may call back into it.
    const bool groupsChanged = syncGroupList();
    const bool streamListChanged = updateStreams(std::move(sync.streams));
    if (layout)
        emit layoutChanged();
    if (groupsChanged)
        emit nodeGroupsChanged();
    if (streamListChanged)
        emit streamsChanged();
}

TopologyScene::Sync TopologyScene::syncNodes(const engine::ClusterSnapshot* previous) {
    Sync sync;
    const std::uint64_t generation = ++generation_;
    std::vector<std::string> shown;
    for (const auto& [name, group] : snapshot_->groups) {
        if (!shows(name))
            continue;
        shown.push_back(name);
        const engine::NodeGroupView* before = previous ? previous->group(name) : nullptr;
        // Frames follow the config (an empty region has a frame; roles set the tiers).
        if (!before || !(before->config == group.config))
            sync.membership = true;
        sync.totals[{name, {}}];
        for (const auto& node : group.nodes)
            syncNode(name, node, generation, sync);
    }
    if (shown != shownGroups_) {
        shownGroups_ = std::move(shown);
        sync.membership = true;
    }
    for (auto it = nodes_.begin(); it != nodes_.end();) {
        if (it->second->generation == generation) {
            ++it;
            continue;
        }
        delete it->second; // removes it from the scene
        it = nodes_.erase(it);
        sync.membership = true;
    }
    std::sort(sync.streams.begin(), sync.streams.end());
    sync.streams.erase(std::unique(sync.streams.begin(), sync.streams.end()), sync.streams.end());
    return sync;
}

void TopologyScene::syncNode(const std::string& group, const engine::NodeView& node,
                             std::uint64_t generation, Sync& sync) {
    auto [it, inserted] = nodes_.try_emplace(node.nodeId, nullptr);
    NodeItem* item = it->second;
    if (inserted) {
        item = it->second = new NodeItem(node, &theme_);
        addItem(item);
        sync.membership = true;
    } else {
        // Every surviving item was seen by the previous sync: view() points into the previous
        // snapshot, which setSnapshot keeps alive for this comparison.
        const engine::NodeView& old = *item->view();
        if (old.subGroup != node.subGroup || old.role != node.role)
            sync.membership = true;
        else if (old.parents != node.parents)
            sync.parents = true;
        item->setView(&node);
        item->setLook(NodeLook::of(node));
    }
    item->generation = generation;

    const NodeLook& look = item->look();
    const bool serving = routing::carriesLiveStreams(node.state); // as the Overview counts
    for (Totals* t : {&sync.totals[{group, {}}], &sync.totals[{group, node.subGroup}]}) {
        ++t->nodes;
        t->faults += look.fault;
        t->publishers += serving ? look.publishers : 0;
        t->viewers += serving ? look.viewers : 0;
    }
    for (const auto& s : node.streams)
        if (s.publishing)
            sync.streams.push_back(s.guid);
}

bool TopologyScene::syncGroupList() {
    QStringList names;
    for (const auto& [name, group] : snapshot_->groups)
        names << qs(name);
    if (names == groups_)
        return false;
    groups_ = std::move(names);
    return true;
}

void TopologyScene::relayout() {
    const TopologyLayout layout =
        layoutTopology(*snapshot_, [this](const std::string& g) { return shows(g); });
    for (auto& [id, item] : nodes_)
        if (const auto it = layout.nodePos.find(id); it != layout.nodePos.end())
            item->setPos(it->second);
    syncFrames(layout);
    content_ = layout.bounds;
    // Set, not grown from item bounds: QGraphicsScene would otherwise keep the largest rect
    // it ever saw, and "fit" would fit an old, bigger cluster.
    setSceneRect(content_.isEmpty() ? QRectF(0, 0, 1, 1) : content_.adjusted(-40, -40, 40, 40));
    ++layouts_;
    rebuildLinks();
}

void TopologyScene::syncFrames(const TopologyLayout& layout) {
    std::map<FrameKey, FrameItem*> kept;
    for (const auto& f : layout.frames) {
        FrameKey key{f.nodeGroup, f.subGroup};
        FrameItem* item = nullptr;
        if (const auto it = frames_.find(key); it != frames_.end()) {
            item = it->second;
            frames_.erase(it);
        } else {
            const bool group = f.subGroup.empty();
            item = new FrameItem(group ? FrameItem::Kind::Group : FrameItem::Kind::SubGroup,
                                 qs(group ? f.nodeGroup : f.subGroup), &theme_);
            addItem(item);
            addItem(item->titleItem());
        }
        item->setRect(f.rect);
        kept.emplace(std::move(key), item);
    }
    for (auto& [key, item] : frames_) {
        delete item->titleItem();
        delete item;
    }
    frames_ = std::move(kept);
}

void TopologyScene::rebuildLinks() {
    links_.clear();
    for (const auto& [name, group] : snapshot_->groups) {
        if (!shows(name))
            continue;
        for (const auto& node : group.nodes) {
            NodeItem* child = nodes_.at(node.nodeId);
            for (const auto& p : node.parents)
                if (const auto it = nodes_.find(p); it != nodes_.end())
                    links_.push_back({child, it->second, false});
        }
    }
    linksDirty_ = true;
}

void TopologyScene::applyHighlight() {
    const StreamPath path = streamPath(*snapshot_, highlight_.toStdString());
    const bool on = !highlight_.isEmpty();
    for (auto& [id, item] : nodes_)
        item->setHighlight(!on                                 ? NodeItem::Highlight::None
                           : path.nodes.contains(item->view()) ? NodeItem::Highlight::OnPath
                                                               : NodeItem::Highlight::Dimmed);
    for (auto& link : links_)
        link.onPath = on && path.links.contains({link.child->view(), link.parent->view()});
    linksDirty_ = true;
}

// Links run from the bottom of the parent to the top of the child: tiers go downwards.
void TopologyScene::pushLinks() {
    std::vector<QLineF> normal;
    std::vector<QLineF> onPath;
    normal.reserve(links_.size());
    for (const auto& link : links_) {
        const QLineF line(link.parent->pos() + QPointF(M::kNodeWidth / 2, M::kNodeHeight),
                          link.child->pos() + QPointF(M::kNodeWidth / 2, 0));
        (link.onPath ? onPath : normal).push_back(line);
    }
    linkLayer_->setLines(std::move(normal), std::move(onPath), !highlight_.isEmpty());
    linksDirty_ = false;
}

void TopologyScene::updateSummaries(const Sync& sync) {
    for (const auto& [key, frame] : frames_) {
        const auto it = sync.totals.find(key);
        const Totals t = it == sync.totals.end() ? Totals{} : it->second;
        const bool group = key.second.empty();
        QString prefix;
        if (group) {
            const auto* g = snapshot_->group(key.first);
            QStringList flags;
            if (g && g->paused)
                flags << tr("paused");
            if (g && g->simulated)
                flags << tr("simulated");
            prefix = flags.join(QStringLiteral(" · "));
        }
        QString text = summaryOf(group, t.nodes, t.faults, t.publishers, t.viewers);
        if (!prefix.isEmpty())
            text += QStringLiteral(" · ") + prefix;
        frame->setSummary(text);
    }
}

bool TopologyScene::updateStreams(std::vector<std::string> streams) {
    if (streams == streamIds_)
        return false;
    streamIds_ = std::move(streams);
    streams_.clear();
    for (const auto& s : streamIds_)
        streams_ << qs(s);
    QCollator collator;
    collator.setNumericMode(true);
    std::sort(streams_.begin(), streams_.end(), collator);
    return true;
}

void TopologyScene::setGroupFilter(const QString& nodeGroup) {
    if (nodeGroup == filter_)
        return;
    filter_ = nodeGroup;
    filterStd_ = nodeGroup.toStdString();
    forceLayout_ = true;
    setSnapshot(snapshot_);
}

void TopologyScene::highlightStream(const QString& guid) {
    if (guid == highlight_)
        return;
    highlight_ = guid;
    applyHighlight();
    pushLinks();
}

NodeItem* TopologyScene::nodeItem(const QString& nodeId) const {
    const auto it = nodes_.find(nodeId.toStdString());
    return it == nodes_.end() ? nullptr : it->second;
}

QColor TopologyScene::nodeColor(const QString& nodeId) const {
    const auto* item = nodeItem(nodeId);
    return item ? item->look().fill : QColor();
}

bool TopologyScene::isHighlighted(const QString& nodeId) const {
    const auto* item = nodeItem(nodeId);
    return item && item->highlight() == NodeItem::Highlight::OnPath;
}

bool TopologyScene::isDimmed(const QString& nodeId) const {
    const auto* item = nodeItem(nodeId);
    return item && item->highlight() == NodeItem::Highlight::Dimmed;
}

QString TopologyScene::nodeToolTip(const QString& nodeId) const {
    const auto* item = nodeItem(nodeId);
    return item ? item->toolTipText(snapshot_->timeMs) : QString();
}

QStringList TopologyScene::linkedParents(const QString& childId) const {
    QStringList out;
    for (const auto& link : links_)
        if (link.child->nodeId() == childId)
            out << link.parent->nodeId();
    out.sort();
    return out;
}

bool TopologyScene::isLinkHighlighted(const QString& childId, const QString& parentId) const {
    return std::any_of(links_.begin(), links_.end(), [&](const Link& l) {
        return l.onPath && l.child->nodeId() == childId && l.parent->nodeId() == parentId;
    });
}

FrameItem* TopologyScene::frame(const QString& nodeGroup, const QString& subGroup) const {
    const auto it = frames_.find({nodeGroup.toStdString(), subGroup.toStdString()});
    return it == frames_.end() ? nullptr : it->second;
}

void TopologyScene::helpEvent(QGraphicsSceneHelpEvent* event) {
    for (QGraphicsItem* item : items(event->scenePos()))
        if (item->type() == NodeItem::Type) {
            QToolTip::showText(event->screenPos(),
                               static_cast<NodeItem*>(item)->toolTipText(snapshot_->timeMs),
                               event->widget());
            event->setAccepted(true);
            return;
        }
    QToolTip::hideText();
    event->setAccepted(false);
}

bool TopologyScene::event(QEvent* event) {
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        applyTheme();
    return QGraphicsScene::event(event);
}

void TopologyScene::applyTheme() {
    theme_ = TopologyTheme::fromPalette(palette(), font());
    setBackgroundBrush(theme_.background);
    for (auto& [id, item] : nodes_)
        item->themeChanged();
    linkLayer_->themeChanged();
    update();
}

} // namespace sy::ui
