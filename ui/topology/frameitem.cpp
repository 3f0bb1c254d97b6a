#include "ui/topology/frameitem.h"

#include "ui/topology/topologylayout.h"
#include "ui/topology/topologytheme.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <algorithm>

namespace sy::ui {

namespace {

using M = TopologyMetrics;

// Smallest on-screen title height in pixels, and how far a sub-group title may grow past its
// scale before it would cover its nodes more than it helps (then it is left out).
constexpr double kGroupMinPx = 13;
constexpr double kSubGroupMinPx = 10;
constexpr double kMaxSubGroupGrowth = 5;
// Below this zoom a frame is plain rectangles (see the header).
constexpr double kRoundLod = 0.5;

} // namespace

FrameItem::FrameItem(Kind kind, QString title, const TopologyTheme* theme)
    : kind_(kind)
    , theme_(theme)
    , title_(new FrameTitleItem(kind, std::move(title), theme)) {
    setAcceptedMouseButtons(Qt::NoButton);
    setZValue(kind == Kind::Group ? 0 : 0.5);
}

const QString& FrameItem::title() const {
    return title_->title();
}

const QString& FrameItem::summary() const {
    return title_->summary();
}

void FrameItem::setSummary(const QString& summary) {
    title_->setSummary(summary);
}

void FrameItem::setRect(const QRectF& rect) {
    if (rect == rect_)
        return;
    prepareGeometryChange();
    rect_ = rect;
    title_->setRect(rect);
}

void FrameItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    const double lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const bool group = kind_ == Kind::Group;
    const QColor& fill = group ? theme_->groupFill : theme_->subGroupFill;
    QPen pen(group ? theme_->groupBorder : theme_->subGroupBorder, group ? 1.5 : 1);
    pen.setCosmetic(true);
    if (lod < kRoundLod) {
        painter->fillRect(rect_, fill);
        const bool smooth = painter->testRenderHint(QPainter::Antialiasing);
        painter->setRenderHint(QPainter::Antialiasing, false);
        painter->setPen(pen);
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(rect_);
        painter->setRenderHint(QPainter::Antialiasing, smooth);
        return;
    }
    if (!group)
        pen.setStyle(Qt::DashLine);
    painter->setPen(pen);
    painter->setBrush(fill);
    painter->drawRoundedRect(rect_.adjusted(0.5, 0.5, -0.5, -0.5), 8, 8);
}

FrameTitleItem::FrameTitleItem(FrameItem::Kind kind, QString title, const TopologyTheme* theme)
    : kind_(kind)
    , title_(std::move(title))
    , theme_(theme) {
    setAcceptedMouseButtons(Qt::NoButton);
    setZValue(3); // above the nodes, for the grown title
}

void FrameTitleItem::setSummary(const QString& summary) {
    if (summary == summary_)
        return;
    summary_ = summary;
    update();
}

void FrameTitleItem::setRect(const QRectF& frame) {
    prepareGeometryChange();
    rect_ = frame;
}

void FrameTitleItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    const double lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const bool group = kind_ == FrameItem::Kind::Group;
    const QFont& titleFont = group ? theme_->titleFont : theme_->boldFont;
    const double natural = titleFont.pixelSize() * lod; // on-screen pixels at this zoom
    const double minPx = group ? kGroupMinPx : kSubGroupMinPx;
    const double pad = group ? M::kGroupPadding : M::kSubGroupPadding;
    const QFontMetricsF titleMetrics(titleFont);
    // Grown, the title stays inside the top third of its frame (its bounding rect).
    const double growth = std::min(natural >= minPx ? 1.0 : minPx / natural,
                                   rect_.height() / 3 / (titleMetrics.height() + 4));
    if (growth < 1 || (!group && growth > kMaxSubGroupGrowth))
        return;
    const double header = group ? M::kGroupHeader : M::kSubGroupHeader;

    painter->save(); // the scale below must not leak to the next item
    painter->translate(rect_.left() + pad / 2, rect_.top() + (growth > 1 ? pad / 4 : 0));
    painter->scale(growth, growth);
    const double width = (rect_.width() - pad) / growth;
    const QFontMetricsF summaryMetrics(theme_->font);
    const QString title = titleMetrics.elidedText(title_, Qt::ElideRight, width);
    const double titleWidth = titleMetrics.horizontalAdvance(title);
    const double gap = 10;
    const QString summary =
        summaryMetrics.elidedText(summary_, Qt::ElideRight, width - titleWidth - gap);
    const double lineHeight = growth > 1 ? titleMetrics.height() + 4 : header;
    if (growth > 1) {
        const double pillWidth =
            titleWidth + (summary.isEmpty() ? 0 : gap + summaryMetrics.horizontalAdvance(summary));
        painter->setPen(Qt::NoPen);
        painter->setBrush(theme_->pill);
        painter->drawRoundedRect(QRectF(-4, 0, pillWidth + 8, lineHeight), 4, 4);
    }
    painter->setFont(titleFont);
    painter->setPen(theme_->text);
    painter->drawText(QRectF(0, 0, titleWidth + 1, lineHeight), Qt::AlignLeft | Qt::AlignVCenter,
                      title);
    painter->setFont(theme_->font);
    painter->setPen(theme_->mutedText);
    painter->drawText(
        QRectF(titleWidth + gap, 0, std::max(0.0, width - titleWidth - gap), lineHeight),
        Qt::AlignLeft | Qt::AlignVCenter, summary);
    painter->restore();
}

} // namespace sy::ui
