#pragma once
// A horizontal fill bar for capacity used, coloured as the capacity alert would be (green, amber
// above 80%, red above 95%). Over 100% it stays full: the overload shows in the number beside it.

#include <QColor>
#include <QWidget>

#include <optional>

namespace sy::ui {

class CapacityBar final : public QWidget {
    Q_OBJECT
public:
    explicit CapacityBar(QWidget* parent = nullptr);

    // Unset: no node has a capacity limit; the bar shows an empty track.
    void setFraction(std::optional<double> fraction);
    std::optional<double> fraction() const { return fraction_; }
    // The unfilled part; defaults to the palette's mid colour, the wall passes its own.
    void setTrackColor(QColor color);

    QSize sizeHint() const override { return {160, 10}; }
    QSize minimumSizeHint() const override { return {40, 6}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::optional<double> fraction_;
    QColor track_;
};

} // namespace sy::ui
