#pragma once
// ChartsPanel: the live charts page. Viewers and publishers, nodes by state, bandwidth and CPU per
// role over the last five minutes or hour, for all node groups or one.
//
// Every snapshot goes into a MetricHistory; the charts are redrawn from it at most once a second
// (and not at all while the page is hidden), each line replaced whole with points decimated to
// about two per pixel column, so a large cluster costs the GUI thread the same as a small one.

#include "ui/charts/metrichistory.h"
#include "ui/charts/timeserieschart.h"
#include "ui/panels/panel.h"

#include <QElapsedTimer>
#include <QTimer>

#include <cstdint>
#include <string>

class QComboBox;
class QLabel;
class QPushButton;

namespace sy::ui {

class ClusterBackend;

class ChartsPanel final : public Panel {
    Q_OBJECT
public:
    explicit ChartsPanel(ClusterBackend& backend, QWidget* parent = nullptr);
    ~ChartsPanel() override;

    QString title() const override { return tr("Charts"); }
    QIcon icon() const override { return QIcon(QStringLiteral(":/icons/charts.svg")); }
    QString toolTip() const override;

    // Redraws every chart now from the history (the timer calls it at most once a second).
    void refresh();
    MetricHistory& history() { return history_; }
    const MetricHistory& history() const { return history_; }

    // The chart grid as a PNG at `path`; false when it cannot be written.
    bool exportPng(const QString& path);
    // The history of the shown node group over the shown window as CSV at `path`.
    bool exportCsv(const QString& path);

    // What is shown: a node-group name, or MetricHistory::allGroups(); the window in ms.
    std::string currentGroup() const;
    std::int64_t windowMs() const;

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    enum class ExportKind { Png, Csv };

    QWidget* buildToolbar();
    QWidget* buildGrid();
    void onSnapshot();
    void scheduleRedraw();
    void syncGroupSelector();
    void applyPalette();
    void chooseExportFile(ExportKind kind);
    void reportExport(bool ok, const QString& path);

    // The four charts over `window`; `axes` comes with its time range set.
    void drawClients(const std::string& scope, TimeWindow window, ChartAxes axes);
    void drawStates(const std::string& scope, TimeWindow window, ChartAxes axes);
    void drawBandwidth(const std::string& scope, TimeWindow window, ChartAxes axes);
    void drawCpu(const std::string& scope, TimeWindow window, ChartAxes axes);
    int pointBudget(const TimeSeriesChart& chart) const;

    ClusterBackend& backend_;
    MetricHistory history_;
    QTimer redraw_;
    QElapsedTimer sinceRedraw_;
    bool dirty_ = false;

    QComboBox* groupBox_ = nullptr;
    QComboBox* windowBox_ = nullptr;
    QPushButton* exportPngButton_ = nullptr;
    QPushButton* exportCsvButton_ = nullptr;
    QLabel* status_ = nullptr;
    QWidget* grid_ = nullptr;
    TimeSeriesChart* clients_ = nullptr;
    TimeSeriesChart* states_ = nullptr;
    TimeSeriesChart* bandwidth_ = nullptr;
    TimeSeriesChart* cpu_ = nullptr;
};

} // namespace sy::ui
