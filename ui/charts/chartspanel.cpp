#include "ui/charts/chartspanel.h"

#include "ui/backend/clusterbackend.h"
#include "ui/charts/timeserieschart.h"
#include "ui/style/statecolors.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPixmap>
#include <QPushButton>
#include <QSaveFile>
#include <QVBoxLayout>

#include <algorithm>

namespace sy::ui {

namespace {

constexpr int kRedrawIntervalMs = 1000;
constexpr std::int64_t kFiveMinutesMs = 5 * 60'000;
constexpr std::int64_t kHourMs = 60 * 60'000;

// Line colours that read on the light and the dark chart theme alike.
const QColor kBlue(0x3b, 0x82, 0xf6);
const QColor kOrange(0xe0, 0x76, 0x1a);
const QColor kTeal(0x14, 0xb8, 0xa6);
const QColor kPurple(0xa8, 0x55, 0xf7);

QColor roleColor(std::size_t index) {
    static const QColor colors[] = {kBlue,
                                    kOrange,
                                    kTeal,
                                    kPurple,
                                    QColor(0xea, 0xb3, 0x08),
                                    QColor(0xec, 0x48, 0x99),
                                    QColor(0x64, 0x74, 0x8b)};
    return colors[index % std::size(colors)];
}

// States that share a colour family (on the way up, draining, going away) differ by dash.
Qt::PenStyle stateDash(model::NodeState state) {
    using S = model::NodeState;
    switch (state) {
    case S::Creating:
    case S::HardSunset:
    case S::Destroying:
        return Qt::DashLine;
    case S::Created:
        return Qt::DotLine;
    default:
        return Qt::SolidLine;
    }
}

double maxY(const std::vector<ChartLine>& lines) {
    double top = 0;
    for (const auto& line : lines)
        for (const auto& p : line.points)
            top = std::max(top, p.y());
    return top;
}

void scaleY(QList<QPointF>& points, double factor) {
    for (auto& p : points)
        p.setY(p.y() * factor);
}

// The history keeps kbit/s; the axis takes the largest unit that keeps numbers above one.
std::pair<double, QString> bandwidthUnit(double maxKbps) {
    if (maxKbps >= 1e9)
        return {1e-9, QObject::tr("Tbit/s")};
    if (maxKbps >= 1e6)
        return {1e-6, QObject::tr("Gbit/s")};
    if (maxKbps >= 1e3)
        return {1e-3, QObject::tr("Mbit/s")};
    return {1.0, QObject::tr("kbit/s")};
}

} // namespace

ChartsPanel::ChartsPanel(ClusterBackend& backend, QWidget* parent)
    : Panel(parent)
    , backend_(backend) {
    setObjectName(QStringLiteral("chartsPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(buildToolbar());
    layout->addWidget(buildGrid(), 1);

    redraw_.setSingleShot(true);
    redraw_.setObjectName(QStringLiteral("chartsRedrawTimer"));
    connect(&redraw_, &QTimer::timeout, this, [this] {
        if (dirty_ && isVisible())
            refresh();
    });
    connect(&backend_, &ClusterBackend::snapshotChanged, this, &ChartsPanel::onSnapshot);
    applyPalette();
    onSnapshot(); // what the backend already has
}

ChartsPanel::~ChartsPanel() = default;

QString ChartsPanel::toolTip() const {
    return tr("Viewers, publishers, nodes by state, bandwidth and CPU per role over the last five "
              "minutes or hour");
}

QWidget* ChartsPanel::buildToolbar() {
    auto* bar = new QWidget(this);
    bar->setObjectName(QStringLiteral("chartsToolbar"));
    auto* row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);

    groupBox_ = new QComboBox(bar);
    groupBox_->setObjectName(QStringLiteral("chartsGroupSelector"));
    groupBox_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    groupBox_->addItem(tr("All node groups"), QString());
    auto* groupLabel = new QLabel(tr("&Node group:"), bar);
    groupLabel->setBuddy(groupBox_);

    windowBox_ = new QComboBox(bar);
    windowBox_->setObjectName(QStringLiteral("chartsWindowSelector"));
    windowBox_->addItem(tr("5 minutes"), QVariant::fromValue<qint64>(kFiveMinutesMs));
    windowBox_->addItem(tr("1 hour"), QVariant::fromValue<qint64>(kHourMs));
    auto* windowLabel = new QLabel(tr("&Window:"), bar);
    windowLabel->setBuddy(windowBox_);

    status_ = new QLabel(bar);
    status_->setObjectName(QStringLiteral("chartsExportStatus"));
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    exportPngButton_ = new QPushButton(tr("Export PNG…"), bar);
    exportPngButton_->setObjectName(QStringLiteral("chartsExportPng"));
    exportCsvButton_ = new QPushButton(tr("Export CSV…"), bar);
    exportCsvButton_->setObjectName(QStringLiteral("chartsExportCsv"));

    row->addWidget(groupLabel);
    row->addWidget(groupBox_);
    row->addSpacing(12);
    row->addWidget(windowLabel);
    row->addWidget(windowBox_);
    row->addStretch(1);
    row->addWidget(status_);
    row->addWidget(exportPngButton_);
    row->addWidget(exportCsvButton_);

    connect(groupBox_, &QComboBox::currentIndexChanged, this, &ChartsPanel::refresh);
    connect(windowBox_, &QComboBox::currentIndexChanged, this, &ChartsPanel::refresh);
    connect(exportPngButton_, &QPushButton::clicked, this,
            [this] { chooseExportFile(ExportKind::Png); });
    connect(exportCsvButton_, &QPushButton::clicked, this,
            [this] { chooseExportFile(ExportKind::Csv); });
    return bar;
}

QWidget* ChartsPanel::buildGrid() {
    grid_ = new QWidget(this);
    grid_->setObjectName(QStringLiteral("chartsGrid"));
    auto* layout = new QGridLayout(grid_);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    auto add = [&](const QString& title, const char* name, int row, int column) {
        auto* chart = new TimeSeriesChart(title, grid_);
        chart->setNames(QLatin1String(name));
        chart->setMinimumSize(280, 200);
        layout->addWidget(chart, row, column);
        return chart;
    };
    clients_ = add(tr("Viewers & publishers"), "clientsChart", 0, 0);
    states_ = add(tr("Nodes by state"), "statesChart", 0, 1);
    bandwidth_ = add(tr("Bandwidth"), "bandwidthChart", 1, 0);
    cpu_ = add(tr("CPU per role"), "cpuChart", 1, 1);
    return grid_;
}

std::string ChartsPanel::currentGroup() const {
    return groupBox_->currentData().toString().toStdString();
}

std::int64_t ChartsPanel::windowMs() const {
    return windowBox_->currentData().toLongLong();
}

void ChartsPanel::onSnapshot() {
    const engine::SnapshotPtr snapshot = backend_.snapshot();
    // Before its first snapshot a backend hands out an empty one, from no point in time.
    if (snapshot && snapshot->timeMs > 0 && history_.add(*snapshot))
        scheduleRedraw();
}

void ChartsPanel::scheduleRedraw() {
    dirty_ = true;
    if (!isVisible() || redraw_.isActive())
        return; // a hidden page redraws when shown
    const qint64 since = sinceRedraw_.isValid() ? sinceRedraw_.elapsed() : kRedrawIntervalMs;
    redraw_.start(static_cast<int>(std::max<qint64>(0, kRedrawIntervalMs - since)));
}

void ChartsPanel::showEvent(QShowEvent* event) {
    Panel::showEvent(event);
    if (dirty_)
        scheduleRedraw();
}

void ChartsPanel::changeEvent(QEvent* event) {
    Panel::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange)
        applyPalette();
}

void ChartsPanel::applyPalette() {
    const bool dark = palette().color(QPalette::Window).lightnessF() < 0.5;
    for (auto* chart : {clients_, states_, bandwidth_, cpu_})
        chart->setDark(dark);
}

void ChartsPanel::syncGroupSelector() {
    QStringList wanted;
    for (const auto& name : history_.groups())
        wanted.append(QString::fromStdString(name));
    QStringList shown;
    for (int i = 1; i < groupBox_->count(); ++i)
        shown.append(groupBox_->itemData(i).toString());
    if (wanted == shown)
        return;
    const QSignalBlocker block(groupBox_);
    const QString current = groupBox_->currentData().toString();
    while (groupBox_->count() > 1)
        groupBox_->removeItem(1);
    for (const auto& name : wanted)
        groupBox_->addItem(name, name);
    // A group gone from the whole window falls back to all groups.
    groupBox_->setCurrentIndex(std::max(0, groupBox_->findData(current)));
}

void ChartsPanel::refresh() {
    syncGroupSelector();
    const std::int64_t now =
        history_.empty() ? QDateTime::currentMSecsSinceEpoch() : history_.latestTimeMs();
    const TimeWindow window = TimeWindow::ending(now, windowMs());
    const std::string scope = currentGroup();
    const QString format =
        windowMs() > kFiveMinutesMs ? QStringLiteral("HH:mm") : QStringLiteral("HH:mm:ss");
    const ChartAxes time{window.fromMs, window.toMs, format, QString(), 0, false};
    drawClients(scope, window, time);
    drawStates(scope, window, time);
    drawBandwidth(scope, window, time);
    drawCpu(scope, window, time);
    dirty_ = false;
    sinceRedraw_.start();
}

int ChartsPanel::pointBudget(const TimeSeriesChart& chart) const {
    return 2 * std::max(50, chart.plotWidth());
}

void ChartsPanel::drawClients(const std::string& scope, TimeWindow window, ChartAxes axes) {
    const int budget = pointBudget(*clients_);
    std::vector<ChartLine> lines{
        {QStringLiteral("viewers"), tr("Viewers"), kBlue, Qt::SolidLine,
         history_.points(scope, SeriesId::of(Measure::Viewers), window, budget)},
        {QStringLiteral("publishers"), tr("Publishers"), kOrange, Qt::SolidLine,
         history_.points(scope, SeriesId::of(Measure::Publishers), window, budget)}};
    axes.valueTitle = tr("Clients");
    axes.wholeNumbers = true;
    axes.maxValue = maxY(lines);
    clients_->setData(lines, axes);
}

void ChartsPanel::drawStates(const std::string& scope, TimeWindow window, ChartAxes axes) {
    const int budget = pointBudget(*states_);
    std::vector<ChartLine> lines;
    for (const auto& id : history_.series(scope)) {
        if (id.measure != Measure::NodesInState)
            continue;
        auto points = history_.points(scope, id, window, budget);
        // Only states some node was in during the window: ten flat zero lines would hide the rest.
        if (std::none_of(points.cbegin(), points.cend(),
                         [](const QPointF& p) { return p.y() > 0; }))
            continue;
        lines.push_back({QString::fromStdString(id.columnName()), stateLabel(id.state),
                         stateColor(id.state), stateDash(id.state), std::move(points)});
    }
    axes.valueTitle = tr("Nodes");
    axes.wholeNumbers = true;
    axes.maxValue = maxY(lines);
    states_->setData(lines, axes);
}

void ChartsPanel::drawBandwidth(const std::string& scope, TimeWindow window, ChartAxes axes) {
    const int budget = pointBudget(*bandwidth_);
    std::vector<ChartLine> lines{
        {QStringLiteral("ingress"), tr("Ingress"), kTeal, Qt::SolidLine,
         history_.points(scope, SeriesId::of(Measure::Ingress), window, budget)},
        {QStringLiteral("egress"), tr("Egress"), kPurple, Qt::SolidLine,
         history_.points(scope, SeriesId::of(Measure::Egress), window, budget)}};
    const auto [factor, unit] = bandwidthUnit(maxY(lines));
    for (auto& line : lines)
        scaleY(line.points, factor);
    axes.valueTitle = unit;
    axes.maxValue = maxY(lines);
    bandwidth_->setData(lines, axes);
}

void ChartsPanel::drawCpu(const std::string& scope, TimeWindow window, ChartAxes axes) {
    const int budget = pointBudget(*cpu_);
    std::vector<ChartLine> lines;
    for (const auto& id : history_.series(scope)) {
        if (id.measure != Measure::RoleCpu)
            continue;
        auto points = history_.points(scope, id, window, budget);
        if (points.isEmpty())
            continue;
        scaleY(points, 100.0); // cpu.process.load is a fraction of one core
        const QString role = QString::fromStdString(id.role);
        lines.push_back({QStringLiteral("cpu_") + role, role, roleColor(lines.size()),
                         Qt::SolidLine, std::move(points)});
    }
    axes.valueTitle = tr("% of one core");
    axes.maxValue = maxY(lines);
    cpu_->setData(lines, axes);
}

bool ChartsPanel::exportPng(const QString& path) {
    const QPixmap image = grid_->grab();
    QSaveFile file(path);
    return !image.isNull() && file.open(QIODevice::WriteOnly) && image.save(&file, "PNG") &&
           file.commit();
}

bool ChartsPanel::exportCsv(const QString& path) {
    const std::int64_t now = history_.latestTimeMs();
    const std::string csv = history_.toCsv(currentGroup(), TimeWindow::ending(now, windowMs()));
    QSaveFile file(path);
    return file.open(QIODevice::WriteOnly) &&
           file.write(csv.data(), static_cast<qint64>(csv.size())) ==
               static_cast<qint64>(csv.size()) &&
           file.commit();
}

void ChartsPanel::chooseExportFile(ExportKind kind) {
    const bool png = kind == ExportKind::Png;
    // Opened with open(), not exec(): the GUI thread keeps drawing while the dialog is up.
    auto* dialog =
        new QFileDialog(this, png ? tr("Export charts as PNG") : tr("Export chart data as CSV"));
    dialog->setObjectName(png ? QStringLiteral("chartsPngDialog")
                              : QStringLiteral("chartsCsvDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setNameFilter(png ? tr("PNG images (*.png)") : tr("CSV files (*.csv)"));
    dialog->setDefaultSuffix(png ? QStringLiteral("png") : QStringLiteral("csv"));
    const QString group = groupBox_->currentIndex() == 0 ? QStringLiteral("all")
                                                         : groupBox_->currentData().toString();
    dialog->selectFile(
        QStringLiteral("switchyard-%1-%2")
            .arg(group, QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm"))));
    connect(dialog, &QFileDialog::fileSelected, this, [this, png](const QString& path) {
        reportExport(png ? exportPng(path) : exportCsv(path), path);
    });
    dialog->open();
}

void ChartsPanel::reportExport(bool ok, const QString& path) {
    status_->setText(ok ? tr("Saved %1").arg(QDir::toNativeSeparators(path))
                        : tr("Could not write %1").arg(QDir::toNativeSeparators(path)));
}

} // namespace sy::ui
