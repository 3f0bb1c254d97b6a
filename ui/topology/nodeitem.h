#pragma once
// One node of the topology: a card coloured by state with its short id, role, client counts and a
// load bar. Painted by hand with levels of detail, because a scene of 2,000 nodes at "fit" zoom
// shows each of them a few pixels wide: there a node is one filled rectangle, and text (the
// costly part of painting) appears only once it is large enough to read.
//
// The item keeps what it paints (NodeLook) and compares a new look with it, so a snapshot that
// changes nothing about a node schedules no repaint. Details for the tooltip come from the
// NodeView it points to, which lives in the snapshot the scene holds.

#include "core/engine/clustersnapshot.h"

#include <QColor>
#include <QGraphicsItem>
#include <QString>

namespace sy::ui {

struct TopologyTheme;

struct NodeLook {
    QColor fill;     // stateColor
    double load = 0; // 0..1, can exceed 1 when overloaded
    int publishers = 0;
    int viewers = 0;
    bool fault = false;
    bool operator==(const NodeLook&) const = default;

    static NodeLook of(const engine::NodeView& node);
};

// ranking / limit when the role has a limit, else cpu.process.load (0..1 of one core in this
// code base: SIMULATED and the LOCAL process sampler both report a fraction).
double nodeLoad(const engine::NodeView& node);

class NodeItem final : public QGraphicsItem {
public:
    enum { Type = UserType + 101 };
    enum class Highlight { None, OnPath, Dimmed };

    NodeItem(const engine::NodeView& node, const TopologyTheme* theme);

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    const QString& nodeId() const { return nodeId_; }
    // Points into the scene's current snapshot; replaced on every snapshot.
    const engine::NodeView* view() const { return view_; }
    void setView(const engine::NodeView* view) { view_ = view; }

    const NodeLook& look() const { return look_; }
    // Schedules a repaint only when something visible changed.
    void setLook(const NodeLook& look);

    // The scene's palette changed: the card's tint is derived from it.
    void themeChanged();

    Highlight highlight() const { return highlight_; }
    void setHighlight(Highlight highlight);

    // Rich text for the tooltip, built on demand (2,000 tooltips per snapshot would be waste).
    QString toolTipText(std::int64_t nowMs) const;

    // The scene's mark-and-sweep of nodes present in a snapshot.
    std::uint64_t generation = 0;

private:
    void paintCoarse(QPainter* painter, double lod) const;
    void paintDetailed(QPainter* painter) const;
    void paintLoadBar(QPainter* painter, const QRectF& bar) const;
    QString countsText() const;

    QString nodeId_;
    QString shortId_;
    QString role_;
    const engine::NodeView* view_ = nullptr;
    const TopologyTheme* theme_;
    NodeLook look_;
    QColor tint_; // the card's background: the state colour over the page
    Highlight highlight_ = Highlight::None;
};

} // namespace sy::ui
