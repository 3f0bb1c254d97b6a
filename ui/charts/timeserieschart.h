#pragma once
// TimeSeriesChart: one chart of lines over time. It is the small adapter between the charts page
// and the chart library: Qt Charts (deprecated from Qt 6.10) appears only in its .cpp, so moving
// to another backend means rewriting this class and nothing else.
//
// Lines are replaced whole on every refresh (one replace() per line, never a point at a time),
// and the chart is rebuilt only when the set of lines changes (a state appears or goes away).

#include <QColor>
#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <cstdint>
#include <vector>

class QChart;
class QChartView;
class QDateTimeAxis;
class QLineSeries;
class QValueAxis;

namespace sy::ui {

struct ChartLine {
    QString key;  // identity across refreshes
    QString name; // the legend
    QColor color;
    Qt::PenStyle style = Qt::SolidLine;
    QList<QPointF> points; // x: epoch ms, y: the value in the axis unit
};

struct ChartAxes {
    std::int64_t fromMs = 0; // the time axis, shown in local time
    std::int64_t toMs = 0;
    QString timeFormat;        // "HH:mm:ss"
    QString valueTitle;        // "Mbit/s"
    double maxValue = 0;       // the value axis goes from 0 to a round number above this: headroom
    bool wholeNumbers = false; // counts: no tick at 2.5
};

class TimeSeriesChart final : public QWidget {
    Q_OBJECT
public:
    explicit TimeSeriesChart(const QString& title, QWidget* parent = nullptr);
    ~TimeSeriesChart() override;

    // Shows exactly these lines, in this order (the legend's), over these axes. One call, so
    // that each line's geometry is computed once: Qt Charts recomputes every line on each axis
    // range change and on each replace().
    void setData(const std::vector<ChartLine>& lines, const ChartAxes& axes);
    // Light or dark chart colours, to match the application palette.
    void setDark(bool dark);

    // objectName `name` for this widget and `name` + "View" for its chart view, for tests.
    void setNames(const QString& name);

    // How many pixel columns the plot has: the decimation budget is about two points each.
    int plotWidth() const;
    QChartView* view() const { return view_; }

    // The top of the value axis for data up to `maxValue`, and the tick step to reach it.
    static std::pair<double, double> niceRange(double maxValue, bool wholeNumbers);

private:
    void rebuild(const std::vector<ChartLine>& lines);
    void setAxes(const ChartAxes& axes);
    void applyPens();

    QChartView* view_ = nullptr;
    QChart* chart_ = nullptr;
    QDateTimeAxis* timeAxis_ = nullptr;
    QValueAxis* valueAxis_ = nullptr;
    std::vector<QLineSeries*> series_;
    std::vector<ChartLine> style_; // key, name, colour, pen style of series_ (no points)
    QStringList keys_;
    ChartAxes shownAxes_;
    bool dark_ = false;
};

} // namespace sy::ui
