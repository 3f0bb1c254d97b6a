#include "ui/wall/alerttile.h"

#include "ui/wall/signalformat.h"
#include "ui/wall/walltheme.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <QTextLayout>

#include <algorithm>

namespace sy::ui {

namespace wt = walltheme;

namespace {

QString severityWord(engine::AlertSeverity s) {
    switch (s) {
    case engine::AlertSeverity::Info:
        return AlertTile::tr("INFO");
    case engine::AlertSeverity::Warning:
        return AlertTile::tr("WARNING");
    case engine::AlertSeverity::Critical:
        return AlertTile::tr("CRITICAL");
    }
    return {};
}

// Word-wraps `text` into at most `maxLines` lines of `box`, eliding the last one.
void drawWrapped(QPainter& p, const QRectF& box, const QString& text, const QFont& font,
                 int maxLines) {
    const QFontMetricsF fm(font);
    QStringList lines;
    QTextLayout layout(text, font);
    layout.beginLayout();
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(box.width());
        if (lines.size() == maxLines - 1) {
            lines << fm.elidedText(text.mid(line.textStart()), Qt::ElideRight, box.width());
            break;
        }
        lines << text.mid(line.textStart(), line.textLength()).trimmed();
    }
    layout.endLayout();
    p.setFont(font);
    double y = box.top() + fm.ascent();
    for (const auto& l : lines) {
        p.drawText(QPointF(box.left(), y), l);
        y += fm.lineSpacing();
    }
}

} // namespace

AlertTile::AlertTile(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("alertTile"));
}

void AlertTile::setAlert(engine::Alert alert, int more) {
    alert_ = std::move(alert);
    more_ = more;
    setAccessibleName(QString::fromStdString(alert_.message));
    update();
}

void AlertTile::setUnit(double pixels) {
    unit_ = pixels;
    update();
}

void AlertTile::paintIcon(QPainter& p, const QRectF& box, const QColor& c) const {
    // A warning triangle with an exclamation mark, drawn so it needs no icon font.
    const double side = std::min(box.width(), box.height());
    const QRectF sq(box.center().x() - side / 2, box.center().y() - side / 2, side, side);
    QPainterPath tri;
    tri.moveTo(sq.center().x(), sq.top());
    tri.lineTo(sq.right(), sq.bottom());
    tri.lineTo(sq.left(), sq.bottom());
    tri.closeSubpath();
    p.fillPath(tri, c);
    p.setPen(wt::kBackground);
    p.setFont(wt::font(side * 0.62, true));
    p.drawText(sq.adjusted(0, side * 0.22, 0, 0), Qt::AlignCenter, QStringLiteral("!"));
}

void AlertTile::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const double s = std::min(unit_, height() / 12.0);
    const QColor c = severityColor(severityOf(alert_.severity));
    const QRectF r = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    QPainterPath outline;
    outline.addRoundedRect(r, 0.9 * s, 0.9 * s);
    p.fillPath(outline, wt::tint(c, 0.22));
    p.setPen(QPen(c, std::max(1.0, 0.2 * s)));
    p.drawPath(outline);
    p.save();
    p.setClipPath(outline);
    p.fillRect(QRectF(r.left(), r.top(), 0.9 * s, r.height()), c);
    p.restore();

    const double pad = 1.4 * s;
    const QRectF icon(r.left() + 0.9 * s + pad, r.top() + pad, 4.2 * s, r.height() - 2 * pad);
    paintIcon(p, icon, c);
    const QRectF text(icon.right() + pad, r.top() + pad, r.right() - icon.right() - 2 * pad,
                      r.height() - 2 * pad);
    const QString head = severityWord(alert_.severity) + QStringLiteral("  \u00B7  ") +
                         QString::fromStdString(alert_.nodeGroup);
    p.setPen(c.lighter(130));
    QRectF headBox(text.left(), text.top(), text.width(), 2.2 * s);
    if (more_ > 0) {
        p.setFont(wt::font(1.5 * s, true));
        const QString extra = tr("+%1 more").arg(more_);
        p.drawText(headBox, Qt::AlignRight | Qt::AlignVCenter, extra);
        headBox.setRight(headBox.right() - QFontMetricsF(p.font()).horizontalAdvance(extra) - s);
        p.setPen(c.lighter(130));
    }
    wt::drawFitted(p, headBox, Qt::AlignLeft | Qt::AlignVCenter, head, wt::font(1.5 * s, true));
    p.setPen(wt::kText);
    const QRectF body(text.left(), headBox.bottom() + 0.4 * s, text.width(),
                      text.bottom() - headBox.bottom() - 0.4 * s);
    const QFont f = wt::font(2.3 * s, true);
    const int lines = std::max(1, int(body.height() / QFontMetricsF(f).lineSpacing()));
    drawWrapped(p, body, QString::fromStdString(alert_.message), f, std::min(lines, 3));
}

} // namespace sy::ui
