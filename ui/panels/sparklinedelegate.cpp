#include "ui/panels/sparklinedelegate.h"

#include "ui/style/statecolors.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace sy::ui {

SparklineDelegate::SparklineDelegate(int historyRole, QObject* parent)
    : QStyledItemDelegate(parent)
    , historyRole_(historyRole) {}

void SparklineDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                              const QModelIndex& index) const {
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget); // background, selection

    const auto history = index.data(historyRole_).value<QList<double>>();
    const QRect r = option.rect.adjusted(4, 3, -4, -3);
    const int textWidth = option.fontMetrics.horizontalAdvance(QStringLiteral("1000%")) + 6;
    const QRect line(r.left(), r.top(), std::max(0, r.width() - textWidth), r.height());
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    if (history.size() >= 2 && line.width() > 10) {
        // A fixed 0..100% scale (values above are clipped) so rows compare at a glance.
        const double step = double(line.width()) / double(history.size() - 1);
        QPainterPath path;
        for (int i = 0; i < history.size(); ++i) {
            const double v = std::clamp(history[i], 0.0, 1.0);
            const QPointF p(line.left() + i * step, line.bottom() - v * line.height());
            i == 0 ? path.moveTo(p) : path.lineTo(p);
        }
        const QColor c = loadColor(history.back());
        QPainterPath area = path;
        area.lineTo(line.right(), line.bottom());
        area.lineTo(line.left(), line.bottom());
        area.closeSubpath();
        QColor fill = c;
        fill.setAlpha(50);
        painter->fillPath(area, fill);
        painter->setPen(QPen(c, 1.4));
        painter->drawPath(path);
    }
    painter->setPen(option.state & QStyle::State_Selected
                        ? option.palette.color(QPalette::HighlightedText)
                        : option.palette.color(QPalette::Text));
    painter->drawText(QRect(r.right() - textWidth, r.top(), textWidth, r.height()),
                      Qt::AlignRight | Qt::AlignVCenter, text);
    painter->restore();
}

QSize SparklineDelegate::sizeHint(const QStyleOptionViewItem& option,
                                  const QModelIndex& index) const {
    return QStyledItemDelegate::sizeHint(option, index).expandedTo(QSize(150, 0));
}

} // namespace sy::ui
