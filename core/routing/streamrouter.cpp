#include "core/routing/streamrouter.h"

#include "core/routing/candidatepicker.h"
#include "core/util/strings.h"

#include <optional>
#include <span>

namespace sy::routing {

using model::Capability;

namespace {

Unexpected<RoutingError> reject(int status, std::string message) {
    return {RoutingError{status, std::move(message)}};
}

// app/name or app/room/name: the app is what nginx-rtmp and the URL need, so both parts must
// exist. Character rules are the API layer's (it validates names before they reach here).
bool isGuid(std::string_view guid) {
    const auto slash = guid.find('/');
    return slash != std::string_view::npos && slash > 0 && guid.back() != '/' &&
           guid.find("//") == std::string_view::npos;
}

std::optional<RoutingError> checkCommon(const std::string& guid, long long endpoints) {
    if (endpoints < 1)
        return RoutingError{400, "endpoints must be at least 1, got " + std::to_string(endpoints)};
    if (!isGuid(guid))
        return RoutingError{400, "stream guid " + sy::quoted(guid) + " must be app/[room/]name"};
    return std::nullopt;
}

// "in sub-groups usa, europe (strict)" or "in node group 'ng'": where routing looked.
std::string scope(const RoutingTable& table, std::span<const std::string> preference, bool strict) {
    if (preference.empty())
        return "in node group " + sy::quoted(table.nodeGroupName()) + (strict ? " (strict)" : "");
    std::string out = "in sub-groups ";
    for (std::size_t i = 0; i < preference.size(); ++i)
        out += (i ? ", " : "") + preference[i];
    return out + (strict ? " (strict)" : " or any other");
}

// What was looked for, for messages: "PUBLISH capacity", "SUBSCRIBE capacity for stream 'a/b'".
struct Wanted {
    Capability capability;
    const std::string* stream = nullptr; // subscribe only

    std::string describe() const {
        std::string out = std::string(model::toString(capability)) + " capacity";
        if (stream)
            out += " for stream " + sy::quoted(*stream);
        return out;
    }
};

// The selection common to every kind: tiers, strict, best set, shuffle, endpoints. Messages are
// built only on failure, keeping string work off the path taken by every viewer.
Result<std::vector<NodeIndex>, RoutingError>
choose(const RoutingTable& table, CandidatePicker& picker, long long endpoints, bool strict,
       const Wanted& wanted, std::span<const std::string> preference, RandomSource& random) {
    const auto count = static_cast<std::size_t>(endpoints);
    const std::string what = picker.candidateCount() < count ? wanted.describe() : std::string();
    if (picker.candidateCount() == 0)
        return reject(404,
                      "no INSERVICE node with " + what + " " + scope(table, preference, strict));
    if (strict && picker.candidateCount() < count)
        return reject(404, "only " + std::to_string(picker.candidateCount()) +
                               " INSERVICE nodes with " + what + " " +
                               scope(table, preference, strict) + ", " + std::to_string(endpoints) +
                               " endpoints requested");
    return picker.pick(count, random);
}

Result<std::vector<NodeIndex>, RoutingError>
choosePublisher(const RoutingTable& table, const PublishRequest& request, Capability capability,
                long long endpoints, RandomSource& random) {
    CandidatePicker picker(table, request.subGroups, request.strict);
    for (LeafIndex leaf = 0; leaf < table.leafCount(); ++leaf)
        picker.add(leaf, capability == Capability::Transcode ? table.transcoders(leaf)
                                                             : table.publishers(leaf));
    return choose(table, picker, endpoints, request.strict, Wanted{capability}, request.subGroups,
                  random);
}

Locations locations(const RoutingTable& table, const std::vector<NodeIndex>& nodes,
                    const std::string& guid) {
    Locations out;
    out.reserve(nodes.size());
    for (NodeIndex n : nodes)
        out.push_back(locationOf(table, n, guid));
    return out;
}

Result<Locations, RoutingError>
selectTranscode(const RoutingTable& table, const PublishRequest& request, RandomSource& random) {
    if (!request.transcodeProvisioned)
        return reject(404, "no provision with renditions for stream " +
                               sy::quoted(request.streamGuid) + ": transcode needs one");
    auto transcoder = choosePublisher(table, request, Capability::Transcode, 1, random);
    if (!transcoder)
        return unexpected(std::move(transcoder).error());
    // The origin may be the transcoder itself on all-in-one nodes: nginx then loops back locally.
    auto origin = choosePublisher(table, request, Capability::Publish, 1, random);
    if (!origin)
        return unexpected(std::move(origin).error());
    return locations(table, {transcoder->front(), origin->front()}, request.streamGuid);
}

} // namespace

model::StreamLocation locationOf(const RoutingTable& table, NodeIndex node,
                                 const std::string& streamGuid) {
    const auto& n = table.node(node);
    model::StreamLocation loc;
    loc.streamGuid = streamGuid;
    loc.serverAddress = n.serverAddress;
    loc.nodeRole = n.role;
    loc.subGroup = n.subGroup;
    loc.nodeState = std::string(model::toString(n.state));
    loc.urls.emplace("rtmp", rtmpUrl(n.serverAddress, n.rtmpPort, streamGuid));
    if (n.hls && n.httpPort > 0)
        loc.urls.emplace("hls", hlsUrl(n.serverAddress, n.httpPort, streamGuid));
    return loc;
}

Result<Locations, RoutingError> selectPublish(const RoutingTable& table,
                                              const PublishRequest& request, RandomSource& random) {
    if (auto bad = checkCommon(request.streamGuid, request.endpoints))
        return unexpected(std::move(*bad));
    if (request.transcode && request.endpoints > 1)
        return reject(400, "transcode=true allows only endpoints=1, got " +
                               std::to_string(request.endpoints));
    if (table.maxPublishers() && table.publisherCount() >= *table.maxPublishers())
        return reject(503, "node group " + sy::quoted(table.nodeGroupName()) +
                               " has reached maxPublishers (" +
                               std::to_string(*table.maxPublishers()) + ")");
    if (request.transcode)
        return selectTranscode(table, request, random);
    auto chosen = choosePublisher(table, request, Capability::Publish, request.endpoints, random);
    if (!chosen)
        return unexpected(std::move(chosen).error());
    return locations(table, *chosen, request.streamGuid);
}

Result<Locations, RoutingError>
selectSubscribe(const RoutingTable& table, const SubscribeRequest& request, RandomSource& random) {
    if (auto bad = checkCommon(request.streamGuid, request.endpoints))
        return unexpected(std::move(*bad));
    const StreamRoutes* stream = table.stream(request.streamGuid);
    if (!stream || !stream->live)
        return reject(404, "stream " + sy::quoted(request.streamGuid) +
                               " is not live in node group " + sy::quoted(table.nodeGroupName()));
    if (table.maxSubscribers() && table.subscriberCount() >= *table.maxSubscribers())
        return reject(503, "node group " + sy::quoted(table.nodeGroupName()) +
                               " has reached maxSubscribers (" +
                               std::to_string(*table.maxSubscribers()) + ")");
    CandidatePicker picker(table, request.subGroups, request.strict);
    for (LeafIndex leaf = 0; leaf < table.leafCount(); ++leaf)
        picker.add(leaf, table.pullingSubscribers(leaf));
    for (const auto& run : stream->runs)
        picker.add(run.leaf,
                   CandidateList(stream->carriers).subspan(run.begin, run.end - run.begin));
    const Wanted wanted{Capability::Subscribe, &request.streamGuid};
    auto chosen =
        choose(table, picker, request.endpoints, request.strict, wanted, request.subGroups, random);
    if (!chosen)
        return unexpected(std::move(chosen).error());
    return locations(table, *chosen, request.streamGuid);
}

} // namespace sy::routing
