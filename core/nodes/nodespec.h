#pragma once
// What one nginx-rtmp node is: identity, role, ports and where its files live. A plain value that
// the engine journals so that a node can be re-found after a restart of the core.

#include "core/util/result.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace sy::nodes {

// Origins accept publishers; edges and relays pull from their parents (relays sit between origins
// and edges, so to nginx they are the same shape as edges).
enum class NodeKind { Origin, Edge, Relay };

std::string_view toString(NodeKind kind);

struct NodeSpec {
    std::string nodeId; // sy::isSafeName
    NodeKind kind = NodeKind::Origin;
    // int, not uint16_t, so that an out-of-range value is refused instead of silently wrapped.
    int rtmpPort = 0;
    int httpPort = 0;
    std::vector<int> parentRtmpPorts; // edge/relay: upstream nodes on 127.0.0.1, first one wins
    // Empty: no callbacks. Otherwise "http://127.0.0.1:PORT[/path]"; the node then POSTs to
    // BASE/NODEID/publish, BASE/NODEID/play and BASE/NODEID/done.
    std::string callbackBaseUrl;
    std::vector<std::string> applications{"live"}; // each sy::isSafeName
    // HLS: an origin writes segments under temp/hls and serves them at /hls/APP/NAME.m3u8; an
    // edge or relay serves the same path from its parents' HTTP ports (first that has it).
    bool hls = false;
    int hlsFragmentS = 2;
    int hlsPlaylistS = 12;
    std::vector<int> parentHttpPorts;
    std::string relayCredential; // pageUrl of relay pulls; isConfigSafeToken
    // Required (auth/nodesecret.h): the node's callbacks carry it (BASE/NODEID/CALL?secret=...)
    // and its /stat and /control answer only requests that send it in kNodeSecretHeader. It is
    // written into the 0600 config file only, never into nginx's arguments.
    std::string secret;
    std::filesystem::path prefixDir; // absolute; holds conf/ logs/ temp/

    bool operator==(const NodeSpec&) const = default;
};

// The header that carries a node's secret to its /stat and /control (nginx: $http_x_...).
inline constexpr std::string_view kNodeSecretHeader = "X-Switchyard-Node-Secret";

// Every value that reaches the config file or a process argument is checked here, so a rendered
// config can never carry an injected directive. The message names the field and the value.
Result<void> validate(const NodeSpec& spec);

// Whole-string checks shared with other users of loopback URLs and ports.
bool isValidPort(int port);
bool isLoopbackHttpUrl(std::string_view url);
// False when s has whitespace, quotes, ';', braces or other characters nginx treats specially.
bool isConfigSafeToken(std::string_view s);

} // namespace sy::nodes
