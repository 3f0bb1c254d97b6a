#include "ui/backend/embeddedbackend.h"

#include "core/expr/trial.h"

#include <QCoreApplication>
#include <QThreadPool>

namespace sy::ui {

EmbeddedBackend::EmbeddedBackend(std::unique_ptr<engine::ControlCore> core, QString dataDir,
                                 int refreshMs, QObject* parent)
    : ClusterBackend(parent)
    , ownedCore_(std::move(core))
    , core_(ownedCore_.get())
    , dataDir_(std::move(dataDir)) {
    init(refreshMs);
}

EmbeddedBackend::EmbeddedBackend(std::unique_ptr<api::ClusterHost> host, int refreshMs,
                                 QObject* parent)
    : ClusterBackend(parent)
    , host_(std::move(host))
    , core_(&host_->core())
    , dataDir_(QString::fromStdString(host_->dataDir())) {
    init(refreshMs);
}

void EmbeddedBackend::init(int refreshMs) {
    listener_ = core_->subscribe([this](const engine::Event& e) { onCoreEvent(e); });
    if (host_)
        host_->start(); // the core and its media layer
    else
        core_->start();
    connect(&refresh_, &QTimer::timeout, this, &EmbeddedBackend::checkSnapshot);
    if (refreshMs > 0)
        refresh_.start(refreshMs);
}

void EmbeddedBackend::refreshNow() {
    checkSnapshot();
}

EmbeddedBackend::~EmbeddedBackend() {
    *alive_ = false;
    refresh_.stop();
    // Stopping joins the core's thread: after it no listener call can reach this object.
    if (host_)
        host_->media().stop();
    core_->stop();
    core_->unsubscribe(listener_);
}

QString EmbeddedBackend::description() const {
    return QStringLiteral("embedded: %1").arg(dataDir_);
}

engine::SnapshotPtr EmbeddedBackend::snapshot() const {
    return core_->snapshot();
}

void EmbeddedBackend::complete(engine::CommandResult command, CommandCallback done) {
    auto future = std::make_shared<engine::CommandResult>(std::move(command));
    auto alive = alive_;
    QThreadPool::globalInstance()->start([future, done = std::move(done), alive]() mutable {
        Result<void> result = fail("stopped", "the control core stopped before the command ran");
        try {
            result = future->get();
        } catch (const std::future_error&) {
            // broken promise: the core stopped with the command queued
        }
        // Back to the GUI thread; the application object outlives every backend.
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [done = std::move(done), alive, result = std::move(result)]() mutable {
                if (*alive && done)
                    done(std::move(result));
            },
            Qt::QueuedConnection);
    });
}

void EmbeddedBackend::createNodeGroup(model::NodeGroupConfig config, CommandCallback done) {
    complete(core_->createNodeGroup(std::move(config)), std::move(done));
}

void EmbeddedBackend::updateNodeGroup(model::NodeGroupConfig config, CommandCallback done) {
    complete(core_->updateNodeGroup(std::move(config)), std::move(done));
}

void EmbeddedBackend::deleteNodeGroup(std::string name, CommandCallback done) {
    complete(core_->deleteNodeGroup(std::move(name)), std::move(done));
}

void EmbeddedBackend::setPaused(std::string name, bool paused, CommandCallback done) {
    complete(core_->setPaused(std::move(name), paused), std::move(done));
}

void EmbeddedBackend::drainNode(std::string nodeGroup, std::string nodeId, CommandCallback done) {
    complete(core_->drainNode(std::move(nodeGroup), std::move(nodeId)), std::move(done));
}

void EmbeddedBackend::manualScale(std::string nodeGroup, std::string subGroup, std::string role,
                                  int nodeCount, CommandCallback done) {
    complete(
        core_->manualScale(std::move(nodeGroup), std::move(subGroup), std::move(role), nodeCount),
        std::move(done));
}

void EmbeddedBackend::evaluateExpression(ExpressionKind kind, QString expression,
                                         ExpressionCallback done) {
    // Parsing is pure and takes microseconds: done here, answered on the next turn of the loop
    // as the interface promises.
    const std::string source = expression.toStdString();
    Result<QString> answer = fail("invalid", "no expression");
    if (kind == ExpressionKind::Capacity) {
        const auto v = expr::tryCapacity(source, {});
        answer = v ? Result<QString>(QString::number(*v)) : fail("invalid", v.error().message);
    } else {
        const auto v = expr::tryScale(source, {});
        answer = v ? Result<QString>(*v ? QStringLiteral("true") : QStringLiteral("false"))
                   : fail("invalid", v.error().message);
    }
    QMetaObject::invokeMethod(
        this, [answer = std::move(answer), done = std::move(done)]() mutable { done(answer); },
        Qt::QueuedConnection);
}

void EmbeddedBackend::routeStream(bool publish, std::string nodeGroup, std::string guid,
                                  RouteCallback done) {
    // Selection reads the snapshot on the caller's thread (no hop to the core) and is fast.
    engine::ControlCore::Selection selection =
        publish ? core_->selectPublish(nodeGroup,
                                       routing::PublishRequest{guid, {}, false, 1, false, false})
                : core_->selectSubscribe(nodeGroup, routing::SubscribeRequest{guid, {}, false, 1});
    Result<QString> answer = fail("not_found", "no route");
    if (!selection)
        answer = fail(selection.error().status == 503 ? "unavailable" : "not_found",
                      selection.error().message);
    else if (selection->empty() || !selection->front().urls.contains("rtmp"))
        answer = fail("not_found", "routing chose no node with an RTMP URL");
    else
        answer = QString::fromStdString(selection->front().urls.at("rtmp"));
    QMetaObject::invokeMethod(
        this, [answer = std::move(answer), done = std::move(done)]() mutable { done(answer); },
        Qt::QueuedConnection);
}

void EmbeddedBackend::onCoreEvent(const engine::Event& e) {
    std::lock_guard lock(pendingMutex_);
    pending_.push_back(e);
    if (flushQueued_)
        return; // one hop per batch, however many events arrive before the GUI runs it
    flushQueued_ = true;
    QMetaObject::invokeMethod(this, &EmbeddedBackend::flushEvents, Qt::QueuedConnection);
}

void EmbeddedBackend::flushEvents() {
    EventList batch;
    {
        std::lock_guard lock(pendingMutex_);
        batch.swap(pending_);
        flushQueued_ = false;
    }
    if (!batch.empty())
        Q_EMIT eventsArrived(batch);
}

void EmbeddedBackend::checkSnapshot() {
    const auto snap = core_->snapshot();
    if (!snap || snap->version == shownVersion_)
        return;
    shownVersion_ = snap->version;
    Q_EMIT snapshotChanged();
}

} // namespace sy::ui
