#include "ui/wall/capacitybar.h"

#include "ui/wall/signalformat.h"

#include <QPainter>

#include <algorithm>

namespace sy::ui {

CapacityBar::CapacityBar(QWidget* parent)
    : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void CapacityBar::setFraction(std::optional<double> fraction) {
    if (fraction == fraction_)
        return;
    fraction_ = fraction;
    update();
}

void CapacityBar::setTrackColor(QColor color) {
    track_ = color;
    update();
}

void CapacityBar::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    const QRectF r = rect();
    const double radius = r.height() / 2;
    QColor track = track_.isValid() ? track_ : palette().color(QPalette::Mid);
    if (!track_.isValid())
        track.setAlphaF(0.35f);
    p.setBrush(track);
    p.drawRoundedRect(r, radius, radius);
    if (!fraction_)
        return;
    const double f = std::clamp(*fraction_, 0.0, 1.0);
    if (f <= 0)
        return;
    QRectF fill = r;
    fill.setWidth(std::max(r.height(), r.width() * f));
    p.setBrush(capacityColor(*fraction_));
    p.drawRoundedRect(fill, radius, radius);
}

} // namespace sy::ui
