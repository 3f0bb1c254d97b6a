#pragma once
// The monitoring wall's own look: a dark palette whatever the system's, sizes in units of the
// window height so it reads the same from across a room on any screen, and text that shrinks to
// fit its box rather than being clipped. State and alert colours still come from statecolors.h.

#include <QColor>
#include <QFont>
#include <QPalette>
#include <QRectF>
#include <QString>

class QPainter;

namespace sy::ui::walltheme {

inline const QColor kBackground{0x0b, 0x0f, 0x14};
inline const QColor kTile{0x16, 0x1b, 0x22};
inline const QColor kTileBorder{0x2a, 0x31, 0x3c};
inline const QColor kText{0xe6, 0xed, 0xf3};
inline const QColor kMuted{0x8b, 0x94, 0x9e};
inline const QColor kTrack{0x2d, 0x33, 0x3b};

QPalette palette();
// A font of `pixels` height (fractional sizes keep proportions exact at any window height).
QFont font(double pixels, bool bold = false);
// Draws `text` in `box` with `font`, shrinking the font (down to `minScale` of its size) until it
// fits the box's width, then eliding. Returns the width used.
double drawFitted(QPainter& p, const QRectF& box, int flags, const QString& text, QFont font,
                  double minScale = 0.5);
// `c` laid over the tile colour at `alpha`, for tinted alert backgrounds.
QColor tint(const QColor& c, double alpha);

} // namespace sy::ui::walltheme
