#include "core/nodes/nodespec.h"

#include "core/util/strings.h"

#include <set>

namespace sy::nodes {

namespace {

Result<void> invalid(const std::string& field, const std::string& why) {
    return fail("invalid_node_spec", field + ": " + why);
}

Result<void> validatePorts(const NodeSpec& spec) {
    if (!isValidPort(spec.rtmpPort))
        return invalid("rtmpPort", std::to_string(spec.rtmpPort) + " is not a TCP port (1-65535)");
    if (!isValidPort(spec.httpPort))
        return invalid("httpPort", std::to_string(spec.httpPort) + " is not a TCP port (1-65535)");
    if (spec.rtmpPort == spec.httpPort)
        return invalid("httpPort",
                       "must differ from rtmpPort (" + std::to_string(spec.rtmpPort) + ")");
    for (std::size_t i = 0; i < spec.parentRtmpPorts.size(); ++i) {
        const int p = spec.parentRtmpPorts[i];
        const auto field = "parentRtmpPorts[" + std::to_string(i) + "]";
        if (!isValidPort(p))
            return invalid(field, std::to_string(p) + " is not a TCP port (1-65535)");
        if (p == spec.rtmpPort)
            return invalid(field, "a node cannot pull from itself");
    }
    return {};
}

Result<void> validateRole(const NodeSpec& spec) {
    const bool pulls = spec.kind != NodeKind::Origin;
    if (!pulls && !spec.parentRtmpPorts.empty())
        return invalid("parentRtmpPorts", "an origin has no parents");
    // Without parents an edge can still find streams through on_play redirects.
    if (pulls && spec.parentRtmpPorts.empty() && spec.callbackBaseUrl.empty())
        return invalid("parentRtmpPorts",
                       "an " + std::string(toString(spec.kind)) +
                           " needs at least one parent or a callback URL (on_play redirect)");
    return {};
}

Result<void> validateApplications(const NodeSpec& spec) {
    if (spec.applications.empty())
        return invalid("applications", "at least one application is required");
    std::set<std::string_view> seen;
    for (std::size_t i = 0; i < spec.applications.size(); ++i) {
        const auto& app = spec.applications[i];
        const auto field = "applications[" + std::to_string(i) + "]";
        if (!sy::isSafeName(app))
            return invalid(field, sy::quoted(app) + " is not a safe name ([A-Za-z0-9._-])");
        if (!seen.insert(app).second)
            return invalid(field, sy::quoted(app) + " is listed twice");
    }
    return {};
}

Result<void> validateDelivery(const NodeSpec& spec) {
    if (spec.hlsFragmentS < 1 || spec.hlsFragmentS > 10)
        return invalid("hlsFragmentS", std::to_string(spec.hlsFragmentS) + " is not 1-10 seconds");
    if (spec.hlsPlaylistS < 3 * spec.hlsFragmentS || spec.hlsPlaylistS > 120)
        return invalid("hlsPlaylistS", std::to_string(spec.hlsPlaylistS) +
                                           " is not between 3 fragments and 120 seconds");
    for (std::size_t i = 0; i < spec.parentHttpPorts.size(); ++i)
        if (!isValidPort(spec.parentHttpPorts[i]) || spec.parentHttpPorts[i] == spec.httpPort)
            return invalid("parentHttpPorts[" + std::to_string(i) + "]",
                           std::to_string(spec.parentHttpPorts[i]) +
                               " is not another node's TCP port");
    if (!spec.relayCredential.empty() && !isConfigSafeToken(spec.relayCredential))
        return invalid("relayCredential", "contains spaces, quotes or characters nginx treats "
                                          "specially");
    return {};
}

// The secret is not quoted in messages: they reach logs and answers.
Result<void> validateSecret(const NodeSpec& spec) {
    if (spec.secret.size() < 32)
        return invalid("secret", "a node needs a secret of at least 32 characters");
    for (char c : spec.secret)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return invalid("secret", "must be letters and digits only");
    return {};
}

} // namespace

std::string_view toString(NodeKind kind) {
    switch (kind) {
    case NodeKind::Origin:
        return "origin";
    case NodeKind::Edge:
        return "edge";
    case NodeKind::Relay:
        return "relay";
    }
    return "unknown";
}

// Rejects what could end a directive, open a block or a string, or split an argument.
bool isConfigSafeToken(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x21 || c == 0x7f || c == ';' || c == '{' || c == '}' || c == '"' || c == '\'' ||
            c == '\\' || c == '$' || c == '#')
            return false;
    return !s.empty();
}

bool isValidPort(int port) {
    return port >= 1 && port <= 65535;
}

bool isLoopbackHttpUrl(std::string_view url) {
    constexpr std::string_view scheme = "http://127.0.0.1:";
    if (!url.starts_with(scheme))
        return false;
    url.remove_prefix(scheme.size());
    const auto slash = url.find('/');
    const auto port = sy::parseInt(url.substr(0, slash));
    if (!port || !isValidPort(static_cast<int>(*port)) || url.substr(0, slash).front() == '+')
        return false;
    if (slash == std::string_view::npos)
        return true;
    const auto path = url.substr(slash);
    if (path.find("..") != std::string_view::npos || path.find("//") != std::string_view::npos)
        return false;
    for (char c : path) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '/' || c == '.' || c == '_' || c == '-' ||
                        c == '~';
        if (!ok)
            return false;
    }
    return true;
}

Result<void> validate(const NodeSpec& spec) {
    if (!sy::isSafeName(spec.nodeId))
        return invalid("nodeId", sy::quoted(spec.nodeId) + " is not a safe name ([A-Za-z0-9._-])");
    if (auto r = validatePorts(spec); !r)
        return r;
    if (!spec.callbackBaseUrl.empty() && !isLoopbackHttpUrl(spec.callbackBaseUrl))
        return invalid("callbackBaseUrl",
                       sy::quoted(spec.callbackBaseUrl) +
                           " is not a loopback URL (http://127.0.0.1:PORT[/path])");
    if (auto r = validateRole(spec); !r)
        return r;
    if (auto r = validateApplications(spec); !r)
        return r;
    if (auto r = validateDelivery(spec); !r)
        return r;
    if (auto r = validateSecret(spec); !r)
        return r;
    const auto prefix = spec.prefixDir.string();
    if (prefix.empty() || !spec.prefixDir.is_absolute())
        return invalid("prefixDir", sy::quoted(prefix) + " is not an absolute path");
    if (!isConfigSafeToken(prefix))
        return invalid("prefixDir", sy::quoted(prefix) +
                                        " contains spaces, quotes or characters nginx treats "
                                        "specially");
    return {};
}

} // namespace sy::nodes
