#include "ui/charts/timeserieschart.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLegend>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace sy::ui {

namespace {

// Decimals a tick label needs so that a step of 0.25 reads "0.25" and a step of 50 reads "50".
int decimalsFor(double step) {
    for (int d = 0; d < 6; ++d) {
        const double scaled = step * std::pow(10.0, d);
        if (std::abs(scaled - std::round(scaled)) < 1e-6)
            return d;
    }
    return 6;
}

// The same polyline without the inner points of horizontal runs: node counts and idle lines are
// flat most of the time, and Qt Charts strokes every point it is given on each replace().
QList<QPointF> withoutFlatRuns(const QList<QPointF>& points) {
    if (points.size() < 3)
        return points;
    QList<QPointF> out;
    out.reserve(points.size());
    out.append(points.front());
    for (qsizetype i = 1; i + 1 < points.size(); ++i)
        if (points[i].y() != points[i - 1].y() || points[i].y() != points[i + 1].y())
            out.append(points[i]);
    out.append(points.back());
    return out;
}

} // namespace

TimeSeriesChart::TimeSeriesChart(const QString& title, QWidget* parent)
    : QWidget(parent) {
    chart_ = new QChart;
    chart_->setTitle(title);
    QFont titleFont = chart_->titleFont();
    titleFont.setBold(true);
    chart_->setTitleFont(titleFont);
    chart_->setLocalizeNumbers(true); // 40,000 where the locale groups digits
    chart_->legend()->setAlignment(Qt::AlignBottom);
    chart_->setMargins(QMargins(4, 4, 20, 4)); // room for the last time label
    chart_->setBackgroundRoundness(0);
    timeAxis_ = new QDateTimeAxis(chart_);
    timeAxis_->setTickCount(6);
    valueAxis_ = new QValueAxis(chart_);
    valueAxis_->setTickType(QValueAxis::TicksDynamic);
    valueAxis_->setTickAnchor(0);
    chart_->addAxis(timeAxis_, Qt::AlignBottom);
    chart_->addAxis(valueAxis_, Qt::AlignLeft);
    // Never an empty range: a time axis laid out over one ticks nothing ever after.
    setAxes({0, 300'000, QStringLiteral("HH:mm:ss"), QString(), 0, false});

    view_ = new QChartView(chart_, this); // takes ownership of the chart
    view_->setRenderHint(QPainter::Antialiasing);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view_);
}

TimeSeriesChart::~TimeSeriesChart() = default;

void TimeSeriesChart::setData(const std::vector<ChartLine>& lines, const ChartAxes& axes) {
    QStringList keys;
    keys.reserve(static_cast<qsizetype>(lines.size()));
    for (const auto& line : lines)
        keys.append(line.key);
    if (keys != keys_) {
        rebuild(lines);
    } else {
        // Emptied first, the lines cost nothing when the axes move below.
        for (auto* series : series_)
            series->clear();
    }
    setAxes(axes);
    for (std::size_t i = 0; i < lines.size(); ++i)
        series_[i]->replace(withoutFlatRuns(lines[i].points));
}

void TimeSeriesChart::rebuild(const std::vector<ChartLine>& lines) {
    chart_->removeAllSeries(); // deletes them
    series_.clear();
    style_.clear();
    keys_.clear();
    for (const auto& line : lines) {
        auto* series = new QLineSeries;
        series->setName(line.name);
        chart_->addSeries(series);
        series->attachAxis(timeAxis_);
        series->attachAxis(valueAxis_);
        series_.push_back(series);
        style_.push_back({line.key, line.name, line.color, line.style, {}});
        keys_.append(line.key);
    }
    applyPens();
}

void TimeSeriesChart::applyPens() {
    for (std::size_t i = 0; i < series_.size(); ++i) {
        QPen pen(style_[i].color, 2);
        pen.setStyle(style_[i].style);
        series_[i]->setPen(pen);
    }
}

std::pair<double, double> TimeSeriesChart::niceRange(double maxValue, bool whole) {
    const double wanted = maxValue * 1.1; // 10 % headroom
    if (!(wanted > 0) || !std::isfinite(wanted))
        return whole ? std::pair{4.0, 1.0} : std::pair{1.0, 0.25};
    // The round step (1, 2, 2.5 or 5 x 10^k) whose top is the lowest with three to six
    // intervals (fewer when whole numbers allow no more): 195 gives 0..250 by 50, not 0..300.
    const double magnitude = std::pow(10.0, std::floor(std::log10(wanted)) - 1);
    std::pair<double, double> best{0, 0};
    for (int fewest : {3, 1}) {
        for (double scale : {1.0, 10.0, 100.0})
            for (double nice : {1.0, 2.0, 2.5, 5.0}) {
                const double step = nice * scale * magnitude;
                if (whole && (step < 1 || step != std::floor(step)))
                    continue; // no "2.5 nodes"
                const double intervals = std::ceil(wanted / step - 1e-9);
                const double top = intervals * step;
                if (intervals >= fewest && intervals <= 6 &&
                    (best.first == 0 || top < best.first - 1e-9))
                    best = {top, step};
            }
        if (best.first > 0)
            return best;
    }
    return {std::ceil(wanted), 1.0};
}

void TimeSeriesChart::setAxes(const ChartAxes& axes) {
    // Setters that change nothing still relayout the chart: only what changed is set.
    if (axes.timeFormat != shownAxes_.timeFormat)
        timeAxis_->setFormat(axes.timeFormat);
    timeAxis_->setRange(QDateTime::fromMSecsSinceEpoch(axes.fromMs),
                        QDateTime::fromMSecsSinceEpoch(std::max(axes.toMs, axes.fromMs + 1)));
    if (axes.valueTitle != shownAxes_.valueTitle)
        valueAxis_->setTitleText(axes.valueTitle);
    const auto [top, step] = niceRange(axes.maxValue, axes.wholeNumbers);
    if (step != valueAxis_->tickInterval()) {
        valueAxis_->setTickInterval(step);
        valueAxis_->setLabelFormat(QStringLiteral("%.") + QString::number(decimalsFor(step)) +
                                   QStringLiteral("f"));
    }
    valueAxis_->setRange(0, top);
    shownAxes_ = axes;
}

void TimeSeriesChart::setDark(bool dark) {
    if (dark == dark_ &&
        chart_->theme() == (dark ? QChart::ChartThemeDark : QChart::ChartThemeLight))
        return;
    dark_ = dark;
    // A theme resets series pens and fonts: ours are put back after it.
    const QFont titleFont = chart_->titleFont();
    chart_->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart_->setTitleFont(titleFont);
    chart_->setBackgroundRoundness(0);
    applyPens();
}

void TimeSeriesChart::setNames(const QString& name) {
    setObjectName(name);
    view_->setObjectName(name + QLatin1String("View"));
}

int TimeSeriesChart::plotWidth() const {
    const int plot = static_cast<int>(chart_->plotArea().width());
    return plot > 0 ? plot : std::max(1, width());
}

} // namespace sy::ui
