#pragma once
// The view of the topology: zoom with Ctrl+wheel or +/-, pan by dragging, F to fit everything.
// It follows the picture ("fit") until the operator zooms or pans, and again after "fit".
//
// FullViewportUpdate, deliberately: a snapshot repaints nodes all over the picture, and working
// out the minimal region of hundreds of small dirty items costs more than repainting the
// viewport, which at 2,000 nodes stays a few milliseconds (solid fills at low zoom).

#include <QGraphicsView>

namespace sy::ui {

class TopologyScene;

class TopologyView final : public QGraphicsView {
    Q_OBJECT
public:
    explicit TopologyView(TopologyScene* scene, QWidget* parent = nullptr);

    void zoomIn();
    void zoomOut();
    // Multiplies the zoom, within limits, around the view's centre.
    void zoomBy(double factor);
    // Shows all of the scene's content and follows it from now on.
    void fitAll();
    double zoom() const;
    // True until the operator zooms or pans: layout changes then refit.
    bool followsContent() const { return follow_; }

Q_SIGNALS:
    void zoomChanged(double zoom);

protected:
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void drawForeground(QPainter* painter, const QRectF& rect) override;

private:
    void scaleBy(double factor);
    void onLayoutChanged();

    TopologyScene* scene_;
    bool follow_ = true;
};

} // namespace sy::ui
