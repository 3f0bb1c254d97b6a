#include "ui/topology/linklayer.h"

#include "ui/topology/topologytheme.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

namespace sy::ui {

namespace {

// Below this zoom, links are drawn without antialiasing: hundreds of hairlines cost several
// milliseconds antialiased and look the same at that size.
constexpr double kSmoothLod = 0.5;
// The largest cache image (16 MB); a bigger picture is drawn straight.
constexpr qint64 kMaxCachePixels = 2560 * 1600;

QRectF boundsOf(const std::vector<QLineF>& a, const std::vector<QLineF>& b) {
    QRectF bounds;
    for (const auto* lines : {&a, &b})
        for (const auto& l : *lines)
            bounds |= QRectF(l.p1(), l.p2()).normalized();
    // Room for the path's width at the highest zoom.
    return bounds.isNull() ? bounds : bounds.adjusted(-4, -4, 4, 4);
}

} // namespace

LinkLayer::LinkLayer(const TopologyTheme* theme)
    : theme_(theme) {
    setAcceptedMouseButtons(Qt::NoButton);
    setZValue(1);
}

void LinkLayer::setLines(std::vector<QLineF> normal, std::vector<QLineF> onPath, bool dimmed) {
    if (normal == normal_ && onPath == onPath_ && dimmed == dimmed_)
        return; // a highlight re-applied on a new snapshot usually changes nothing
    prepareGeometryChange();
    normal_ = std::move(normal);
    onPath_ = std::move(onPath);
    dimmed_ = dimmed;
    bounds_ = boundsOf(normal_, onPath_);
    cacheValid_ = false;
    update();
}

void LinkLayer::themeChanged() {
    cacheValid_ = false;
    update();
}

void LinkLayer::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    const QTransform device = painter->worldTransform();
    const double lod = option->levelOfDetailFromTransform(device);
    if (lod >= kSmoothLod || device.type() > QTransform::TxScale || bounds_.isEmpty()) {
        drawLines(painter, lod);
        return;
    }
    const QTransform scale = QTransform::fromScale(device.m11(), device.m22());
    const QRect area = scale.mapRect(bounds_).toAlignedRect();
    if (static_cast<qint64>(area.width()) * area.height() > kMaxCachePixels) {
        drawLines(painter, lod);
        return;
    }
    if (!cacheValid_ || scale != cacheScale_) {
        cache_ = QImage(area.size(), QImage::Format_ARGB32_Premultiplied);
        cache_.fill(Qt::transparent);
        QPainter p(&cache_);
        p.setWorldTransform(scale * QTransform::fromTranslate(-area.left(), -area.top()));
        drawLines(&p, lod);
        cacheScale_ = scale;
        cacheOrigin_ = area.topLeft();
        cacheValid_ = true;
    }
    // Panning only translates: the same image, moved.
    painter->setWorldTransform(QTransform::fromTranslate(device.dx(), device.dy()));
    painter->drawImage(cacheOrigin_, cache_);
    painter->setWorldTransform(device);
}

void LinkLayer::drawLines(QPainter* painter, double lod) const {
    const bool smooth = painter->testRenderHint(QPainter::Antialiasing);
    painter->setRenderHint(QPainter::Antialiasing, smooth && lod >= kSmoothLod);
    // At overview zoom links are a texture behind the nodes, not lines to follow: lighter.
    // Opaque colours, not alpha: the raster engine draws opaque hairlines much faster.
    const QColor& color = dimmed_            ? theme_->dimmedLink
                          : lod < kSmoothLod ? theme_->faintLink
                                             : theme_->link;
    QPen pen(color, 1);
    pen.setCosmetic(true);
    painter->setPen(pen);
    if (!normal_.empty())
        painter->drawLines(normal_.data(), static_cast<int>(normal_.size()));
    if (!onPath_.empty()) {
        QPen path(theme_->path, 3);
        path.setCosmetic(true);
        path.setCapStyle(Qt::RoundCap);
        painter->setPen(path);
        painter->drawLines(onPath_.data(), static_cast<int>(onPath_.size()));
    }
    painter->setRenderHint(QPainter::Antialiasing, smooth);
}

} // namespace sy::ui
