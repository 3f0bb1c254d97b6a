#pragma once
// What routing needs to know about one node, filled by the engine from a snapshot. Plain values:
// a RoutingTable built from these never points back into live core state.

#include "core/model/enums.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sy::routing {

// How a node carries a stream: a publisher sends it there, or the node pulls it from upstream.
enum class CarriedAs { Publishing, Relayed };

struct CarriedStream {
    std::string guid; // app/[room/]name
    CarriedAs as = CarriedAs::Publishing;
    std::int64_t viewers = 0; // subscribing clients on this node, not cluster-internal pulls
};

struct RoutableNode {
    std::string nodeId;
    std::string subGroup; // the leaf sub-group
    // Sub-group names from the top of the geo-zone tree down to the leaf, e.g. {"usa","virginia"};
    // a `subgroup=usa` preference matches every node below usa. Empty: taken from the config.
    std::vector<std::string> zonePath;
    std::string role;
    std::vector<model::Capability> capabilities; // the role's
    model::NodeState state = model::NodeState::Requested;
    bool draining = false;     // still carries its streams, takes no new routes
    std::string serverAddress; // public IP, what clients connect to
    int rtmpPort = 1935;       // local nodes share an address and differ by port
    int httpPort = 0;          // HLS: http://ADDR:PORT/hls/GUID.m3u8 when `hls`
    bool hls = false;
    std::vector<std::string> parents;
    // The role's capacity expressions, evaluated by the engine on this node's metrics. Routing
    // truncates both to int32 (reference §5); ranking >= limit means no new routes.
    double ranking = 0;
    double limit = 0;
    std::vector<CarriedStream> streams;

    bool has(model::Capability c) const;
};

// States in which a node still serves the clients it has, so the streams it reports are real:
// INSERVICE and the two sunsets (draining). Others are booting, dying or silent.
bool carriesLiveStreams(model::NodeState state);

// rtmp://ADDR:PORT/GUID: nginx-rtmp takes the first guid segment as the application and the rest
// (room/name) as the stream name. IPv6 addresses are bracketed.
std::string rtmpUrl(std::string_view address, int port, std::string_view guid);

// http://ADDR:PORT/hls/GUID.m3u8: where a node serves a stream's HLS playlist.
std::string hlsUrl(std::string_view address, int port, std::string_view guid);

// Capacity values as routing compares them: truncated toward zero, saturated to int32, NaN as 0.
std::int32_t capacityToInt32(double value);

} // namespace sy::routing
