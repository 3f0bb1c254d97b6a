#pragma once
// Where nodes run. A provider creates and destroys nodes and tells what it observes of them; the
// engine decides. Calls block (process spawn, HTTP polls, cloud APIs), so the engine makes them
// from its worker pool, never from the strand that owns cluster state.

#include "core/model/enums.h"
#include "core/model/metrictree.h"
#include "core/util/result.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sy::providers {

// What the engine asks for: one node of a role in a leaf sub-group.
struct NodeSpec {
    std::string nodeId;
    std::string nodeGroup;
    std::string subGroup;
    std::string role;
    std::vector<model::Capability> capabilities;
    std::vector<std::string> parentAddresses; // "127.0.0.1:19351" of its parents, when it has any
    // Delivery settings of its group, rendered into the node's configuration.
    std::vector<std::string> parentHttpAddresses; // "127.0.0.1:19352": HLS is served through them
    bool hls = false;                             // origins segment, edges and relays proxy
    int hlsFragmentS = 2;
    int hlsPlaylistS = 12;
    // Sent by this node's relay pulls (pageUrl), so that parents let it play when the group
    // requires play tokens (auth/streamtoken.h).
    std::string relayCredential;
};

// Where a created node can be reached. Stored in the intent journal so a restarted core can find
// the node again.
struct NodeEndpoint {
    std::string address;        // public address clients use
    std::uint16_t rtmpPort = 0; // local nodes differ by port
    std::uint16_t httpPort = 0;
    nlohmann::json handle; // provider-specific: pid, prefix dir, instance id…
};

struct StreamStats {
    std::string guid;        // app/name
    bool publishing = false; // a client publishes it here (not a relay pull)
    std::int64_t viewers = 0;
    double bitrateKbps = 0;
    std::int64_t uptimeMs = 0;
};

// One poll of one node.
struct NodeReport {
    std::string nodeId;
    bool alive = true;     // the process or instance exists
    bool reachable = true; // its stats answered
    model::FlatMetrics metrics;
    std::vector<StreamStats> streams;
    std::string error; // why it is not alive or not reachable
};

// What a provider offers, for the inventory routes (/admin/terraform/{image,instanceType,region}).
struct ProviderInventory {
    std::vector<std::string> regions;
    std::vector<std::string> instanceTypes;
    std::vector<std::string> images;
};

class Provider {
public:
    virtual ~Provider() = default;

    virtual std::string platform() const = 0; // "LOCAL", "SIMULATED"
    virtual Result<NodeEndpoint> create(const NodeSpec& spec) = 0;
    virtual Result<void> destroy(const std::string& nodeId) = 0;
    // Finds a node created before a restart of the core; an error when it is gone.
    virtual Result<NodeEndpoint> adopt(const NodeSpec& spec, const NodeEndpoint& known) = 0;
    // Parents changed (GLOBAL/SUBGROUP/AUTOGROUP): reconfigure without dropping clients.
    virtual Result<void> setParents(const NodeSpec& spec) = 0;
    virtual std::vector<NodeReport> poll(const std::vector<std::string>& nodeIds) = 0;
    // The engine starts or stops routing clients to a node (INSERVICE, or draining/FAULT).
    // Real nodes need nothing (routing happens in the core); the simulated traffic model moves
    // its load to the nodes that are routable.
    // After a restart, once the core has observed everything it knows: stops nodes this provider
    // runs that the core does not know (e.g. created by a core that died before journalling the
    // result). Returns the ids stopped.
    virtual std::vector<std::string> reapOrphans(const std::vector<std::string>& known) {
        (void)known;
        return {};
    }
    virtual ProviderInventory inventory() const { return {{"default"}, {"default"}, {"default"}}; }

    virtual void setRoutable(const std::string& nodeId, bool routable) {
        (void)nodeId;
        (void)routable;
    }
};

} // namespace sy::providers
