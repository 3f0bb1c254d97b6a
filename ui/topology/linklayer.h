#pragma once
// Every parent→child link of the topology in one item. A line item per link would double the
// items the scene walks and paints (a GLOBAL parent role gives children × parents links); one
// layer draws them all with two drawLines calls, and a stream's path on top of the rest.
//
// At overview zoom the layer keeps what it drew as an image and blits it while neither the links
// nor the zoom change (snapshots mostly change colours, not links): thousands of lines cost
// more than all the nodes together. Not QGraphicsItem's DeviceCoordinateCache, which measured
// 45-70 ms per regeneration here against 5 ms for this one.

#include <QGraphicsItem>
#include <QImage>
#include <QLineF>

#include <vector>

namespace sy::ui {

struct TopologyTheme;

class LinkLayer final : public QGraphicsItem {
public:
    enum { Type = UserType + 103 };

    explicit LinkLayer(const TopologyTheme* theme);

    int type() const override { return Type; }
    QRectF boundingRect() const override { return bounds_; }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    // `dimmed`: a stream is highlighted, so the links off its path fade.
    void setLines(std::vector<QLineF> normal, std::vector<QLineF> onPath, bool dimmed);
    std::size_t lineCount() const { return normal_.size() + onPath_.size(); }
    // The theme's colours changed.
    void themeChanged();

private:
    void drawLines(QPainter* painter, double lod) const;

    std::vector<QLineF> normal_;
    std::vector<QLineF> onPath_;
    bool dimmed_ = false;
    QRectF bounds_;
    const TopologyTheme* theme_;
    QImage cache_;
    QTransform cacheScale_; // the zoom cache_ was drawn at
    QPoint cacheOrigin_;    // where cache_ starts, in scene coordinates times that zoom
    bool cacheValid_ = false;
};

} // namespace sy::ui
