#include "ui/panels/trafficlab.h"

#include "core/api/clusterhost.h"
#include "ui/backend/clusterbackend.h"

#include <QPointer>
#include <QTimer>

namespace sy::ui {

namespace {

constexpr int kMaxAttempts = 60; // a viewer waits up to about a minute for its stream
constexpr int kRetryMs = 1000;

QStringList quiet(QStringList args) {
    args.prepend(QStringLiteral("error"));
    args.prepend(QStringLiteral("-loglevel"));
    args.prepend(QStringLiteral("-nostdin"));
    args.prepend(QStringLiteral("-hide_banner"));
    return args;
}

} // namespace

TrafficLab::TrafficLab(ClusterBackend& backend, api::ClusterHost* host, QObject* parent)
    : QObject(parent)
    , backend_(backend)
    , host_(host) {}

TrafficLab::~TrafficLab() {
    stop();
}

QString TrafficLab::stateName(State s) {
    switch (s) {
    case State::Routing:
        return tr("routing");
    case State::Starting:
        return tr("starting");
    case State::Running:
        return tr("running");
    case State::Failed:
        return tr("failed");
    case State::Stopped:
        return tr("stopped");
    }
    return {};
}

int TrafficLab::count(Kind kind, State state) const {
    int n = 0;
    for (const auto& c : clients_)
        n += c.kind == kind && c.state == state;
    return n;
}

QString TrafficLab::start(const QString& nodeGroup, int publishers, int viewers) {
    if (isRunning())
        return tr("the lab is already running on %1; stop it first").arg(group_);
    const auto snap = backend_.snapshot();
    const auto* g = snap->group(nodeGroup.toStdString());
    if (!g)
        return tr("no node group %1").arg(nodeGroup);
    if (publishers < 0 || viewers < 0 || publishers + viewers == 0)
        return tr("choose at least one publisher or viewer");
    ++generation_;
    group_ = nodeGroup;
    synthetic_ = g->simulated;
    if (synthetic_) {
        if (!host_) {
            group_.clear();
            return tr("synthetic load needs the embedded cluster; %1 is attached remotely")
                .arg(nodeGroup);
        }
        auto& sim = host_->simulated();
        const auto previous = sim.traffic(group_.toStdString());
        hadTraffic_ = previous.has_value();
        savedTraffic_ = std::make_unique<providers::SimulatedTraffic>(
            previous.value_or(providers::SimulatedTraffic{}));
        auto traffic = *savedTraffic_;
        traffic.baseline.publishers += publishers;
        traffic.baseline.viewers += viewers;
        if (!hadTraffic_)
            traffic.startMs = 0;
        sim.setTraffic(group_.toStdString(), traffic);
        for (int i = 0; i < publishers; ++i)
            clients_.append({Kind::Publisher, tr("synthetic"), {}, State::Running, {}, 0, nullptr});
        for (int i = 0; i < viewers; ++i)
            clients_.append({Kind::Viewer, tr("synthetic"), {}, State::Running, {}, 0, nullptr});
        Q_EMIT changed();
        return {};
    }
    const int streams = std::max(publishers, 1);
    for (int i = 0; i < publishers; ++i)
        clients_.append({Kind::Publisher,
                         QStringLiteral("live/lab%1").arg(i + 1),
                         {},
                         State::Routing,
                         {},
                         0,
                         nullptr});
    for (int i = 0; i < viewers; ++i)
        clients_.append({Kind::Viewer,
                         QStringLiteral("live/lab%1").arg(i % streams + 1),
                         {},
                         State::Routing,
                         {},
                         0,
                         nullptr});
    prepareClip();
    for (int i = 0; i < clients_.size(); ++i)
        if (clients_[i].kind == Kind::Viewer)
            route(i); // publishers wait for the clip
    Q_EMIT changed();
    return {};
}

void TrafficLab::prepareClip() {
    clipDir_ = std::make_unique<QTemporaryDir>();
    clip_ = clipDir_->filePath(QStringLiteral("lab.flv"));
    encoder_ = new QProcess(this);
    const int generation = generation_;
    connect(encoder_, &QProcess::finished, this,
            [this, generation](int code, QProcess::ExitStatus status) {
                encoder_->deleteLater();
                encoder_ = nullptr;
                if (generation != generation_)
                    return;
                for (int i = 0; i < clients_.size(); ++i) {
                    if (clients_[i].kind != Kind::Publisher)
                        continue;
                    if (code == 0 && status == QProcess::NormalExit)
                        route(i);
                    else
                        setState(i, State::Failed, tr("ffmpeg could not encode the test clip"));
                }
            });
    connect(encoder_, &QProcess::errorOccurred, this, [this, generation](QProcess::ProcessError) {
        if (generation != generation_ || !encoder_)
            return;
        for (int i = 0; i < clients_.size(); ++i)
            if (clients_[i].kind == Kind::Publisher)
                setState(i, State::Failed, tr("ffmpeg not found: %1").arg(encoder_->errorString()));
    });
    // Ten seconds of 640x360 test pattern and tone, a keyframe every second, looped by each
    // publisher with -c copy.
    encoder_->start(
        QStringLiteral("ffmpeg"),
        quiet({QStringLiteral("-f"),       QStringLiteral("lavfi"),
               QStringLiteral("-i"),       QStringLiteral("testsrc2=size=640x360:rate=25"),
               QStringLiteral("-f"),       QStringLiteral("lavfi"),
               QStringLiteral("-i"),       QStringLiteral("sine=frequency=440"),
               QStringLiteral("-t"),       QStringLiteral("10"),
               QStringLiteral("-c:v"),     QStringLiteral("libx264"),
               QStringLiteral("-preset"),  QStringLiteral("veryfast"),
               QStringLiteral("-g"),       QStringLiteral("25"),
               QStringLiteral("-b:v"),     QStringLiteral("800k"),
               QStringLiteral("-pix_fmt"), QStringLiteral("yuv420p"),
               QStringLiteral("-c:a"),     QStringLiteral("aac"),
               QStringLiteral("-y"),       clip_}));
}

void TrafficLab::route(int index) {
    auto& c = clients_[index];
    c.attempts += 1;
    setState(index, State::Routing);
    QPointer<TrafficLab> self(this);
    const int generation = generation_;
    backend_.routeStream(c.kind == Kind::Publisher, group_.toStdString(), c.guid.toStdString(),
                         [self, generation, index](Result<QString> url) {
                             if (!self || generation != self->generation_)
                                 return;
                             if (!url)
                                 return self->retryLater(
                                     index, QString::fromStdString(url.error().message));
                             self->clients_[index].url = *url;
                             self->launch(index);
                         });
}

void TrafficLab::retryLater(int index, const QString& why) {
    if (clients_[index].attempts >= kMaxAttempts)
        return setState(index, State::Failed, why);
    setState(index, State::Routing, why);
    const int generation = generation_;
    QTimer::singleShot(kRetryMs, this, [this, generation, index] {
        if (generation == generation_)
            route(index);
    });
}

void TrafficLab::launch(int index) {
    auto& c = clients_[index];
    auto* p = new QProcess(this);
    c.process = p;
    setState(index, State::Starting);
    const int generation = generation_;
    connect(p, &QProcess::started, this, [this, generation, index] {
        if (generation == generation_)
            setState(index, State::Running);
    });
    connect(p, &QProcess::finished, this,
            [this, p, generation, index](int code, QProcess::ExitStatus) {
                p->deleteLater();
                if (generation != generation_)
                    return;
                clients_[index].process = nullptr;
                const QString why =
                    QString::fromUtf8(p->readAllStandardError()).trimmed().section(u'\n', -1);
                // A client that drops (its node drained or died) is routed again: that is the point
                // of watching failover with the lab.
                retryLater(index, why.isEmpty() ? tr("ffmpeg exited with %1").arg(code) : why);
            });
    QStringList args;
    if (c.kind == Kind::Publisher)
        args = {QStringLiteral("-re"),
                QStringLiteral("-stream_loop"),
                QStringLiteral("-1"),
                QStringLiteral("-i"),
                clip_,
                QStringLiteral("-c"),
                QStringLiteral("copy"),
                QStringLiteral("-f"),
                QStringLiteral("flv"),
                c.url};
    else
        args = {QStringLiteral("-rw_timeout"),
                QStringLiteral("10000000"),
                QStringLiteral("-i"),
                c.url,
                QStringLiteral("-c"),
                QStringLiteral("copy"),
                QStringLiteral("-f"),
                QStringLiteral("null"),
                QStringLiteral("-")};
    p->start(QStringLiteral("ffmpeg"), quiet(args));
}

void TrafficLab::setState(int index, State state, const QString& error) {
    auto& c = clients_[index];
    c.state = state;
    c.error = error;
    Q_EMIT changed();
}

void TrafficLab::stop() {
    ++generation_;
    // Killed, then reaped when QProcess reports the exit: the GUI thread does not wait.
    const auto end = [this](QProcess* p) {
        p->disconnect(this);
        connect(p, &QProcess::finished, p, &QObject::deleteLater);
        p->kill();
    };
    for (auto& c : clients_)
        if (c.process) {
            end(c.process);
            c.process = nullptr;
        }
    if (encoder_) {
        end(encoder_);
        encoder_ = nullptr;
    }
    if (synthetic_ && host_ && !group_.isEmpty() && savedTraffic_) {
        if (hadTraffic_)
            host_->simulated().setTraffic(group_.toStdString(), *savedTraffic_);
        else
            host_->simulated().setLoad(group_.toStdString(), {0, 0});
    }
    savedTraffic_.reset();
    clients_.clear();
    group_.clear();
    synthetic_ = false;
    Q_EMIT changed();
}

} // namespace sy::ui
