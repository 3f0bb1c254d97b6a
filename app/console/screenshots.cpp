// switchyard-screenshots OUTDIR [SECONDS]: renders the console's main pages and the monitoring
// wall with a SIMULATED demo cluster into OUTDIR as PNG files, for the README and reviews
// (`make screenshots`, under Xvfb). The cluster is real (an embedded core with simulated nodes
// under a traffic model that swings fast enough to scale within the run); one node is failed on
// purpose so that the pages show how a fault looks.

#include "app/console/console.h"
#include "core/api/clusterhost.h"
#include "core/model/nodegrouppresets.h"
#include "ui/backend/embeddedbackend.h"
#include "ui/panels/mediaforms.h"
#include "ui/panels/provisionspanel.h"
#include "ui/panels/trafficlabpanel.h"
#include "ui/shell/mainwindow.h"
#include "ui/topology/topologypanel.h"
#include "ui/wall/monitoringwall.h"

#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QPointer>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <functional>

namespace {

using Step = std::function<void()>;

// Runs the steps one after another, `gapMs` apart, so each page gets painted before its grab.
void runSteps(std::vector<Step> steps, int gapMs) {
    auto shared = std::make_shared<std::vector<Step>>(std::move(steps));
    auto index = std::make_shared<std::size_t>(0);
    auto next = std::make_shared<std::function<void()>>();
    *next = [shared, index, next, gapMs] {
        if (*index >= shared->size())
            return;
        (*shared)[(*index)++]();
        QTimer::singleShot(gapMs, qApp, *next);
    };
    QTimer::singleShot(0, qApp, *next);
}

void save(QWidget& w, const QDir& out, const QString& name) {
    const QString path = out.filePath(name + QStringLiteral(".png"));
    if (!w.grab().save(path))
        std::fprintf(stderr, "switchyard-screenshots: cannot write %s\n", qPrintable(path));
    else
        std::printf("%s\n", qPrintable(path));
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("switchyard"));
    if (argc < 2) {
        std::fprintf(stderr, "usage: switchyard-screenshots OUTDIR [SECONDS]\n");
        return 2;
    }
    const QDir out(QString::fromLocal8Bit(argv[1]));
    QDir().mkpath(out.path());
    const int warmupSeconds = argc > 2 ? std::atoi(argv[2]) : 60;

    QTemporaryDir state;
    QSettings settings(state.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    sy::api::ClusterHostOptions options;
    options.dataDir = state.filePath(QStringLiteral("cluster")).toStdString();
    auto host = sy::api::ClusterHost::open(std::move(options));
    if (!host) {
        std::fprintf(stderr, "switchyard-screenshots: %s\n", host.error().message.c_str());
        return 1;
    }
    auto* h = host->get();
    // Two groups: the demo (origin + edges) and a two-region group, each under a traffic that
    // swings within the run so that charts have a shape and edges scale.
    sy::providers::SimulatedTraffic demo;
    demo.baseline = {6, 520};
    demo.swingAmplitude = 0.7;
    demo.swingPeriodMs = 90'000;
    demo.noise = 0.05;
    h->simulated().setTraffic("demo", demo);
    auto regional = demo;
    regional.baseline = {14, 1400};
    regional.swingPeriodMs = 120'000;
    h->simulated().setTraffic("global", regional);

    auto backend = std::make_unique<sy::ui::EmbeddedBackend>(std::move(host).value());
    auto* b = backend.get();
    sy::ui::Console console(std::move(backend), h, settings);
    auto& window = console.window();
    window.resize(1600, 1000);
    window.show();
    b->createNodeGroup(sy::api::ClusterHost::demoNodeGroup(), [](sy::Result<void>) {});
    sy::model::PresetOptions global;
    global.name = "global";
    global.regions = {"us-east", "eu-west"};
    b->createNodeGroup(sy::model::makeNodeGroup(sy::model::NodeGroupPreset::MultiRegion, global),
                       [](sy::Result<void>) {});

    const auto capture = [&] {
        // One edge of the demo fails, as a crashed machine would, for the alert tiles.
        // Held: a temporary snapshot would die before the loop ran.
        const auto held = b->snapshot();
        for (const auto& n : held->group("demo")->nodes)
            if (n.role == "edge") {
                h->simulated().fail(n.nodeId);
                break;
            }
        // The Provisions page with a few rows: a restreamer, a social destination (its key
        // masked) and a folder storage target. SIMULATED nodes carry no media, so the jobs show
        // how a fault looks.
        b->createProvisions("demo", nlohmann::json::parse(R"([
                {"provisionGuid": "restream-live-lobby", "streams": [{"streamGuid": "live/lobby",
                 "camParams": {"properties": {"type": "rtsp",
                  "rtspUri": "rtsp://10.0.4.21:554/stream1", "persist": "true"}}}]},
                {"provisionGuid": "social-live-keynote", "streams": [{"streamGuid": "live/keynote",
                 "destUri": "rtmp://a.rtmp.youtube.com/live2/xxxx-xxxx-xxxx-xxxx"}]}])"),
                            [](sy::Result<void>) {});
        QDir().mkpath(state.filePath(QStringLiteral("recordings")));
        b->putStorageTarget(
            {{"name", "archive"},
             {"kind", "folder"},
             {"settings", {{"path", state.filePath(QStringLiteral("recordings")).toStdString()}}},
             {"retention", {{"maxAgeDays", 30}}},
             {"recordNodeGroups", nlohmann::json::array()}},
            [](sy::Result<void>) {});
        std::vector<Step> steps;
        const char* pages[] = {"overview", "topology",   "charts", "nodes",
                               "streams",  "provisions", "events", "traffic-lab"};
        for (int i = 0; i < window.panelCount(); ++i) {
            if (i >= int(std::size(pages)) || !*pages[i])
                continue;
            steps.push_back([&window, i] { window.showPanel(i); });
            if (i == 7) // the lab adding synthetic viewers to the demo group
                steps.push_back(
                    [&console] { console.trafficLab()->startLab(QStringLiteral("demo"), 2, 150); });
            if (i == 5) // the storage targets are on the last tab: the jobs are shown
                steps.push_back([b] { b->refreshMedia(); });
            if (i == 1)
                steps.push_back([&console] {
                    console.topology()->highlightStream(QStringLiteral("live/sim0"));
                });
            steps.push_back(
                [&window, &out, name = QString::fromLatin1(pages[i])] { save(window, out, name); });
            if (i == 5) { // its other tab, and a form checking as you type
                steps.push_back([&console, &window, &out] {
                    console.provisions()->tabs()->setCurrentIndex(2);
                    save(window, out, QStringLiteral("provisions-storage"));
                    console.provisions()->tabs()->setCurrentIndex(0);
                });
                auto form = std::make_shared<QPointer<sy::ui::RestreamerDialog>>();
                steps.push_back([&console, form] {
                    *form = console.provisions()->newRestreamer();
                    (*form)->setType(QStringLiteral("rtsp"));
                    qobject_cast<QLineEdit*>((*form)->field(QStringLiteral("streamGuid")))
                        ->setText(QStringLiteral("live/dock"));
                    qobject_cast<QLineEdit*>((*form)->field(QStringLiteral("rtspUri")))
                        ->setText(QStringLiteral("rtsp://169.254.169.254/latest"));
                });
                steps.push_back([form, &out] {
                    if (*form) {
                        save(**form, out, QStringLiteral("provisions-restreamer"));
                        (*form)->reject();
                    }
                });
            }
        }
        auto wizard = std::make_shared<QWidget*>(nullptr);
        steps.push_back([&console, wizard] { *wizard = console.openWizard(); });
        steps.push_back([wizard, &out] {
            save(**wizard, out, QStringLiteral("wizard"));
            (*wizard)->close();
        });
        auto wall = std::make_shared<QWidget*>(nullptr);
        steps.push_back([&console, wall] {
            auto* w = console.openWall(false);
            w->resize(1920, 1080);
            *wall = w;
        });
        steps.push_back([wall, &out] { save(**wall, out, QStringLiteral("wall")); });
        steps.push_back([] { QApplication::quit(); });
        runSteps(std::move(steps), 1500);
    };
    std::printf("switchyard-screenshots: running the cluster for %d s\n", warmupSeconds);
    std::fflush(stdout);
    QTimer::singleShot(warmupSeconds * 1000, &app, capture);
    return app.exec();
}
