#pragma once
// One node group on the monitoring wall: its golden signals in numbers big enough to read from
// across a room (viewers first, then publishers, nodes in service of total, egress, capacity)
// and a status edge in the colour of its worst alert. Painted, so sizes follow the tile.

#include "core/engine/groupsummary.h"

#include <QWidget>

namespace sy::ui {

class GroupTile final : public QWidget {
    Q_OBJECT
public:
    explicit GroupTile(QWidget* parent = nullptr);

    void setSummary(engine::GroupSummary summary);
    const engine::GroupSummary& summary() const { return summary_; }
    // The wall's size unit (1% of its height): text scales with it, within what the tile fits.
    void setUnit(double pixels);

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    double scale() const;
    void paintFrame(QPainter& p, double s) const;
    void paintTitle(QPainter& p, const QRectF& box, double s) const;
    void paintSignals(QPainter& p, const QRectF& box, double s) const;
    void paintCapacity(QPainter& p, const QRectF& box, double s) const;

    engine::GroupSummary summary_;
    double unit_ = 10;
};

} // namespace sy::ui
