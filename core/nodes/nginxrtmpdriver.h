#pragma once
// The nginx-rtmp node driver: one object per node. It renders and checks the node's config,
// starts nginx and waits until /stat answers, reloads, drains and stops it, reads /stat and /proc
// into the metrics of reference §3.3, drops clients through /control, and re-finds a node that a
// previous core started. Safe to call from any worker thread; every call is bounded by a timeout.

#include "core/model/metrictree.h"
#include "core/nodes/loopbackhttpclient.h"
#include "core/nodes/nginxconfigtemplate.h"
#include "core/nodes/nginxinstallation.h"
#include "core/nodes/nginxprocess.h"
#include "core/nodes/nginxstatparser.h"
#include "core/nodes/nodespec.h"
#include "core/nodes/portallocator.h"
#include "core/nodes/processsampler.h"
#include "core/util/result.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

namespace sy::nodes {

struct DriverTimeouts {
    std::chrono::milliseconds configTest{10000};
    std::chrono::milliseconds ready{10000};  // spawn until /stat answers
    std::chrono::milliseconds stop{5000};    // SIGTERM until SIGKILL
    std::chrono::milliseconds reload{10000}; // SIGHUP until a new worker answers /stat
    HttpTimeouts http{};
};

struct NodeSample {
    NginxStat stat;
    ProcessUsage usage;
    model::FlatMetrics metrics; // /stat metrics and process metrics together
};

class NginxRtmpDriver {
public:
    NginxRtmpDriver(NginxInstallation nginx, NginxConfigTemplate config, NodeSpec spec,
                    DriverTimeouts timeouts = {});
    // Re-finds a running node from SPEC.prefixDir/logs/nginx.pid, then checks that /stat on
    // spec.httpPort is answered by a worker of that master.
    static Result<std::unique_ptr<NginxRtmpDriver>> adopt(NginxInstallation nginx,
                                                          NginxConfigTemplate config, NodeSpec spec,
                                                          DriverTimeouts timeouts = {});
    NginxRtmpDriver(const NginxRtmpDriver&) = delete;
    NginxRtmpDriver& operator=(const NginxRtmpDriver&) = delete;
    // Leaves the node running (it outlives the core, to be adopted later); call stop() to end it.
    ~NginxRtmpDriver();

    NodeSpec spec() const;
    // Ports are given back once the node is known to be gone (stopped or seen exited), or when
    // the driver is dropped: the allocator's bind probe still skips ports a surviving node holds.
    void holdPorts(PortLease lease);

    // Renders, writes and `nginx -t`s the config, spawns nginx, waits for /stat. On failure the
    // error quotes nginx (e.g. "bind() to 127.0.0.1:19350 failed (98: Address already in use)").
    Result<void> start();
    // Writes and checks the config of `next` (same nodeId and prefix), then SIGHUP: connected
    // clients stay on the old worker until they leave, so /stat (answered by the new worker)
    // under-reports them meanwhile. Waits until a new worker answers /stat.
    Result<void> reload(const NodeSpec& next);
    // True when the node's installed conf/nginx.conf is what `spec` renders to. A reload strands
    // the clients of the old worker from /stat, so callers skip reloads that change nothing.
    bool installedConfigMatches(const NodeSpec& spec) const;
    // SIGQUIT: stop accepting, keep serving connected clients, exit when they have left. The HTTP
    // listener closes too, so /stat and /control are unreachable while a node drains.
    Result<void> drain();
    // SIGTERM, SIGKILL after the stop timeout; releases the ports.
    Result<ExitStatus> stop();
    // Non-blocking; once the node has exited, releases its ports.
    std::optional<ExitStatus> pollExit();
    std::optional<ExitStatus> waitForExit(std::chrono::milliseconds timeout);
    bool isRunning() { return !pollExit().has_value(); }
    // 0 before start.
    pid_t pid() const;

    Result<NginxStat> fetchStat();
    Result<NodeSample> sample();
    // /control/drop/{subscriber,publisher}?app=&name=: the number of clients dropped.
    Result<int> dropSubscribers(std::string_view app, std::string_view name);
    Result<int> dropPublisher(std::string_view app, std::string_view name);

private:
    Result<std::string> writeConfig(const NodeSpec& spec, std::string_view fileName);
    Result<NginxStat> waitForStat(std::chrono::milliseconds timeout, long long notWorker);
    Result<void> waitForRetirement(pid_t worker, std::chrono::steady_clock::time_point deadline);
    Result<int> drop(std::string_view what, std::string_view app, std::string_view name);
    std::shared_ptr<NginxProcess> process() const;
    std::string logTail() const;

    const NginxInstallation nginx_;
    const NginxConfigTemplate config_;
    const DriverTimeouts timeouts_;
    std::mutex lifecycle_; // start / reload / stop one at a time
    mutable std::mutex mutex_;
    NodeSpec spec_;
    std::shared_ptr<NginxProcess> process_;
    std::shared_ptr<ProcessSampler> sampler_;
    PortLease ports_;
};

} // namespace sy::nodes
