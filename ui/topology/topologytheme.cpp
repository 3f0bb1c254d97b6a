#include "ui/topology/topologytheme.h"

namespace sy::ui {

QColor blend(const QColor& a, const QColor& b, double t) {
    auto mix = [t](double x, double y) {
        return x + (y - x) * t;
    };
    return QColor::fromRgbF(static_cast<float>(mix(a.redF(), b.redF())),
                            static_cast<float>(mix(a.greenF(), b.greenF())),
                            static_cast<float>(mix(a.blueF(), b.blueF())),
                            static_cast<float>(mix(a.alphaF(), b.alphaF())));
}

TopologyTheme TopologyTheme::fromPalette(const QPalette& palette, const QFont& font) {
    TopologyTheme t;
    t.text = palette.color(QPalette::Text);
    t.mutedText = blend(palette.color(QPalette::Base), t.text, 0.6);
    t.background = palette.color(QPalette::Base);
    t.groupFill = blend(t.background, t.text, 0.035);
    t.groupBorder = blend(t.background, t.text, 0.3);
    t.subGroupFill = blend(t.background, t.text, 0.07);
    t.subGroupBorder = blend(t.background, t.text, 0.2);
    t.link = blend(t.background, t.text, 0.45);
    t.faintLink = blend(t.background, t.text, 0.25);
    t.dimmedLink = blend(t.background, t.text, 0.12);
    t.path = QColor(0x08, 0x91, 0xb2); // teal: no node state uses it
    t.barTrack = blend(t.background, t.text, 0.25);
    t.pill = t.background;
    t.pill.setAlpha(225);
    // Fonts in pixels: scene units are pixels at zoom 1, whatever the screen's DPI.
    t.font = font;
    t.font.setPixelSize(11);
    t.boldFont = t.font;
    t.boldFont.setBold(true);
    t.titleFont = t.boldFont;
    t.titleFont.setPixelSize(15);
    return t;
}

} // namespace sy::ui
