// The console's GUI thread with 2,000 SIMULATED nodes (10 node groups of 20 origins and 180
// edges, a real embedded core ticking every second): time per refresh of the whole console
// (every page's reaction to a new snapshot), of the topology and the charts on their own, and
// per paint of the topology and charts; start-up to the first painted window, and resident
// memory. Aim: p99 under 16 ms (one frame at 60 Hz) for each refresh and paint.
//
// Baseline in the same run: painting the same window area as a plain filled widget, so the
// paint figures can be read against what this machine's raster engine costs at all.

#include "app/console/console.h"
#include "core/api/clusterhost.h"
#include "core/model/nodegrouppresets.h"
#include "ui/backend/embeddedbackend.h"
#include "ui/charts/chartspanel.h"
#include "ui/panels/nodespanel.h"
#include "ui/panels/overviewpanel.h"
#include "ui/panels/streamspanel.h"
#include "ui/shell/mainwindow.h"
#include "ui/topology/topologypanel.h"
#include "ui/topology/topologyview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QPainter>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

using namespace sy;

namespace {

constexpr int kGroups = 10;
constexpr int kOrigins = 20;
constexpr int kEdges = 180;
constexpr int kNodes = kGroups * (kOrigins + kEdges);
constexpr int kSamples = 60; // snapshots measured
constexpr double kAimMs = 16.0;

long rssKiB() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stol(line.substr(6));
    return 0;
}

struct Stats {
    double median = 0;
    double p99 = 0;
};

Stats stats(std::vector<double> v) {
    if (v.empty())
        return {};
    std::sort(v.begin(), v.end());
    const auto at = [&](double q) {
        return v[std::min(v.size() - 1, static_cast<std::size_t>(q * double(v.size() - 1) + 0.5))];
    };
    return {at(0.5), at(0.99)};
}

void report(const char* what, const std::vector<double>& ms, double baselineMedian = 0) {
    const auto s = stats(ms);
    std::printf("  %-34s median %6.2f ms  p99 %6.2f ms", what, s.median, s.p99);
    if (baselineMedian > 0)
        std::printf("  (%.1fx baseline)", s.median / baselineMedian);
    std::printf("%s\n", s.p99 < kAimMs ? "" : "  ** p99 above 16 ms **");
}

double timeMs(const std::function<void()>& f) {
    QElapsedTimer t;
    t.start();
    f();
    return double(t.nsecsElapsed()) / 1e6;
}

// A widget that paints its area flat: the baseline cost of a paint of that size.
class FlatWidget final : public QWidget {
public:
    using QWidget::QWidget;

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        p.fillRect(rect(), palette().window());
    }
};

} // namespace

int main(int argc, char** argv) {
    QElapsedTimer sinceStart;
    sinceStart.start();
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QTemporaryDir state(QStringLiteral("/dev/shm/sy-bench-gui-XXXXXX"));
    QSettings settings(state.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);

    api::ClusterHostOptions options;
    options.dataDir = state.filePath(QStringLiteral("cluster")).toStdString();
    auto host = api::ClusterHost::open(std::move(options));
    if (!host) {
        std::fprintf(stderr, "bench_gui: %s\n", host.error().message.c_str());
        return 1;
    }
    auto* h = host->get();
    // Manual refresh: the benchmark announces each new snapshot itself and times the pages.
    auto backend = std::make_unique<ui::EmbeddedBackend>(std::move(host).value(), 0);
    auto* b = backend.get();
    ui::Console console(std::move(backend), h, settings);
    auto& window = console.window();
    window.resize(1600, 1000);

    // Start-up: process start to the first painted main window (empty cluster).
    double firstPaintMs = 0;
    {
        QElapsedTimer wait;
        window.show();
        wait.start();
        while (!window.isVisible() || window.grab().isNull())
            QApplication::processEvents();
        firstPaintMs = double(sinceStart.nsecsElapsed()) / 1e6;
    }
    const long rssEmpty = rssKiB();

    for (int g = 0; g < kGroups; ++g) {
        model::PresetOptions o;
        o.name = "g" + std::to_string(g);
        o.rules["origin"] = {kOrigins,     kOrigins,     1,           std::nullopt,
                             std::nullopt, std::nullopt, std::nullopt};
        o.rules["edge"] = {kEdges,       kEdges,       1,           std::nullopt,
                           std::nullopt, std::nullopt, std::nullopt};
        h->simulated().setLoad(o.name, {40, 30000});
        b->createNodeGroup(
            model::makeNodeGroup(model::NodeGroupPreset::OriginEdge, o), [](Result<void> r) {
                if (!r)
                    std::fprintf(stderr, "bench_gui: %s\n", r.error().message.c_str());
            });
    }
    const auto inService = [&] {
        int n = 0;
        // Held: a temporary snapshot would die before the loop ran.
        const auto held = b->snapshot();
        for (const auto& [name, g] : held->groups)
            for (const auto& node : g.nodes)
                n += node.state == model::NodeState::InService && !node.metrics.empty();
        return n;
    };
    QElapsedTimer up;
    up.start();
    while (inService() < kNodes && up.elapsed() < 120'000) {
        QApplication::processEvents(QEventLoop::AllEvents, 50);
        b->refreshNow();
    }
    if (inService() < kNodes) {
        std::fprintf(stderr, "bench_gui: only %d of %d nodes in service\n", inService(), kNodes);
        return 1;
    }

    auto* topology = console.topology();
    auto* charts = console.charts();
    // Paints are measured on the page that is shown, at the size the operator sees.
    std::vector<double> withTopology, withCharts, topologyRefresh, chartsRefresh, topologyPaint,
        chartsPaint, baselinePaint, nodesRefresh, overviewRefresh, streamsRefresh;
    FlatWidget flat;
    flat.resize(topology->view()->viewport()->size());
    // Warm-up: the first snapshots create every item and fill caches; measured apart.
    window.showPanel(window.indexOf(topology));
    const double firstTopology = timeMs([&] { topology->refresh(); });
    const double firstTopologyPaint = timeMs([&] { (void)topology->view()->viewport()->grab(); });
    std::uint64_t lastVersion = b->snapshot()->version;
    int samples = 0;
    QElapsedTimer runTime;
    runTime.start();
    // Every new snapshot (the core publishes about one a second): the console's whole reaction
    // (snapshotChanged to every page, with the topology or the charts page shown, as an
    // operator would), then that page's own refresh and paint.
    while (samples < kSamples && runTime.elapsed() < 300'000) {
        QApplication::processEvents(QEventLoop::AllEvents, 20);
        if (b->core().snapshot()->version == lastVersion)
            continue;
        lastVersion = b->core().snapshot()->version;
        const bool topologyShown = samples % 2 == 0;
        window.showPanel(window.indexOf(topologyShown ? static_cast<ui::Panel*>(topology)
                                                      : static_cast<ui::Panel*>(charts)));
        ++samples;
        (topologyShown ? withTopology : withCharts).push_back(timeMs([&] { b->refreshNow(); }));
        if (topologyShown) {
            topologyRefresh.push_back(timeMs([&] { topology->refresh(); }));
            topologyPaint.push_back(timeMs([&] { (void)topology->view()->viewport()->grab(); }));
        } else {
            chartsRefresh.push_back(timeMs([&] { charts->refresh(); }));
            chartsPaint.push_back(timeMs([&] { (void)charts->grab(); }));
        }
        baselinePaint.push_back(timeMs([&] { (void)flat.grab(); }));
        // Each page's share, called again on the same snapshot (no change: the merge cost).
        nodesRefresh.push_back(timeMs([&] { console.nodes()->refresh(); }));
        overviewRefresh.push_back(timeMs([&] { console.overview()->refresh(); }));
        streamsRefresh.push_back(timeMs([&] { console.streams()->refresh(); }));
    }
    const long rssFull = rssKiB();
    const auto base = stats(baselinePaint).median;

    std::printf("bench_gui (%s build), %d SIMULATED nodes in %d node groups, window 1600x1000, "
                "%d snapshots\n",
                SWITCHYARD_BUILD_TYPE, kNodes, kGroups, samples);
    report("console refresh, topology shown", withTopology);
    report("console refresh, charts shown", withCharts);
    report("topology refresh", topologyRefresh);
    report("charts refresh (redraw)", chartsRefresh);
    report("nodes page refresh (same snapshot)", nodesRefresh);
    report("overview refresh (same snapshot)", overviewRefresh);
    report("streams page refresh (same snapshot)", streamsRefresh);
    report("topology paint (fit, 2,000 nodes)", topologyPaint, base);
    report("charts paint (4 charts)", chartsPaint, base);
    report("baseline paint (flat widget)", baselinePaint);
    std::printf("  first topology refresh (creates %d items): %.1f ms, first paint %.1f ms\n",
                kNodes, firstTopology, firstTopologyPaint);
    std::printf("  start-up to first painted window: %.0f ms (in-process, empty cluster)\n",
                firstPaintMs);
    std::printf("  resident memory: %.1f MiB empty, %.1f MiB with %d nodes and an hour of history "
                "capacity\n",
                rssEmpty / 1024.0, rssFull / 1024.0, kNodes);
    return 0;
}
