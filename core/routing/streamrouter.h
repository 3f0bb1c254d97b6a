#pragma once
// Publish and subscribe decisions (reference §2.2, §6) as pure functions of a RoutingTable, a
// request and an injected random source: API threads call them on a snapshot's table without a
// hop to the core strand, and tests need no processes.
//
// Left to the API layer: resolving the node group (404, `default`), the `subgroup` / `subGroup` /
// `region` query aliases and CSV splitting, and provisions (`distribute`, `restream`).

#include "core/model/streamlocation.h"
#include "core/routing/randomsource.h"
#include "core/routing/routingerror.h"
#include "core/routing/routingtable.h"
#include "core/util/result.h"

#include <string>
#include <vector>

namespace sy::routing {

struct PublishRequest {
    std::string streamGuid;             // app/[room/]name
    std::vector<std::string> subGroups; // preference order; zone names match their children
    bool strict = false;
    long long endpoints = 1;
    bool transcode = false;
    // Set by the API layer when a provision with renditions exists for the guid (§6 step 6).
    bool transcodeProvisioned = false;
};

struct SubscribeRequest {
    std::string streamGuid;
    std::vector<std::string> subGroups;
    bool strict = false;
    long long endpoints = 1;
};

using Locations = std::vector<model::StreamLocation>;

// Up to `endpoints` PUBLISH nodes, the one to publish to first. With transcode: [transcoder,
// origin], the transcoder taking the top rendition and publishing into the origin.
// 400 bad endpoints / guid / transcode mix; 503 maxPublishers reached; 404 no eligible node.
Result<Locations, RoutingError> selectPublish(const RoutingTable& table,
                                              const PublishRequest& request, RandomSource& random);

// Up to `endpoints` nodes that can serve the stream: SUBSCRIBE nodes whose role has a parent role
// (they pull from upstream; an edge finds the origin through the core's on_play redirect) while
// the stream is published anywhere in the node group, and SUBSCRIBE nodes without one (all-in-one)
// that carry the stream themselves.
// 400 bad endpoints / guid; 404 stream not live or no eligible node; 503 maxSubscribers reached.
Result<Locations, RoutingError>
selectSubscribe(const RoutingTable& table, const SubscribeRequest& request, RandomSource& random);

// The location answered for one node: its address, role, sub-group, state and urls.rtmp.
model::StreamLocation locationOf(const RoutingTable& table, NodeIndex node,
                                 const std::string& streamGuid);

} // namespace sy::routing
