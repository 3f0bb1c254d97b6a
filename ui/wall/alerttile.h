#pragma once
// One alert on the monitoring wall: a FAULT node, a node group near or over capacity, scaling
// blocked. Tinted in the alert's severity colour and shown above the node groups on every page,
// so a problem never waits for the rotation to come round.

#include "core/engine/groupsummary.h"

#include <QWidget>

namespace sy::ui {

class AlertTile final : public QWidget {
    Q_OBJECT
public:
    explicit AlertTile(QWidget* parent = nullptr);

    // `more`: alerts that did not get a tile of their own, announced on this one ("+3 more").
    void setAlert(engine::Alert alert, int more = 0);
    const engine::Alert& alert() const { return alert_; }
    int more() const { return more_; }
    void setUnit(double pixels);

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void paintIcon(QPainter& p, const QRectF& box, const QColor& c) const;

    engine::Alert alert_;
    int more_ = 0;
    double unit_ = 10;
};

} // namespace sy::ui
