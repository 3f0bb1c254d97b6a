#pragma once
// Which sources and destinations media jobs may use, and the URLs as ffmpeg will read them.
// URLs are parsed once, by Boost.URL (RFC 3986), and anything ffmpeg could read differently is
// refused rather than interpreted: a fragment ("rtsp://169.254.169.254#@example.com/x": ffmpeg
// stops the authority at '#'), userinfo with a stray '@', backslashes, percent-encoded hosts, and
// names that are IPv4 addresses in another form (2852039166, 0251.0376.0251.0376, 127.1), which
// the resolver turns into addresses. Cloud instance metadata addresses are refused whatever the
// policy says, and a name is resolved once, every address checked, and the job given the
// address that was checked (no second lookup that could answer differently).

#include "core/util/result.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sy::media {

// LOCAL clusters run on loopback, so loopback and private addresses are allowed by default;
// link-local IPv6 (fe80::/10) only when asked for. Metadata addresses never.
struct UrlPolicy {
    bool allowLoopback = true;
    bool allowPrivate = true;
    bool allowLinkLocal = false;
    // `file` sources must resolve under one of these directories; empty: file sources refused.
    std::vector<std::filesystem::path> fileRoots;
};

// Metadata: 169.254.0.0/16 (AWS, Azure, GCP, OpenStack: 169.254.169.254; ECS 169.254.170.2),
// fd00:ec2::254 (AWS IPv6), 100.100.100.200 (Alibaba), 192.0.0.192 (Oracle), also inside
// IPv4-mapped, IPv4-compatible, NAT64 (64:ff9b::/96) and 6to4 (2002::/16) IPv6 addresses.
enum class HostClass { Public, Loopback, Private, LinkLocal, Unspecified, Metadata };
std::optional<HostClass> classifyLiteral(const std::string& host); // nullopt: not an IP literal

// A URL as both Switchyard and ffmpeg read it. Text fields are as written (percent-encoded).
struct MediaUrl {
    std::string scheme; // lower case
    std::string userinfo;
    std::string user, password;
    std::string host; // IPv6 without brackets
    bool literal = false;
    int port = 0; // 0: none given
    std::string path;
    std::string query; // without '?'
    bool hasQuery = false;
    // scheme://[userinfo@]host[:port]path[?query] with `host` replaced when given.
    std::string text(const std::string& host = {}) const;
};
// Refuses what ffmpeg could read differently, naming the cause.
Result<MediaUrl> parseMediaUrl(const std::string& text);

// Why this host may not be used (a literal of a refused class, a metadata name, localhost under
// a policy without loopback); nullopt when allowed or when only resolving can tell.
std::optional<std::string> hostProblem(const MediaUrl& u, const UrlPolicy& policy);

// Resolves `url`'s host once (blocking DNS), checks every address, and returns the URL ffmpeg is
// to use: the host replaced by the first address, so that ffmpeg connects where was checked.
// rtmps, rtsps and http(s) keep the name, which SNI, the certificate and the Host header need:
// for them a name that resolves differently a moment later is not caught (and an HLS playlist
// names its segments itself). File paths come back unchanged. Error "url_policy" with the reason.
Result<std::string> pinResolved(const std::string& url, const UrlPolicy& policy);
// pinResolved() without the URL: the reason, or nullopt when allowed.
std::optional<std::string> checkResolved(const std::string& url, const UrlPolicy& policy);

} // namespace sy::media
