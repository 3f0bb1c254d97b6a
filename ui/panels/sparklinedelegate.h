#pragma once
// Paints a cell's recent history (a QList<double> of 0..1 fractions under `historyRole`) as a
// small line with the current value's colour, and the cell's text beside it.

#include <QStyledItemDelegate>

namespace sy::ui {

class SparklineDelegate final : public QStyledItemDelegate {
    Q_OBJECT
public:
    SparklineDelegate(int historyRole, QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    int historyRole_;
};

} // namespace sy::ui
