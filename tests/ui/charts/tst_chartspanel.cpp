// ChartsPanel over a real EmbeddedBackend with SIMULATED nodes: the charts fill once nodes are in
// service, the group and window selectors change what is drawn, redraws are coalesced, the
// exports write a PNG of the grid and the CSV rows, and the charts follow the palette.

#include "ui/charts/chartspanel.h"

#include "core/model/nodegroupcodec.h"
#include "core/providers/simulatedprovider.h"
#include "ui/backend/embeddedbackend.h"
#include "ui/style/statecolors.h"

#include "tests/support/testgroups.h"
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTimeAxis>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QImage>

#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QValueAxis>

using namespace sy;

namespace {

model::NodeGroupConfig groupConfig(const std::string& name, int edges) {
    test::OriginEdgeOptions o; // fixed size: the charts follow load, not scaling
    o.edgeMin = edges;
    o.edgeMax = edges;
    o.edgeOutAbove = 100000;
    o.edgeLimit = 20000;
    o.originOutAbove = 1000;
    o.originLimit = 2000;
    return test::originEdgeGroup(name, o);
}

QChart* chartOf(const ui::ChartsPanel& panel, const char* name) {
    auto* view = panel.findChild<QChartView*>(QLatin1String(name) + QLatin1String("View"));
    return view ? view->chart() : nullptr;
}

QLineSeries* seriesNamed(const ui::ChartsPanel& panel, const char* chart, const QString& name) {
    if (QChart* c = chartOf(panel, chart))
        for (auto* s : c->series())
            if (s->name() == name)
                return qobject_cast<QLineSeries*>(s);
    return nullptr;
}

// The newest value a line shows; NaN when it has none.
double lastY(const ui::ChartsPanel& panel, const char* chart, const QString& name) {
    const QLineSeries* s = seriesNamed(panel, chart, name);
    return s && s->count() > 0 ? s->at(s->count() - 1).y() : std::nan("");
}

qint64 timeSpanMs(const ui::ChartsPanel& panel) {
    const auto axes = chartOf(panel, "clientsChart")->axes(Qt::Horizontal);
    const auto* axis = axes.isEmpty() ? nullptr : qobject_cast<QDateTimeAxis*>(axes.first());
    return axis ? axis->min().msecsTo(axis->max()) : -1;
}

} // namespace

class TestChartsPanel : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void chartsFillOnceNodesAreInService();
    void groupAndWindowChangeWhatIsShown();
    void redrawsAreCoalesced();
    void timeAxisIsDrawn();
    void exportPngWritesTheGrid();
    void exportCsvWritesTheRows();
    void exportButtonAsksForAFile();
    void chartsFollowThePalette();
    void valueAxisLeavesRoundHeadroom_data();
    void valueAxisLeavesRoundHeadroom();

private:
    void createGroup(const std::string& name, int edges, std::int64_t viewers);
    void showPanel();

    std::unique_ptr<QTemporaryDir> dir_;
    std::shared_ptr<providers::SimulatedProvider> sim_;
    std::unique_ptr<ui::EmbeddedBackend> backend_;
    std::unique_ptr<ui::ChartsPanel> panel_;
};

void TestChartsPanel::init() {
    dir_ = std::make_unique<QTemporaryDir>();
    sim_ = std::make_shared<providers::SimulatedProvider>();
    backend_ = test::simulatedBackend(dir_->path(), sim_);
    panel_ = std::make_unique<ui::ChartsPanel>(*backend_);
}

void TestChartsPanel::cleanup() {
    panel_.reset();
    backend_.reset();
    sim_.reset();
    dir_.reset();
}

void TestChartsPanel::createGroup(const std::string& name, int edges, std::int64_t viewers) {
    sim_->setLoad(name, {4, viewers, 2500});
    bool created = false;
    backend_->createNodeGroup(groupConfig(name, edges), [&](Result<void> r) {
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        created = true;
    });
    QTRY_VERIFY(created);
}

void TestChartsPanel::showPanel() {
    panel_->resize(1100, 760);
    panel_->show();
    QVERIFY(QTest::qWaitForWindowExposed(panel_.get()));
}

void TestChartsPanel::chartsFillOnceNodesAreInService() {
    showPanel();
    createGroup("ng1", 2, 120);
    QVERIFY(!QTest::currentTestFailed());
    const QString inService = ui::stateLabel(model::NodeState::InService);
    QTRY_COMPARE_WITH_TIMEOUT(lastY(*panel_, "statesChart", inService), 3.0, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(lastY(*panel_, "clientsChart", QStringLiteral("Viewers")), 120.0,
                              15000);
    QTRY_COMPARE_WITH_TIMEOUT(lastY(*panel_, "clientsChart", QStringLiteral("Publishers")), 4.0,
                              15000);
    // 120 viewers x 2500 kbit/s, drawn in Mbit/s.
    QTRY_COMPARE_WITH_TIMEOUT(lastY(*panel_, "bandwidthChart", QStringLiteral("Egress")), 300.0,
                              15000);
    const auto valueAxes = chartOf(*panel_, "bandwidthChart")->axes(Qt::Vertical);
    QCOMPARE(qobject_cast<QValueAxis*>(valueAxes.first())->titleText(), QStringLiteral("Mbit/s"));
    QVERIFY(qobject_cast<QValueAxis*>(valueAxes.first())->max() > 300.0); // headroom
    QVERIFY(seriesNamed(*panel_, "cpuChart", QStringLiteral("edge")) != nullptr);
    QVERIFY(seriesNamed(*panel_, "cpuChart", QStringLiteral("origin")) != nullptr);
    // A state no node was in has no line.
    QVERIFY(!seriesNamed(*panel_, "statesChart", ui::stateLabel(model::NodeState::Fault)));
}

void TestChartsPanel::groupAndWindowChangeWhatIsShown() {
    showPanel();
    createGroup("ng1", 2, 120);
    createGroup("ng2", 1, 30);
    QVERIFY(!QTest::currentTestFailed());
    const QString inService = ui::stateLabel(model::NodeState::InService);
    QTRY_COMPARE_WITH_TIMEOUT(lastY(*panel_, "statesChart", inService), 5.0, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(lastY(*panel_, "clientsChart", QStringLiteral("Viewers")), 150.0,
                              15000);

    auto* groups = panel_->findChild<QComboBox*>(QStringLiteral("chartsGroupSelector"));
    QVERIFY(groups);
    QCOMPARE(groups->itemText(0), QStringLiteral("All node groups"));
    const int ng2 = groups->findData(QStringLiteral("ng2"));
    QVERIFY(ng2 > 0);
    QVERIFY(groups->findData(QStringLiteral("ng1")) > 0);
    groups->setCurrentIndex(ng2); // redraws at once
    QCOMPARE(panel_->currentGroup(), std::string("ng2"));
    QCOMPARE(lastY(*panel_, "statesChart", inService), 2.0);
    QCOMPARE(lastY(*panel_, "clientsChart", QStringLiteral("Viewers")), 30.0);

    auto* window = panel_->findChild<QComboBox*>(QStringLiteral("chartsWindowSelector"));
    QVERIFY(window);
    QCOMPARE(timeSpanMs(*panel_), qint64(5 * 60'000));
    window->setCurrentIndex(1);
    QCOMPARE(panel_->windowMs(), std::int64_t(3'600'000));
    QCOMPARE(timeSpanMs(*panel_), qint64(3'600'000));
}

void TestChartsPanel::redrawsAreCoalesced() {
    showPanel();
    createGroup("ng1", 1, 10);
    QVERIFY(!QTest::currentTestFailed());
    QTRY_VERIFY_WITH_TIMEOUT(seriesNamed(*panel_, "clientsChart", QStringLiteral("Viewers")),
                             15000);
    QSignalSpy redraws(seriesNamed(*panel_, "clientsChart", QStringLiteral("Viewers")),
                       &QXYSeries::pointsReplaced);
    QSignalSpy snapshots(backend_.get(), &ui::ClusterBackend::snapshotChanged);
    QElapsedTimer clock;
    clock.start();
    const std::size_t samplesBefore = panel_->history().size();
    QTRY_VERIFY_WITH_TIMEOUT(panel_->history().size() >= samplesBefore + 3, 15000);
    const qint64 elapsed = clock.elapsed();
    // Redrawn with the new samples, but never more than once a second.
    QVERIFY(redraws.count() >= 1);
    QVERIFY2(redraws.count() <= elapsed / 1000 + 1,
             qPrintable(QStringLiteral("%1 redraws in %2 ms").arg(redraws.count()).arg(elapsed)));
    QVERIFY(redraws.count() <= snapshots.count());
}

void TestChartsPanel::timeAxisIsDrawn() {
    showPanel(); // laid out before any data, which once left the time axis blank for good
    createGroup("ng1", 1, 10);
    QVERIFY(!QTest::currentTestFailed());
    QTRY_VERIFY_WITH_TIMEOUT(!std::isnan(lastY(*panel_, "clientsChart", QStringLiteral("Viewers"))),
                             15000);
    auto* view = panel_->findChild<QChartView*>(QStringLiteral("clientsChartView"));
    const QImage image = view->grab().toImage();
    const QRect plot = view->chart()->plotArea().toRect();
    // The band under the plot holds the time labels: something other than background there.
    const QRgb background = image.pixel(plot.center().x(), plot.top() - 4); // under the title
    int inked = 0;
    for (int y = plot.bottom() + 4; y < plot.bottom() + 18; ++y)
        for (int x = plot.left() + 10; x < plot.right() - 10; ++x)
            inked += image.pixel(x, y) != background;
    QVERIFY2(inked > 50, qPrintable(QString::number(inked)));
}

void TestChartsPanel::exportPngWritesTheGrid() {
    showPanel();
    createGroup("ng1", 1, 10);
    QVERIFY(!QTest::currentTestFailed());
    QTRY_VERIFY_WITH_TIMEOUT(!std::isnan(lastY(*panel_, "clientsChart", QStringLiteral("Viewers"))),
                             15000);
    const QString path = dir_->filePath(QStringLiteral("charts.png"));
    QVERIFY(panel_->exportPng(path));
    QImage image(path);
    QVERIFY(!image.isNull());
    const auto* grid = panel_->findChild<QWidget*>(QStringLiteral("chartsGrid"));
    QVERIFY(grid);
    QCOMPARE(image.size(), grid->size() * grid->devicePixelRatio());
    // Not a blank rectangle: the charts were drawn into it.
    QVERIFY(image.pixel(2, 2) != image.pixel(image.width() / 2, image.height() / 2) ||
            image.pixel(image.width() / 4, image.height() / 4) != image.pixel(2, 2));
    QVERIFY(!panel_->exportPng(dir_->filePath(QStringLiteral("no/such/dir/charts.png"))));
}

void TestChartsPanel::exportCsvWritesTheRows() {
    showPanel();
    createGroup("ng1", 1, 10);
    QVERIFY(!QTest::currentTestFailed());
    QTRY_VERIFY_WITH_TIMEOUT(panel_->history().value("", ui::SeriesId::of(ui::Measure::Viewers),
                                                     panel_->history().latestTimeMs()) == 10.0,
                             15000);
    const QString path = dir_->filePath(QStringLiteral("charts.csv"));
    QVERIFY(panel_->exportCsv(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(file.readAll()).trimmed().split(QLatin1Char('\n'));
    // Everything so far fits in the 5-minute window: one row per sample.
    QCOMPARE(lines.size(), 1 + int(panel_->history().size()));
    QVERIFY(lines.first().startsWith(QStringLiteral("time,viewers,publishers,ingress_kbps")));
    QVERIFY(lines.first().contains(QStringLiteral("cpu_load_edge")));
    QCOMPARE(lines.last().section(QLatin1Char(','), 1, 1), QStringLiteral("10"));
    QVERIFY(lines.last().section(QLatin1Char(','), 0, 0).endsWith(QLatin1Char('Z')));
}

void TestChartsPanel::exportButtonAsksForAFile() {
    showPanel();
    const QString path = dir_->filePath(QStringLiteral("from-dialog.csv"));
    auto* button = panel_->findChild<QPushButton*>(QStringLiteral("chartsExportCsv"));
    QVERIFY(button);
    button->click();
    QFileDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = panel_->findChild<QFileDialog*>(QStringLiteral("chartsCsvDialog"))));
    QCOMPARE(dialog->acceptMode(), QFileDialog::AcceptSave);
    dialog->selectFile(path);
    static_cast<QDialog*>(dialog)->accept(); // QFileDialog::accept is protected
    QTRY_VERIFY(QFile::exists(path));
    auto* status = panel_->findChild<QLabel*>(QStringLiteral("chartsExportStatus"));
    QVERIFY(status->text().contains(QStringLiteral("from-dialog.csv")));
}

void TestChartsPanel::chartsFollowThePalette() {
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x20, 0x22, 0x26));
    dark.setColor(QPalette::WindowText, Qt::white);
    panel_->setPalette(dark);
    QCOMPARE(int(chartOf(*panel_, "cpuChart")->theme()), int(QChart::ChartThemeDark));
    QPalette light;
    light.setColor(QPalette::Window, QColor(0xf4, 0xf4, 0xf4));
    panel_->setPalette(light);
    QCOMPARE(int(chartOf(*panel_, "cpuChart")->theme()), int(QChart::ChartThemeLight));
}

void TestChartsPanel::valueAxisLeavesRoundHeadroom_data() {
    QTest::addColumn<double>("maxValue");
    QTest::addColumn<bool>("whole");
    QTest::addColumn<double>("top");
    QTest::addColumn<double>("step");
    QTest::addRow("empty count") << 0.0 << true << 4.0 << 1.0;
    QTest::addRow("empty rate") << 0.0 << false << 1.0 << 0.25;
    QTest::addRow("one node") << 1.0 << true << 2.0 << 1.0;
    QTest::addRow("three nodes") << 3.0 << true << 4.0 << 1.0;
    QTest::addRow("twelve nodes") << 12.0 << true << 15.0 << 5.0;
    QTest::addRow("195 nodes") << 195.0 << true << 250.0 << 50.0;
    QTest::addRow("exactly 100") << 100.0 << false << 120.0 << 20.0;
    QTest::addRow("viewers") << 31'700.0 << true << 40'000.0 << 10'000.0;
    QTest::addRow("cpu fraction") << 0.9 << false << 1.0 << 0.2;
}

void TestChartsPanel::valueAxisLeavesRoundHeadroom() {
    QFETCH(double, maxValue);
    QFETCH(bool, whole);
    QFETCH(double, top);
    QFETCH(double, step);
    const auto range = ui::TimeSeriesChart::niceRange(maxValue, whole);
    QCOMPARE(range.first, top);
    QCOMPARE(range.second, step);
    QVERIFY(range.first > maxValue); // the line never touches the frame
}

QTEST_MAIN(TestChartsPanel)
#include "tst_chartspanel.moc"
