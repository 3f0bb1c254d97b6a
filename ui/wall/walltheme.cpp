#include "ui/wall/walltheme.h"

#include <QFontMetricsF>
#include <QPainter>

namespace sy::ui::walltheme {

QPalette palette() {
    QPalette p;
    for (auto group : {QPalette::Active, QPalette::Inactive, QPalette::Disabled}) {
        p.setColor(group, QPalette::Window, kBackground);
        p.setColor(group, QPalette::WindowText, kText);
        p.setColor(group, QPalette::Base, kTile);
        p.setColor(group, QPalette::AlternateBase, kTile.lighter(115));
        p.setColor(group, QPalette::Text, kText);
        p.setColor(group, QPalette::Button, kTile);
        p.setColor(group, QPalette::ButtonText, kText);
        p.setColor(group, QPalette::Mid, kTileBorder);
        p.setColor(group, QPalette::PlaceholderText, kMuted);
        p.setColor(group, QPalette::ToolTipBase, kTile);
        p.setColor(group, QPalette::ToolTipText, kText);
    }
    return p;
}

QFont font(double pixels, bool bold) {
    QFont f;
    f.setPixelSize(std::max(1, qRound(pixels)));
    f.setBold(bold);
    return f;
}

double drawFitted(QPainter& p, const QRectF& box, int flags, const QString& text, QFont font,
                  double minScale) {
    const int full = font.pixelSize();
    const int smallest = std::max(1, qRound(full * minScale));
    double width = QFontMetricsF(font).horizontalAdvance(text);
    while (width > box.width() && font.pixelSize() > smallest) {
        font.setPixelSize(std::max(smallest, font.pixelSize() * 9 / 10));
        width = QFontMetricsF(font).horizontalAdvance(text);
    }
    p.setFont(font);
    const QString shown = width > box.width()
                              ? QFontMetricsF(font).elidedText(text, Qt::ElideRight, box.width())
                              : text;
    p.drawText(box, flags, shown);
    return std::min(width, box.width());
}

QColor tint(const QColor& c, double alpha) {
    const auto mix = [alpha](int over, int under) {
        return qRound(over * alpha + under * (1 - alpha));
    };
    return QColor(mix(c.red(), kTile.red()), mix(c.green(), kTile.green()),
                  mix(c.blue(), kTile.blue()));
}

} // namespace sy::ui::walltheme
