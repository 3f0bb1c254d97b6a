#include "ui/wall/grouptile.h"

#include "ui/wall/signalformat.h"
#include "ui/wall/walltheme.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace sy::ui {

namespace wt = walltheme;

namespace {

// The tile's layout in units of s: it fits a tile of kNominalW x kNominalH units.
constexpr double kNominalW = 44;
constexpr double kNominalH = 26;
constexpr double kPad = 1.6;
constexpr double kEdge = 0.7;

void drawPill(QPainter& p, QRectF& right, const QString& text, const QColor& c, double s) {
    const QFont f = wt::font(1.3 * s, true);
    const double w = QFontMetricsF(f).horizontalAdvance(text) + 1.4 * s;
    const QRectF pill(right.right() - w, right.center().y() - 1.1 * s, w, 2.2 * s);
    p.setPen(Qt::NoPen);
    p.setBrush(c);
    p.drawRoundedRect(pill, 0.5 * s, 0.5 * s);
    p.setPen(Qt::white);
    p.setFont(f);
    p.drawText(pill, Qt::AlignCenter, text);
    right.setRight(pill.left() - 0.6 * s);
}

// A caption above a value, both fitted into `box`.
void drawSignal(QPainter& p, const QRectF& box, const QString& caption, const QString& value,
                const QColor& valueColor, double valuePx, double s) {
    p.setPen(wt::kMuted);
    const QRectF cap(box.left(), box.top(), box.width(), 1.8 * s);
    wt::drawFitted(p, cap, Qt::AlignLeft | Qt::AlignVCenter, caption, wt::font(1.25 * s, true));
    p.setPen(valueColor);
    const QRectF val(box.left(), cap.bottom(), box.width(), box.height() - cap.height());
    wt::drawFitted(p, val, Qt::AlignLeft | Qt::AlignVCenter, value, wt::font(valuePx, true), 0.4);
}

} // namespace

GroupTile::GroupTile(QWidget* parent)
    : QWidget(parent) {
    setAttribute(Qt::WA_OpaquePaintEvent, false);
}

void GroupTile::setSummary(engine::GroupSummary summary) {
    summary_ = std::move(summary);
    setObjectName(QStringLiteral("groupTile_") + QString::fromStdString(summary_.nodeGroup));
    setAccessibleName(QString::fromStdString(summary_.nodeGroup));
    update();
}

void GroupTile::setUnit(double pixels) {
    unit_ = pixels;
    update();
}

double GroupTile::scale() const {
    // Relative to the window height, up to half again when the tile has the room.
    return std::min({unit_ * 1.5, height() / kNominalH, width() / kNominalW});
}

void GroupTile::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    const double s = scale();
    paintFrame(p, s);
    const QRectF inner =
        QRectF(rect()).adjusted(kEdge * s + kPad * s, kPad * s, -kPad * s, -kPad * s);
    const QRectF title(inner.left(), inner.top(), inner.width(), 3.2 * s);
    const QRectF capacity(inner.left(), inner.bottom() - 3.6 * s, inner.width(), 3.6 * s);
    // The signals block is 15.5 units tall and sits in the middle of what is left.
    const double free = capacity.top() - title.bottom();
    const double block = std::min(free, 15.5 * s);
    const QRectF signalBox(inner.left(), title.bottom() + (free - block) / 2, inner.width(), block);
    paintTitle(p, title, s);
    paintSignals(p, signalBox, s);
    paintCapacity(p, capacity, s);
}

void GroupTile::paintFrame(QPainter& p, double s) const {
    const QRectF r = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    QPainterPath outline;
    outline.addRoundedRect(r, 0.9 * s, 0.9 * s);
    const Severity status = groupStatus(summary_);
    p.fillPath(outline, wt::kTile);
    const bool alarmed = status == Severity::Critical || status == Severity::Warning;
    p.setPen(QPen(alarmed ? severityColor(status) : wt::kTileBorder,
                  alarmed ? std::max(1.0, 0.22 * s) : 1.0));
    p.drawPath(outline);
    p.save();
    p.setClipPath(outline);
    p.fillRect(QRectF(r.left(), r.top(), kEdge * s, r.height()), severityColor(status));
    p.restore();
}

void GroupTile::paintTitle(QPainter& p, const QRectF& box, double s) const {
    QRectF right = box;
    if (summary_.paused)
        drawPill(p, right, tr("PAUSED"), severityColor(Severity::Info), s);
    if (summary_.simulated)
        drawPill(p, right, tr("SIM"), QColor(0x4b, 0x55, 0x63), s);
    p.setPen(wt::kText);
    const QRectF name(box.left(), box.top(), right.right() - box.left(), box.height());
    wt::drawFitted(p, name, Qt::AlignLeft | Qt::AlignVCenter,
                   QString::fromStdString(summary_.nodeGroup), wt::font(2.6 * s, true), 0.6);
}

void GroupTile::paintSignals(QPainter& p, const QRectF& box, double s) const {
    const double k = box.height() / (15.5 * s); // < 1 only when the tile is squeezed
    const QRectF viewers(box.left(), box.top(), box.width(), 9.8 * s * k);
    drawSignal(p, viewers, tr("VIEWERS"), formatClientCount(summary_.viewers), wt::kText,
               7.6 * s * k, s * k);

    const double top = viewers.bottom() + 0.8 * s * k;
    const QRectF row(box.left(), top, box.width(), box.bottom() - top);
    const double gap = 1.2 * s;
    const double colW = (row.width() - 2 * gap) / 3;
    const int inService = summary_.nodesIn(model::NodeState::InService);
    // Fewer nodes in service than exist means some are starting, draining or failed.
    const QColor nodesColor = summary_.nodesIn(model::NodeState::Fault) > 0
                                  ? severityColor(Severity::Critical)
                              : inService < summary_.nodesTotal ? severityColor(Severity::Warning)
                                                                : wt::kText;
    const struct {
        QString caption;
        QString value;
        QColor color;
    } cells[] = {
        {tr("PUBLISHERS"), formatClientCount(summary_.publishers), wt::kText},
        {tr("NODES IN SERVICE"), QStringLiteral("%1/%2").arg(inService).arg(summary_.nodesTotal),
         nodesColor},
        {tr("EGRESS"), formatBandwidth(summary_.egressKbps), wt::kText},
    };
    double x = row.left();
    for (const auto& c : cells) {
        drawSignal(p, QRectF(x, row.top(), colW, row.height()), c.caption, c.value, c.color,
                   3.4 * s * k, s * k);
        x += colW + gap;
    }
}

void GroupTile::paintCapacity(QPainter& p, const QRectF& box, double s) const {
    const auto used = summary_.capacityUsed;
    const QColor color = used ? capacityColor(*used) : wt::kMuted;
    const QRectF text(box.left(), box.top(), box.width(), 2.2 * s);
    p.setPen(wt::kMuted);
    p.setFont(wt::font(1.25 * s, true));
    p.drawText(text, Qt::AlignLeft | Qt::AlignVCenter, tr("CAPACITY"));
    p.setPen(color);
    p.setFont(wt::font(2.0 * s, true));
    p.drawText(text, Qt::AlignRight | Qt::AlignVCenter, formatCapacity(used));

    const QRectF track(box.left(), box.bottom() - 1.0 * s, box.width(), 1.0 * s);
    p.setPen(Qt::NoPen);
    p.setBrush(wt::kTrack);
    p.drawRoundedRect(track, 0.5 * s, 0.5 * s);
    if (used && *used > 0) {
        QRectF fill = track;
        fill.setWidth(std::max(track.height(), track.width() * std::min(1.0, *used)));
        p.setBrush(color);
        p.drawRoundedRect(fill, 0.5 * s, 0.5 * s);
    }
}

} // namespace sy::ui
