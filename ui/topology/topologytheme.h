#pragma once
// Colours and fonts the topology items paint with, derived once from the scene's palette (and
// again when it changes) instead of per item and per paint: 2,000 items asking the palette for
// colours on every frame is measurable.

#include <QColor>
#include <QFont>
#include <QPalette>

namespace sy::ui {

struct TopologyTheme {
    QColor text;
    QColor mutedText;
    QColor background;
    QColor groupFill;
    QColor groupBorder;
    QColor subGroupFill;
    QColor subGroupBorder;
    QColor link;
    QColor faintLink; // at overview zoom
    QColor dimmedLink;
    QColor path;     // a highlighted stream's nodes and links: apart from every state colour
    QColor barTrack; // the empty part of a load bar
    QColor pill;     // behind titles drawn larger than the frame at low zoom
    QFont font;
    QFont boldFont;
    QFont titleFont;

    static TopologyTheme fromPalette(const QPalette& palette, const QFont& font);
};

// `a` moved towards `b` by `t` (0..1), alpha included.
QColor blend(const QColor& a, const QColor& b, double t);

} // namespace sy::ui
