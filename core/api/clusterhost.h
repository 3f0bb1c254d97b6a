#pragma once
// ClusterHost: a ControlCore with what it needs to run real and simulated nodes on this machine:
// the SIMULATED provider, the LOCAL provider (nginx-rtmp processes) when nginx is installed, and
// the loopback endpoint that answers the nodes' on_publish / on_play callbacks. switchyard-server
// and the console's embedded mode run the same host, so a cluster behaves the same in both.
//
// Order matters and lives here once: the callback endpoint starts before the core (node configs
// carry its URL) and keeps its port across restarts (kept in the data directory, so re-adopted
// nodes need no reload); on destruction the endpoint is detached and the media layer stopped
// before the core stops.

#include "core/api/nodecallbackserver.h"
#include "core/engine/controlcore.h"
#include "core/media/mediamanager.h"
#include "core/nodes/portallocator.h"
#include "core/providers/simulatedprovider.h"
#include "core/util/dirlock.h"
#include "core/util/result.h"

#include <map>
#include <memory>
#include <string>

namespace sy::api {

struct ClusterHostOptions {
    std::string dataDir; // created (0700) when missing
    nodes::PortRange localPorts;
    engine::CoreOptions core; // dataDir and providers are filled in by the host
    // The media layer: dataDir is DATA_DIR/media; `file` sources are read from
    // DATA_DIR/media-files unless the policy names other folders; the clock is the core's.
    media::MediaOptions media;
};

class ClusterHost {
public:
    // Creates the data directory, locks it (a directory another host holds, in this or another
    // process, is refused with an error naming the holder's pid), starts the callback endpoint
    // and opens the core (not started).
    static Result<std::unique_ptr<ClusterHost>> open(ClusterHostOptions options);
    ~ClusterHost(); // detaches the callbacks, stops the core; nodes keep running
    ClusterHost(const ClusterHost&) = delete;
    ClusterHost& operator=(const ClusterHost&) = delete;

    // Starts the core, then the media layer (restreamers, social pushers, recordings).
    void start();

    engine::ControlCore& core() { return *core_; }
    media::MediaManager& media() { return *media_; }
    const engine::ControlCore& core() const { return *core_; }
    providers::SimulatedProvider& simulated() { return *simulated_; }
    const std::map<std::string, std::shared_ptr<providers::Provider>>& providers() const {
        return providers_;
    }
    // Why LOCAL node groups cannot run here ("nginx not found…"); empty when they can.
    const std::string& localUnavailable() const { return localUnavailable_; }
    const std::string& dataDir() const { return dataDir_; }
    // "http://127.0.0.1:PORT": where nodes' on_publish / on_play callbacks reach this host.
    std::string callbackBaseUrl() const { return callbacks_.baseUrl(); }

    // The demo node group "demo": SIMULATED origins and edges under a synthetic load that swings
    // over ten minutes, so the edges scale out and back in while you watch. Creates it unless it
    // exists; the core must be started. Blocks until the core has stored it (the server; the
    // console uses the two parts below and creates the group asynchronously).
    Result<void> startDemo();
    static model::NodeGroupConfig demoNodeGroup();
    void startDemoTraffic();

private:
    ClusterHost() = default;

    DirectoryLock lock_; // first: released last, after the core has stopped
    std::string dataDir_;
    std::shared_ptr<providers::SimulatedProvider> simulated_;
    std::map<std::string, std::shared_ptr<providers::Provider>> providers_;
    std::string localUnavailable_;
    NodeCallbackServer callbacks_;
    std::unique_ptr<engine::ControlCore> core_;
    std::unique_ptr<media::MediaManager> media_;
};

} // namespace sy::api
