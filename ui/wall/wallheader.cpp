#include "ui/wall/wallheader.h"

#include "ui/wall/signalformat.h"
#include "ui/wall/walltheme.h"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>

namespace sy::ui {

namespace wt = walltheme;

WallHeader::WallHeader(QWidget* parent)
    : QWidget(parent)
    , now_(QDateTime::currentDateTime()) {
    setObjectName(QStringLiteral("wallHeader"));
}

void WallHeader::setTotals(engine::GroupSummary total, int groups) {
    total_ = std::move(total);
    groups_ = groups;
    update();
}

void WallHeader::setSource(QString source) {
    source_ = std::move(source);
    update();
}

void WallHeader::setPage(int current, int count) {
    if (current == page_ && count == pages_)
        return;
    page_ = current;
    pages_ = count;
    update();
}

void WallHeader::setNow(QDateTime now) {
    now_ = std::move(now);
    update();
}

void WallHeader::setConnected(bool connected) {
    connected_ = connected;
    update();
}

void WallHeader::setUnit(double pixels) {
    unit_ = pixels;
    update();
}

QString WallHeader::pageText() const {
    return pages_ > 1 ? QStringLiteral("%1/%2").arg(page_ + 1).arg(pages_) : QString();
}

void WallHeader::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF r = rect();
    // The totals get what the title and the clock leave, which is most of a wide screen.
    const double left = std::min(24 * unit_, r.width() * 0.17);
    const double right = std::min(22 * unit_, r.width() * 0.17);
    paintTitle(p, QRectF(r.left(), r.top(), left, r.height()));
    paintClock(p, QRectF(r.right() - right, r.top(), right, r.height()));
    paintTotals(p, QRectF(r.left() + left + 2 * unit_, r.top(),
                          r.width() - left - right - 4 * unit_, r.height()));
    p.setPen(QPen(wt::kTileBorder, 1));
    p.drawLine(QPointF(r.left(), r.bottom() - 0.5), QPointF(r.right(), r.bottom() - 0.5));
}

void WallHeader::paintTitle(QPainter& p, const QRectF& box) const {
    const double u = unit_;
    p.setPen(wt::kText);
    wt::drawFitted(p, QRectF(box.left(), box.top() + 1.2 * u, box.width(), 4.2 * u),
                   Qt::AlignLeft | Qt::AlignVCenter, tr("Switchyard"), wt::font(3.6 * u, true));
    p.setPen(wt::kMuted);
    const QString sub = (groups_ == 1 ? tr("1 node group") : tr("%1 node groups").arg(groups_)) +
                        (source_.isEmpty() ? QString() : QStringLiteral("  \u00B7  ") + source_);
    wt::drawFitted(p, QRectF(box.left(), box.top() + 5.6 * u, box.width(), 2.4 * u),
                   Qt::AlignLeft | Qt::AlignVCenter, sub, wt::font(1.5 * u), 0.8);
}

void WallHeader::paintTotals(QPainter& p, const QRectF& box) const {
    if (box.width() <= 0)
        return;
    const double u = unit_;
    const int inService = total_.nodesIn(model::NodeState::InService);
    const struct {
        QString caption;
        QString value;
        QColor color;
    } cells[] = {
        {tr("VIEWERS"), formatClientCount(total_.viewers), wt::kText},
        {tr("PUBLISHERS"), formatClientCount(total_.publishers), wt::kText},
        {tr("NODES IN SERVICE"), QStringLiteral("%1/%2").arg(inService).arg(total_.nodesTotal),
         total_.nodesIn(model::NodeState::Fault) > 0 ? severityColor(Severity::Critical)
                                                     : wt::kText},
        {tr("EGRESS"), formatBandwidth(total_.egressKbps), wt::kText},
        {tr("CAPACITY"), formatCapacity(total_.capacityUsed),
         total_.capacityUsed ? capacityColor(*total_.capacityUsed) : wt::kMuted},
    };
    const double gap = 2.5 * u;
    const double w = (box.width() - 4 * gap) / 5;
    double x = box.left();
    for (const auto& c : cells) {
        p.setPen(wt::kMuted);
        wt::drawFitted(p, QRectF(x, box.top() + 1.2 * u, w, 2.0 * u),
                       Qt::AlignLeft | Qt::AlignVCenter, c.caption, wt::font(1.4 * u, true));
        p.setPen(c.color);
        wt::drawFitted(p, QRectF(x, box.top() + 3.2 * u, w, 5.4 * u),
                       Qt::AlignLeft | Qt::AlignVCenter, c.value, wt::font(4.6 * u, true), 0.4);
        x += w + gap;
    }
}

void WallHeader::paintClock(QPainter& p, const QRectF& box) const {
    const double u = unit_;
    p.setPen(wt::kText);
    wt::drawFitted(p, QRectF(box.left(), box.top() + 1.2 * u, box.width(), 4.2 * u),
                   Qt::AlignRight | Qt::AlignVCenter,
                   now_.time().toString(QStringLiteral("HH:mm:ss")), wt::font(3.6 * u, true));
    // Connection state and page, on the line below the clock.
    const QRectF line(box.left(), box.top() + 5.6 * u, box.width(), 2.4 * u);
    const QColor stateColor =
        connected_ ? severityColor(Severity::Ok) : severityColor(Severity::Critical);
    const QString state = connected_ ? tr("LIVE") : tr("DISCONNECTED");
    p.setFont(wt::font(1.5 * u, true));
    const QFontMetricsF fm(p.font());
    p.setPen(connected_ ? wt::kMuted : stateColor);
    p.drawText(line, Qt::AlignRight | Qt::AlignVCenter, state);
    const double d = 1.1 * u;
    const double dotX = line.right() - fm.horizontalAdvance(state) - 0.7 * u - d;
    p.setPen(Qt::NoPen);
    p.setBrush(stateColor);
    p.drawEllipse(QRectF(dotX, line.center().y() - d / 2, d, d));
    if (pages_ > 1) {
        p.setPen(wt::kMuted);
        p.drawText(QRectF(line.left(), line.top(), dotX - 1.6 * u - line.left(), line.height()),
                   Qt::AlignRight | Qt::AlignVCenter, tr("PAGE %1").arg(pageText()));
    }
    // Page dots under the clock line: one per page, the current one filled.
    if (pages_ > 1) {
        const double dot = 0.8 * u;
        const double step = 1.6 * u;
        double x = box.right() - pages_ * step + (step - dot);
        for (int i = 0; i < pages_; ++i, x += step) {
            p.setBrush(i == page_ ? wt::kText : wt::kTileBorder);
            p.drawEllipse(QRectF(x, line.bottom() + 0.5 * u, dot, dot));
        }
    }
}

} // namespace sy::ui
