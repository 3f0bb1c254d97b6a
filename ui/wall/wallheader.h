#pragma once
// The monitoring wall's top line: what it watches, the cluster totals, the page being shown
// ("2/3" with dots) and a clock with the connection state, so a glance tells whether the numbers
// are live.

#include "core/engine/groupsummary.h"

#include <QDateTime>
#include <QWidget>

namespace sy::ui {

class WallHeader final : public QWidget {
    Q_OBJECT
public:
    explicit WallHeader(QWidget* parent = nullptr);

    void setTotals(engine::GroupSummary total, int groups);
    void setSource(QString source);
    void setPage(int current, int count); // zero-based current
    void setNow(QDateTime now);
    void setConnected(bool connected);
    void setUnit(double pixels);

    // "2/3", empty with a single page.
    QString pageText() const;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void paintTitle(QPainter& p, const QRectF& box) const;
    void paintTotals(QPainter& p, const QRectF& box) const;
    void paintClock(QPainter& p, const QRectF& box) const;

    engine::GroupSummary total_;
    int groups_ = 0;
    QString source_;
    int page_ = 0;
    int pages_ = 1;
    QDateTime now_;
    bool connected_ = true;
    double unit_ = 10;
};

} // namespace sy::ui
