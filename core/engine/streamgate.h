#pragma once
// StreamGate: who may publish and play. It issues stream tokens for routing answers and media
// jobs, and decides a node's on_publish / on_play callback from what the client sent, by the
// node group's streamAccess setting (model/nodegroup.h):
// - open: allowed;
// - token: a stream token for exactly this group, stream and action (auth/streamtoken.h), used
//   once when the group sets oneTime;
// - roundtrip: a stream token issued by this core, or else the client's username / password /
//   token POSTed to the group's validateUrl, which must answer 2xx with {"result": true}.
// Nodes of the group pull from each other with their relay credential instead (pageUrl).
//
// Thread-safe: callbacks arrive on the callback server's threads.

#include "core/auth/streamtoken.h"
#include "core/model/nodegroup.h"
#include "core/util/result.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>

namespace sy::engine {

// The POST of round-trip mode: the validate URL and the JSON body; returns the HTTP status and
// body, or a transport error. Replaceable for tests of the gate alone.
struct RoundTripAnswer {
    int status = 0;
    std::string body;
};
using RoundTripCall =
    std::function<Result<RoundTripAnswer>(const std::string& url, const nlohmann::json& body)>;
RoundTripCall httpRoundTrip(); // nodes::postHttp with a 3 s bound

// What a node's callback carries besides the stream: form fields (first value of each; nginx
// writes its own before the client's arguments) and the keys the client sent more than once.
struct CallbackFields {
    std::map<std::string, std::string> first;
    std::vector<std::string> repeated;

    const std::string* get(const std::string& key) const {
        const auto it = first.find(key);
        return it == first.end() ? nullptr : &it->second;
    }
};

struct GateDecision {
    bool allowed = true;
    bool relay = false;  // allowed as a node of the group pulling (not a client)
    std::string reason;  // why refused, or how allowed ("token of alice", "open")
    std::string subject; // whose token, when one was used
};

class StreamGate {
public:
    StreamGate(auth::StreamTokenCodec codec, std::function<std::int64_t()> clockSeconds,
               RoundTripCall roundTrip);

    // A token for `action`, or nullopt when the group does not use tokens for it.
    std::optional<std::string> tokenFor(const model::NodeGroupConfig& group,
                                        const std::string& streamGuid, auth::StreamAction action,
                                        const std::string& subject) const;
    // Always a token (media jobs of the core publish and read in every mode but open).
    std::string issue(const std::string& nodeGroup, const std::string& streamGuid,
                      auth::StreamAction action, std::int64_t ttlSeconds,
                      const std::string& subject) const;

    std::string relayCredential(const std::string& nodeGroup, const std::string& nodeId) const;

    // `nodeIds`: the group's nodes, so a relay credential is only taken from one of them.
    GateDecision check(const model::NodeGroupConfig& group, const std::string& streamGuid,
                       auth::StreamAction action, const CallbackFields& fields,
                       const std::vector<std::string>& nodeIds) const;

private:
    GateDecision checkToken(const std::string& group, const std::string& guid,
                            auth::StreamAction action, const std::string& token,
                            bool oneTime) const;
    GateDecision checkRoundTrip(const model::NodeGroupConfig& group, const std::string& guid,
                                auth::StreamAction action, const CallbackFields& fields) const;

    auth::StreamTokenCodec codec_;
    mutable auth::ReplayCache replay_;
    RoundTripCall roundTrip_;
};

// Appends "?token=…" (or "&token=…") to a URL; the URL unchanged when token is empty.
std::string withToken(const std::string& url, const std::string& token);

} // namespace sy::engine
