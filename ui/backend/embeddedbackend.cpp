#include "ui/backend/embeddedbackend.h"

#include "core/expr/trial.h"
#include "core/model/provision.h"
#include "core/store/statestore.h"
#include "core/util/strings.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QThreadPool>

#include <algorithm>
#include <set>

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
    // Two: a slow storage test (an unreachable S3 endpoint) must not hold up the refreshes.
    mediaPool_.setMaxThreadCount(2);
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
    // Media work reads the host: it finishes before the host goes.
    mediaPool_.waitForDone();
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

namespace sy::ui {

// --- Media -------------------------------------------------------------------------------------

namespace {

using Json = nlohmann::json;

// "provision request has 2 problems:\n…", as the API words it.
std::string describeProblems(const model::Problems& problems) {
    return std::string("provision request") +
           (problems.size() == 1 ? " has 1 problem:\n"
                                 : " has " + std::to_string(problems.size()) + " problems:\n") +
           model::describe(problems);
}

} // namespace

template <class T>
void EmbeddedBackend::inMediaPool(std::function<Result<T>()> work,
                                  std::function<void(Result<T>)> done, bool refreshAfter) {
    mediaPool_.start([this, work = std::move(work), done = std::move(done), refreshAfter] {
        Result<T> result = work();
        // `this` outlives the pool's tasks (the destructor drains it); a queued call to an
        // object destroyed meanwhile is dropped by Qt.
        QMetaObject::invokeMethod(
            this,
            [this, done, refreshAfter, result = std::move(result)]() mutable {
                const bool ok = result.ok();
                if (done)
                    done(std::move(result));
                if (ok && refreshAfter)
                    refreshMedia();
            },
            Qt::QueuedConnection);
    });
}

MediaSnapshotPtr EmbeddedBackend::media() const {
    return host_ ? media_ : ClusterBackend::media();
}

media::UrlPolicy EmbeddedBackend::mediaPolicy() const {
    return host_ ? host_->media().policy() : media::UrlPolicy{};
}

void EmbeddedBackend::refreshMedia() {
    if (!host_)
        return ClusterBackend::refreshMedia();
    if (mediaInFlight_) {
        mediaAgain_ = true;
        return;
    }
    mediaInFlight_ = true;
    mediaAgain_ = false;
    std::vector<std::string> groups;
    for (const auto& [name, g] : core_->snapshot()->groups)
        groups.push_back(name);
    api::ClusterHost* host = host_.get();
    MediaSnapshotPtr previous = media_;
    mediaPool_.start([this, host, groups = std::move(groups), previous] {
        auto next = std::make_shared<MediaSnapshot>();
        QStringList errors;
        auto& m = host->media();
        next->jobs = m.jobs();
        std::sort(next->jobs.begin(), next->jobs.end(),
                  [](const media::JobView& a, const media::JobView& b) { return a.id < b.id; });
        if (auto targets = m.targets()) {
            next->targets = std::move(targets).value();
        } else {
            next->targets = previous->targets;
            errors << QString::fromStdString(targets.error().message);
        }
        if (auto recordings = m.recordings()) {
            next->recordings = std::move(recordings).value();
        } else {
            next->recordings = previous->recordings;
            errors << QString::fromStdString(recordings.error().message);
        }
        for (const auto& g : groups) {
            auto list = host->core().store().listProvisions(g);
            if (!list) {
                if (const auto it = previous->provisions.find(g); it != previous->provisions.end())
                    next->provisions[g] = it->second;
                if (list.error().code != "not_found") // deleted since the snapshot
                    errors << QString::fromStdString(list.error().message);
                continue;
            }
            auto& out = next->provisions[g];
            for (const auto& p : *list)
                out.push_back(media::MediaManager::maskSecrets(p.doc));
        }
        next->error = errors.join(QStringLiteral("; "));
        next->fetchedMs = QDateTime::currentMSecsSinceEpoch();
        QMetaObject::invokeMethod(
            this, [this, next = MediaSnapshotPtr(std::move(next))] { mediaFetched(next); },
            Qt::QueuedConnection);
    });
}

void EmbeddedBackend::mediaFetched(MediaSnapshotPtr next) {
    media_ = std::move(next);
    mediaInFlight_ = false;
    Q_EMIT mediaChanged();
    if (mediaAgain_)
        refreshMedia();
}

void EmbeddedBackend::createProvisions(std::string nodeGroup, nlohmann::json provisions,
                                       CommandCallback done) {
    if (!host_)
        return ClusterBackend::createProvisions(std::move(nodeGroup), std::move(provisions),
                                                std::move(done));
    api::ClusterHost* host = host_.get();
    // What POST /as/v1/streams/provision/{ng} does: the model's checks, the media checks, one
    // transaction, then a nudge so that the jobs start at the next tick.
    inMediaPool<void>(
        [host, nodeGroup = std::move(nodeGroup),
         provisions = std::move(provisions)]() -> Result<void> {
            auto parsed = model::parseProvisions(provisions);
            if (!parsed)
                return fail("invalid", describeProblems(parsed.error()));
            auto& m = host->media();
            std::set<std::string> seen;
            model::Problems problems;
            for (std::size_t i = 0; i < parsed->size(); ++i) {
                const auto& p = (*parsed)[i];
                if (!seen.insert(*p.provisionGuid).second)
                    return fail("invalid", "provision " + sy::quoted(*p.provisionGuid) +
                                               " appears twice in the request");
                for (auto& problem : m.check(p))
                    problems.push_back(
                        {model::joinPath(model::indexPath("", i), problem.path), problem.message});
            }
            if (!problems.empty())
                return fail("invalid", describeProblems(problems));
            auto stored = host->core().store().transact([&](store::Tx& tx) -> Result<void> {
                for (const auto& p : *parsed) {
                    auto c = tx.createProvision(nodeGroup, *p.provisionGuid,
                                                m.sealSecrets(model::encodeProvision(p)));
                    if (!c)
                        return c.error().code == "exists"
                                   ? fail("exists", "provision " + sy::quoted(*p.provisionGuid) +
                                                        " already exists in " +
                                                        sy::quoted(nodeGroup))
                                   : unexpected(c.error());
                }
                return {};
            });
            if (!stored)
                return stored;
            m.nudge();
            return {};
        },
        std::move(done), true);
}

void EmbeddedBackend::deleteProvision(std::string nodeGroup, std::string guid,
                                      CommandCallback done) {
    if (!host_)
        return ClusterBackend::deleteProvision(std::move(nodeGroup), std::move(guid),
                                               std::move(done));
    api::ClusterHost* host = host_.get();
    inMediaPool<void>(
        [host, nodeGroup = std::move(nodeGroup), guid = std::move(guid)]() -> Result<void> {
            auto deleted = host->core().store().deleteProvision(nodeGroup, guid);
            if (!deleted)
                return deleted.error().code == "not_found"
                           ? fail("not_found", "no provision " + sy::quoted(guid) + " in " +
                                                   sy::quoted(nodeGroup))
                           : deleted;
            host->media().nudge(); // its jobs stop at the next tick
            return {};
        },
        std::move(done), true);
}

void EmbeddedBackend::putStorageTarget(nlohmann::json target, CommandCallback done) {
    if (!host_)
        return ClusterBackend::putStorageTarget(std::move(target), std::move(done));
    api::ClusterHost* host = host_.get();
    inMediaPool<void>(
        [host, target = std::move(target)] { return host->media().putTarget(target); },
        std::move(done), true);
}

void EmbeddedBackend::deleteStorageTarget(std::string name, CommandCallback done) {
    if (!host_)
        return ClusterBackend::deleteStorageTarget(std::move(name), std::move(done));
    api::ClusterHost* host = host_.get();
    inMediaPool<void>(
        [host, name = std::move(name)]() -> Result<void> {
            auto removed = host->media().removeTarget(name);
            if (!removed && removed.error().code == "not_found")
                return fail("not_found", "no storage target " + sy::quoted(name));
            return removed;
        },
        std::move(done), true);
}

void EmbeddedBackend::testStorageTarget(nlohmann::json target, CommandCallback done) {
    if (!host_)
        return ClusterBackend::testStorageTarget(std::move(target), std::move(done));
    api::ClusterHost* host = host_.get();
    inMediaPool<void>(
        [host, target = std::move(target)] { return host->media().testTarget(target); },
        std::move(done), false);
}

void EmbeddedBackend::deleteRecording(std::string nodeGroup, std::int64_t id,
                                      CommandCallback done) {
    if (!host_)
        return ClusterBackend::deleteRecording(std::move(nodeGroup), id, std::move(done));
    api::ClusterHost* host = host_.get();
    inMediaPool<void>(
        [host, nodeGroup = std::move(nodeGroup), id]() -> Result<void> {
            auto rec = host->media().recording(id);
            if (!rec || rec->nodeGroup != nodeGroup)
                return fail("not_found",
                            "no recording " + std::to_string(id) + " in " + sy::quoted(nodeGroup));
            return host->media().deleteRecording(id);
        },
        std::move(done), true);
}

void EmbeddedBackend::recordingPlaybackUrl(std::string nodeGroup, std::int64_t id,
                                           UrlCallback done) {
    if (!host_)
        return ClusterBackend::recordingPlaybackUrl(std::move(nodeGroup), id, std::move(done));
    api::ClusterHost* host = host_.get();
    inMediaPool<QString>(
        [host, nodeGroup = std::move(nodeGroup), id]() -> Result<QString> {
            auto rec = host->media().recording(id);
            if (!rec || rec->nodeGroup != nodeGroup)
                return fail("not_found",
                            "no recording " + std::to_string(id) + " in " + sy::quoted(nodeGroup));
            auto url = host->media().playbackUrl(id);
            if (!url)
                return unexpected(url.error());
            return QString::fromStdString(*url);
        },
        std::move(done), false);
}

} // namespace sy::ui
