#include "core/providers/localprovider.h"

#include "core/util/strings.h"

#include <algorithm>

namespace sy::providers {

namespace {

nodes::NodeKind kindOf(const NodeSpec& spec) {
    const auto has = [&](model::Capability c) {
        return std::find(spec.capabilities.begin(), spec.capabilities.end(), c) !=
               spec.capabilities.end();
    };
    if (has(model::Capability::Publish) || has(model::Capability::Transcode))
        return nodes::NodeKind::Origin; // all-in-one nodes take publishers too
    return has(model::Capability::Subscribe) ? nodes::NodeKind::Edge : nodes::NodeKind::Relay;
}

} // namespace

int portOf(const std::string& address) {
    const auto colon = address.rfind(':');
    if (colon == std::string::npos)
        return 0;
    const auto p = parseInt(std::string_view(address).substr(colon + 1));
    return p && *p > 0 && *p < 65536 ? static_cast<int>(*p) : 0;
}

Result<std::shared_ptr<LocalProvider>> LocalProvider::create(LocalProviderOptions options) {
    auto nginx = nodes::NginxInstallation::locate();
    if (!nginx)
        return unexpected(nginx.error());
    auto config = nodes::NginxConfigTemplate::loadDefault();
    if (!config)
        return unexpected(config.error());
    std::error_code ec;
    std::filesystem::create_directories(options.nodesDir, ec);
    if (ec)
        return sy::fail("storage",
                        "cannot create " + options.nodesDir.string() + ": " + ec.message());
    if (!options.secrets) {
        // Not inside nodesDir: reapOrphans takes every directory there for a node.
        const auto dir = options.secretsDir.empty()
                             ? options.nodesDir.parent_path() / "node-secrets"
                             : options.secretsDir;
        auto secrets = auth::NodeSecrets::open(dir);
        if (!secrets)
            return unexpected(secrets.error());
        options.secrets = std::move(secrets).value();
    }
    return std::shared_ptr<LocalProvider>(
        new LocalProvider(std::move(options), std::move(nginx).value(), std::move(config).value()));
}

LocalProvider::LocalProvider(LocalProviderOptions options, nodes::NginxInstallation nginx,
                             nodes::NginxConfigTemplate config)
    : options_(std::move(options))
    , nginx_(std::move(nginx))
    , config_(std::move(config))
    , ports_(options_.ports) {}

nodes::NodeSpec LocalProvider::nodeSpec(const NodeSpec& spec, int rtmpPort, int httpPort) const {
    nodes::NodeSpec n;
    n.nodeId = spec.nodeId;
    n.kind = kindOf(spec);
    n.rtmpPort = rtmpPort;
    n.httpPort = httpPort;
    for (const auto& parent : spec.parentAddresses)
        if (const int p = portOf(parent))
            n.parentRtmpPorts.push_back(p);
    for (const auto& parent : spec.parentHttpAddresses)
        if (const int p = portOf(parent))
            n.parentHttpPorts.push_back(p);
    n.hls = spec.hls;
    n.hlsFragmentS = spec.hlsFragmentS;
    n.hlsPlaylistS = spec.hlsPlaylistS;
    n.relayCredential = spec.relayCredential;
    n.callbackBaseUrl = options_.callbackBaseUrl;
    n.secret = options_.secrets->secretFor(spec.nodeId);
    n.prefixDir = options_.nodesDir / spec.nodeId;
    return n;
}

std::shared_ptr<nodes::NginxRtmpDriver> LocalProvider::driver(const std::string& nodeId) const {
    std::lock_guard lock(mutex_);
    const auto it = drivers_.find(nodeId);
    return it == drivers_.end() ? nullptr : it->second;
}

Result<NodeEndpoint> LocalProvider::create(const NodeSpec& spec) {
    if (!isSafeName(spec.nodeId))
        return sy::fail("invalid", "node id " + sy::quoted(spec.nodeId) + " is not a safe name");
    auto lease = ports_.lease(2);
    if (!lease)
        return unexpected(lease.error());
    const int rtmp = (*lease)[0];
    const int http = (*lease)[1];
    auto d = std::make_shared<nodes::NginxRtmpDriver>(nginx_, config_, nodeSpec(spec, rtmp, http),
                                                      options_.timeouts);
    d->holdPorts(std::move(lease).value());
    if (auto started = d->start(); !started)
        return unexpected(started.error());
    {
        std::lock_guard lock(mutex_);
        drivers_[spec.nodeId] = d;
    }
    NodeEndpoint e;
    e.address = "127.0.0.1";
    e.rtmpPort = static_cast<std::uint16_t>(rtmp);
    e.httpPort = static_cast<std::uint16_t>(http);
    e.handle = {{"prefix", (options_.nodesDir / spec.nodeId).string()}, {"pid", d->pid()}};
    return e;
}

Result<void> LocalProvider::destroy(const std::string& nodeId) {
    std::shared_ptr<nodes::NginxRtmpDriver> d;
    {
        std::lock_guard lock(mutex_);
        if (auto it = drivers_.find(nodeId); it != drivers_.end()) {
            d = it->second;
            drivers_.erase(it);
        }
    }
    if (d) {
        if (auto stopped = d->stop(); !stopped)
            return unexpected(stopped.error());
    } else if (isSafeName(nodeId)) {
        // Not adopted (e.g. FAULT after a restart): a process may still run in its prefix.
        if (auto orphan = nodes::NginxProcess::adopt(options_.nodesDir / nodeId))
            if (auto stopped = (*orphan)->terminate(options_.timeouts.stop); !stopped)
                return unexpected(stopped.error());
    }
    // The prefix holds nothing worth keeping once the node is gone (logs go with it).
    if (isSafeName(nodeId)) {
        std::error_code ec;
        std::filesystem::remove_all(options_.nodesDir / nodeId, ec);
    }
    return {};
}

Result<NodeEndpoint> LocalProvider::adopt(const NodeSpec& spec, const NodeEndpoint& known) {
    if (!isSafeName(spec.nodeId))
        return sy::fail("invalid", "node id " + sy::quoted(spec.nodeId) + " is not a safe name");
    if (known.rtmpPort == 0 || known.httpPort == 0)
        return sy::fail("gone", "no ports known for node " + spec.nodeId);
    auto lease = ports_.adopt({known.rtmpPort, known.httpPort});
    if (!lease)
        return unexpected(lease.error());
    auto d = nodes::NginxRtmpDriver::adopt(
        nginx_, config_, nodeSpec(spec, known.rtmpPort, known.httpPort), options_.timeouts);
    if (!d)
        return unexpected(d.error());
    std::shared_ptr<nodes::NginxRtmpDriver> shared = std::move(d).value();
    shared->holdPorts(std::move(lease).value());
    // When the callback endpoint of the new core differs from the one the node was started with,
    // reload the node's config (clients stay connected) so its callbacks reach this core. Only
    // then: after a reload the old worker keeps its clients but /stat no longer shows them.
    if (!options_.callbackBaseUrl.empty() && !shared->installedConfigMatches(shared->spec()))
        if (auto reloaded = shared->reload(shared->spec()); !reloaded)
            return unexpected(reloaded.error());
    {
        std::lock_guard lock(mutex_);
        drivers_[spec.nodeId] = shared;
    }
    NodeEndpoint e = known;
    e.handle["pid"] = shared->pid();
    return e;
}

Result<void> LocalProvider::setParents(const NodeSpec& spec) {
    const auto d = driver(spec.nodeId);
    if (!d)
        return sy::fail("not_found", "no running node " + sy::quoted(spec.nodeId));
    const auto current = d->spec();
    auto next = nodeSpec(spec, current.rtmpPort, current.httpPort);
    if (next == current)
        return {};
    return d->reload(next);
}

std::vector<NodeReport> LocalProvider::poll(const std::vector<std::string>& nodeIds) {
    std::vector<NodeReport> out;
    out.reserve(nodeIds.size());
    for (const auto& id : nodeIds) {
        NodeReport r;
        r.nodeId = id;
        const auto d = driver(id);
        if (!d) {
            r.alive = false;
            r.error = "no such local node";
        } else if (auto exit = d->pollExit()) {
            r.alive = false;
            r.error = "nginx exited";
        } else if (auto sample = d->sample(); !sample) {
            r.reachable = false;
            r.error = sample.error().message;
        } else {
            r.metrics = std::move(sample->metrics);
            for (const auto& s : sample->stat.streams)
                r.streams.push_back(
                    {s.guid(), s.hasPublisher, s.viewers, s.bitrateKbps, s.uptimeMs});
        }
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<std::string> LocalProvider::reapOrphans(const std::vector<std::string>& known) {
    std::vector<std::string> reaped;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(options_.nodesDir, ec)) {
        const std::string id = entry.path().filename().string();
        if (!entry.is_directory() || !isSafeName(id) ||
            std::find(known.begin(), known.end(), id) != known.end() || driver(id))
            continue;
        if (auto orphan = nodes::NginxProcess::adopt(entry.path()))
            (void)(*orphan)->terminate(options_.timeouts.stop);
        std::filesystem::remove_all(entry.path(), ec);
        reaped.push_back(id);
    }
    return reaped;
}

pid_t LocalProvider::pidOf(const std::string& nodeId) const {
    const auto d = driver(nodeId);
    return d ? d->pid() : 0;
}

} // namespace sy::providers
