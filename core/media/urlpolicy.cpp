#include "core/media/urlpolicy.h"

#include "core/media/secretbox.h"
#include "core/util/strings.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace sy::media {

namespace {

template <class View>
std::string str(const View& v) {
    return std::string(v.data(), v.size());
}

HostClass classifyV4(std::uint32_t a) { // host byte order
    if ((a >> 16) == 0xA9FE || a == 0x646464C8 || a == 0xC00000C0)
        return HostClass::Metadata; // 169.254/16, 100.100.100.200, 192.0.0.192
    if ((a >> 24) == 127)
        return HostClass::Loopback;
    if (a == 0)
        return HostClass::Unspecified;
    if ((a >> 24) == 10 || (a >> 20) == 0xAC1 || (a >> 16) == 0xC0A8 || (a >> 22) == 0x191)
        return HostClass::Private; // 10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT)
    return HostClass::Public;
}

std::uint32_t v4At(const in6_addr& a, int offset) {
    std::uint32_t v4;
    std::memcpy(&v4, &a.s6_addr[offset], 4);
    return ntohl(v4);
}

HostClass classifyV6(const in6_addr& a) {
    static const in6_addr loop = IN6ADDR_LOOPBACK_INIT;
    static const in6_addr any = IN6ADDR_ANY_INIT;
    static const unsigned char awsMetadata[16] = {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0,    0,
                                                  0,    0,    0,    0,    0, 0, 0x02, 0x54};
    static const unsigned char nat64[12] = {0x00, 0x64, 0xff, 0x9b};
    if (std::memcmp(&a, &loop, sizeof a) == 0)
        return HostClass::Loopback;
    if (std::memcmp(&a, &any, sizeof a) == 0)
        return HostClass::Unspecified;
    if (std::memcmp(a.s6_addr, awsMetadata, 16) == 0)
        return HostClass::Metadata;
    // IPv4 inside IPv6: what a dual-stack socket or a translator reaches is the IPv4 address.
    if (IN6_IS_ADDR_V4MAPPED(&a) || IN6_IS_ADDR_V4COMPAT(&a))
        return classifyV4(v4At(a, 12));
    if (std::memcmp(a.s6_addr, nat64, 12) == 0) {
        const auto c = classifyV4(v4At(a, 12));
        return c == HostClass::Metadata ? c : HostClass::Public;
    }
    if (a.s6_addr[0] == 0x20 && a.s6_addr[1] == 0x02 &&
        classifyV4(v4At(a, 2)) == HostClass::Metadata)
        return HostClass::Metadata;
    if ((a.s6_addr[0] & 0xfe) == 0xfc)
        return HostClass::Private;
    if (a.s6_addr[0] == 0xfe && (a.s6_addr[1] & 0xc0) == 0x80)
        return HostClass::LinkLocal;
    return HostClass::Public;
}

std::optional<std::string> allowed(HostClass c, const UrlPolicy& policy, const std::string& host) {
    switch (c) {
    case HostClass::Public:
        return std::nullopt;
    case HostClass::Loopback:
        if (policy.allowLoopback)
            return std::nullopt;
        return "loopback address " + sy::quoted(host) + " is not allowed by the URL policy";
    case HostClass::Private:
        if (policy.allowPrivate)
            return std::nullopt;
        return "private address " + sy::quoted(host) + " is not allowed by the URL policy";
    case HostClass::LinkLocal:
        if (policy.allowLinkLocal)
            return std::nullopt;
        return "link-local address " + sy::quoted(host) + " is not allowed by the URL policy";
    case HostClass::Unspecified:
        return "unspecified address " + sy::quoted(host) + " cannot be a source or destination";
    case HostClass::Metadata:
        return std::string(host.starts_with("169.254.") ? "link-local address "
                                                        : "cloud instance metadata address ") +
               sy::quoted(host) + " (where clouds serve instance metadata) is never allowed";
    }
    return std::nullopt;
}

// Names of metadata services, whatever they resolve to here.
bool metadataName(std::string name) {
    name = toLower(name);
    while (name.ends_with('.'))
        name.pop_back();
    return name == "metadata.google.internal" || name == "metadata.goog" || name == "metadata" ||
           name == "instance-data" || name.ends_with(".metadata.google.internal");
}

// TLS needs the name for SNI and the certificate; HTTP for the Host header of virtual hosts (and
// an HLS playlist's segments are fetched by the names it lists anyway).
bool keepsName(const std::string& scheme) {
    return scheme == "rtmps" || scheme == "rtsps" || scheme == "https" || scheme == "http";
}

Result<MediaUrl> refuse(const std::string& why) {
    return fail("url_policy", why);
}

} // namespace

std::optional<HostClass> classifyLiteral(const std::string& host) {
    in_addr v4{};
    if (::inet_pton(AF_INET, host.c_str(), &v4) == 1)
        return classifyV4(ntohl(v4.s_addr));
    in6_addr v6{};
    if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1)
        return classifyV6(v6);
    return std::nullopt;
}

std::string MediaUrl::text(const std::string& replacement) const {
    const std::string h = replacement.empty() ? host : replacement;
    std::string out = scheme + "://";
    if (!userinfo.empty())
        out += userinfo + "@";
    out += h.find(':') != std::string::npos ? "[" + h + "]" : h;
    if (port)
        out += ":" + std::to_string(port);
    out += path;
    if (hasQuery)
        out += "?" + query;
    return out;
}

Result<MediaUrl> parseMediaUrl(const std::string& text) {
    // Problems reach views and events: the URL is shown without what grants access.
    const std::string shown = sy::quoted(maskUrl(text.substr(0, 200), true));
    if (text.find('\\') != std::string::npos)
        return refuse("has a backslash, which ffmpeg and URL parsers read differently: " + shown);
    // ffmpeg splits the authority at its last '@' (av_url_split); a second one is read
    // differently by every parser, so it is refused rather than interpreted.
    if (const auto start = text.find("://"); start != std::string::npos) {
        const auto authority =
            text.substr(start + 3, text.find_first_of("/?#", start + 3) - (start + 3));
        if (std::count(authority.begin(), authority.end(), '@') > 1)
            return refuse("has more than one '@' before the host: " + shown);
    }
    auto parsed = boost::urls::parse_uri(text);
    if (!parsed)
        return refuse("is not a valid URL (scheme://host[:port]/path): " + shown);
    const auto& u = *parsed;
    if (u.has_fragment())
        return refuse("has a fragment ('#'), where ffmpeg would end the address: " + shown);
    if (!u.has_authority() || u.encoded_host().empty())
        return refuse("is not a valid URL (scheme://host[:port]/path): " + shown);
    MediaUrl m;
    m.scheme = toLower(str(u.scheme()));
    if (u.has_userinfo()) {
        m.userinfo = str(u.encoded_userinfo());
        m.user = str(u.encoded_user());
        m.password = str(u.encoded_password());
    }
    switch (u.host_type()) {
    case boost::urls::host_type::ipv4:
        m.host = str(u.encoded_host());
        m.literal = true;
        break;
    case boost::urls::host_type::ipv6: {
        m.host = str(u.encoded_host_address());
        if (m.host.starts_with('[') && m.host.ends_with(']'))
            m.host = m.host.substr(1, m.host.size() - 2);
        m.literal = true;
        break;
    }
    case boost::urls::host_type::name: {
        m.host = str(u.encoded_host());
        if (m.host.find('%') != std::string::npos)
            return refuse("has a percent-encoded host, which ffmpeg does not decode: " + shown);
        // RFC 3986 names may hold sub-delimiters ("a;b", "a&b") that no resolver reads alike.
        for (char c : m.host)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_')
                return refuse("host " + sy::quoted(m.host) + " is not a DNS name or an IP address");
        // The resolver reads "2852039166", "0xa9.0xfe.0xa9.0xfe" or "127.1" as IPv4 addresses.
        in_addr any{};
        if (::inet_aton(m.host.c_str(), &any) != 0)
            return refuse("host " + sy::quoted(m.host) +
                          " is an IPv4 address in a non-canonical form (write it a.b.c.d)");
        break;
    }
    default:
        return refuse("has a host that is neither a name nor an IP address: " + shown);
    }
    if (u.has_port()) {
        const auto port = parseInt(str(u.port()));
        if (!port || *port < 1 || *port > 65535)
            return refuse("is not a valid URL (port out of range): " + shown);
        m.port = static_cast<int>(*port);
    }
    m.path = str(u.encoded_path());
    m.hasQuery = u.has_query();
    m.query = str(u.encoded_query());
    return m;
}

std::optional<std::string> hostProblem(const MediaUrl& u, const UrlPolicy& policy) {
    if (metadataName(u.host))
        return "host " + sy::quoted(u.host) +
               " is a cloud instance metadata service: never allowed";
    auto lower = toLower(u.host);
    while (lower.ends_with('.'))
        lower.pop_back();
    if (lower == "localhost" || lower.ends_with(".localhost"))
        return allowed(HostClass::Loopback, policy, u.host);
    if (const auto c = classifyLiteral(u.host))
        return allowed(*c, policy, u.host);
    return std::nullopt;
}

Result<std::string> pinResolved(const std::string& url, const UrlPolicy& policy) {
    if (url.find("://") == std::string::npos)
        return url; // a file path: checked against the media folders when stored
    auto u = parseMediaUrl(url);
    if (!u)
        return unexpected(u.error());
    if (auto why = hostProblem(*u, policy))
        return fail("url_policy", *why);
    if (u->literal)
        return url;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    const int rc = ::getaddrinfo(u->host.c_str(), nullptr, &hints, &res);
    if (rc != 0)
        return fail("url_policy",
                    "cannot resolve " + sy::quoted(u->host) + ": " + ::gai_strerror(rc));
    std::optional<std::string> why;
    std::string first;
    for (auto* a = res; a && !why; a = a->ai_next) {
        char text[INET6_ADDRSTRLEN] = {};
        HostClass c = HostClass::Public;
        if (a->ai_family == AF_INET) {
            const auto& in = reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr;
            c = classifyV4(ntohl(in.s_addr));
            ::inet_ntop(AF_INET, &in, text, sizeof text);
        } else if (a->ai_family == AF_INET6) {
            const auto& in6 = reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr;
            c = classifyV6(in6);
            ::inet_ntop(AF_INET6, &in6, text, sizeof text);
        } else {
            continue;
        }
        if (auto bad = allowed(c, policy, u->host))
            why = *bad + " (the name resolves to " + text + ")";
        else if (first.empty())
            first = text;
    }
    ::freeaddrinfo(res);
    if (why)
        return fail("url_policy", *why);
    if (first.empty())
        return fail("url_policy", "cannot resolve " + sy::quoted(u->host) + ": no address");
    if (keepsName(u->scheme))
        return url;
    return u->text(first);
}

std::optional<std::string> checkResolved(const std::string& url, const UrlPolicy& policy) {
    auto pinned = pinResolved(url, policy);
    if (pinned)
        return std::nullopt;
    return pinned.error().message;
}

} // namespace sy::media
