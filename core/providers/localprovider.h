#pragma once
// cloudPlatform "LOCAL": each node is its own nginx process with libnginx-mod-rtmp on loopback,
// in a prefix directory of its own under the core's data directory, with two ports from the
// allocator (nginx-rtmp cannot bind port 0). Nodes run in their own session, so they outlive a
// crash of the core and are re-adopted from the journal.

#include "core/auth/nodesecret.h"
#include "core/nodes/nginxrtmpdriver.h"
#include "core/nodes/portallocator.h"
#include "core/providers/provider.h"

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

namespace sy::providers {

struct LocalProviderOptions {
    std::filesystem::path nodesDir; // one sub-directory per node
    nodes::PortRange ports;
    std::string callbackBaseUrl; // the core's loopback endpoint for on_publish/on_play; optional
    nodes::DriverTimeouts timeouts;
    // Each node's secret (its callbacks carry it; its /stat and /control require it). When null,
    // the master key is loaded from (or created in) secretsDir, by default
    // NODESDIR/../node-secrets, so that a restarted core knows the secrets of the nodes it
    // re-adopts.
    std::shared_ptr<const auth::NodeSecrets> secrets;
    std::filesystem::path secretsDir;
};

class LocalProvider final : public Provider {
public:
    // Fails when nginx or its RTMP module is not installed, naming what is missing.
    static Result<std::shared_ptr<LocalProvider>> create(LocalProviderOptions options);

    std::string platform() const override { return "LOCAL"; }
    // One machine: one region; every node is an nginx-rtmp process.
    ProviderInventory inventory() const override {
        return {{"local"}, {"nginx-process"}, {"nginx-rtmp"}};
    }
    Result<NodeEndpoint> create(const NodeSpec& spec) override;
    Result<void> destroy(const std::string& nodeId) override;
    Result<NodeEndpoint> adopt(const NodeSpec& spec, const NodeEndpoint& known) override;
    Result<void> setParents(const NodeSpec& spec) override;
    std::vector<NodeReport> poll(const std::vector<std::string>& nodeIds) override;
    std::vector<std::string> reapOrphans(const std::vector<std::string>& known) override;

    // What the node-callback endpoint checks callbacks against (NodeCallbackServer::useSecrets).
    std::shared_ptr<const auth::NodeSecrets> nodeSecrets() const { return options_.secrets; }

    // The pid of a node's nginx master (tests use it to kill a node the hard way); 0 if unknown.
    pid_t pidOf(const std::string& nodeId) const;

private:
    LocalProvider(LocalProviderOptions options, nodes::NginxInstallation nginx,
                  nodes::NginxConfigTemplate config);
    nodes::NodeSpec nodeSpec(const NodeSpec& spec, int rtmpPort, int httpPort) const;
    std::shared_ptr<nodes::NginxRtmpDriver> driver(const std::string& nodeId) const;

    LocalProviderOptions options_;
    nodes::NginxInstallation nginx_;
    nodes::NginxConfigTemplate config_;
    nodes::PortAllocator ports_;
    mutable std::mutex mutex_; // guards drivers_; each driver serialises its own lifecycle
    std::map<std::string, std::shared_ptr<nodes::NginxRtmpDriver>> drivers_;
};

// "127.0.0.1:19351" → 19351; 0 when it is not HOST:PORT.
int portOf(const std::string& address);

} // namespace sy::providers
