#include "ui/topology/topologyview.h"

#include "ui/topology/topologyscene.h"

#include <QKeyEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace sy::ui {

namespace {

constexpr double kMinZoom = 0.02;
constexpr double kMaxZoom = 4.0;
constexpr double kStep = 1.25;
constexpr double kMargin = 24; // pixels around the picture when fitting

} // namespace

TopologyView::TopologyView(TopologyScene* scene, QWidget* parent)
    : QGraphicsView(scene, parent)
    , scene_(scene) {
    setObjectName(QStringLiteral("topologyView"));
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setViewportUpdateMode(QGraphicsView::FullViewportUpdate);
    // Items restore what they change and stay inside their bounding rects, so the view need not
    // save painter state around each of 2,000 items nor pad their rects for antialiasing.
    setOptimizationFlags(QGraphicsView::DontSavePainterState |
                         QGraphicsView::DontAdjustForAntialiasing);
    setDragMode(QGraphicsView::ScrollHandDrag);
    // Panning is by dragging (and the wheel, which still scrolls): scroll bars would only take
    // room and appear and vanish as the picture is fitted.
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setFocusPolicy(Qt::StrongFocus);
    connect(scene_, &TopologyScene::layoutChanged, this, &TopologyView::onLayoutChanged);
}

double TopologyView::zoom() const {
    return transform().m11();
}

void TopologyView::scaleBy(double factor) {
    const double target = std::clamp(zoom() * factor, kMinZoom, kMaxZoom);
    if (zoom() <= 0 || std::abs(target - zoom()) < 1e-9)
        return;
    const double applied = target / zoom();
    scale(applied, applied);
    emit zoomChanged(zoom());
}

void TopologyView::zoomBy(double factor) {
    follow_ = false;
    const auto anchor = transformationAnchor();
    setTransformationAnchor(QGraphicsView::AnchorViewCenter);
    scaleBy(factor);
    setTransformationAnchor(anchor);
}

void TopologyView::zoomIn() {
    zoomBy(kStep);
}

void TopologyView::zoomOut() {
    zoomBy(1 / kStep);
}

void TopologyView::fitAll() {
    follow_ = true;
    const QRectF content = scene_->contentRect();
    if (content.isEmpty()) {
        resetTransform();
        emit zoomChanged(zoom());
        return;
    }
    // fitInView leaves a fixed margin; ours scales with nothing and keeps the limits.
    const QRectF viewport = this->viewport()->rect().adjusted(kMargin, kMargin, -kMargin, -kMargin);
    if (viewport.width() <= 0 || viewport.height() <= 0)
        return; // not laid out yet: the first resize fits
    const double fit =
        std::min(viewport.width() / content.width(), viewport.height() / content.height());
    const double target = std::clamp(fit, kMinZoom, kMaxZoom);
    setTransform(QTransform::fromScale(target, target));
    centerOn(content.center());
    emit zoomChanged(zoom());
}

void TopologyView::onLayoutChanged() {
    if (follow_)
        fitAll();
}

void TopologyView::wheelEvent(QWheelEvent* event) {
    if (!(event->modifiers() & Qt::ControlModifier)) {
        follow_ = false;
        QGraphicsView::wheelEvent(event); // scrolls
        return;
    }
    follow_ = false;
    // 120 units per notch; a smooth touchpad sends smaller steps and zooms as smoothly.
    scaleBy(std::pow(kStep, event->angleDelta().y() / 120.0));
    event->accept();
}

void TopologyView::keyPressEvent(QKeyEvent* event) {
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        return;
    case Qt::Key_Minus:
        zoomOut();
        return;
    case Qt::Key_F:
        fitAll();
        return;
    default:
        QGraphicsView::keyPressEvent(event);
    }
}

void TopologyView::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton)
        follow_ = false; // the start of a pan
    QGraphicsView::mousePressEvent(event);
}

void TopologyView::resizeEvent(QResizeEvent* event) {
    QGraphicsView::resizeEvent(event);
    if (follow_)
        fitAll();
}

// In viewport pixels, not scene units: the hint must stay readable at any zoom.
void TopologyView::drawForeground(QPainter* painter, const QRectF& rect) {
    QGraphicsView::drawForeground(painter, rect);
    if (scene_->nodeItemCount() > 0 || !scene_->contentRect().isEmpty())
        return;
    painter->save();
    painter->resetTransform();
    painter->setPen(palette().color(QPalette::PlaceholderText));
    painter->drawText(viewport()->rect().adjusted(24, 24, -24, -24),
                      Qt::AlignCenter | Qt::TextWordWrap,
                      scene_->nodeGroups().isEmpty()
                          ? tr("No node groups yet. Create one and its nodes appear here.")
                          : tr("No nodes to show yet."));
    painter->restore();
}

} // namespace sy::ui
