#pragma once
// EmbeddedBackend: the console manages a cluster itself, through a ControlCore it owns.
// Events arrive on the core's thread and are batched over to the GUI thread with one queued call
// per batch; snapshots are checked on a timer and announced only when their version changed.

#include "ui/backend/clusterbackend.h"

#include "core/api/clusterhost.h"
#include "core/engine/controlcore.h"

#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <memory>
#include <mutex>

namespace sy::ui {

class EmbeddedBackend final : public ClusterBackend {
    Q_OBJECT
public:
    // Takes a started or unstarted core; starts it if needed. `refreshMs`: snapshot poll period;
    // 0 polls only when refreshNow() is called (benchmarks time the pages' reaction that way).
    explicit EmbeddedBackend(std::unique_ptr<engine::ControlCore> core, QString dataDir,
                             int refreshMs = 250, QObject* parent = nullptr);
    // The console's embedded mode: a whole ClusterHost (SIMULATED, LOCAL, node callbacks).
    explicit EmbeddedBackend(std::unique_ptr<api::ClusterHost> host, int refreshMs = 250,
                             QObject* parent = nullptr);
    ~EmbeddedBackend() override;

    QString description() const override;
    engine::SnapshotPtr snapshot() const override;

    void createNodeGroup(model::NodeGroupConfig config, CommandCallback done) override;
    void updateNodeGroup(model::NodeGroupConfig config, CommandCallback done) override;
    void deleteNodeGroup(std::string name, CommandCallback done) override;
    void setPaused(std::string name, bool paused, CommandCallback done) override;
    void drainNode(std::string nodeGroup, std::string nodeId, CommandCallback done) override;
    void manualScale(std::string nodeGroup, std::string subGroup, std::string role, int nodeCount,
                     CommandCallback done) override;
    void evaluateExpression(ExpressionKind kind, QString expression,
                            ExpressionCallback done) override;
    void routeStream(bool publish, std::string nodeGroup, std::string guid,
                     RouteCallback done) override;

    // Media (reference §7): only with a host; a bare core has no media layer (the defaults).
    // Every call that touches the stores or a storage target runs on a pool of this backend's
    // own, which the destructor drains before the host goes.
    MediaSnapshotPtr media() const override;
    void refreshMedia() override;
    media::UrlPolicy mediaPolicy() const override;
    void createProvisions(std::string nodeGroup, nlohmann::json provisions,
                          CommandCallback done) override;
    void deleteProvision(std::string nodeGroup, std::string guid, CommandCallback done) override;
    void putStorageTarget(nlohmann::json target, CommandCallback done) override;
    void deleteStorageTarget(std::string name, CommandCallback done) override;
    void testStorageTarget(nlohmann::json target, CommandCallback done) override;
    void deleteRecording(std::string nodeGroup, std::int64_t id, CommandCallback done) override;
    void recordingPlaybackUrl(std::string nodeGroup, std::int64_t id, UrlCallback done) override;

    // Announces the core's latest snapshot now if it is new (snapshotChanged, synchronously).
    void refreshNow();

    engine::ControlCore& core() { return *core_; }
    // The host when built from one (null for a bare core): the traffic lab drives its providers.
    api::ClusterHost* host() { return host_.get(); }

private:
    void init(int refreshMs);
    // Waits for the command on a pool thread and calls `done` back on the GUI thread.
    void complete(engine::CommandResult command, CommandCallback done);
    void onCoreEvent(const engine::Event& e); // core thread
    void flushEvents();                       // GUI thread
    void checkSnapshot();                     // GUI thread
    // Runs `work` on the media pool and `done` with its result on the GUI thread; a successful
    // command refreshes the media snapshot.
    template <class T>
    void inMediaPool(std::function<Result<T>()> work, std::function<void(Result<T>)> done,
                     bool refreshAfter);
    void mediaFetched(MediaSnapshotPtr next); // GUI thread

    std::unique_ptr<api::ClusterHost> host_;         // owns core_ when set
    std::unique_ptr<engine::ControlCore> ownedCore_; // owns core_ otherwise
    engine::ControlCore* core_ = nullptr;
    QString dataDir_;
    QTimer refresh_;
    std::uint64_t shownVersion_ = 0;
    int listener_ = -1;
    std::mutex pendingMutex_;
    EventList pending_;
    bool flushQueued_ = false;
    QThreadPool mediaPool_;
    MediaSnapshotPtr media_ = std::make_shared<MediaSnapshot>();
    bool mediaInFlight_ = false;
    bool mediaAgain_ = false;
    // Commands and event hops may outlive this object; they check it is still alive.
    std::shared_ptr<std::atomic<bool>> alive_ = std::make_shared<std::atomic<bool>>(true);
};

} // namespace sy::ui
