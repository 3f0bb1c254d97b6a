#pragma once
// The frame of a node group or of one of its sub-groups (regions): a box under the nodes, and its
// title with the totals on a separate item above them. At low zoom the title is drawn larger than
// the frame's own scale, on a translucent pill over the nodes, so that the overview of a big
// cluster still says which group is which; the box then paints as plain rectangles, because
// antialiased rounded corners the size of a pixel cost more than every node together.

#include <QGraphicsItem>
#include <QString>

namespace sy::ui {

struct TopologyTheme;
class FrameTitleItem;

class FrameItem final : public QGraphicsItem {
public:
    enum { Type = UserType + 102 };
    enum class Kind { Group, SubGroup };

    // Creates its title item; whoever adds the frame to a scene adds titleItem() too and
    // deletes it with the frame (a scene's clear() deletes both on its own, in any order).
    FrameItem(Kind kind, QString title, const TopologyTheme* theme);

    int type() const override { return Type; }
    QRectF boundingRect() const override { return rect_; }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    Kind kind() const { return kind_; }
    QRectF rect() const { return rect_; }
    void setRect(const QRectF& rect);
    FrameTitleItem* titleItem() const { return title_; }
    const QString& title() const;
    const QString& summary() const;
    void setSummary(const QString& summary);

private:
    Kind kind_;
    QRectF rect_;
    const TopologyTheme* theme_;
    FrameTitleItem* title_;
};

class FrameTitleItem final : public QGraphicsItem {
public:
    enum { Type = UserType + 104 };

    FrameTitleItem(FrameItem::Kind kind, QString title, const TopologyTheme* theme);

    int type() const override { return Type; }
    QRectF boundingRect() const override { return rect_; }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    const QString& title() const { return title_; }
    const QString& summary() const { return summary_; }
    void setSummary(const QString& summary);
    void setRect(const QRectF& frame);

private:
    FrameItem::Kind kind_;
    QString title_;
    QString summary_; // "12 nodes · 3 publishers · 400 viewers"
    QRectF rect_;     // the frame's: a grown title covers the top of it
    const TopologyTheme* theme_;
};

} // namespace sy::ui
