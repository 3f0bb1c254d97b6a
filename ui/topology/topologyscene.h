#pragma once
// The cluster as a picture: node groups → sub-groups (regions) → origins → relays → edges, with
// parent→child links, state colours, load bars and the path of one highlighted stream.
//
// Incremental: items are keyed by node id, and a new snapshot updates them in place (a node whose
// look did not change is not even repainted), adds and removes only what changed, and computes a
// new layout only when membership changes (nodes, groups, sub-groups, a config). That keeps a
// refresh at 2,000 nodes to a hash lookup and a comparison per node.
//
// Index: NoIndex, deliberately. Items move on every re-layout and many repaint on every
// snapshot; a BSP tree pays for both on every change, to speed up lookups this page rarely makes
// (a tooltip) and culling that a linear walk over 2,000 bounding rects does in microseconds.

#include "core/engine/clustersnapshot.h"
#include "ui/topology/topologytheme.h"

#include <QGraphicsScene>
#include <QStringList>

#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sy::ui {

class FrameItem;
class LinkLayer;
class NodeItem;
struct TopologyLayout;

class TopologyScene final : public QGraphicsScene {
    Q_OBJECT
public:
    explicit TopologyScene(QObject* parent = nullptr);
    ~TopologyScene() override;

    // Applies a snapshot (null: an empty cluster). The scene keeps it: items point into it.
    void setSnapshot(engine::SnapshotPtr snapshot);
    const engine::SnapshotPtr& snapshot() const { return snapshot_; }

    // Shows one node group only; empty shows all. A filter on a group that disappears is cleared.
    void setGroupFilter(const QString& nodeGroup);
    const QString& groupFilter() const { return filter_; }

    // Marks the nodes that carry `guid` and the links it flows through, and dims the rest;
    // empty clears. Kept across snapshots: the path follows the stream as it moves.
    void highlightStream(const QString& guid);
    const QString& highlightedStream() const { return highlight_; }

    // Streams published in the shown groups, in natural order (live/sim2 before live/sim10).
    const QStringList& streamGuids() const { return streams_; }
    // Every node group of the snapshot, shown or filtered out, by name.
    const QStringList& nodeGroups() const { return groups_; }
    // What there is to see: the frames of the shown groups (empty when there is nothing).
    QRectF contentRect() const { return content_; }
    const TopologyTheme& theme() const { return theme_; }

    // Inspection, for tests and for pages that link to a node.
    int nodeItemCount() const { return static_cast<int>(nodes_.size()); }
    NodeItem* nodeItem(const QString& nodeId) const;
    QColor nodeColor(const QString& nodeId) const; // invalid for an unknown node
    bool isHighlighted(const QString& nodeId) const;
    bool isDimmed(const QString& nodeId) const;
    QString nodeToolTip(const QString& nodeId) const;
    // The parents a node is drawn linked to, sorted.
    QStringList linkedParents(const QString& childId) const;
    bool isLinkHighlighted(const QString& childId, const QString& parentId) const;
    int linkCount() const { return static_cast<int>(links_.size()); }
    // A node group's frame (`subGroup` empty) or one of its sub-groups'; null when not shown.
    FrameItem* frame(const QString& nodeGroup, const QString& subGroup = {}) const;
    // How many layouts were computed: a snapshot that changes no membership adds none.
    int layoutCount() const { return layouts_; }

Q_SIGNALS:
    // Membership changed and items moved (a view following the whole picture refits).
    void layoutChanged();
    void streamsChanged();
    void nodeGroupsChanged();

protected:
    void helpEvent(QGraphicsSceneHelpEvent* event) override;
    bool event(QEvent* event) override;

private:
    struct Link {
        NodeItem* child;
        NodeItem* parent;
        bool onPath;
    };
    struct Totals {
        int nodes = 0;
        int faults = 0;
        std::int64_t publishers = 0;
        std::int64_t viewers = 0;
    };
    using FrameKey = std::pair<std::string, std::string>; // node group, sub-group ("" for group)
    struct Sync {
        bool membership = false;
        bool parents = false;
        std::map<FrameKey, Totals> totals;
        std::vector<std::string> streams; // published guids, sorted, unique
    };

    bool shows(const std::string& nodeGroup) const;
    Sync syncNodes(const engine::ClusterSnapshot* previous);
    void syncNode(const std::string& group, const engine::NodeView& node, std::uint64_t generation,
                  Sync& sync);
    bool syncGroupList();
    void relayout();
    void syncFrames(const TopologyLayout& layout);
    void rebuildLinks();
    void applyHighlight();
    void pushLinks();
    void updateSummaries(const Sync& sync);
    bool updateStreams(std::vector<std::string> streams);
    void applyTheme();

    engine::SnapshotPtr snapshot_;
    QString filter_;
    std::string filterStd_;
    QString highlight_;
    TopologyTheme theme_;
    std::unordered_map<std::string, NodeItem*> nodes_;
    std::map<FrameKey, FrameItem*> frames_;
    LinkLayer* linkLayer_;
    std::vector<Link> links_;
    bool linksDirty_ = false;
    std::vector<std::string> shownGroups_;
    std::vector<std::string> streamIds_;
    QStringList streams_;
    QStringList groups_;
    QRectF content_;
    std::uint64_t generation_ = 0;
    int layouts_ = 0;
    bool forceLayout_ = false;
};

} // namespace sy::ui
